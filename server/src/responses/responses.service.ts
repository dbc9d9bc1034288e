// submitResponse: load wave (cached) → assert open → validate answers → store once (insert, `_id` = clientId) → { id }.
import { AppError, ConflictError, NotFoundError, ValidationError } from '../http/errors';
import { ResponseModel } from './response.model';
import {
  assertAcceptsAnswers,
  getWaveWithQuestionnaire,
  InvitationRequiredError,
  type Wave,
} from '../waves/waves.service';
import type { QuestionnaireVersion } from '../questionnaires/questionnaires.service';
import { checkAnswers } from '../questionnaires/answers';
import type { SubmitResponseBody } from './responses.schema';
import { roleValues, type Roles } from '../questionnaires/roles';
import { isDuplicateKey } from '../analytics/guarded-batch';
import { keepTally } from '../analytics/counters.service';
import { keyed } from '../db/schema';

type Dimensions = {
  regionCode: string;
  municipality: string;
  municipalityType: string;
  sizeClass: string;
  respondentRole: string;
  obstacles: string[];
};

/** Reads the analysis dimensions from the questions given those roles (stored with the version). */
export function dimensionsOf(roles: Roles, answers: Record<string, unknown>): Dimensions {
  const byRole = roleValues(roles, answers);
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  const obstacles = byRole.obstacles;
  return {
    regionCode: str(byRole.region),
    municipality: str(byRole.municipality).trim(),
    municipalityType: str(byRole.municipalityType),
    sizeClass: str(byRole.sizeClass),
    respondentRole: str(byRole.respondentRole),
    obstacles: Array.isArray(obstacles) ? obstacles.map(String) : [],
  };
}

export type Submitted = { id: string; submittedAt: Date; created: boolean };

export type SubmissionContext = {
  /** The region of the invitation: it wins over any answer (invitation waves). */
  regionCode?: string;
  /** The wave has no regional breakdown: answers without a region are accepted. */
  noRegionalBreakdown?: boolean;
};

/** Validates a complete answer set (422 listing every problem); returns the answers kept and their dimensions. */
export function checkSubmission(
  questionnaire: Pick<QuestionnaireVersion, 'definition' | 'roles'>,
  input: Record<string, unknown>,
  context: SubmissionContext = {},
): { answers: Record<string, unknown>; dims: Dimensions } {
  const { problems, answers } = checkAnswers(questionnaire.definition, input);
  if (problems.length) {
    throw new ValidationError(`${problems.length} answer(s) need attention.`, problems, 'invalid_answers');
  }
  const dims = dimensionsOf(questionnaire.roles, answers);
  if (context.regionCode) dims.regionCode = context.regionCode;
  if (!dims.regionCode && !context.noRegionalBreakdown) {
    const question = questionnaire.roles.region;
    throw new ValidationError(
      question
        ? 'The region is not known: answer the region question.'
        : 'The region is not known: this questionnaire has no region question and the wave has a regional breakdown.',
      [{ name: question ?? 'region', reason: 'a region is required', code: 'required' }],
      'invalid_answers',
    );
  }
  return { answers, dims };
}

/**
 * `via` is set by the invitation flow (responses/invitation-responses.service.ts), which has
 * checked the link; without it this is the public link, refused for invitation-only waves.
 * `via.invitationId` is null for anonymous waves: no link from the response to the invitation.
 */
export async function submitResponse(
  waveCode: string,
  input: SubmitResponseBody,
  now = new Date(),
  via?: { invitationId: string | null; regionCode?: string },
): Promise<Submitted> {
  // The wave comes from the per-process cache (waves/wave-cache.ts), and the response is written
  // with an insert without reading it first: on the happy path the request makes one round trip
  // to the store (the insert); its counting follows (counters.service.ts), the rate limiter's
  // hits are written later too (http/rate-limit.ts)
  // (test/integration/submission-round-trips.test.ts).
  let wave: Wave;
  let questionnaire: QuestionnaireVersion;
  try {
    ({ wave, questionnaire } = await getWaveWithQuestionnaire(waveCode, { cached: true }));
    // The public link of a draft or archived wave does not exist for anyone outside (404, as GET).
    if (!via && (wave.status === 'draft' || wave.status === 'archived')) throw new NotFoundError('wave', wave.code);
    if (!via && wave.access === 'invitation') throw new InvitationRequiredError(wave.code);
    assertAcceptsAnswers(wave, now);
  } catch (err) {
    // A retry of a submission already stored answers the same, even if the wave closed since.
    if (err instanceof AppError) {
      const previous = await findSubmission(input.clientId, waveCode);
      if (previous) return previous;
    }
    throw err;
  }

  const { answers, dims } = checkSubmission(questionnaire, input.answers, {
    regionCode: via?.regionCode,
    noRegionalBreakdown: wave.noRegionalBreakdown,
  });

  try {
    // Inserted, not upserted: a retry of the same clientId meets a duplicate key and is read back
    // below (an upsert made the store look the `_id` up first, for every submission: +30 % of the
    // store's CPU of an insert). Through the driver's collection: the document is built here whole
    // (every field the schema would default is set), so mongoose's casting and copying of the
    // answers is not needed.
    await keyed(ResponseModel).insertOne({
      _id: input.clientId,
      waveCode: wave.code,
      questionnaireId: questionnaire.id,
      status: 'complete',
      answers,
      ...dims,
      locale: input.locale,
      startedAt: input.startedAt ? new Date(input.startedAt) : null,
      submittedAt: now,
      invitationId: via?.invitationId ?? null,
      talliedAt: null,
    });
  } catch (err) {
    // A retry, or two instances inserting the same clientId at once: a duplicate key (E11000 on
    // MongoDB and FerretDB alike). The document is there: this same submission, answered as for a
    // retry. Any other error (the store away) goes up as it is, without another round trip.
    if (!isDuplicateKey(err)) throw err;
    const raced = await findSubmission(input.clientId, waveCode);
    if (raced) return raced;
    throw err;
  }
  // Update the kept tally counts (idempotent; a failure is caught up later, see counters.service).
  await keepTally({
    _id: input.clientId,
    waveCode: wave.code,
    questionnaireId: questionnaire.id,
    regionCode: dims.regionCode,
    municipalityType: dims.municipalityType,
    sizeClass: dims.sizeClass,
    respondentRole: dims.respondentRole,
    status: 'complete',
    answers,
    municipality: dims.municipality,
    invitationId: via?.invitationId ?? null,
    submittedAt: now,
  });
  return { id: input.clientId, submittedAt: now, created: true };
}

export async function findSubmission(clientId: string, waveCode: string): Promise<Submitted | undefined> {
  const doc = await ResponseModel.findById(clientId, { waveCode: 1, submittedAt: 1 }).lean<{
    _id: string;
    waveCode: string;
    submittedAt: Date;
  }>();
  if (!doc) return undefined;
  if (doc.waveCode !== waveCode) {
    throw new ConflictError(
      'client_id_conflict',
      'This clientId was already used for another wave; generate a new one.',
    );
  }
  return { id: doc._id, submittedAt: doc.submittedAt, created: false };
}

export async function countResponses(waveCode: string): Promise<number> {
  return ResponseModel.countDocuments({ waveCode, status: 'complete' });
}
