// Exports stream from a cursor: memory stays flat whatever the wave's size. Tables shared
// outside the tool apply the same disclosure rule as the screen (analytics/disclosure.ts).
import { pipeline, Readable, type Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { ResponseModel } from '../responses/response.model';
import { scanOrder } from '../db/connection';
import { currentSignal } from '../http/request-context';
import { anySignal, longCursorOptions, longRead, yielder } from '../db/long-reads';
import { abortable } from '../db/abortable';
import { findRegion, type Localized } from '../reference/reference.service';
import { waveCatalogue } from '../analytics/catalogue';
import { loadCodings } from '../analytics/coding.service';
import { respondentCounts } from '../analytics/counters.service';
import { obstacleTally, questionTally, type KRequest } from '../analytics/tally.service';
import { crosstab } from '../analytics/crosstab.service';
import { compareWaves } from '../analytics/compare.service';
import { regionProfile } from '../analytics/region.service';
import { textAnswers } from '../analytics/texts.service';
import { findVariable } from '../analytics/variables';
import type { Filters } from '../analytics/filters';
import type { By } from '../analytics/collect.service';
import { allColumns, answerColumns, dynamicQuestions, FIXED_COLUMNS, type Column } from './columns';
import { csvCell, safeCell } from './csv';
import { codebookSheet, dataPackage, rScript, spssSyntax } from './labelled';
import {
  compareSheets,
  crosstabSheets,
  questionSheets,
  regionSheets,
  tallySheets,
  textSheets,
  type Lng,
  type RowOrder,
} from './table-builders';
import { withBom, type Sheet } from './tables';

type ResponseDoc = {
  _id: string;
  waveCode: string;
  questionnaireId: string;
  status: string;
  submittedAt: Date;
  startedAt: Date | null;
  locale: string;
  regionCode: string;
  municipality: string;
  municipalityType: string;
  sizeClass: string;
  respondentRole: string;
  answers: Record<string, unknown>;
};

const RAW_FIELDS = {
  waveCode: 1,
  questionnaireId: 1,
  status: 1,
  submittedAt: 1,
  startedAt: 1,
  locale: 1,
  regionCode: 1,
  municipality: 1,
  municipalityType: 1,
  sizeClass: 1,
  respondentRole: 1,
  answers: 1,
} as const;

/** Progress and cancellation of a long export (a job, or a request whose client may go away). */
export type RowOptions = {
  /** Called every ROW_BATCH rows (and at the end) with the rows written so far; awaited, may throw to stop. */
  onProgress?: (rowsDone: number) => Promise<void>;
  /** Aborting closes the cursor and fails the export. */
  signal?: AbortSignal;
  /** Time limit of the cursor on the store. */
  maxTimeMS?: number;
};
export const ROW_BATCH = 500;
/** Default time limit of an export's cursor: generous, since the cursor is also closed on abort. */
export const EXPORT_CURSOR_MAX_MS = 60 * 60_000;

/**
 * How many rows a raw export (or a recount) of the wave will have, for the progress bar: the
 * completed responses in the wave's kept counters, a read of a few small documents. Not a count
 * over the responses: on the embedded FerretDB that is one more full scan, filtered in memory,
 * and at 100,000 responses on a loaded machine it ran past its 60 s limit and failed the export
 * job (benchmark of 2026-11-30). The kept counts may trail the responses by the catch-up's grace
 * time; the percent is capped at 100. Null (no total, an indeterminate bar) if it cannot be read.
 */
export async function countRawRows(waveCode: string): Promise<number | null> {
  try {
    return (await respondentCounts([waveCode])).get(waveCode) ?? 0;
  } catch {
    return null;
  }
}

export const fileNames = (wave: string) => ({
  csv: `${wave}-responses.csv`,
  xlsx: `${wave}-responses.xlsx`,
  sps: `${wave}-responses.sps`,
  r: `${wave}-responses.R`,
  datapackage: 'datapackage.json',
});

/**
 * How many rows/panels of each matrixdynamic/paneldynamic question get columns: the most any
 * complete response of the wave has (one pass over just those answers; none when the
 * questionnaire has no such question).
 */
export async function dynamicInstances(
  waveCode: string,
  definition: object,
  maxTimeMS = EXPORT_CURSOR_MAX_MS,
  signal?: AbortSignal,
): Promise<Record<string, number>> {
  const names = dynamicQuestions(definition);
  const out: Record<string, number> = Object.fromEntries(names.map((n) => [n, 0]));
  if (!names.length) return out;
  // A value name with a dot or `$` cannot be projected on its own: read the whole answers then.
  const projection = names.every((n) => /^[^.$]+$/.test(n))
    ? Object.fromEntries(names.map((n) => [`answers.${n}`, 1]))
    : { answers: 1 };
  // A long read: on the long-read pool, stopped with the request or job (`signal`, else the
  // request's own), yielding to the event loop as it goes.
  const cursor = longRead(ResponseModel)
    .find({ waveCode, status: 'complete' }, projection)
    .lean<{ answers?: Record<string, unknown> }>()
    .maxTimeMS(maxTimeMS)
    .cursor(longCursorOptions(signal ?? currentSignal()));
  const pause = yielder();
  for await (const r of abortable(cursor, signal)) {
    for (const n of names) {
      const v = r.answers?.[n];
      if (Array.isArray(v) && v.length > out[n]) out[n] = v.length;
    }
    await pause();
  }
  return out;
}

/** The columns of a wave's raw export (dynamic rows and panels as many as its responses have). */
async function waveColumns(waveCode: string, definition: object) {
  return allColumns(definition, await dynamicInstances(waveCode, definition));
}

/** The raw rows of a wave as arrays of values (timestamps as Dates), in column order. */
async function rawRows(
  waveCode: string,
  lng: Lng,
  opts: RowOptions = {},
): Promise<{ header: string[]; described: Omit<Column, 'value'>[]; rows: AsyncIterable<unknown[]> }> {
  // The request's signal (deadline, client gone) stops a direct download too; a job passes its own.
  const signal = anySignal(opts.signal, currentSignal());
  const { wave, questionnaire } = await waveCatalogue(waveCode);
  const instances = await dynamicInstances(wave.code, questionnaire.definition, opts.maxTimeMS, signal);
  signal?.throwIfAborted();
  const columns: Column[] = answerColumns(questionnaire.definition, instances);
  const codings = await loadCodings(wave.code);
  signal?.throwIfAborted();
  // Headers are neutralised like cells: a name stored before names were checked (or a choice
  // value in a 0/1 column's name) must not start a formula either.
  const header = [...FIXED_COLUMNS.map((c) => c.name), ...columns.map((c) => c.name)].map((h) => String(safeCell(h)));
  // Rows in the order the store can walk cheaply (db/connection.ts scanOrder): `_id` order on
  // MongoDB, storage order on the embedded FerretDB. Not sorted by submission time: that sort
  // happens in the store's memory on FerretDB and fails at 100,000 responses.
  // On the long-read pool (db/long-reads.ts): a health check or a submission never waits for a
  // connection behind an export's batches. The driver gets the signal too: an export aborted while
  // its first batch is queued or in flight lets go of its connection at once.
  const order = await scanOrder();
  const query = longRead(ResponseModel).find({ waveCode: wave.code, status: 'complete' }, RAW_FIELDS);
  if (order) query.sort(order);
  const cursor = query
    .lean<ResponseDoc>()
    .maxTimeMS(opts.maxTimeMS ?? EXPORT_CURSOR_MAX_MS)
    .cursor(longCursorOptions(signal));
  const { onProgress } = opts;
  const rows = (async function* () {
    let done = 0;
    const pause = yielder();
    // abortable: the cursor is closed (killCursors) as soon as the signal aborts, and counted
    // among the open cursors while it is read.
    for await (const r of abortable(cursor, signal)) {
      const answers = r.answers ?? {};
      const ctx = { answers, codes: codings.byResponse.get(r._id) };
      const fixed = [
        r._id,
        r.waveCode,
        r.questionnaireId,
        Number(r.questionnaireId.split('@')[1]) || '',
        r.status,
        r.submittedAt,
        r.startedAt,
        r.locale,
        r.regionCode,
        findRegion(r.regionCode)?.names[lng] ?? '',
        r.municipality,
        r.municipalityType,
        r.sizeClass,
        r.respondentRole,
      ];
      yield [...fixed, ...columns.map((c) => c.value(ctx))];
      if (++done % ROW_BATCH === 0 && onProgress) await onProgress(done);
      // Let other requests in between rows (the rows of a batch arrive without any I/O wait).
      await pause();
    }
    signal?.throwIfAborted();
    await onProgress?.(done);
  })();
  return { header, described: [...FIXED_COLUMNS, ...columns], rows };
}

/**
 * Raw responses of a wave as CSV (UTF-8 with BOM): one row per response, one column per answer
 * variable, one line per response (line breaks inside texts become spaces), timestamps in UTC
 * as ISO 8601 to the second.
 */
export async function responsesCsv(
  waveCode: string,
  delimiter: string,
  lng: Lng,
  opts: RowOptions = {},
): Promise<Readable> {
  const { header, rows } = await rawRows(waveCode, lng, opts);
  const csv = stringify({ delimiter, header: true, columns: header, record_delimiter: 'windows' });
  const cells = (async function* () {
    for await (const r of rows) yield r.map(csvCell);
  })();
  // pipeline (not .pipe) so an error of the cursor (abort, time limit) reaches the returned stream.
  return pipeline(Readable.from(cells), csv, withBom(), () => undefined);
}

export const XLSX_DATETIME = 'yyyy-mm-dd hh:mm:ss';
export const XLSX_DATE = 'yyyy-mm-dd';

/**
 * Waits while `out` is over its high-water mark. ExcelJS writes rows without looking at
 * backpressure, so without this a slow destination (a slow client, the job's chunk writes)
 * would let the zip's output pile up in memory.
 */
function drained(out: Writable): Promise<void> {
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const settle = (err?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', settle);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new Error('the destination closed before the file was written'));
    out.once('drain', onDrain);
    out.once('close', onClose);
    out.once('error', settle);
  });
}

