import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, apiErrorMessageKey } from '../../api/api';
import { changeOwnPassword, endOtherSessions, listOwnSessions } from '../../api/settings';
import { CurrentPasswordField, FormNotices, NewPasswordField, PasswordField } from '../../components/Field';
import { useSession } from '../../lib/session';
import { useRequest } from '../../lib/useRequest';

export default function AccountPage() {
  const { t } = useTranslation();
  const { state } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const sessions = useRequest((signal) => listOwnSessions(signal), 'own-sessions');
  const [ending, setEnding] = useState(false);
  const [ended, setEnded] = useState<number | null>(null);
  const [endError, setEndError] = useState<string | null>(null);

  async function onEndOthers() {
    setEnding(true);
    setEnded(null);
    setEndError(null);
    try {
      setEnded(await endOtherSessions());
      sessions.reload();
    } catch (err) {
      setEndError(t(apiErrorMessageKey(err)));
    } finally {
      setEnding(false);
    }
  }

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setDone(false);
    if (next.length < 10) return setError(t('settings.passwordTooShort'));
    if (next !== repeat) return setError(t('settings.account.mismatch'));
    setBusy(true);
    try {
      await changeOwnPassword(current, next);
      setDone(true);
      sessions.reload();
      setCurrent('');
      setNext('');
      setRepeat('');
    } catch (err) {
      if (err instanceof ApiError && err.invalidParams.some((p) => p.code === 'wrong_password'))
        setError(t('settings.account.wrongCurrent'));
      else setError(t(apiErrorMessageKey(err)));
    } finally {
      setBusy(false);
    }
  }

  const user = state.status === 'signed-in' ? state.session.user : null;
  return (
    <section className="settings">
      <h1>{t('settings.account.title')}</h1>
      {user && (
        <p className="lead">
          {user.email} · {user.roles.map((r) => t(`settings.role.${r}`)).join(', ')}
        </p>
      )}
      <form className="card settings-form" onSubmit={onSubmit} noValidate>
        <h2>{t('settings.account.changePassword')}</h2>
        <FormNotices error={error} done={done ? t('settings.account.changed') : null} />
        <CurrentPasswordField
          label={t('settings.account.current')}
          name="current-password"
          value={current}
          onValue={setCurrent}
        />
        <NewPasswordField label={t('settings.account.new')} value={next} onValue={setNext} />
        <PasswordField
          label={t('settings.account.repeat')}
          name="repeat-password"
          autoComplete="new-password"
          value={repeat}
          onValue={setRepeat}
        />
        <button type="submit" className="button button--primary" disabled={busy}>
          {t('settings.account.save')}
        </button>
      </form>
      <div className="card settings-form" data-testid="own-sessions">
        <h2>{t('settings.account.sessions')}</h2>
        {sessions.status === 'ok' && <p>{t('settings.account.sessionsCount', { count: sessions.data.length })}</p>}
        <p className="field__hint">{t('settings.account.endOthersHint')}</p>
        <FormNotices
          error={endError}
          done={
            ended === null
              ? null
              : ended > 0
                ? t('settings.account.endedOthers', { count: ended })
                : t('settings.account.noOthers')
          }
        />
        <button type="button" className="button" onClick={() => void onEndOthers()} disabled={ending}>
          {t('settings.account.endOthers')}
        </button>
      </div>
    </section>
  );
}
