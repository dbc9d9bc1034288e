// Answers that are files to save (CSV, XLSX, ZIP...): the headers every download route sends.
import type { Response } from 'express';

/** The file's name as a header can carry it: characters other than A-Z a-z 0-9 . _ - become `_`. */
export const safeFileName = (file: string): string => file.replace(/[^A-Za-z0-9._-]/g, '_');

/** Starts a 200 answer that the browser saves as `file` (never cached: exports hold personal data). */
export function attachment(res: Response, type: string, file: string): void {
  res.status(200);
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Disposition', `attachment; filename="${safeFileName(file)}"`);
  res.setHeader('Cache-Control', 'no-store');
}
