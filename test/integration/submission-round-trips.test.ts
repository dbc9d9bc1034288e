// Issue 14, item 2: how many round trips to the store one submission makes, counted with the
// driver's command monitoring over the real app and the real store. At first: six (rate-limit
// window, read of the response by clientId, read of the wave, response upsert, counter update,
// tally mark). Now the request itself makes one, the insert of the response: the wave comes from
// the per-process cache, the response is inserted without being read first, and the rate limit
// counts in memory (its hits are written later, one write for many). The counting follows outside
// the request: counter, cube cell, municipality, versions, stamp and mark (for a group of
// responses the marks are one insert, tally-batch.test.ts). Also: the cache's invalidation.
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { connectMongoose } from '../../server/src/db/connection';
import { prepareDatabase } from '../../server/src/bootstrap';
import { tallySettled } from '../../server/src/analytics/tally-pending';
import { flushRateLimits } from '../../server/src/http/rate-limit';
import { ResponseModel } from '../../server/src/responses/response.model';
import { WaveModel } from '../../server/src/waves/wave.model';
import { WAVE_CACHE_TTL_MS } from '../../server/src/waves/wave-cache';
import { ROOT, storeKind, storeUri } from '../helpers/db';
import { answers, createFixtureWave } from '../helpers/fixtures';

const dbName = `t_${randomUUID().slice(0, 8)}`;
const commands: string[] = [];
let counting = false;

beforeAll(async () => {
  await connectMongoose(storeUri(), dbName, storeKind() === 'external', undefined, { monitorCommands: true });
  mongoose.connection.getClient().on('commandStarted', (e) => {
    if (counting) commands.push(`${e.commandName} ${String(e.command[e.commandName])}`);
  });
  await prepareDatabase({ rootDir: ROOT, demo: false });
});
afterAll(async () => {
  await mongoose.connection.db?.dropDatabase();
  await mongoose.disconnect();
});

const app = createApp({ store: { kind: storeKind() } });
const body = () => ({ clientId: randomUUID(), locale: 'ru', answers: answers() });
const submit = (code: string, b: Record<string, unknown> = body()) =>
  request(app).post(`/api/waves/${code}/responses`).send(b);

async function count<T>(fn: () => Promise<T>): Promise<{ result: T; trips: string[] }> {
  commands.length = 0;
  counting = true;
  try {
    const result = await fn();
    return { result, trips: [...commands] };
  } finally {
    counting = false;
  }
}

describe('round trips of one submission', () => {
  it('a submission to an open wave makes seven round trips: insert, counter, cube cell, municipality, versions and stamp, tally mark', async () => {
    const wave = await createFixtureWave();
    expect((await submit(wave)).status).toBe(201); // warms the wave cache and creates the region's counter
    await tallySettled(wave); // its counting is not part of the next one's trips
    await flushRateLimits(); // nor its rate-limit hit, written within FLUSH_MS
    // The answer goes back once the response is stored; its counting follows (tally-pending.ts).
    const { result, trips } = await count(async () => {
      const res = await submit(wave);
      await tallySettled(wave);
      return res;
    });
    expect(result.status).toBe(201);
    // The rate limit counts in memory and writes its hits later, outside the request
    // (http/rate-limit.ts); whether that write falls in this window depends on timing.
    expect(trips.filter((t) => !t.endsWith(' rate_limits'))).toEqual([
      'insert responses',
      'update tallycounters',
      'update cubecells',
      'update cubemunis',
      'update cubeversions',
      'update cubestamps',
      'update responses',
    ]);
  });

  it('the rate limit makes no round trip before the answer, and one write for many hits', async () => {
    const wave = await createFixtureWave();
    await flushRateLimits();
    const { trips } = await count(() => Promise.all(Array.from({ length: 5 }, () => submit(wave))));
    expect(trips.filter((t) => t.startsWith('findAndModify'))).toEqual([]);
    const { trips: later } = await count(() => flushRateLimits());
    // The five hits in one write (by the timer during the five requests, or by this flush).
    expect([...trips, ...later].filter((t) => t === 'update rate_limits')).toHaveLength(1);
  });

  it('a retry of a stored submission reads the stored response once more (200)', async () => {
    const wave = await createFixtureWave();
    const b = body();
    expect((await submit(wave, b)).status).toBe(201);
    await tallySettled(wave);
    await flushRateLimits();
    const { result, trips } = await count(() => submit(wave, b));
    expect(result.status).toBe(200);
    expect(trips.filter((t) => !t.endsWith(' rate_limits'))).toEqual(['insert responses', 'find responses']);
    expect(await ResponseModel.countDocuments({ _id: b.clientId })).toBe(1);
  });
});

describe('the wave cache', () => {
  it('a wave closed in this process refuses the next submission at once', async () => {
    const wave = await createFixtureWave();
    expect((await submit(wave)).status).toBe(201);
    await WaveModel.updateOne({ _id: wave }, { $set: { status: 'closed' } });
    const res = await submit(wave);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('wave_not_open');
  });

  it('a wave closed by another process is seen within WAVE_CACHE_TTL_MS', async () => {
    const wave = await createFixtureWave();
    expect((await submit(wave)).status).toBe(201);
    // Another instance closes it: a write this process's model does not see.
    await mongoose.connection.db!.collection('waves').updateOne({ _id: wave as never }, { $set: { status: 'closed' } });
    const soon = await submit(wave);
    expect([201, 409]).toContain(soon.status); // served from the cache, unless it has just expired
    await new Promise((r) => setTimeout(r, WAVE_CACHE_TTL_MS + 100));
    const later = await submit(wave);
    expect(later.status).toBe(409);
    expect(later.body.code).toBe('wave_not_open');
  });

  it('a retry after the wave closed still answers 200 with the stored response', async () => {
    const wave = await createFixtureWave();
    const b = body();
    expect((await submit(wave, b)).status).toBe(201);
    await WaveModel.updateOne({ _id: wave }, { $set: { status: 'closed' } });
    expect((await submit(wave, b)).status).toBe(200);
  });
});
