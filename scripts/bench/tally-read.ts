// Tally read: the obstacles × regions table of one wave (the researcher's dashboard), read from
// the kept counts. Target (DESIGN.md): flat as responses grow, time at 1,000,000 ≤ 1.5 × time at
// 1,000 (the baseline is the read at 1,000 in the same run). For contrast it also times the same
// table recounted from the raw responses (the scan path filtered tallies take), and checks that
// both give the same numbers.
import { obstacleTally, type ObstacleTally } from '../../server/src/analytics/tally.service';
import { NO_FILTERS, type Filters } from '../../server/src/analytics/filters';
import type { Benchmark, Result } from './context';

const READS = 30;
// Every bench response is complete, so "all responses" counts the same people, but it cannot be
// answered from the kept counts (they hold completed responses only): it forces a recount.
const SCAN: Filters = { status: 'all' };
/** Above this a recount takes minutes on the embedded store; it is left out (the kept read is the point). */
const SCAN_UP_TO = 100_000;

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

function sameNumbers(a: ObstacleTally, b: ObstacleTally): boolean {
  if (a.total.respondents !== b.total.respondents) return false;
  return a.obstacles.every((o) => a.total.counts[o.code]?.count === b.total.counts[o.code]?.count);
}

export const tallyRead: Benchmark = {
  name: 'tally-read',
  sizes: ({ million }) => (million ? [1_000, 100_000, 1_000_000] : [1_000, 100_000]),
  measure: async (ctx, size) => {
    for (let i = 0; i < 3; i++) await obstacleTally(ctx.wave, NO_FILTERS); // warm-up
    const times: number[] = [];
    let kept: ObstacleTally | undefined;
    for (let i = 0; i < READS; i++) {
      const t0 = process.hrtime.bigint();
      kept = await obstacleTally(ctx.wave, NO_FILTERS);
      times.push(ms(t0));
    }
    if (kept!.source !== 'kept') throw new Error(`tally read came from ${kept!.source}, not the kept counts`);
    if (kept!.total.respondents !== size) throw new Error(`tally counted ${kept!.total.respondents}, expected ${size}`);
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const p95 = times[Math.floor(times.length * 0.95)];
    const out: Result[] = [
      { benchmark: 'tally-read', size, metric: 'median', value: median, unit: 'ms' },
      { benchmark: 'tally-read', size, metric: 'p95', value: p95, unit: 'ms' },
    ];
    if (size <= SCAN_UP_TO) {
      const scans: number[] = [];
      const runs = size <= 10_000 ? 3 : 1;
      for (let i = 0; i < runs; i++) {
        const t0 = process.hrtime.bigint();
        const scanned = await obstacleTally(ctx.wave, SCAN);
        scans.push(ms(t0));
        if (scanned.source !== 'scan') throw new Error('the recount did not scan');
        if (!sameNumbers(kept!, scanned)) throw new Error('kept counts differ from a recount of the responses');
      }
      scans.sort((a, b) => a - b);
      const scan = scans[Math.floor(scans.length / 2)];
      out.push(
        { benchmark: 'tally-read', size, metric: 'recount (scan) median', value: scan, unit: 'ms' },
        { benchmark: 'tally-read', size, metric: 'scan / kept', value: scan / median, unit: 'ratio' },
      );
    }
    return out;
  },
};
