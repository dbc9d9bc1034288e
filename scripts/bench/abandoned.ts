// Abandoned long requests (issue 9): 50 requests to long endpoints of the real app over HTTP
// (the recount GET /api/waves/{code}/tally/verify and the direct download
// GET /api/waves/{code}/exports/responses.csv, alternately), all sent at once and aborted by the
// client after ABANDON_AFTER_MS, as impatient users closing the tab or retrying. Right after the
// last abort: how long the store takes to answer a ping (from the bench's own connection) and
// the app takes to answer GET /api/health (which asks the store for its buildInfo).
// Target: the store answers a ping within 2 s. Then the health latency over the next 10 s, to
// see whether work left behind still loads the store.
import mongoose from 'mongoose';
import { randomUUID } from 'node:crypto';
import { createUser } from '../../server/src/auth/auth.service';
import { startServerProcess } from './server-process';
import { login, unlessDead } from './export-job';
import type { Benchmark, Result } from './context';

const REQUESTS = 50;
const ABANDON_AFTER_MS = 1_000;
const AFTER_WINDOW_MS = 10_000;

const pct = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

async function timed(f: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

export const abandoned: Benchmark = {
  name: 'abandoned',
  sizes: ({ million }) => (million ? [100_000, 1_000_000] : [10_000, 100_000]),
  measure: async (ctx, size) => {
    const email = `bench-${randomUUID().slice(0, 8)}@bench.local`;
    const password = `pw-${randomUUID()}`;
    await createUser({ email, password, roles: ['researcher'] });
    const server = await startServerProcess(ctx.uri, ctx.dbName, { NODE_ENV: 'production' });
    try {
      const s = await unlessDead(server, login(server.url, email, password));
      const headers = { Cookie: s.cookie };
      const paths = [`/api/waves/${ctx.wave}/tally/verify`, `/api/waves/${ctx.wave}/exports/responses.csv`];
      const outcome = { abandoned: 0, answered: 0, statuses: new Map<number, number>() };
      await Promise.all(
        Array.from({ length: REQUESTS }, async (_, i) => {
          const ac = new AbortController();
          const timer = setTimeout(() => ac.abort(), ABANDON_AFTER_MS);
          try {
            const res = await fetch(`${server.url}${paths[i % 2]}`, { headers, signal: ac.signal });
            // A download sends its headers before the rows: reading the body is what gets abandoned.
            await res.arrayBuffer();
            outcome.answered++;
            outcome.statuses.set(res.status, (outcome.statuses.get(res.status) ?? 0) + 1);
          } catch {
            outcome.abandoned++;
          } finally {
            clearTimeout(timer);
          }
        }),
      );
      const db = mongoose.connection.db!;
      // Both at once, right after the last abort: the store's own answer and the app's.
      const [ping, health] = await Promise.all([
        timed(() => db.admin().ping()),
        timed(async () => {
          const r = await fetch(`${server.url}/api/health`);
          await r.arrayBuffer();
          if (r.status !== 200) throw new Error(`health after abandon: ${r.status}`);
        }),
      ]);
      const after: number[] = [];
      const until = performance.now() + AFTER_WINDOW_MS;
      while (performance.now() < until) {
        after.push(
          await timed(async () => {
            const r = await fetch(`${server.url}/api/health`);
            await r.arrayBuffer();
          }),
        );
        await new Promise((r) => setTimeout(r, 100));
      }
      if (server.deathReport()) throw new Error(server.deathReport()!);
      ctx.log(
        `  abandoned: ${outcome.abandoned} of ${REQUESTS} aborted by the client after ${ABANDON_AFTER_MS} ms, ${outcome.answered} answered first (${[
          ...outcome.statuses,
        ]
          .map(([st, n]) => `${n}×${st}`)
          .join(', ')})`,
      );
      const out: Result[] = [
        { benchmark: 'abandoned', size, metric: 'requests abandoned', value: outcome.abandoned, unit: 'n' },
        { benchmark: 'abandoned', size, metric: 'store ping after', value: ping, unit: 'ms' },
        { benchmark: 'abandoned', size, metric: 'health after', value: health, unit: 'ms' },
        { benchmark: 'abandoned', size, metric: 'health p50 next 10 s', value: pct(after, 50), unit: 'ms' },
        { benchmark: 'abandoned', size, metric: 'health max next 10 s', value: Math.max(...after), unit: 'ms' },
      ];
      return out;
    } finally {
      await server.stop();
    }
  },
};
