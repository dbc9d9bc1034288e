// Submission throughput: full validated submissions per second through the HTTP API of a
// separate server process (50 concurrent keep-alive clients, each request a distinct valid
// answer set with its own clientId), against raw single-document inserts of the same documents
// through the driver at the same concurrency, on the same store. Afterwards the stored count must
// equal the number acknowledged, with no duplicates.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import mongoose from 'mongoose';
import { createWaveIfAbsent } from '../../server/src/waves/waves.service';
import { listQuestionnaires } from '../../server/src/questionnaires/questionnaires.service';
import { DEFAULT_QUESTIONNAIRE } from '../../server/src/bootstrap';
import { ResponseModel } from '../../server/src/responses/response.model';
import { respondentCounts } from '../../server/src/analytics/counters.service';
import type { Benchmark, BenchContext, Result } from './context';
import { startServerProcess } from './server-process';

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 50);
const MEASURED = Number(process.env.BENCH_SUBMISSIONS ?? 500);

const RU = ['RU-VLG', 'RU-ARK', 'RU-KR', 'RU-YAR', 'RU-KOS', 'RU-TVE', 'RU-NIZ', 'RU-TA', 'RU-SVE', 'RU-NVS'];
const UA = ['UA-05', 'UA-07', 'UA-18', 'UA-26', 'UA-46', 'UA-53', 'UA-56', 'UA-61'];
const RU_TYPES = ['urban_okrug', 'municipal_district', 'municipal_okrug', 'urban_settlement', 'rural_settlement'];
const UA_TYPES = ['hromada_urban', 'hromada_settlement', 'hromada_rural'];
const OBSTACLES = ['funding', 'experience', 'legal', 'staff', 'capacity', 'procedures', 'coordination', 'motivation'];
const MEASURES = ['cofinancing', 'methodological_support', 'knowledge_base', 'staff_training', 'coordination_body'];
const SIZES = ['small', 'medium', 'large', 'big', 'largest'];
const ROLES = ['head', 'deputy_head', 'specialist', 'council_member', 'other'];
const EXPERIENCE = ['yes_ongoing', 'yes_past', 'planned', 'no'];

/** The i-th distinct, valid answer set of the default questionnaire (municipality names are unique). */
export function answerSet(i: number, tag: string): Record<string, unknown> {
  const ua = i % 3 === 0;
  const obstacles = OBSTACLES.filter((_o, k) => (i >> k) % 2 === 1 || k === i % OBSTACLES.length);
  const experience = EXPERIENCE[i % EXPERIENCE.length];
  return {
    country: ua ? 'UA' : 'RU',
    region: ua ? UA[i % UA.length] : RU[i % RU.length],
    municipality: `${tag} муниципалитет ${i}`,
    municipality_type: ua ? UA_TYPES[i % UA_TYPES.length] : RU_TYPES[i % RU_TYPES.length],
    population: 2000 + ((i * 7919) % 300000),
    size_class: SIZES[i % SIZES.length],
    role: ROLES[(i >> 1) % ROLES.length],
    imc_experience: experience,
    ...(experience.startsWith('yes') ? { imc_forms: ['council_association'], imc_fields: ['waste'] } : {}),
    obstacles,
    obstacle_severity: Object.fromEntries(obstacles.map((o, k) => [o, 1 + ((i + k) % 5)])),
    measures: MEASURES.filter((_m, k) => (i + k) % 3 === 0),
    ...(i % 5 === 0 ? { comment: 'Нужны типовые соглашения и софинансирование.' } : {}),
  };
}

/** A distinct client address for the i-th respondent (10.0.0.0/8), sent as X-Forwarded-For. */
export function respondentIp(i: number): string {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs `total` jobs with `concurrency` workers; returns the wall time and each job's latency. */
async function pool(
  total: number,
  concurrency: number,
  job: (i: number) => Promise<void>,
): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t = performance.now();
        await job(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies: latencies.sort((a, b) => a - b) };
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc; clock ticks of 10 ms). */
export function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    // The fields after the command name, which is in parentheses and may hold spaces.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10; // utime, stime (fields 14 and 15)
  } catch {
    return NaN;
  }
}

