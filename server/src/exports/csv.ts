/** Excel reads UTF-8 (and so Cyrillic) correctly only when the file starts with a BOM. */
export const UTF8_BOM = '\uFEFF';

/**
 * Neutralises spreadsheet formulas: a text cell starting with = + - @ (or a tab/CR that
 * Excel strips) is prefixed with an apostrophe so it is shown, never evaluated.
 */
export function safeCell(value: unknown): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof Date) return isoSeconds(value);
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** A timestamp as written in CSV files: ISO 8601 in UTC, whole seconds (`2026-03-01T09:30:00Z`). */
export const isoSeconds = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A cell of the raw responses CSV: neutralised like safeCell, and a line break inside a text
 * made a space, so that every response is one line (PSPP and SPSS read a record per line).
 */
export function csvCell(value: unknown): string | number {
  const v = safeCell(value);
  return typeof v === 'string' ? v.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ') : v;
}

export const DELIMITERS = { semicolon: ';', comma: ',', tab: '\t' } as const;
export type DelimiterName = keyof typeof DELIMITERS;
