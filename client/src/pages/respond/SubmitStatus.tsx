import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { SurveyModel } from 'survey-core';
import { ApiError, apiErrorMessageKey, type InvalidParam } from '../../api/api';
import type { SubmitState } from './submitFlow';

const KNOWN_REASONS = ['required', 'invalid', 'wrong_type', 'unknown_question', 'unsafe_key'] as const;
type KnownReason = (typeof KNOWN_REASONS)[number];
const isKnownReason = (code: string | undefined): code is KnownReason => KNOWN_REASONS.includes(code as KnownReason);

/** The server's reason for one refused answer, in the user's language when we know its code. */
export function reasonText(t: TFunction, param: InvalidParam): string {
  return isKnownReason(param.code) ? t(`respond.reason.${param.code}`) : param.reason;
}

type Props = { state: SubmitState; model: SurveyModel; onRetryNow: () => void };

/** What happened to "Complete": sending, retrying after a network failure, or refused. */
export function SubmitStatus({ state, model, onRetryNow }: Props) {
  const { t } = useTranslation();

  if (state.phase === 'idle' || state.phase === 'done') return null;

  if (state.phase === 'sending' && !state.previous) {
    return (
      <p className="notice notice--info loading" role="status">
        <span className="spinner" aria-hidden="true" />
        {t('respond.submitting')}
      </p>
    );
  }

  if (state.phase === 'waiting' || state.phase === 'sending') {
    const error = state.phase === 'waiting' ? state.error : state.previous!;
    return (
      <Banner
        kind="transient"
        title={error.kind === 'network' ? t('respond.networkTitle') : t('respond.serverTitle')}
        body={
          <>
            {error.kind !== 'network' && <p>{t(apiErrorMessageKey(error))}</p>}
            <p>{t('respond.networkBody')}</p>
          </>
        }
      >
        <p className="notice__meta">
          {state.phase === 'waiting' ? <Countdown until={state.retryAt} /> : t('respond.retrying')}
        </p>
        <button type="button" className="button" onClick={onRetryNow} disabled={state.phase === 'sending'}>
          {t('respond.retryNow')}
        </button>
      </Banner>
    );
  }

  const error = state.error;
  if (error instanceof ApiError && error.status === 422 && error.invalidParams.length > 0) {
    return (
      <Banner
        kind="validation"
        title={t('respond.validationTitle')}
        body={
          <>
            <p>{t('respond.validationIntro')}</p>
            <ul className="invalid-list">
              {error.invalidParams.map((p, i) => {
                const question = model.getQuestionByName(p.name);
                const title = question?.processedTitle;
                return (
                  <li key={`${p.name}-${i}`}>
                    <strong>{title || p.name}</strong>
                    {title && title !== p.name && <span className="muted"> ({p.name})</span>}: {reasonText(t, p)}
                    {question && (
                      <>
                        {' '}
                        <button type="button" className="link-button" onClick={() => model.focusQuestion(p.name)}>
                          {t('respond.goToQuestion')}
                        </button>
                      </>
                    )}
                  </li>
                );
              })}
            </ul>
          </>
        }
      />
    );
  }

  if (error instanceof ApiError && error.code === 'wave_not_open') {
    return <Banner kind="closed" title={t('respond.closedTitle')} body={<p>{t('respond.closedBody')}</p>} />;
  }

  return (
    <Banner
      kind="other"
      title={t('respond.otherTitle')}
      body={
        <>
          <p>{t(apiErrorMessageKey(error))}</p>
          {error instanceof ApiError && error.requestId && (
            <p className="notice__meta">{t('errors.requestId', { id: error.requestId })}</p>
          )}
        </>
      }
    >
      <button type="button" className="button" onClick={onRetryNow}>
        {t('errors.retry')}
      </button>
    </Banner>
  );
}

/**
 * The error banner. Focused when it appears so the respondent notices it; only the message is
 * a live region (the countdown below it would otherwise be announced every second).
 */
function Banner({
  kind,
  title,
  body,
  children,
}: {
  kind: string;
  title: string;
  body: ReactNode;
  children?: ReactNode;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div ref={ref} tabIndex={-1} className="notice notice--error" data-testid="submit-error" data-kind={kind}>
      <div role="alert">
        <p className="notice__title">{title}</p>
        {body}
      </div>
      {children}
    </div>
  );
}

function Countdown({ until }: { until: number }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return <>{t('respond.retryIn', { seconds: Math.max(0, Math.ceil((until - now) / 1000)) })}</>;
}
