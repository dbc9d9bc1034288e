import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { ApiError, getSession, logout as apiLogout, type Role, type SessionInfo } from '../api/api';
import { Loading } from '../components/Loading';
import { ErrorNotice } from '../components/ErrorNotice';
import { useTranslation } from 'react-i18next';

type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'error'; error: unknown }
  | { status: 'signed-in'; session: SessionInfo };

type SessionContextValue = {
  state: SessionState;
  signedIn: (session: SessionInfo) => void;
  signOut: () => Promise<void>;
  refresh: () => void;
};

const SessionContext = createContext<SessionContextValue | null>(null);

/** Knows who is signed in (asks the server once; login and logout update it). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    getSession(controller.signal).then(
      (session) => setState({ status: 'signed-in', session }),
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState(
          error instanceof ApiError && error.status === 401 ? { status: 'anonymous' } : { status: 'error', error },
        );
      },
    );
    return () => controller.abort();
  }, [attempt]);
  const value = useMemo<SessionContextValue>(
    () => ({
      state,
      signedIn: (session) => setState({ status: 'signed-in', session }),
      signOut: async () => {
        await apiLogout();
        setState({ status: 'anonymous' });
      },
      refresh: () => setAttempt((a) => a + 1),
    }),
    [state],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** Renders its children for a signed-in user with the role; otherwise sends them to log in. */
/** Renders `children` for a signed-in user with `role` (admins pass every check; 'user' = anyone signed in). */
export function RequireRole({ role, children }: { role: Role | 'user'; children: ReactNode }) {
  const { state, refresh } = useSession();
  const location = useLocation();
  const { t } = useTranslation();
  const retry = useCallback(() => refresh(), [refresh]);
  if (state.status === 'loading') return <Loading label={t('app.loading')} />;
  if (state.status === 'error') return <ErrorNotice error={state.error} onRetry={retry} />;
  if (state.status === 'anonymous') {
    return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  }
  const roles = state.session.user.roles;
  // Coordinators hold the editor role implicitly (as on the server, auth/roles.ts).
  const implied = role === 'editor' && roles.includes('coordinator');
  if (role !== 'user' && !roles.includes(role) && !roles.includes('admin') && !implied) {
    return (
      <div className="notice notice--error" role="alert" data-testid="forbidden">
        <p>{t('auth.forbidden')}</p>
      </div>
    );
  }
  return <>{children}</>;
}
