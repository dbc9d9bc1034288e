import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { SurveyModel } from 'survey-core';
import { ApiError, getWave, type SubmittedResponse, type Wave } from '../../api/api';
import { ErrorNotice, isRetryable } from '../../components/ErrorNotice';
import { PageLoading } from '../../components/PageLoading';
import { PageHeading } from '../../components/PageHeading';
import { currentLocale } from '../../i18n';
import { formatDate, formatDateTime, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import {
  clearDraft,
  loadDraft,
  loadLastSubmission,
  newDraft,
  saveDraft,
  saveLastSubmission,
  type Draft,
} from './drafts';
import { SubmitStatus } from './SubmitStatus';
import { obstaclesNamed, PracticeSuggestions } from '../practices/PracticeSuggestions';
import { createSurvey, hasCompletedHtml, setSurveyLocale } from './survey';
import { SurveyView } from './SurveyView';
import { useAutosave, useSubmitFlow } from './submitFlow';
import { dropPrerender } from './prerender';
import { takePrefetchedWave } from './wavePrefetch';

/** The notice for a wave the server does not show on its public address (null for other errors). */
function waveUnavailable(error: unknown) {
  if (!(error instanceof ApiError)) return null;
  if (error.code === 'invitation_required')
    return {
      title: 'respond.invitationOnlyTitle',
      body: 'respond.invitationOnly',
      testId: 'wave-invitation-only',
    } as const;
  if (error.code === 'wave_closed')
    return { title: 'respond.notOpenTitle', body: 'respond.notOpen.closed', testId: 'wave-not-open' } as const;
  return null;
}

/** /w/:code — the official answers the wave's questionnaire. */
export default function RespondPage() {
  const { code = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const wave = useRequest((signal) => takePrefetchedWave(code) ?? getWave(code, signal), code);
  // Bumped by "Start over": a fresh form, draft and client id.
  const [attempt, setAttempt] = useState(0);
  // The server's preview of the first page gives way once the form or a notice is in the DOM
  // (before the browser paints it, so the two never show together).
  useLayoutEffect(() => {
    if (wave.status !== 'loading') dropPrerender();
  }, [wave.status]);

  if (wave.status === 'loading') return <PageLoading label={t('respond.loading')} />;
  if (wave.status === 'error') {
    const unavailable = waveUnavailable(wave.error);
    if (unavailable) {
      // What the server says of a wave the public may not open: no title, no questionnaire.
      return (
        <ClosedNotice title={t(unavailable.title)} testId={unavailable.testId}>
          <p>{t(unavailable.body)}</p>
        </ClosedNotice>
      );
    }
    return (
      <section className="page">
        <PageHeading title={t('errors.title')}>{t('errors.title')}</PageHeading>
        <ErrorNotice error={wave.error} title={null} onRetry={isRetryable(wave.error) ? wave.reload : undefined} />
      </section>
    );
  }

  const w = wave.data;
  const title = pick(w.title, lng) || pick(w.questionnaire.title, lng) || w.code;

  if (w.status !== 'open') {
    return (
      <ClosedNotice title={title} testId="wave-not-open">
        <p className="notice__title">{t('respond.notOpenTitle')}</p>
        <p>{t(`respond.notOpen.${w.status}`)}</p>
        {w.status === 'draft' && w.opensAt && <p>{t('respond.opensAt', { date: formatDate(w.opensAt, lng) })}</p>}
      </ClosedNotice>
    );
  }

  return (
    <section className="page page--survey">
      <PageHeading title={title}>{title}</PageHeading>
      <SurveyForm
        key={`${w.code}:${attempt}`}
        wave={w}
        heading={title}
        onStartOver={() => {
          clearDraft(w.code);
          setAttempt((n) => n + 1);
        }}
      />
    </section>
  );
}

/** A wave that takes no answers here: its notice and the way back to the list. */
function ClosedNotice({ title, testId, children }: { title: string; testId: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <section className="page page--narrow">
      <PageHeading title={title}>{title}</PageHeading>
      <div className="notice notice--info" role="status" data-testid={testId}>
        {children}
      </div>
      <p>
        <Link to="/">{t('respond.backToList')}</Link>
      </p>
    </section>
  );
}

type Session = { model: SurveyModel; draft: Draft; restored: boolean };

function openSession(wave: Wave, locale: string): Session {
  const { key, version, definition } = wave.questionnaire;
  const saved = loadDraft(wave.code, { key, version });
  const draft = saved ?? newDraft({ key, version });
  const model = createSurvey(definition, { header: false });
  model.locale = locale;
  model.showCompletedPage = false; // our confirmation replaces the form
  const restored = Object.keys(draft.data).length > 0;
  if (restored) {
    model.data = draft.data;
    if (draft.pageNo < model.visiblePageCount) model.currentPageNo = draft.pageNo;
  }
  return { model, draft, restored };
}

function SurveyForm({ wave, heading, onStartOver }: { wave: Wave; heading: string; onStartOver: () => void }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const [{ model, draft, restored }] = useState(() => openSession(wave, lng));
  const [lastSubmission] = useState(() => loadLastSubmission(wave.code));
  // Set once the server has stored the answers.
  const submitted = useRef(false);
  // Set when this attempt is abandoned ("Start over"): its last autosave must not resurrect it.
  const discarded = useRef(false);
  const { definition } = wave.questionnaire;

  const persist = useCallback(() => {
    if (submitted.current || discarded.current) return;
    saveDraft(wave.code, { ...draft, data: model.data as Record<string, unknown>, pageNo: model.currentPageNo });
  }, [wave.code, draft, model]);

  const { state, submit } = useSubmitFlow({
    code: wave.code,
    model,
    definition,
    attempt: draft,
    submittedRef: submitted,
    keepDraft: persist,
    onSubmitted: (result: SubmittedResponse) => {
      clearDraft(wave.code, draft.clientId);
      saveLastSubmission(wave.code, result);
    },
  });
  useAutosave(model, { saveLocal: persist });

  if (state.phase === 'done') {
    // The questionnaire's own thank-you text (localised by SurveyJS, trusted like the rest of the
    // definition, which SurveyJS renders as HTML too), or ours.
    setSurveyLocale(model, lng); // idempotent; the locale effect runs only after this render
    const completedHtml = hasCompletedHtml(definition) ? model.processedCompletedHtml : '';
    return (
      <Confirmation
        result={state.result}
        completedHtml={completedHtml}
        obstacles={obstaclesNamed(definition, model.data as Record<string, unknown>)}
      />
    );
  }

  return (
    <>
      {restored ? (
        <div className="notice notice--info notice--row">
          <p>{t('respond.restored')}</p>
          <button
            type="button"
            className="button button--small"
            onClick={() => {
              if (!window.confirm(t('respond.startOverConfirm'))) return;
              discarded.current = true;
              onStartOver();
            }}
          >
            {t('respond.startOver')}
          </button>
        </div>
      ) : (
        lastSubmission && (
          <div className="notice notice--info">
            <p>{t('respond.alreadySubmitted', { date: formatDateTime(lastSubmission.submittedAt, lng) })}</p>
          </div>
        )
      )}
      <SubmitStatus state={state} model={model} onRetryNow={() => void submit()} />
      <SurveyView model={model} heading={heading} />
    </>
  );
}

function Confirmation({
  result,
  completedHtml,
  obstacles,
}: {
  result: SubmittedResponse;
  completedHtml: string;
  obstacles: string[];
}) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div
      ref={ref}
      tabIndex={-1}
      className="notice notice--success confirmation"
      role="status"
      data-testid="submit-confirmation"
    >
      {completedHtml ? (
        <div className="completed-html" dangerouslySetInnerHTML={{ __html: completedHtml }} />
      ) : (
        <p className="notice__title">{t('respond.confirmationTitle')}</p>
      )}
      <p>{t('respond.confirmationMeta', { id: result.id, date: formatDateTime(result.submittedAt, lng) })}</p>
      <PracticeSuggestions obstacles={obstacles} />
      <p>
        <Link to="/">{t('respond.backToList')}</Link>
      </p>
    </div>
  );
}
