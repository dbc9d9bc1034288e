// GET    /api/waves/{code}/tally                       researcher: obstacles × regions (count, share, 95% CI), filters
// GET    /api/waves/{code}/questions                   researcher: the wave's analysis variables (codes, labels)
// GET    /api/waves/{code}/questions/{name}/tally      researcher: any question by a dimension, filters; numbers summarised
// GET    /api/waves/{code}/crosstab                    researcher: profile dimension × question (cube) or two
//                                                      questions (few respondents; else 409: a crosstab job)
// GET    /api/compare                                  researcher: one question in two waves per region, change and z-test
// GET    /api/waves/{code}/regions/{region}            researcher: a region against its country and overall; its municipalities (paged)
// GET    /api/waves/{code}/texts                       researcher: free-text and "other" answers, searchable
// PUT    /api/waves/{code}/other-codes/{responseId}/{variable}   researcher: code an "other" answer
// DELETE /api/waves/{code}/other-codes/{responseId}/{variable}   researcher: remove that code
// GET    /api/waves/{code}/codes                       researcher: codes added by researchers
// POST   /api/waves/{code}/codes                       researcher: add a code for a question
// GET    /api/waves/{code}/analysis-settings           any user: the wave's minimum k
// PUT    /api/waves/{code}/analysis-settings           coordinator: set the wave's minimum k
// GET    /api/waves/{code}/tally/verify                researcher: kept counts against a recount
// POST   /api/waves/{code}/tally/rebuild               admin: rebuild the kept counts from the responses
import { z } from 'zod';
import type { Api } from '../http/route';
import { WaveParams } from '../responses/responses.schema';
import {
  CodeBody,
  CodingParams,
  CompareQuery,
  CrosstabQuery,
  CrosstabSchema,
  CustomCodeBody,
  ComparisonSchema,
  RegionProfileSchema,
  TextAnswersSchema,
  CodingSchema,
  CustomCodeSchema,
  CustomCodesSchema,
  ObstacleTallySchema,
  QuestionParams,
  QuestionTallyQuery,
  QuestionTallySchema,
  RegionParams,
  RegionQuery,
  SettingsBody,
  TallyQuery,
  TextsQuery,
  VariablesSchema,
} from './analytics.schema';
import { obstacleTally, questionTally } from './tally.service';
import { crosstabRead } from './crosstab.service';
import { compareWaves } from './compare.service';
import { regionProfile } from './region.service';
import { textAnswers } from './texts.service';
import { waveCatalogue } from './catalogue';
import {
  addCustomCode,
  codeOtherAnswer,
  customCodes,
  getMinCell,
  setMinCell,
  uncodeOtherAnswer,
} from './coding.service';
import { rebuildCounters, verifyCounters } from './counters.service';
import { maySeeUnsuppressed } from './disclosure';
import { filtersOf } from './filters';

