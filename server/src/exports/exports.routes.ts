// GET /api/waves/{code}/exports/responses.csv     researcher: raw responses, UTF-8 with BOM, ; or , or tab
// GET /api/waves/{code}/exports/responses.xlsx    researcher: raw responses (streamed) + codebook sheet
// GET /api/waves/{code}/exports/codebook.{csv,xlsx}  researcher: variables, question text ru/en/uk, types, value labels
// GET /api/waves/{code}/exports/responses.sps     researcher: SPSS syntax that loads the CSV with labels
// GET /api/waves/{code}/exports/responses.R       researcher: R script that loads the CSV with labels
// GET /api/waves/{code}/exports/datapackage.json  researcher: Frictionless data package describing the CSV
// GET /api/waves/{code}/exports/{table}.{csv,xlsx} researcher: analysis tables (tally, question, crosstab,
//                                                  region, compare) with base and filters; small cells suppressed
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { binarySchema, type Api } from '../http/route';
import { WaveParams } from '../responses/responses.schema';
import { FilterFields, type Filters } from '../analytics/filters';
import { ByDimension } from '../analytics/analytics.schema';
import { DELIMITERS } from './csv';
import {
  codebook,
  dataPackageOf,
  fileNames,
  responsesCsv,
  responsesXlsx,
  syntaxFile,
  tableSheets,
  type TableRequest,
} from './exports.service';
import { sheetCsv, sheetsXlsx, type Sheet } from './tables';
import type { Response } from 'express';

