// The official's side of an invitation link: open it (questionnaire, fixed municipality and
// region, saved draft), autosave the draft, submit exactly once.
//
// Exactly one completed response per invitation, without transactions:
//   1. claim: one conditional update sets `submission = { clientId, at }` on the invitation only
//      if it is not completed and nobody holds a claim (or the claim is this clientId's own);
//   2. store: the response is upserted by _id = clientId (responses.service: a replay stores nothing new);
//   3. complete: one conditional update (still claimed by this clientId) sets completedAt, drops
//      the draft and the claim, and for anonymous waves keeps no response id.
// A second submitter (another tab or device with another clientId) fails step 1 and gets 409
// "already submitted" with the date. Crash between 1 and 2 or between 2 and 3: the official's
// retry carries the same clientId (kept in the browser until the server confirms), finds its own
// claim (or its stored response) and finishes steps 2–3. If that browser never comes back, the
// claim goes stale after CLAIM_STALE_MS and another submitter may take it over — but only after
// checking that the stale claimer's response was never stored (if it was, that response wins and
// the invitation is completed with it). A request that has held its claim for longer than
// CLAIM_DEADLINE_MS gives up before storing, so a stale claim's owner can no longer be storing
// when someone takes it over: two stored responses for one invitation cannot happen.
// We claim before storing (rather than store, then mark) so the losing submitter never leaves a
// response behind that would have to be deleted — and un-counted from the tallies.
import type { Question, ItemValue } from 'survey-core';
import { AppError, ConflictError, ServiceUnavailableError, ValidationError } from '../http/errors';
import { createModel } from '../questionnaires/survey-model';
import { roleOf as roleOfValueName } from '../questionnaires/roles';
import { unsafeKeys } from '../questionnaires/answers';
import type { QuestionnaireVersion } from '../questionnaires/questionnaires.service';
import { assertAcceptsAnswers, acceptsAnswers, getWaveWithQuestionnaire, type Wave } from '../waves/waves.service';
import { findRegion, sizeClasses, type Localized } from '../reference/reference.service';
import type { InvitationDoc, Municipality } from '../invitations/invitations.service';
import {
  claimSubmission,
  completeSubmission,
  InvitationLinkError,
  readInvitation,
  resolveToken,
  storeDraft,
} from '../invitations/invitation-respondent.service';
import { checkSubmission, findSubmission, submitResponse, type Submitted } from './responses.service';
import type { SaveDraftBody, SubmitResponseBody } from './responses.schema';

export const CLAIM_STALE_MS = 10 * 60_000;
export const CLAIM_DEADLINE_MS = 60_000;
const MAX_DRAFT_CHARS = 200_000;

export class AlreadySubmittedError extends AppError {
  constructor(submittedAt: Date) {
    super(
      409,
      'Conflict',
      'already_submitted',
      `Answers for this invitation were already submitted on ${submittedAt.toISOString()}.`,
      undefined,
      { submittedAt: submittedAt.toISOString() },
    );
  }
}

type Answers = Record<string, unknown>;

/**
 * Answers the invitation already knows. `fixed`: region, municipality and the country that
 * narrows the region list — shown read-only and enforced on submit. `prefill`: municipality type
 * and size class, a starting point the official may correct.
 */
export function answersFromInvitation(
  questionnaire: Pick<QuestionnaireVersion, 'definition' | 'roles'>,
  m: Municipality,
): { fixed: Answers; prefill: Answers } {
  const model = createModel(questionnaire.definition);
  const questions = model.getAllQuestions(false, false, false) as Question[];
  const roleOf = (q: Question) => roleOfValueName(questionnaire.roles, q.getValueName());
  const choicesOf = (q: Question) => (q as unknown as { choices?: ItemValue[] }).choices;
  const allows = (q: Question, v: unknown) => {
    const choices = choicesOf(q);
    return !Array.isArray(choices) || choices.length === 0 || choices.some((c) => c.value === v);
  };
  const region = findRegion(m.regionCode);
  const fixed: Answers = {};
  const prefill: Answers = {};
  const hasCountryRole = questions.some((q) => roleOf(q) === 'country');
  for (const q of questions) {
    const role = roleOf(q);
    const name = q.getValueName();
    if (name in fixed || name in prefill) continue;
    if (role === 'region' && allows(q, m.regionCode)) fixed[name] = m.regionCode;
    else if (role === 'municipality') {
      if (allows(q, m.name)) fixed[name] = m.name;
      else if (allows(q, m.id)) fixed[name] = m.id;
    } else if (
      region &&
      (role === 'country' || (!hasCountryRole && !role && name === 'country')) &&
      Array.isArray(choicesOf(q)) &&
      allows(q, region.country)
    ) {
      fixed[name] = region.country;
    } else if (role === 'municipalityType' && allows(q, m.type)) prefill[name] = m.type;
    else if (role === 'sizeClass' && m.population !== null) {
      const cls = sizeClasses.find((c) => m.population! >= c.min && (c.max === null || m.population! <= c.max));
      if (cls && allows(q, cls.code)) prefill[name] = cls.code;
    }
  }
  return { fixed, prefill };
}

