// The tally engine: for a variable, per group (region, municipality type, size class, respondent
// role, or all), the respondents, how many answered, and per answer the count, the share of those
// who answered and its 95% Wilson interval; for numbers n, sum, mean, median, min, max.
// The obstacle × region table is one use of it.
import { BadRequestError } from '../http/errors';
import { findRegion, obstacles as referenceObstacles, type Localized } from '../reference/reference.service';
import type { AuthUser } from '../auth/roles';
import { complementary, disclosureRule, effectiveK, primary, type DisclosureRule, type Equation } from './disclosure';
import { wilson, summarize, type Summary } from './stats';
import { waveCatalogue } from './catalogue';
import { customCodes, getMinCell, loadCodings, optionsWithCustom, type CodingIndex } from './coding.service';
import { ALL, collect, newGroup, type By, type GroupAgg } from './collect.service';
import { keptOfSum, mergeNum, summarizeAgg, type NumAgg } from './cube.service';
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

/** The disclosure rule a table is built with: k from the request, checked against the wave's minimum. */
export type KRequest = { k?: number; user?: Pick<AuthUser, 'roles'>; trusted?: boolean };
export type Protection = { minCell: number; protect: boolean };

const HIDDEN: Cell = { count: null, share: null, low: null, high: null, suppressed: true };

/** A shown cell: count, share of the base, Wilson 95% interval. */
export function shownCell(count: number, base: number): Cell {
  const ci = wilson(count, base);
  return { count, share: base > 0 ? count / base : 0, low: ci.low, high: ci.high };
}

/** The head of a row of a table: the group (region, country, all) and its bases. */
type RowHead = { code: string; names: Localized; respondents: number; answered: number };

export type Row = RowHead & { cells: Record<string, Cell>; numbers?: NumberCell };

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
    `ячейки, основанные менее чем на ${p.minCell} респондентах, скрыты, и ещё столько, чтобы их нельзя было вычислить из итогов`,
    `cells based on fewer than ${p.minCell} respondents are suppressed, and further cells so that none can be worked out from the totals`,
    `клітинки, що спираються на менше ніж ${p.minCell} респондентів, приховано, і ще стільки, щоб їх не можна було обчислити з підсумків`,
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

const COUNTRIES: Record<string, Localized> = {
  RU: { ru: 'Россия', en: 'Russia', uk: 'Росія' },
  UA: { ru: 'Украина', en: 'Ukraine', uk: 'Україна' },
};
export const countryName = (code: string): Localized => COUNTRIES[code] ?? { ru: code, en: code, uk: code };

type Line = { code: string; names: Localized; g: GroupAgg | undefined };

/**
 * The rows of a table of one variable (groups, the total, and optional subtotals that the caller
 * may show, e.g. countries), with the disclosure rule applied across the whole table: primary
 * suppression per cell, then complementary suppression over the table's sums — each column adds
 * up to its subtotal and total, and for a single-choice question each row adds up to its base.
 */
function tableRows(
  lines: Line[],
  total: Line,
  subtotals: { line: Line; members: number[] }[],
  v: Variable,
  options: Option[],
  k: number,
  numbers: boolean,
): { rows: Row[]; total: Row; subtotals: Row[] } {
  const all = [...lines, total, ...subtotals.map((s) => s.line)];
  const R = all.length;
  const m = isCategorical(v) ? options.length : 0;
  const answeredOf = all.map((l) => l.g?.answered.get(v.name) ?? 0);
  const countOf = (r: number, j: number) => all[r].g?.counts.get(v.name)?.get(options[j].value) ?? 0;
  // Cells r·m + j, then one base (answered) per row at R·m + r: bases are always shown.
  const values: number[] = [];
  const hidden: boolean[] = [];
  for (let r = 0; r < R; r++)
    for (let j = 0; j < m; j++) {
      values.push(countOf(r, j));
      hidden.push(primary(countOf(r, j), answeredOf[r], k));
    }
  for (let r = 0; r < R; r++) {
    values.push(answeredOf[r]);
    hidden.push(false);
  }
  const T = lines.length;
  const inSubtotal = new Set(subtotals.flatMap((s) => s.members));
  const equations: Equation[] = [];
  for (let j = 0; j < m; j++) {
    const at = (r: number) => r * m + j;
    subtotals.forEach((s, i) => equations.push({ parts: s.members.map(at), total: at(T + 1 + i) }));
    const top = [
      ...lines.flatMap((_l, r) => (inSubtotal.has(r) ? [] : [at(r)])),
      ...subtotals.map((_s, i) => at(T + 1 + i)),
    ];
    equations.push({ parts: top, total: at(T) });
    // Without subtotals the same column read directly (with them, implied by the two above).
    if (subtotals.length) equations.push({ parts: lines.map((_l, r) => at(r)), total: at(T) });
  }
  if (v.kind === 'single' && m > 0)
    for (let r = 0; r < R; r++) equations.push({ parts: options.map((_o, j) => r * m + j), total: R * m + r });
  const h = complementary(values, hidden, equations, (i) => i >= R * m);

  // Numbers: one summary per row; n and the sum add up over the groups like a column.
  // From the cube (stats: exact n, sum, min, max; the median as cube.service.ts says) or a scan (numbers).
  const summaries = all.map((l) => {
    if (!numbers) return undefined;
    const stats = l.g?.stats.get(v.name);
    return stats ? summarizeAgg(stats) : summarize(l.g?.numbers.get(v.name) ?? []);
  });
  const nHidden = complementary(
    summaries.map((x) => x?.n ?? 0),
    summaries.map((x) => !!x && k > 1 && x.n < k),
    [
      ...subtotals.map((s, i) => ({ parts: s.members, total: T + 1 + i })),
      // The subtotals (and the groups outside any) add up to the total, like the cells' columns.
      ...(subtotals.length
        ? [
            {
              parts: [
                ...lines.flatMap((_l, r) => (inSubtotal.has(r) ? [] : [r])),
                ...subtotals.map((_s, i) => T + 1 + i),
              ],
              total: T,
            },
          ]
        : []),
      { parts: lines.map((_l, r) => r), total: T },
    ],
    (i) => !summaries[i],
  );
  const out = all.map((l, r): Row => {
    const cells: Record<string, Cell> = {};
    options.forEach((o, j) => {
      if (j < m) cells[o.value] = h[r * m + j] ? HIDDEN : shownCell(values[r * m + j], answeredOf[r]);
    });
    const s = summaries[r];
    return {
      code: l.code,
      names: l.names,
      respondents: l.g?.respondents ?? 0,
      answered: answeredOf[r],
      cells,
      ...(numbers ? { numbers: !s ? null : nHidden[r] ? { suppressed: true as const } : s } : {}),
    };
  });
  return { rows: out.slice(0, T), total: out[T], subtotals: out.slice(T + 1) };
}

