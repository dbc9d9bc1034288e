import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { SurveyModel } from 'survey-core';
import {
  draftConflictOf,
  openInvitation,
  saveInvitationDraft,
  submitInvitation,
  submittedAtOf,
  type InvitationView,
} from '../../api/admin';
import { ApiError, type SubmittedResponse } from '../../api/api';
import { ErrorNotice, isRetryable } from '../../components/ErrorNotice';
import { PageLoading } from '../../components/PageLoading';
import { PageHeading } from '../../components/PageHeading';
import { currentLocale } from '../../i18n';
import { formatDateTime, pick } from '../../lib/format';
import { useRequest } from '../../lib/useRequest';
import { SubmitStatus } from '../respond/SubmitStatus';
import { obstaclesNamed, PracticeSuggestions } from '../practices/PracticeSuggestions';
import { createSurvey } from '../respond/survey';
import { SurveyView } from '../respond/SurveyView';
import { useAutosave, useSubmitFlow } from '../respond/submitFlow';
import {
  clearInviteDraft,
  loadInviteDraft,
  mergeDrafts,
  newClientId,
  saveInviteDraft,
  type LocalInviteDraft,
} from '../respond/drafts';

const SERVER_SAVE_DELAY_MS = 1_500;
const SERVER_RETRY_MS = 10_000;

/** /i/:token — the official's personal link: municipality and region known, answers autosaved on the server. */
export default function InvitePage() {
  const { token = '' } = useParams();
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const view = useRequest((signal) => openInvitation(token, signal), token);
  // Set when this page learns the answers are in: `mine` when its own submission stored them.
  const [submitted, setSubmitted] = useState<{ at: string; mine: boolean; obstacles: string[] } | null>(null);

  if (view.status === 'loading') return <PageLoading label={t('admin.invite.loading')} />;
  if (view.status === 'error') {
    // Unknown (404) or malformed (400): the link itself is wrong, and asking again cannot help.
    const invalid = view.error instanceof ApiError && (view.error.status === 404 || view.error.status === 400);
    return (
      <section className="page page--narrow">
        <PageHeading title={invalid ? t('admin.invite.invalidTitle') : t('errors.title')}>
          {invalid ? t('admin.invite.invalidTitle') : t('errors.title')}
        </PageHeading>
        {invalid ? (
          <div className="notice notice--error" role="alert" data-testid="invite-invalid">
            <p>{t('admin.invite.invalidBody')}</p>
          </div>
        ) : (
          <ErrorNotice error={view.error} title={null} onRetry={isRetryable(view.error) ? view.reload : undefined} />
        )}
      </section>
    );
  }

  const v = view.data;
  const title = pick(v.wave.title, lng) || pick(v.questionnaire.title, lng) || v.wave.code;
  const done = submitted?.at ?? v.invitation.completedAt;

  return (
    <section className="page page--survey">
      <PageHeading title={title}>{title}</PageHeading>
      <InviteeCard view={v} />
      {submitted?.mine ? (
        <div className="notice notice--success confirmation" role="status" data-testid="submit-confirmation">
          <p className="notice__title">{t('respond.confirmationTitle')}</p>
          <p>{formatDateTime(submitted.at, lng)}</p>
          {/* Practices addressing the obstacles just named (only the codes are sent; nothing is stored). */}
          <PracticeSuggestions obstacles={submitted.obstacles} />
        </div>
      ) : done ? (
        <div className="notice notice--success" role="status" data-testid="already-submitted">
          <p className="notice__title">{t('admin.invite.alreadyTitle')}</p>
          <p>{t('admin.invite.alreadyBody', { date: formatDateTime(done, lng) })}</p>
        </div>
      ) : !v.wave.acceptsAnswers ? (
        <div className="notice notice--info" role="status" data-testid="wave-not-open">
          <p className="notice__title">{t('respond.notOpenTitle')}</p>
          <p>{t(`respond.notOpen.${v.wave.status === 'open' ? 'closed' : v.wave.status}`)}</p>
        </div>
      ) : (
        <InviteForm
          token={token}
          view={v}
          onSubmitted={(at, mine, obstacles = []) => setSubmitted({ at, mine, obstacles })}
        />
      )}
    </section>
  );
}