export type InvitationView = {
  invitation: {
    id: string;
    status: InvitationDoc['status'];
    startedAt: Date | null;
    completedAt: Date | null;
    municipality: Municipality;
    region: { code: string; names: Localized };
  };
  wave: Wave & { acceptsAnswers: boolean };
  questionnaire: QuestionnaireVersion;
  fixedAnswers: Answers;
  prefill: Answers;
  draft: { answers: Answers; pageNo: number; locale: string | null; savedAt: Date; revision: number } | null;
};

export type CurrentDraft = {
  answers: Answers;
  pageNo: number;
  locale: string | null;
  savedAt: string | null;
  revision: number;
};

/** A save based on a revision that is no longer the current one; carries the current draft. */
export class DraftConflictError extends AppError {
  constructor(current: CurrentDraft) {
    super(
      409,
      'Conflict',
      'draft_conflict',
      `The draft was saved meanwhile (revision ${current.revision}); this save was based on an older one.`,
      undefined,
      { draft: current },
    );
  }
}

async function load(token: string) {
  const { invitation, hash } = await resolveToken(token);
  const { wave, questionnaire } = await getWaveWithQuestionnaire(invitation.waveCode);
  const { fixed, prefill } = answersFromInvitation(questionnaire, invitation.municipality);
  return { inv: invitation, hash, wave, questionnaire, fixed, prefill };
}

function parseDraft(json: string | null): Answers | null {
  if (!json) return null;
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Answers) : null;
  } catch {
    return null;
  }
}

export async function openInvitation(token: string): Promise<InvitationView> {
  const { inv, wave, questionnaire, fixed, prefill } = await load(token);
  const answers = parseDraft(inv.draftJson);
  const m = inv.municipality;
  return {
    invitation: {
      id: inv._id,
      status: inv.status,
      startedAt: inv.startedAt ?? null,
      completedAt: inv.completedAt ?? null,
      municipality: m,
      region: {
        code: m.regionCode,
        names: findRegion(m.regionCode)?.names ?? { ru: m.regionCode, en: m.regionCode, uk: m.regionCode },
      },
    },
    wave: { ...wave, acceptsAnswers: acceptsAnswers(wave).ok },
    questionnaire,
    fixedAnswers: fixed,
    prefill,
    draft:
      answers && inv.draftSavedAt && !inv.completedAt
        ? {
            answers: { ...answers, ...fixed },
            pageNo: inv.draftPageNo ?? 0,
            locale: inv.draftLocale ?? null,
            savedAt: inv.draftSavedAt,
            revision: inv.draftRevision ?? 0,
          }
        : null,
  };
}

/**
 * Autosave: the answers so far (not validated beyond being storable), with the fixed ones
 * enforced, on top of `body.baseRevision`. A save based on an older revision (it arrived late,
 * or another tab or device saved meanwhile) is refused with 409 `draft_conflict` carrying the
 * current draft, so an old save can never overwrite newer answers.
 */
export async function saveInvitationDraft(
  token: string,
  body: SaveDraftBody,
  now = new Date(),
): Promise<{ savedAt: Date; revision: number }> {
  const { inv, hash, wave, fixed } = await load(token);
  if (inv.completedAt) throw new AlreadySubmittedError(inv.completedAt);
  assertAcceptsAnswers(wave, now);
  const bad = unsafeKeys(body.answers);
  if (bad.length) {
    throw new ValidationError(
      'Some answer names cannot be stored.',
      bad.map((name) => ({ name, reason: 'this key is not allowed', code: 'unsafe_key' })),
      'invalid_answers',
    );
  }
  const json = JSON.stringify({ ...body.answers, ...fixed });
  if (json.length > MAX_DRAFT_CHARS) {
    throw new AppError(413, 'Content Too Large', 'draft_too_large', 'The draft is too large to save.');
  }
  const saved = await storeDraft(
    inv,
    hash,
    { json, pageNo: body.pageNo, locale: body.locale, baseRevision: body.baseRevision },
    now,
  );
  if (!saved) {
    const after = await readInvitation(inv._id);
    if (after?.completedAt) throw new AlreadySubmittedError(after.completedAt);
    if (!after || after.tokenHash !== hash) throw new InvitationLinkError();
    throw new DraftConflictError({
      answers: { ...(parseDraft(after.draftJson) ?? {}), ...fixed },
      pageNo: after.draftPageNo ?? 0,
      locale: after.draftLocale ?? null,
      savedAt: after.draftSavedAt ? after.draftSavedAt.toISOString() : null,
      revision: after.draftRevision ?? 0,
    });
  }
  return { savedAt: now, revision: saved.draftRevision ?? body.baseRevision + 1 };
}

/**
 * This submission's own outcome, if the invitation shows it: completed with this clientId's
 * response (any response, for anonymous waves, which keep no link — the response with this
 * clientId exists, so it is this submission), or still claimed by this clientId (a twin request
 * of this very submission is between steps; finish step 3 for it).
 */
