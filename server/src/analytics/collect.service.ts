// Counts per group for a set of variables, from one of two sources:
//  - kept:  the wave's counter documents (unfiltered, completed responses, by region or overall);
//           the hot path: a handful of small documents whatever the number of responses;
//  - scan:  a cursor over the responses that pass the filters, counted here. Filtered tallies,
//           other groupings, numbers (medians need every value) and crosstabs come from this path:
//           all combinations of filters cannot be kept in advance.
// Both apply the researchers' codes of "other" answers, so both give the same numbers.
import { ResponseModel } from '../responses/response.model';
import { readCounters } from './counters.service';
import { answeredKey, unescapeKey } from './catalogue';
import { loadCodings, recoded, type CodingIndex } from './coding.service';
import { DIMENSION_FIELD, isUnfiltered, responseQuery, type Dimension, type Filters } from './filters';
import { isCategorical, type Variable } from './variables';
import { abortable } from '../db/abortable';

export type By = Dimension | 'none';
export const ALL = 'all';

export type GroupAgg = {
  respondents: number;
  /** variable → respondents who answered it */
  answered: Map<string, number>;
  /** variable → value → respondents who chose it */
  counts: Map<string, Map<string, number>>;
  /** variable → the numbers given (numeric and rating variables, scan only) */
  numbers: Map<string, number[]>;
};

export type Collected = { groups: Map<string, GroupAgg>; source: 'kept' | 'scan' };

const newGroup = (): GroupAgg => ({ respondents: 0, answered: new Map(), counts: new Map(), numbers: new Map() });

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
export function scanResponses(wave: string, filters: Filters) {
  return abortable(
    ResponseModel.find(responseQuery(wave, filters), SCAN_FIELDS).lean<ScanDoc>().cursor({ batchSize: 1000 }),
  );
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
}): Promise<Collected> {
  const codings = opts.codings ?? (await loadCodings(opts.wave));
  const keptOk = isUnfiltered(opts.filters) && (opts.by === 'region' || opts.by === 'none') && !opts.numbers;
  if (keptOk && opts.variables.every(isCategorical)) return fromCounters(opts.wave, opts.variables, opts.by, codings);

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

async function fromCounters(wave: string, variables: Variable[], by: By, codings: CodingIndex): Promise<Collected> {
  const kept = await readCounters(wave);
  const wanted = new Map(variables.map((v) => [v.name, v]));
  const groups = new Map<string, GroupAgg>();
  const groupFor = (region: string) => {
    const key = by === 'none' ? ALL : region;
    const g = groups.get(key) ?? newGroup();
    groups.set(key, g);
    return g;
  };
  for (const [region, { n, c }] of kept) {
    const g = groupFor(region);
    g.respondents += n;
    for (const v of variables) {
      const answered = c[answeredKey(v.name)] ?? 0;
      if (answered) g.answered.set(v.name, (g.answered.get(v.name) ?? 0) + answered);
    }
    for (const [key, count] of Object.entries(c)) {
      const eq = key.indexOf('=');
      if (eq < 0) continue;
      const variable = unescapeKey(key.slice(0, eq));
      if (!wanted.has(variable) || !count) continue;
      bump(g, variable, unescapeKey(key.slice(eq + 1)), count);
    }
  }
  // Back-coded "other" answers: move the respondent from "other" to the code (once).
  for (const coding of codings.list) {
    if (!wanted.has(coding.variable) || !kept.has(coding.region)) continue;
    const g = groupFor(coding.region);
    bump(g, coding.variable, 'other', -1);
    if (!coding.chosen.includes(coding.code)) bump(g, coding.variable, coding.code, 1);
  }
  return { groups, source: 'kept' };
}
