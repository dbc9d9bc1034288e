import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useSearchParams } from 'react-router';
import { ApiError, apiErrorMessageKey, login } from '../../api/api';
import { CurrentPasswordField, EmailField, FormNotices } from '../../components/Field';
import { useSession } from '../../lib/session';

/** Only same-site paths are followed after login (no open redirect). */
function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

export default function LoginPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function onSubmit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const session = await login(email, password);
      signedIn(session);
      navigate(safeNext(params.get('next')), { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_credentials') setError(t('auth.invalidCredentials'));
      else if (err instanceof ApiError && err.code === 'login_throttled' && typeof err.problem.retryAfter === 'number')
        setError(t('auth.throttled', { seconds: err.problem.retryAfter }));
      else if (err instanceof ApiError && err.status === 429) setError(t('auth.locked'));
      else setError(t(apiErrorMessageKey(err)));
      setBusy(false);
    }
  }

  return (
    <section className="login">
      <h1>{t('auth.title')}</h1>
      <p className="login__intro">{t('auth.intro')}</p>
      <form className="card login__form" onSubmit={onSubmit} noValidate>
        <FormNotices error={error} testId="login-error" />
        <EmailField label={t('auth.email')} autoComplete="username" value={email} onValue={setEmail} />
        <CurrentPasswordField
          label={t('auth.password')}
          name="password"
          required
          value={password}
          onValue={setPassword}
        />
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? t('auth.signingIn') : t('auth.signIn')}
        </button>
      </form>
    </section>
  );
}