const delimiter = z.enum(['semicolon', 'comma', 'tab']).default('semicolon');
const locale = z.enum(['ru', 'en', 'uk']).default('ru');
const ExportQuery = z.object({ delimiter, locale }).strict();
const LocaleQuery = z.object({ locale }).strict();
const name = z.string().min(1).max(200);
const part = z.coerce.number().int().min(0).max(10).default(0);

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The data package descriptor as labelled.ts writes it (Data Package v2). */
const code = z.union([z.string(), z.number()]);
const DataPackageSchema = z.object({
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

function attachment(res: Response, type: string, file: string): void {
  res.status(200);
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${file.replace(/[^A-Za-z0-9._-]/g, '_')}"`);
  res.setHeader('Cache-Control', 'no-store');
}

async function sendSheets(
  res: Response,
  sheets: Sheet[],
  format: 'csv' | 'xlsx',
  file: string,
  sep: string,
  index: number,
  lng: 'ru' | 'en' | 'uk' = 'ru',
) {
  if (format === 'xlsx') {
    attachment(res, XLSX, `${file}.xlsx`);
    await sheetsXlsx(sheets, res, lng);
    res.end();
    return;
  }
  attachment(res, 'text/csv; charset=utf-8', `${file}.csv`);
  await pipeline(sheetCsv(sheets[Math.min(index, sheets.length - 1)], sep), res);
}

const filtersOf = (q: Filters): Filters => ({
  region: q.region,
  municipalityType: q.municipalityType,
  sizeClass: q.sizeClass,
  respondentRole: q.respondentRole,
  status: q.status,
});

export function exportsRoutes(api: Api): void {
  const tags = ['exports'];
  const csvResponse = { 200: { description: 'CSV, UTF-8 with BOM', schema: z.string(), contentType: 'text/csv' } };
  const xlsxResponse = { 200: { description: 'XLSX workbook', schema: binarySchema, contentType: XLSX } };

  api.route({
    method: 'get',
    path: '/waves/{code}/exports/responses.csv',
    summary: 'Raw responses as CSV (one row per response, one column per answer variable)',
    access: 'researcher',
    tags,
    params: WaveParams,
    query: ExportQuery,
    responses: csvResponse,
    handler: async ({ params, query }, _req, res) => {
      const stream = await responsesCsv(params.code, DELIMITERS[query.delimiter], query.locale);
      attachment(res, 'text/csv; charset=utf-8', fileNames(params.code).csv);
      await pipeline(stream, res);
    },
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/exports/responses.xlsx',
    summary: 'Raw responses as XLSX (streamed), with the codebook as a second sheet',
    access: 'researcher',
    tags,
    params: WaveParams,
    query: LocaleQuery,
    responses: xlsxResponse,
    handler: async ({ params, query }, _req, res) => {
      attachment(res, XLSX, fileNames(params.code).xlsx);
      await responsesXlsx(params.code, query.locale, res);
      res.end();
    },
  });

  for (const format of ['csv', 'xlsx'] as const) {
    api.route({
      method: 'get',
      path: `/waves/{code}/exports/codebook.${format}`,
      summary: `Codebook as ${format.toUpperCase()}: variable, question text (ru/en/uk), type, value codes and labels`,
      access: 'researcher',
      tags,
      params: WaveParams,
      query: ExportQuery,
      responses: format === 'csv' ? csvResponse : xlsxResponse,
      handler: async ({ params, query }, _req, res) => {
        const sheet = await codebook(params.code, query.locale);
        await sendSheets(res, [sheet], format, `${params.code}-codebook`, DELIMITERS[query.delimiter], 0, query.locale);
      },
    });
  }

  for (const [kind, ext, type] of [
    ['sps', 'sps', 'SPSS syntax'],
    ['r', 'R', 'R script'],
  ] as const) {
    api.route({
      method: 'get',
      path: `/waves/{code}/exports/responses.${ext}`,
      summary: `${type} that loads responses.csv with variable and value labels`,
      access: 'researcher',
      tags,
      params: WaveParams,
      query: ExportQuery,
      responses: { 200: { description: type, schema: z.string(), contentType: 'text/plain' } },
      handler: async ({ params, query }, _req, res) => {
        const text = await syntaxFile(params.code, kind, DELIMITERS[query.delimiter], query.locale);
        attachment(
          res,
          'text/plain; charset=utf-8',
          kind === 'sps' ? fileNames(params.code).sps : fileNames(params.code).r,
        );
        res.send(kind === 'sps' ? `\uFEFF${text}` : text);
      },
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
    handler: async ({ params, query }, _req, res) => {
      const pkg = await dataPackageOf(params.code, DELIMITERS[query.delimiter], query.locale);
      attachment(res, 'application/json; charset=utf-8', 'datapackage.json');
      res.send(JSON.stringify(pkg, null, 2));
    },
  });

  const common = { ...FilterFields, delimiter, locale, part };
  const tables = [
    {
      kind: 'tally',
      summary: 'Obstacles × regions (and overall with CI, respondents per region)',
      query: z.object(common).strict(),
      make: (q: Filters): TableRequest => ({ kind: 'tally', filters: filtersOf(q) }),
    },
    {
      kind: 'question',
      summary: 'Tally of one question by a dimension',
      query: z.object({ ...common, question: name, by: ByDimension.default('region') }).strict(),
      make: (q: Filters & { question: string; by: z.infer<typeof ByDimension> }): TableRequest => ({
        kind: 'question',
        question: q.question,
        by: q.by,
        filters: filtersOf(q),
      }),
    },
    {
      kind: 'crosstab',
      summary: 'Crosstab of two questions: counts, row %, column % and the chi-square test',
      query: z.object({ ...common, row: name, col: name }).strict(),
      make: (q: Filters & { row: string; col: string }): TableRequest => ({
        kind: 'crosstab',
        row: q.row,
        col: q.col,
        filters: filtersOf(q),
      }),
    },
    {
      kind: 'region',
      summary: "A region's obstacles against its country and overall; its municipalities",
      query: z.object({ ...common, regionCode: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/) }).strict(),
      make: (q: Filters & { regionCode: string }): TableRequest => ({
        kind: 'region',
        region: q.regionCode,
        filters: filtersOf(q),
      }),
    },
    {
      kind: 'compare',
      summary: 'One question in this wave (A) and another (B), per region',
      query: z.object({ ...common, b: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), question: name }).strict(),
      make: (q: Filters & { b: string; question: string }): TableRequest => ({
        kind: 'compare',
        b: q.b,
        question: q.question,
        filters: filtersOf(q),
      }),
    },
  ] as const;

  for (const t of tables) {
    for (const format of ['csv', 'xlsx'] as const) {
      api.route({
        method: 'get',
        path: `/waves/{code}/exports/${t.kind}.${format}`,
        summary: `${t.summary} as ${format.toUpperCase()}${format === 'csv' ? ' (one table; `part` picks which)' : ' (one sheet per table)'}`,
        access: 'researcher',
        tags,
        params: WaveParams,
        query: t.query as z.ZodType<Record<string, unknown>>,
        responses: format === 'csv' ? csvResponse : xlsxResponse,
        handler: async ({ params, query }, _req, res) => {
          const q = query as Filters & { delimiter: keyof typeof DELIMITERS; locale: 'ru' | 'en' | 'uk'; part: number };
          const request = (t.make as (x: unknown) => TableRequest)(q);
          const sheets = await tableSheets(params.code, request, q.locale);
          await sendSheets(res, sheets, format, `${params.code}-${t.kind}`, DELIMITERS[q.delimiter], q.part, q.locale);
        },
      });
    }
  }
}