/** The k of a request for a wave (its minimum unless the caller may and did ask for another). */
export async function resolveK(wave: string, req: KRequest): Promise<{ k: number; minimum: number }> {
  const minimum = await getMinCell(wave);
  return { k: effectiveK(minimum, req.k, req.user, req.trusted), minimum };
}

/** What a wave's tables are computed with: the k in force and its minimum, other-codings, custom codes. */
export async function waveRules(
  wave: string,
  req: KRequest,
): Promise<{ k: number; minimum: number; codings: CodingIndex; custom: Map<string, Option[]> }> {
  const [{ k, minimum }, codings, custom] = await Promise.all([
    resolveK(wave, req),
    loadCodings(wave),
    customCodes(wave),
  ]);
  return { k, minimum, codings, custom };
}

function mergeGroups(groups: Iterable<GroupAgg>): GroupAgg {
  const out: GroupAgg = newGroup();
  const inputs = new Map<string, NumAgg[]>();
  for (const g of groups) {
    out.respondents += g.respondents;
    for (const [k, n] of g.answered) out.answered.set(k, (out.answered.get(k) ?? 0) + n);
    for (const [k, m] of g.counts) {
      const t = out.counts.get(k) ?? new Map<string, number>();
      for (const [value, n] of m) t.set(value, (t.get(value) ?? 0) + n);
      out.counts.set(k, t);
    }
    for (const [k, list] of g.numbers) out.numbers.set(k, [...(out.numbers.get(k) ?? []), ...list]);
    for (const [k, a] of g.stats) {
      out.stats.set(k, mergeNum(out.stats.get(k), a));
      inputs.set(k, [...(inputs.get(k) ?? []), a]);
    }
  }
  // The sum of kept sums is kept too: its median is selected once per held cube, not per read.
  for (const [k, list] of inputs) out.stats.get(k)!.kept = keptOfSum(list);
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
} & DisclosureRule & {
    source: 'kept' | 'scan';
    options: Option[];
    groups: Row[];
    /**
     * By region, when the regions belong to more than one country: one subtotal per country
     * (`code` = the country), with the codes of its regions. The disclosure rule covers them
     * (the regions of a country add up to it).
     */
    subtotals: Subtotal[];
    total: Row;
  };

export type Subtotal = Row & { regions: string[] };

/**
 * The countries of a table by region, as subtotals: none when one country holds every region (its
 * subtotal would repeat the total). Regions of no known country stay outside any subtotal.
 */
