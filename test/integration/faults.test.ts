// What happens when things break: the store dies mid-stream, a second app instance serves the
// same wave, a client drops its connection half-way through an upload.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { connectMongoose } from '../../server/src/db/connection';
import { prepareDatabase } from '../../server/src/bootstrap';
import { ResponseModel } from '../../server/src/responses/response.model';
import { type OwnStore, ROOT, startOwnStore, storeKind, storeUri } from '../helpers/db';
import { startServerProcess } from '../helpers/server-process';
import { answers, createFixtureWave } from '../helpers/fixtures';
import { agentAs } from '../helpers/auth';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the store is killed in the middle of a stream of submissions', () => {
  let store: OwnStore | undefined;

  beforeAll(async () => {
    store = await startOwnStore('faults');
  });
  afterAll(async () => {
    await store?.stop();
  });

  (storeKind() === 'embedded' ? it : it.skip)(
    'every acknowledged submission is stored exactly once; unacknowledged ones succeed on retry',
    async () => {
      const app = createApp({ store: { kind: 'embedded' } });
      const wave = await createFixtureWave();
      const ids = Array.from({ length: 40 }, () => randomUUID());
      const acknowledged = new Set<string>();
      let refused = 0;
      let killed = false;
      for (let i = 0; i < ids.length; i++) {
        if (i === 15) {
          await store!.kill(); // no clean shutdown
          killed = true;
          setTimeout(() => {
            void store!.restart();
          }, 6000);
        }
        // The client retries the same submission (same clientId) until it is acknowledged.
        for (let attempt = 0; attempt < 100; attempt++) {
          const res = await request(app)
            .post(`/api/waves/${wave}/responses`)
            .send({ clientId: ids[i], locale: 'ru', answers: answers({ municipality: `М${i}` }) });
          if (res.status === 201 || res.status === 200) {
            acknowledged.add(ids[i]);
            break;
          }
          expect(res.status).toBe(503);
          expect(res.body.code).toBe('store_unavailable');
          refused++;
          await sleep(200);
        }
      }
      expect(killed).toBe(true);
      expect(refused).toBeGreaterThan(0); // the outage was seen by the client
      expect(acknowledged.size).toBe(ids.length);
      const stored = await ResponseModel.find({ waveCode: wave }, { _id: 1 }).lean();
      expect(stored.map((d) => d._id).sort()).toEqual([...ids].sort());
    },
    120_000,
  );
});

describe('two app instances against one store', () => {
  const dbName = `t_two_${randomUUID().slice(0, 6)}`;
  let servers: { url: string; proc: ChildProcess }[] = [];

  beforeAll(async () => {
    await connectMongoose(storeUri(), dbName, storeKind() === 'external');
    await prepareDatabase({ rootDir: ROOT, demo: false });
    servers = await Promise.all([startServerProcess(dbName), startServerProcess(dbName)]);
  }, 120_000);
  afterAll(async () => {
    for (const s of servers) s.proc.kill('SIGTERM');
    await mongoose.connection.db?.dropDatabase();
    await mongoose.disconnect();
  });

  it('serve the same wave with exact counts, retries crossing instances included', async () => {
    const wave = await createFixtureWave();
    const submissions = Array.from({ length: 30 }, (_, i) => ({
      clientId: randomUUID(),
      locale: 'ru',
      answers: answers({ region: i % 3 ? 'RU-VLG' : 'UA-05', obstacles: i % 2 ? ['funding'] : ['funding', 'legal'] }),
    }));
    // Each submission is sent to both instances at once, as a client retrying through a load balancer would.
    const results = await Promise.all(
      submissions.flatMap((s) => servers.map((srv) => request(srv.url).post(`/api/waves/${wave}/responses`).send(s))),
    );
    expect(results.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    expect(results.filter((r) => r.status === 201)).toHaveLength(30);
    const app = createApp({ store: { kind: storeKind() } });
    const researcher = await agentAs(app, ['researcher']);
    const tally = (await researcher.get(`/api/waves/${wave}/tally`)).body;
    expect(tally.base.respondents).toBe(30);
    expect(tally.total.counts.funding.count).toBe(30);
    expect(tally.total.counts.legal.count).toBe(15);
    expect(tally.regions.find((r: { code: string }) => r.code === 'UA-05').respondents).toBe(10);
  }, 60_000);
});

describe('a client that drops its connection half-way through an upload', () => {
  const dbName = `t_drop_${randomUUID().slice(0, 6)}`;
  beforeAll(async () => {
    await connectMongoose(storeUri(), dbName, storeKind() === 'external');
    await prepareDatabase({ rootDir: ROOT, demo: false });
  });
  afterAll(async () => {
    await mongoose.connection.db?.dropDatabase();
    await mongoose.disconnect();
  });

  it('leaves no partial response behind, and a slow but complete upload is stored', async () => {
    const wave = await createFixtureWave();
    const app = createApp({ store: { kind: storeKind() } });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    const send = (clientId: string, cut: boolean) =>
      new Promise<string>((resolve) => {
        const body = JSON.stringify({ clientId, locale: 'ru', answers: answers() });
        const socket = net.connect(port, '127.0.0.1', () => {
          socket.write(
            `POST /api/waves/${wave}/responses HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n`,
          );
          const half = body.slice(0, Math.floor(body.length / 2));
          socket.write(half);
          setTimeout(() => {
            if (cut) {
              socket.destroy();
              resolve('cut');
            } else socket.write(body.slice(half.length));
          }, 700);
        });
        let reply = '';
        socket.on('data', (d) => (reply += d.toString()));
        socket.on('end', () => resolve(reply.split('\r\n')[0]));
      });
    const cutId = randomUUID();
    const slowId = randomUUID();
    expect(await send(cutId, true)).toBe('cut');
    expect(await send(slowId, false)).toBe('HTTP/1.1 201 Created');
    await sleep(300);
    expect(await ResponseModel.countDocuments({ _id: cutId })).toBe(0);
    expect(await ResponseModel.countDocuments({ _id: slowId })).toBe(1);
    expect((await request(app).get('/api/health')).status).toBe(200);
    await new Promise((r) => server.close(r));
  });
});
