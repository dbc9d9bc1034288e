// WORKERS=2: the app runs as a cluster (a primary and two worker processes sharing the port).
// Submissions through the shared port are all stored and counted once; a worker that dies is
// replaced; SIGTERM to the primary stops the workers too.
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { useTestDatabase } from '../helpers/db';
import { startServerProcess } from '../helpers/server-process';
import { answers, createFixtureWave } from '../helpers/fixtures';
import { ResponseModel } from '../../server/src/responses/response.model';
import { CounterModel } from '../../server/src/analytics/counter.model';
import { counterId } from '../../server/src/analytics/counters.service';

const { dbName } = useTestDatabase({ demo: false });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Live app worker processes forked by `pid`, read from /proc (Linux); tsx's esbuild helper is not one. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...; comm may hold spaces, so split after the last ')'
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (Number(ppid) === pid && state !== 'Z' && cmdline.includes('index.ts')) out.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

async function until<T>(probe: () => T | Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const start = Date.now();
  let v = await probe();
  while (!ok(v) && Date.now() - start < ms) {
    await sleep(200);
    v = await probe();
  }
  return v;
}

describe('WORKERS=2 runs the app on two processes', () => {
  let proc: ChildProcess;
  let url: string;
  let wave: string;

  beforeAll(async () => {
    wave = await createFixtureWave();
    ({ url, proc } = await startServerProcess(dbName, { WORKERS: '2' }));
  }, 120_000);
  afterAll(() => {
    if (proc?.exitCode === null) proc.kill('SIGKILL');
  });

  const submit = () =>
    request(url)
      .post(`/api/waves/${wave}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: answers({ region: 'RU-VLG', obstacles: ['funding'] }) });

  it('has two workers and stores every submission once', async () => {
    const workers = await until(
      () => childrenOf(proc.pid!),
      (c) => c.length >= 2,
    );
    expect(workers).toHaveLength(2);

    const results = await Promise.all(Array.from({ length: 30 }, () => submit()));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(201));
    expect(await ResponseModel.countDocuments({ waveCode: wave })).toBe(30);
    // Each worker answers once a response is stored and writes its count right after (the group
    // being written may trail the last answer by a moment).
    const counter = await until(
      () => CounterModel.findById(counterId(wave, 'RU-VLG')).lean<{ n: number }>(),
      (c) => (c?.n ?? 0) >= 30,
    );
    expect(counter?.n).toBe(30);
  }, 120_000);

  it('replaces a worker that dies, and keeps answering', async () => {
    const [victim] = childrenOf(proc.pid!);
    process.kill(victim, 'SIGKILL');
    const after = await until(
      () => childrenOf(proc.pid!),
      (c) => c.length === 2 && !c.includes(victim),
    );
    expect(after).toHaveLength(2);
    expect(after).not.toContain(victim);
    const results = await Promise.all(Array.from({ length: 10 }, () => submit()));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect((await request(url).get('/api/health')).status).toBe(200);
  }, 120_000);

  it('SIGTERM to the primary stops the workers too', async () => {
    const workers = childrenOf(proc.pid!);
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    const alive = workers.filter((p) => {
      try {
        process.kill(p, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  }, 60_000);
});
