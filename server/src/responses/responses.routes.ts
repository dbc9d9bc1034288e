// POST /api/waves/{code}/responses   public (open public waves): submit a completed answer set;
//                                    idempotent by clientId (201 first time, 200 on a retry)
// GET  /api/invitations/{token}            respondent (the token is the capability): the questionnaire, the fixed
//                                          municipality and region, and the saved draft
// PUT  /api/invitations/{token}/draft      respondent: autosave the answers so far on top of a draft revision
//                                          (409 draft_conflict with the current draft if that revision is not
//                                          the current one; 409 once submitted or the wave closed)
// POST /api/invitations/{token}/responses  respondent: submit; exactly one completed response per invitation
//                                          (201 stored, 200 a retry with the same clientId, 409 already_submitted with the date)
// Tokens never reach the logs: the request logger prints these paths as /api/invitations/:token.
import type { Response } from 'express';
import { problemSchema, type Api } from '../http/route';
import {
  InvitationViewSchema,
  CurrentDraft,
  SaveDraftBody,
  SaveDraftResult,
  SubmitResponseBody,
  SubmitResponseResult,
  TokenParams,
  WaveParams,
} from './responses.schema';
import { submitResponse } from './responses.service';
import { openInvitation, saveInvitationDraft, submitViaInvitation } from './invitation-responses.service';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The answers of a submission: 201 stored, 200 stored before (a retry), 409 refused (`refused`), 422 invalid. */
const submitResponses = (refused: string) => ({
  201: { description: 'Stored', schema: SubmitResponseResult },
  200: { description: 'Already stored (a retry with the same clientId)', schema: SubmitResponseResult },
  409: { description: refused },
  422: { description: 'Answers invalid; invalid_params lists each problem' },
});

/** 201 for a new response, 200 for one a retry finds stored. */
function stored(res: Response, result: { id: string; created: boolean; submittedAt: Date }) {
  res.status(result.created ? 201 : 200);
  return { id: result.id, submittedAt: result.submittedAt.toISOString() };
}

export function responsesRoutes(api: Api): void {
  api.route({
    method: 'post',
    path: '/waves/{code}/responses',
    summary: 'Submit a completed response to a wave',
    access: 'public',
    tags: ['responses'],
    params: WaveParams,
    body: SubmitResponseBody,
    rateLimits: [api.limit('submissions')],
    responses: submitResponses('The wave does not accept answers'),
    handler: async ({ params, body }, _req, res) => stored(res, await submitResponse(params.code, body)),
  });

  api.route({
    method: 'get',
    path: '/invitations/{token}',
    summary: 'Open an invitation link',
    access: 'respondent',
    tags: ['invitations'],
    params: TokenParams,
    rateLimits: [api.limit('tokenLookup'), api.limit('perToken')],
    responses: {
      200: { description: 'The invitation with its questionnaire and draft', schema: InvitationViewSchema },
      404: { description: 'Unknown, replaced or withdrawn link' },
    },
    handler: async ({ params }, _req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      const v = await openInvitation(params.token);
      return {
        invitation: {
          ...v.invitation,
          startedAt: iso(v.invitation.startedAt),
          completedAt: iso(v.invitation.completedAt),
        },
        wave: {
          code: v.wave.code,
          title: v.wave.title,
          status: v.wave.status,
          opensAt: iso(v.wave.opensAt),
          closesAt: iso(v.wave.closesAt),
          anonymous: v.wave.anonymous,
          acceptsAnswers: v.wave.acceptsAnswers,
        },
        questionnaire: {
          key: v.questionnaire.key,
          version: v.questionnaire.version,
          title: v.questionnaire.title,
          definition: v.questionnaire.definition,
        },
        fixedAnswers: v.fixedAnswers,
        prefill: v.prefill,
        draft: v.draft ? { ...v.draft, savedAt: v.draft.savedAt.toISOString() } : null,
      };
    },
  });

  api.route({
    method: 'put',
    path: '/invitations/{token}/draft',
    summary: 'Autosave the answers so far',
    access: 'respondent',
    tags: ['invitations'],
    params: TokenParams,
    body: SaveDraftBody,
    rateLimits: [api.limit('tokenLookup'), api.limit('perToken')],
    responses: {
      200: { description: 'Saved; the new revision', schema: SaveDraftResult },
      409: {
        description:
          'draft_conflict (the problem carries `draft`, the current draft with its revision), already_submitted, or the wave does not accept answers (wave_not_open)',
        schema: problemSchema.extend({
          draft: CurrentDraft.optional(),
        }),
        contentType: 'application/problem+json',
      },
    },
    handler: async ({ params, body }) => {
      const { savedAt, revision } = await saveInvitationDraft(params.token, body);
      return { savedAt: savedAt.toISOString(), revision };
    },
  });

  api.route({
    method: 'post',
    path: '/invitations/{token}/responses',
    summary: 'Submit the answers of an invitation (exactly once)',
    access: 'respondent',
    tags: ['invitations'],
    params: TokenParams,
    body: SubmitResponseBody,
    rateLimits: [api.limit('submissions'), api.limit('perToken')],
    responses: submitResponses('already_submitted (with submittedAt), or the wave does not accept answers'),
    handler: async ({ params, body }, _req, res) => stored(res, await submitViaInvitation(params.token, body)),
  });
}
