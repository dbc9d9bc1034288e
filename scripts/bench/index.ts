// `npm run bench [-- --million] [-- --only tally-read,export]`: runs the benchmarks against an
// embedded store of their own, prints a table and writes bench-results/bench-<time>.json.
// Benchmarks are modules in BENCHMARKS; each names the wave sizes it measures at, and the runner
// grows one shared wave through those sizes in order (bulk inserts, tally counters kept).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createContext, ROOT, type Benchmark, type Result } from './context';
import { tallyRead } from './tally-read';
import { exportStream } from './export-stream';
import { submission } from './submission';
import { page } from './page';
import { exportJob } from './export-job';

export const BENCHMARKS: Benchmark[] = [tallyRead, exportStream, exportJob, submission, page];

function fmt(v: number, unit: string): string {
  if (unit === 'ratio') return v.toFixed(2);
  if (unit === 'ms') return v.toFixed(2);
  if (unit === 'MB' || unit === 'KiB') return v.toFixed(1);
  return Math.round(v).toLocaleString('en');
}

function summary(results: Result[]): string[] {
  const lines: string[] = [];
  const get = (b: string, size: number, metric: string) =>
    results.find((r) => r.benchmark === b && r.size === size && r.metric === metric)?.value;
  const tallySizes = [...new Set(results.filter((r) => r.benchmark === 'tally-read').map((r) => r.size))].sort(
    (a, b) => a - b,
  );
  if (tallySizes.length > 1) {
    const first = get('tally-read', tallySizes[0], 'median')!;
    for (const s of tallySizes.slice(1)) {
      const ratio = get('tally-read', s, 'median')! / first;
      lines.push(
        `tally read at ${s.toLocaleString('en')} / at ${tallySizes[0].toLocaleString('en')}: ${ratio.toFixed(2)} (target ≤ 1.5)`,
      );
    }
  }
  for (const s of tallySizes) {
    const scan = get('tally-read', s, 'recount (scan) median');
    const kept = get('tally-read', s, 'median');
    if (scan !== undefined && kept !== undefined)
      lines.push(
        `tally read at ${s.toLocaleString('en')}: kept counts ${kept.toFixed(1)} ms, recount from the responses ${scan.toFixed(1)} ms`,
      );
  }
  const exportSizes = [...new Set(results.filter((r) => r.benchmark === 'export').map((r) => r.size))].sort(
    (a, b) => a - b,
  );
  if (exportSizes.length > 1) {
    const first = get('export', exportSizes[0], 'csv peak RSS')!;
    for (const s of exportSizes.slice(1)) {
      const ratio = get('export', s, 'csv peak RSS')! / first;
      lines.push(
        `export peak RSS at ${s.toLocaleString('en')} / at ${exportSizes[0].toLocaleString('en')}: ${ratio.toFixed(2)} (target ≤ 1.5)`,
      );
    }
  }
  const capped = results.filter((r) => r.benchmark === 'export' && r.metric.startsWith('csv peak RSS, heap'));
  if (capped.length)
    lines.push(
      `export with the heap capped (${capped[0].metric.replace('csv peak RSS, ', '')}): completed at ${capped
        .map((r) => `${r.size.toLocaleString('en')} rows (peak RSS ${r.value.toFixed(0)} MB)`)
        .join(', ')}`,
    );
  for (const s of exportSizes) {
    const r = get('export', s, 'csv / raw rate');
    if (r !== undefined)
      lines.push(
        `export rate at ${s.toLocaleString('en')}: ${(r * 100).toFixed(0)}% of the raw cursor read (target ≥ 50%)`,
      );
  }
  const sub = (metric: string) => results.find((r) => r.benchmark === 'submission' && r.metric === metric)?.value;
  if (sub('api / raw rate') !== undefined)
    lines.push(
      `submissions: ${sub('api submissions/s')!.toFixed(1)}/s through the API = ${(sub('api / raw rate')! * 100).toFixed(1)}% of raw inserts (target ≥ 50%), p50 ${sub('api p50')!.toFixed(0)} ms, p99 ${sub('api p99')!.toFixed(0)} ms; stored ${sub('stored')} of ${sub('acknowledged')} acknowledged, ${sub('duplicates')} duplicates`,
    );
  const pg = (metric: string) => results.find((r) => r.benchmark === 'page' && r.metric === metric)?.value;
  if (pg('respondent JS gzip') !== undefined) {
    const js = pg('respondent JS gzip')!;
    const first = pg('first question (median)')! / 1000;
    lines.push(
      `respondent page: ${js.toFixed(1)} KiB JS gzip (target ≤ 300: ${js <= 300 ? 'met' : 'missed'}; /i/:token ${pg('invitation JS gzip')!.toFixed(1)} KiB), first question ${first.toFixed(2)} s on 1.6 Mbps/150 ms (target ≤ 3 s: ${first <= 3 ? 'met' : 'missed'}), form ready ${(pg('form ready (median)')! / 1000).toFixed(2)} s, ${pg('form ready / 404')!.toFixed(2)}× the 404 page`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { million: { type: 'boolean', default: false }, only: { type: 'string' }, max: { type: 'string' } },
  });
  // `--max 20000`: leave out the sizes above (a quick run on a small machine).
  const max = values.max ? Number(values.max) : Infinity;
  const only = values.only?.split(',');
  const benches = BENCHMARKS.filter((b) => !only || only.includes(b.name));
  const say = (m: string) => process.stdout.write(`${m}\n`);
  const { ctx, close } = await createContext(say);
  const results: Result[] = [];
  try {
    const sizes = [...new Set(benches.flatMap((b) => b.sizes({ million: values.million })))]
      .filter((s) => s <= max)
      .sort((a, b) => a - b);
    for (const size of sizes) {
      say(`— ${size.toLocaleString('en')} responses`);
      await ctx.ensureResponses(size);
      for (const b of benches.filter((x) => x.sizes({ million: values.million }).includes(size))) {
        const r = await b.measure(ctx, size);
        for (const x of r)
          say(`  ${x.benchmark.padEnd(12)} ${x.metric.padEnd(22)} ${fmt(x.value, x.unit).padStart(12)} ${x.unit}`);
        results.push(...r);
      }
    }
  } finally {
    await close();
  }
  say('');
  say('benchmark     responses   metric                        value  unit');
  for (const r of results) {
    say(
      `${r.benchmark.padEnd(13)} ${r.size.toLocaleString('en').padStart(9)}   ${r.metric.padEnd(24)} ${fmt(r.value, r.unit).padStart(11)}  ${r.unit}`,
    );
  }
  say('');
  for (const line of summary(results)) say(line);
  const dir = path.join(ROOT, 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  const json = JSON.stringify(
    {
      at: new Date().toISOString(),
      node: process.version,
      million: values.million,
      results,
      summary: summary(results),
    },
    null,
    2,
  );
  fs.writeFileSync(file, json);
  fs.writeFileSync(path.join(dir, 'latest.json'), json);
  say(`\nwritten ${path.relative(ROOT, file)}`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
