// The complementary suppression: on generated tables with row and column totals, no hidden cell
// can be worked out by subtraction — every row, column and total line holds 0 or at least 2
// hidden cells after suppression — and every primary cell stays hidden.
import fc from 'fast-check';
import { complementary, effectiveK, primary, type Equation } from '../../server/src/analytics/disclosure';

/** An r × c table with its row totals, column totals and grand total, as the tally builds it. */
function table(counts: number[][]) {
  const R = counts.length;
  const C = counts[0].length;
  const rowTotals = counts.map((r) => r.reduce((s, v) => s + v, 0));
  const colTotals = counts[0].map((_v, j) => counts.reduce((s, r) => s + r[j], 0));
  const n = rowTotals.reduce((s, v) => s + v, 0);
  const values = [...counts.flat(), ...rowTotals, ...colTotals, n];
  const cell = (i: number, j: number) => i * C + j;
  const rowT = (i: number) => R * C + i;
  const colT = (j: number) => R * C + R + j;
  const N = values.length - 1;
  const equations: Equation[] = [
    ...counts.map((_r, i) => ({ parts: counts[0].map((_v, j) => cell(i, j)), total: rowT(i) })),
    ...counts[0].map((_v, j) => ({ parts: counts.map((_r, i) => cell(i, j)), total: colT(j) })),
    { parts: counts.map((_r, i) => rowT(i)), total: N },
    { parts: counts[0].map((_v, j) => colT(j)), total: N },
  ];
  return { values, equations, N };
}

const tables = fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 })).chain(([r, c]) =>
  fc.array(
    fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 40 })), { minLength: c, maxLength: c }),
    {
      minLength: r,
      maxLength: r,
    },
  ),
);

describe('complementary suppression', () => {
  it('leaves no line of a table with exactly one hidden cell, and keeps every primary cell hidden', () => {
    fc.assert(
      fc.property(tables, fc.integer({ min: 2, max: 6 }), (counts, k) => {
        const { values, equations, N } = table(counts);
        // The base n of a table is always shown; a table whose whole base is below k has every
        // cell hidden by the primary rule (base < k) and is not generated here.
        fc.pre(values[N] >= k);
        const first = values.map((v, i) => i !== N && primary(v, Number.POSITIVE_INFINITY, k));
        const hidden = complementary(values, first, equations, (i) => i === N);
        first.forEach((h, i) => h && expect(hidden[i]).toBe(true));
        for (const eq of equations) {
          const count = [...eq.parts, eq.total].filter((i) => hidden[i]).length;
          expect(count === 0 || count >= 2).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('a worked example: one small cell costs one more in its row, its column and the corner', () => {
    // 10  2  8 | 20      →   10  x  x | 20
    //  7  9  6 | 22           7  x  x | 22
    const { values, equations, N } = table([
      [10, 2, 8],
      [7, 9, 6],
    ]);
    const first = values.map((v, i) => i !== N && primary(v, 99, 3));
    const hidden = complementary(values, first, equations, (i) => i === N);
    expect(hidden.slice(0, 6)).toEqual([false, true, true, false, true, true]);
    expect(hidden.slice(6)).toEqual([false, false, false, false, false, false]);
  });
});

describe('k', () => {
  const researcher = { roles: ['researcher' as const] };
  const coordinator = { roles: ['coordinator' as const] };
  it("defaults to the wave's minimum; researchers may raise it, not lower it; coordinators may go to 1", () => {
    expect(effectiveK(3, undefined, researcher)).toBe(3);
    expect(effectiveK(3, 5, researcher)).toBe(5);
    expect(() => effectiveK(3, 1, researcher)).toThrow(/only coordinators and admins/);
    expect(effectiveK(3, 1, coordinator)).toBe(1);
    expect(effectiveK(3, 1, { roles: ['admin' as const] })).toBe(1);
  });
});
