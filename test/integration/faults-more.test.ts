// More of what happens when things break: the app process is killed while officials are half-way
// through their questionnaires (their drafts must survive), and the store becomes unreachable
// (quick 503 problem details, no hanging requests, recovery by itself when it returns).
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { connectMongoose } from '../../server/src/db/connection';
import { prepareDatabase } from '../../server/src/bootstrap';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';
import { ResponseModel } from '../../server/src/responses/response.model';
import { type OwnStore, ROOT, startOwnStore, storeKind, storeUri } from '../helpers/db';
import { startServerProcess } from '../helpers/server-process';
import { agentAs } from '../helpers/auth';
import { answers, createFixtureWave, fixture } from '../helpers/fixtures';
import { createInvitationWave, importAndIssue } from '../helpers/invitations';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the app process is restarted while officials are half-way through', () => {
  const dbName = `t_restart_${randomUUID().slice(0, 6)}`;
  let server: { url: string; proc: ChildProcess } | undefined;

  beforeAll(async () => {
    await connectMongoose(storeUri(), dbName, storeKind() === 'external');
    await prepareDatabase({ rootDir: ROOT, demo: false });
  });
  afterAll(async () => {
    server?.proc.kill('SIGKILL');
    await mongoose.connection.db?.dropDatabase();
    await mongoose.disconnect();
  });

  it('every draft saved before the crash is there afterwards, from the new process', async () => {
    const app = createApp({ store: { kind: storeKind() } });
    const coordinator = await agentAs(app, ['coordinator']);
    const questionnaireId = (await registerVersion('mini-barriers', fixture('mini-barriers.json'), 'upload')).version
      .id;
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const links = await importAndIssue(coordinator, wave);
    const tokens = ['tot', 'vyt', 'kir'].map((id) => links.get(id)!.token);

    server = await startServerProcess(dbName);
    const drafts = [
      { obstacles: ['funding'], comment: 'первая половина' },
      { obstacles: ['legal', 'staff'], population: 22000 },
      { municipality_type: 'municipal_okrug', comment: 'черновик' },
    ];
    // Each official autosaves twice (the second save replaces the first), the last one just before the crash.
    for (const [i, token] of tokens.entries()) {
      const first = await request(server.url)
        .put(`/api/invitations/${token}/draft`)
        .send({ answers: { comment: 'старый' }, pageNo: 0, locale: 'ru', baseRevision: 0 });
      expect(first.status).toBe(200);
      const saved = await request(server.url)
        .put(`/api/invitations/${token}/draft`)
        .send({ answers: drafts[i], pageNo: 1, locale: i === 2 ? 'uk' : 'ru', baseRevision: first.body.revision });
      expect(saved.status).toBe(200);
    }
    // No clean shutdown: the process is killed outright.
    const exited = new Promise((r) => server!.proc.once('exit', r));
    server.proc.kill('SIGKILL');
    await exited;

    server = await startServerProcess(dbName);
    for (const [i, token] of tokens.entries()) {
      const res = await request(server.url).get(`/api/invitations/${token}`);
      expect(res.status).toBe(200);
      expect(res.body.invitation.status).toBe('started');
      expect(res.body.draft).toMatchObject({ answers: drafts[i], pageNo: 1, locale: i === 2 ? 'uk' : 'ru' });
    }
    // And the official can go on to submit from the new process.
    const done = await request(server.url)
      .post(`/api/invitations/${tokens[1]}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: drafts[1] });
    expect(done.status).toBe(201);
    expect(await ResponseModel.countDocuments({ waveCode: wave })).toBe(1);
  }, 150_000);
});

describe('the store is unreachable', () => {
  let store: OwnStore | undefined;
  let server: http.Server;
  let base: string;

  beforeAll(async () => {
    store = await startOwnStore('faults_down');
    server = http.createServer(createApp({ store: { kind: 'embedded' } }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 60_000);
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await store?.stop();
  });

  (storeKind() === 'embedded' ? it : it.skip)(
    'answers 503 problem details within 3 s to every request, hangs none, and recovers by itself when the store returns',
    async () => {
      const wave = await createFixtureWave();
      const clientId = randomUUID();
      await store!.kill();

      // A burst of reads and writes while the store is away: each answered quickly, none left hanging.
      const calls = [
        () => fetch(`${base}/api/waves/${wave}`),
        () => fetch(`${base}/api/waves`),
        () => fetch(`${base}/api/health`),
        () =>
          fetch(`${base}/api/waves/${wave}/responses`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ clientId, locale: 'ru', answers: answers() }),
          }),
      ];
      const started = Date.now();
      const replies = await Promise.all(
        [...calls, ...calls].map(async (call) => {
          const t = Date.now();
          const res = await call();
          return {
            status: res.status,
            ms: Date.now() - t,
            type: res.headers.get('content-type') ?? '',
            retryAfter: res.headers.get('retry-after'),
            body: (await res.json()) as Record<string, unknown>,
          };
        }),
      );
      expect(Date.now() - started).toBeLessThan(3000);
      for (const r of replies) {
        expect(r.ms).toBeLessThan(3000);
        expect(r.status).toBe(503);
        expect(r.type).toMatch(/application\/problem\+json/);
        expect(r.body).toMatchObject({ status: 503, code: 'store_unavailable' });
        // Said as it is: the store is unreachable, not busy.
        expect(r.body.detail).toMatch(/not reachable/);
        expect(r.body.detail).not.toMatch(/took too long/);
        expect(JSON.stringify(r.body)).not.toMatch(/Mongo|ECONN|127\.0\.0\.1/);
      }
      expect(replies.filter((r) => r.retryAfter !== null).length).toBeGreaterThan(0);

      // The store comes back on the same address; nobody reconnects the app by hand.
      await store!.restart();
      const back = Date.now();
      let health = 0;
      while (Date.now() - back < 30_000) {
        health = (await fetch(`${base}/api/health`)).status;
        if (health === 200) break;
        await sleep(250);
      }
      expect(health).toBe(200);
      const recoveredInMs = Date.now() - back;
      expect(recoveredInMs).toBeLessThan(15_000);

      // The retried submission (same clientId) is stored exactly once.
      const post = () =>
        request(base).post(`/api/waves/${wave}/responses`).send({ clientId, locale: 'ru', answers: answers() });
      expect((await post()).status).toBe(201);
      expect((await post()).status).toBe(200);
      expect(await ResponseModel.countDocuments({ _id: clientId })).toBe(1);
      expect((await fetch(`${base}/api/waves/${wave}`)).status).toBe(200);
    },
    120_000,
  );
});
