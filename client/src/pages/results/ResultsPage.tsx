import { lazy, Suspense, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { exportUrls, getTally, type Cell, type Tally } from '../../api/api';
import { ErrorNotice, isRetryable } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { currentLocale } from '../../i18n';
import { formatNumber, formatShare, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';

// chart.js is the heaviest part of this page; the table shows first.
const ObstacleChart = lazy(() => import('./ObstacleChart'));

const EMPTY_CELL: Cell = { count: 0, share: 0 };

/** /w/:code/results — obstacles × regions for the researcher. */
export default function ResultsPage() {
  const { code = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const tally = useRequest((signal) => getTally(code, signal), code);

  if (tally.status === 'loading') {
    return (
      <section className="page">
        <Loading label={t('results.loading')} />
      </section>
    );
  }
  if (tally.status === 'error') {
    return (
      <section className="page">
        <PageHeading title={t('results.title')}>{t('results.title')}</PageHeading>
        <ErrorNotice error={tally.error} title={null} onRetry={isRetryable(tally.error) ? tally.reload : undefined} />
      </section>
    );
  }

  const data = tally.data;
  const waveTitle = pick(data.wave.title, lng) || data.wave.code;
  const hasData = data.total.respondents > 0;

  return (
    <section className="page page--wide">
      <p className="kicker">{t('results.title')}</p>
      <PageHeading title={`${t('results.title')}: ${waveTitle}`}>{waveTitle}</PageHeading>
      <p className="results-base" data-testid="results-base">
        {t('results.base', { count: data.base.respondents, n: formatNumber(data.base.respondents, lng) })}
      </p>

      <nav className="downloads" aria-label={t('results.downloads')}>
        <a className="button" href={exportUrls.responsesCsv(data.wave.code)} download>
          {t('results.responsesCsv')}
        </a>
        <a className="button" href={exportUrls.tallyCsv(data.wave.code)} download>
          {t('results.tallyCsv')}
        </a>
      </nav>

      {hasData ? (
        <>
          <ResultsTable tally={data} />
          <section className="card chart-card" aria-labelledby="chart-title">
            <h2 id="chart-title">{t('results.chartTitle')}</h2>
            <Suspense fallback={<Loading label={t('results.chartLoading')} />}>
              <ObstacleChart obstacles={data.obstacles} total={data.total.counts} />
            </Suspense>
          </section>
        </>
      ) : (
        <p className="notice">{t('results.empty')}</p>
      )}
    </section>
  );
}

function ResultsTable({ tally }: { tally: Tally }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const titleId = useId();

  const regions = tally.regions
    .filter((r) => r.respondents >= 1)
    .map((r) => ({ ...r, name: pick(r.names, lng) || r.code }))
    .sort((a, b) => b.respondents - a.respondents || a.name.localeCompare(b.name, lng));

  const cell = (c: Cell | undefined, key: string) => {
    const { count, share } = c ?? EMPTY_CELL;
    return (
      <td className={count === 0 ? 'num zero' : 'num'} key={key}>
        {t('results.cell', { n: formatNumber(count, lng), share: formatShare(share, lng) })}
      </td>
    );
  };

  return (
    <section className="card table-card" aria-labelledby={titleId}>
      <h2 id={titleId}>{t('results.tableTitle')}</h2>
      <p className="table-note">{t('results.tableCaption')}</p>
      {/* A focusable scroll region, so keyboard users can scroll a wide table on a phone. */}
      <div className="table-scroll" role="region" aria-labelledby={titleId} tabIndex={0}>
        <table className="results-table" data-testid="results-table">
          <caption className="visually-hidden">
            {t('results.tableTitle')}. {t('results.tableCaption')}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('results.region')}</th>
              <th scope="col" className="num">
                {t('results.respondents')}
              </th>
              {tally.obstacles.map((o) => (
                <th scope="col" className="num" key={o.code}>
                  {pick(o.labels, lng) || o.code}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {regions.map((r) => (
              <tr key={r.code} data-testid={`region-row-${r.code}`}>
                <th scope="row">{r.name}</th>
                <td className="num">{formatNumber(r.respondents, lng)}</td>
                {tally.obstacles.map((o) => cell(r.counts[o.code], o.code))}
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-testid="results-total">
              <th scope="row">{t('results.total')}</th>
              <td className="num">{formatNumber(tally.total.respondents, lng)}</td>
              {tally.obstacles.map((o) => cell(tally.total.counts[o.code], o.code))}
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}
