// Reading an uploaded XLSX table (invitation lists, practices): the heading row and the rows,
// or the one problem that stops it being read.
import ExcelJS from 'exceljs';
import type { InvalidParam } from '../http/errors';
import type { CsvRow } from './csv-read';

/** The text of a cell as the user sees it (numbers, dates, hyperlinks, rich text, formula results). */
export function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value;
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') {
    if ('text' in v && typeof v.text === 'string') return v.text; // hyperlink
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('result' in v && v.result !== undefined) return String(v.result); // formula
  }
  return cell.text ?? '';
}

/**
 * The first worksheet of an XLSX workbook; its first non-empty row names the columns (`headLine`
 * is its row number). Rows whose cells are all blank are dropped; `trim` trims every cell.
 */
export async function readXlsxTable(
  data: Buffer,
  opts: { trim: boolean },
): Promise<{ head: string[]; headLine: number; rows: CsvRow[] } | { problems: InvalidParam[] }> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
  } catch {
    return { problems: [{ name: 'file', reason: 'the file is not an XLSX workbook', code: 'invalid_xlsx' }] };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { problems: [{ name: 'file', reason: 'the workbook has no sheet', code: 'empty' }] };
  const rows: CsvRow[] = [];
  let head: string[] | undefined;
  let headLine = 1;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    for (let c = 1; c <= Math.max(row.cellCount, 1); c++) {
      const text = cellText(row.getCell(c));
      cells.push(opts.trim ? text.trim() : text);
    }
    if (!cells.some((c) => c.trim() !== '')) return;
    if (!head) {
      head = cells;
      headLine = rowNumber;
    } else rows.push({ line: rowNumber, cells });
  });
  if (!head) return { problems: [{ name: 'line 1', reason: 'the sheet is empty', code: 'empty' }] };
  return { head, headLine, rows };
}
