// Export through the real app over HTTP, as a researcher reaches it: a separate app process,
// POST /api/waves/{code}/exports → poll GET /api/jobs/{id} → GET the file, for CSV and XLSX,
// against a raw cursor read of the same documents in the same run. While the export runs, the
// app's and the store's RSS are sampled and /api/health is timed (p50/p99).
// Targets (issue 9): CSV ≥ 50 % of the raw cursor rate; health p99 ≤ 250 ms during an export.
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createUser } from '../../server/src/auth/auth.service';
import { ResponseModel } from '../../server/src/responses/response.model';
import { scanOrder } from '../../server/src/db/connection';
import { startServerProcess, type ServerProcess } from './server-process';
import type { Benchmark, BenchContext, Result } from './context';

function rssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function rawRead(ctx: BenchContext): Promise<number> {
  const t0 = performance.now();
  let rows = 0;
  // The same order as the export (db/connection.ts scanOrder), so the comparison is fair.
  const order = await scanOrder();
  const query = ResponseModel.find({ waveCode: ctx.wave, status: 'complete' });
  if (order) query.sort(order);
  const cursor = query.lean().cursor({ batchSize: 1000 });
  for await (const _r of cursor) rows++;
  return (rows / (performance.now() - t0)) * 1000;
}

type Session = { cookie: string; csrf: string };

export async function login(url: string, email: string, password: string): Promise<Session> {
  let res: Response;
  // On a loaded shared machine a login can pass the request deadline (503): try a few times.
  for (let attempt = 1; ; attempt++) {
    res = await fetch(`${url}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 503 || attempt === 5) break;
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, 2000));
  }
  if (res.status !== 200) throw new Error(`login: ${res.status}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** `p`, unless the app process dies first: then an error saying why, with its last log lines. */
export function unlessDead<T>(server: ServerProcess, p: Promise<T>): Promise<T> {
  const dead = server.died.then((why) => {
    throw new Error(why);
  });
  dead.catch(() => undefined); // only the race below reports it
  return Promise.race([p, dead]);
}

async function exportOnce(
  server: ServerProcess,
  s: Session,
  ctx: BenchContext,
  format: 'csv' | 'xlsx',
): Promise<{
  ms: number;
  rows: number;
  bytes: number;
  appPeak: number;
  storePeak: number;
  health: number[];
  healthErrors: number;
}> {
  const { url } = server;
  const appPid = server.proc.pid;
  const headers = { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'Content-Type': 'application/json' };
  let appPeak = rssMb(appPid);
  let storePeak = rssMb(ctx.storePid);
  const health: number[] = [];
  let healthErrors = 0;
  let running = true;
  // A failed probe is an error of the measurement (counted and printed), never an uncaught crash.
  const sampler = (async () => {
    while (running) {
      appPeak = Math.max(appPeak, rssMb(appPid));
      storePeak = Math.max(storePeak, rssMb(ctx.storePid));
      const t = performance.now();
      try {
        const r = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(30_000) });
        await r.arrayBuffer();
        if (r.status !== 200) throw new Error(`status ${r.status}`);
        health.push(performance.now() - t);
      } catch (err) {
        healthErrors++;
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        console.error(`  health probe failed after ${Math.round(performance.now() - t)} ms: ${cause}`);
        if (server.deathReport()) break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    const result = await unlessDead(
      server,
      runExport(url, headers, ctx, format).catch((err: Error) => {
        throw new Error(`${err.message}\napp log tail:\n${server.logTail() || '(empty)'}`);
      }),
    );
    return { ...result, appPeak, storePeak, health, healthErrors };
  } finally {
    running = false;
    await sampler;
  }
}

async function runExport(
  url: string,
  headers: Record<string, string>,
  ctx: BenchContext,
  format: 'csv' | 'xlsx',
): Promise<{ ms: number; rows: number; bytes: number }> {
  const t0 = performance.now();
  const start = await fetch(`${url}/api/waves/${ctx.wave}/exports`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ format }),
  });
  if (start.status !== 202) throw new Error(`start: ${start.status} ${await start.text()}`);
  const { id } = (await start.json()) as { id: string };
  let job: { state: string; rowsDone: number; error: string | null; file: { url: string } | null };
  let busy = 0;
  for (;;) {
    const res = await fetch(`${url}/api/jobs/${id}`, { headers });
    // A poll that passes the request deadline on a loaded machine (503) is retried, as the UI does.
    if (res.status === 503 && ++busy < 30) {
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, 1000));
      continue;
    }
    if (res.status !== 200) throw new Error(`job ${id}: ${res.status} ${await res.text()}`);
    job = (await res.json()) as typeof job;
    if (['done', 'failed', 'cancelled'].includes(job.state)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (job.state !== 'done') throw new Error(`export job ${job.state}: ${job.error}`);
  const file = await fetch(`${url}${job.file!.url}`, { headers });
  const bytes = (await file.arrayBuffer()).byteLength;
  if (file.status !== 200) throw new Error(`file: ${file.status}`);
  const ms = performance.now() - t0;
  return { ms, rows: job.rowsDone, bytes };
}

export const exportJob: Benchmark = {
  name: 'export-job',
  sizes: ({ million }) => (million ? [10_000, 100_000, 1_000_000] : [10_000, 100_000]),
  measure: async (ctx, size) => {
    const email = `bench-${randomUUID().slice(0, 8)}@bench.local`;
    const password = `pw-${randomUUID()}`;
    await createUser({ email, password, roles: ['researcher'] });
    const server = await startServerProcess(ctx.uri, ctx.dbName, { NODE_ENV: 'production' });
    try {
      const session = await unlessDead(server, login(server.url, email, password));
      const raw = await rawRead(ctx);
      if (server.deathReport()) throw new Error(server.deathReport()!);
      const out: Result[] = [
        { benchmark: 'export-job', size, metric: 'raw cursor rows/s', value: raw, unit: 'rows/s' },
      ];
      // BENCH_EXPORT_FORMATS=csv: only the CSV export (e.g. for a --million run short of time).
      const formats = (process.env.BENCH_EXPORT_FORMATS ?? 'csv,xlsx')
        .split(',')
        .filter((f): f is 'csv' | 'xlsx' => f === 'csv' || f === 'xlsx');
      for (const format of formats) {
        const m = await exportOnce(server, session, ctx, format);
        if (m.rows !== size) throw new Error(`${format} job wrote ${m.rows} rows, expected ${size}`);
        const rate = (m.rows / m.ms) * 1000;
        out.push(
          { benchmark: 'export-job', size, metric: `${format} start→file s`, value: m.ms / 1000, unit: 's' },
          { benchmark: 'export-job', size, metric: `${format} rows/s`, value: rate, unit: 'rows/s' },
          { benchmark: 'export-job', size, metric: `${format} / raw rate`, value: rate / raw, unit: 'ratio' },
          { benchmark: 'export-job', size, metric: `${format} app peak RSS`, value: m.appPeak, unit: 'MB' },
          { benchmark: 'export-job', size, metric: `${format} store peak RSS`, value: m.storePeak, unit: 'MB' },
          { benchmark: 'export-job', size, metric: `${format} health p50`, value: pct(m.health, 50), unit: 'ms' },
          { benchmark: 'export-job', size, metric: `${format} health p99`, value: pct(m.health, 99), unit: 'ms' },
          { benchmark: 'export-job', size, metric: `${format} health errors`, value: m.healthErrors, unit: 'n' },
          { benchmark: 'export-job', size, metric: `${format} file`, value: m.bytes / 1e6, unit: 'MB' },
        );
      }
      return out;
    } finally {
      await server.stop();
    }
  },
};
