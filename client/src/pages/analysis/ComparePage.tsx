import { useId, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { listWaves, type Locale } from '../../api/api';
import { getComparison, type CompareRow, type Comparison, type SideRow } from '../../api/analysis';
import { LabelledSelect } from '../../components/LabelledSelect';
import { pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { AnalysisShell, loadAnalysisContext } from './AnalysisShell';
import { TableHead, numColumn } from '../../components/TableHead';
import {
  AnswerSelect,
  BaseAndDownloads,
  SmallBaseMark,
  SuppressedLegend,
  useAnalysisParams,
  useLocale,
} from './common';
import { fmtNumber, fmtP, fmtPp, shareWithCi, SUPPRESSED } from './numbers';
import { QuestionSelect } from './CrosstabPage';
import { fmtValue, sortRegions } from './QuestionResults';

async function loadContext(code: string, signal: AbortSignal) {
  const [{ variables, regions }, waves] = await Promise.all([loadAnalysisContext(code, signal), listWaves(signal)]);
  return {
    variables: variables.filter((v) => v.kind !== 'text'),
    regions,
    waves: waves.filter((w) => w.code !== code),
  };
}

/** /w/:code/compare — one question in this wave (A) and another (B), per region. */
export default function ComparePage() {
  const { code = '' } = useParams();
  const { t } = useTranslation();
  const lng = useLocale();
  const { params, set, filters, k, key } = useAnalysisParams();
  const b = params.get('b') ?? '';
  const question = params.get('question') ?? '';
  const context = useRequest((signal) => loadContext(code, signal), code);
  const ready = b !== '' && question !== '';
  const comparison = useRequest(
    (signal) => (ready ? getComparison(code, b, question, filters, k, signal) : Promise.resolve(null)),
    `${code}|${b}|${question}|${key}`,
  );

  return (
    <AnalysisShell
      code={code}
      title={t('analysis.compare.title')}
      context={context}
      tools={({ variables, waves }) => (
        <div className="analysis-pickers card">
          <LabelledSelect
            label={t('analysis.compare.waveB')}
            value={b}
            onChange={(wave) => set({ b: wave })}
            testId="compare-wave"
            width="wide"
          >
            <option value="">{t('analysis.compare.pickWave')}</option>
            {waves.map((w) => (
              <option key={w.code} value={w.code}>
                {pick(w.title, lng) || w.code} ({w.code})
              </option>
            ))}
          </LabelledSelect>
          <QuestionSelect
            label={t('analysis.compare.question')}
            value={question}
            variables={variables}
            onChange={(v) => set({ question: v, option: undefined })}
            testId="compare-question"
          />
        </div>
      )}
      notes={!ready && <p className="notice">{t('analysis.compare.pick')}</p>}
      result={comparison}
      resultLoading={ready}
    >
      {comparison.status === 'ok' &&
        comparison.data &&
        (comparison.data.variable.numeric && comparison.data.options.length === 0 ? (
          <NumericCompareView data={comparison.data} />
        ) : (
          <CompareView data={comparison.data} />
        ))}
    </AnalysisShell>
  );
}

function CompareView({ data }: { data: Comparison }) {
  const { t } = useTranslation();
  const lng = useLocale();
  const { params, set } = useAnalysisParams();
  const titleId = useId();
  const numeric = data.variable.numeric && data.options.length === 0;
  const option = params.get('option') || data.options[0]?.value || '';
  const nameA = pick(data.a.title, lng) || data.a.code;
  const nameB = pick(data.b.title, lng) || data.b.code;
  const exportExtra = { b: data.b.code, question: data.variable.name, locale: lng, k: String(data.minCell) };

  const side = (s: SideRow | null) => {
    if (!s) return SUPPRESSED;
    if (numeric) {
      const n = s.numbers;
      if (!n || 'suppressed' in n) return SUPPRESSED;
      return fmtNumber(n.mean, lng, 2);
    }
    return shareWithCi(s.cells[option], lng);
  };
  const change = (r: CompareRow) => {
    if (r.presence !== 'both') return t(r.presence === 'a' ? 'analysis.compare.onlyA' : 'analysis.compare.onlyB');
    if (numeric) {
      const c = r.numberChange;
      if (!c) return SUPPRESSED;
      const rel = c.rel === null ? '' : ` (${fmtPp(c.rel * 100, lng)} %)`;
      return `${fmtPp(c.abs, lng)}${rel}`;
    }
    const c = r.changes[option];
    return c ? fmtPp(c.pp, lng) : SUPPRESSED;
  };
  const p = (r: CompareRow) => {
    if (numeric || r.presence !== 'both') return '';
    const c = r.changes[option];
    if (!c || c.p === null) return SUPPRESSED;
    const method = c.test === 'fisher' ? ` (${t('disclosure.fisher')})` : '';
    return `${fmtP(c.p, lng)}${method}`;
  };
  // A small base is flagged, never marked significant (n = 4 is no evidence whatever its p).
  const significant = (r: CompareRow) => !numeric && !r.smallBase && (r.changes[option]?.p ?? 1) < 0.05;
  const mark = (r: CompareRow) => (r.smallBase ? <SmallBaseMark smallBase={data.smallBase} /> : null);
  const row = (r: CompareRow, total = false) => (
    <tr key={r.code} data-testid={`compare-row-${r.code}`} className={r.presence !== 'both' ? 'only-one' : undefined}>
      <th scope="row">{total ? t('results.total') : pick(r.names, lng) || r.code}</th>
      <td className="num">{fmtNumber(r.a?.respondents ?? 0, lng)}</td>
      <td className="num">{side(r.a)}</td>
      <td className="num">{fmtNumber(r.b?.respondents ?? 0, lng)}</td>
      <td className="num">{side(r.b)}</td>
      <td className="num">
        {change(r)}
        {r.presence === 'both' && mark(r)}
      </td>
      <td className={significant(r) ? 'num significant' : 'num'} data-small-base={r.smallBase || undefined}>
        {p(r)}
        {p(r) !== '' && mark(r)}
      </td>
    </tr>
  );

  return (
    <CompareFrame data={data} exportExtra={exportExtra} titleId={titleId}>
      {!numeric && (
        <AnswerSelect
          label={t('analysis.compare.answer')}
          value={option}
          options={data.options}
          onChange={(v) => set({ option: v })}
          testId="compare-option"
        />
      )}
      <p className="table-note">{numeric ? t('analysis.compare.noteNumeric') : t('disclosure.compareNote')}</p>
      <div className="table-scroll" role="region" aria-labelledby={titleId} tabIndex={0}>
        <table className="results-table" data-testid="compare-table">
          <TableHead
            columns={[
              t('results.region'),
              ...[nameA, nameB].flatMap((wave) => [
                t('analysis.compare.nIn', { wave }),
                numeric ? t('analysis.compare.meanIn', { wave }) : t('analysis.compare.shareIn', { wave }),
              ]),
              numeric ? t('analysis.compare.changeAbs') : t('analysis.compare.changePp'),
              t('analysis.pValue'),
            ].map((label, i) => (i === 0 ? label : numColumn(label)))}
          />
          <tbody>{data.regions.map((r) => row(r))}</tbody>
          <tfoot>{row(data.total, true)}</tfoot>
        </table>
      </div>
    </CompareFrame>
  );
}

/** The frame of both views: base, downloads, the question's card with the table and its legend. */
function CompareFrame({
  data,
  exportExtra,
  titleId,
  children,
}: {
  data: Comparison;
  exportExtra: Record<string, string>;
  titleId: string;
  children: ReactNode;
}) {
  const lng = useLocale();
  return (
    <>
      <BaseAndDownloads base={data.base.text} code={data.a.code} kind="compare" extra={exportExtra} />
      <section className="card table-card" aria-labelledby={titleId}>
        <h2 id={titleId}>{pick(data.variable.title, lng) || data.variable.name}</h2>
        {children}
        <SuppressedLegend legend={data.legend} smallBase={data.smallBase} />
      </section>
    </>
  );
}

type Change = CompareRow['sumChange'];

/** "+12 (+3,4 %)" — an absolute change with its relative change; "—" when it cannot be given. */
function fmtChange(c: Change, lng: Locale, digits: number): string {
  if (!c) return SUPPRESSED;
  const abs = new Intl.NumberFormat(lng === 'en' ? 'en-GB' : lng === 'uk' ? 'uk-UA' : 'ru-RU', {
    minimumFractionDigits: 0,
    maximumFractionDigits: digits,
    signDisplay: 'exceptZero',
  }).format(c.abs);
  return c.rel === null ? abs : `${abs} (${fmtPp(c.rel * 100, lng)} %)`;
}

/**
 * A numeric question in two waves: per region and in total, n, the sum and the mean in each wave,
 * and the change of the sum and of the mean (absolute and %). The sum is what a per-region
 * indicator monitored across dates needs; the mean is kept next to it.
 */
function NumericCompareView({ data }: { data: Comparison }) {
  const { t } = useTranslation();
  const lng = useLocale();
  const { params, set } = useAnalysisParams();
  const titleId = useId();
  const orderId = useId();
  const order = params.get('order') === 'code' ? 'code' : 'name';
  const nameA = pick(data.a.title, lng) || data.a.code;
  const nameB = pick(data.b.title, lng) || data.b.code;
  const exportExtra = { b: data.b.code, question: data.variable.name, order, locale: lng, k: String(data.minCell) };
  const rows = sortRegions(data.regions, order, lng);

  const stats = (s: SideRow | null) => {
    const n = s?.numbers;
    if (!s || !n) return [fmtNumber(0, lng), '', ''];
    if ('suppressed' in n) return [SUPPRESSED, SUPPRESSED, SUPPRESSED];
    return [fmtNumber(n.n, lng), fmtValue(n.sum, lng), fmtNumber(n.mean, lng, 2)];
  };
  const row = (r: CompareRow, total = false) => {
    const one = r.presence !== 'both';
    const only = t(r.presence === 'a' ? 'analysis.compare.onlyA' : 'analysis.compare.onlyB');
    return (
      <tr key={r.code} data-testid={`compare-row-${r.code}`} className={one ? 'only-one' : undefined}>
        <th scope="row">
          {total ? t('results.total') : pick(r.names, lng) || r.code}
          {r.smallBase && <SmallBaseMark smallBase={data.smallBase} />}
        </th>
        {[...stats(r.a), ...stats(r.b)].map((x, i) => (
          <td key={i} className="num">
            {x}
          </td>
        ))}
        <td className="num" data-testid="sum-change">
          {one ? only : fmtChange(r.sumChange, lng, 2)}
        </td>
        <td className="num" data-testid="mean-change">
          {one ? only : fmtChange(r.numberChange, lng, 2)}
        </td>
      </tr>
    );
  };

  return (
    <CompareFrame data={data} exportExtra={exportExtra} titleId={titleId}>
      <div className="analysis-pickers">
        <div className="analysis-filter analysis-filter--narrow">
          <label htmlFor={orderId}>{t('questionResults.order')}</label>
          <select id={orderId} value={order} onChange={(e) => set({ order: e.target.value })}>
            <option value="name">{t('questionResults.byName')}</option>
            <option value="code">{t('questionResults.byCode')}</option>
          </select>
        </div>
      </div>
      <p className="table-note">{t('compareNumbers.note')}</p>
      <div className="table-scroll table-scroll--sticky" role="region" aria-labelledby={titleId} tabIndex={0}>
        <table className="results-table" data-testid="compare-table">
          <thead>
            <tr>
              <th scope="col" rowSpan={2}>
                {t('results.region')}
              </th>
              <th scope="colgroup" colSpan={3} className="num">
                {nameA} (A)
              </th>
              <th scope="colgroup" colSpan={3} className="num">
                {nameB} (B)
              </th>
              <th scope="colgroup" colSpan={2} className="num">
                {t('compareNumbers.change')}
              </th>
            </tr>
            <tr>
              {['A', 'B'].flatMap((w) =>
                (['n', 'sum', 'mean'] as const).map((k) => (
                  <th key={`${w}-${k}`} scope="col" className="num">
                    {t(`questionResults.stat.${k}`)}
                  </th>
                )),
              )}
              {(['sumChange', 'meanChange'] as const).map((k) => (
                <th key={k} scope="col" className="num">
                  {t(`compareNumbers.${k}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>{rows.map((r) => row(r))}</tbody>
          <tfoot>{row(data.total, true)}</tfoot>
        </table>
      </div>
    </CompareFrame>
  );
}
