// Tally read: the obstacles × regions table of one wave (the researcher's dashboard), read from
// the kept counts. Target: flat as responses grow (1,000,000 ≤ 1.5 × 1,000).
import { obstacleTally } from '../../server/src/analytics/tally.service';
import { NO_FILTERS } from '../../server/src/analytics/filters';
import type { Benchmark } from './context';

const READS = 30;

export const tallyRead: Benchmark = {
  name: 'tally-read',
  sizes: ({ million }) => (million ? [1_000, 100_000, 1_000_000] : [1_000, 100_000]),
  measure: async (ctx, size) => {
    for (let i = 0; i < 3; i++) await obstacleTally(ctx.wave, NO_FILTERS); // warm-up
    const times: number[] = [];
    let respondents = 0;
    for (let i = 0; i < READS; i++) {
      const t0 = process.hrtime.bigint();
      const t = await obstacleTally(ctx.wave, NO_FILTERS);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      respondents = t.total.respondents;
    }
    if (respondents !== size) throw new Error(`tally counted ${respondents}, expected ${size}`);
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const p95 = times[Math.floor(times.length * 0.95)];
    return [
      { benchmark: 'tally-read', size, metric: 'median', value: median, unit: 'ms' },
      { benchmark: 'tally-read', size, metric: 'p95', value: p95, unit: 'ms' },
    ];
  },
};