function InviteeCard({ view }: { view: InvitationView }) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  return (
    <div className="invitee" data-testid="invitee">
      <dl className="facts">
        <dt>{t('admin.invite.municipality')}</dt>
        <dd data-testid="invitee-municipality">{view.invitation.municipality.name}</dd>
        <dt>{t('admin.invite.region')}</dt>
        <dd data-testid="invitee-region">{pick(view.invitation.region.names, lng)}</dd>
      </dl>
      <p className="muted small">{t('admin.invite.fixedNote')}</p>
    </div>
  );
}

type Session = { model: SurveyModel; local: LocalInviteDraft; resumedAt: string | null };

/** The newer of this browser's copy and the server's (another device may have answered since). */
function openSession(view: InvitationView, locale: string): Session {
  const local = loadInviteDraft(view.invitation.id);
  const server = view.draft;
  const serverNewer = server && (!local || Date.parse(server.savedAt) > Date.parse(local.savedAt));
  const now = new Date().toISOString();
  const base: LocalInviteDraft = local ?? {
    clientId: newClientId(),
    startedAt: view.invitation.startedAt ?? now,
    data: {},
    pageNo: 0,
    savedAt: now,
  };
  const data = serverNewer ? server.answers : local ? local.data : {};
  const pageNo = serverNewer ? server.pageNo : (local?.pageNo ?? 0);
  const model = createSurvey(view.questionnaire.definition, { header: false });
  model.locale = locale;
  model.showCompletedPage = false;
  model.data = { ...view.prefill, ...data, ...view.fixedAnswers };
  // Known from the invitation: shown, not editable.
  for (const name of Object.keys(view.fixedAnswers)) {
    const q = model.getQuestionByValueName(name) ?? model.getQuestionByName(name);
    if (q) q.readOnly = true;
  }
  if (pageNo < model.visiblePageCount) model.currentPageNo = pageNo;
  const resumed = Object.keys(data).length > 0;
  return {
    model,
    local: { ...base, data, pageNo },
    resumedAt: resumed ? (serverNewer ? server.savedAt : local!.savedAt) : null,
  };
}

/** Puts `answers` in the form: sets what differs, clears what is no longer there. */
function showAnswers(model: SurveyModel, answers: Record<string, unknown>): void {
  const now = model.data as Record<string, unknown>;
  for (const name of Object.keys(now)) if (!(name in answers)) model.clearValue(name);
  for (const [name, value] of Object.entries(answers))
    if (JSON.stringify(now[name]) !== JSON.stringify(value)) model.setValue(name, value);
}

type SaveState = { phase: 'idle' } | { phase: 'saving' } | { phase: 'saved'; at: string } | { phase: 'failed' };

