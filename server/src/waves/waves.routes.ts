// GET   /api/waves                   public: open public waves with response counts (staff: every wave)
// GET   /api/waves/{code}            public: an open public wave with its questionnaire definition (what respondents
//                                    load); 403 invitation_required for an open invitation-only wave, 410 when closed,
//                                    404 for drafts and archived waves (staff sessions: any wave)
// POST  /api/waves                   coordinator: create a draft wave
// GET   /api/waves/{code}/admin      coordinator: the wave with scope, access, anonymity and its history
// PATCH /api/waves/{code}            coordinator: edit (draft: anything; open: title and closing date; closed: title; archived: nothing)
// POST  /api/waves/{code}/lifecycle  coordinator: open | close | reopen | archive (409 on a transition the state does not allow)
// POST  /api/waves/{code}/clone      coordinator: a new draft wave with the same scope and invitation list, new dates
//                                    (a retry with the same code finishes a clone cut short)
import { z } from 'zod';
import { LocalizedText } from '../http/shared-schemas';
import type { Api } from '../http/route';
import {
  acceptsAnswers,
  changeWaveStatus,
  createWave,
  getWaveAdmin,
  assertPubliclyVisible,
  getWaveWithQuestionnaire,
  listPublicWaves,
  listWaves,
  updateWave,
  type WaveAdmin,
} from './waves.service';
import { respondentCounts } from '../analytics/counters.service';
import { sessionFromCookie } from '../auth/session-cookie';
import { ROLES } from '../auth/roles';
import type { Request } from 'express';
import { getQuestionnaire } from '../questionnaires/questionnaires.service';
import { QuestionnaireContent, WaveDates, WaveParams } from '../responses/responses.schema';
import {
  CloneWaveBody,
  CreateWaveBody,
  LifecycleBody,
  UpdateWaveBody,
  WaveAdmin as WaveAdminSchema,
} from './waves.schema';
import { cloneWaveWithInvitations } from './clone-wave';

function adminView(w: WaveAdmin) {
  return {
    code: w.code,
    title: w.title,
    status: w.status,
    questionnaireId: w.questionnaireId,
    opensAt: iso(w.opensAt),
    closesAt: iso(w.closesAt),
    scope: w.scope,
    access: w.access,
    anonymous: w.anonymous,
    noRegionalBreakdown: w.noRegionalBreakdown,
    acceptsAnswers: acceptsAnswers(w).ok,
    createdAt: w.createdAt.toISOString(),
    updatedAt: iso(w.updatedAt),
    clonedFrom: w.clonedFrom,
    editableFields: w.editableFields,
    allowedTransitions: w.allowedTransitions,
    history: w.history.map((h) => ({ ...h, at: h.at.toISOString() })),
  };
}

const localized = LocalizedText;
const WaveSummary = z
  .object({
    code: z.string(),
    title: localized,
    status: z.enum(['draft', 'open', 'closed', 'archived']),
    // The title in each language, so no page shows the questionnaire's code to an official.
    questionnaire: z.object({ key: z.string(), version: z.number(), title: localized }),
    opensAt: z.string().nullable(),
    closesAt: z.string().nullable(),
    responses: z.number(),
  })
  .meta({ id: 'Wave', description: 'A survey wave as listed: code, title, status, questionnaire, dates, responses' });

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Whether the caller has a staff session (any role): staff see every wave, as before. */
async function isStaff(req: Request): Promise<boolean> {
  const session = await sessionFromCookie(req);
  return !!session && ROLES.some((r) => session.user.roles.includes(r));
}

