// GET /api/waves/{code}/exports/responses.csv     researcher: raw responses, UTF-8 with BOM, ; or , or tab
// GET /api/waves/{code}/exports/responses.xlsx    researcher: raw responses (streamed) + codebook sheet
// GET /api/waves/{code}/exports/codebook.{csv,xlsx}  researcher: variables, question text ru/en/uk, types, value labels
// GET /api/waves/{code}/exports/responses.sps     researcher: SPSS syntax that loads the CSV with labels
// GET /api/waves/{code}/exports/responses.R       researcher: R script that loads the CSV with labels
// GET /api/waves/{code}/exports/datapackage.json  researcher: Frictionless data package describing the CSV
// GET /api/waves/{code}/exports/{table}.{csv,xlsx} researcher: analysis tables (tally, question, crosstab,
//                                                  region, compare) with base and filters; small cells suppressed
import { z } from 'zod';
import type { Request, Response } from 'express';
import { binarySchema, type Api } from '../http/route';
import { attachment } from '../http/download';
import { WaveParams } from '../responses/responses.schema';
import { recordEvent } from '../audit/outbox';
import type { AuthUser } from '../auth/roles';
import {
  Delimiter,
  ExportLocale,
  ExportRequest,
  exportSummary,
  prepareExport,
  TABLE_KINDS,
  TABLE_OPTIONS,
  XLSX_TYPE,
} from './export-request';

const ExportQuery = z.object({ delimiter: Delimiter, locale: ExportLocale }).strict();
const LocaleQuery = z.object({ locale: ExportLocale }).strict();

/** The data package descriptor as labelled.ts writes it (Data Package v2). */
const code = z.union([z.string(), z.number()]);
export const DataPackageSchema = z.object({
  $schema: z.string(),
  name: z.string(),
  title: z.string(),
  description: z.string(),
  created: z.string(),
  resources: z.array(
    z.object({
      name: z.string(),
      type: z.literal('table'),
      path: z.string(),
      format: z.literal('csv'),
      mediatype: z.literal('text/csv'),
      encoding: z.literal('utf-8'),
      dialect: z.object({
        $schema: z.string(),
        delimiter: z.string(),
        header: z.boolean(),
        lineTerminator: z.string(),
        quoteChar: z.string(),
        doubleQuote: z.boolean(),
      }),
      schema: z.object({
        $schema: z.string(),
        fields: z.array(
          z.object({
            name: z.string(),
            type: z.enum(['string', 'integer', 'number', 'datetime']),
            title: z.string(),
            description: z.string(),
            categories: z.array(z.object({ value: code, label: z.string() })).optional(),
            categoriesOrdered: z.boolean().optional(),
            constraints: z
              .object({
                required: z.boolean().optional(),
                unique: z.boolean().optional(),
                enum: z.array(code).optional(),
              })
              .optional(),
          }),
        ),
        missingValues: z.array(z.string()),
        primaryKey: z.array(z.string()),
      }),
    }),
  ),
});

/** Aborted when the client goes away before the answer is complete: the export's cursor is closed. */
export function abandoned(res: Response): AbortSignal {
  const ac = new AbortController();
  const gone = () => {
    if (!res.writableFinished) ac.abort(new Error('client disconnected'));
  };
  // compression() and pipeline() add close listeners of their own; this one is expected.
  res.setMaxListeners(res.getMaxListeners() + 1);
  res.once('close', gone);
  return ac.signal;
}

/** A direct (small) download: the same writer as the export jobs, recorded in the audit log. */
async function sendExport(code: string, input: unknown, user: AuthUser, req: Request, res: Response) {
  const request = ExportRequest.parse(input);
  const plan = await prepareExport(code, request, user);
  await recordEvent({
    at: new Date(),
    actor: user.email,
    action: 'data.export',
    target: code,
    details: { ...exportSummary(request), via: 'download' },
  });
  attachment(res, plan.contentType, plan.fileName);
  try {
    await plan.write(res, { signal: abandoned(res) });
  } catch (err) {
    // Failed before the first byte (e.g. an unknown question): a problem document, not an attachment.
    if (!res.headersSent) {
      res.removeHeader('Content-Disposition');
      res.removeHeader('Content-Type');
    }
    throw err;
  }
}

