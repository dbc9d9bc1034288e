// submitResponse: load wave → assert open → validate answers → store once → { id }.
import type { Question } from 'survey-core';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors';
import { ResponseModel } from './response.model';
import { assertAcceptsAnswers, getWaveWithQuestionnaire, InvitationRequiredError } from '../waves/waves.service';
import { checkAnswers } from '../questionnaires/answers';
import type { SubmitResponseBody } from './responses.schema';
import type { Model } from 'survey-core';
import { keepTally } from '../analytics/counters.service';

type Dimensions = {
  regionCode: string;
  municipality: string;
  municipalityType: string;
  sizeClass: string;
  respondentRole: string;
  obstacles: string[];
};

/** Reads the analysis dimensions from the questions marked with `lsgRole`. */
export function dimensionsOf(model: Model, answers: Record<string, unknown>): Dimensions {
  const byRole = new Map<string, unknown>();
  for (const q of model.getAllQuestions(false) as Question[]) {
    const role = (q as unknown as { lsgRole?: string }).lsgRole;
    if (role && !byRole.has(role)) byRole.set(role, answers[q.getValueName()]);
  }
  const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  const obstacles = byRole.get('obstacles');
  return {
    regionCode: str(byRole.get('region')),
    municipality: str(byRole.get('municipality')).trim(),
    municipalityType: str(byRole.get('municipalityType')),
    sizeClass: str(byRole.get('sizeClass')),
    respondentRole: str(byRole.get('respondentRole')),
    obstacles: Array.isArray(obstacles) ? obstacles.map(String) : [],
  };
}

export type Submitted = { id: string; submittedAt: Date; created: boolean };

/** Validates a complete answer set (422 listing every problem); returns the answers kept and their dimensions. */
export function checkSubmission(
  definition: Record<string, unknown>,
  input: Record<string, unknown>,
): { answers: Record<string, unknown>; dims: Dimensions } {
  const { problems, answers, model } = checkAnswers(definition, input);
  if (problems.length) {
    throw new ValidationError(`${problems.length} answer(s) need attention.`, problems, 'invalid_answers');
  }
  const dims = dimensionsOf(model, answers);
  if (!dims.regionCode) {
    throw new ValidationError(
      'The region is not known.',
      [{ name: 'region', reason: 'a region is required', code: 'required' }],
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
  via?: { invitationId: string | null },
): Promise<Submitted> {
  // A retry of a submission already stored answers the same, even if the wave closed since.
  const previous = await findSubmission(input.clientId, waveCode);
  if (previous) return previous;

  const { wave, questionnaire } = await getWaveWithQuestionnaire(waveCode);
  // The public link of a draft or archived wave does not exist for anyone outside (404, as GET).
  if (!via && (wave.status === 'draft' || wave.status === 'archived')) throw new NotFoundError('wave', wave.code);
  if (!via && wave.access === 'invitation') throw new InvitationRequiredError(wave.code);
  assertAcceptsAnswers(wave, now);

  const { answers, dims } = checkSubmission(questionnaire.definition, input.answers);

  let res: { upsertedCount: number };
  try {
    res = await ResponseModel.updateOne(
      { _id: input.clientId },
      {
        $setOnInsert: {
          waveCode: wave.code,
          questionnaireId: questionnaire.id,
          status: 'complete',
          answers,
          ...dims,
          locale: input.locale,
          startedAt: input.startedAt ? new Date(input.startedAt) : null,
          submittedAt: now,
          invitationId: via?.invitationId ?? null,
        },
      },
      { upsert: true },
    );
  } catch (err) {
    // Two instances upserting the same clientId at once: one inserts, the other may get a
    // duplicate-key error (its shape differs between MongoDB and FerretDB). If the document is
    // there now, it is this same submission: answer as for a retry.
    const raced = await findSubmission(input.clientId, waveCode);
    if (raced) return raced;
    throw err;
  }
  if (res.upsertedCount === 1) {
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
    });
    return { id: input.clientId, submittedAt: now, created: true };
  }
  const raced = await findSubmission(input.clientId, waveCode);
  if (!raced) throw new Error('response upsert matched a document that cannot be read back');
  return raced;
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
