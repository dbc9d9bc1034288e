// Tables as researchers download them: each table a sheet with its title, its base and filters
// stated above the header. CSV: one table per file, the statements as `#` comment lines (R's
// read.csv(comment.char = "#") and most CSV readers skip them); XLSX: one sheet per table.
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
};

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

/** Tables as an XLSX workbook, one sheet each, written to `out`. */
export async function sheetsXlsx(sheets: Sheet[], out: Writable): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'lsg-barometer';
  const used = new Set<string>();
  for (const s of sheets) {
    const ws = wb.addWorksheet(sheetName(s.name, used));
    // Column widths go out with the first committed row in a streamed sheet: set them first.
    s.header.forEach((h, i) => {
      ws.getColumn(i + 1).width = i === 0 ? 30 : Math.min(40, Math.max(10, h.length * 0.8));
    });
    const title = ws.addRow([s.title]);
    title.font = { bold: true, size: 13 };
    title.commit();
    for (const note of s.notes) ws.addRow([note]).commit();
    ws.addRow([]).commit();
    const header = ws.addRow(s.header.map(safeCell));
    header.font = { bold: true };
    header.commit();
    const pct = new Set(s.percentColumns ?? []);
    for (const r of s.rows) {
      const row = ws.addRow(r.map((v) => (v === null ? '' : safeCell(v))));
      for (const i of pct) if (typeof r[i] === 'number') row.getCell(i + 1).numFmt = '0.0';
      row.commit();
    }
    ws.commit();
  }
  await wb.commit();
}
