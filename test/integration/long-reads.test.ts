// Long reads on a pool of their own (db/long-reads.ts, issue 9): exports, recounts and scans go
// over a second connection with a small pool, so /api/health and a submission never wait on the
// app's side behind their batches; and a long read whose client goes away lets go of its
// connection and its cursor on the store at once. Real app, real store (embedded FerretDB: its
// full scans are what makes a read long; on MongoDB an index answers these reads at once).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { connectMongoose } from '../../server/src/db/connection';
import { prepareDatabase } from '../../server/src/bootstrap';
import { openCursors } from '../../server/src/db/abortable';
import { LONG_READ_BATCH, LONG_READ_POOL, longReadConnection } from '../../server/src/db/long-reads';
import { PROBE_FRESH_MS } from '../../server/src/health/health.routes';
import { ResponseModel } from '../../server/src/responses/response.model';
import { ROOT, storeKind, storeUri } from '../helpers/db';
import { answers, createFixtureWave } from '../helpers/fixtures';
import { createUser } from '../helpers/auth';

const dbName = `t_${randomUUID().slice(0, 8)}`;
const onEmbedded = storeKind() === 'embedded' ? describe : describe.skip;
const N = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Connections of one client's pool that are checked out, and operations waiting for one. Read
 * from the driver's pool (its own counters; the pool events say nothing when a waiting checkout
 * is abandoned through its signal). A waiter abandoned behind others stays counted until the pool
 * next looks at its queue.
 */
function watchPool(client: ReturnType<mongoose.Connection['getClient']>) {
  type Pool = { currentCheckedOutCount: number; waitQueue: Iterable<{ cancelled: boolean }> };
  const pools = () =>
    [
      ...((
        client as unknown as { topology?: { s: { servers: Map<string, { pool: Pool }> } } }
      ).topology?.s.servers.values() ?? []),
    ].map((s) => s.pool);
  return {
    inUse: () => pools().reduce((n, p) => n + p.currentCheckedOutCount, 0),
    waiting: () => pools().reduce((n, p) => n + [...p.waitQueue].filter((w) => !w.cancelled).length, 0),
  };
}

/** Commands the long-read client sent (command monitoring is on for this file's connections). */
const longCommands: { name: string; at: number; ok?: boolean }[] = [];
let pool: ReturnType<typeof watchPool>;

async function until(ok: () => boolean, ms: number): Promise<number> {
  const start = Date.now();
  while (!ok() && Date.now() - start < ms) await sleep(10);
  return Date.now() - start;
}

let full: string; // N complete responses
let empty: string; // none: every read of it is a full scan of the N others that finds nothing
let cookie = '';
// The request deadline is long: the reads here are stopped by their clients, not by it.
const app = createApp({ store: { kind: storeKind() }, requestDeadlineMs: 120_000 });
let server: http.Server;
let port = 0;

beforeAll(async () => {
  await connectMongoose(storeUri(), dbName, storeKind() === 'external', undefined, { monitorCommands: true });
  await prepareDatabase({ rootDir: ROOT, demo: false });
  const client = longReadConnection()!.getClient();
  pool = watchPool(client);
  client.on('commandStarted', (e) => longCommands.push({ name: e.commandName, at: Date.now() }));
  client.on('commandSucceeded', (e) => {
    if (e.commandName === 'killCursors') longCommands.push({ name: 'killCursors:ok', at: Date.now(), ok: true });
  });
  client.on('commandFailed', (e) => longCommands.push({ name: `${e.commandName}:failed`, at: Date.now(), ok: false }));
  full = await createFixtureWave();
  empty = await createFixtureWave();
  const questionnaireId = (await mongoose.connection.db!.collection('waves').findOne({ _id: full as never }))!
    .questionnaireId as string;
  const regions = ['RU-VLG', 'RU-MOS', 'UA-05'];
  for (let start = 0; start < N; start += 2000) {
    const docs = Array.from({ length: 2000 }, (_, k) => {
      const i = start + k;
      const region = regions[i % 3];
      const obstacles = i % 2 ? ['funding', 'legal'] : ['experience'];
      return {
        _id: randomUUID(),
        waveCode: full,
        questionnaireId,
        status: 'complete',
        answers: { region, municipality: `М${i}`, obstacles, population: 1000 + i },
        regionCode: region,
        municipality: `М${i}`,
        municipalityType: '',
        sizeClass: '',
        respondentRole: '',
        locale: 'ru',
        startedAt: null,
        submittedAt: new Date(),
        invitationId: null,
        talliedAt: new Date(),
      };
    });
    await ResponseModel.collection.insertMany(docs as never[], { ordered: false });
  }
  const { email, password } = await createUser(`r-${randomUUID().slice(0, 8)}@test.local`, 'pw-long-enough-1', [
    'researcher',
  ]);
  const res = await request(app).post('/api/auth/login').send({ email, password }).expect(200);
  cookie = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0])
    .join('; ');
  server = http.createServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
}, 240_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  await mongoose.connection.db?.dropDatabase();
  await mongoose.disconnect();
});

/** A GET through a real socket that the test can drop, like a closed tab. */
function open(path: string) {
  const req = http.get({ host: '127.0.0.1', port, path, headers: { cookie } });
  const answered = new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
  req.on('error', () => undefined);
  return { req, answered };
}

