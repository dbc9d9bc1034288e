// Numbers on the analysis pages: counts, shares, changes and p-values in the user's language, and
// the mark of a cell hidden by small-cell suppression.
import type { Locale } from '../../api/api';
import type { StatCell } from '../../api/analysis';
import { formatShare, INTL_LOCALE } from '../../lib/format';

export function fmtNumber(n: number, lng: Locale, digits = 0): string {
  return new Intl.NumberFormat(INTL_LOCALE[lng], {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(n);
}

/** A share 0..1 as "34,5 %". */
export const fmtShare = formatShare;

/** A change in percentage points with its sign: "+3,2" / "−1,0". */
export function fmtPp(pp: number, lng: Locale): string {
  return new Intl.NumberFormat(INTL_LOCALE[lng], {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    signDisplay: 'exceptZero',
  }).format(pp);
}

/** A p-value: three decimals, "< 0,001" below that. */
export function fmtP(p: number, lng: Locale): string {
  if (p < 0.001) return `< ${fmtNumber(0.001, lng, 3)}`;
  return fmtNumber(p, lng, 3);
}

/** A hidden cell: the same mark as in the exports (server/src/analytics/disclosure.ts). */
export const SUPPRESSED = '[c]';

/** "12 (34,5 %)", or "[c]" when hidden. */
export function cellText(c: StatCell | undefined, lng: Locale): string {
  if (!c) return fmtNumber(0, lng);
  if (c.suppressed || c.count === null || c.share === null) return SUPPRESSED;
  return `${fmtNumber(c.count, lng)} (${fmtShare(c.share, lng)})`;
}

/** "34,5 % [30,1–39,2]" (the 95% Wilson interval), or "[c]". */
export function shareWithCi(c: StatCell | undefined, lng: Locale): string {
  if (!c || c.suppressed || c.share === null) return SUPPRESSED;
  const ci =
    c.low !== null && c.high !== null ? ` [${fmtNumber(c.low * 100, lng, 1)}–${fmtNumber(c.high * 100, lng, 1)}]` : '';
  return `${fmtShare(c.share, lng)}${ci}`;
}