/** Peak resident memory of a process so far (VmHWM, Linux /proc), in MB. */
export function peakRssMb(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU of the app, the store and this process (the clients) over a phase, in ms. */
function cpuMeter(appPid: number | undefined, storePid: number | undefined) {
  const at = () => ({ app: cpuMs(appPid), store: cpuMs(storePid), bench: process.cpuUsage() });
  const start = at();
  return () => {
    const end = at();
    const bench = process.cpuUsage(start.bench);
    return { app: end.app - start.app, store: end.store - start.store, bench: (bench.user + bench.system) / 1000 };
  };
}

/** Waits until the wave's kept counts hold `n` responses; returns how long that took (ms). */
async function countsCurrent(wave: string, n: number): Promise<number> {
  const started = performance.now();
  for (;;) {
    if (((await respondentCounts([wave])).get(wave) ?? 0) >= n) return performance.now() - started;
    if (performance.now() - started > 120_000)
      throw new Error(`kept counts of ${wave} still short of ${n} after 2 min`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Reply = { status: number; body: string; retryAfterMs: number };

/** Keep-alive connections shared by the clients (one per concurrent client at most). */
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

/**
 * One POST over Node's http module with a keep-alive agent. The respondents' browsers run on other
 * machines in real use, so the clients here should take as little of this machine's CPU as they
 * can: Node's fetch (undici) took ~2.2 ms per request, this ~1 ms (docs/performance.md).
 */
function post(url: URL, body: string, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            retryAfterMs: Number(res.headers['retry-after'] ?? 0) * 1000,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(ctx: BenchContext, size: number): Promise<Result[]> {
  const version = (await listQuestionnaires()).filter((q) => q.key === DEFAULT_QUESTIONNAIRE).at(-1)!;
  const wave = `bench-submit-${randomUUID().slice(0, 6)}`;
  await createWaveIfAbsent({
    code: wave,
    title: { ru: 'Бенчмарк отправки', en: 'Submission benchmark', uk: 'Бенчмарк надсилання' },
    questionnaireId: version.id,
    status: 'open',
    opensAt: null,
    closesAt: null,
    scope: { countries: ['RU', 'UA'], regions: [] },
    access: 'public',
    anonymous: false,
  });
  const total = WARM_UP + MEASURED;
  // (and WARM_UP more for the concurrent warm-up)
  const subs = Array.from({ length: total + WARM_UP }, (_x, i) => ({
    clientId: randomUUID(),
    locale: 'ru',
    answers: answerSet(i, wave),
  }));

  const server = await startServerProcess(ctx.uri, ctx.dbName, { NODE_ENV: 'production' });
  const url = new URL(`/api/waves/${wave}/responses`, server.url);
  const acknowledged = new Set<string>();
  const failures = new Map<number, number>();
  let firstFailure = '';
  let retries = 0;
  // As the respondent page does: a 503 (store busy or away) is retried with the same clientId.
  const send = async (i: number) => {
    const body = JSON.stringify(subs[i]);
    for (let attempt = 0; attempt < 20; attempt++) {
      // Each respondent from an address of their own, so the per-address limits apply as in real use.
      const res = await post(url, body, { 'x-forwarded-for': respondentIp(i) });
      if (res.status === 201 || res.status === 200) {
        acknowledged.add(subs[i].clientId);
        return;
      }
      failures.set(res.status, (failures.get(res.status) ?? 0) + 1);
      firstFailure ||= `${res.status} ${res.body.slice(0, 300)}`;
      if (res.status !== 503) return;
      retries++;
      await new Promise((r) => setTimeout(r, res.retryAfterMs || 1000));
    }
  };
  let api: { seconds: number; latencies: number[] };
  let apiCpu: { app: number; store: number; bench: number };
  let countsLag: number;
  try {
    // Warm-up one at a time: a cold server (JIT, caches) would otherwise start behind its deadline.
    await pool(WARM_UP, 1, send);
    // Then as many at once as the measured phase (as the raw inserts below are warmed): the
    // clients' 50 connections are open, as on a server that has been up for a while. Without it
    // the first 50 requests, arriving within 10 ms on new connections to a server that has only
    // seen one request at a time, took up to a second and made the p99 of 500 (docs/performance.md).
    await pool(WARM_UP, CONCURRENCY, (i) => send(total + i));
    const meter = cpuMeter(server.proc.pid, ctx.storePid);
    api = await pool(MEASURED, CONCURRENCY, (i) => send(WARM_UP + i));
    // Work the submissions leave behind them (kept counts not yet current) is theirs too.
    countsLag = await countsCurrent(wave, acknowledged.size);
    apiCpu = meter();
  } finally {
    await server.stop();
  }
  if (firstFailure)
    ctx.log(`  submission: ${[...failures].map(([s, n]) => `${n}× ${s}`).join(', ')}; first: ${firstFailure}`);

  // The same documents as the API stored them, inserted one by one through the driver.
  const stored = await ResponseModel.find({ waveCode: wave }).lean();
  const raw = mongoose.connection.db!.collection<{ _id: string }>(`bench_raw_${wave.replace(/-/g, '_')}`);
  const docs = stored.map((d) => ({ ...(d as unknown as { _id: string }), _id: `raw-${String(d._id)}` }));
  await pool(Math.min(WARM_UP, docs.length), CONCURRENCY, async (i) => {
    await raw.insertOne({ ...docs[i], _id: `warm-${i}` });
  });
  const measuredDocs = docs.slice(WARM_UP);
  const rawMeter = cpuMeter(undefined, ctx.storePid);
  const base = await pool(measuredDocs.length, CONCURRENCY, async (i) => {
    await raw.insertOne(measuredDocs[i]);
  });
  const rawCpu = rawMeter();
  await raw.drop();

  // Exactness: every acknowledged submission stored once, nothing else stored.
  const ids = stored.map((d) => String(d._id));
  const municipalities = stored.map((d) => String((d.answers as Record<string, unknown>).municipality));
  const duplicates = ids.length - new Set(ids).size + (municipalities.length - new Set(municipalities).size);
  const unacknowledgedStored = ids.filter((id) => !acknowledged.has(id)).length;
  const exact = stored.length === acknowledged.size && duplicates === 0 && unacknowledgedStored === 0;
  ctx.log(
    `  submission: acknowledged ${acknowledged.size}/${total}, stored ${stored.length}, duplicates ${duplicates}, ` +
      `stored but not acknowledged ${unacknowledgedStored} → ${exact ? 'exact' : 'NOT EXACT'}`,
  );
  await ResponseModel.deleteMany({ waveCode: wave });

  const apiRate = MEASURED / api.seconds;
  const rawRate = measuredDocs.length / base.seconds;
  const r = (metric: string, value: number, unit: string, note?: string): Result => ({
    benchmark: 'submission',
    size,
    metric,
    value,
    unit,
    ...(note ? { note } : {}),
  });
  return [
    r('api submissions/s', apiRate, '/s', `${CONCURRENCY} concurrent clients`),
    r('raw inserts/s', rawRate, '/s', `${CONCURRENCY} concurrent insertOne`),
    r('api / raw rate', apiRate / rawRate, 'ratio', 'target ≥ 0.25'),
    r('api p50', percentile(api.latencies, 50), 'ms'),
    r('api p99', percentile(api.latencies, 99), 'ms'),
    r('raw p50', percentile(base.latencies, 50), 'ms'),
    r('raw p99', percentile(base.latencies, 99), 'ms'),
    r('counts current after', countsLag, 'ms', 'after the last answer'),
    r('app CPU per submission', apiCpu.app / MEASURED, 'ms', 'the server process'),
    r('store CPU per submission', apiCpu.store / MEASURED, 'ms', 'the embedded store'),
    r('client CPU per submission', apiCpu.bench / MEASURED, 'ms', 'this process: 50 clients'),
    r('store peak RSS', peakRssMb(ctx.storePid), 'MB', 'the store process, whole bench run so far'),
    r('store CPU per raw insert', rawCpu.store / measuredDocs.length, 'ms'),
    r('client CPU per raw insert', rawCpu.bench / measuredDocs.length, 'ms', 'this process: the driver'),
    r('acknowledged', acknowledged.size, 'count'),
    r('stored', stored.length, 'count'),
    r('duplicates', duplicates, 'count'),
    r(
      'refused attempts',
      [...failures.values()].reduce((a, b) => a + b, 0),
      'count',
      'retried with the same clientId',
    ),
    r('retries', retries, 'count'),
  ];
}

export const submission: Benchmark = {
  name: 'submission',
  sizes: () => [1000],
  measure,
};
