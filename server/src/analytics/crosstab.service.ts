// Crosstab of two questions: counts, row and column percentages, and Pearson's chi-square test
// of independence (with a warning when expected counts fall below 5). Counted from the responses
// that pass the filters; a respondent who chose several answers of a multiple-choice question
// counts in each of them, so the test is only offered when both questions are single-choice.
import { BadRequestError, ConflictError } from '../http/errors';
import type { Localized } from '../reference/reference.service';
import { chiSquareTest, fisherExact, type ChiSquare } from './stats';
import { complementary, disclosureRule, primary, type DisclosureRule, type Equation } from './disclosure';
import { waveCatalogue } from './catalogue';
import { optionsWithCustom, type CodingIndex } from './coding.service';
import { waveRules, type KRequest } from './tally.service';
import { collect, scanResponses, valuesOf } from './collect.service';
import {
  describeFilters,
  dimensionLabel,
  DIMENSION_NAMES,
  DIMENSIONS,
  plural,
  respondentsWord,
  type Dimension,
  type Filters,
} from './filters';
import type { Option, Variable } from './variables';

export type CrossCell = { count: number | null; rowShare: number | null; colShare: number | null; suppressed?: true };

export type Crosstab = {
  wave: { code: string; title: Localized };
  row: { name: string; title: Localized; kind: Variable['kind'] };
  col: { name: string; title: Localized; kind: Variable['kind'] };
  rows: Option[];
  cols: Option[];
  /** cells[i][j]: respondents with row answer i and column answer j */
  cells: CrossCell[][];
  rowTotals: (number | null)[];
  colTotals: (number | null)[];
  n: number;
  /**
   * Pearson's chi-square; on a table with an expected count below 5 its p is not valid: for a
   * 2 × 2 table Fisher's exact test (`fisher`) is given instead, for a larger one `invalid` says so.
   */
  chiSquare: ChiSquare | null;
  test: { method: 'chi-square' | 'fisher'; p: number } | { method: 'invalid'; p: null } | null;
  /** Why there is no test: 'multi' (a multiple-choice question), 'too_small' (fewer than 2 non-empty rows or columns). */
  noTest?: 'multi' | 'too_small';
  base: { respondents: number; filters: Localized; text: Localized };
} & DisclosureRule & {
    /**
     * kept: a profile dimension (row `@region`, `@municipalityType`, `@sizeClass`, `@respondentRole`)
     * × a question, summed from the kept cube; scan: two questions, counted from the responses
     * (inside the request for a few respondents, else by a `crosstab` job).
     */
    source: 'kept' | 'scan';
  };

/** A row of `@<dimension>` asks for a profile dimension × question table (from the cube). */
export function profileDimension(name: string): Dimension | undefined {
  const d = name.startsWith('@') ? name.slice(1) : '';
  return (DIMENSIONS as readonly string[]).includes(d) ? (d as Dimension) : undefined;
}

function categorical(variables: Variable[], name: string, where: string): Variable {
  const v = variables.find((x) => x.name === name);
  if (!v || (v.kind !== 'single' && v.kind !== 'multi'))
    throw new BadRequestError(`"${name}" is not a choice question of this wave.`, [
      { name: where, reason: 'unknown question, or not a choice question' },
    ]);
  return v;
}

/**
 * A crosstab of two questions is counted from the responses (the cube keeps no pairs). Inside a
 * request only while the respondents who pass the filters (known from the cube) are at most this
 * many — a second or so on the embedded store; beyond, it runs as a job (`crosstab` jobs).
 */
export const INLINE_PAIR_LIMIT = 2_000;

export type ScanProgress = {
  onProgress?: (rowsDone: number) => Promise<void>;
  signal?: AbortSignal;
  maxTimeMS?: number;
};

/** Respondents who pass the filters, from the kept cube (the job's rows to go through). */
export async function respondentsPassing(waveCode: string, filters: Filters): Promise<number> {
  const { groups } = await collect({ wave: waveCode, variables: [], by: 'none', filters, codings: NO_CODINGS });
  return [...groups.values()].reduce((s, g) => s + g.respondents, 0);
}

const NO_CODINGS: CodingIndex = { list: [], byResponse: new Map() };

/**
 * The crosstab the researcher's page asks for: a profile dimension × a question from the cube;
 * two questions counted from the responses here when few pass the filters, else 409
 * `crosstab_needs_job` (the page starts a `crosstab` job, see jobs.service).
 */