/** Raw responses as XLSX, streamed row by row (ExcelJS WorkbookWriter), with the codebook as a second sheet. */
export async function responsesXlsx(waveCode: string, lng: Lng, out: Writable, opts: RowOptions = {}): Promise<void> {
  const { wave, questionnaire } = await waveCatalogue(waveCode);
  const { header, described, rows } = await rawRows(waveCode, lng, opts);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = 'lsg-barometer';
  const ws = wb.addWorksheet('responses');
  header.forEach((_h, i) => {
    ws.getColumn(i + 1).width = 16;
  });
  const head = ws.addRow(header);
  head.font = { bold: true };
  head.commit();
  for await (const r of rows) {
    const row = ws.addRow(r.map((v) => (v instanceof Date ? v : v === '' || v === null ? null : safeCell(v))));
    r.forEach((v, i) => {
      if (v instanceof Date) row.getCell(i + 1).numFmt = XLSX_DATETIME;
    });
    row.commit();
    await drained(out);
  }
  ws.commit();
  const book = codebookSheet(described, lng, [`${wave.title[lng]} (${wave.code}), ${questionnaire.id}`]);
  const cb = wb.addWorksheet(book.name.slice(0, 31));
  cb.addRow(book.header).commit();
  for (const r of book.rows) cb.addRow(r.map(safeCell)).commit();
  cb.commit();
  await wb.commit();
}

