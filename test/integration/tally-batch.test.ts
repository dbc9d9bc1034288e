// Issue 14: the counting step as a group commit (counters.service.ts TallyBatcher/applyBatch,
// guarded-batch.ts). Concurrent submissions are counted exactly once, with fewer writes than one
// update per response; a group holding a response already counted (a replay) or the same response
// twice still counts each once; the group's writes are checked with the driver's command monitoring.
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { connectMongoose } from '../../server/src/db/connection';
import { prepareDatabase } from '../../server/src/bootstrap';
import { applyBatch, applyToCounters, readCounters, verifyCounters } from '../../server/src/analytics/counters.service';
import { mergeKeptUpdates } from '../../server/src/analytics/guarded-batch';
import { ResponseModel } from '../../server/src/responses/response.model';
import { ROOT, storeKind, storeUri } from '../helpers/db';
import { answers, createFixtureWave } from '../helpers/fixtures';

const dbName = `t_${randomUUID().slice(0, 8)}`;
const commands: string[] = [];

beforeAll(async () => {
  await connectMongoose(storeUri(), dbName, storeKind() === 'external', undefined, { monitorCommands: true });
  mongoose.connection.getClient().on('commandStarted', (e) => {
    commands.push(`${e.commandName} ${String(e.command[e.commandName])}`);
  });
  await prepareDatabase({ rootDir: ROOT, demo: false });
});
afterAll(async () => {
  await mongoose.connection.db?.dropDatabase();
  await mongoose.disconnect();
});

const app = createApp({ store: { kind: storeKind() } });
const REGIONS = ['RU-VLG', 'RU-MOS'];

async function stored(wave: string) {
  return ResponseModel.find({ waveCode: wave }).lean<
    { _id: string; waveCode: string; questionnaireId: string; regionCode: string; answers: Record<string, unknown> }[]
  >();
}

describe('group commit of the counting step', () => {
  it('40 concurrent submissions are counted exactly once, with fewer counter updates than responses', async () => {
    const wave = await createFixtureWave();
    expect(
      (
        await request(app)
          .post(`/api/waves/${wave}/responses`)
          .send({ clientId: randomUUID(), locale: 'ru', answers: answers() })
      ).status,
    ).toBe(201);
    commands.length = 0;
    const results = await Promise.all(
      Array.from({ length: 40 }, (_x, i) =>
        request(app)
          .post(`/api/waves/${wave}/responses`)
          .set('x-forwarded-for', `10.9.0.${i}`)
          .send({
            clientId: randomUUID(),
            locale: 'ru',
            answers: answers({ region: REGIONS[i % 2], municipality: `М${i}` }),
          }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(40).fill(201));
    const counterUpdates = commands.filter((c) => c === 'update tallycounters').length;
    const marks = commands.filter((c) => c === 'update responses').length;
    // 40 responses upserted; the counting writes shared between them.
    expect(counterUpdates).toBeLessThan(40);
    expect(marks).toBeLessThan(80);
    const counts = await readCounters(wave);
    expect(counts.get('RU-VLG')!.n + counts.get('RU-MOS')!.n).toBe(41);
    expect((await verifyCounters(wave)).ok).toBe(true);
    expect(await ResponseModel.countDocuments({ waveCode: wave, talliedAt: null })).toBe(0);
  });

  it('a group with a response already counted and the same response twice counts each once', async () => {
    const wave = await createFixtureWave();
    const ids = Array.from({ length: 6 }, () => randomUUID());
    for (const [i, clientId] of ids.entries()) {
      // Stored without being counted, as after a crash between storing and counting.
      await ResponseModel.collection.insertOne({
        _id: clientId,
        waveCode: wave,
        questionnaireId: (await ResponseModel.findOne({}, { questionnaireId: 1 }).lean<{ questionnaireId: string }>())!
          .questionnaireId,
        status: 'complete',
        regionCode: REGIONS[i % 2],
        answers: answers({ region: REGIONS[i % 2], municipality: `Б${i}` }),
        submittedAt: new Date(),
        talliedAt: null,
      } as never);
    }
    const all = await stored(wave);
    const byId = new Map(all.map((r) => [r._id, r]));
    // One of them counted alone first (the replay case).
    expect(await applyToCounters(byId.get(ids[0])!)).toBe('applied');
    const group = [...ids.map((id) => byId.get(id)!), byId.get(ids[3])!];
    const out = await applyBatch(group);
    expect(out.get(ids[0])).toBe('already');
    for (const id of ids.slice(1)) expect(out.get(id)).toBe('applied');
    const counts = await readCounters(wave);
    expect(counts.get(REGIONS[0])!.n).toBe(3);
    expect(counts.get(REGIONS[1])!.n).toBe(3);
    expect((await verifyCounters(wave)).ok).toBe(true);
    // And the whole group again changes nothing.
    const again = await applyBatch(group);
    expect([...again.values()].every((o) => o === 'already')).toBe(true);
    expect((await readCounters(wave)).get(REGIONS[0])!.n).toBe(3);
    expect((await verifyCounters(wave)).ok).toBe(true);
  });

  it('merges the updates of one document: sums, smallest and largest', () => {
    expect(
      mergeKeptUpdates([
        { $inc: { n: 1, 'c.a': 1 }, $min: { 'lo.x': 5 }, $max: { 'hi.x': 5 } },
        { $inc: { n: 1, 'c.b': 1 }, $min: { 'lo.x': 2 }, $max: { 'hi.x': 2, 'hi.y': 9 } },
        { $inc: { n: 1, 'c.a': 1 } },
      ]),
    ).toEqual({ $inc: { n: 3, 'c.a': 2, 'c.b': 1 }, $min: { 'lo.x': 2 }, $max: { 'hi.x': 5, 'hi.y': 9 } });
    expect(mergeKeptUpdates([{ $inc: { n: 1 } }])).toEqual({ $inc: { n: 1 } });
  });
});
