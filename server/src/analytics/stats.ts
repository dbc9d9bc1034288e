// The statistics the researcher pages need, from the textbook formulas (pure, no I/O):
// Wilson score interval, Pearson's chi-square test of independence, two-proportion z-test,
// and descriptive statistics. The p-values come from the regularised incomplete gamma function
// (Numerical Recipes, 3rd ed., §6.2), which also gives the normal tail: erfc(x) = Q(1/2, x²).

/** z for a two-sided 95% interval: Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

export type Interval = { low: number; high: number };

/** Wilson score interval for x successes out of n (Wilson 1927; Newcombe 1998, method 3). */
export function wilson(x: number, n: number, z = Z95): Interval {
  if (n <= 0) return { low: 0, high: 0 };
  const p = x / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/* eslint-disable no-loss-of-precision -- published coefficients, kept verbatim */
const LANCZOS = [
  57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199, 0.339946499848118887e-4,
  0.465236289270485756e-4, -0.983744753048795646e-4, 0.158088703224912494e-3, -0.210264441724104883e-3,
  0.21743961811521264e-3, -0.16431810653676389e-3, 0.844182239838527433e-4, -0.261908384015814087e-4,
  0.368991826595316234e-5,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 671/128, as in Numerical Recipes 3rd ed.). */
export function lnGamma(x: number): number {
  let y = x;
  const tmp0 = x + 5.2421875;
  const tmp = (x + 0.5) * Math.log(tmp0) - tmp0;
  let ser = 0.999999999999997092;
  /* eslint-enable no-loss-of-precision */
  for (const c of LANCZOS) ser += c / ++y;
  return tmp + Math.log((2.5066282746310007 * ser) / x);
}

const EPS = 1e-15;
const FPMIN = 1e-300;

function gammaSeries(a: number, x: number): number {
  let ap = a;
  let sum = 1 / a;
  let del = sum;
  for (let i = 0; i < 10_000; i++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / FPMIN;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = b + an / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** Upper regularised incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x < a + 1) return 1 - gammaSeries(a, x);
  return gammaContinuedFraction(a, x);
}

/** P(χ²_df ≥ x): the p-value of a chi-square statistic. */
export function chiSquareSurvival(x: number, df: number): number {
  if (df <= 0) return Number.NaN;
  return gammaQ(df / 2, x / 2);
}

/** Two-sided normal tail P(|Z| ≥ |z|) = erfc(|z|/√2) = Q(1/2, z²/2). */
export function normalTwoSided(z: number): number {
  return gammaQ(0.5, (z * z) / 2);
}

export type ChiSquare = {
  statistic: number;
  df: number;
  p: number;
  /** Cells whose expected count is below 5, and how many cells were tested. */
  lowExpected: number;
  cells: number;
  /** True when some expected count is below 5: the chi-square approximation is doubtful. */
  warning: boolean;
};

/**
 * Pearson's chi-square test of independence on an r × c table of observed counts. Rows and
 * columns whose total is zero are left out (they carry no information and would divide by zero).
 * Returns undefined when fewer than 2 non-empty rows or columns remain.
 */
export function chiSquareTest(observed: number[][]): ChiSquare | undefined {
  const rowTotals = observed.map((r) => r.reduce((s, v) => s + v, 0));
  const cols = observed[0]?.length ?? 0;
  const colTotals = Array.from({ length: cols }, (_, j) => observed.reduce((s, r) => s + r[j], 0));
  const rows = rowTotals.flatMap((t, i) => (t > 0 ? [i] : []));
  const usedCols = colTotals.flatMap((t, j) => (t > 0 ? [j] : []));
  if (rows.length < 2 || usedCols.length < 2) return undefined;
  const n = rowTotals.reduce((s, v) => s + v, 0);
  let statistic = 0;
  let lowExpected = 0;
  for (const i of rows) {
    for (const j of usedCols) {
      const expected = (rowTotals[i] * colTotals[j]) / n;
      if (expected < 5) lowExpected++;
      statistic += (observed[i][j] - expected) ** 2 / expected;
    }
  }
  const df = (rows.length - 1) * (usedCols.length - 1);
  return {
    statistic,
    df,
    p: chiSquareSurvival(statistic, df),
    lowExpected,
    cells: rows.length * usedCols.length,
    warning: lowExpected > 0,
  };
}

export type ZTest = { z: number; p: number; pooled: number; se: number };

/**
 * Two-proportion z-test (pooled standard error) of x1/n1 against x2/n2; z > 0 when the second
 * share is larger. Undefined when either group is empty or both shares are 0 or 1 (no variance).
 */
export function twoProportionZ(x1: number, n1: number, x2: number, n2: number): ZTest | undefined {
  if (n1 <= 0 || n2 <= 0) return undefined;
  const pooled = (x1 + x2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (!(se > 0)) return undefined;
  const z = (x2 / n2 - x1 / n1) / se;
  return { z, p: normalTwoSided(z), pooled, se };
}

export type Summary = { n: number; sum: number; mean: number; median: number; min: number; max: number };

/** n, sum, mean, median (mean of the two middle values when n is even), min, max. */
export function summarize(values: number[]): Summary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  const sum = sorted.reduce((s, v) => s + v, 0);
  const mid = Math.floor(n / 2);
  const median = n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { n, sum, mean: sum / n, median, min: sorted[0], max: sorted[n - 1] };
}

/** ln C(n, k). */
function lnChoose(n: number, k: number): number {
  return lnGamma(n + 1) - lnGamma(k + 1) - lnGamma(n - k + 1);
}

/**
 * Fisher's exact test of a 2 × 2 table [[a, b], [c, d]], two-sided as R's `fisher.test` computes
 * it: the sum of the hypergeometric probabilities of every table with the same margins that is no
 * more likely than the one observed (with R's relative tolerance 1e-7 for ties).
 */
export function fisherExact(a: number, b: number, c: number, d: number): number {
  const r1 = a + b;
  const c1 = a + c;
  const n = a + b + c + d;
  const lo = Math.max(0, c1 - (n - r1));
  const hi = Math.min(r1, c1);
  if (n === 0 || lo === hi) return 1;
  const lnDenom = lnChoose(n, c1);
  const logP = (x: number) => lnChoose(r1, x) + lnChoose(n - r1, c1 - x) - lnDenom;
  const observed = logP(a);
  let p = 0;
  for (let x = lo; x <= hi; x++) {
    const lp = logP(x);
    if (lp <= observed + Math.log1p(1e-7)) p += Math.exp(lp);
  }
  return Math.min(1, p);
}

export type TwoByTwo = {
  /** `fisher` when an expected count is below 5 (Cochran's rule), else the two-proportion z-test. */
  method: 'fisher' | 'z';
  p: number;
  /** The z statistic (z-test only). */
  z: number | null;
};

/**
 * x1 of n1 against x2 of n2: Fisher's exact test when any expected count of the 2 × 2 table is
 * below 5, the two-proportion z-test otherwise. Undefined when either group is empty.
 */
export function compareProportions(x1: number, n1: number, x2: number, n2: number): TwoByTwo | undefined {
  if (n1 <= 0 || n2 <= 0) return undefined;
  const n = n1 + n2;
  const yes = x1 + x2;
  const minExpected = (Math.min(n1, n2) * Math.min(yes, n - yes)) / n;
  if (minExpected < 5) return { method: 'fisher', p: fisherExact(x1, n1 - x1, x2, n2 - x2), z: null };
  const t = twoProportionZ(x1, n1, x2, n2);
  if (!t) return { method: 'fisher', p: fisherExact(x1, n1 - x1, x2, n2 - x2), z: null };
  return { method: 'z', p: t.p, z: t.z };
}
