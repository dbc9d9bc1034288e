// GET  /api/questionnaires                              coordinator: every questionnaire version (shipped and uploaded), with the waves using it
// GET  /api/questionnaires/{key}/versions/{version}     coordinator: one version with its definition and question list (for preview)
// POST /api/questionnaires                              coordinator: upload JSON text as the next version of a key
//                                                       (201 new version, 200 identical to an existing one, 422 with every problem; nothing stored then)
// GET  /api/questionnaires/{key}/diff?from=&to=          coordinator: question names added, removed, changed between two versions
// PUT  /api/questionnaires/{key}/versions/{version}/roles coordinator: which question is the region, municipality, ... (409 once a wave opened on it)
// POST /api/questionnaires/check                         coordinator: the upload's checks on an editor's draft (nothing stored),
//                                                       its missing translations, and optionally answers checked against it
// POST /api/questionnaires/{key}/diff-draft              coordinator: the library's diff between a version and an editor's draft
import type { Api } from '../http/route';
import { listWaves } from '../waves/waves.service';
import {
  checkDraft,
  diffDefinitions,
  diffVersions,
  getQuestionnaireVersion,
  parseDefinitionText,
  listQuestionnaires,
  questionsOf,
  uploadQuestionnaire,
  getQuestionnaire,
  setRoles,
  type QuestionnaireVersion,
} from './questionnaires.service';
import {
  CheckDraftBody,
  DiffDraftBody,
  DiffQuery,
  DiffResult,
  DraftCheckResult,
  DraftDiffResult,
  QuestionnaireDetail,
  QuestionnaireKeyParams,
  QuestionnaireSummary,
  QuestionnaireVersionParams,
  SetRolesBody,
  UploadQuestionnaireBody,
  UploadResult,
} from './questionnaires.schema';
import { z } from 'zod';
import { createModel } from './survey-model';
import { roleWarnings, type Roles } from './roles';

async function usage(): Promise<Map<string, string[]>> {
  const byQuestionnaire = new Map<string, string[]>();
  for (const w of await listWaves()) {
    byQuestionnaire.set(w.questionnaireId, [...(byQuestionnaire.get(w.questionnaireId) ?? []), w.code]);
  }
  return byQuestionnaire;
}

function summary(v: QuestionnaireVersion, usedBy: string[]) {
  const questions = questionsOf(v.definition);
  return {
    id: v.id,
    key: v.key,
    version: v.version,
    title: v.title,
    source: v.source,
    createdAt: v.createdAt.toISOString(),
    questionCount: questions.length,
    locales: localesOf(v.definition),
    usedBy,
    roles: v.roles,
    rolesLocked: v.rolesLocked,
    warnings: roleWarnings(v.roles),
    questions,
  };
}

/** The languages the questionnaire text is written in (Russian first). */
function localesOf(definition: Record<string, unknown>): string[] {
  const used = createModel(definition).getUsedLocales();
  const order = ['ru', 'uk', 'en'];
  const list = used.length ? used : ['ru'];
  return [...list].sort((a, b) => (order.indexOf(a) + 1 || 9) - (order.indexOf(b) + 1 || 9));
}

