// Practices in and out of spreadsheets: one practice a row, list cells separated by `;`.
// Reading checks every row and reports each problem by line, column and value; the caller
// imports nothing unless every row is valid. Pure apart from parsing: no database.
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { z } from 'zod';
import type { InvalidParam } from '../http/errors';
import { safeCell, UTF8_BOM } from '../exports/csv';
import { readCsvTable } from '../exports/csv-read';
import { readXlsxTable } from '../exports/xlsx-read';
import { PracticeFieldsSchema, type PracticeFields } from './practices.schema';

export const MAX_IMPORT_ROWS = 5_000;

type Kind = 'text' | 'list' | 'int' | 'country' | 'attachments';
type Column = { heading: string; field: keyof PracticeFields; kind: Kind };

/** The columns of the import file and of the export, in order (the export adds id, status, dates). */
export const COLUMNS: Column[] = [
  { heading: 'title', field: 'title', kind: 'text' },
  { heading: 'language', field: 'language', kind: 'text' },
  { heading: 'problem', field: 'problem', kind: 'text' },
  { heading: 'actions', field: 'actions', kind: 'text' },
  { heading: 'results', field: 'results', kind: 'text' },
  { heading: 'municipalities', field: 'municipalities', kind: 'list' },
  { heading: 'municipality_count', field: 'municipalityCount', kind: 'int' },
  { heading: 'country', field: 'country', kind: 'country' },
  { heading: 'regions', field: 'regions', kind: 'list' },
  { heading: 'municipality_types', field: 'municipalityTypes', kind: 'list' },
  { heading: 'size_classes', field: 'sizeClasses', kind: 'list' },
  { heading: 'obstacles', field: 'obstacles', kind: 'list' },
  { heading: 'forms', field: 'forms', kind: 'list' },
  { heading: 'fields', field: 'fields', kind: 'list' },
  { heading: 'year_from', field: 'yearFrom', kind: 'int' },
  { heading: 'year_to', field: 'yearTo', kind: 'int' },
  { heading: 'source', field: 'source', kind: 'text' },
  { heading: 'contact', field: 'contact', kind: 'text' },
  { heading: 'attachments', field: 'attachments', kind: 'attachments' },
];
/** Columns the export writes that an import ignores (so an export can be edited and imported again). */
const EXPORT_ONLY = ['id', 'status', 'created_at', 'updated_at', 'published_at'];
const REQUIRED = ['title', 'language'];

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
const splitList = (s: string) =>
  s
    .split(';')
    .map((x) => x.trim())
    .filter(Boolean);
/** An exported cell neutralised against formulas ('=…) reads back as it was. */
const unguard = (s: string) => (/^'[=+\-@]/.test(s) ? s.slice(1) : s);

export type ParsedPractices = { rows: { line: number; practice: PracticeFields }[]; problems: InvalidParam[] };

function rawValue(kind: Kind, cell: string): unknown {
  switch (kind) {
    case 'list':
      return splitList(cell);
    case 'attachments':
      return splitList(cell).map((url) => ({ title: '', url }));
    case 'int':
      if (!cell) return null;
      return /^-?\d{1,9}$/.test(cell.replace(/[\s\u00a0]/g, '')) ? Number(cell.replace(/[\s\u00a0]/g, '')) : cell;
    case 'country':
      return cell.toUpperCase();
    default:
      return cell;
  }
}

function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'url' in value) return String((value as { url: unknown }).url);
  return JSON.stringify(value);
}