export async function crosstabRead(
  waveCode: string,
  rowName: string,
  colName: string,
  filters: Filters,
  kReq: KRequest = {},
): Promise<Crosstab> {
  if (!profileDimension(rowName)) {
    const { wave } = await waveCatalogue(waveCode);
    await checkPair(waveCode, rowName, colName);
    const n = await respondentsPassing(wave.code, filters);
    if (n > INLINE_PAIR_LIMIT)
      throw new ConflictError(
        'crosstab_needs_job',
        `A crosstab of two questions is counted from the responses (${n} pass the filters, more than ${INLINE_PAIR_LIMIT}): start it as a job with POST /api/waves/${wave.code}/crosstab/jobs.`,
        { respondents: n, limit: INLINE_PAIR_LIMIT },
      );
  }
  return crosstab(waveCode, rowName, colName, filters, kReq);
}

/** Throws 400 unless row and column are two different choice questions of the wave. */
export async function checkPair(waveCode: string, rowName: string, colName: string): Promise<void> {
  const { variables } = await waveCatalogue(waveCode);
  const rv = categorical(variables, rowName, 'query.row');
  const cv = categorical(variables, colName, 'query.col');
  if (rv.name === cv.name)
    throw new BadRequestError('Choose two different questions.', [{ name: 'query.col', reason: 'same as row' }]);
}

export async function crosstab(
  waveCode: string,
  rowName: string,
  colName: string,
  filters: Filters,
  kReq: KRequest = {},
  scan: ScanProgress = {},
): Promise<Crosstab> {
  const { wave, variables } = await waveCatalogue(waveCode);
  const dim = profileDimension(rowName);
  if (dim) return profileCrosstab(waveCode, dim, categorical(variables, colName, 'query.col'), filters, kReq);
  const rv = categorical(variables, rowName, 'query.row');
  const cv = categorical(variables, colName, 'query.col');
  if (rv.name === cv.name)
    throw new BadRequestError('Choose two different questions.', [{ name: 'query.col', reason: 'same as row' }]);
  const { k, minimum, codings, custom } = await waveRules(wave.code, kReq);
  const rows = optionsWithCustom(rv, custom);
  const cols = optionsWithCustom(cv, custom);
  const ri = new Map(rows.map((o, i) => [o.value, i]));
  const ci = new Map(cols.map((o, i) => [o.value, i]));
  const counts = rows.map(() => cols.map(() => 0));
  const rowTotals = rows.map(() => 0);
  const colTotals = cols.map(() => 0);
  let n = 0;
  let seen = 0;
  for await (const r of scanResponses(wave.code, filters, scan)) {
    if (++seen % 500 === 0) await scan.onProgress?.(seen);
    const a = valuesOf(rv, r, codings)?.filter((v) => ri.has(v));
    const b = valuesOf(cv, r, codings)?.filter((v) => ci.has(v));
    if (!a?.length || !b?.length) continue;
    n++;
    for (const x of a) rowTotals[ri.get(x)!]++;
    for (const y of b) colTotals[ci.get(y)!]++;
    for (const x of a) for (const y of b) counts[ri.get(x)!][ci.get(y)!]++;
  }
  await scan.onProgress?.(seen);
  const table = { rows, cols, counts, rowTotals, colTotals, n };
  return finish({ wave, row: rv, col: cv, ...table, filters, k, minimum, source: 'scan' });
}

type Parts = {
  wave: { code: string; title: Localized };
  row: Pick<Variable, 'name' | 'title' | 'kind'>;
  col: Pick<Variable, 'name' | 'title' | 'kind'>;
  rows: Option[];
  cols: Option[];
  counts: number[][];
  rowTotals: number[];
  colTotals: number[];
  n: number;
  filters: Filters;
  k: number;
  minimum: number;
  source: 'kept' | 'scan';
};

