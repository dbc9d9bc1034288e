// Disclosure control: the one suppression rule every table the API returns and every table export
// builds goes through (docs/disclosure.md states it for people).
//
// 1. Primary suppression: a count of 1 … k−1 respondents is hidden, and so is every cell of a row
//    whose base (the respondents who answered in that row) is below k.
// 2. Complementary (secondary) suppression: the table's additive relations — a row of a
//    single-choice question adds up to its base, a column adds up to its total, the regions of a
//    country add up to the country — are equations. An equation with exactly one hidden member
//    would give that member away by subtraction, so the smallest other shown member is hidden as
//    well; repeated until every equation has either no hidden member or at least two.
//
// k is chosen per request within a minimum set per wave by a coordinator or admin (default 3);
// below that minimum, down to k = 1 (no suppression), only coordinators and admins may go.
import { AppError } from '../http/errors';
import { hasRole, type AuthUser } from '../auth/roles';
import type { Localized } from '../reference/reference.service';

/** Bases (respondents who answered) below this are flagged wherever a share, a change or a test is shown. */
export const SMALL_BASE = 30;

/** How a hidden cell reads in exports (the screen shows the same mark). */
export const HIDDEN_MARK = '[c]';

/** Roles that may see a table below the wave's minimum k, down to k = 1 (nothing hidden). */
export function maySeeUnsuppressed(user: Pick<AuthUser, 'roles'> | undefined): boolean {
  return !!user && hasRole(user as AuthUser, 'coordinator');
}

/**
 * The k a request runs with: the wave's minimum unless the caller asked for another; below the
 * minimum only for coordinators and admins (`trusted`: already checked, e.g. a queued export job).
 */
export function effectiveK(
  minimum: number,
  requested: number | undefined,
  user: Pick<AuthUser, 'roles'> | undefined,
  trusted = false,
): number {
  if (requested === undefined) return minimum;
  if (requested < minimum && !trusted && !maySeeUnsuppressed(user))
    throw new AppError(
      403,
      'Forbidden',
      'k_below_minimum',
      `The smallest k for this wave is ${minimum}; only coordinators and admins may choose a smaller one.`,
      [{ name: 'query.k', reason: `at least ${minimum}` }],
    );
  return requested;
}

/** One additive relation of a table: the members of `parts` add up to `total` (cell indexes). */
export type Equation = { parts: number[]; total: number };

/**
 * Complementary suppression. `values` are the counts of every cell (shown or not, including totals
 * and subtotals the page does not show), `hidden` the primary suppression, `fixed` the cells that
 * are always shown (bases). Returns the cells to hide: for every equation with exactly one hidden
 * member, the smallest other shown part (then the total) is hidden too, until no equation has
 * exactly one hidden member (or only fixed cells are left to hide).
 */
export function complementary(
  values: number[],
  hidden: boolean[],
  equations: Equation[],
  fixed: (i: number) => boolean = () => false,
): boolean[] {
  const h = [...hidden];
  for (let changed = true; changed;) {
    changed = false;
    for (const eq of equations) {
      const members = [...eq.parts, eq.total];
      if (members.filter((i) => h[i]).length !== 1) continue;
      const candidates = eq.parts.filter((i) => !h[i] && !fixed(i));
      candidates.sort((a, b) => values[a] - values[b] || a - b);
      const pick = candidates[0] ?? (!h[eq.total] && !fixed(eq.total) ? eq.total : undefined);
      if (pick === undefined) continue;
      h[pick] = true;
      changed = true;
    }
  }
  return h;
}

/** Primary suppression of a count: 1 … k−1 respondents, or any count of a row whose base is below k. */
export const primary = (count: number, base: number, k: number): boolean =>
  k > 1 && ((count > 0 && count < k) || base < k);

/** The legend of every table: the rule in force, in the three languages. */
export function disclosureLegend(k: number): Localized {
  if (k <= 1)
    return {
      ru: 'k = 1: ячейки не скрываются (доступно только координаторам и администраторам).',
      en: 'k = 1: no cells are hidden (available to coordinators and admins only).',
      uk: 'k = 1: клітинки не приховуються (доступно лише координаторам і адміністраторам).',
    };
  return {
    ru: `${HIDDEN_MARK} — скрыто: значение меньше ${k} респондентов (или база строки меньше ${k}), либо скрыто дополнительно, чтобы скрытое нельзя было вычислить из итогов.`,
    en: `${HIDDEN_MARK} — hidden: fewer than ${k} respondents (or a row base below ${k}), or hidden as well so that no hidden value can be worked out from the totals.`,
    uk: `${HIDDEN_MARK} — приховано: менше ніж ${k} респондентів (або база рядка менша за ${k}), або приховано додатково, щоб приховане не можна було обчислити з підсумків.`,
  };
}

/** What every table states of the small-cell rule it was built with. */
export type DisclosureRule = {
  /** The k this table was built with (cells of fewer respondents are hidden); 1 = nothing hidden. */
  minCell: number;
  /** The wave's minimum k (set by a coordinator). */
  minimumK: number;
  protected: boolean;
  /** The disclosure rule, stated for the legend. */
  legend: Localized;
  /** Bases below this are flagged as small. */
  smallBase: number;
};

/** The rule of a table built with `k` in a wave whose minimum is `minimumK`. */
export function disclosureRule(k: number, minimumK: number): DisclosureRule {
  return { minCell: k, minimumK, protected: k > 1, legend: disclosureLegend(k), smallBase: SMALL_BASE };
}

/** The small-base note shown under every table that flags bases. */
export function smallBaseNote(): Localized {
  return {
    ru: `* — малая база: меньше ${SMALL_BASE} ответивших; доли и различия ненадёжны.`,
    en: `* — small base: fewer than ${SMALL_BASE} respondents answered; shares and differences are unreliable.`,
    uk: `* — мала база: менше ніж ${SMALL_BASE} відповідей; частки та різниці ненадійні.`,
  };
}
