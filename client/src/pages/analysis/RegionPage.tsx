import { lazy, Suspense, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { getRegionProfile, getVariables, type AnalysisVariable, type RegionProfile } from '../../api/analysis';
import { Loading } from '../../components/Loading';
import { ObstaclePracticeLinks } from '../practices/ObstaclePracticeLinks';
import { formatDate, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { AnalysisShell } from './AnalysisShell';
import { BaseAndDownloads, SmallBaseMark, SuppressedLegend, useAnalysisParams, useLocale } from './common';
import { fmtNumber, fmtP, fmtPp, shareWithCi } from './numbers';
import { TableHead, numColumn } from '../../components/TableHead';

const ShareChart = lazy(() => import('./charts').then((m) => ({ default: m.ShareChart })));

/** /w/:code/regions/:region — a region's obstacles against the overall share; its municipalities. */
export default function RegionPage() {
  const { code = '', region = '' } = useParams();
  const { t } = useTranslation();
  const lng = useLocale();
  const { filters, k, key, carried } = useAnalysisParams();
  // The page of the municipality list (paged by the server); back to the first when the filters change.
  const listKey = `${code}|${region}|${key}`;
  const [paged, setPaged] = useState({ listKey, page: 1 });
  const page = paged.listKey === listKey ? paged.page : 1;
  const setPage = (p: number) => setPaged({ listKey, page: p });
  // The filter bar leaves out the region (this page is one), so the regions are not asked for.
  const context = useRequest(async (signal) => ({ variables: await getVariables(code, signal), regions: [] }), code);
  const profile = useRequest(
    (signal) => getRegionProfile(code, region, filters, k, signal, page),
    `${listKey}|${page}`,
  );
  const regionName = profile.status === 'ok' ? pick(profile.data.region.names, lng) || region : region;

  return (
    <AnalysisShell
      code={code}
      title={regionName}
      kicker={
        <Link to={`/w/${encodeURIComponent(code)}/results${carried ? `?${carried}` : ''}`}>
          {t('analysis.region.back')}
        </Link>
      }
      context={context}
      hideRegion
      result={profile}
    >
      {profile.status === 'ok' && (
        <Profile
          data={profile.data}
          variables={context.status === 'ok' ? context.data.variables : []}
          onPage={setPage}
        />
      )}
      {profile.status === 'ok' && (
        <ObstaclePracticeLinks obstacles={profile.data.obstacles.map((o) => o.code)} region={region} />
      )}
    </AnalysisShell>
  );
}

function Profile({
  data,
  variables,
  onPage,
}: {
  data: RegionProfile;
  variables: AnalysisVariable[];
  onPage: (page: number) => void;
}) {
  const { t } = useTranslation();
  const lng = useLocale();
  const { filters } = useAnalysisParams();
  const tableId = useId();
  const country = pick(data.baseline.names, lng) || data.baseline.country;
  const muniId = useId();
  const name = pick(data.region.names, lng) || data.region.code;
  const rows = [...data.obstacles].sort((a, b) => (b.overall.share ?? 0) - (a.overall.share ?? 0));
  const label = (o: (typeof rows)[number]) => pick(o.labels, lng) || o.code;
  // The chart leaves out obstacles nobody named (the table still lists them).
  const charted = rows.filter((o) => (o.overall.count ?? 1) > 0 || (o.region.count ?? 1) > 0);
  const optionLabel = (role: string, value: string) => {
    const o = variables.find((v) => v.role === role)?.options.find((x) => x.value === value);
    return o ? pick(o.labels, lng) || value : value;
  };

  return (
    <>
      <p className="analysis-summary__n" data-testid="region-respondents">
        {t('analysis.region.respondents', {
          region: fmtNumber(data.respondents.region, lng),
          overall: fmtNumber(data.respondents.overall, lng),
        })}
      </p>
      <BaseAndDownloads
        base={data.base.text}
        baseTestId="analysis-base"
        code={data.wave.code}
        kind="region"
        filters={{ ...filters, region: undefined }}
        extra={{ regionCode: data.region.code, locale: lng, k: String(data.minCell) }}
      />
      {data.respondents.region === 0 ? (
        <p className="notice">{t('analysis.region.empty')}</p>
      ) : (
        <>
          <section className="card chart-card" aria-labelledby="region-chart">
            <h2 id="region-chart">{t('analysis.region.chartTitle', { region: name })}</h2>
            <Suspense fallback={<Loading label={t('results.chartLoading')} />}>
              <ShareChart
                labels={charted.map(label)}
                series={[
                  {
                    label: name,
                    values: charted.map((o) => o.region.share),
                    low: charted.map((o) => o.region.low),
                    high: charted.map((o) => o.region.high),
                  },
                  {
                    label: t('analysis.region.overall'),
                    values: charted.map((o) => o.overall.share),
                    low: charted.map((o) => o.overall.low),
                    high: charted.map((o) => o.overall.high),
                  },
                ]}
                title={t('analysis.region.chartTitle', { region: name })}
                file={`${data.wave.code}-${data.region.code}.png`}
                testId="region-chart"
              />
            </Suspense>
          </section>
          <section className="card table-card" aria-labelledby={tableId}>
            <h2 id={tableId}>{t('analysis.region.tableTitle')}</h2>
            <p className="table-note">{t('disclosure.regionNote')}</p>
            <p className="table-note" data-testid="region-baseline">
              {t('disclosure.baseline', { country, n: fmtNumber(data.baseline.respondents, lng) })}
            </p>
            <div className="table-scroll" role="region" aria-labelledby={tableId} tabIndex={0}>
              <table className="results-table" data-testid="region-table">
                <TableHead
                  columns={[
                    t('analysis.region.obstacle'),
                    ...[name, t('analysis.region.country'), t('analysis.region.overall')].map(numColumn),
                    numColumn(t('disclosure.vsRest', { country })),
                    numColumn(t('analysis.pValue')),
                    t('disclosure.test'),
                  ]}
                />
                <tbody>
                  {rows.map((o) => (
                    <tr key={o.code} data-testid={`region-obstacle-${o.code}`}>
                      <th scope="row">{label(o)}</th>
                      <td className="num">{shareWithCi(o.region, lng)}</td>
                      <td className="num">{shareWithCi(o.country, lng)}</td>
                      <td className="num">{shareWithCi(o.overall, lng)}</td>
                      <td className="num">
                        {o.diffPp === null ? '—' : fmtPp(o.diffPp, lng)}
                        {o.diffPp !== null && o.smallBase && <SmallBaseMark smallBase={data.smallBase} />}
                      </td>
                      <td className={o.p !== null && o.p < 0.05 && !o.smallBase ? 'num significant' : 'num'}>
                        {o.p === null ? '—' : fmtP(o.p, lng)}
                        {o.p !== null && o.smallBase && <SmallBaseMark smallBase={data.smallBase} />}
                      </td>
                      <td>
                        {o.test === 'fisher' ? t('disclosure.fisher') : o.test === 'z' ? t('disclosure.zTest') : ''}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <SuppressedLegend legend={data.legend} smallBase={data.smallBase} />
          </section>
        </>
      )}
      <section className="card table-card" aria-labelledby={muniId}>
        <h2 id={muniId}>{t('analysis.region.municipalities')}</h2>
        <p className="table-note">{t('analysis.region.municipalitiesNote')}</p>
        <div className="table-scroll" role="region" aria-labelledby={muniId} tabIndex={0}>
          <table className="results-table" data-testid="municipalities-table">
            <TableHead
              columns={[
                t('analysis.region.municipality'),
                ...(['municipalityType', 'sizeClass'] as const).map((d) => t(`analysis.filters.${d}`)),
                t('analysis.region.status'),
              ]}
            />
            <tbody>
              {data.municipalities.map((m, i) => (
                <tr key={`${m.name}-${i}`}>
                  <th scope="row">{m.name}</th>
                  <td>{optionLabel('municipalityType', m.type)}</td>
                  <td>{optionLabel('sizeClass', m.sizeClass)}</td>
                  <td data-status={m.status}>
                    {m.status === 'responded' || (m.status === 'completed' && m.respondedAt)
                      ? t('analysis.region.responded', { date: formatDate(m.respondedAt, lng) })
                      : t(`analysis.region.statuses.${m.status}`)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <MunicipalityPager paging={data.municipalitiesPage} onPage={onPage} />
      </section>
    </>
  );
}

/** Previous / next page of the municipality list, and where the reader is in it. */
function MunicipalityPager({
  paging,
  onPage,
}: {
  paging: RegionProfile['municipalitiesPage'];
  onPage: (page: number) => void;
}) {
  const { t } = useTranslation();
  const pages = Math.max(1, Math.ceil(paging.total / paging.pageSize));
  if (pages <= 1) return null;
  return (
    <nav className="analysis-downloads" aria-label={t('analysis.region.pagesLabel')} data-testid="municipalities-pager">
      <button
        type="button"
        className="button button--small"
        disabled={paging.page <= 1}
        onClick={() => onPage(paging.page - 1)}
      >
        {t('analysis.region.previousPage')}
      </button>
      <span aria-live="polite">
        {t('analysis.region.municipalitiesPage', { page: paging.page, pages, total: paging.total })}
      </span>
      <button
        type="button"
        className="button button--small"
        disabled={paging.page >= pages}
        onClick={() => onPage(paging.page + 1)}
      >
        {t('analysis.region.nextPage')}
      </button>
    </nav>
  );
}