/** Reads a whole answer; resolves with its status. */
function readAll(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, headers: { cookie } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

onEmbedded('long reads on a pool of their own', () => {
  it('while long reads fill their pool (and more wait for it), /api/health and a submission answer at once', async () => {
    // One slow read alone: the export of a wave with no responses scans all N responses of the other.
    let t = Date.now();
    expect(await readAll(`/api/waves/${empty}/exports/responses.csv`)).toBe(200);
    const scanMs = Date.now() - t;
    expect(scanMs).toBeGreaterThan(300);

    // Four times as many as the long-read pool has connections: the pool is full and reads wait.
    const K = 4 * LONG_READ_POOL;
    const reads = Array.from({ length: K }, () => open(`/api/waves/${empty}/exports/responses.csv`));
    expect(await until(() => pool.inUse() === LONG_READ_POOL && pool.waiting() > 0, 60_000)).toBeLessThan(60_000);

    const health: number[] = [];
    const saturated: boolean[] = [];
    for (let i = 0; i < 5; i++) {
      // Apart by more than the probe's reuse time (PROBE_FRESH_MS): each asks the store.
      await sleep(PROBE_FRESH_MS + 50);
      t = Date.now();
      const res = await request(app).get('/api/health');
      health.push(Date.now() - t);
      expect(res.status).toBe(200);
      saturated.push(pool.inUse() === LONG_READ_POOL && pool.waiting() > 0);
    }
    t = Date.now();
    const sub = await request(app)
      .post(`/api/waves/${empty}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: answers() });
    const submitMs = Date.now() - t;
    expect(sub.status).toBe(201);
    saturated.push(pool.inUse() === LONG_READ_POOL && pool.waiting() > 0);
    console.log(`one scan alone ${scanMs} ms; health ${health.join(', ')} ms; submission ${submitMs} ms`);

    // Measured while the long reads still held their pool and had more waiting for it…
    expect(saturated).toEqual(saturated.map(() => true));
    // …each answer came in well under the time of one of those reads (behind them on one pool,
    // a request would wait for a multiple of it). Relative: the machine may be loaded.
    expect(Math.max(...health)).toBeLessThan(scanMs / 2);
    expect(submitMs).toBeLessThan(scanMs / 2);

    // All of them abandoned at once: the waiting ones leave the queue, the ones in flight drop
    // their connection: the long-read pool is free long before one scan would have ended.
    for (const r of reads) r.req.destroy();
    const freeIn = await until(() => pool.inUse() === 0 && pool.waiting() === 0, 60_000);
    console.log(`long-read pool free ${freeIn} ms after the ${K} clients left`);
    expect(freeIn).toBeLessThan(Math.max(500, scanMs / 2));
    expect(await until(() => openCursors() === 0, 5_000)).toBeLessThan(5_000);
  }, 300_000);

  it('an aborted direct download closes its cursor on the store and frees its connection', async () => {
    const mark = longCommands.length;
    const { req, answered } = open(`/api/waves/${full}/exports/responses.csv`);
    const res = await answered;
    expect(res.statusCode).toBe(200);
    // The first rows arrived; the client stops reading (the server is held by backpressure), then leaves.
    await new Promise((r) => res.once('data', r));
    res.pause();
    expect(openCursors()).toBeGreaterThan(0);
    req.destroy();
    const closedIn = await until(() => openCursors() === 0 && pool.inUse() === 0, 60_000);
    console.log(`download: cursor closed and connection free ${closedIn} ms after the client left`);
    expect(closedIn).toBeLessThan(10_000);
    // The store was told: killCursors sent and answered…
    expect(await until(() => longCommands.slice(mark).some((c) => c.name === 'killCursors:ok'), 10_000)).toBeLessThan(
      10_000,
    );
    // …long before the end (N rows in batches of LONG_READ_BATCH), and no batch was asked for after it.
    const after = longCommands.slice(mark);
    const kill = after.findIndex((c) => c.name === 'killCursors');
    expect(after.slice(kill + 1).filter((c) => c.name === 'getMore')).toEqual([]);
    expect(after.filter((c) => c.name === 'getMore').length).toBeLessThan(N / LONG_READ_BATCH / 2);
  }, 120_000);

  it('an aborted recount (GET …/tally/verify) closes its cursor and frees its connection', async () => {
    const mark = longCommands.length;
    const { req } = open(`/api/waves/${full}/tally/verify`);
    // Under way: its cursor is open and has asked for a further batch.
    expect(
      await until(() => openCursors() > 0 && longCommands.slice(mark).some((c) => c.name === 'getMore'), 60_000),
    ).toBeLessThan(60_000);
    req.destroy();
    const closedIn = await until(() => openCursors() === 0 && pool.inUse() === 0, 60_000);
    console.log(`verify: cursor closed and connection free ${closedIn} ms after the client left`);
    // At most the batch in flight is finished first.
    expect(closedIn).toBeLessThan(10_000);
    expect(await until(() => longCommands.slice(mark).some((c) => c.name === 'killCursors:ok'), 10_000)).toBeLessThan(
      10_000,
    );
    const after = longCommands.slice(mark);
    expect(after.filter((c) => c.name === 'getMore').length).toBeLessThan(N / LONG_READ_BATCH / 2);
  }, 120_000);
});
