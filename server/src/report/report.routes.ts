// GET /api/waves/{code}/report        researcher: the annual report of a wave (optionally against a previous wave)
// GET /api/waves/{code}/report.docx   researcher: the same as a DOCX document
import { z } from 'zod';
import type { Api } from '../http/route';
import { binarySchema } from '../http/route';
import { KField } from '../analytics/analytics.schema';
import { LocalizedText } from '../http/shared-schemas';
import { buildReport } from './report.service';
import { reportDocx } from './report.docx';

const WAVE = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const ReportParams = z.object({ code: WAVE }).strict();
const ReportQuery = z.object({ previous: WAVE.optional(), k: KField }).strict();
const ReportDocxQuery = ReportQuery.extend({ lng: z.enum(['ru', 'en', 'uk']).default('ru') }).strict();

const estimate = {
  n: z.number().int().nullable(),
  count: z.number().int().nullable(),
  share: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  mean: z.number().nullable(),
  suppressed: z.boolean(),
  meanSuppressed: z.boolean(),
  smallBase: z.boolean(),
};
const ReportSchema = z.object({
  wave: z.object({
    code: z.string(),
    title: LocalizedText,
    opensAt: z.string().nullable(),
    closesAt: z.string().nullable(),
    questionnaire: z.string(),
  }),
  previous: z.object({ code: z.string(), title: LocalizedText }).nullable(),
  generatedAt: z.string(),
  dataAsOf: z.string(),
  k: z.number().int(),
  smallBase: z.number().int(),
  respondents: z.number().int(),
  invited: z.number().int().nullable(),
  response: z.array(
    z.object({
      code: z.string(),
      names: LocalizedText,
      invited: z.number().int().nullable(),
      responded: z.number().int(),
      rate: z.number().nullable(),
    }),
  ),
  method: z.array(LocalizedText),
  findings: z.array(
    z.object({
      ...estimate,
      name: z.string(),
      title: LocalizedText,
      measure: z.enum(['acute', 'top']),
      option: z.object({ code: z.string(), labels: LocalizedText }).nullable(),
      change: z
        .object({
          pp: z.number(),
          p: z.number().nullable(),
          test: z.enum(['fisher', 'z']).nullable(),
          previousShare: z.number(),
        })
        .nullable(),
      regions: z.array(z.object({ ...estimate, code: z.string(), names: LocalizedText })),
    }),
  ),
  largestChanges: z.array(z.string()),
});

export function reportRoutes(api: Api): void {
  const tags = ['report'];
  api.route({
    method: 'get',
    path: '/waves/{code}/report',
    summary: 'The annual report of a wave: method, response per region, findings with changes and tests, region tables',
    access: 'researcher',
    tags,
    params: ReportParams,
    query: ReportQuery,
    responses: { 200: { description: 'Report', schema: ReportSchema } },
    handler: ({ params, query, user }) => buildReport(params.code, { previous: query.previous, k: query.k, user }),
  });
  api.route({
    method: 'get',
    path: '/waves/{code}/report.docx',
    summary: 'The annual report as a DOCX document',
    access: 'researcher',
    tags,
    params: ReportParams,
    query: ReportDocxQuery,
    responses: {
      200: {
        description: 'DOCX',
        schema: binarySchema,
        contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      },
    },
    handler: async ({ params, query, user }, _req, res) => {
      const r = await buildReport(params.code, { previous: query.previous, k: query.k, user });
      const buf = await reportDocx(r, query.lng);
      res.status(200);
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
      res.setHeader('Content-Disposition', `attachment; filename="report-${params.code}.docx"`);
      res.setHeader('Cache-Control', 'no-store');
      res.end(buf);
      return undefined;
    },
  });
}
