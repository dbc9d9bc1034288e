// /practices/coverage — obstacles × practices: how often each obstacle was named in a wave and
// how many practices address it; frequently named obstacles with few or no practices are gaps.
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { listWaves } from '../../api/api';
import { coverageUrl, getCoverage } from '../../api/practices';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { formatShare, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { usePracticeLocale } from './common';
import { TableHead, numColumn } from '../../components/TableHead';

export default function CoveragePage() {
  const { t } = useTranslation();
  const lng = usePracticeLocale();
  const [params, setParams] = useSearchParams();
  const wave = params.get('wave') ?? undefined;
  const waves = useRequest(listWaves, 'waves');
  const coverage = useRequest((signal) => getCoverage(wave, signal), wave ?? '');
  const code = coverage.status === 'ok' ? coverage.data.wave?.code : wave;

  return (
    <section className="page page--wide">
      <p className="kicker">
        <Link to="/practices">{t('practices.back')}</Link>
      </p>
      <PageHeading title={t('practices.coverage.title')}>{t('practices.coverage.title')}</PageHeading>
      <p className="lead">{t('practices.coverage.intro')}</p>
      <div className="practice-actions">
        <label className="field">
          <span className="field__label">{t('practices.coverage.wave')}</span>
          <select
            value={code ?? ''}
            onChange={(e) => setParams(e.target.value ? { wave: e.target.value } : {})}
            data-testid="coverage-wave"
          >
            {!code && <option value="">—</option>}
            {waves.status === 'ok' &&
              waves.data.map((w) => (
                <option key={w.code} value={w.code}>
                  {pick(w.title, lng) || w.code}
                </option>
              ))}
          </select>
        </label>
      </div>
      {coverage.status === 'loading' && <Loading label={t('app.loading')} />}
      {coverage.status === 'error' && <ErrorNotice error={coverage.error} onRetry={coverage.reload} />}
      {coverage.status === 'ok' && (
        <>
          <section className="card" aria-labelledby="gaps-title" data-testid="coverage-gaps">
            <h2 id="gaps-title">{t('practices.coverage.gaps')}</h2>
            {coverage.data.gaps.length === 0 ? (
              <p>{t('practices.coverage.noGaps')}</p>
            ) : (
              <ol>
                {coverage.data.gaps.map((g) => {
                  const r = coverage.data.rows.find((x) => x.obstacle === g)!;
                  return (
                    <li key={g}>
                      <strong>{pick(r.labels, lng)}</strong>{' '}
                      <span className="muted">
                        {r.share !== null && t('practices.coverage.namedBy', { share: formatShare(r.share, lng) })}{' '}
                        {t('practices.coverage.practicesN', { count: r.published })}
                      </span>
                    </li>
                  );
                })}
              </ol>
            )}
          </section>
          <section className="card table-card" aria-labelledby="coverage-table">
            <h2 id="coverage-table">{t('practices.coverage.table')}</h2>
            {coverage.data.wave && (
              <p className="muted">{t('practices.coverage.base', { n: coverage.data.wave.respondents })}</p>
            )}
            <div className="table-scroll">
              <table className="results-table" data-testid="coverage-table">
                <TableHead
                  columns={[
                    t('practices.f.obstacle'),
                    ...(['named', 'published', 'drafts'] as const).map((k) => numColumn(t(`practices.coverage.${k}`))),
                    t('practices.coverage.gap'),
                  ]}
                />
                <tbody>
                  {coverage.data.rows.map((r) => (
                    <tr key={r.obstacle} className={r.gap ? 'coverage-gap' : undefined}>
                      <th scope="row">
                        <Link to={`/practices?obstacle=${r.obstacle}`}>{pick(r.labels, lng)}</Link>
                      </th>
                      <td className="num">
                        {r.share !== null && (
                          <span
                            className="coverage-bar"
                            style={{ width: `${Math.round(r.share * 80)}px` }}
                            aria-hidden="true"
                          />
                        )}
                        {r.suppressed
                          ? '[c]'
                          : r.named === null
                            ? '—'
                            : `${r.named}${r.share !== null ? ` (${formatShare(r.share, lng)})` : ''}`}
                      </td>
                      <td className="num">{r.published}</td>
                      <td className="num">{r.drafts}</td>
                      <td>{r.gap ? t('practices.coverage.yes') : ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="practice-actions">
              <a className="button button--small" href={coverageUrl(code, 'csv')} download>
                {t('practices.coverage.csv')}
              </a>
              <a className="button button--small" href={coverageUrl(code, 'xlsx')} download>
                {t('practices.coverage.xlsx')}
              </a>
            </p>
            <p className="muted">{t('practices.coverage.rule')}</p>
          </section>
        </>
      )}
    </section>
  );
}
