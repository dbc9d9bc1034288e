// Counts per group for a set of variables, from one of two sources:
//  - kept:  the wave's cube (cube.service.ts): per region × municipality type × size class ×
//           respondent role × status, choice counts and number summaries. Every filter over those
//           dimensions and every grouping by one of them is a sum over the cells that pass: a few
//           thousand small documents at most, held in memory and refreshed cell by cell;
//  - scan:  a cursor over the responses that pass the filters, counted here. Kept for what the
//           cube cannot answer (a crosstab of two questions) and as the reference recount
//           (`source: 'scan'` forces it).
// Both apply the researchers' codes of "other" answers, so both give the same numbers.
import { ResponseModel } from '../responses/response.model';
import { answeredKey, escapeKey } from './catalogue';
import {
  codingCells,
  mergeNum,
  newKept,
  passes,
  readCubeView,
  remember,
  type CubeCell,
  type NumAgg,
} from './cube.service';
import { loadCodings, recoded, type CodingIndex } from './coding.service';
import { DIMENSION_FIELD, DIMENSIONS, responseQuery, type Dimension, type Filters } from './filters';
import { isCategorical, type Variable } from './variables';
import { abortable } from '../db/abortable';
import { longCursorOptions, longRead, yielder } from '../db/long-reads';
import { currentSignal } from '../http/request-context';

export type By = Dimension | 'none';
export const ALL = 'all';

export type GroupAgg = {
  respondents: number;
  /** variable → respondents who answered it */
  answered: Map<string, number>;
  /** variable → value → respondents who chose it */
  counts: Map<string, Map<string, number>>;
  /** variable → the numbers given (numeric and rating variables, scan only; the cube keeps `stats`) */
  numbers: Map<string, number[]>;
  /** variable → n, sum, sum of squares, min, max and distribution (numeric and rating variables) */
  stats: Map<string, NumAgg>;
};

export type Collected = { groups: Map<string, GroupAgg>; source: 'kept' | 'scan' };

export const newGroup = (): GroupAgg => ({
  respondents: 0,
  answered: new Map(),
  counts: new Map(),
  numbers: new Map(),
  stats: new Map(),
});

function bump(g: GroupAgg, variable: string, value: string, by = 1): void {
  const m = g.counts.get(variable) ?? new Map<string, number>();
  m.set(value, (m.get(value) ?? 0) + by);
  g.counts.set(variable, m);
}

export type ScanDoc = {
  _id: string;
  regionCode: string;
  municipalityType?: string;
  sizeClass?: string;
  respondentRole?: string;
  answers: Record<string, unknown>;
};

export const SCAN_FIELDS = {
  _id: 1,
  regionCode: 1,
  municipalityType: 1,
  sizeClass: 1,
  respondentRole: 1,
  answers: 1,
} as const;

export function groupOf(r: ScanDoc, by: By): string {
  if (by === 'none') return ALL;
  return String((r as unknown as Record<string, unknown>)[DIMENSION_FIELD[by]] ?? '');
}

/**
 * Streams the responses that pass the filters (no sort: order does not matter for counting); the
 * cursor closes when the request it serves ends (db/abortable.ts).
 */
export async function* scanResponses(
  wave: string,
  filters: Filters,
  opts: { signal?: AbortSignal; maxTimeMS?: number } = {},
): AsyncGenerator<ScanDoc> {
  // A long read: on the long-read pool (db/long-reads.ts), the driver stops it with its signal,
  // and the loop lets the event loop in between rows.
  const signal = opts.signal ?? currentSignal();
  const query = longRead(ResponseModel).find(responseQuery(wave, filters), SCAN_FIELDS).lean<ScanDoc>();
  if (opts.maxTimeMS) query.maxTimeMS(opts.maxTimeMS);
  const cursor = query.cursor(longCursorOptions(signal));
  const pause = yielder();
  for await (const r of abortable(cursor, signal)) {
    yield r;
    await pause();
  }
}

/** A respondent's values of a categorical variable after coding of "other" answers. */
export function valuesOf(v: Variable, r: ScanDoc, codings: CodingIndex): string[] | undefined {
  const values = v.values(r.answers ?? {});
  if (!values || values.length === 0) return undefined;
  return [...new Set(recoded(values, codings.byResponse.get(r._id)?.get(v.name)))];
}