/** Checks the cells of every row (already text, by heading) and builds the practices. */
export function checkPracticeRows(table: { line: number; cells: string[] }[], headings: string[]): ParsedPractices {
  const problems: InvalidParam[] = [];
  const index = new Map<string, number>();
  headings.forEach((h, i) => {
    const n = norm(h);
    if (!n) return;
    if (COLUMNS.some((c) => c.heading === n)) {
      if (!index.has(n)) index.set(n, i);
    } else if (!EXPORT_ONLY.includes(n)) {
      problems.push({
        name: `line 1.${h}`,
        reason: `unknown column "${h}" (columns: ${COLUMNS.map((c) => c.heading).join(', ')})`,
        code: 'unknown_column',
      });
    }
  });
  for (const r of REQUIRED)
    if (!index.has(r))
      problems.push({
        name: `line 1.${r}`,
        reason: `no "${r}" column (the first line names the columns)`,
        code: 'missing_column',
      });
  if (problems.length) return { rows: [], problems };
  if (table.length === 0)
    return { rows: [], problems: [{ name: 'line 2', reason: 'the file has no practices', code: 'empty' }] };
  if (table.length > MAX_IMPORT_ROWS)
    return {
      rows: [],
      problems: [
        {
          name: `line ${MAX_IMPORT_ROWS + 2}`,
          reason: `at most ${MAX_IMPORT_ROWS} practices per import`,
          code: 'too_many',
        },
      ],
    };

  const rows: ParsedPractices['rows'] = [];
  for (const { line, cells } of table) {
    const raw: Record<string, unknown> = {};
    const cellOf = new Map<string, string>();
    for (const c of COLUMNS) {
      const i = index.get(c.heading);
      const cell = i === undefined ? '' : unguard((cells[i] ?? '').trim());
      cellOf.set(c.field, cell);
      raw[c.field] = rawValue(c.kind, cell);
    }
    if (typeof raw.language === 'string') raw.language = raw.language.toLowerCase();
    const result = PracticeFieldsSchema.safeParse(raw);
    if (result.success) {
      rows.push({ line, practice: result.data });
      continue;
    }
    for (const issue of (result.error as z.ZodError).issues) {
      const field = String(issue.path[0] ?? '');
      const column = COLUMNS.find((c) => c.field === field);
      const heading = column?.heading ?? field;
      let value: unknown = cellOf.get(field) ?? '';
      if (issue.path.length > 1 && Array.isArray(raw[field])) value = (raw[field] as unknown[])[Number(issue.path[1])];
      problems.push({
        name: `line ${line}.${heading}`,
        reason: `${JSON.stringify(shown(value))}: ${issue.message}`,
        code: issue.code,
      });
    }
  }
  return { rows, problems };
}

/** CSV with a heading line; `;`, `,` or tab separated (detected from the heading line). */
export function parsePracticesCsv(text: string): ParsedPractices {
  // List cells use `;` too: `;` is taken only when it splits the heading line into the most cells.
  const table = readCsvTable(text, { trim: false, shortReason: false });
  return 'problems' in table ? { rows: [], problems: table.problems } : checkPracticeRows(table.rows, table.head);
}

/** The first worksheet; its first non-empty row names the columns. */
export async function parsePracticesXlsx(data: Buffer): Promise<ParsedPractices> {
  const table = await readXlsxTable(data, { trim: false });
  return 'problems' in table ? { rows: [], problems: table.problems } : checkPracticeRows(table.rows, table.head);
}

// ---- export ----

export type ExportablePractice = PracticeFields & {
  id: string;
  status: string;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
};

const HEADINGS = ['id', 'status', ...COLUMNS.map((c) => c.heading), 'created_at', 'updated_at', 'published_at'];

function cellsOf(p: ExportablePractice): (string | number)[] {
  const out: unknown[] = [p.id, p.status];
  for (const c of COLUMNS) {
    const v = p[c.field];
    if (c.kind === 'attachments') out.push((v as { url: string }[]).map((a) => a.url).join('; '));
    else if (Array.isArray(v)) out.push(v.join('; '));
    else out.push(v ?? '');
  }
  out.push(p.createdAt, p.updatedAt, p.publishedAt ?? '');
  return out.map(safeCell);
}

export function practicesCsv(list: ExportablePractice[]): string {
  return UTF8_BOM + stringify([HEADINGS, ...list.map(cellsOf)], { delimiter: ',', record_delimiter: 'windows' });
}

export async function practicesXlsx(list: ExportablePractice[], sheetName = 'practices'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(HEADINGS).font = { bold: true };
  for (const p of list) sheet.addRow(cellsOf(p));
  sheet.columns.forEach((c) => (c.width = 24));
  return Buffer.from((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
}

/** A table (heading row + rows) as CSV text or an XLSX workbook, for the coverage export. */
export function tableCsv(rows: (string | number)[][]): string {
  return (
    UTF8_BOM +
    stringify(
      rows.map((r) => r.map(safeCell)),
      { delimiter: ',', record_delimiter: 'windows' },
    )
  );
}

export async function tableXlsx(rows: (string | number)[][], sheetName: string): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  rows.forEach((r, i) => {
    const row = sheet.addRow(r.map(safeCell));
    if (i === 0) row.font = { bold: true };
  });
  sheet.columns.forEach((c, i) => (c.width = i === 1 ? 48 : 14));
  return Buffer.from((await workbook.xlsx.writeBuffer()) as ArrayBuffer);
}
