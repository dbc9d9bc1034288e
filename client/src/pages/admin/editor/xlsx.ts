// The translation table as an XLSX workbook for a translator, and back: rows matched by key,
// with a report of every cell that changed. exceljs is loaded only when a file is made or read.
import { collectTexts, setText, TEXT_LOCALES, type TextLocale } from '../../../../../server/src/questionnaires/texts';

export type TranslationChange = { key: string; locale: TextLocale; before: string; after: string };
export type TranslationImport = {
  definition: Record<string, unknown>;
  changes: TranslationChange[];
  /** Keys in the file that name no text of the questionnaire (ignored). */
  unknownKeys: string[];
  /** Texts of the questionnaire the file has no row for (left as they were). */
  absentKeys: string[];
};

const SHEET = 'translations';

async function excel() {
  return (await import('exceljs')).default;
}

/** One row per text: key, ru, uk, en (the key column is what the import matches on). */
export async function translationsWorkbook(definition: Record<string, unknown>): Promise<ArrayBuffer> {
  const ExcelJS = await excel();
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(SHEET);
  ws.columns = [
    { header: 'key', key: 'key', width: 40 },
    ...TEXT_LOCALES.map((l) => ({ header: l, key: l, width: 60 })),
  ];
  ws.getRow(1).font = { bold: true };
  ws.views = [{ state: 'frozen', ySplit: 1, xSplit: 1 }];
  for (const t of collectTexts(definition)) {
    const row = ws.addRow({ key: t.key, ...t.values });
    row.alignment = { wrapText: true, vertical: 'top' };
  }
  return (await wb.xlsx.writeBuffer()) as ArrayBuffer;
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') {
    const o = v as { richText?: { text: string }[]; text?: unknown; result?: unknown };
    if (Array.isArray(o.richText)) return o.richText.map((r) => r.text).join('');
    if (o.text !== undefined) return String(o.text);
    if (o.result !== undefined) return String(o.result);
  }
  return String(v);
}

/** Reads a workbook made by translationsWorkbook (columns found by their header) into the definition. */
export async function importTranslations(
  definition: Record<string, unknown>,
  data: ArrayBuffer,
): Promise<TranslationImport> {
  const ExcelJS = await excel();
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(data);
  const ws = wb.getWorksheet(SHEET) ?? wb.worksheets[0];
  if (!ws) throw new Error('the workbook has no sheet');
  const header = ws.getRow(1);
  const col: Partial<Record<'key' | TextLocale, number>> = {};
  header.eachCell((cell, n) => {
    const h = cellText(cell.value).trim().toLowerCase();
    if (h === 'key' || (TEXT_LOCALES as readonly string[]).includes(h)) col[h as 'key' | TextLocale] = n;
  });
  if (!col.key) throw new Error('the first row has no "key" column');
  const texts = new Map(collectTexts(definition).map((t) => [t.key, t]));
  const seen = new Set<string>();
  const changes: TranslationChange[] = [];
  const unknownKeys: string[] = [];
  let def = definition;
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const key = cellText(row.getCell(col.key!).value).trim();
    if (!key) return;
    const entry = texts.get(key);
    if (!entry) {
      unknownKeys.push(key);
      return;
    }
    seen.add(key);
    for (const l of TEXT_LOCALES) {
      if (!col[l]) continue;
      const after = cellText(row.getCell(col[l]).value).trim();
      const before = entry.values[l];
      if (after === before.trim()) continue;
      def = setText(def, entry.path, l, after);
      changes.push({ key, locale: l, before, after });
    }
  });
  return { definition: def, changes, unknownKeys, absentKeys: [...texts.keys()].filter((k) => !seen.has(k)) };
}