export async function codebook(waveCode: string, lng: Lng): Promise<Sheet> {
  const { wave, questionnaire } = await waveCatalogue(waveCode);
  return codebookSheet(await waveColumns(wave.code, questionnaire.definition), lng, [
    `${wave.title[lng]} (${wave.code}), ${questionnaire.id}`,
    `${fileNames(wave.code).csv}`,
  ]);
}

const header = (wave: { code: string; title: Localized }, qid: string, lng: Lng) =>
  `lsg-barometer: ${wave.title[lng]} (${wave.code}), ${qid}`;

export async function syntaxFile(waveCode: string, kind: 'sps' | 'r', delimiter: string, lng: Lng): Promise<string> {
  const { wave, questionnaire } = await waveCatalogue(waveCode);
  const cols = await waveColumns(wave.code, questionnaire.definition);
  const csv = fileNames(wave.code).csv;
  return kind === 'sps'
    ? spssSyntax(cols, csv, delimiter, lng, header(wave, questionnaire.id, lng))
    : rScript(cols, csv, delimiter, lng, header(wave, questionnaire.id, lng));
}

export async function dataPackageOf(waveCode: string, delimiter: string, lng: Lng): Promise<Record<string, unknown>> {
  const { wave, questionnaire } = await waveCatalogue(waveCode);
  return dataPackage(await waveColumns(wave.code, questionnaire.definition), {
    name: `lsg-barometer-${wave.code}`,
    title: wave.title[lng],
    csvFile: fileNames(wave.code).csv,
    delimiter,
    lng,
    description: `${header(wave, questionnaire.id, lng)}. One row per completed response; checkbox choices are 0/1 columns, matrix rows one column each, matrix cells and dynamic rows/panels <question>__<row or number>__<cell>.`,
  });
}

export type TableRequest =
  | { kind: 'tally'; filters: Filters }
  | { kind: 'question'; question: string; by: By; order?: RowOrder; filters: Filters }
  | { kind: 'crosstab'; row: string; col: string; filters: Filters }
  | { kind: 'region'; region: string; filters: Filters }
  | { kind: 'compare'; b: string; question: string; order?: RowOrder; filters: Filters };

/** The most answers a text question's table export holds (the raw export has them all). */
export const TEXT_EXPORT_MAX = 50_000;

/**
 * The sheets of an analysis table: built by the same services as the screen, so the same
 * disclosure rule (k, complementary suppression) applies to both.
 */
export async function tableSheets(waveCode: string, t: TableRequest, lng: Lng, kReq: KRequest = {}): Promise<Sheet[]> {
  switch (t.kind) {
    case 'tally':
      return tallySheets(await obstacleTally(waveCode, t.filters, kReq), lng);
    case 'question': {
      // A text question: its answers, one row each, with the region's code and name.
      const { wave, variables } = await waveCatalogue(waveCode);
      const v = findVariable(variables, t.question);
      if (v?.kind === 'text') {
        const texts = await textAnswers(wave.code, {
          question: v.name,
          filters: t.filters,
          limit: TEXT_EXPORT_MAX,
          offset: 0,
        });
        return textSheets({ code: wave.code, title: wave.title }, v.title, texts, lng, t.order);
      }
      return questionSheets(await questionTally(waveCode, t.question, t.by, t.filters, kReq), lng, t.order);
    }
    case 'crosstab':
      return crosstabSheets(await crosstab(waveCode, t.row, t.col, t.filters, kReq), lng);
    case 'region':
      return regionSheets(await regionProfile(waveCode, t.region, t.filters, kReq), lng);
    case 'compare':
      return compareSheets(await compareWaves(waveCode, t.b, t.question, t.filters, kReq), lng, t.order);
  }
}
