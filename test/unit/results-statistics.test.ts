// The statistics of the per-question results and the comparison of numbers, against values
// computed independently (by hand, from the textbook formulas, written out below), to 4 decimal
// places; and the tile-grid layout of the region map against the reference list of regions.
import { wilson, summarize } from '../../server/src/analytics/stats';
import { changeOf } from '../../server/src/analytics/compare.service';
import { orderRows } from '../../server/src/exports/table-builders';
import { TILE_GRID, countryOf, gridOf, tileLabel } from '../../client/src/pages/analysis/tile-grid';
import regions from '../../server/src/reference/data/regions.json';

describe('Wilson 95% interval (z = 1.959964)', () => {
  // Against hand-worked values: test/unit/stats.test.ts.
  it('an empty base gives an empty interval, not NaN', () => {
    expect(wilson(0, 0)).toEqual({ low: 0, high: 0 });
  });
});

describe('numeric summary: n, sum, mean, median, min, max', () => {
  it('odd count: the middle value is the median', () => {
    // 12.5 + 3 + 7.25 + 100 + 0 = 122.75; mean 24.55; sorted 0 3 7.25 12.5 100
    const s = summarize([12.5, 3, 7.25, 100, 0])!;
    expect([s.n, s.min, s.max]).toEqual([5, 0, 100]);
    expect(s.sum).toBeCloseTo(122.75, 4);
    expect(s.mean).toBeCloseTo(24.55, 4);
    expect(s.median).toBeCloseTo(7.25, 4);
  });

  it('even count: the median is the mean of the two middle values; negatives kept', () => {
    // −4 + 2 + 9 + 1 + 1.5 + 3 = 12.5; mean 2.0833; sorted −4 1 1.5 2 3 9 → (1.5 + 2) / 2
    const s = summarize([-4, 2, 9, 1, 1.5, 3])!;
    expect(s.sum).toBeCloseTo(12.5, 4);
    expect(s.mean).toBeCloseTo(2.0833, 4);
    expect(s.median).toBeCloseTo(1.75, 4);
    expect([s.min, s.max]).toEqual([-4, 9]);
  });

  it('no values: no summary', () => {
    expect(summarize([])).toBeUndefined();
  });
});

describe('change between waves', () => {
  it('absolute and relative to |A|', () => {
    // 31 → 36: +5, 5/31 = 0.1613
    expect(changeOf(31, 36).abs).toBe(5);
    expect(changeOf(31, 36).rel).toBeCloseTo(0.1613, 4);
    // −8 → −6: +2, relative to |−8| = +0.25
    expect(changeOf(-8, -6)).toEqual({ abs: 2, rel: 0.25 });
    // 12 → 12: no change
    expect(changeOf(12, 12)).toEqual({ abs: 0, rel: 0 });
  });

  it('from 0 there is no relative change', () => {
    expect(changeOf(0, 7)).toEqual({ abs: 7, rel: null });
  });
});

describe('order of region rows', () => {
  const rows = [
    { code: 'UA-05', names: { ru: 'Винницкая область', en: 'Vinnytsia Oblast', uk: 'Вінницька область' } },
    { code: 'RU-VLG', names: { ru: 'Вологодская область', en: 'Vologda Oblast', uk: 'Вологодська область' } },
    { code: 'RU-ARK', names: { ru: 'Архангельская область', en: 'Arkhangelsk Oblast', uk: 'Архангельська область' } },
  ];
  it('by name in the language of the export, or by code', () => {
    expect(orderRows(rows, 'name', 'ru').map((r) => r.code)).toEqual(['RU-ARK', 'UA-05', 'RU-VLG']);
    expect(orderRows(rows, 'name', 'en').map((r) => r.code)).toEqual(['RU-ARK', 'UA-05', 'RU-VLG']);
    expect(orderRows(rows, 'code', 'ru').map((r) => r.code)).toEqual(['RU-ARK', 'RU-VLG', 'UA-05']);
  });
});

describe('tile-grid map layout', () => {
  it('every region of the reference list has exactly one tile, in its own country', () => {
    const codes = (regions as { code: string; country: string }[]).map((r) => r.code).sort();
    expect(Object.keys(TILE_GRID).sort()).toEqual(codes);
    for (const r of regions as { code: string; country: string }[]) expect(countryOf(r.code)).toBe(r.country);
  });

  it('every tile has a distinct three-letter-or-shorter latin label within its country', () => {
    for (const country of ['RU', 'UA'] as const) {
      const labels = gridOf(country).tiles.map(([code]) => tileLabel(code));
      expect(new Set(labels).size).toBe(labels.length);
      for (const l of labels) expect(l).toMatch(/^[A-Z]{2,3}$/);
    }
  });

  it('no two tiles of a country share a square', () => {
    for (const country of ['RU', 'UA'] as const) {
      const { tiles, cols, rows } = gridOf(country);
      const seen = new Set(tiles.map(([, x, y]) => `${x},${y}`));
      expect(seen.size).toBe(tiles.length);
      for (const [, x, y] of tiles) {
        expect(x).toBeLessThan(cols);
        expect(y).toBeLessThan(rows);
      }
    }
  });

  it('neighbours sit roughly as on a map', () => {
    const at = (code: string) => TILE_GRID[code];
    // Murmansk north of Moscow; Kaliningrad the westernmost; Chukotka east of Moscow; Dagestan south.
    expect(at('RU-MUR')[1]).toBeLessThan(at('RU-MOW')[1]);
    expect(
      Math.min(
        ...Object.entries(TILE_GRID)
          .filter(([c]) => c.startsWith('RU-'))
          .map(([, [x]]) => x),
      ),
    ).toBe(at('RU-KGD')[0]);
    expect(at('RU-CHU')[0]).toBeGreaterThan(at('RU-MOW')[0]);
    expect(at('RU-DA')[1]).toBeGreaterThan(at('RU-MOW')[1]);
    // Lviv west of Kharkiv; Crimea south of Kyiv.
    expect(at('UA-46')[0]).toBeLessThan(at('UA-63')[0]);
    expect(at('UA-43')[1]).toBeGreaterThan(at('UA-30')[1]);
  });
});