export function wavesRoutes(api: Api): void {
  api.route({
    method: 'get',
    path: '/waves',
    summary: 'List survey waves (open public ones; every wave for staff)',
    access: 'public',
    tags: ['waves'],
    responses: {
      200: {
        description: 'Waves, newest first; `responses` is the kept count of completed responses',
        schema: z.object({ items: z.array(WaveSummary) }),
      },
    },
    handler: async (_input, req) => {
      const waves = (await isStaff(req)) ? await listWaves() : await listPublicWaves();
      // Counts from the kept tally counters: a few small documents, never a count over responses.
      const counts = await respondentCounts(waves.map((w) => w.code));
      const items = await Promise.all(
        waves.map(async (w) => {
          const { key, version, title: qTitle } = await getQuestionnaire(w.questionnaireId);
          return {
            code: w.code,
            title: w.title,
            status: w.status,
            questionnaire: { key, version, title: qTitle },
            opensAt: iso(w.opensAt),
            closesAt: iso(w.closesAt),
            responses: counts.get(w.code) ?? 0,
          };
        }),
      );
      return { items };
    },
  });

  api.route({
    method: 'get',
    path: '/waves/{code}',
    summary: 'A wave with the questionnaire respondents answer',
    access: 'public',
    tags: ['waves'],
    params: WaveParams,
    responses: {
      200: {
        description: 'The wave',
        schema: WaveDates.extend({
          access: z.enum(['public', 'invitation']),
          questionnaire: QuestionnaireContent,
        }),
      },
      403: { description: 'invitation_required: the wave is answered through personal links only (no content)' },
      404: { description: 'No such wave, or a draft or archived wave (without a staff session)' },
      410: { description: 'wave_closed: the wave has closed (no content)' },
    },
    handler: async ({ params }, req) => {
      const { wave, questionnaire } = await getWaveWithQuestionnaire(params.code);
      if (!(await isStaff(req))) assertPubliclyVisible(wave);
      return {
        code: wave.code,
        title: wave.title,
        status: wave.status,
        opensAt: iso(wave.opensAt),
        closesAt: iso(wave.closesAt),
        access: wave.access,
        questionnaire: {
          key: questionnaire.key,
          version: questionnaire.version,
          title: questionnaire.title,
          definition: questionnaire.definition,
        },
      };
    },
  });

  api.route({
    method: 'post',
    path: '/waves',
    summary: 'Create a draft wave',
    access: 'coordinator',
    tags: ['waves'],
    body: CreateWaveBody,
    responses: {
      201: { description: 'Created (draft)', schema: WaveAdminSchema },
      409: { description: 'The code is taken' },
      422: { description: 'Dates, regions or questionnaire invalid' },
    },
    handler: async ({ body, user }, _req, res) => {
      const wave = await createWave(body, user!.email);
      res.status(201);
      return adminView(wave);
    },
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/admin',
    summary: "A wave's settings and history (coordinator view)",
    access: 'coordinator',
    tags: ['waves'],
    params: WaveParams,
    responses: { 200: { description: 'The wave', schema: WaveAdminSchema } },
    handler: async ({ params }) => adminView(await getWaveAdmin(params.code)),
  });

  api.route({
    method: 'patch',
    path: '/waves/{code}',
    summary: 'Edit a wave (what may change depends on its state)',
    access: 'coordinator',
    tags: ['waves'],
    params: WaveParams,
    body: UpdateWaveBody,
    responses: {
      200: { description: 'Updated', schema: WaveAdminSchema },
      409: { description: 'The field cannot change in this state (e.g. the questionnaire of an open wave)' },
    },
    handler: async ({ params, body, user }) => {
      return adminView(await updateWave(params.code, body, user!.email));
    },
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/lifecycle',
    summary: 'Open, close, reopen or archive a wave',
    access: 'coordinator',
    tags: ['waves'],
    params: WaveParams,
    body: LifecycleBody,
    responses: {
      200: { description: 'The wave in its new state', schema: WaveAdminSchema },
      409: { description: 'The transition is not allowed from the current state' },
      422: { description: 'The closing date has passed' },
    },
    handler: async ({ params, body, user }) => {
      const { wave } = await changeWaveStatus(params.code, body, user!.email);
      return adminView(wave);
    },
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/clone',
    summary: 'Clone a wave into a new draft (same scope and invitation list, new dates)',
    access: 'coordinator',
    tags: ['waves'],
    params: WaveParams,
    body: CloneWaveBody,
    responses: {
      201: {
        description: 'The new draft wave',
        schema: WaveAdminSchema.extend({ invitationsCopied: z.number().int() }),
      },
      409: { description: 'The code is taken' },
    },
    handler: async ({ params, body, user }, _req, res) => {
      // Idempotent: a retry finishes a clone cut short, or answers the finished one again.
      const { wave, invitationsCopied } = await cloneWaveWithInvitations(params.code, body, user!.email);
      res.status(201);
      return { ...adminView(wave), invitationsCopied };
    },
  });
}
