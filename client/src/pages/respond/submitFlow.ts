// One submit flow for both respondent routes, the wave's public link (/w/:code) and the personal
// invitation link (/i/:token): "Complete" sends the answers before the survey completes; transient
// failures (network, 503 while the database changes its primary, 429) are retried with backoff under
// the same client id; a 422 marks the refused questions inside the form; and the answers are kept in
// this browser as they are typed (and, where the route has one, on the server a little later).
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { CompletingEvent, SurveyModel } from 'survey-core';
import {
  ApiError,
  retryAfterSeconds,
  submitResponse,
  type SubmitResponseBody,
  type SubmittedResponse,
  type SurveyDefinition,
} from '../../api/api';
import appI18n, { currentLocale } from '../../i18n';
import { reasonText } from './SubmitStatus';
import { completedAnswers, setSurveyLocale } from './survey';

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
function useSubmission(
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

export type SubmitFlow = {
  /** The wave's code (the public endpoint's address). */
  code: string;
  model: SurveyModel;
  definition: SurveyDefinition;
  /** This attempt: its client id (the server stores one response per id) and when it started. */
  attempt: { clientId: string; startedAt: string };
  /** Set here once the server has the answers; the page's own saves check it too. */
  submittedRef: RefObject<boolean>;
  /** Keeps the answers in this browser; called before every send. */
  keepDraft: () => void;
  /** Where the answers go; the wave's public endpoint unless given (invitation links use their own). */
  send?: (body: SubmitResponseBody) => Promise<SubmittedResponse>;
  /** The server has the answers (called once the form is completed). */
  onSubmitted: (result: SubmittedResponse) => void;
};

/**
 * The survey's "Complete" as a submission: sends first and completes only once the server has the
 * answers; retries transient failures; a 422 marks the questions in the form, in the language of
 * the moment. Also re-localises the form when the UI language changes (answers stay).
 */
export function useSubmitFlow({
  code,
  model,
  definition,
  attempt,
  submittedRef,
  keepDraft,
  send,
  onSubmitted,
}: SubmitFlow) {
  const { i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const { state, submit } = useSubmission(
    code,
    () => {
      keepDraft();
      return {
        clientId: attempt.clientId,
        locale: currentLocale(),
        answers: completedAnswers(definition, model.data as Record<string, unknown>),
        startedAt: attempt.startedAt,
      };
    },
    (result) => {
      submittedRef.current = true;
      model.doComplete();
      onSubmitted(result);
    },
    send,
  );

  useEffect(() => {
    setSurveyLocale(model, lng);
  }, [model, lng]);

  useEffect(() => {
    const onCompleting = (_: SurveyModel, options: CompletingEvent) => {
      if (submittedRef.current) return;
      options.allow = false;
      void submit();
    };
    model.onCompleting.add(onCompleting);
    return () => model.onCompleting.remove(onCompleting);
  }, [model, submit, submittedRef]);

  useEffect(() => {
    if (state.phase !== 'rejected' || !(state.error instanceof ApiError) || state.error.status !== 422) return;
    for (const p of state.error.invalidParams) model.getQuestionByName(p.name)?.addError(reasonText(appI18n.t, p));
  }, [state, model]);

  return { state, submit };
}

const LOCAL_SAVE_DELAY_MS = 300;

/**
 * Keeps the answers while they are typed: in the browser at once (debounced briefly), on the
 * server (`saveServer`, where the route has one) after `serverDelay`; both at once on a page
 * change, when the tab is hidden or closed, and (with a server) when the browser is back online.
 * `onChange` may refuse a change (one the page made itself) by returning false.
 */
export function useAutosave(
  model: SurveyModel,
  {
    saveLocal,
    saveServer,
    serverDelay = 0,
    onChange,
  }: {
    saveLocal: () => void;
    saveServer?: () => unknown;
    serverDelay?: number;
    onChange?: (name: string) => boolean;
  },
) {
  useEffect(() => {
    let localTimer: ReturnType<typeof setTimeout> | undefined;
    let serverTimer: ReturnType<typeof setTimeout> | undefined;
    const flushLocal = () => {
      clearTimeout(localTimer);
      localTimer = undefined;
      saveLocal();
    };
    const flush = () => {
      clearTimeout(serverTimer);
      flushLocal();
      saveServer?.();
    };
    const changed = (_: SurveyModel, options: { name: string }) => {
      if (onChange && !onChange(options.name)) return;
      clearTimeout(localTimer);
      localTimer = setTimeout(flushLocal, LOCAL_SAVE_DELAY_MS);
      if (!saveServer) return;
      clearTimeout(serverTimer);
      serverTimer = setTimeout(() => void saveServer(), serverDelay);
    };
    const onVisibility = () => {
      if (document.visibilityState === 'hidden') flush();
    };
    model.onValueChanged.add(changed);
    model.onCurrentPageChanged.add(flush);
    document.addEventListener('visibilitychange', onVisibility);
    window.addEventListener('pagehide', flush);
    if (saveServer) window.addEventListener('online', flush);
    return () => {
      // What was typed just now stays in the browser; the server's save waits for the next page.
      if (localTimer !== undefined) flushLocal();
      clearTimeout(serverTimer);
      model.onValueChanged.remove(changed);
      model.onCurrentPageChanged.remove(flush);
      document.removeEventListener('visibilitychange', onVisibility);
      window.removeEventListener('pagehide', flush);
      if (saveServer) window.removeEventListener('online', flush);
    };
  }, [model, saveLocal, saveServer, serverDelay, onChange]);
}
