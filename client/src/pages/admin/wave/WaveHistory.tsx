import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { LifecycleAction, WaveAdmin } from '../../../api/admin';
import { currentLocale } from '../../../i18n';
import { formatDateTime } from '../../../lib/format';
import ru from '../../../i18n/locales/ru';

/** Every lifecycle action (names for the history); which the wave allows now comes from the server. */
const LIFECYCLE_ACTIONS: readonly string[] = ['open', 'close', 'reopen', 'archive'] satisfies LifecycleAction[];

/** The wave's history, newest first: who did what and when. */
export function WaveHistory({ history }: { history: WaveAdmin['history'] }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  return (
    <section className="card" aria-labelledby="history-h">
      <h2 id="history-h">{t('admin.wave.history')}</h2>
      <ol className="history" data-testid="wave-history">
        {[...history].reverse().map((h, i) => (
          <li key={i}>
            {t('admin.wave.historyItem', {
              date: formatDateTime(h.at, lng),
              who: h.by,
              action: historyAction(t, h),
            })}
          </li>
        ))}
      </ol>
    </section>
  );
}

function historyAction(t: TFunction, h: WaveAdmin['history'][number]): string {
  if (h.action === 'create' || h.action === 'update' || h.action === 'clone') {
    const what = t(`admin.wave.historyAction.${h.action}`, { from: h.from ?? '' });
    return h.fields?.length ? `${what} (${fieldNames(t, h.fields)})` : what;
  }
  // Said as what happened ("survey opened"), like "created" and "changed", not as the button's verb.
  const label = LIFECYCLE_ACTIONS.includes(h.action)
    ? t(`admin.wave.historyLifecycle.${h.action as LifecycleAction}`)
    : h.action;
  return h.fields?.length ? `${label} (${fieldNames(t, h.fields)})` : label;
}

function fieldNames(t: TFunction, fields: string[]): string {
  return fields
    .map((f) => (has(ru.admin.field, f) ? t(`admin.field.${f as keyof typeof ru.admin.field}`) : f))
    .join(', ');
}

const has = <T extends object>(o: T, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);
