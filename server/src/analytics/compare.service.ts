// Wave comparison: the same question (matched by name across questionnaire versions) in two
// waves, per region: value in A, value in B, the change (percentage points for shares, absolute
// and relative for numbers) and a test for shares (Fisher exact or z, stats.ts). For numbers both the change
// of the sum (what a monitor of a per-region indicator across dates needs: a region whose total
// did not move shows 0) and the change of the mean. Regions present in only one wave are kept and
// marked.
import { BadRequestError } from '../http/errors';
import type { Localized } from '../reference/reference.service';
import { compareProportions } from './stats';
import { questionTally, type Cell, type KRequest, type NumberCell, type Row } from './tally.service';
import { disclosureRule, SMALL_BASE, type DisclosureRule } from './disclosure';
import { waveCatalogue } from './catalogue';
import { describeFilters, type Filters } from './filters';
import { findVariable, type Option } from './variables';

/**
 * A change of a share: points, and the test of A against B — Fisher's exact test when an expected
 * count is below 5, else the two-proportion z-test (`z` is then its statistic).
 */
export type Change = { pp: number; z: number | null; p: number | null; test: 'fisher' | 'z' | null } | null;
/** A change from A to B: absolute, and relative to |A| (null when A is 0). */
export type NumberChange = { abs: number; rel: number | null } | null;
export type SideRow = { respondents: number; answered: number; cells: Record<string, Cell>; numbers?: NumberCell };

export type CompareRow = {
  code: string;
  names: Localized;
  presence: 'both' | 'a' | 'b';
  a: SideRow | null;
  b: SideRow | null;
  changes: Record<string, Change>;
  /** Change of the mean. */
  numberChange?: NumberChange;
  /** A base (answered) in A or B is below the small-base threshold: shares and tests are unreliable. */
  smallBase: boolean;
  /** Change of the sum. */
  sumChange?: NumberChange;
};

export type Comparison = {
  a: { code: string; title: Localized; questionnaire: string };
  b: { code: string; title: Localized; questionnaire: string };
  variable: { name: string; title: Localized; kind: string; numeric: boolean };
  options: Option[];
  regions: CompareRow[];
  total: CompareRow;
  base: { filters: Localized; text: Localized };
} & DisclosureRule;

const side = (r: Row | undefined): SideRow | null =>
  r
    ? {
        respondents: r.respondents,
        answered: r.answered,
        cells: r.cells,
        ...(r.numbers !== undefined ? { numbers: r.numbers } : {}),
      }
    : null;

function compareRow(
  code: string,
  names: Localized,
  a: Row | undefined,
  b: Row | undefined,
  options: Option[],
): CompareRow {
  const changes: Record<string, Change> = {};
  if (a && b) {
    for (const o of options) {
      const ca = a.cells[o.value];
      const cb = b.cells[o.value];
      if (!ca || !cb || ca.share === null || cb.share === null || ca.count === null || cb.count === null) {
        changes[o.value] = null;
        continue;
      }
      const t = compareProportions(ca.count, a.answered, cb.count, b.answered);
      changes[o.value] = { pp: (cb.share - ca.share) * 100, z: t?.z ?? null, p: t?.p ?? null, test: t?.method ?? null };
    }
  }
  let numberChange: NumberChange | undefined;
  let sumChange: NumberChange | undefined;
  const na = a?.numbers;
  const nb = b?.numbers;
  if (na !== undefined || nb !== undefined) {
    const both = na && nb && 'mean' in na && 'mean' in nb;
    numberChange = both ? changeOf(na.mean, nb.mean) : null;
    sumChange = both ? changeOf(na.sum, nb.sum) : null;
  }
  return {
    code,
    names,
    presence: a && b ? 'both' : a ? 'a' : 'b',
    a: side(a),
    b: side(b),
    changes,
    ...(numberChange !== undefined ? { numberChange } : {}),
    smallBase: [a, b].some((x) => x !== undefined && x.answered < SMALL_BASE),
    ...(sumChange !== undefined ? { sumChange } : {}),
  };
}

export function changeOf(a: number, b: number): NonNullable<NumberChange> {
  return { abs: b - a, rel: a !== 0 ? (b - a) / Math.abs(a) : null };
}

export async function compareWaves(
  waveA: string,
  waveB: string,
  variable: string,
  filters: Filters,
  kReq: KRequest = {},
): Promise<Comparison> {
  const [ca, cb] = await Promise.all([waveCatalogue(waveA), waveCatalogue(waveB)]);
  for (const [c, where] of [
    [ca, 'a'],
    [cb, 'b'],
  ] as const) {
    if (!findVariable(c.variables, variable))
      throw new BadRequestError(`Wave "${c.wave.code}" has no question named "${variable}".`, [
        { name: 'query.question', reason: `not in wave ${where}` },
      ]);
  }
  let [ta, tb] = await Promise.all([
    questionTally(waveA, variable, 'region', filters, kReq),
    questionTally(waveB, variable, 'region', filters, kReq),
  ]);
  // One k for both tables: the larger of the two waves' (unless a coordinator asked for less).
  const k = Math.max(ta.minCell, tb.minCell);
  if (ta.minCell !== tb.minCell) {
    const again = { ...kReq, k, trusted: true };
    [ta, tb] = await Promise.all([
      questionTally(waveA, variable, 'region', filters, again),
      questionTally(waveB, variable, 'region', filters, again),
    ]);
  }
  // Options: A's, then any that only B has (a questionnaire version may add choices).
  const options = [...ta.options, ...tb.options.filter((o) => !ta.options.some((x) => x.value === o.value))];
  const codes = [...new Set([...ta.groups.map((g) => g.code), ...tb.groups.map((g) => g.code)])];
  const regions = codes.map((code) => {
    const a = ta.groups.find((g) => g.code === code);
    const b = tb.groups.find((g) => g.code === code);
    return compareRow(code, (a ?? b)!.names, a, b, options);
  });
  regions.sort(
    (x, y) =>
      (y.a?.respondents ?? 0) + (y.b?.respondents ?? 0) - (x.a?.respondents ?? 0) - (x.b?.respondents ?? 0) ||
      x.code.localeCompare(y.code),
  );
  const f = describeFilters(filters);
  const text = {
    ru: `Волна A: ${ta.base.text.ru} Волна B: ${tb.base.text.ru}`,
    en: `Wave A: ${ta.base.text.en} Wave B: ${tb.base.text.en}`,
    uk: `Хвиля A: ${ta.base.text.uk} Хвиля B: ${tb.base.text.uk}`,
  };
  return {
    a: { code: ca.wave.code, title: ca.wave.title, questionnaire: ca.questionnaire.id },
    b: { code: cb.wave.code, title: cb.wave.title, questionnaire: cb.questionnaire.id },
    variable: {
      name: ta.variable.name,
      title: tb.variable.title,
      kind: ta.variable.kind,
      numeric: ta.variable.numeric,
    },
    options,
    regions,
    total: compareRow('all', ta.total.names, ta.total, tb.total, options),
    base: { filters: f, text },
    ...disclosureRule(k, Math.max(ta.minimumK, tb.minimumK)),
  };
}