async function ownOutcome(
  inv: InvitationDoc,
  clientId: string,
  mine: Submitted,
  anonymous: boolean,
): Promise<Submitted | undefined> {
  if (inv.completedAt) return anonymous || inv.responseId === clientId ? mine : undefined;
  if (inv.submission?.clientId === clientId) {
    await completeSubmission(inv, clientId, mine.submittedAt, anonymous);
    return mine;
  }
  return undefined;
}

/** Looks for this clientId's stored response and whether the invitation was completed with it. */
async function findOwn(inv: InvitationDoc, clientId: string, waveCode: string, anonymous: boolean) {
  const mine = await findSubmission(clientId, waveCode);
  if (!mine) return undefined;
  const outcome =
    (await ownOutcome(inv, clientId, mine, anonymous)) ??
    // The invitation was read before a twin request claimed or completed it: look again.
    (await readInvitation(inv._id).then((again) => again && ownOutcome(again, clientId, mine, anonymous)));
  if (outcome) return outcome;
  throw new ConflictError(
    'client_id_conflict',
    'This clientId was already used for another response; generate a new one.',
  );
}

/**
 * Submits through the invitation. Retries of one submission (same clientId) — sequential or all
 * at once — all answer with the one stored response (201 for the request that stored it, 200 for
 * the others); a different submission on a completed invitation gets 409 already_submitted.
 */
export async function submitViaInvitation(
  token: string,
  input: SubmitResponseBody,
  now = new Date(),
): Promise<Submitted> {
  const { invitation: first, hash } = await resolveToken(token);
  const { wave, questionnaire } = await getWaveWithQuestionnaire(first.waveCode);
  const anonymous = wave.anonymous;
  const clientId = input.clientId;

  // A retry of this very submission (the answer got lost, or a crash came between the steps):
  // finish what is left and answer as the first time did — before any costly checking.
  const done = await findOwn(first, clientId, wave.code, anonymous);
  if (done) return done;
  if (first.completedAt) throw new AlreadySubmittedError(first.completedAt);
  assertAcceptsAnswers(wave, now);
  const { fixed } = answersFromInvitation(questionnaire, first.municipality);
  const answers = { ...input.answers, ...fixed };
  // The region is the invitation's, whether or not the questionnaire asks for it.
  const regionCode = first.municipality.regionCode;
  checkSubmission(questionnaire, answers, { regionCode }); // 422 before any claim

  // 1. Claim (or find our own claim, or take over a stale one).
  const t0 = Date.now();
  let inv = first;
  let claimed = false;
  for (let attempt = 0; attempt < 6 && !claimed; attempt++) {
    if (inv.completedAt) {
      // Completed meanwhile: by this very submission (a twin request), or by another one.
      const own = await findOwn(inv, clientId, wave.code, anonymous);
      if (own) return own;
      throw new AlreadySubmittedError(inv.completedAt);
    }
    const claim = inv.submission;
    if (claim && claim.clientId === clientId) {
      // A twin request of this submission holds the claim. Fresh enough that nobody can take it
      // over while we store: go on under it (storing and completing are idempotent). Older (a
      // retry after a crash): refresh it first.
      if (now.getTime() - new Date(claim.at).getTime() <= CLAIM_DEADLINE_MS) {
        claimed = true;
        break;
      }
    } else if (claim) {
      if (now.getTime() - new Date(claim.at).getTime() <= CLAIM_STALE_MS)
        throw new AlreadySubmittedError(new Date(claim.at));
      const theirs = await findSubmission(claim.clientId, wave.code);
      if (theirs) {
        await completeSubmission(inv, claim.clientId, theirs.submittedAt, anonymous);
        throw new AlreadySubmittedError(theirs.submittedAt);
      }
    }
    claimed = await claimSubmission(inv, hash, clientId, now, claim ?? undefined);
    if (claimed) break;
    const again = await readInvitation(inv._id);
    if (!again || again.tokenHash !== hash) throw new InvitationLinkError();
    inv = again;
  }
  if (!claimed)
    throw new ConflictError('invitation_busy', 'The invitation is being submitted from elsewhere; try again.');
  if (Date.now() - t0 > CLAIM_DEADLINE_MS) {
    // Too slow to be sure nobody takes the claim over while we store: let the client retry.
    throw new ServiceUnavailableError('The submission took too long; it will be retried.');
  }

  // 2. Store (idempotent by clientId; updates the tallies).
  const stored = await submitResponse(wave.code, { ...input, answers }, now, {
    invitationId: anonymous ? null : inv._id,
    regionCode,
  });

  // 3. Complete.
  if (!(await completeSubmission(inv, clientId, stored.submittedAt, anonymous))) {
    // Not ours to complete any more: a parallel request with the same clientId (two tabs of one
    // browser, or retries sent at once) completed it first. Nobody else can have taken a claim this fresh.
    const after = await readInvitation(inv._id);
    if (!after?.completedAt) throw new ConflictError('invitation_busy', 'The invitation changed meanwhile; try again.');
  }
  return stored;
}
