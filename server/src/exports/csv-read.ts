// Reading an uploaded CSV table (invitation lists, practices): the heading line and the rows,
// or the one problem that stops it being read.
import { parse } from 'csv-parse/sync';
import type { InvalidParam } from '../http/errors';

/** A data row of the file: its line number (for messages) and its cells. */
export type CsvRow = { line: number; cells: string[] };

/**
 * CSV with a heading line; `;`, `,` or tab separated (the one that splits the heading line into
 * the most cells). A leading BOM is dropped, and so are rows whose cells are all blank. `trim`
 * trims every cell; `shortReason` drops the parser's own prefix from the reason of a file it cannot read.
 */
export function readCsvTable(
  text: string,
  opts: { trim: boolean; shortReason: boolean },
): { head: string[]; rows: CsvRow[] } | { problems: InvalidParam[] } {
  const body = text.replace(/^\uFEFF/, '');
  const firstLine = body.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = [';', '\t', ','].reduce((best, d) =>
    firstLine.split(d).length > firstLine.split(best).length ? d : best,
  );
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(body, {
      delimiter,
      relax_column_count: true,
      skip_empty_lines: true,
      ...(opts.trim ? { trim: true } : {}),
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    const message = String(e.message ?? '');
    const reason = `the CSV cannot be read: ${opts.shortReason ? message.replace(/^.*?:\s*/, '') : message}`;
    return { problems: [{ name: `line ${e.lines ?? 1}`, reason, code: 'invalid_csv' }] };
  }
  const [head, ...rest] = records;
  if (!head) return { problems: [{ name: 'line 1', reason: 'the file is empty', code: 'empty' }] };
  return {
    head: head.record,
    rows: rest
      .filter((r) => r.record.some((c) => c.trim() !== ''))
      .map((r) => ({ line: r.info.lines, cells: r.record })),
  };
}
