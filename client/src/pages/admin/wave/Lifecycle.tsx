import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { changeWaveStatus, type LifecycleAction, type WaveAdmin } from '../../../api/admin';
import { useAction } from '../../../lib/useAction';
import { dateInputToIso } from '../dates';
import { errorText, ProblemList } from '../ProblemList';

/** The wave's states, the current one marked, and the changes the server allows now. */
export function Lifecycle({ wave: w, onChanged }: { wave: WaveAdmin; onChanged: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [closesAt, setClosesAt] = useState('');
  const { busy, error, run } = useAction();
  const act = async (action: LifecycleAction) => {
    if (!window.confirm(t(`admin.wave.confirm.${action}`))) return;
    const newClose = action === 'reopen' && closesAt ? dateInputToIso(closesAt) : undefined;
    if (await run(() => changeWaveStatus(w.code, action, newClose))) onChanged();
  };
  return (
    <section className="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('admin.wave.lifecycle')}</h2>
      <ol className="lifecycle" aria-label={t('admin.wave.lifecycle')}>
        {(['draft', 'open', 'closed', 'archived'] as const).map((s) => (
          <li
            key={s}
            className={s === w.status ? 'is-current' : undefined}
            aria-current={s === w.status ? 'step' : undefined}
          >
            {t(`waves.status.${s}`)}
          </li>
        ))}
      </ol>
      {w.status === 'closed' && (
        <div className="field">
          <label htmlFor={`${id}-closes`}>{t('admin.wave.reopenClosesAt')}</label>
          <input id={`${id}-closes`} type="date" value={closesAt} onChange={(e) => setClosesAt(e.target.value)} />
        </div>
      )}
      <div className="form-actions">
        {w.allowedTransitions.map((a) => (
          <button
            key={a}
            type="button"
            className={a === 'archive' ? 'button button--secondary' : 'button'}
            disabled={busy}
            onClick={() => void act(a)}
          >
            {t(`admin.wave.action.${a}`)}
          </button>
        ))}
      </div>
      {error !== null && <ProblemList error={error} title={errorText(t, error)} kind="form" />}
    </section>
  );
}