export async function collect(opts: {
  wave: string;
  variables: Variable[];
  by: By;
  filters: Filters;
  numbers?: boolean;
  codings?: CodingIndex;
  /** 'scan' recounts from the raw responses (the reference the cube is tested against). */
  source?: 'kept' | 'scan';
}): Promise<Collected> {
  const codings = opts.codings ?? (await loadCodings(opts.wave));
  if (opts.source !== 'scan')
    return fromCube(opts.wave, opts.variables, opts.by, opts.filters, !!opts.numbers, codings);

  const groups = new Map<string, GroupAgg>();
  for await (const r of scanResponses(opts.wave, opts.filters)) {
    const key = groupOf(r, opts.by);
    const g = groups.get(key) ?? newGroup();
    groups.set(key, g);
    g.respondents++;
    for (const v of opts.variables) {
      if (isCategorical(v)) {
        const values = valuesOf(v, r, codings);
        if (values) {
          g.answered.set(v.name, (g.answered.get(v.name) ?? 0) + 1);
          for (const value of values) bump(g, v.name, value);
        }
      }
      if (opts.numbers && v.numeric) {
        const n = v.number(r.answers ?? {});
        if (n !== undefined) {
          const list = g.numbers.get(v.name) ?? [];
          list.push(n);
          g.numbers.set(v.name, list);
          if (!isCategorical(v)) g.answered.set(v.name, (g.answered.get(v.name) ?? 0) + 1);
        }
      }
    }
  }
  return { groups, source: 'scan' };
}

function cloneGroup(g: GroupAgg): GroupAgg {
  return {
    respondents: g.respondents,
    answered: new Map(g.answered),
    counts: new Map([...g.counts].map(([k, m]) => [k, new Map(m)])),
    numbers: new Map([...g.numbers].map(([k, list]) => [k, [...list]])),
    // Same numbers: the copy shares the place where their summary (the median) is kept.
    stats: new Map([...g.stats].map(([k, a]) => [k, { ...a, parts: [...a.parts] }])),
  };
}

/** The cube's sums for one question (variables, grouping, filters), before codings. */
function sumCells(cells: CubeCell[], variables: Variable[], by: By, filters: Filters, numbers: boolean) {
  const groups = new Map<string, GroupAgg>();
  const wanted = variables.map((v) => ({
    v,
    key: escapeKey(v.name),
    answered: answeredKey(v.name),
    categorical: isCategorical(v),
  }));
  for (const cell of cells) {
    if (!passes(cell, filters)) continue;
    const key = by === 'none' ? ALL : cell[by];
    let g = groups.get(key);
    if (!g) groups.set(key, (g = newGroup()));
    g.respondents += cell.n;
    for (const w of wanted) {
      if (w.categorical) {
        const answered = cell.c[w.answered] ?? 0;
        if (answered) g.answered.set(w.v.name, (g.answered.get(w.v.name) ?? 0) + answered);
      }
      const choices = cell.choices.get(w.key);
      if (choices) for (const [value, count] of choices) bump(g, w.v.name, value, count);
      if (numbers && w.v.numeric) {
        const x = cell.x.get(w.key);
        if (!x) continue;
        g.stats.set(w.v.name, mergeNum(g.stats.get(w.v.name), x));
        if (!w.categorical) g.answered.set(w.v.name, (g.answered.get(w.v.name) ?? 0) + x.n);
      }
    }
  }
  return groups;
}

/**
 * The sum over the cube cells that pass the filters, grouped by a dimension. The sums are kept
 * with the cells they were made from (readCubeView's memo, emptied when any cell of the wave
 * changes), so the same table asked again costs the stamp read and a copy; codings are applied
 * on every read.
 */
async function fromCube(
  wave: string,
  variables: Variable[],
  by: By,
  filters: Filters,
  numbers: boolean,
  codings: CodingIndex,
): Promise<Collected> {
  const { cells, memo } = await readCubeView(wave);
  // Filters that select the same cells give the same key (order and repeats of codes do not count).
  const memoKey = JSON.stringify([
    variables.map((v) => v.name),
    by,
    numbers,
    filters.status,
    ...DIMENSIONS.map((d) => (filters[d]?.length ? [...new Set(filters[d])].sort() : null)),
  ]);
  let sums = memo.get(memoKey) as Map<string, GroupAgg> | undefined;
  if (!sums) {
    sums = sumCells(cells, variables, by, filters, numbers);
    for (const g of sums.values()) for (const a of g.stats.values()) a.kept = newKept();
    remember(memo, memoKey, sums);
  }
  const groups = new Map([...sums].map(([k, g]) => [k, cloneGroup(g)]));
  const groupFor = (key: string) => {
    const g = groups.get(key) ?? newGroup();
    groups.set(key, g);
    return g;
  };
  const byName = new Set(variables.map((v) => escapeKey(v.name)));
  // Back-coded "other" answers: move the respondent from "other" to the code (once), in the cell
  // of the response.
  const relevant = codings.list.filter((c) => byName.has(escapeKey(c.variable)));
  if (relevant.length) {
    const where = await codingCells({ ...codings, list: relevant });
    for (const coding of relevant) {
      const cell = where.get(coding.responseId);
      if (!cell || !passes(cell, filters)) continue;
      const g = groupFor(by === 'none' ? ALL : cell[by]);
      bump(g, coding.variable, 'other', -1);
      if (!coding.chosen.includes(coding.code)) bump(g, coding.variable, coding.code, 1);
    }
  }
  return { groups, source: 'kept' };
}
