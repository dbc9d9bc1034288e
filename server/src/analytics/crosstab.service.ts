// Crosstab of two questions: counts, row and column percentages, and Pearson's chi-square test
// of independence (with a warning when expected counts fall below 5). Counted from the responses
// that pass the filters; a respondent who chose several answers of a multiple-choice question
// counts in each of them, so the test is only offered when both questions are single-choice.
import { BadRequestError } from '../http/errors';
import type { Localized } from '../reference/reference.service';
import { chiSquareTest, type ChiSquare } from './stats';
import { waveCatalogue } from './catalogue';
import { customCodes, getMinCell, loadCodings, optionsWithCustom } from './coding.service';
import { scanResponses, valuesOf } from './collect.service';
import { describeFilters, plural, respondentsWord, type Filters } from './filters';
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
};

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
  const note = {
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
  };
}
