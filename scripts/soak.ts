// `npm run soak [-- --minutes 5 --rate 5]`: a steady stream of submissions (open loop: one every
// 1/rate s, whatever the answers take) to a separate app server process on an embedded store of
// its own. Reports error responses (must be 0), the server's RSS after warm-up and at the end
// (must stay within 20 %), and whether the counts are exact (stored = acknowledged, no
// duplicates, the kept tally counts the same number). Exit code 1 when any of these fails.
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createContext } from './bench/context';
import { answerSet, respondentIp } from './bench/submission';
import { startServerProcess } from './bench/server-process';
import { ResponseModel } from '../server/src/responses/response.model';
import { CounterModel } from '../server/src/analytics/counter.model';

const say = (m: string) => process.stdout.write(`${m}\n`);

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { minutes: { type: 'string', default: '5' }, rate: { type: 'string', default: '5' } },
  });
  const minutes = Number(values.minutes);
  const rate = Number(values.rate);
  if (!(minutes > 0) || !(rate > 0)) throw new Error('--minutes and --rate must be positive numbers');
  const durationMs = minutes * 60_000;
  // Warm-up covers V8 settling its heap: in a 5-minute run at 5/s the first major collections
  // come between 90 and 120 s (RSS 290 MB -> 200 MB, then flat), so a 60 s warm-up compared the
  // end with a heap not yet sized. Two minutes (or 2/5 of a shorter run) is past that.
  const warmUpMs = Math.min(120_000, (durationMs * 2) / 5);
  if (durationMs < warmUpMs + 30_000) throw new Error('the soak needs at least 30 s after its warm-up');

  const { ctx, close } = await createContext(say);
  const server = await startServerProcess(ctx.uri, ctx.dbName);
  const pid = server.proc.pid!;
  // Ctrl+C: stop the server process and the store before leaving.
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.once(signal, () => {
      void server
        .stop()
        .then(close)
        .finally(() => process.exit(130));
    });
  say(
    `soak: ${minutes} min at ${rate} submissions/s to ${server.url} (server pid ${pid}), warm-up ${warmUpMs / 1000} s`,
  );

  const acknowledged = new Set<string>();
  const statuses = new Map<string, number>();
  const latencies: number[] = [];
  // RSS is sampled every second; "after warm-up" and "at the end" are medians over 15 s, so one
  // sample taken just before or after a garbage collection does not decide the verdict.
  const rss: { at: number; mb: number }[] = [];
  const sampler = setInterval(() => rss.push({ at: Date.now(), mb: rssMb(pid) }), 1000);
  const medianOf = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  let sent = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let rssAfterWarmUp = NaN;
  const rssSamples: { at: number; mb: number }[] = [];
  const url = `${server.url}/api/waves/${ctx.wave}/responses`;

  // Every answer is counted (an error response is a failure of the soak), and, as the respondent
  // page does, a refused submission is sent again with the same clientId after its Retry-After,
  // so the counts can be checked exactly whatever happened.
  const submit = async (i: number) => {
    const clientId = randomUUID();
    const body = JSON.stringify({ clientId, locale: 'ru', answers: answerSet(i, 'soak') });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    for (let attempt = 0; attempt < 10; attempt++) {
      const t = performance.now();
      let key: string;
      let retryAfterMs = 0;
      try {
        const res = await fetch(url, {
          method: 'POST',
          // Each respondent from an address of their own (the app trusts X-Forwarded-For from
          // loopback, as behind its reverse proxy), so the per-address limits apply as in real use.
          headers: { 'content-type': 'application/json', 'x-forwarded-for': respondentIp(i) },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        await res.arrayBuffer();
        key = String(res.status);
        if (res.status === 201 || res.status === 200) acknowledged.add(clientId);
        retryAfterMs = res.status === 503 ? Number(res.headers.get('retry-after') ?? 5) * 1000 : 0;
      } catch (err) {
        key = (err as Error).name;
        retryAfterMs = 5000;
      }
      latencies.push(performance.now() - t);
      statuses.set(key, (statuses.get(key) ?? 0) + 1);
      if (!retryAfterMs) break;
      await new Promise((r) => setTimeout(r, retryAfterMs));
    }
    inFlight--;
  };

  const started = Date.now();
  const pending: Promise<void>[] = [];
  let lastReport = started;
  let rssEnd: number;
  try {
    while (Date.now() - started < durationMs) {
      const due = Math.floor(((Date.now() - started) / 1000) * rate);
      while (sent < due) pending.push(submit(sent++));
      const now = Date.now();
      if (Number.isNaN(rssAfterWarmUp) && now - started >= warmUpMs + 15_000) {
        rssAfterWarmUp = medianOf(rss.filter((r) => r.at - started >= warmUpMs).map((r) => r.mb));
        say(`  after warm-up: server RSS ${rssAfterWarmUp.toFixed(1)} MB (median of 15 s)`);
      }
      if (now - lastReport >= 30_000) {
        lastReport = now;
        const mb = rssMb(pid);
        rssSamples.push({ at: Math.round((now - started) / 1000), mb });
        const errors = [...statuses].filter(([s]) => s !== '201' && s !== '200').reduce((a, [, n]) => a + n, 0);
        say(
          `  ${Math.round((now - started) / 1000)} s: sent ${sent}, acknowledged ${acknowledged.size}, errors ${errors}, in flight ${inFlight}, RSS ${mb.toFixed(1)} MB`,
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    await Promise.all(pending);
  } finally {
    clearInterval(sampler);
    const endFrom = Date.now() - 15_000;
    rssEnd = medianOf(rss.filter((r) => r.at >= endFrom).map((r) => r.mb));
    await server.stop();
  }

  const stored = await ResponseModel.find({ waveCode: ctx.wave }, { _id: 1, 'answers.municipality': 1 }).lean();
  const ids = stored.map((d) => String(d._id));
  const names = stored.map((d) => String((d.answers as Record<string, unknown>).municipality));
  const duplicates = ids.length - new Set(ids).size + (names.length - new Set(names).size);
  const notAcknowledged = ids.filter((id) => !acknowledged.has(id)).length;
  const counters = await CounterModel.find({ wave: ctx.wave }, { n: 1 }).lean<{ n: number }[]>();
  const tallied = counters.reduce((a, c) => a + (c.n ?? 0), 0);
  await close();

  const errors = [...statuses].filter(([s]) => s !== '201' && s !== '200').reduce((a, [, n]) => a + n, 0);
  const sorted = [...latencies].sort((a, b) => a - b);
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
  const growth = rssEnd / rssAfterWarmUp - 1;
  const exact =
    stored.length === acknowledged.size && duplicates === 0 && notAcknowledged === 0 && tallied === stored.length;
  const ok = errors === 0 && Math.abs(growth) <= 0.2 && exact;
  say('');
  say(
    `soak ${minutes} min at ${rate}/s: sent ${sent}, answers ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')}`,
  );
  say(`  error responses: ${errors} (must be 0)`);
  say(
    `  latency p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, max ${pct(100).toFixed(0)} ms; most in flight ${maxInFlight}`,
  );
  say(
    `  server RSS (medians of 15 s): ${rssAfterWarmUp.toFixed(1)} MB after warm-up, ${rssEnd.toFixed(1)} MB at the end (${(growth * 100).toFixed(1)} %, must be within ±20 %)`,
  );
  say(
    `  RSS every 30 s: ${rssSamples.map((s) => `${s.at}s ${s.mb.toFixed(0)}`).join(', ')}; min ${Math.min(...rss.map((r) => r.mb)).toFixed(0)}, max ${Math.max(...rss.map((r) => r.mb)).toFixed(0)} MB`,
  );
  say(
    `  counts: acknowledged ${acknowledged.size}, stored ${stored.length}, duplicates ${duplicates}, stored but not acknowledged ${notAcknowledged}, tally counts ${tallied} → ${exact ? 'exact' : 'NOT EXACT'}`,
  );
  say(`  ${ok ? 'PASS' : 'FAIL'}`);
  process.exitCode = ok ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`soak failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
