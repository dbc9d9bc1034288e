// Export: raw responses as CSV streamed from a cursor, against a plain cursor read of the same
// documents. Rows per second and peak memory (RSS) of each, measured in a process of its own.
// Targets: CSV ≥ 50% of the raw read rate; peak RSS at 1,000,000 rows ≤ 1.5 × at 10,000. The CSV
// export also runs once with the heap capped, which it survives only if it really streams.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Benchmark, BenchContext, Result } from './context';

const run = promisify(execFile);
type Measured = { rows: number; ms: number; bytes: number; maxRssMb: number };

/** A heap small enough that an export holding its rows in memory would fail, ample for one that streams. */
export const CAPPED_HEAP_MB = 96;

async function child(ctx: BenchContext, mode: 'raw' | 'csv', heapMb?: number): Promise<Measured> {
  const { stdout } = await run(
    process.execPath,
    [
      ...(heapMb ? [`--max-old-space-size=${heapMb}`] : []),
      '--import',
      'tsx',
      path.join(__dirname, 'export-child.ts'),
      ctx.uri,
      ctx.dbName,
      ctx.wave,
      mode,
    ],
    { maxBuffer: 1 << 20, env: { ...process.env, LOG_LEVEL: 'silent' } },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Measured;
}

export const exportStream: Benchmark = {
  name: 'export',
  sizes: ({ million }) => (million ? [10_000, 100_000, 1_000_000] : [10_000, 100_000]),
  measure: async (ctx, size) => {
    const raw = await child(ctx, 'raw');
    const csv = await child(ctx, 'csv');
    // Peak RSS with the default heap partly measures how lazily V8 collects; the same export with
    // the heap capped shows whether memory really stays bounded (it would die otherwise).
    const capped = await child(ctx, 'csv', CAPPED_HEAP_MB);
    if (raw.rows !== size || csv.rows !== size || capped.rows !== size)
      throw new Error(
        `export counted ${csv.rows} (capped: ${capped.rows}) rows, raw read ${raw.rows}, expected ${size}`,
      );
    const rate = (m: Measured) => (m.rows / m.ms) * 1000;
    const out: Result[] = [
      { benchmark: 'export', size, metric: 'raw cursor rows/s', value: rate(raw), unit: 'rows/s' },
      { benchmark: 'export', size, metric: 'csv rows/s', value: rate(csv), unit: 'rows/s' },
      { benchmark: 'export', size, metric: 'csv / raw rate', value: rate(csv) / rate(raw), unit: 'ratio' },
      { benchmark: 'export', size, metric: 'raw cursor peak RSS', value: raw.maxRssMb, unit: 'MB' },
      { benchmark: 'export', size, metric: 'csv peak RSS', value: csv.maxRssMb, unit: 'MB' },
      {
        benchmark: 'export',
        size,
        metric: `csv peak RSS, heap ≤${CAPPED_HEAP_MB}MB`,
        value: capped.maxRssMb,
        unit: 'MB',
      },
      { benchmark: 'export', size, metric: 'csv size', value: csv.bytes / 1e6, unit: 'MB' },
    ];
    return out;
  },
};
