// /practices/:id — one published practice at its stable address.
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { getPublicPractice } from '../../api/practices';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Loading } from '../../components/Loading';
import { PageHeading } from '../../components/PageHeading';
import { formatDate } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { useSession } from '../../lib/session';
import { Chips, namer, usePracticeLocale, useVocabulary, years } from './common';

export default function PracticePage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const lng = usePracticeLocale();
  const practice = useRequest((signal) => getPublicPractice(id, signal), id);
  const vocab = useVocabulary();
  const name = namer(vocab.status === 'ok' ? vocab.data : undefined, lng);
  const { state } = useSession();
  const canEdit =
    state.status === 'signed-in' &&
    state.session.user.roles.some((r) => r === 'editor' || r === 'coordinator' || r === 'admin');

  if (practice.status === 'loading') return <Loading label={t('app.loading')} />;
  if (practice.status === 'error')
    return (
      <section className="page">
        <PageHeading title={t('practices.title')}>{t('practices.title')}</PageHeading>
        <ErrorNotice error={practice.error} />
        <p>
          <Link to="/practices">{t('practices.back')}</Link>
        </p>
      </section>
    );
  const p = practice.data;
  const facts: [string, string][] = [
    [t('practices.f.country'), p.country ? t(`practices.country.${p.country}`) : ''],
    [t('practices.f.regions'), p.regions.map(name.region).join(', ')],
    [t('practices.f.municipalities'), p.municipalities.join(', ')],
    [t('practices.f.municipalityCount'), p.municipalityCount ? String(p.municipalityCount) : ''],
    [t('practices.f.municipalityTypes'), p.municipalityTypes.map(name.type).join(', ')],
    [t('practices.f.sizeClasses'), p.sizeClasses.map(name.size).join(', ')],
    [t('practices.f.forms'), p.forms.map(name.form).join(', ')],
    [t('practices.f.years'), years(p.yearFrom, p.yearTo)],
    [t('practices.f.source'), p.source],
    [t('practices.f.contact'), p.contact],
  ];
  return (
    <article className="page" lang={p.language} data-testid="practice-page">
      <p className="kicker">
        <Link to="/practices">{t('practices.back')}</Link>
      </p>
      <PageHeading title={p.title}>{p.title}</PageHeading>
      <Chips kind="field" items={p.fields.map(name.field)} />
      <div className="practice-section">
        <h2>{t('practices.f.obstacles')}</h2>
        <Chips kind="obstacle" items={p.obstacles.map(name.obstacle)} />
      </div>
      {(
        [
          ['problem', p.problem],
          ['actions', p.actions],
          ['results', p.results],
        ] as const
      ).map(
        ([k, text]) =>
          text && (
            <section key={k} className="practice-section">
              <h2>{t(`practices.f.${k}`)}</h2>
              <p>{text}</p>
            </section>
          ),
      )}
      <section className="practice-section">
        <h2>{t('practices.facts')}</h2>
        <dl className="practice-facts">
          {facts
            .filter(([, v]) => v)
            .map(([k, v]) => (
              <div key={k} style={{ display: 'contents' }}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
        </dl>
      </section>
      {p.attachments.length > 0 && (
        <section className="practice-section">
          <h2>{t('practices.f.attachments')}</h2>
          <ul>
            {p.attachments.map((a) => (
              <li key={a.url}>
                <a href={a.url} rel="noopener noreferrer nofollow" target="_blank">
                  {a.title || a.url}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <p className="muted">
        {t('practices.publishedAt', { date: formatDate(p.publishedAt, lng) })}
        {canEdit && (
          <>
            {' · '}
            <Link to={`/admin/practices/${encodeURIComponent(p.id)}`}>{t('practices.edit')}</Link>
          </>
        )}
      </p>
    </article>
  );
}