function finish(parts: Parts): Crosstab {
  const { wave, row: rv, col: cv, rows, cols, counts, rowTotals, colTotals, n, filters, k, minimum, source } = parts;
  // Cells i·C + j, row totals at R·C + i, column totals at R·C + R + j, n last (always shown).
  const R = rows.length;
  const C = cols.length;
  const values = [...counts.flat(), ...rowTotals, ...colTotals, n];
  const N = values.length - 1;
  const hidden = [
    ...counts.flat().map((c) => primary(c, n, k)),
    ...rowTotals.map((t) => primary(t, n, k)),
    ...colTotals.map((t) => primary(t, n, k)),
    false,
  ];
  // A respondent has one answer to a single-choice question: its rows (columns) add up.
  const equations: Equation[] = [];
  if (cv.kind === 'single') {
    for (let i = 0; i < R; i++) equations.push({ parts: cols.map((_c, j) => i * C + j), total: R * C + i });
    equations.push({ parts: cols.map((_c, j) => R * C + R + j), total: N });
  }
  if (rv.kind === 'single') {
    for (let j = 0; j < C; j++) equations.push({ parts: rows.map((_r, i) => i * C + j), total: R * C + R + j });
    equations.push({ parts: rows.map((_r, i) => R * C + i), total: N });
  }
  const h = complementary(values, hidden, equations, (i) => i === N);
  const rowHidden = (i: number) => h[R * C + i];
  const colHidden = (j: number) => h[R * C + R + j];
  const cells = counts.map((line, i) =>
    line.map((c, j): CrossCell => {
      if (h[i * C + j]) return { count: null, rowShare: null, colShare: null, suppressed: true };
      // A share of a hidden total would give the total away.
      return {
        count: c,
        rowShare: rowHidden(i) ? null : rowTotals[i] ? c / rowTotals[i] : 0,
        colShare: colHidden(j) ? null : colTotals[j] ? c / colTotals[j] : 0,
      };
    }),
  );
  const multi = rv.kind === 'multi' || cv.kind === 'multi';
  const chi = multi ? undefined : chiSquareTest(counts);
  const test: Crosstab['test'] = !chi
    ? null
    : !chi.warning
      ? { method: 'chi-square', p: chi.p }
      : chi.cells === 4
        ? { method: 'fisher', p: fisher2x2(counts) }
        : { method: 'invalid', p: null };
  const f = describeFilters(filters);
  const who = respondentsWord(n);
  const note = profileDimension(rv.name)
    ? {
        ru: `База: ${n} ${who.ru}, ${plural('ru', n, { one: 'ответивший', other: 'ответивших' })} на вопрос; ${f.ru}.`,
        en: `Base: ${n} ${who.en} who answered the question; ${f.en}.`,
        uk: `База: ${n} ${who.uk}, ${plural('uk', n, { one: 'який відповів', other: 'які відповіли' })} на питання; ${f.uk}.`,
      }
    : {
        ru: `База: ${n} ${who.ru}, ${plural('ru', n, { one: 'ответивший', other: 'ответивших' })} на оба вопроса; ${f.ru}.`,
        en: `Base: ${n} ${who.en} who answered both questions; ${f.en}.`,
        uk: `База: ${n} ${who.uk}, ${plural('uk', n, { one: 'який відповів', other: 'які відповіли' })} на обидва питання; ${f.uk}.`,
      };
  return {
    wave: { code: wave.code, title: wave.title },
    row: { name: rv.name, title: rv.title, kind: rv.kind },
    col: { name: cv.name, title: cv.title, kind: cv.kind },
    rows,
    cols,
    cells,
    rowTotals: rowTotals.map((t, i) => (rowHidden(i) ? null : t)),
    colTotals: colTotals.map((t, j) => (colHidden(j) ? null : t)),
    n,
    chiSquare: chi ?? null,
    test,
    ...(multi ? { noTest: 'multi' as const } : chi ? {} : { noTest: 'too_small' as const }),
    base: { respondents: n, filters: f, text: note },
    ...disclosureRule(k, minimum),
    source,
  };
}

/** Profile dimension × question, summed from the kept cube (no scan). */
async function profileCrosstab(
  waveCode: string,
  dim: Dimension,
  cv: Variable,
  filters: Filters,
  kReq: KRequest,
): Promise<Crosstab> {
  const { wave } = await waveCatalogue(waveCode);
  const { k, minimum, codings, custom } = await waveRules(wave.code, kReq);
  const cols = optionsWithCustom(cv, custom);
  const { groups } = await collect({ wave: wave.code, variables: [cv], by: dim, filters, codings });
  const present = [...groups.entries()]
    .filter(([, g]) => (g.answered.get(cv.name) ?? 0) > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  const rows: Option[] = present.map(([code]) => ({ value: code, labels: dimensionLabel(dim, code) }));
  const counts = present.map(([, g]) => cols.map((o) => g.counts.get(cv.name)?.get(o.value) ?? 0));
  // A respondent is in one row: the row total is who answered; a column total sums the counts.
  const rowTotals = present.map(([, g]) => g.answered.get(cv.name) ?? 0);
  const colTotals = cols.map((_o, j) => counts.reduce((s, line) => s + line[j], 0));
  const n = rowTotals.reduce((s, x) => s + x, 0);
  const table = { rows, cols, counts, rowTotals, colTotals, n };
  const row = { name: `@${dim}`, title: DIMENSION_NAMES[dim], kind: 'single' as const };
  return finish({
    wave: { code: wave.code, title: wave.title },
    row,
    col: cv,
    ...table,
    filters,
    k,
    minimum,
    source: 'kept',
  });
}

/** Fisher's exact p of the 2 × 2 table left when empty rows and columns are dropped. */
function fisher2x2(counts: number[][]): number {
  const rows = counts.filter((r) => r.some((c) => c > 0));
  const used = rows[0].map((_c, j) => j).filter((j) => rows.some((r) => r[j] > 0));
  const [a, b] = used.map((j) => rows[0][j]);
  const [c, d] = used.map((j) => rows[1][j]);
  return fisherExact(a, b, c, d);
}
