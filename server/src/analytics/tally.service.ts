// The tally engine: for a variable, per group (region, municipality type, size class, respondent
// role, or all), the respondents, how many answered, and per answer the count, the share of those
// who answered and its 95% Wilson interval; for numbers n, sum, mean, median, min, max.
// The obstacle × region table is one use of it.
import { BadRequestError } from '../http/errors';
import { obstacles as referenceObstacles, type Localized } from '../reference/reference.service';
import { wilson, summarize, type Summary } from './stats';
import { waveCatalogue } from './catalogue';
import { customCodes, getMinCell, loadCodings, optionsWithCustom } from './coding.service';
import { ALL, collect, newGroup, type By, type GroupAgg } from './collect.service';
import { mergeNum, summarizeAgg, type NumAgg } from './cube.service';
import { describeFilters, dimensionLabel, DIMENSION_NAMES, respondentsWord, type Filters } from './filters';
import { findVariable, isCategorical, type Option, type Variable } from './variables';

export type Cell = {
  count: number | null;
  share: number | null;
  low: number | null;
  high: number | null;
  /** Set when small-cell protection hides the numbers. */
  suppressed?: true;
};
export type NumberCell = (Summary & { suppressed?: never }) | { suppressed: true } | null;

export type Protection = { minCell: number; protect: boolean };

/** A cell, or its suppressed form when it rests on fewer than k respondents. */
export function makeCell(count: number, base: number, p: Protection): Cell {
  if (p.protect && p.minCell > 1 && (base < p.minCell || (count > 0 && count < p.minCell))) {
    return { count: null, share: null, low: null, high: null, suppressed: true };
  }
  const ci = wilson(count, base);
  return { count, share: base > 0 ? count / base : 0, low: ci.low, high: ci.high };
}

export function makeNumberCell(values: number[] | undefined, p: Protection, stats?: NumAgg): NumberCell {
  // From the cube: exact n, sum, mean, min, max, standard deviation; the median as cube.service says.
  const s = stats ? summarizeAgg(stats) : summarize(values ?? []);
  if (!s) return null;
  if (p.protect && p.minCell > 1 && s.n < p.minCell) return { suppressed: true };
  return s;
}

export type Row = {
  code: string;
  names: Localized;
  respondents: number;
  answered: number;
  cells: Record<string, Cell>;
  numbers?: NumberCell;
};

export type Base = { respondents: number; answered: number; filters: Localized; text: Localized; description: string };

const L = (ru: string, en: string, uk: string): Localized => ({ ru, en, uk });

export function baseOf(respondents: number, answered: number, filters: Filters, multi: boolean, p: Protection): Base {
  const f = describeFilters(filters);
  const who = respondentsWord(respondents);
  const parts = {
    ru: [`База: ${respondents} ${who.ru}, из них ответили на вопрос ${answered}`, f.ru],
    en: [`Base: ${respondents} ${who.en}, of whom ${answered} answered the question`, f.en],
    uk: [`База: ${respondents} ${who.uk}, з них відповіли на питання ${answered}`, f.uk],
  };
  const share = L(
    'доли — от ответивших на вопрос, 95% доверительный интервал Уилсона',
    'shares are of those who answered, with 95% Wilson intervals',
    'частки — від тих, хто відповів, 95% довірчий інтервал Вілсона',
  );
  const multiNote = L(
    'можно было выбрать несколько ответов',
    'several answers could be chosen',
    'можна було обрати кілька відповідей',
  );
  const protectNote = L(
    `ячейки, основанные менее чем на ${p.minCell} респондентах, скрыты`,
    `cells based on fewer than ${p.minCell} respondents are suppressed`,
    `клітинки, що спираються на менше ніж ${p.minCell} респондентів, приховано`,
  );
  const text = {} as Localized;
  for (const l of ['ru', 'en', 'uk'] as const) {
    const all = [
      ...parts[l],
      share[l],
      ...(multi ? [multiNote[l]] : []),
      ...(p.protect && p.minCell > 1 ? [protectNote[l]] : []),
    ];
    text[l] = `${all.join('; ')}.`;
  }
  return { respondents, answered, filters: f, text, description: text.en };
}

function row(
  code: string,
  names: Localized,
  g: GroupAgg | undefined,
  v: Variable,
  options: Option[],
  p: Protection,
  numbers: boolean,
): Row {
  const answered = g?.answered.get(v.name) ?? 0;
  const counts = g?.counts.get(v.name);
  const cells: Record<string, Cell> = {};
  if (isCategorical(v)) for (const o of options) cells[o.value] = makeCell(counts?.get(o.value) ?? 0, answered, p);
  return {
    code,
    names,
    respondents: g?.respondents ?? 0,
    answered,
    cells,
    ...(numbers ? { numbers: makeNumberCell(g?.numbers.get(v.name), p, g?.stats.get(v.name)) } : {}),
  };
}

function mergeGroups(groups: Iterable<GroupAgg>): GroupAgg {
  const out: GroupAgg = newGroup();
  for (const g of groups) {
    out.respondents += g.respondents;
    for (const [k, n] of g.answered) out.answered.set(k, (out.answered.get(k) ?? 0) + n);
    for (const [k, m] of g.counts) {
      const t = out.counts.get(k) ?? new Map<string, number>();
      for (const [value, n] of m) t.set(value, (t.get(value) ?? 0) + n);
      out.counts.set(k, t);
    }
    for (const [k, list] of g.numbers) out.numbers.set(k, [...(out.numbers.get(k) ?? []), ...list]);
    for (const [k, a] of g.stats) out.stats.set(k, mergeNum(out.stats.get(k), a));
  }
  return out;
}

