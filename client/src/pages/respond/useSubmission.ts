import { useCallback, useEffect, useRef, useState } from 'react';
import {
  ApiError,
  retryAfterSeconds,
  submitResponse,
  type SubmitResponseBody,
  type SubmittedResponse,
} from '../../api/api';

export type SubmitState =
  | { phase: 'idle' }
  /** `previous` is the transient error being retried, if any. */
  | { phase: 'sending'; previous?: ApiError }
  /** A transient failure (network, 5xx, 429): retried automatically at retryAt. */
  | { phase: 'waiting'; error: ApiError; retryAt: number }
  /** The server refused the answers (422, 409, ...): the respondent has to act. */
  | { phase: 'rejected'; error: unknown }
  | { phase: 'done'; result: SubmittedResponse };

const FIRST_DELAY_MS = 2_000;
const MAX_DELAY_MS = 60_000;

/** 2 s, 4 s, 8 s ... up to a minute, with ±20 % jitter so many clients don't retry in step. */
export function retryDelay(failures: number): number {
  const base = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** The backoff, but never sooner than the server's Retry-After (a 503 while the database changes its primary). */
export function nextRetryDelay(failures: number, error: ApiError): number {
  const after = retryAfterSeconds(error);
  return Math.max(retryDelay(failures), after === undefined ? 0 : Math.min(after, MAX_DELAY_MS / 1000) * 1000);
}

/**
 * Sends the answers and keeps retrying transient failures with backoff. Every attempt carries
 * the same clientId (inside the body), so the server stores the response once.
 */
export function useSubmission(
  code: string,
  buildBody: () => SubmitResponseBody,
  onSuccess: (result: SubmittedResponse) => void,
  /** Where the answers go; the wave's public endpoint unless given (invitation links use their own). */
  send: (body: SubmitResponseBody) => Promise<SubmittedResponse> = (body) => submitResponse(code, body),
) {
  const [state, setState] = useState<SubmitState>({ phase: 'idle' });
  const callbacks = useRef({ buildBody, onSuccess, send });
  const inFlight = useRef(false);
  const failures = useRef(0);

  useEffect(() => {
    callbacks.current = { buildBody, onSuccess, send };
  });

  const submit = useCallback(async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    setState((s) => ({ phase: 'sending', previous: s.phase === 'waiting' ? s.error : undefined }));
    try {
      const result = await callbacks.current.send(callbacks.current.buildBody());
      failures.current = 0;
      callbacks.current.onSuccess(result);
      setState({ phase: 'done', result });
    } catch (error) {
      if (error instanceof ApiError && error.retryable) {
        failures.current += 1;
        setState({ phase: 'waiting', error, retryAt: Date.now() + nextRetryDelay(failures.current, error) });
      } else {
        failures.current = 0;
        setState({ phase: 'rejected', error });
      }
    } finally {
      inFlight.current = false;
    }
  }, []);

  // While waiting: retry when the timer fires, or as soon as the browser says it is back online.
  useEffect(() => {
    if (state.phase !== 'waiting') return;
    const timer = setTimeout(() => void submit(), Math.max(0, state.retryAt - Date.now()));
    const onOnline = () => void submit();
    window.addEventListener('online', onOnline);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('online', onOnline);
    };
  }, [state, submit]);

  return { state, submit };
}
