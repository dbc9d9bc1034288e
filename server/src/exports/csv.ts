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
  if (value instanceof Date) return value.toISOString();
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

export const DELIMITERS = { semicolon: ';', comma: ',', tab: '\t' } as const;
export type DelimiterName = keyof typeof DELIMITERS;
