import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import {
  getCrosstab,
  startCrosstabJob,
  type AnalysisVariable,
  type CrossCell,
  type Crosstab,
} from '../../api/analysis';
import { ApiError } from '../../api/api';
import { getJob, isFinished, type Job } from '../../api/jobs';
import { LabelledSelect } from '../../components/LabelledSelect';
import { pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { AnalysisShell, loadAnalysisContext, type AnalysisContext } from './AnalysisShell';
import { BaseAndDownloads, SmallBaseMark, SuppressedLegend, useAnalysisParams, useLocale } from './common';
import { fmtNumber, fmtP, fmtShare, SUPPRESSED } from './numbers';

type Mode = 'count' | 'row' | 'col';

/** Waits `ms`, or rejects when the page leaves (the request's signal aborts). */
const wait = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });
const PROFILE = ['region', 'municipalityType', 'sizeClass', 'respondentRole'] as const;

async function loadContext(code: string, signal: AbortSignal): Promise<AnalysisContext> {
  const { variables, regions } = await loadAnalysisContext(code, signal);
  return { variables: variables.filter((v) => v.kind === 'single' || v.kind === 'multi'), regions };
}

export function QuestionSelect({
  label,
  value,
  variables,
  onChange,
  testId,
  profile = false,
}: {
  label: string;
  value: string;
  variables: AnalysisVariable[];
  onChange: (v: string) => void;
  testId: string;
  /** Also offer the respondent profile dimensions (`@region`…: tables from the kept counts). */
  profile?: boolean;
}) {
  const { t } = useTranslation();
  const lng = useLocale();
  return (
    <LabelledSelect label={label} value={value} onChange={onChange} testId={testId} width="wide">
      <option value="">{t('analysis.pickQuestion')}</option>
      {profile && (
        <optgroup label={t('cube.profile')}>
          {PROFILE.map((d) => (
            <option key={d} value={`@${d}`}>
              {t(`cube.dim.${d}`)}
            </option>
          ))}
        </optgroup>
      )}
      {variables.map((v) => (
        <option key={v.name} value={v.name}>
          {pick(v.title, lng) || v.name} ({v.name})
        </option>
      ))}
    </LabelledSelect>
  );
}

/** /w/:code/crosstab — two choice questions, or a profile dimension × a question: counts, row/column %, chi-square. */
export default function CrosstabPage() {
  const { code = '' } = useParams();
  const { t } = useTranslation();
  const { params, set, filters, k, key } = useAnalysisParams();
  const lng = useLocale();
  const row = params.get('row') ?? '';
  const col = params.get('col') ?? '';
  const context = useRequest((signal) => loadContext(code, signal), code);
  const ready = row !== '' && col !== '';
  // Two questions over many respondents: the server answers 409 `crosstab_needs_job`; the page then
  // starts the job and follows its progress until the table (the job's result) is there.
  const [job, setJob] = useState<Job | null>(null);
  const table = useRequest(async (signal) => {
    setJob(null);
    if (!ready) return null;
    try {
      return await getCrosstab(code, row, col, filters, k, signal);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 'crosstab_needs_job')) throw err;
    }
    let j = await startCrosstabJob(code, row, col, filters, k);
    setJob(j);
    while (!isFinished(j)) {
      await wait(1000, signal);
      j = await getJob(j.id, signal);
      setJob(j);
    }
    if (j.kind !== 'crosstab' || j.state !== 'done' || !j.result) throw new Error(j.error ?? j.state);
    return j.result;
  }, `${code}|${row}|${col}|${key}`);

  return (
    <AnalysisShell
      code={code}
      title={t('analysis.crosstab.title')}
      context={context}
      tools={({ variables }) => (
        <div className="analysis-pickers card">
          <QuestionSelect
            label={t('analysis.crosstab.rows')}
            value={row}
            variables={variables}
            onChange={(v) => set({ row: v })}
            testId="crosstab-row"
            profile
          />
          <QuestionSelect
            label={t('analysis.crosstab.cols')}
            value={col}
            variables={variables}
            onChange={(v) => set({ col: v })}
            testId="crosstab-col"
          />
        </div>
      )}
      notes={
        <>
          {!ready && <p className="notice">{t('analysis.crosstab.pick')}</p>}
          {ready && !row.startsWith('@') && (
            <p className="notice" data-testid="crosstab-scan-note">
              {t('cube.crosstabScan')}
            </p>
          )}
          {ready && job && (
            <div className="notice" role="status" data-testid="crosstab-job">
              <p>{t('crosstabJob.asJob')}</p>
              {job.state !== 'done' && (
                <>
                  <progress max={100} value={job.percent ?? undefined} aria-label={t('crosstabJob.progress')} />{' '}
                  {job.rowsTotal !== null
                    ? t('crosstabJob.rows', {
                        done: fmtNumber(job.rowsDone, lng),
                        total: fmtNumber(job.rowsTotal, lng),
                        percent: job.percent ?? 0,
                      })
                    : t(`crosstabJob.state.${job.state}`)}
                </>
              )}
            </div>
          )}
        </>
      }
      result={table}
      resultLoading={ready && !job}
    >
      {table.status === 'ok' && table.data && <CrosstabView data={table.data} />}
    </AnalysisShell>
  );
}

