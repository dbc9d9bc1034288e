// The cube's number distribution: exact keys for bounded integers, 1 % log-scale bins otherwise,
// and the median read back from it (exact, or within the documented bound).
import fc from 'fast-check';
import {
  INT_EXACT,
  keyValue,
  kthOf,
  MEDIAN_REL_ERROR,
  MUNI_BUCKETS,
  municipalityDocId,
  municipalityKey,
  municipalityRow,
  numberKey,
  sortedDist,
  summarizeAgg,
  VERSION_GROUPS,
  versionGroup,
  type NumAgg,
} from '../../server/src/analytics/cube.service';

/** The numbers as a group of cells would hold them: split into up to `cells` distributions. */
function aggOf(values: number[], cells = 1): NumAgg {
  const dists = Array.from({ length: cells }, () => new Map<string, number>());
  values.forEach((v, i) => {
    const dist = dists[(i * 7) % cells];
    dist.set(numberKey(v), (dist.get(numberKey(v)) ?? 0) + 1);
  });
  return {
    n: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    sumsq: values.reduce((a, b) => a + b * b, 0),
    min: Math.min(...values),
    max: Math.max(...values),
    parts: dists.map((d) => sortedDist(d)),
  };
}

function median(values: number[]): { m: number; middle: number[] } {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const middle = s.length % 2 ? [s[mid]] : [s[mid - 1], s[mid]];
  return { m: middle.reduce((a, b) => a + b, 0) / middle.length, middle };
}

describe('cube number distribution', () => {
  it('keeps integers up to ±INT_EXACT exactly and bins the rest within half a bin', () => {
    expect(numberKey(0)).toBe('i0');
    expect(numberKey(-7)).toBe('i-7');
    expect(numberKey(INT_EXACT)).toBe(`i${INT_EXACT}`);
    expect(keyValue(numberKey(42))).toEqual({ value: 42, exact: true });
    fc.assert(
      fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), (v) => {
        const { value, exact } = keyValue(numberKey(v));
        if (exact)
          expect(value === v).toBe(true); // -0 is kept as 0
        else expect(Math.abs(value - v)).toBeLessThanOrEqual(0.005 * Math.abs(v) + 1e-12);
      }),
    );
  });

  it('gives the exact median of integers and a median within 1 % otherwise', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -INT_EXACT, max: INT_EXACT }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 9 }),
        (xs, cells) => {
          const s = summarizeAgg(aggOf(xs, cells))!;
          expect(s.median).toBe(median(xs).m);
          expect(s.approximate).toBeUndefined();
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: 200 }), fc.double({ min: -1e7, max: 1e7, noNaN: true })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 1, max: 9 }),
        (xs, cells) => {
          const s = summarizeAgg(aggOf(xs, cells))!;
          const { m, middle } = median(xs);
          expect(Math.abs(s.median - m)).toBeLessThanOrEqual(
            MEDIAN_REL_ERROR * Math.max(...middle.map(Math.abs)) + 1e-9,
          );
          expect(s.n).toBe(xs.length);
          expect(s.min).toBe(Math.min(...xs));
        },
      ),
    );
  });

  it('selects the median across many cells as a merge would (every k)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 40 }),
        (xs, cells) => {
          const a = aggOf(xs, cells);
          const sorted = [...xs].sort((p, q) => p - q);
          sorted.forEach((v, k) => expect(kthOf(a.parts, k)).toEqual({ value: v, exact: true }));
        },
      ),
    );
  });
});

describe('the keys of the municipality documents', () => {
  const dims = fc.record({
    municipalityType: fc.string(),
    sizeClass: fc.string(),
    respondentRole: fc.string(),
    status: fc.constantFrom('complete', 'partial'),
  });
  it('a municipality × cell key is a safe field name and gives back the name and the cell', () => {
    fc.assert(
      fc.property(fc.string(), dims, (name, d) => {
        const key = municipalityKey(name, { region: 'RU-VLG', ...d });
        expect(key.startsWith('k')).toBe(true);
        expect(key).not.toMatch(/[.$]/);
        expect(municipalityRow(key, 'RU-VLG', { n: 2, t: 5 })).toEqual({ name, region: 'RU-VLG', ...d, n: 2, t: 5 });
      }),
    );
  });
  it('a region has at most MUNI_BUCKETS documents and a wave at most VERSION_GROUPS version groups', () => {
    const names = fc.sample(fc.string(), 2000);
    const ids = new Set(names.map((n) => municipalityDocId('w1', 'RU-VLG', n)));
    expect(ids.size).toBeLessThanOrEqual(MUNI_BUCKETS);
    expect(ids.size).toBeGreaterThan(MUNI_BUCKETS / 2); // names spread over the buckets
    for (const r of ['RU-VLG', 'UA-05', '', 'RU-MOS']) {
      expect(versionGroup(r)).toBeGreaterThanOrEqual(0);
      expect(versionGroup(r)).toBeLessThan(VERSION_GROUPS);
    }
  });
});
