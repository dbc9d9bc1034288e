import { useTranslation } from 'react-i18next';
import { listRegions } from '../../../api/api';
import { listQuestionnaires, type WaveAdmin } from '../../../api/admin';
import { currentLocale } from '../../../i18n';
import { formatDate, pick } from '../../../lib/format';
import { useRequest } from '../../../lib/useRequest';

/** The wave's settings in words: questionnaire, period, scope, access, anonymity, public link. */
export function WaveSummary({ wave: w }: { wave: WaveAdmin }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  // Names, not codes: the questionnaire's title and the regions' names in the user's language.
  const questionnaires = useRequest((signal) => listQuestionnaires(signal), 'summary-q');
  const regions = useRequest((signal) => listRegions(signal), 'summary-r');
  const q = questionnaires.status === 'ok' ? questionnaires.data.find((x) => x.id === w.questionnaireId) : undefined;
  const regionName = (code: string) =>
    (regions.status === 'ok' && pick(regions.data.find((r) => r.code === code)?.names, lng)) || code;
  const link = `${window.location.origin}/w/${encodeURIComponent(w.code)}`;
  return (
    <section className="card" aria-labelledby="summary-h">
      <h2 id="summary-h">{t('admin.wave.summary')}</h2>
      <dl className="facts">
        <dt>{t('admin.wave.questionnaire')}</dt>
        <dd data-testid="wave-questionnaire">
          {q ? t('waves.questionnaire', { title: pick(q.title, lng) || q.key, version: q.version }) : w.questionnaireId}
        </dd>
        <dt>{t('admin.wave.period')}</dt>
        <dd>
          {w.opensAt || w.closesAt
            ? `${formatDate(w.opensAt, lng) || '…'} — ${formatDate(w.closesAt, lng) || '…'}`
            : t('waves.periodOpenEnded')}
        </dd>
        <dt>{t('admin.wave.scope')}</dt>
        <dd>
          {w.scope.regions.length
            ? w.scope.regions.map(regionName).join(', ')
            : t('admin.wave.allRegions', {
                countries: w.scope.countries.map((c) => t(`admin.form.country.${c}`)).join(', '),
              })}
        </dd>
        <dt>{t('admin.wave.access')}</dt>
        <dd>{w.access === 'public' ? t('admin.wave.accessPublic') : t('admin.wave.accessInvitation')}</dd>
        <dt>{t('admin.wave.anonymity')}</dt>
        <dd>
          {w.anonymous
            ? t('admin.wave.anonymousYes')
            : w.access === 'public'
              ? t('admin.wave.anonymousNoPublic')
              : t('admin.wave.anonymousNo')}
        </dd>
        <dt>{t('questionRoles.breakdownLegend')}</dt>
        <dd data-testid="wave-breakdown">
          {w.noRegionalBreakdown ? t('questionRoles.breakdownNo') : t('questionRoles.breakdownYes')}
        </dd>
        {w.access === 'public' && (
          <>
            <dt>{t('admin.wave.publicLink')}</dt>
            <dd>
              <a href={link}>{link}</a>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}