function countrySubtotals(lines: Line[]): { line: Line; members: number[] }[] {
  const byCountry = new Map<string, number[]>();
  lines.forEach((l, i) => {
    const c = findRegion(l.code)?.country;
    if (c) byCountry.set(c, [...(byCountry.get(c) ?? []), i]);
  });
  if (byCountry.size === 1 && [...byCountry.values()][0].length === lines.length) return [];
  return [...byCountry.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([c, members]) => ({
      line: { code: c, names: countryName(c), g: mergeGroups(members.map((i) => lines[i].g!)) },
      members,
    }));
}

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
  kReq: KRequest = {},
): Promise<QuestionTally> {
  const { wave, variables } = await waveCatalogue(waveCode);
  const v = requireVariable(variables, variableName);
  const { k: minCell, minimum, codings, custom } = await waveRules(wave.code, kReq);
  const p = { minCell, protect: minCell > 1 };
  const options = optionsWithCustom(v, custom);
  const { groups, source } = await collect({
    wave: wave.code,
    variables: [v],
    by,
    filters,
    numbers: v.numeric,
    codings,
  });
  const lines: Line[] = [...groups.entries()]
    .filter(([, g]) => g.respondents > 0)
    .map(([code, g]) => ({ code, names: dimensionLabel(by, code), g }));
  const all = mergeGroups(groups.values());
  // By region, the countries are subtotals shown on the page and in the exports: they take part
  // in the suppression (each country's regions add up to it, the countries to the total).
  const subtotals = by === 'region' ? countrySubtotals(lines) : [];
  const built = tableRows(
    by === 'none' ? [] : lines,
    { code: ALL, names: DIMENSION_NAMES.none, g: all },
    subtotals,
    v,
    options,
    minCell,
    v.numeric,
  );
  const rows = built.rows;
  const total = built.total;
  const countries: Subtotal[] = built.subtotals.map((r, i) => ({
    ...r,
    regions: subtotals[i].members.map((m) => lines[m].code),
  }));
  rows.sort((a, b) => b.respondents - a.respondents || a.code.localeCompare(b.code));
  return {
    wave: { code: wave.code, title: wave.title },
    variable: { name: v.name, title: v.title, kind: v.kind, type: v.type, hasOther: v.hasOther, numeric: v.numeric },
    by,
    byName: DIMENSION_NAMES[by],
    base: baseOf(total.respondents, total.answered, filters, v.kind === 'multi', p),
    ...disclosureRule(minCell, minimum),
    source,
    options,
    groups: by === 'none' ? [] : rows,
    subtotals: countries,
    total,
  };
}

export type RegionRow = RowHead & { counts: Record<string, Cell> };
export type CountryRow = RegionRow;
export type ObstacleTally = {
  wave: { code: string; title: Localized };
  base: Base;
} & DisclosureRule & {
    source: 'kept' | 'scan';
    /** The obstacles variable (the question marked `lsgRole: obstacles`). */
    variable: string | null;
    obstacles: { code: string; labels: Localized }[];
    regions: RegionRow[];
    /** Per country (the regions of the wave add up to them): the baseline of the region page. */
    countries: CountryRow[];
    total: { respondents: number; answered: number; counts: Record<string, Cell> };
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
export async function obstacleTally(waveCode: string, filters: Filters, kReq: KRequest = {}): Promise<ObstacleTally> {
  const { wave, variables } = await waveCatalogue(waveCode);
  const v = variables.find((x) => x.role === 'obstacles' && isCategorical(x));
  const { k: minCell, minimum, codings, custom } = await waveRules(wave.code, kReq);
  const p = { minCell, protect: minCell > 1 };
  const rule = disclosureRule(minCell, minimum);
  if (!v) {
    return {
      wave: { code: wave.code, title: wave.title },
      base: baseOf(0, 0, filters, true, p),
      ...rule,
      source: 'kept',
      variable: null,
      obstacles: [],
      regions: [],
      countries: [],
      total: { respondents: 0, answered: 0, counts: {} },
    };
  }
  const options = optionsWithCustom(v, custom);
  const columns = obstacleColumns(options);
  const colOptions = columns.map((c) => ({ value: c.code, labels: c.labels }));
  const { groups, source } = await collect({ wave: wave.code, variables: [v], by: 'region', filters, codings });
  const lines: Line[] = [...groups.entries()]
    .filter(([, g]) => g.respondents > 0)
    .map(([code, g]) => ({ code, names: dimensionLabel('region', code), g }));
  // Countries: subtotals the region page shows, so they take part in the suppression.
  const byCountry = new Map<string, number[]>();
  lines.forEach((l, i) => {
    const c = findRegion(l.code)?.country;
    if (c) byCountry.set(c, [...(byCountry.get(c) ?? []), i]);
  });
  const subtotals = [...byCountry.entries()].map(([c, members]) => ({
    line: { code: c, names: countryName(c), g: mergeGroups(members.map((i) => lines[i].g!)) },
    members,
  }));
  const built = tableRows(
    lines,
    { code: ALL, names: DIMENSION_NAMES.none, g: mergeGroups(groups.values()) },
    subtotals,
    v,
    colOptions,
    minCell,
    false,
  );
  const asRegion = (r: Row): RegionRow => ({
    code: r.code,
    names: r.names,
    respondents: r.respondents,
    answered: r.answered,
    counts: r.cells,
  });
  const regions = built.rows.map(asRegion);
  regions.sort((a, b) => b.respondents - a.respondents || a.code.localeCompare(b.code));
  const all = built.total;
  return {
    wave: { code: wave.code, title: wave.title },
    base: baseOf(all.respondents, all.answered, filters, true, p),
    ...rule,
    source,
    variable: v.name,
    obstacles: columns,
    regions,
    countries: built.subtotals.map(asRegion),
    total: { respondents: all.respondents, answered: all.answered, counts: all.cells },
  };
}
