// One description of "an export": which file (table × format) with which options. The direct GET
// downloads and the export jobs both turn their input into an ExportRequest and write it with
// writeExport, so a job's file is byte for byte what the GET route sends.
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { z } from 'zod';
import { FilterFields, filtersOf } from '../analytics/filters';
import { ByDimension, KField } from '../analytics/analytics.schema';
import { getMinCell } from '../analytics/coding.service';
import { effectiveK } from '../analytics/disclosure';
import type { AuthUser } from '../auth/roles';
import { waveCatalogue } from '../analytics/catalogue';
import { DELIMITERS } from './csv';
import { TABLE_FORMAT } from '../http/shared-schemas';
import {
  codebook,
  countRawRows,
  dataPackageOf,
  fileNames,
  responsesCsv,
  responsesXlsx,
  syntaxFile,
  tableSheets,
  type RowOptions,
  type TableRequest,
} from './exports.service';
import { sheetCsv, sheetsXlsx } from './tables';

export const Delimiter = z.enum(['semicolon', 'comma', 'tab']).default('semicolon');
export const ExportLocale = z.enum(['ru', 'en', 'uk']).default('ru');
const name = z.string().min(1).max(200);
const part = z.coerce.number().int().min(0).max(10).default(0);
/** Order of the rows of per-region tables: by region name (in the export's language) or by code. */
const RowOrder = z.enum(['name', 'code']);
const common = { ...FilterFields, delimiter: Delimiter, locale: ExportLocale, part, k: KField };

/** Options of each analysis table (the same fields as the GET routes' query strings). */
export const TABLE_OPTIONS = {
  tally: z.object(common).strict(),
  question: z
    .object({ ...common, question: name, by: ByDimension.default('region'), order: RowOrder.default('name') })
    .strict(),
  crosstab: z.object({ ...common, row: name, col: name }).strict(),
  region: z.object({ ...common, regionCode: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/) }).strict(),
  compare: z
    .object({
      ...common,
      b: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
      question: name,
      order: RowOrder.default('name'),
    })
    .strict(),
} as const;
export type TableKind = keyof typeof TABLE_OPTIONS;
export const TABLE_KINDS = Object.keys(TABLE_OPTIONS) as TableKind[];

const base = { delimiter: Delimiter, locale: ExportLocale };

/** The body of POST /waves/{code}/exports: `table` defaults to the raw responses. */
export const ExportRequest = z.preprocess(
  (v) => (v && typeof v === 'object' && !('table' in v) ? { ...v, table: 'responses' } : v),
  z.discriminatedUnion('table', [
    z
      .object({ table: z.literal('responses'), format: z.enum(['csv', 'xlsx', 'sps', 'R', 'datapackage']), ...base })
      .strict(),
    z.object({ table: z.literal('codebook'), format: TABLE_FORMAT, ...base }).strict(),
    TABLE_OPTIONS.tally.extend({ table: z.literal('tally'), format: TABLE_FORMAT }),
    TABLE_OPTIONS.question.extend({ table: z.literal('question'), format: TABLE_FORMAT }),
    TABLE_OPTIONS.crosstab.extend({ table: z.literal('crosstab'), format: TABLE_FORMAT }),
    TABLE_OPTIONS.region.extend({ table: z.literal('region'), format: TABLE_FORMAT }),
    TABLE_OPTIONS.compare.extend({ table: z.literal('compare'), format: TABLE_FORMAT }),
  ]),
);
export type ExportRequest = z.infer<typeof ExportRequest>;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What the audit log records of an export: the format, the table and its filters (no data). */
export function exportSummary(r: ExportRequest): Record<string, unknown> {
  const out: Record<string, unknown> = { table: r.table, format: r.format, locale: r.locale };
  if ('status' in r) {
    const f = filtersOf(r);
    out.filters = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined));
  }
  for (const k of ['question', 'by', 'order', 'row', 'col', 'regionCode', 'b', 'part', 'k'] as const) {
    if (k in r) out[k] = (r as Record<string, unknown>)[k];
  }
  return out;
}

