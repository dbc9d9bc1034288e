import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import ru from '../../i18n/locales/ru';
import type { Locale } from '../../api/api';
import { AUDIT_EXPORT_URL, listAudit } from '../../api/settings';
import { formatDateTime } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { RequestTable } from '../../components/RequestList';

const ACTIONS = [
  'wave.create',
  'wave.update',
  'wave.clone',
  'wave.min_cell',
  'results.publish',
  'results.unpublish',
  'mail.settings',
  'mail.test',
  'mail.campaign',
  'mail.campaign.done',
  'mail.campaign.pause',
  'mail.campaign.resume',
  'mail.campaign.cancel',
  'mail.opt_out',
  'questionnaire.upload',
  'questionnaire.roles',
  'invitations.import',
  'invitations.export',
  'invitations.revoke',
  'invitations.reissue',
  'wave.open',
  'wave.close',
  'wave.reopen',
  'wave.archive',
  'data.export',
  'tally.rebuild',
  'user.create',
  'user.update',
  'user.password_reset',
  'user.password_change',
  'user.sessions_revoked',
  'user.login',
  'user.login_failed',
] as const;

type ActionCode = keyof typeof ru.auditWording.action;
const isKnown = (a: string): a is ActionCode => Object.prototype.hasOwnProperty.call(ru.auditWording.action, a);
const STATUSES = ['draft', 'open', 'closed', 'archived'] as const;
const isStatus = (s: unknown): s is (typeof STATUSES)[number] => STATUSES.includes(s as (typeof STATUSES)[number]);

/** What happened, said in the user's language ("Survey opened"); an action we do not know keeps its code. */
export function actionLabel(t: TFunction, action: string): string {
  return isKnown(action) ? t(`auditWording.action.${action}`) : action;
}

/** Details as short "key: value" text; values are shown as text, never as markup. A status change is said in words. */
function detailsText(t: TFunction, d: Record<string, unknown>): string {
  const { from, to, ...rest } = d;
  const change =
    isStatus(from) && isStatus(to)
      ? [t('auditWording.statusChange', { from: t(`waves.status.${from}`), to: t(`waves.status.${to}`) })]
      : [];
  const others = isStatus(from) && isStatus(to) ? rest : d;
  return change
    .concat(Object.entries(others).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`))
    .join(' · ');
}

export default function AuditPage() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language as Locale;
  const [action, setAction] = useState('');
  const entries = useRequest((signal) => listAudit({ action: action || undefined, limit: 200 }, signal), action);
  return (
    <section className="settings">
      <h1>{t('settings.audit.title')}</h1>
      <p className="lead">{t('settings.audit.intro')}</p>
      <div className="settings-filter">
        <label className="field">
          <span className="field__label">{t('settings.audit.action')}</span>
          <select value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-action">
            <option value="">{t('settings.audit.all')}</option>
            {ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionLabel(t, a)}
              </option>
            ))}
          </select>
        </label>
        <a className="button" href={AUDIT_EXPORT_URL} download>
          {t('settings.audit.export')}
        </a>
      </div>
      <div className="card table-card">
        <RequestTable
          request={entries}
          empty={<p>{t('settings.audit.empty')}</p>}
          testId="audit-table"
          className="results-table settings-table"
          label={t('settings.audit.title')}
          columns={(['when', 'who', 'action', 'target', 'details'] as const).map((c) => t(`settings.audit.${c}`))}
        >
          {(e) => (
            <tr key={e.id}>
              <td>{formatDateTime(e.at, lng)}</td>
              <td>{e.actor}</td>
              <td>
                {actionLabel(t, e.action)} <code className="muted small">{e.action}</code>
              </td>
              <td>{e.target}</td>
              <td className="muted">{detailsText(t, e.details)}</td>
            </tr>
          )}
        </RequestTable>
      </div>
    </section>
  );
}
