// The statistics of the analysis pages against values computed independently with R 4 (the
// command is next to each figure), to 4 decimal places. The Wilson interval against R: stats.test.ts.
import { compareProportions, fisherExact, twoProportionZ } from '../../server/src/analytics/stats';

const to4 = (x: number) => Number(x.toFixed(4));

describe("Fisher's exact test (two-sided, as R's fisher.test)", () => {
  // Rscript -e 'fisher.test(matrix(c(a,b,c,d),2,byrow=TRUE))$p.value'
  it.each([
    [[3, 1, 1, 1], 1.0],
    [[1, 3, 10, 2], 0.0631868132],
    [[0, 4, 30, 10], 0.0073737947],
    [[12, 5, 7, 15], 0.0248417204],
    [[2, 2, 2, 2], 1.0],
    [[20, 30, 40, 10], 0.0000830866],
    [[5, 0, 1, 4], 0.0476190476],
    [[4, 0, 0, 4], 0.0285714286],
    [[4, 0, 3, 997], 0.0000000008],
  ])('%j → %d', (t, p) => {
    const [a, b, c, d] = t as number[];
    expect(to4(fisherExact(a, b, c, d))).toBe(to4(p as number));
  });

  it('n = 4 against n = 4 can never reach p < 0.001 (the smallest two-sided p is 1/35)', () => {
    let smallest = 1;
    for (let x = 0; x <= 4; x++)
      for (let y = 0; y <= 4; y++) smallest = Math.min(smallest, fisherExact(x, 4 - x, y, 4 - y));
    expect(to4(smallest)).toBe(0.0286);
    const t = compareProportions(0, 4, 4, 4)!;
    expect(t.method).toBe('fisher');
    expect(t.p).toBeGreaterThan(0.001);
  });
});

describe('differences of two shares', () => {
  // Rscript -e 'prop.test(c(x1,x2), c(n1,n2), correct=FALSE)$p.value' (the z-test squared)
  it.each([
    [30, 100, 45, 110, 0.0993995322],
    [12, 40, 25, 50, 0.0553471577],
    [200, 1000, 260, 1100, 0.0441982182],
  ])('%d/%d against %d/%d: z-test p = %d', (x1, n1, x2, n2, p) => {
    expect(to4(twoProportionZ(x1, n1, x2, n2)!.p)).toBe(to4(p));
    const t = compareProportions(x1, n1, x2, n2)!;
    expect(t.method).toBe('z');
    expect(to4(t.p)).toBe(to4(p));
  });

  it('an expected count below 5 switches to Fisher', () => {
    // expected "yes" in the smaller group: 4 · 4/14 < 5
    const t = compareProportions(1, 4, 3, 10)!;
    // Rscript -e 'fisher.test(matrix(c(1,3,3,7),2,byrow=TRUE))$p.value'
    expect(t.method).toBe('fisher');
    expect(to4(t.p)).toBe(1);
  });
});
