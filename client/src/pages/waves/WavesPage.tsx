import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { listWaves, type WaveSummary } from '../../api/api';
import { PageHeading } from '../../components/PageHeading';
import { RequestList } from '../../components/RequestList';
import { currentLocale } from '../../i18n';
import { formatDate, formatNumber, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';

export function WavesPage() {
  const { t } = useTranslation();
  const waves = useRequest(listWaves, 'waves');

  return (
    <section className="page">
      <PageHeading title={t('waves.title')}>{t('waves.title')}</PageHeading>
      <p className="lead">{t('waves.intro')}</p>
      <RequestList request={waves} empty={<p className="notice">{t('waves.empty')}</p>}>
        {(list) => (
          <ul className="wave-list">
            {list.map((w) => (
              <WaveCard key={w.code} wave={w} />
            ))}
          </ul>
        )}
      </RequestList>
    </section>
  );
}

function WaveCard({ wave }: { wave: WaveSummary }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const title = pick(wave.title, lng) || wave.code;
  const from = formatDate(wave.opensAt, lng);
  const to = formatDate(wave.closesAt, lng);
  const period =
    from && to
      ? t('waves.periodRange', { from, to })
      : from
        ? t('waves.periodFrom', { from })
        : to
          ? t('waves.periodTo', { to })
          : t('waves.periodOpenEnded');

  return (
    <li className="card wave-card" data-testid={`wave-${wave.code}`}>
      <div className="wave-card__head">
        <h2 className="wave-card__title">{title}</h2>
        <span className={`badge badge--${wave.status}`}>{t(`waves.status.${wave.status}`)}</span>
      </div>
      <ul className="wave-card__meta">
        <li>
          {t('waves.period')}: {period}
        </li>
        <li>
          {t('waves.questionnaire', {
            title: pick(wave.questionnaire.title, lng) || wave.questionnaire.key,
            version: wave.questionnaire.version,
          })}
        </li>
        <li>{t('waves.responses', { count: wave.responses, n: formatNumber(wave.responses, lng) })}</li>
      </ul>
      <div className="wave-card__actions">
        <Link
          className={wave.status === 'open' ? 'button button--primary' : 'button'}
          to={`/w/${encodeURIComponent(wave.code)}`}
          aria-label={t('waves.answerLabel', { title })}
        >
          {t('waves.answer')}
        </Link>
        <Link
          className="button"
          to={`/w/${encodeURIComponent(wave.code)}/results`}
          aria-label={t('waves.resultsLabel', { title })}
        >
          {t('waves.results')}
        </Link>
      </div>
    </li>
  );
}