export type QuestionTally = {
  wave: { code: string; title: Localized };
  variable: {
    name: string;
    title: Localized;
    kind: Variable['kind'];
    type: string;
    hasOther: boolean;
    numeric: boolean;
  };
  by: By;
  byName: Localized;
  base: Base;
  minCell: number;
  protected: boolean;
  source: 'kept' | 'scan';
  options: Option[];
  groups: Row[];
  total: Row;
};

export function requireVariable(variables: Variable[], name: string, where = 'query.question'): Variable {
  const v = findVariable(variables, name);
  if (!v || v.kind === 'text')
    throw new BadRequestError(`"${name}" is not a choice or numeric question of this wave.`, [
      { name: where, reason: 'unknown question, or a text question' },
    ]);
  return v;
}

/** Tally of one variable of a wave, by a dimension, with filters. */
export async function questionTally(
  waveCode: string,
  variableName: string,
  by: By,
  filters: Filters,
  protect: boolean,
): Promise<QuestionTally> {
  const { wave, variables } = await waveCatalogue(waveCode);
  const v = requireVariable(variables, variableName);
  const [minCell, codings, custom] = await Promise.all([
    getMinCell(wave.code),
    loadCodings(wave.code),
    customCodes(wave.code),
  ]);
  const p = { minCell, protect };
  const options = optionsWithCustom(v, custom);
  const { groups, source } = await collect({
    wave: wave.code,
    variables: [v],
    by,
    filters,
    numbers: v.numeric,
    codings,
  });
  const rows = [...groups.entries()]
    .filter(([, g]) => g.respondents > 0)
    .map(([code, g]) => row(code, dimensionLabel(by, code), g, v, options, p, v.numeric));
  rows.sort((a, b) => b.respondents - a.respondents || a.code.localeCompare(b.code));
  const all = mergeGroups(groups.values());
  const total = row(ALL, DIMENSION_NAMES.none, all, v, options, p, v.numeric);
  return {
    wave: { code: wave.code, title: wave.title },
    variable: { name: v.name, title: v.title, kind: v.kind, type: v.type, hasOther: v.hasOther, numeric: v.numeric },
    by,
    byName: DIMENSION_NAMES[by],
    base: baseOf(total.respondents, total.answered, filters, v.kind === 'multi', p),
    minCell,
    protected: protect,
    source,
    options,
    groups: by === 'none' ? [] : rows,
    total,
  };
}

export type RegionRow = { code: string; names: Localized; respondents: number; counts: Record<string, Cell> };
export type ObstacleTally = {
  wave: { code: string; title: Localized };
  base: Base;
  minCell: number;
  protected: boolean;
  source: 'kept' | 'scan';
  /** The obstacles variable (the question marked `lsgRole: obstacles`). */
  variable: string | null;
  obstacles: { code: string; labels: Localized }[];
  regions: RegionRow[];
  total: { respondents: number; counts: Record<string, Cell> };
};

/** The obstacle question's options in the reference order, then any others (custom codes). */
function obstacleColumns(options: Option[]): { code: string; labels: Localized }[] {
  const byCode = new Map(options.map((o) => [o.value, o]));
  const out: { code: string; labels: Localized }[] = [];
  for (const o of referenceObstacles) if (byCode.has(o.code)) out.push({ code: o.code, labels: o.labels });
  for (const o of options)
    if (!referenceObstacles.some((r) => r.code === o.value) && o.value !== 'none')
      out.push({ code: o.value, labels: o.labels });
  return out;
}

/** Obstacles × regions of a wave: respondents, count, share, 95% CI; from the kept counts when unfiltered. */
export async function obstacleTally(waveCode: string, filters: Filters, protect = false): Promise<ObstacleTally> {
  const { wave, variables } = await waveCatalogue(waveCode);
  const v = variables.find((x) => x.role === 'obstacles' && isCategorical(x));
  const [minCell, codings, custom] = await Promise.all([
    getMinCell(wave.code),
    loadCodings(wave.code),
    customCodes(wave.code),
  ]);
  const p = { minCell, protect };
  if (!v) {
    return {
      wave: { code: wave.code, title: wave.title },
      base: baseOf(0, 0, filters, true, p),
      minCell,
      protected: protect,
      source: 'kept',
      variable: null,
      obstacles: [],
      regions: [],
      total: { respondents: 0, counts: {} },
    };
  }
  const options = optionsWithCustom(v, custom);
  const columns = obstacleColumns(options);
  const colOptions = columns.map((c) => ({ value: c.code, labels: c.labels }));
  const { groups, source } = await collect({ wave: wave.code, variables: [v], by: 'region', filters, codings });
  const regions: RegionRow[] = [...groups.entries()]
    .filter(([, g]) => g.respondents > 0)
    .map(([code, g]) => {
      const r = row(code, dimensionLabel('region', code), g, v, colOptions, p, false);
      return { code, names: r.names, respondents: r.respondents, counts: r.cells };
    });
  regions.sort((a, b) => b.respondents - a.respondents || a.code.localeCompare(b.code));
  const all = row(ALL, DIMENSION_NAMES.none, mergeGroups(groups.values()), v, colOptions, p, false);
  return {
    wave: { code: wave.code, title: wave.title },
    base: baseOf(all.respondents, all.answered, filters, true, p),
    minCell,
    protected: protect,
    source,
    variable: v.name,
    obstacles: columns,
    regions,
    total: { respondents: all.respondents, counts: all.cells },
  };
}
