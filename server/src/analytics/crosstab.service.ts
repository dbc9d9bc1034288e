// Crosstab of two questions: counts, row and column percentages, and Pearson's chi-square test
// of independence (with a warning when expected counts fall below 5). Counted from the responses
// that pass the filters; a respondent who chose several answers of a multiple-choice question
// counts in each of them, so the test is only offered when both questions are single-choice.
import { BadRequestError } from '../http/errors';
import type { Localized } from '../reference/reference.service';
import { chiSquareTest, type ChiSquare } from './stats';
import { waveCatalogue } from './catalogue';
import { customCodes, getMinCell, loadCodings, optionsWithCustom } from './coding.service';
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
  chiSquare: ChiSquare | null;
  /** Why there is no test: 'multi' (a multiple-choice question), 'too_small' (fewer than 2 non-empty rows or columns). */
  noTest?: 'multi' | 'too_small';
  base: { respondents: number; filters: Localized; text: Localized };
  minCell: number;
  protected: boolean;
  /**
   * kept: a profile dimension (row `@region`, `@municipalityType`, `@sizeClass`, `@respondentRole`)
   * × a question, summed from the kept cube; scan: two questions, counted from the responses.
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

export async function crosstab(
  waveCode: string,
  rowName: string,
  colName: string,
  filters: Filters,
  protect: boolean,
): Promise<Crosstab> {
  const { wave, variables } = await waveCatalogue(waveCode);
  const dim = profileDimension(rowName);
  if (dim) return profileCrosstab(waveCode, dim, categorical(variables, colName, 'query.col'), filters, protect);
  const rv = categorical(variables, rowName, 'query.row');
  const cv = categorical(variables, colName, 'query.col');
  if (rv.name === cv.name)
    throw new BadRequestError('Choose two different questions.', [{ name: 'query.col', reason: 'same as row' }]);
  const [minCell, codings, custom] = await Promise.all([
    getMinCell(wave.code),
    loadCodings(wave.code),
    customCodes(wave.code),
  ]);
  const rows = optionsWithCustom(rv, custom);
  const cols = optionsWithCustom(cv, custom);
  const ri = new Map(rows.map((o, i) => [o.value, i]));
  const ci = new Map(cols.map((o, i) => [o.value, i]));
  const counts = rows.map(() => cols.map(() => 0));
  const rowTotals = rows.map(() => 0);
  const colTotals = cols.map(() => 0);
  let n = 0;
  for await (const r of scanResponses(wave.code, filters)) {
    const a = valuesOf(rv, r, codings)?.filter((v) => ri.has(v));
    const b = valuesOf(cv, r, codings)?.filter((v) => ci.has(v));
    if (!a?.length || !b?.length) continue;
    n++;
    for (const x of a) rowTotals[ri.get(x)!]++;
    for (const y of b) colTotals[ci.get(y)!]++;
    for (const x of a) for (const y of b) counts[ri.get(x)!][ci.get(y)!]++;
  }
  return finish({
    wave,
    row: rv,
    col: cv,
    rows,
    cols,
    counts,
    rowTotals,
    colTotals,
    n,
    filters,
    protect,
    minCell,
    source: 'scan',
  });
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
  protect: boolean;
  minCell: number;
  source: 'kept' | 'scan';
};

function finish({
  wave,
  row: rv,
  col: cv,
  rows,
  cols,
  counts,
  rowTotals,
  colTotals,
  n,
  filters,
  protect,
  minCell,
  source,
}: Parts): Crosstab {
  const k = minCell;
  const hide = (c: number) => protect && k > 1 && c > 0 && c < k;
  const cells = counts.map((line, i) =>
    line.map((c, j): CrossCell => {
      if (hide(c) || (protect && k > 1 && (rowTotals[i] < k || colTotals[j] < k) && c > 0))
        return { count: null, rowShare: null, colShare: null, suppressed: true };
      return {
        count: c,
        rowShare: rowTotals[i] ? c / rowTotals[i] : 0,
        colShare: colTotals[j] ? c / colTotals[j] : 0,
      };
    }),
  );
  const multi = rv.kind === 'multi' || cv.kind === 'multi';
  const test = multi ? undefined : chiSquareTest(counts);
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
    rowTotals: rowTotals.map((t) => (hide(t) ? null : t)),
    colTotals: colTotals.map((t) => (hide(t) ? null : t)),
    n,
    chiSquare: test ?? null,
    ...(multi ? { noTest: 'multi' as const } : test ? {} : { noTest: 'too_small' as const }),
    base: { respondents: n, filters: f, text: note },
    minCell,
    protected: protect,
    source,
  };
}

/** Profile dimension × question, summed from the kept cube (no scan). */
async function profileCrosstab(
  waveCode: string,
  dim: Dimension,
  cv: Variable,
  filters: Filters,
  protect: boolean,
): Promise<Crosstab> {
  const { wave } = await waveCatalogue(waveCode);
  const [minCell, codings, custom] = await Promise.all([
    getMinCell(wave.code),
    loadCodings(wave.code),
    customCodes(wave.code),
  ]);
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
  return finish({
    wave: { code: wave.code, title: wave.title },
    row: { name: `@${dim}`, title: DIMENSION_NAMES[dim], kind: 'single' },
    col: cv,
    rows,
    cols,
    counts,
    rowTotals,
    colTotals,
    n,
    filters,
    protect,
    minCell,
    source: 'kept',
  });
}