function CrosstabView({ data }: { data: Crosstab }) {
  const { t } = useTranslation();
  const lng = useLocale();
  const [mode, setMode] = useState<Mode>('count');
  const titleId = useId();
  const label = (o: { value: string; labels: Crosstab['rows'][number]['labels'] }) => pick(o.labels, lng) || o.value;
  const cell = (c: CrossCell) => {
    if (c.suppressed || c.count === null) return SUPPRESSED;
    if (mode === 'count') return fmtNumber(c.count, lng);
    const s = mode === 'row' ? c.rowShare : c.colShare;
    return s === null ? SUPPRESSED : fmtShare(s, lng);
  };
  const total = (n: number | null) => (n === null ? SUPPRESSED : fmtNumber(n, lng));
  // The margin across the percentages in the table's own terms: in row % the total row is each
  // column's share of everyone (the column % mode likewise for the total column); the other
  // margin stays the base (count) of the percentages.
  const margin = (n: number | null) => (n === null ? SUPPRESSED : data.n ? fmtShare(n / data.n, lng) : '');
  const chi = data.chiSquare;
  /** Expected counts under 5: how many cells, of how many (said with the test's warning). */
  const lowExpected = chi ? fmtNumber(chi.lowExpected, lng) : '';
  const cells = chi ? fmtNumber(chi.cells, lng) : '';
  const test = data.test;
  // Answers nobody gave are left out of the table (and of the test).
  const rowIdx = data.rows.map((_r, i) => i).filter((i) => data.rowTotals[i] !== 0);
  const colIdx = data.cols.map((_c, j) => j).filter((j) => data.colTotals[j] !== 0);
  const exportExtra = { row: data.row.name, col: data.col.name, locale: lng, k: String(data.minCell) };

  return (
    <>
      <BaseAndDownloads base={data.base.text} code={data.wave.code} kind="crosstab" extra={exportExtra} />
      <section className="card table-card" aria-labelledby={titleId}>
        <h2 id={titleId}>
          {pick(data.row.title, lng)} × {pick(data.col.title, lng)}
        </h2>
        <fieldset className="analysis-mode">
          <legend>{t('analysis.crosstab.show')}</legend>
          {(['count', 'row', 'col'] as const).map((m) => (
            <label key={m}>
              <input type="radio" name="mode" value={m} checked={mode === m} onChange={() => setMode(m)} />{' '}
              {t(`analysis.crosstab.mode.${m}`)}
            </label>
          ))}
        </fieldset>
        <div className="table-scroll" role="region" aria-labelledby={titleId} tabIndex={0}>
          <table className="results-table" data-testid="crosstab-table">
            <thead>
              <tr>
                <th scope="col">{pick(data.row.title, lng)}</th>
                {colIdx.map((j) => (
                  <th scope="col" className="num" key={data.cols[j].value}>
                    {label(data.cols[j])}
                  </th>
                ))}
                <th scope="col" className="num">
                  {t('results.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {rowIdx.map((i) => (
                <tr key={data.rows[i].value}>
                  <th scope="row">{label(data.rows[i])}</th>
                  {colIdx.map((j) => (
                    <td className="num" key={data.cols[j].value}>
                      {cell(data.cells[i][j])}
                    </td>
                  ))}
                  <td className="num">{mode === 'col' ? margin(data.rowTotals[i]) : total(data.rowTotals[i])}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{t('results.total')}</th>
                {colIdx.map((j) => (
                  <td className="num" key={data.cols[j].value}>
                    {mode === 'row' ? margin(data.colTotals[j]) : total(data.colTotals[j])}
                  </td>
                ))}
                <td className="num">{fmtNumber(data.n, lng)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
        <SuppressedLegend legend={data.legend} smallBase={data.smallBase} />
      </section>
      <section className="card" aria-label={t('analysis.crosstab.test')} data-testid="chi-square">
        <h2>{t('analysis.crosstab.test')}</h2>
        {chi ? (
          <>
            <dl className="analysis-stats">
              <dt>χ²</dt>
              <dd data-testid="chi-statistic">{fmtNumber(chi.statistic, lng, 3)}</dd>
              <dt>{t('analysis.crosstab.df')}</dt>
              <dd data-testid="chi-df">{fmtNumber(chi.df, lng)}</dd>
              {test?.method === 'chi-square' && (
                <>
                  <dt>{t('analysis.pValue')}</dt>
                  <dd data-testid="chi-p">{fmtP(test.p, lng)}</dd>
                </>
              )}
            </dl>
            {test?.method === 'chi-square' && (
              <p>{test.p < 0.05 ? t('analysis.crosstab.significant') : t('analysis.crosstab.notSignificant')}</p>
            )}
            {test?.method === 'fisher' && (
              <p data-testid="fisher-p">{t('disclosure.fisherP', { p: fmtP(test.p, lng) })}</p>
            )}
            {(test?.method === 'invalid' || test?.method === 'fisher') && (
              <p className="notice notice--info" data-testid="chi-warning">
                {test.method === 'invalid'
                  ? t('disclosure.chiInvalid', { n: lowExpected, m: cells })
                  : t('analysis.crosstab.lowExpected', { low: lowExpected, cells })}
              </p>
            )}
            {data.n < data.smallBase && (
              <p data-testid="crosstab-small-base">
                <SmallBaseMark smallBase={data.smallBase} /> {t('disclosure.smallBase', { n: data.smallBase })}
              </p>
            )}
          </>
        ) : (
          <p className="notice notice--info" data-testid="chi-none">
            {data.noTest === 'multi' ? t('analysis.crosstab.noTestMulti') : t('analysis.crosstab.noTestSmall')}
          </p>
        )}
      </section>
    </>
  );
}
