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
import { abandoned } from './abandoned';
import { cubeRead, DURING_PASS } from './cube-read';
import { storeWrites } from './store-writes';

export const BENCHMARKS: Benchmark[] = [
  tallyRead,
  cubeRead,
  exportStream,
  exportJob,
  abandoned,
  submission,
  storeWrites,
  page,
];

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
  const job = (s: number, metric: string) =>
    results.find((r) => r.benchmark === 'export-job' && r.size === s && r.metric === metric)?.value;
  const jobSizes = [...new Set(results.filter((r) => r.benchmark === 'export-job').map((r) => r.size))].sort(
    (a, b) => a - b,
  );
  for (const s of jobSizes) {
    const n = s.toLocaleString('en');
    for (const f of ['csv', 'xlsx']) {
      if (job(s, `${f} / raw rate`) === undefined) continue;
      lines.push(
        `export job ${f} at ${n}: ${job(s, `${f} start→file s`)!.toFixed(0)} s start→file, ${(job(s, `${f} / raw rate`)! * 100).toFixed(0)}% of the raw cursor read${f === 'csv' ? ' (target ≥ 50%)' : ''}, health p99 ${job(s, `${f} health p99`)!.toFixed(0)} ms (target ≤ 250)`,
      );
    }
    const first = job(jobSizes[0], 'csv app peak RSS');
    const here = job(s, 'csv app peak RSS');
    if (s !== jobSizes[0] && first && here)
      lines.push(
        `export job csv app peak RSS at ${n} / at ${jobSizes[0].toLocaleString('en')}: ${(here / first).toFixed(2)} (target ≤ 1.5 at 1,000,000 vs 10,000)`,
      );
  }
  for (const r of results.filter((x) => x.benchmark === 'abandoned' && x.metric === 'store ping after'))
    lines.push(
      `after 50 abandoned long requests at ${r.size.toLocaleString('en')}: store ping ${r.value.toFixed(0)} ms (target ≤ 2000), health ${results.find((x) => x.benchmark === 'abandoned' && x.size === r.size && x.metric === 'health after')!.value.toFixed(0)} ms`,
    );
  const cubeSizes = [...new Set(results.filter((r) => r.benchmark === 'cube-read').map((r) => r.size))].sort(
    (a, b) => a - b,
  );
  if (cubeSizes.length) {
    const at = (size: number, metric: string) => get('cube-read', size, metric);
    const reads = results
      .filter((r) => r.benchmark === 'cube-read' && r.size === cubeSizes[0] && r.metric.endsWith(' median'))
      .map((r) => r.metric.slice(0, -' median'.length))
      .filter((m) => !m.endsWith(DURING_PASS));
    for (const s of cubeSizes.slice(1)) {
      const ratios = reads.map((m) => at(s, `${m} median`)! / at(cubeSizes[0], `${m} median`)!);
      const p95 = Math.max(...reads.map((m) => at(s, `${m} p95`)).filter((v): v is number => v !== undefined));
      const during = reads.map((m) => at(s, `${m}${DURING_PASS} p95`)).filter((v): v is number => v !== undefined);
      lines.push(
        `cube reads at ${s.toLocaleString('en')} / at ${cubeSizes[0].toLocaleString('en')}: worst ${Math.max(...ratios).toFixed(2)} (target ≤ 1.5); worst p95 ${p95.toFixed(1)} ms (target ≤ 200)${during.length ? `; while the start-up catch-up pass ran: worst p95 ${Math.max(...during).toFixed(1)} ms` : ''}`,
      );
    }
  }
  const sub = (metric: string) => results.find((r) => r.benchmark === 'submission' && r.metric === metric)?.value;
  if (sub('api / raw rate') !== undefined)
    lines.push(
      `submissions: ${sub('api submissions/s')!.toFixed(1)}/s through the API = ${(sub('api / raw rate')! * 100).toFixed(1)}% of raw inserts (target ≥ 25%, issue 14), p50 ${sub('api p50')!.toFixed(0)} ms, p99 ${sub('api p99')!.toFixed(0)} ms; stored ${sub('stored')} of ${sub('acknowledged')} acknowledged, ${sub('duplicates')} duplicates; counts current ${sub('counts current after')!.toFixed(0)} ms after the last answer; CPU per submission: app ${sub('app CPU per submission')!.toFixed(1)} ms, store ${sub('store CPU per submission')!.toFixed(1)} ms, clients ${sub('client CPU per submission')!.toFixed(1)} ms (a raw insert: store ${sub('store CPU per raw insert')!.toFixed(1)} ms, driver ${sub('client CPU per raw insert')!.toFixed(1)} ms); store peak RSS ${sub('store peak RSS')!.toFixed(0)} MB`,
    );
  const sw = (metric: string) => results.find((r) => r.benchmark === 'store-writes' && r.metric === metric)?.value;
  if (sw('raw insert of a response store CPU') !== undefined) {
    const own = sw('rate limit (a new address) store CPU')! + sw('response upsert store CPU')!;
    const counting = sw('counting, in groups of 500 (per response) store CPU')!;
    const raw = sw('raw insert of a response store CPU')!;
    lines.push(
      `store CPU of a submission: its own writes ${own.toFixed(2)} ms + counting ${counting.toFixed(2)} ms (groups of 500; ${sw('counting, one response at a time store CPU')!.toFixed(2)} ms one at a time) = ${((own + counting) / raw).toFixed(1)}× a raw insert (${raw.toFixed(2)} ms)`,
    );
  }
  const pg = (metric: string) => results.find((r) => r.benchmark === 'page' && r.metric === metric)?.value;
  if (pg('respondent JS brotli') !== undefined) {
    const js = pg('respondent JS brotli')!;
    const first = pg('first question (median)')! / 1000;
    lines.push(
      `respondent page: ${js.toFixed(1)} KiB JS as sent, brotli (target ≤ 300: ${js <= 300 ? 'met' : 'missed'}; ${pg('respondent JS gzip')!.toFixed(1)} KiB gzip; /i/:token ${pg('invitation JS brotli')!.toFixed(1)} KiB brotli), JS received in Chromium ${pg('JS on the wire')!.toFixed(1)} KiB, first question ${first.toFixed(2)} s on 1.6 Mbps/150 ms (target ≤ 3 s: ${first <= 3 ? 'met' : 'missed'}), form ready ${(pg('form ready (median)')! / 1000).toFixed(2)} s, ${pg('form ready / 404')!.toFixed(2)}× the 404 page`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      million: { type: 'boolean', default: false },
      only: { type: 'string' },
      max: { type: 'string' },
      min: { type: 'string' },
    },
  });
  // `--max 20000`: leave out the sizes above (a quick run on a small machine).
  const max = values.max ? Number(values.max) : Infinity;
  // `--min 1000000`: leave out the sizes below (the wave is still seeded through them, unmeasured).
  const min = values.min ? Number(values.min) : 0;
  const only = values.only?.split(',');
  const benches = BENCHMARKS.filter((b) => !only || only.includes(b.name));
  const say = (m: string) => process.stdout.write(`${m}\n`);
  const { ctx, close } = await createContext(say);
  const results: Result[] = [];
  try {
    const sizes = [...new Set(benches.flatMap((b) => b.sizes({ million: values.million })))]
      .filter((s) => s <= max && s >= min)
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