function tableRequest(r: ExportRequest): TableRequest {
  switch (r.table) {
    case 'tally':
      return { kind: 'tally', filters: filtersOf(r) };
    case 'question':
      return { kind: 'question', question: r.question, by: r.by, order: r.order, filters: filtersOf(r) };
    case 'crosstab':
      return { kind: 'crosstab', row: r.row, col: r.col, filters: filtersOf(r) };
    case 'region':
      return { kind: 'region', region: r.regionCode, filters: filtersOf(r) };
    case 'compare':
      return { kind: 'compare', b: r.b, question: r.question, order: r.order, filters: filtersOf(r) };
    default:
      throw new Error(`not a table: ${r.table}`);
  }
}

export type PreparedExport = {
  fileName: string;
  contentType: string;
  /** Rows the export will write (raw responses only; null for files whose size does not grow with the wave). */
  rowsTotal: () => Promise<number | null>;
  /** Writes the file to `out` and ends it. */
  write: (out: Writable, opts?: RowOptions) => Promise<void>;
};

/**
 * Checks the wave exists (404 before any header is sent) and that the caller may use the k asked
 * for (403; `trusted`: checked when the job was queued), and says how to write the file.
 */
export async function prepareExport(
  code: string,
  r: ExportRequest,
  user?: Pick<AuthUser, 'roles'>,
  trusted = false,
): Promise<PreparedExport> {
  const { wave } = await waveCatalogue(code);
  const k = 'k' in r ? r.k : undefined;
  if (k !== undefined) effectiveK(await getMinCell(wave.code), k, user, trusted);
  const sep = DELIMITERS[r.delimiter];
  const names = fileNames(wave.code);
  const none = () => Promise.resolve(null);
  const text =
    (make: () => Promise<string>) =>
    async (out: Writable): Promise<void> => {
      const body = await make();
      await new Promise<void>((resolve, reject) => out.end(body, () => resolve()).once('error', reject));
    };
  if (r.table === 'responses') {
    switch (r.format) {
      case 'csv':
        return {
          fileName: names.csv,
          contentType: 'text/csv; charset=utf-8',
          rowsTotal: () => countRawRows(wave.code),
          write: async (out, opts) => pipeline(await responsesCsv(wave.code, sep, r.locale, opts), out),
        };
      case 'xlsx':
        return {
          fileName: names.xlsx,
          contentType: XLSX_TYPE,
          rowsTotal: () => countRawRows(wave.code),
          write: async (out, opts) => {
            await responsesXlsx(wave.code, r.locale, out, opts);
            if (!out.writableEnded) out.end();
          },
        };
      case 'sps':
      case 'R':
        return {
          fileName: r.format === 'sps' ? names.sps : names.r,
          contentType: 'text/plain; charset=utf-8',
          rowsTotal: none,
          write: text(async () => {
            const body = await syntaxFile(wave.code, r.format === 'sps' ? 'sps' : 'r', sep, r.locale);
            return r.format === 'sps' ? `\uFEFF${body}` : body;
          }),
        };
      case 'datapackage':
        return {
          fileName: names.datapackage,
          contentType: 'application/json; charset=utf-8',
          rowsTotal: none,
          write: text(async () => JSON.stringify(await dataPackageOf(wave.code, sep, r.locale), null, 2)),
        };
    }
  }
  const sheets =
    r.table === 'codebook'
      ? async () => [await codebook(wave.code, r.locale)]
      : () => tableSheets(wave.code, tableRequest(r), r.locale, { k, trusted: true });
  const file = r.table === 'codebook' ? `${wave.code}-codebook` : `${wave.code}-${r.table}`;
  const index = 'part' in r ? r.part : 0;
  if (r.format === 'xlsx') {
    return {
      fileName: `${file}.xlsx`,
      contentType: XLSX_TYPE,
      rowsTotal: none,
      write: async (out) => {
        await sheetsXlsx(await sheets(), out, r.locale);
        if (!out.writableEnded) out.end();
      },
    };
  }
  return {
    fileName: `${file}.csv`,
    contentType: 'text/csv; charset=utf-8',
    rowsTotal: none,
    write: async (out) => {
      const all = await sheets();
      await pipeline(sheetCsv(all[Math.min(index, all.length - 1)], sep), out);
    },
  };
}
