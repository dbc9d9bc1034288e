// On the researcher's dashboard and region page: for each obstacle, the published practices that
// addressed it (how many, and the nearest three: same region, same country, similar municipality type).
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { getObstacleLinks } from '../../api/practices';
import { useRequest } from '../../lib/useRequest';
import { namer, usePracticeLocale, useVocabulary } from './common';
import { TableHead } from '../../components/TableHead';

export function ObstaclePracticeLinks({ obstacles, region }: { obstacles: string[]; region?: string }) {
  const { t } = useTranslation();
  const lng = usePracticeLocale();
  const [params] = useSearchParams();
  const municipalityType = params.get('municipalityType') ?? undefined;
  const links = useRequest(
    (signal) => getObstacleLinks({ region, municipalityType }, signal),
    `${region ?? ''}|${municipalityType ?? ''}`,
  );
  const vocab = useVocabulary();
  const name = namer(vocab.status === 'ok' ? vocab.data : undefined, lng);
  if (links.status !== 'ok') return null;
  const rows = links.data.filter((l) => obstacles.length === 0 || obstacles.includes(l.obstacle));
  return (
    <section className="card table-card practice-links" aria-labelledby="practice-links" data-testid="practice-links">
      <h2 id="practice-links">{t('practices.links.title')}</h2>
      <p className="muted">{t('practices.links.intro')}</p>
      <div className="table-scroll" tabIndex={0}>
        <table className="results-table">
          <TableHead
            columns={[
              t('practices.f.obstacle'),
              { label: t('practices.links.count'), num: true },
              t('practices.links.nearest'),
            ]}
          />
          <tbody>
            {rows.map((l) => (
              <tr key={l.obstacle}>
                <th scope="row">{name.obstacle(l.obstacle)}</th>
                <td className="num">
                  {l.count > 0 ? (
                    <Link to={`/practices?obstacle=${l.obstacle}`} data-testid={`practice-count-${l.obstacle}`}>
                      {l.count}
                    </Link>
                  ) : (
                    <span data-testid={`practice-count-${l.obstacle}`}>0</span>
                  )}
                </td>
                <td>
                  {l.practices.length > 0 && (
                    <ul>
                      {l.practices.map((p) => (
                        <li key={p.id}>
                          <Link to={`/practices/${encodeURIComponent(p.id)}`}>{p.title}</Link>{' '}
                          {p.nearness !== 'other' && (
                            <span className="muted">({t(`practices.links.near.${p.nearness}`)})</span>
                          )}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