export function analyticsRoutes(api: Api): void {
  const tags = ['analytics'];
  api.route({
    method: 'get',
    path: '/waves/{code}/tally',
    summary: 'Obstacles × regions tally of a wave (count, share, 95% Wilson interval), with filters',
    access: 'researcher',
    tags,
    params: WaveParams,
    query: TallyQuery,
    responses: { 200: { description: 'Tally', schema: ObstacleTallySchema } },
    handler: ({ params, query, user }) => obstacleTally(params.code, filtersOf(query), { k: query.k, user }),
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/questions',
    summary: 'Analysis variables of the wave (questions, value codes and labels)',
    access: 'researcher',
    tags,
    params: WaveParams,
    responses: { 200: { description: 'Variables', schema: VariablesSchema } },
    handler: async ({ params }) => {
      const { variables, wave } = await waveCatalogue(params.code);
      const custom = await customCodes(wave.code);
      return {
        items: variables.map((v) => ({
          name: v.name,
          question: v.question,
          type: v.type,
          kind: v.kind,
          title: v.title,
          options: [...v.options, ...(custom.get(v.name) ?? [])],
          ...(v.role ? { role: v.role } : {}),
          hasOther: v.hasOther,
          numeric: v.numeric,
        })),
      };
    },
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/questions/{name}/tally',
    summary: 'Tally of one question by region, municipality type, size class or respondent role',
    access: 'researcher',
    tags,
    params: QuestionParams,
    query: QuestionTallyQuery,
    responses: { 200: { description: 'Question tally', schema: QuestionTallySchema } },
    handler: ({ params, query, user }) =>
      questionTally(params.code, params.name, query.by, filtersOf(query), { k: query.k, user }),
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/crosstab',
    summary: 'Crosstab of two questions with row/column percentages and a chi-square test',
    access: 'researcher',
    tags,
    params: WaveParams,
    query: CrosstabQuery,
    responses: { 200: { description: 'Crosstab', schema: CrosstabSchema } },
    handler: ({ params, query, user }) =>
      crosstabRead(params.code, query.row, query.col, filtersOf(query), { k: query.k, user }),
  });

  api.route({
    method: 'get',
    path: '/compare',
    summary: 'One question in two waves, per region: values, change and a two-proportion z-test',
    access: 'researcher',
    tags,
    query: CompareQuery,
    responses: { 200: { description: 'Comparison', schema: ComparisonSchema } },
    handler: ({ query, user }) =>
      compareWaves(query.a, query.b, query.question, filtersOf(query), { k: query.k, user }),
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/regions/{region}',
    summary: "A region's obstacles against its country and the whole wave; its municipalities",
    access: 'researcher',
    tags,
    params: RegionParams,
    query: RegionQuery,
    responses: { 200: { description: 'Region profile', schema: RegionProfileSchema } },
    handler: ({ params, query, user }) =>
      regionProfile(
        params.code,
        params.region,
        filtersOf(query),
        { k: query.k, user },
        { page: query.page, pageSize: query.pageSize },
      ),
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/texts',
    summary: 'Free-text and "other (specify)" answers, searchable',
    access: 'researcher',
    tags,
    params: WaveParams,
    query: TextsQuery,
    responses: { 200: { description: 'Text answers', schema: TextAnswersSchema } },
    handler: ({ params, query }) =>
      textAnswers(params.code, {
        question: query.question,
        q: query.q,
        uncoded: query.uncoded,
        filters: filtersOf(query),
        limit: query.limit,
        offset: query.offset,
      }),
  });

  api.route({
    method: 'put',
    path: '/waves/{code}/other-codes/{responseId}/{variable}',
    summary: 'Code an "other (specify)" answer so it counts under that code',
    access: 'researcher',
    tags,
    params: CodingParams,
    body: CodeBody,
    responses: { 200: { description: 'Coded', schema: CodingSchema } },
    handler: ({ params, body, user }) =>
      codeOtherAnswer(params.code, params.responseId, params.variable, body.code, user?.email ?? ''),
  });

  api.route({
    method: 'delete',
    path: '/waves/{code}/other-codes/{responseId}/{variable}',
    summary: 'Remove the code of an "other" answer (it counts as "other" again)',
    access: 'researcher',
    tags,
    params: CodingParams,
    responses: { 204: { description: 'Removed' } },
    handler: async ({ params }, _req, res) => {
      await uncodeOtherAnswer(params.code, params.responseId, params.variable);
      res.status(204).end();
    },
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/codes',
    summary: 'Codes researchers added to questions of the wave',
    access: 'researcher',
    tags,
    params: WaveParams,
    responses: { 200: { description: 'Codes by question', schema: CustomCodesSchema } },
    handler: async ({ params }) => {
      await waveCatalogue(params.code);
      return {
        items: [...(await customCodes(params.code)).entries()].map(([variable, codes]) => ({ variable, codes })),
      };
    },
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/codes',
    summary: 'Add a code (with labels) to a question, for coding "other" answers',
    access: 'researcher',
    tags,
    params: WaveParams,
    body: CustomCodeBody,
    responses: { 201: { description: 'Added', schema: CustomCodeSchema } },
    handler: async ({ params, body }, _req, res) => {
      const out = await addCustomCode(params.code, body.variable, body.code, {
        ru: body.labels.ru,
        en: body.labels.en || body.labels.ru,
        uk: body.labels.uk || body.labels.ru,
      });
      res.status(201);
      return out;
    },
  });

  const Settings = z.object({
    minCell: z.number().int().describe("the wave's minimum k: researchers choose k at or above it"),
    maySeeUnsuppressed: z
      .boolean()
      .optional()
      .describe('the caller may choose k below the minimum, down to 1 (coordinators and admins)'),
  });
  api.route({
    method: 'get',
    path: '/waves/{code}/analysis-settings',
    summary: 'Analysis settings of a wave (small-cell threshold k), for any signed-in user',
    // Researchers read the minimum they work at, coordinators the one they set on the wave page;
    // a threshold is no secret, so any signed-in user may read it.
    access: 'user',
    tags,
    params: WaveParams,
    responses: { 200: { description: 'Settings', schema: Settings } },
    handler: async ({ params, user }) => {
      await waveCatalogue(params.code);
      return { minCell: await getMinCell(params.code), maySeeUnsuppressed: maySeeUnsuppressed(user) };
    },
  });

  api.route({
    method: 'put',
    path: '/waves/{code}/analysis-settings',
    summary: "Set the wave's minimum k: tables on screen and in exports hide cells of fewer respondents",
    access: 'coordinator',
    tags,
    params: WaveParams,
    body: SettingsBody,
    responses: { 200: { description: 'Settings', schema: Settings } },
    handler: async ({ params, body, user }) => {
      const { minCell } = await setMinCell(params.code, body.minCell, user!.email);
      return { minCell, maySeeUnsuppressed: maySeeUnsuppressed(user) };
    },
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/tally/verify',
    summary: 'Compare the kept tally counts with a recount from the raw responses',
    access: 'researcher',
    tags,
    params: WaveParams,
    responses: {
      200: { description: 'Verdict', schema: z.object({ ok: z.boolean(), regions: z.array(z.string()) }) },
    },
    handler: async ({ params }) => {
      await waveCatalogue(params.code);
      return verifyCounters(params.code);
    },
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/tally/rebuild',
    summary: 'Rebuild the kept tally counts of a wave from its raw responses (run when the wave is quiet)',
    access: 'admin',
    tags,
    params: WaveParams,
    responses: {
      200: { description: 'Rebuilt', schema: z.object({ regions: z.number(), responses: z.number() }) },
    },
    handler: async ({ params }) => {
      await waveCatalogue(params.code);
      return rebuildCounters(params.code);
    },
  });
}
