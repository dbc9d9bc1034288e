import { useCallback, useEffect, useState } from 'react';
import { isAbortError } from '../api/api';

export type RequestState<T> = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ok'; data: T };

type Settled<T> = { token: string; state: RequestState<T> };

/**
 * Runs an API call when `key` changes and aborts it on unmount or change.
 * `reload` repeats it (for "Try again" buttons).
 */
export function useRequest<T>(
  load: (signal: AbortSignal) => Promise<T>,
  key: string,
): RequestState<T> & { reload: () => void } {
  const [attempt, setAttempt] = useState(0);
  const [settled, setSettled] = useState<Settled<T> | null>(null);
  const token = `${key}#${attempt}`;

  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).then(
      (data) => setSettled({ token, state: { status: 'ok', data } }),
      (error: unknown) => {
        if (!isAbortError(error)) setSettled({ token, state: { status: 'error', error } });
      },
    );
    return () => controller.abort();
    // `load` is a fresh closure each render; `token` says when the request really changes.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [token]);

  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  // Until the answer for the current key arrives, we are loading (no stale data from another key).
  const state: RequestState<T> = settled?.token === token ? settled.state : { status: 'loading' };
  return { ...state, reload };
}