export function questionnairesRoutes(api: Api): void {
  api.route({
    method: 'get',
    path: '/questionnaires',
    summary: 'Questionnaire library: every version',
    access: 'coordinator',
    tags: ['questionnaires'],
    responses: { 200: { description: 'Versions', schema: z.object({ items: z.array(QuestionnaireSummary) }) } },
    handler: async () => {
      const [list, used] = await Promise.all([listQuestionnaires(), usage()]);
      const items = await Promise.all(
        list.map(async (q) => {
          const { questions: _q, ...s } = summary(await getQuestionnaire(q.id, q), used.get(q.id) ?? []);
          return s;
        }),
      );
      return { items };
    },
  });

  api.route({
    method: 'get',
    path: '/questionnaires/{key}/versions/{version}',
    summary: 'One questionnaire version with its definition',
    access: 'coordinator',
    tags: ['questionnaires'],
    params: QuestionnaireVersionParams,
    responses: {
      200: { description: 'The version', schema: QuestionnaireDetail },
      404: { description: 'No such version' },
    },
    handler: async ({ params }) => {
      const v = await getQuestionnaireVersion(params.key, params.version);
      const s = summary(v, (await usage()).get(v.id) ?? []);
      return {
        ...s,
        questions: s.questions.map(({ json: _json, ...q }) => q),
        definition: v.definition,
      };
    },
  });

  api.route({
    method: 'post',
    path: '/questionnaires',
    summary: 'Upload a questionnaire (SurveyJS JSON) as a new version',
    access: 'coordinator',
    tags: ['questionnaires'],
    body: UploadQuestionnaireBody,
    responses: {
      201: { description: 'Stored as a new version', schema: UploadResult },
      200: { description: 'Identical to an existing version; nothing new stored', schema: UploadResult },
      422: { description: 'Not valid: invalid_params lists every problem (and jsonError the line/column)' },
    },
    handler: async ({ body, user }, _req, res) => {
      const { version, created, sanitized, warnings } = await uploadQuestionnaire(
        body.key,
        body.definition,
        user!.email,
      );
      res.status(created ? 201 : 200);
      return {
        id: version.id,
        key: version.key,
        version: version.version,
        created,
        sanitized,
        roles: version.roles,
        warnings,
      };
    },
  });

  api.route({
    method: 'put',
    path: '/questionnaires/{key}/versions/{version}/roles',
    summary: 'Choose the roles of questions (region, municipality, ...) of a version',
    access: 'coordinator',
    tags: ['questionnaires'],
    params: QuestionnaireVersionParams,
    body: SetRolesBody,
    responses: {
      200: {
        description: 'The roles now stored',
        schema: z.object({ roles: z.record(z.string(), z.string()), warnings: z.array(z.string()) }),
      },
      404: { description: 'No such version' },
      409: { description: 'A wave has opened on this version: its roles can no longer change' },
      422: { description: 'A role names no question, or a question that cannot carry it' },
    },
    handler: async ({ params, body, user }) => {
      const roles: Roles = {};
      for (const [role, name] of Object.entries(body.roles)) if (name) roles[role as keyof Roles] = name;
      const v = await setRoles(`${params.key}@${params.version}`, roles, user!.email);
      return { roles: v.roles, warnings: roleWarnings(v.roles) };
    },
  });

  api.route({
    method: 'get',
    path: '/questionnaires/{key}/diff',
    summary: 'Question names added, removed and changed between two versions',
    access: 'coordinator',
    tags: ['questionnaires'],
    params: QuestionnaireKeyParams,
    query: DiffQuery,
    responses: { 200: { description: 'The difference', schema: DiffResult }, 404: { description: 'No such version' } },
    handler: ({ params, query }) => diffVersions(params.key, query.from, query.to),
  });

  api.route({
    method: 'post',
    path: '/questionnaires/check',
    summary: "Check an editor's draft as an upload would (nothing stored); optionally answers against it",
    access: 'coordinator',
    tags: ['questionnaires'],
    body: CheckDraftBody,
    responses: {
      200: { description: 'Problems (empty when an upload would be accepted)', schema: DraftCheckResult },
      422: { description: 'The text is not a JSON object' },
    },
    handler: ({ body }) => checkDraft(parseDefinitionText(body.definition), body.answers),
  });

  api.route({
    method: 'post',
    path: '/questionnaires/{key}/diff-draft',
    summary: "Questions added, removed and changed between a version and an editor's draft",
    access: 'coordinator',
    tags: ['questionnaires'],
    params: QuestionnaireKeyParams,
    body: DiffDraftBody,
    responses: {
      200: { description: 'The difference', schema: DraftDiffResult },
      404: { description: 'No such version' },
      422: { description: 'The draft is not a JSON object, or does not load' },
    },
    handler: async ({ params, body }) => {
      const base = await getQuestionnaireVersion(params.key, body.from);
      const draft = parseDefinitionText(body.definition);
      return { key: params.key, from: body.from, ...diffDefinitions(base.definition, draft) };
    },
  });
}
