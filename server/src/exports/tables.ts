// Tables as researchers download them, each with its title, its base and filters. CSV: one
// table per file, the statements as `#` comment lines above the header (R's
// read.csv(comment.char = "#") and most CSV readers skip them); XLSX: one clean table per sheet
// (header in row 1, nothing else on the sheet) and the statements on a last "notes" sheet.
import { Readable, Transform, type Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { safeCell, UTF8_BOM } from './csv';

export type SheetCell = string | number | null;
export type Sheet = {
  /** Sheet name (≤ 31 characters, no []:*?/\). */
  name: string;
  title: string;
  /** Base, filters, notes: stated above the table. */
  notes: string[];
  header: string[];
  rows: SheetCell[][];
  /** Columns holding percentages (0–100, shown with one decimal). */
  percentColumns?: number[];
  /** Columns holding dates as `YYYY-MM-DD` text (date cells in XLSX). */
  dateColumns?: number[];
};

type Lng = 'ru' | 'en' | 'uk';
const NOTES = {
  ru: { sheet: 'Примечания', header: ['Лист', 'Примечание'] },
  en: { sheet: 'Notes', header: ['Sheet', 'Note'] },
  uk: { sheet: 'Примітки', header: ['Аркуш', 'Примітка'] },
} as const;

export function withBom(): Transform {
  let first = true;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (first) {
        first = false;
        this.push(UTF8_BOM);
      }
      cb(null, chunk);
    },
    flush(cb) {
      if (first) this.push(UTF8_BOM);
      cb();
    },
  });
}

/** One table as CSV (UTF-8 with BOM); the decimal comma follows a semicolon delimiter (Excel in ru/uk). */
export function sheetCsv(sheet: Sheet, delimiter: string): Readable {
  const comma = delimiter === ';';
  const csv = stringify({
    delimiter,
    record_delimiter: 'windows',
    cast: { number: (n) => (comma ? String(n).replace('.', ',') : String(n)) },
  });
  const comments = [sheet.title, ...sheet.notes].map((line) => `# ${line.replace(/[\r\n]+/g, ' ')}\r\n`).join('');
  const table = Readable.from([sheet.header, ...sheet.rows].map((r) => r.map(safeCell))).pipe(csv);
  return Readable.from(
    (async function* () {
      yield UTF8_BOM + comments;
      for await (const chunk of table) yield chunk as Buffer;
    })(),
  );
}

const sheetName = (name: string, used: Set<string>) => {
  const base =
    name
      .replace(/[[\]:*?/\\]/g, ' ')
      .slice(0, 31)
      .trim() || 'Sheet';
  let n = base;
  for (let i = 2; used.has(n); i++) n = `${base.slice(0, 28)} ${i}`;
  used.add(n);
  return n;
};

const asDate = (v: SheetCell): Date | SheetCell =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : v;

/**
 * Tables as an XLSX workbook written to `out`: one sheet per table with its header in row 1,
 * numbers as numbers, dates as date cells; then a notes sheet with each table's title, base and
 * filters (a table of its own: sheet, note).
 */
export async function sheetsXlsx(sheets: Sheet[], out: Writable, lng: Lng = 'ru'): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'lsg-barometer';
  const used = new Set<string>();
  const names: string[] = [];
  for (const s of sheets) {
    const name = sheetName(s.name, used);
    names.push(name);
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    // Column widths go out with the first committed row in a streamed sheet: set them first.
    s.header.forEach((h, i) => {
      ws.getColumn(i + 1).width = i === 0 ? 30 : Math.min(40, Math.max(10, h.length * 0.8));
    });
    const header = ws.addRow(s.header.map(safeCell));
    header.font = { bold: true };
    header.commit();
    const pct = new Set(s.percentColumns ?? []);
    const dates = new Set(s.dateColumns ?? []);
    for (const r of s.rows) {
      const row = ws.addRow(r.map((v, i) => (v === null ? null : dates.has(i) ? asDate(v) : safeCell(v))));
      for (const i of pct) if (typeof r[i] === 'number') row.getCell(i + 1).numFmt = '0.0';
      for (const i of dates) if (typeof r[i] === 'string') row.getCell(i + 1).numFmt = 'yyyy-mm-dd';
      row.commit();
    }
    ws.commit();
  }
  const notes = wb.addWorksheet(sheetName(NOTES[lng].sheet, used));
  notes.getColumn(1).width = 30;
  notes.getColumn(2).width = 100;
  const head = notes.addRow([...NOTES[lng].header]);
  head.font = { bold: true };
  head.commit();
  sheets.forEach((s, i) => {
    for (const line of [s.title, ...s.notes]) notes.addRow([names[i], safeCell(line)]).commit();
  });
  notes.commit();
  await wb.commit();
}