export function exportsRoutes(api: Api): void {
  const tags = ['exports'];
  const csvResponse = { 200: { description: 'CSV, UTF-8 with BOM', schema: z.string(), contentType: 'text/csv' } };
  const xlsxResponse = { 200: { description: 'XLSX workbook', schema: binarySchema, contentType: XLSX_TYPE } };

  const codebook = (format: string) =>
    `Codebook as ${format}: variable, question text (ru/en/uk), type, value codes and labels`;
  // The raw responses and the codebook, each as CSV and XLSX.
  for (const [table, format, summary, query] of [
    ['responses', 'csv', 'Raw responses as CSV (one row per response, one column per answer variable)', ExportQuery],
    ['responses', 'xlsx', 'Raw responses as XLSX (streamed), with the codebook as a second sheet', LocaleQuery],
    ['codebook', 'csv', codebook('CSV'), ExportQuery],
    ['codebook', 'xlsx', codebook('XLSX'), ExportQuery],
  ] as const) {
    api.route({
      method: 'get',
      path: `/waves/{code}/exports/${table}.${format}`,
      summary,
      access: 'researcher',
      tags,
      params: WaveParams,
      query,
      responses: format === 'csv' ? csvResponse : xlsxResponse,
      handler: ({ params, query, user }, req, res) =>
        sendExport(params.code, { ...query, table, format }, user!, req, res),
    });
  }

  for (const [format, type] of [
    ['sps', 'SPSS syntax'],
    ['R', 'R script'],
  ] as const) {
    api.route({
      method: 'get',
      path: `/waves/{code}/exports/responses.${format}`,
      summary: `${type} that loads responses.csv with variable and value labels`,
      access: 'researcher',
      tags,
      params: WaveParams,
      query: ExportQuery,
      responses: { 200: { description: type, schema: z.string(), contentType: 'text/plain' } },
      handler: ({ params, query, user }, req, res) =>
        sendExport(params.code, { ...query, table: 'responses', format }, user!, req, res),
    });
  }

  api.route({
    method: 'get',
    path: '/waves/{code}/exports/datapackage.json',
    summary: 'Frictionless data package (datapackage.json) describing responses.csv: types and value labels',
    access: 'researcher',
    tags,
    params: WaveParams,
    query: ExportQuery,
    responses: { 200: { description: 'Data package descriptor (v2)', schema: DataPackageSchema } },
    handler: ({ params, query, user }, req, res) =>
      sendExport(params.code, { ...query, table: 'responses', format: 'datapackage' }, user!, req, res),
  });

  const summaries: Record<(typeof TABLE_KINDS)[number], string> = {
    tally: 'Obstacles × regions (and overall with CI, respondents per region)',
    question: 'Tally of one question by a dimension',
    crosstab: 'Crosstab of two questions: counts, row %, column % and the chi-square test',
    region: "A region's obstacles against its country and overall; its municipalities",
    compare: 'One question in this wave (A) and another (B), per region',
  };
  for (const table of TABLE_KINDS) {
    for (const format of ['csv', 'xlsx'] as const) {
      api.route({
        method: 'get',
        path: `/waves/{code}/exports/${table}.${format}`,
        summary: `${summaries[table]} as ${format.toUpperCase()}${format === 'csv' ? ' (one table; `part` picks which)' : ' (one sheet per table)'}`,
        access: 'researcher',
        tags,
        params: WaveParams,
        query: TABLE_OPTIONS[table] as z.ZodType<Record<string, unknown>>,
        responses: format === 'csv' ? csvResponse : xlsxResponse,
        // The query is already validated; the request is rebuilt from the raw strings so that the
        // export job's body (the same fields) and this route share one schema.
        handler: ({ params, user }, req, res) =>
          sendExport(params.code, { ...(req.query as Record<string, unknown>), table, format }, user!, req, res),
      });
    }
  }
}
