// The statistics against values worked out independently: Newcombe (1998) Table I, R and
// hand-worked values for the Wilson interval, hand-computed chi-square tables, closed forms of
// the chi-square tail (df = 2: e^(-x/2)), printed critical values, and a hand-worked
// two-proportion z-test.
import {
  chiSquareSurvival,
  chiSquareTest,
  lnGamma,
  normalTwoSided,
  summarize,
  twoProportionZ,
  wilson,
} from '../../server/src/analytics/stats';

const to4 = (x: number) => Number(x.toFixed(4));

describe('Wilson score interval (95%)', () => {
  // x, n, low, high, to 4 decimal places, from three independent sources.
  it.each([
    // Newcombe, Statistics in Medicine 17 (1998) 857–872, method 3.
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0.0, 0.1611],
    [1, 29, 0.0061, 0.1718],
    // R 4: Rscript -e 'prop.test(x, n, correct=FALSE)$conf.int'.
    [3, 4, 0.3006418426, 0.9544127392],
    [0, 10, 0.0, 0.2775327999],
    [7, 20, 0.1811918241, 0.5671457233],
    [45, 120, 0.2935242979, 0.4642304937],
    [1, 1, 0.2065493144, 1.0],
    // By hand (z = 1.959964): low/high = (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n).
    // 5/8: p = 0.625, z²/n = 0.4802, centre 0.5844, half 0.2787
    [5, 8, 0.3057, 0.8632],
    // 17/40: p = 0.425, z²/n = 0.0960, centre 0.4316, half 0.1465
    [17, 40, 0.2851, 0.578],
    // 1/3: centre (0.3333 + 0.6402) / 2.2805 = 0.4269, half 0.3654
    [1, 3, 0.0615, 0.7923],
    // 0/4: low 0, high = (z²/4) / (1 + z²/4) = 0.9604 / 1.9604
    [0, 4, 0, 0.4899],
    // 4/4: the mirror of 0/4
    [4, 4, 0.5101, 1],
  ])('%d of %d → [%d, %d]', (x, n, low, high) => {
    const ci = wilson(x, n);
    expect([to4(ci.low), to4(ci.high)]).toEqual([to4(low), to4(high)]);
  });

  it('from the textbook formula: 3 of 4 respondents', () => {
    // p = 0.75, z² = 3.8415: centre = (0.75 + 0.48019)/1.96037 = 0.62753,
    // half = 1.95996/1.96037 · √(0.046875 + 0.060024) = 0.32689 → [0.3006, 0.9544]
    const ci = wilson(3, 4);
    expect(to4(ci.low)).toBe(0.3006);
    expect(to4(ci.high)).toBe(0.9544);
  });

  it('stays within [0, 1] and is empty for n = 0', () => {
    expect(wilson(29, 29).high).toBe(1);
    expect(wilson(0, 0)).toEqual({ low: 0, high: 0 });
  });
});

describe('chi-square', () => {
  it('tail probabilities match printed critical values and closed forms', () => {
    expect(to4(chiSquareSurvival(3.841459, 1))).toBe(0.05);
    expect(to4(chiSquareSurvival(6.634897, 1))).toBe(0.01);
    expect(to4(chiSquareSurvival(5.991465, 2))).toBe(0.05);
    expect(to4(chiSquareSurvival(18.307038, 10))).toBe(0.05);
    for (const x of [0.5, 2, 7.3, 15]) expect(chiSquareSurvival(x, 2)).toBeCloseTo(Math.exp(-x / 2), 12);
    expect(lnGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  it('2 × 2 worked by hand: [[20, 30], [30, 20]] → χ² = 4, df 1, p = 0.0455', () => {
    const t = chiSquareTest([
      [20, 30],
      [30, 20],
    ])!;
    expect(t.statistic).toBeCloseTo(4, 10);
    expect(t.df).toBe(1);
    expect(to4(t.p)).toBe(0.0455);
    expect(t.warning).toBe(false);
  });

  it('2 × 3 worked by hand: χ² = 12.5278, df 2, p = e^(−χ²/2) = 0.0019', () => {
    // expected: row totals 60, 50; column totals 30, 40, 40; N = 110
    // (10−16.3636)²/16.3636 + (20−21.8182)²/21.8182 + (30−21.8182)²/21.8182
    // + (20−13.6364)²/13.6364 + (20−18.1818)²/18.1818 + (10−18.1818)²/18.1818 = 12.5278
    const t = chiSquareTest([
      [10, 20, 30],
      [20, 20, 10],
    ])!;
    expect(to4(t.statistic)).toBe(12.5278);
    expect(t.df).toBe(2);
    expect(to4(t.p)).toBe(to4(Math.exp(-12.527777777 / 2)));
    expect(to4(t.p)).toBe(0.0019);
  });

  it('warns when expected counts are below 5, and drops empty rows and columns', () => {
    const t = chiSquareTest([
      [3, 1, 0],
      [1, 3, 0],
      [0, 0, 0],
    ])!;
    expect(t.df).toBe(1);
    expect(t.lowExpected).toBe(4);
    expect(t.warning).toBe(true);
    // (3−2)²/2 · 4 = 2
    expect(t.statistic).toBeCloseTo(2, 10);
    expect(chiSquareTest([[1, 2]])).toBeUndefined();
  });
});

describe('two-proportion z-test', () => {
  it('45/100 against 30/100 worked by hand: z = −2.1909, p = 0.0285', () => {
    // pooled p = 0.375, se = √(0.375 · 0.625 · 0.02) = 0.068465, z = (0.30 − 0.45)/se
    const t = twoProportionZ(45, 100, 30, 100)!;
    expect(to4(t.se)).toBe(0.0685);
    expect(to4(t.z)).toBe(-2.1909);
    expect(to4(t.p)).toBe(0.0285);
  });

  it('normal tail: P(|Z| ≥ 1.96) = 0.05, P(|Z| ≥ 2.5758) = 0.01', () => {
    expect(to4(normalTwoSided(1.959964))).toBe(0.05);
    expect(to4(normalTwoSided(2.575829))).toBe(0.01);
    expect(normalTwoSided(0)).toBe(1);
  });

  it('is undefined without variance or without a group', () => {
    expect(twoProportionZ(0, 10, 0, 12)).toBeUndefined();
    expect(twoProportionZ(1, 0, 1, 2)).toBeUndefined();
  });
});

describe('descriptive statistics', () => {
  it('n, sum, mean, median, min, max', () => {
    expect(summarize([5, 1, 3, 10])).toEqual({ n: 4, sum: 19, mean: 4.75, median: 4, min: 1, max: 10 });
    expect(summarize([7, 2, 9])).toMatchObject({ median: 7 });
    expect(summarize([])).toBeUndefined();
  });
});
