// /trends — one question across a series of waves: the question matched by name in each wave's
// questionnaire version (the matching shown), a share or a mean per wave with its 95% interval per
// region and overall, as a line chart with interval bands and as a table; downloads as SVG, PNG,
// CSV and XLSX (long format).
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listWaves, type Locale, type WaveSummary } from '../../api/api';
import {
  getTrendQuestions,
  getTrends,
  trendsDownloadUrl,
  type Measure,
  type TrendLine,
  type TrendPoint,
  type Trends,
} from '../../api/monitor';
import { ErrorNotice } from '../../components/ErrorNotice';
import { RequestStatus } from '../../components/RequestStatus';
import { Loading } from '../../components/Loading';
import { LabelledSelect } from '../../components/LabelledSelect';
import { PageHeading } from '../../components/PageHeading';
import { pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { AnswerSelect, SMALL_BASE_MARK, useAnalysisParams, useLocale } from '../analysis/common';
import { fmtNumber, fmtShare, SUPPRESSED } from '../analysis/numbers';
import { saveBlob, svgText, svgToPng } from '../../lib/download';
import { TrendChart } from './TrendChart';
import { TableHead } from '../../components/TableHead';

/** A point as text: 42.0% [35.1–49.2] or 3.4 [3.1–3.7]; [c] when hidden; — when absent. */
export function pointText(p: TrendPoint, measure: Measure, lng: Locale): string {
  if (p.suppressed) return SUPPRESSED;
  if (p.value === null) return '—';
  const f = (v: number) => (measure === 'share' ? fmtShare(v, lng) : fmtNumber(v, lng, 2));
  const ci = p.low !== null && p.high !== null ? ` [${f(p.low)}–${f(p.high)}]` : '';
  return `${f(p.value)}${ci}`;
}

const byStart = (a: WaveSummary, b: WaveSummary) =>
  (a.opensAt ?? '').localeCompare(b.opensAt ?? '') || a.code.localeCompare(b.code);

export default function TrendsPage() {
  const { t } = useTranslation();
  const lng = useLocale();
  const { params, set, filters, k } = useAnalysisParams();
  const chosen = (params.get('waves') ?? '').split(',').filter(Boolean);
  const question = params.get('question') ?? '';
  const measure = (params.get('measure') as Measure | null) ?? undefined;
  const value = params.get('value') ?? undefined;
  const waves = useRequest((signal) => listWaves(signal), 'waves');
  const questions = useRequest(
    (signal) => (chosen.length >= 2 ? getTrendQuestions(chosen, signal) : Promise.resolve({ items: [] })),
    chosen.join(','),
  );
  const ready = chosen.length >= 2 && question !== '';
  const req = { waves: chosen, question, measure, value, k, filters };
  const trends = useRequest(
    (signal) => (ready ? getTrends(req, signal) : Promise.resolve(null)),
    `${chosen.join(',')}|${question}|${measure}|${value}|${k}|${JSON.stringify(filters)}`,
  );

  const toggleWave = (code: string, on: boolean, all: WaveSummary[]) => {
    const next = all.filter((w) => (w.code === code ? on : chosen.includes(w.code))).map((w) => w.code);
    set({ waves: next.join(',') });
  };

  return (
    <section className="page page--wide analysis">
      <p className="kicker">{t('monitor.trends.kicker')}</p>
      <PageHeading title={t('monitor.trends.title')}>{t('monitor.trends.title')}</PageHeading>
      <p className="lead">{t('monitor.trends.lead')}</p>
      {waves.status === 'loading' && <Loading label={t('results.loading')} />}
      {waves.status === 'error' && <ErrorNotice error={waves.error} title={null} onRetry={waves.reload} />}
      {waves.status === 'ok' && (
        <div className="card">
          <fieldset className="trend-waves" data-testid="trend-waves">
            <legend>{t('monitor.trends.waves')}</legend>
            {[...waves.data].sort(byStart).map((w, _i, all) => (
              <label key={w.code} className="checkbox">
                <input
                  type="checkbox"
                  checked={chosen.includes(w.code)}
                  onChange={(e) => toggleWave(w.code, e.target.checked, all)}
                  data-testid={`trend-wave-${w.code}`}
                />{' '}
                {pick(w.title, lng) || w.code} <span className="muted">({w.code})</span>
              </label>
            ))}
          </fieldset>
          {chosen.length >= 2 && questions.status === 'ok' && (
            <div className="analysis-pickers">
              <LabelledSelect
                label={t('monitor.trends.question')}
                value={question}
                onChange={(q) => set({ question: q, value: undefined, measure: undefined })}
                testId="trend-question"
                width="wide"
              >
                <option value="">{t('analysis.pickQuestion')}</option>
                {questions.data.items.map((q) => (
                  <option key={q.name} value={q.name}>
                    {pick(q.title, lng) || q.name} (
                    {t('monitor.trends.inWaves', { n: q.waves.length, of: chosen.length })})
                  </option>
                ))}
              </LabelledSelect>
              {trends.status === 'ok' && trends.data && (
                <>
                  {trends.data.measures.length > 1 && (
                    <LabelledSelect
                      label={t('monitor.trends.measure')}
                      value={trends.data.measure}
                      onChange={(measure) => set({ measure })}
                      testId="trend-measure"
                    >
                      {trends.data.measures.map((m) => (
                        <option key={m} value={m}>
                          {t(`monitor.trends.measure_${m}`)}
                        </option>
                      ))}
                    </LabelledSelect>
                  )}
                  {trends.data.measure === 'share' && (
                    <AnswerSelect
                      label={t('monitor.trends.value')}
                      value={trends.data.value?.code ?? ''}
                      options={trends.data.options}
                      onChange={(v) => set({ value: v })}
                      testId="trend-value"
                    />
                  )}
                </>
              )}
            </div>
          )}
        </div>
      )}
      {!ready && <p className="notice">{t('monitor.trends.pick')}</p>}
      <RequestStatus request={trends} label={t('results.loading')} title={null} loading={ready} />
      {trends.status === 'ok' && trends.data && (
        <TrendsView
          data={trends.data}
          downloads={{ csv: trendsDownloadUrl(req, 'csv', lng), xlsx: trendsDownloadUrl(req, 'xlsx', lng) }}
        />
      )}
    </section>
  );
}

export function MatchingTable({ data }: { data: Trends }) {
  const { t } = useTranslation();
  const lng = useLocale();
  return (
    <section className="card table-card">
      <div className="table-scroll" role="region" aria-label={t('monitor.trends.matching')} tabIndex={0}>
        <table className="results-table" data-testid="trend-matching">
          <caption>{t('monitor.trends.matching')}</caption>
          <TableHead
            columns={[
              t('monitor.trends.wave'),
              t('monitor.trends.questionnaire'),
              t('monitor.trends.match'),
              t('monitor.trends.questionText'),
            ]}
          />
          <tbody>
            {data.waves.map((w) => (
              <tr key={w.wave} data-testid={`match-${w.wave}`}>
                <th scope="row">{pick(w.title, lng) || w.wave}</th>
                <td>{w.questionnaire}</td>
                <td>{t(`monitor.trends.match_${w.match}`)}</td>
                <td>{w.questionTitle ? pick(w.questionTitle, lng) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Chart, table and matching of a series (also on the public results page). */
export function TrendsView({
  data,
  downloads,
  showMatching = true,
}: {
  data: Trends;
  downloads?: { csv: string; xlsx: string };
  showMatching?: boolean;
}) {
  const { t } = useTranslation();
  const lng = useLocale();
  const svgRef = useRef<SVGSVGElement>(null);
  const defaultRegions = data.regions.slice(0, 3).map((r) => r.code);
  const [shown, setShown] = useState<string[]>(defaultRegions);
  const lines: { line: TrendLine; label: string }[] = [
    { line: data.overall, label: t('monitor.trends.overall') },
    ...data.regions
      .filter((r) => shown.includes(r.code))
      .map((r) => ({ line: r, label: pick(r.names, lng) || r.code })),
  ];
  const waveLabels = data.waves.map((w) => w.wave);
  const title = `${pick(data.question.title, lng)}${data.value ? ` — ${pick(data.value.labels, lng)}` : ` — ${t('monitor.trends.measure_mean')}`}`;
  const file = `trends-${data.question.name}`;
  return (
    <>
      {showMatching && <MatchingTable data={data} />}
      <section className="card" data-testid="trend-chart-card">
        <h2>{t('monitor.trends.chart')}</h2>
        <div className="trend-chart-wrap">
          <TrendChart
            ref={svgRef}
            lines={lines}
            waves={waveLabels}
            measure={data.measure}
            title={title}
            smallBaseLabel={t('monitor.trends.smallBasePoint', { n: data.smallBase })}
            lng={lng}
          />
        </div>
        <fieldset className="trend-regions">
          <legend>{t('monitor.trends.regions')}</legend>
          {data.regions.slice(0, 20).map((r) => (
            <label key={r.code} className="checkbox">
              <input
                type="checkbox"
                checked={shown.includes(r.code)}
                onChange={(e) =>
                  setShown((s) => (e.target.checked ? [...s, r.code].slice(-6) : s.filter((c) => c !== r.code)))
                }
              />{' '}
              {pick(r.names, lng) || r.code}
            </label>
          ))}
        </fieldset>
        <div className="analysis-downloads" role="group" aria-label={t('monitor.trends.downloads')}>
          <button
            type="button"
            className="button button--small"
            onClick={() =>
              svgRef.current && saveBlob(new Blob([svgText(svgRef.current)], { type: 'image/svg+xml' }), `${file}.svg`)
            }
            data-testid="trend-svg"
          >
            SVG
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={() => svgRef.current && void svgToPng(svgRef.current).then((b) => saveBlob(b, `${file}.png`))}
            data-testid="trend-png"
          >
            PNG
          </button>
          {downloads && (
            <>
              <a className="button button--small" href={downloads.csv} download data-testid="trend-csv">
                CSV
              </a>
              <a className="button button--small" href={downloads.xlsx} download data-testid="trend-xlsx">
                XLSX
              </a>
            </>
          )}
        </div>
      </section>
      <TrendTable data={data} />
      <p className="table-note" data-testid="trend-method">
        {pick(data.method, lng)}
      </p>
    </>
  );
}

export function TrendTable({ data }: { data: Trends }) {
  const { t } = useTranslation();
  const lng = useLocale();
  const cell = (p: TrendPoint) => (
    <td className="num" key={p.wave} data-suppressed={p.suppressed || undefined}>
      {pointText(p, data.measure, lng)}
      {p.smallBase && p.value !== null && (
        <span className="small-base-mark" title={t('monitor.trends.smallBasePoint', { n: data.smallBase })}>
          {SMALL_BASE_MARK}
        </span>
      )}
      {p.n > 0 && <span className="muted"> n={fmtNumber(p.n, lng)}</span>}
    </td>
  );
  return (
    <section className="card table-card">
      <h2>{t('monitor.trends.table')}</h2>
      <div className="table-scroll" role="region" aria-label={t('monitor.trends.table')} tabIndex={0}>
        <table className="results-table" data-testid="trend-table">
          <thead>
            <tr>
              <th scope="col">{t('results.region')}</th>
              {data.waves.map((w) => (
                <th scope="col" className="num" key={w.wave}>
                  {w.wave}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            <tr data-testid="trend-row-all">
              <th scope="row">{t('monitor.trends.overall')}</th>
              {data.overall.points.map(cell)}
            </tr>
            {data.regions.map((r) => (
              <tr key={r.code} data-testid={`trend-row-${r.code}`}>
                <th scope="row">{pick(r.names, lng) || r.code}</th>
                {r.points.map(cell)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="table-note">
        {pick(data.legend, lng)} {SMALL_BASE_MARK} — {t('monitor.trends.smallBasePoint', { n: data.smallBase })}
      </p>
    </section>
  );
}
