// /w/:code/report — the annual report as a print-ready page: the browser's "Save as PDF" gives
// the document (print stylesheet: A4, page breaks before each part, charts as SVG). The toolbar
// (the previous wave to compare with, print, DOCX) is not printed.
import { useId } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useParams, useSearchParams } from 'react-router';
import { listWaves, type Locale } from '../../api/api';
import { getReport, reportDocxUrl, type Report, type ReportFinding } from '../../api/monitor';
import { RequestStatus } from '../../components/RequestStatus';
import { formatDateTime, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { useLocale } from '../analysis/common';
import { fmtNumber, fmtShare, SUPPRESSED } from '../analysis/numbers';
import { TableHead, numColumn } from '../../components/TableHead';

type EstimateLike = Pick<ReportFinding, 'share' | 'low' | 'high' | 'suppressed' | 'smallBase'>;

/** The base and the mean read [c] when they would give a hidden answer away (docs/disclosure.md). */
const baseText = (e: { n: number | null }, lng: Locale) => (e.n === null ? SUPPRESSED : fmtNumber(e.n, lng));
function meanText(e: { mean: number | null; meanSuppressed: boolean }, lng: Locale): string {
  if (e.mean !== null) return fmtNumber(e.mean, lng, 2);
  return e.meanSuppressed ? SUPPRESSED : '—';
}

function shareText(e: EstimateLike, lng: Locale): string {
  if (e.suppressed) return SUPPRESSED;
  if (e.share === null) return '—';
  const ci = e.low !== null && e.high !== null ? ` [${fmtShare(e.low, lng)}–${fmtShare(e.high, lng)}]` : '';
  return `${fmtShare(e.share, lng)}${ci}${e.smallBase ? '*' : ''}`;
}

function areaLabel(f: ReportFinding, lng: Locale): string {
  const t = pick(f.title, lng);
  const i = t.lastIndexOf(': ');
  return f.measure === 'acute' && i > 0 ? t.slice(i + 2) : t;
}

function changeText(f: ReportFinding, lng: Locale): string {
  if (!f.change) return '—';
  const sign = f.change.pp > 0 ? '+' : f.change.pp < 0 ? '−' : '';
  return `${sign}${fmtNumber(Math.abs(f.change.pp), lng, 1)}`;
}

function testText(f: ReportFinding, lng: Locale, words: { yes: string; no: string }): string {
  if (!f.change || f.change.p === null) return '—';
  const name = f.change.test === 'fisher' ? (lng === 'en' ? 'Fisher' : lng === 'uk' ? 'Фішер' : 'Фишер') : 'z';
  const p = f.change.p < 0.001 ? '< 0.001' : fmtNumber(f.change.p, lng, 3);
  return `${name}, p = ${p} (${f.change.p < 0.05 ? words.yes : words.no})`;
}

/** Horizontal bars with 95% whiskers, as SVG (prints sharp). */
function ShareBars({ findings, lng, title }: { findings: ReportFinding[]; lng: Locale; title: string }) {
  const rows = findings.filter((f) => f.share !== null).slice(0, 15);
  const labelW = 290;
  const barW = 340;
  const rowH = 22;
  const height = 40 + rows.length * rowH + 24;
  const width = labelW + barW + 70;
  const x = (v: number) => labelW + v * barW;
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${width} ${height}`}
      width="100%"
      role="img"
      aria-label={title}
      className="report-chart"
      fontFamily="system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif"
    >
      <title>{title}</title>
      <text x={0} y={16} fontSize={13} fontWeight={600} fill="#1c2430">
        {title}
      </text>
      {[0, 0.25, 0.5, 0.75, 1].map((v) => (
        <g key={v}>
          <line x1={x(v)} x2={x(v)} y1={28} y2={height - 20} stroke="#e3e7ee" />
          <text x={x(v)} y={height - 6} fontSize={10} textAnchor="middle" fill="#3a4350">
            {Math.round(v * 100)}%
          </text>
        </g>
      ))}
      {rows.map((f, i) => {
        const y = 32 + i * rowH;
        const label = areaLabel(f, lng);
        return (
          <g key={f.name}>
            <text x={labelW - 8} y={y + 13} fontSize={10} textAnchor="end" fill="#1c2430">
              {label.length > 40 ? `${label.slice(0, 39)}…` : label}
            </text>
            <rect x={labelW} y={y + 3} width={(f.share ?? 0) * barW} height={rowH - 8} fill="#1f3f6e" />
            {f.low !== null && f.high !== null && (
              <line x1={x(f.low)} x2={x(f.high)} y1={y + rowH / 2} y2={y + rowH / 2} stroke="#b3541e" strokeWidth={2} />
            )}
            <text x={x(1) + 6} y={y + 13} fontSize={10} fill="#1c2430">
              {fmtShare(f.share ?? 0, lng)}
              {f.smallBase ? '*' : ''}
            </text>
          </g>
        );
      })}
    </svg>
  );
}

type ReportColumn = 'invited' | 'responded' | 'rate' | 'share' | 'mean' | 'base' | 'change';

/** Number columns' headers, by their report keys. */
function nums(t: TFunction, ...keys: ReportColumn[]) {
  return keys.map((k) => numColumn(t(`monitor.report.${k}`)));
}

export default function ReportPage() {
  const { code = '' } = useParams();
  const { t } = useTranslation();
  const lng = useLocale();
  const [params, setParams] = useSearchParams();
  const previous = params.get('previous') ?? undefined;
  const waves = useRequest((signal) => listWaves(signal), 'waves');
  const report = useRequest((signal) => getReport(code, previous, signal), `${code}|${previous}`);
  const prevId = useId();
  return (
    <article className="report" data-testid="report">
      <div className="report-toolbar no-print card">
        <div className="analysis-filter analysis-filter--wide">
          <label htmlFor={prevId}>{t('monitor.report.previous')}</label>
          <select
            id={prevId}
            value={previous ?? ''}
            onChange={(e) => setParams(e.target.value ? { previous: e.target.value } : {}, { replace: true })}
            data-testid="report-previous"
          >
            <option value="">{t('monitor.report.none')}</option>
            {waves.status === 'ok' &&
              waves.data
                .filter((w) => w.code !== code)
                .map((w) => (
                  <option key={w.code} value={w.code}>
                    {pick(w.title, lng) || w.code} ({w.code})
                  </option>
                ))}
          </select>
        </div>
        <button type="button" className="button" onClick={() => window.print()} data-testid="report-print">
          {t('monitor.report.print')}
        </button>
        <a
          className="button button--secondary"
          href={reportDocxUrl(code, previous, lng)}
          download
          data-testid="report-docx"
        >
          {t('monitor.report.docx')}
        </a>
      </div>
      <RequestStatus request={report} label={t('results.loading')} title={null} />
      {report.status === 'ok' && <ReportBody r={report.data} />}
    </article>
  );
}

function ReportBody({ r }: { r: Report }) {
  const { t } = useTranslation();
  const lng = useLocale();
  // The problem areas (rated 1–5) when the questionnaire has them; otherwise every question.
  const areas = r.findings.some((f) => f.measure === 'acute')
    ? r.findings.filter((f) => f.measure === 'acute')
    : r.findings;
  const ranked = [...areas].filter((f) => f.share !== null).sort((a, b) => (b.share ?? 0) - (a.share ?? 0));
  const sig = { yes: t('monitor.report.significant'), no: t('monitor.report.notSignificant') };
  const changes = r.largestChanges.map((n) => r.findings.find((f) => f.name === n)!).filter(Boolean);
  const measure = (f: ReportFinding) =>
    f.measure === 'acute'
      ? t('monitor.report.acute')
      : t('monitor.report.top', { answer: f.option ? pick(f.option.labels, lng) : '' });
  return (
    <>
      <section className="report-cover">
        <p className="kicker">{t('monitor.report.title')}</p>
        <h1>{pick(r.wave.title, lng)}</h1>
        <p className="lead">{t('monitor.report.subtitle', { wave: r.wave.code })}</p>
        <p>
          {t('monitor.report.generated', {
            at: formatDateTime(r.generatedAt, lng),
            asOf: formatDateTime(r.dataAsOf, lng),
          })}
        </p>
        <p>
          {t('monitor.public.respondents', { n: r.respondents })}
          {r.previous ? ` · ${t('monitor.report.previous')}: ${pick(r.previous.title, lng)} (${r.previous.code})` : ''}
        </p>
      </section>

      <section className="report-part">
        <h2>{t('monitor.report.method')}</h2>
        {r.method.map((m, i) => (
          <p key={i}>{pick(m, lng)}</p>
        ))}
        <h3>{t('monitor.report.response')}</h3>
        <table className="results-table report-table" data-testid="report-response">
          <TableHead columns={[t('results.region'), ...nums(t, 'invited', 'responded', 'rate')]} />
          <tbody>
            {r.response.map((x) => (
              <tr key={x.code}>
                <th scope="row">{pick(x.names, lng)}</th>
                <td className="num">{x.invited === null ? '—' : fmtNumber(x.invited, lng)}</td>
                <td className="num">{fmtNumber(x.responded, lng)}</td>
                <td className="num">{x.rate === null ? '—' : fmtShare(x.rate, lng)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section className="report-part">
        <h2>{t('monitor.report.summary')}</h2>
        <ShareBars findings={ranked} lng={lng} title={t('monitor.report.chart')} />
        <h3>{t('monitor.report.largestShares')}</h3>
        <table className="results-table report-table" data-testid="report-largest">
          <TableHead columns={[t('monitor.report.area'), ...nums(t, 'share', 'mean', 'base')]} />
          <tbody>
            {ranked.slice(0, 10).map((f) => (
              <tr key={f.name}>
                <th scope="row">
                  {areaLabel(f, lng)} <span className="muted">({measure(f)})</span>
                </th>
                <td className="num">{shareText(f, lng)}</td>
                <td className="num">{meanText(f, lng)}</td>
                <td className="num">{baseText(f, lng)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>{t('monitor.report.largestChanges')}</h3>
        {!r.previous ? (
          <p>{t('monitor.report.noPrevious')}</p>
        ) : (
          <table className="results-table report-table" data-testid="report-changes">
            <TableHead columns={[t('monitor.report.area'), ...nums(t, 'share', 'change'), t('monitor.report.test')]} />
            <tbody>
              {changes.map((f) => (
                <tr key={f.name}>
                  <th scope="row">{areaLabel(f, lng)}</th>
                  <td className="num">{shareText(f, lng)}</td>
                  <td className="num">{changeText(f, lng)}</td>
                  <td>{testText(f, lng, sig)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="report-part">
        <h2>{t('monitor.report.areas')}</h2>
        {r.findings.map((f) => (
          <section key={f.name} className="report-area" data-testid={`report-area-${f.name}`}>
            <h3>{areaLabel(f, lng)}</h3>
            <p>
              {measure(f)}: <strong>{shareText(f, lng)}</strong>
              {(f.mean !== null || f.meanSuppressed) && ` · ${t('monitor.report.mean')}: ${meanText(f, lng)}`} ·{' '}
              {t('monitor.report.base')}: {baseText(f, lng)}
              {f.change && ` · ${t('monitor.report.change')}: ${changeText(f, lng)} (${testText(f, lng, sig)})`}
            </p>
            <table className="results-table report-table">
              <caption className="visually-hidden">
                {t('monitor.report.regions')}: {areaLabel(f, lng)}
              </caption>
              <TableHead columns={[t('results.region'), ...nums(t, 'base', 'share', 'mean')]} />
              <tbody>
                {f.regions.map((x) => (
                  <tr key={x.code}>
                    <th scope="row">{pick(x.names, lng)}</th>
                    <td className="num">{baseText(x, lng)}</td>
                    <td className="num">{shareText(x, lng)}</td>
                    <td className="num">{meanText(x, lng)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
        <p className="table-note">* — {t('monitor.trends.smallBasePoint', { n: r.smallBase })}</p>
      </section>
    </>
  );
}