function InviteForm({
  token,
  view,
  onSubmitted,
}: {
  token: string;
  view: InvitationView;
  /** `mine`: this page's submission was stored; otherwise another tab or device submitted first. */
  onSubmitted: (date: string, mine: boolean, obstacles?: string[]) => void;
}) {
  const { t, i18n } = useTranslation();
  const lng = currentLocale(i18n.language);
  const [{ model, local, resumedAt }] = useState(() => openSession(view, lng));
  const [save, setSave] = useState<SaveState>({ phase: 'idle' });
  const submitted = useRef(false);
  const dirty = useRef(false);
  // The server's draft revision this page's next save builds on; one save in flight at a time.
  const revision = useRef(view.draft?.revision ?? 0);
  const inFlight = useRef(false);
  // Questions changed here since the last save the server confirmed (for merging on a conflict).
  const changedHere = useRef(new Set<string>());
  const merging = useRef(false);
  const invitationId = view.invitation.id;
  const definition = view.questionnaire.definition;

  const answers = useCallback(() => {
    const data = { ...(model.data as Record<string, unknown>) };
    for (const k of Object.keys(view.fixedAnswers)) delete data[k];
    return data;
  }, [model, view.fixedAnswers]);

  const saveLocal = useCallback(() => {
    if (submitted.current) return;
    saveInviteDraft(invitationId, {
      ...local,
      data: model.data as Record<string, unknown>,
      pageNo: model.currentPageNo,
      savedAt: new Date().toISOString(),
    });
  }, [invitationId, local, model]);

  // Another tab or device submitted first: this page shows the date of the one kept.
  const submittedElsewhere = useCallback(
    (date: string) => {
      submitted.current = true;
      clearInviteDraft(invitationId);
      onSubmitted(date, false);
    },
    [invitationId, onSubmitted],
  );

  const saveServer = useCallback(async () => {
    if (submitted.current || !dirty.current || inFlight.current) return;
    inFlight.current = true;
    dirty.current = false;
    const sent = new Set(changedHere.current);
    changedHere.current.clear();
    setSave({ phase: 'saving' });
    let failed = false;
    try {
      // A refused save (another tab or device saved first) is merged and saved again on the
      // server's revision; a few rounds at most.
      for (let round = 0; ; round++) {
        try {
          const saved = await saveInvitationDraft(token, {
            answers: answers(),
            pageNo: model.currentPageNo,
            locale: currentLocale(),
            baseRevision: revision.current,
          });
          revision.current = saved.revision;
          setSave({ phase: 'saved', at: saved.savedAt });
          return;
        } catch (err) {
          const current = draftConflictOf(err);
          if (!current || round >= 3) throw err;
          revision.current = current.revision;
          const mine = model.data as Record<string, unknown>;
          const merged = mergeDrafts(current.answers, mine, [...sent, ...changedHere.current]);
          merging.current = true; // the merged answers are not edits made here
          try {
            showAnswers(model, { ...merged, ...view.fixedAnswers });
          } finally {
            merging.current = false;
          }
          saveLocal();
        }
      }
    } catch (err) {
      const date = submittedAtOf(err);
      if (date) {
        submittedElsewhere(date);
        return;
      }
      for (const name of sent) changedHere.current.add(name);
      failed = true; // retried by the effect below, a little later
      dirty.current = true; // try again later: nothing typed is lost (the browser copy is there)
      setSave({ phase: 'failed' });
    } finally {
      inFlight.current = false;
      // Changes typed while this save was on its way go in the next one.
      if (!failed && dirty.current && !submitted.current) setTimeout(() => void saveServer(), SERVER_SAVE_DELAY_MS);
    }
  }, [token, answers, model, submittedElsewhere, saveLocal, view.fixedAnswers]);

  const { state, submit } = useSubmitFlow({
    code: view.wave.code,
    model,
    definition,
    attempt: local,
    submittedRef: submitted,
    keepDraft: saveLocal,
    send: (body) => submitInvitation(token, body),
    onSubmitted: (result: SubmittedResponse) => {
      clearInviteDraft(invitationId);
      onSubmitted(result.submittedAt, true, obstaclesNamed(definition, model.data as Record<string, unknown>));
    },
  });

  // The loser of two submissions (another tab or device) sees the date of the one kept.
  useEffect(() => {
    if (state.phase !== 'rejected') return;
    const date = submittedAtOf(state.error);
    if (date) submittedElsewhere(date);
  }, [state, submittedElsewhere]);

  // Changes the page makes itself (merged answers) are not edits made here.
  const changed = useCallback((name: string) => {
    if (merging.current) return false;
    changedHere.current.add(name);
    dirty.current = true;
    return true;
  }, []);
  useAutosave(model, { saveLocal, saveServer, serverDelay: SERVER_SAVE_DELAY_MS, onChange: changed });

  useEffect(() => {
    if (save.phase !== 'failed') return;
    const timer = setTimeout(() => void saveServer(), SERVER_RETRY_MS);
    return () => clearTimeout(timer);
  }, [save, saveServer]);

  return (
    <>
      {resumedAt && (
        <div className="notice notice--info" role="status" data-testid="resumed">
          <p>{t('admin.invite.resumed', { date: formatDateTime(resumedAt, lng) })}</p>
        </div>
      )}
      <div className={`autosave autosave--${save.phase}`} aria-live="polite" data-testid="autosave">
        {save.phase === 'saving' && t('admin.invite.saving')}
        {save.phase === 'saved' && t('admin.invite.saved', { time: new Date(save.at).toLocaleTimeString(lng) })}
        {save.phase === 'idle' && t('admin.invite.savedLocal')}
        {save.phase === 'failed' && (
          <>
            <span role="alert">{t('admin.invite.saveFailed')}</span>{' '}
            <button
              type="button"
              className="button button--small"
              onClick={() => {
                dirty.current = true;
                void saveServer();
              }}
            >
              {t('admin.invite.saveNow')}
            </button>
          </>
        )}
      </div>
      <SubmitStatus state={state} model={model} onRetryNow={() => void submit()} />
      <SurveyView model={model} heading={pick(view.wave.title, lng) || pick(view.questionnaire.title, lng)} />
    </>
  );
}
