import { Fragment, lazy, Suspense, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { Localized } from '../../api/api';
import { getObstacleTally, responsesExportUrl, type ObstacleTally, type StatCell } from '../../api/analysis';
import { Loading } from '../../components/Loading';
import { ObstaclePracticeLinks } from '../practices/ObstaclePracticeLinks';
import { pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { QuestionResults } from './QuestionResults';
import { countryOf } from './tile-grid';
import { AnalysisShell, loadAnalysisContext } from './AnalysisShell';
import {
  BaseLine,
  byShareHiddenLast,
  DownloadLink,
  Downloads,
  SmallBaseMark,
  SuppressedLegend,
  TableDownloadLinks,
  useAnalysisParams,
  useLocale,
} from './common';
import { cellText, fmtNumber } from './numbers';

// chart.js is the heaviest part of the page: the table shows first.
const ShareChart = lazy(() => import('./charts').then((m) => ({ default: m.ShareChart })));
const CountChart = lazy(() => import('./charts').then((m) => ({ default: m.CountChart })));

/** /w/:code/results — the researcher's wave dashboard. */
export default function DashboardPage() {
  const { code = '' } = useParams();
  const { t } = useTranslation();
  const lng = useLocale();
  const { filters, k, key } = useAnalysisParams();
  const context = useRequest((signal) => loadAnalysisContext(code, signal), code);
  const tally = useRequest((signal) => getObstacleTally(code, filters, k, signal), `${code}|${key}`);
  const waveTitle = tally.status === 'ok' ? pick(tally.data.wave.title, lng) || code : code;

  return (
    <AnalysisShell
      code={code}
      title={`${t('results.title')}: ${waveTitle}`}
      heading={waveTitle}
      context={context}
      result={tally}
    >
      {tally.status === 'ok' && tally.data.variable !== null && <Dashboard tally={tally.data} />}
      {tally.status === 'ok' && tally.data.variable === null && context.status === 'ok' && (
        // No obstacle question in this questionnaire: the question picker is the front page.
        <>
          <WaveDownloads code={code} tally={false} />
          <QuestionResults code={code} variables={context.data.variables} regions={context.data.regions} />
        </>
      )}
      {tally.status === 'ok' && tally.data.variable !== null && (
        <ObstaclePracticeLinks obstacles={tally.data.obstacles.map((o) => o.code)} />
      )}
    </AnalysisShell>
  );
}

/** The wave's downloads: the obstacle table (when there is one) and the raw data files. */
function WaveDownloads({ code, tally, k }: { code: string; tally: boolean; k?: number }) {
  const { t } = useTranslation();
  const lng = useLocale();
  // The table export is built with the same k as the table on screen (the server checks the caller may use it).
  const exportExtra = { locale: lng, k: k === undefined ? undefined : String(k) };
  return (
    <Downloads label={t('results.downloads')} code={code}>
      {tally && (
        <TableDownloadLinks
          code={code}
          kind="tally"
          extra={exportExtra}
          labels={{ xlsx: t('analysis.downloads.tallyXlsx'), csv: t('analysis.downloads.tallyCsv') }}
        />
      )}
      <DownloadLink href={responsesExportUrl(code, 'xlsx', lng)}>{t('analysis.downloads.responsesXlsx')}</DownloadLink>
      <DownloadLink href={responsesExportUrl(code, 'csv', lng)}>{t('results.responsesCsv')}</DownloadLink>
      {(
        [
          ['codebook.xlsx', 'codebook'],
          ['responses.sps', 'spss'],
          ['responses.R', 'r'],
          ['datapackage.json', 'datapackage'],
        ] as const
      ).map(([file, label]) => (
        <DownloadLink key={file} href={`/api/waves/${encodeURIComponent(code)}/exports/${file}?locale=${lng}`}>
          {t(`analysis.downloads.${label}`)}
        </DownloadLink>
      ))}
    </Downloads>
  );
}

function Dashboard({ tally }: { tally: ObstacleTally }) {
  const { t } = useTranslation();
  const lng = useLocale();
  const code = tally.wave.code;
  const hasData = tally.total.respondents > 0;
  const label = (l: Localized, fallback: string) => pick(l, lng) || fallback;
  const overall = tally.obstacles
    .map((o) => ({ label: label(o.labels, o.code), cell: tally.total.counts[o.code] }))
    .sort((a, b) => byShareHiddenLast(a.cell, b.cell));
  const perRegion = tally.regions.map((r) => ({ label: label(r.names, r.code), n: r.respondents }));

  return (
    <>
      <div className="analysis-summary">
        <p className="analysis-summary__n" data-testid="base-respondents">
          {t('analysis.respondentsCount', { count: tally.base.respondents, n: fmtNumber(tally.base.respondents, lng) })}
        </p>
        <BaseLine text={tally.base.text} testId="results-base" />
      </div>
      <WaveDownloads code={code} tally k={tally.minCell} />
      {!hasData ? (
        <p className="notice">{t('analysis.dashboard.empty')}</p>
      ) : (
        <>
          <HeatLegend />
          {heatGroups(tally).map((g, i, all) => (
            <HeatMap
              key={g.key}
              tally={tally}
              regions={g.regions}
              title={t(g.titleKey)}
              testId={g.testId}
              total={i === all.length - 1 ? t(all.length > 1 ? 'heatMap.totalAll' : 'results.total') : null}
            />
          ))}
          <SuppressedLegend legend={tally.legend} smallBase={tally.smallBase} />
          <div className="analysis-grid">
            <section className="card chart-card" aria-labelledby="overall-chart">
              <h2 id="overall-chart">{t('analysis.dashboard.overallChart')}</h2>
              <p className="table-note">{t('analysis.dashboard.overallNote')}</p>
              <Suspense fallback={<Loading label={t('results.chartLoading')} />}>
                <ShareChart
                  labels={overall.map((o) => o.label)}
                  series={[
                    {
                      label: t('analysis.dashboard.overall'),
                      values: overall.map((o) => o.cell?.share ?? null),
                      low: overall.map((o) => o.cell?.low ?? null),
                      high: overall.map((o) => o.cell?.high ?? null),
                    },
                  ]}
                  title={t('analysis.dashboard.overallChart')}
                  file={`${code}-obstacles.png`}
                  testId="overall-chart"
                />
              </Suspense>
            </section>
            <section className="card chart-card" aria-labelledby="regions-chart">
              <h2 id="regions-chart">{t('analysis.dashboard.regionsChart')}</h2>
              <Suspense fallback={<Loading label={t('results.chartLoading')} />}>
                <CountChart
                  labels={perRegion.map((r) => r.label)}
                  values={perRegion.map((r) => r.n)}
                  title={t('analysis.dashboard.regionsChart')}
                  axis={t('results.respondents')}
                  file={`${code}-respondents.png`}
                  testId="regions-chart"
                />
              </Suspense>
            </section>
          </div>
        </>
      )}
    </>
  );
}

type SortKey = { by: 'region' | 'respondents' | 'obstacle'; obstacle?: string; desc: boolean };

const HEAT = '31, 95, 168';

/** WCAG relative luminance of an sRGB channel triple (0–255). */
function luminance(rgb: number[]): number {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * The cell's blue grows with the share; its figure is white or black, whichever contrasts more
 * with the blended colour (at least 4.58:1 for any shade, so WCAG AA holds in every cell).
 */
function heatStyle(c: StatCell | undefined, small: boolean) {
  // A small base is not shaded: a colour would read as a reliable share.
  if (small || !c || c.share === null || c.suppressed || !c.count) return undefined;
  const alpha = 0.08 + c.share * 0.8;
  const L = luminance(HEAT.split(',').map((v) => 255 + (Number(v) - 255) * alpha));
  const onWhite = 1.05 / (L + 0.05);
  const onBlack = (L + 0.05) / 0.05;
  return {
    background: `rgba(${HEAT}, ${alpha.toFixed(3)})`,
    color: onWhite >= onBlack ? '#ffffff' : '#000000',
  };
}

type RegionRow = ObstacleTally['regions'][number];

/** The heat map's tables: one per country (Russia, Ukraine, then any other codes). */
type HeatGroup = {
  key: string;
  titleKey: 'heatMap.countryRU' | 'heatMap.countryUA' | 'heatMap.countryOther';
  testId: string;
  regions: RegionRow[];
};
function heatGroups(tally: ObstacleTally): HeatGroup[] {
  const out: HeatGroup[] = [
    { key: 'RU', titleKey: 'heatMap.countryRU', testId: 'results-table-RU', regions: [] },
    { key: 'UA', titleKey: 'heatMap.countryUA', testId: 'results-table-UA', regions: [] },
    { key: 'other', titleKey: 'heatMap.countryOther', testId: 'results-table-other', regions: [] },
  ];
  for (const r of tally.regions)
    out[countryOf(r.code) === 'RU' ? 0 : countryOf(r.code) === 'UA' ? 1 : 2].regions.push(r);
  return out.filter((g) => g.regions.length > 0);
}

/** The colour scale of the heat map, in the same colours the cells use. */
function HeatLegend() {
  const { t } = useTranslation();
  const steps = [0, 0.25, 0.5, 0.75, 1];
  return (
    <div className="heat-legend" data-testid="heat-legend">
      <span className="heat-legend__label">{t('heatMap.legend')}</span>
      <ul className="heat-legend__scale">
        {steps.map((s) => (
          <li key={s} style={heatStyle({ count: 1, share: s, low: null, high: null }, false)}>
            {Math.round(s * 100)}%
          </li>
        ))}
      </ul>
      <span className="heat-legend__note">{t('heatMap.legendNote')}</span>
    </div>
  );
}

/** Obstacles × regions of one country, coloured by share, sortable by region, respondents or any obstacle. */
function HeatMap({
  tally,
  regions,
  title,
  testId,
  total,
}: {
  tally: ObstacleTally;
  regions: RegionRow[];
  title: string;
  testId: string;
  /** The label of the all-regions total row, shown under the last country's table only. */
  total: string | null;
}) {
  const { t } = useTranslation();
  const lng = useLocale();
  const titleId = useId();
  const { carried } = useAnalysisParams();
  const [sort, setSort] = useState<SortKey>({ by: 'respondents', desc: true });

  const rows = regions.map((r) => ({ ...r, name: pick(r.names, lng) || r.code }));
  const valueOf = (r: (typeof rows)[number]): number | string => {
    if (sort.by === 'region') return r.name;
    if (sort.by === 'respondents') return r.respondents;
    return r.counts[sort.obstacle!]?.share ?? -1;
  };
  const hidden = (r: (typeof rows)[number]) =>
    sort.by === 'obstacle' && (r.counts[sort.obstacle!]?.suppressed || r.counts[sort.obstacle!]?.share === null);
  rows.sort((a, b) => {
    // Hidden shares are unknown, not small: last whichever the direction.
    if (hidden(a) !== hidden(b)) return hidden(a) ? 1 : -1;
    const va = valueOf(a);
    const vb = valueOf(b);
    const c = typeof va === 'string' ? va.localeCompare(vb as string, lng) : va - (vb as number);
    return (sort.desc ? -c : c) || a.name.localeCompare(b.name, lng);
  });

  const isSorted = (k: SortKey) => sort.by === k.by && sort.obstacle === k.obstacle;
  const ariaSort = (k: SortKey) => (isSorted(k) ? (sort.desc ? 'descending' : 'ascending') : undefined);
  const toggle = (k: Omit<SortKey, 'desc'>) =>
    setSort((s) =>
      s.by === k.by && s.obstacle === k.obstacle ? { ...k, desc: !s.desc } : { ...k, desc: k.by !== 'region' },
    );
  const header = (k: Omit<SortKey, 'desc'>, text: string, testId: string, num = true) => {
    const full = { ...k, desc: sort.desc };
    return (
      <th scope="col" className={num ? 'num' : undefined} aria-sort={ariaSort(full)}>
        <button type="button" className="sort-button" onClick={() => toggle(k)} data-testid={testId}>
          {text}
          <span aria-hidden="true" className="sort-button__mark">
            {isSorted(full) ? (sort.desc ? '▼' : '▲') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <section className="card table-card" aria-labelledby={titleId} data-testid={testId}>
      <h2 id={titleId}>
        {t('results.tableTitle')}: {title}
      </h2>
      <p className="table-note">
        {t('analysis.dashboard.tableNote')} {t('disclosure.noShade', { n: tally.smallBase })}.
      </p>
      <div className="table-scroll table-scroll--sticky" role="region" aria-labelledby={titleId} tabIndex={0}>
        <table className="results-table heat-table" data-testid="results-table">
          <caption className="visually-hidden">
            {t('results.tableTitle')}: {title}. {t('analysis.dashboard.tableNote')}
          </caption>
          <thead>
            <tr>
              {header({ by: 'region' }, t('results.region'), 'sort-region', false)}
              {header({ by: 'respondents' }, t('results.respondents'), 'sort-respondents')}
              {tally.obstacles.map((o) => (
                <Fragment key={o.code}>
                  {header({ by: 'obstacle', obstacle: o.code }, pick(o.labels, lng) || o.code, `sort-${o.code}`)}
                </Fragment>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.code} data-testid={`region-row-${r.code}`}>
                <th scope="row">
                  <Link
                    to={`/w/${encodeURIComponent(tally.wave.code)}/regions/${r.code}${carried ? `?${carried}` : ''}`}
                  >
                    {r.name}
                  </Link>
                  {r.answered < tally.smallBase && <SmallBaseMark smallBase={tally.smallBase} />}
                </th>
                <td className="num">{fmtNumber(r.respondents, lng)}</td>
                {tally.obstacles.map((o) => (
                  <td
                    key={o.code}
                    className="num heat"
                    style={heatStyle(r.counts[o.code], r.answered < tally.smallBase)}
                  >
                    {cellText(r.counts[o.code], lng)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          {total !== null && (
            <tfoot>
              <tr data-testid="results-total">
                <th scope="row">{total}</th>
                <td className="num">{fmtNumber(tally.total.respondents, lng)}</td>
                {tally.obstacles.map((o) => (
                  <td key={o.code} className="num">
                    {cellText(tally.total.counts[o.code], lng)}
                  </td>
                ))}
              </tr>
            </tfoot>
          )}
        </table>
      </div>
    </section>
  );
}
