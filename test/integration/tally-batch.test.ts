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
import {
  applyBatch,
  applyToCounters,
  catchUp,
  flushMarks,
  GROUP_WRITES_IN_FLIGHT,
  groupWritesInFlight,
  keepTally,
  prune,
  readCounters,
  verifyCounters,
} from '../../server/src/analytics/counters.service';
import { backlog, tallySettled } from '../../server/src/analytics/tally-pending';
import { applyGuarded, mergeKeptUpdates } from '../../server/src/analytics/guarded-batch';
import { CounterModel, TallyMarkModel } from '../../server/src/analytics/counter.model';
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
    // 40 responses stored; the counting writes shared between them.
    expect(counterUpdates).toBeLessThan(40);
    expect(marks).toBeLessThan(80);
    const counts = await readCounters(wave);
    expect(counts.get('RU-VLG')!.n + counts.get('RU-MOS')!.n).toBe(41);
    expect((await verifyCounters(wave)).ok).toBe(true);
  });

  it('marks a counted group with one document; the maintenance writes the marks on its responses', async () => {
    const wave = await createFixtureWave();
    commands.length = 0;
    const ids = Array.from({ length: 30 }, () => randomUUID());
    const results = await Promise.all(
      ids.map((clientId, i) =>
        request(app)
          .post(`/api/waves/${wave}/responses`)
          .set('x-forwarded-for', `10.9.1.${i}`)
          .send({ clientId, locale: 'ru', answers: answers({ region: REGIONS[i % 2], municipality: `Г${i}` }) }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(201));
    await tallySettled(wave);
    // Groups of several responses: one insert of their marks each, no update of the responses.
    const groups = await TallyMarkModel.find({ ids: { $in: ids } }).lean<{ ids: string[] }[]>();
    expect(groups.length).toBeGreaterThan(0);
    expect(commands.filter((c) => c === 'insert tallymarks')).toHaveLength(groups.length);
    const listed = new Set(groups.flatMap((g) => g.ids));
    // The responses' writes: 30 inserts, and a mark for each response counted alone.
    expect(commands.filter((c) => c === 'insert responses')).toHaveLength(30);
    expect(commands.filter((c) => c === 'update responses')).toHaveLength(30 - listed.size);
    const unmarked = (await ResponseModel.find({ waveCode: wave, talliedAt: null }, { _id: 1 }).lean()).map((r) =>
      String(r._id),
    );
    // Exactly the responses of those groups wait for their mark; a group of one was marked at once.
    expect(unmarked.sort()).toEqual([...listed].sort());
    // Prune keeps their ids in the guards until they are marked (and long enough after).
    await prune(Date.now() + 60 * 60_000);
    const guarded = (await CounterModel.find({ wave }, { recent: 1 }).lean<{ recent: string[] }[]>()).flatMap(
      (d) => d.recent,
    );
    for (const id of listed) expect(guarded).toContain(id);
    // The catch-up counts none of them again; it writes their marks first.
    expect(await catchUp({ wave, graceMs: 0 })).toBe(0);
    expect(await ResponseModel.countDocuments({ waveCode: wave, talliedAt: null })).toBe(0);
    expect(await TallyMarkModel.countDocuments({ ids: { $in: ids } })).toBe(0);
    expect(await flushMarks()).toBe(0);
    const counts = await readCounters(wave);
    expect(counts.get('RU-VLG')!.n + counts.get('RU-MOS')!.n).toBe(30);
    expect((await verifyCounters(wave)).ok).toBe(true);
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

  it('answers before counting while the backlog is small, and waits for its count above TALLY_DEFER_MAX', async () => {
    const wave = await createFixtureWave();
    const source = async (i: number) => {
      const _id = randomUUID();
      const r = {
        _id,
        waveCode: wave,
        questionnaireId: (await ResponseModel.findOne({}, { questionnaireId: 1 }).lean<{ questionnaireId: string }>())!
          .questionnaireId,
        status: 'complete' as const,
        regionCode: REGIONS[i % 2],
        answers: answers({ region: REGIONS[i % 2], municipality: `Д${i}` }),
        submittedAt: new Date(),
        talliedAt: null,
      };
      await ResponseModel.collection.insertOne(r as never);
      return r;
    };
    const first = await source(0);
    // Deferred: keepTally resolves while the response still waits for its count...
    await keepTally(first, 10);
    expect(backlog()).toBeGreaterThan(0);
    // ...and a reader in this process waits for it (read-your-writes).
    expect(await ResponseModel.countDocuments({ _id: first._id, talliedAt: null })).toBe(1);
    expect((await readCounters(wave)).get(REGIONS[0])!.n).toBe(1);
    expect(backlog()).toBe(0);
    // Backpressure: with a bound of 0 (or a backlog above the bound) the call resolves once counted.
    const second = await source(1);
    await keepTally(second, 0);
    expect(backlog()).toBe(0);
    expect(await ResponseModel.countDocuments({ _id: second._id, talliedAt: null })).toBe(0);
    // Many at once with a bound of 3: the first ones are deferred, the rest wait for their counts.
    const many = await Promise.all(Array.from({ length: 12 }, (_x, i) => source(2 + i)));
    let settledEarly = 0;
    // Counted = in its counter's guard (a group's marks are written on the responses later).
    const counted = async (id: string) => (await CounterModel.countDocuments({ wave, recent: id })) > 0;
    await Promise.all(
      many.map((r) =>
        keepTally(r, 3).then(async () => {
          if (!(await counted(r._id))) settledEarly++;
        }),
      ),
    );
    expect(settledEarly).toBeGreaterThan(0);
    expect(settledEarly).toBeLessThanOrEqual(3);
    await tallySettled(wave);
    const counts = await readCounters(wave);
    expect(counts.get(REGIONS[0])!.n + counts.get(REGIONS[1])!.n).toBe(14);
    expect((await verifyCounters(wave)).ok).toBe(true);
  });

  it('creates a kept document in one write, and tells a replay from another writer creating it', async () => {
    const never = () => false;
    const base = { wave: 'w-guard', region: 'R', f: 3 };
    const one = (id: string) => [{ id, update: { $inc: { n: 1, 'c.q=a': 1 } } }];
    // A document that does not exist yet: one upsert creates it with `base` and the update.
    const _id = `guard|${randomUUID()}`;
    commands.length = 0;
    expect((await applyGuarded(CounterModel, _id, one('r1'), never, base)).get('r1')).toBe('applied');
    expect(commands.filter((c) => c.startsWith('update tallycounters'))).toHaveLength(1);
    const doc = await CounterModel.findById(_id).lean<{
      wave: string;
      n: number;
      c: Record<string, number>;
      recent: string[];
    }>();
    expect(doc).toMatchObject({ wave: 'w-guard', region: 'R', f: 3, n: 1, c: { 'q=a': 1 }, recent: ['r1'] });
    // A replay: the upsert meets the document (E11000), the plain update matches nothing: 'already', no change.
    expect((await applyGuarded(CounterModel, _id, one('r1'), never, base)).get('r1')).toBe('already');
    expect((await CounterModel.findById(_id).lean<{ n: number }>())!.n).toBe(1);
    // A group with the replayed id and a new one: each on its own, the new one counted once.
    const group = [...one('r1'), ...one('r2')];
    const out = await applyGuarded(CounterModel, _id, group, never, base);
    expect([out.get('r1'), out.get('r2')]).toEqual(['already', 'applied']);
    expect((await CounterModel.findById(_id).lean<{ n: number; recent: string[] }>())!).toMatchObject({
      n: 2,
      recent: ['r1', 'r2'],
    });
    // Several writers creating the same new document at once: every one counted exactly once.
    const fresh = `guard|${randomUUID()}`;
    const ids = Array.from({ length: 8 }, (_x, i) => `p${i}`);
    const outcomes = await Promise.all(ids.map((id) => applyGuarded(CounterModel, fresh, one(id), never, base)));
    expect(outcomes.map((o, i) => o.get(ids[i]))).toEqual(ids.map(() => 'applied'));
    const made = await CounterModel.findById(fresh).lean<{ n: number; c: Record<string, number>; recent: string[] }>();
    expect(made!.n).toBe(8);
    expect(made!.c['q=a']).toBe(8);
    expect([...made!.recent].sort()).toEqual(ids);
  });

  it('sends a few of the writes of a group at a time while the backlog is small, all at once near the bound', async () => {
    expect(groupWritesInFlight(1000, 0)).toBe(GROUP_WRITES_IN_FLIGHT);
    expect(groupWritesInFlight(1000, 500)).toBe(GROUP_WRITES_IN_FLIGHT);
    expect(groupWritesInFlight(1000, 501)).toBe(Infinity);
    expect(groupWritesInFlight(0, 0)).toBe(Infinity); // every answer waits for its count: full speed
    const wave = await createFixtureWave();
    const questionnaireId = (await ResponseModel.findOne({}, { questionnaireId: 1 }).lean<{
      questionnaireId: string;
    }>())!.questionnaireId;
    // 20 responses in 20 cells (one municipality type each): 20 cell updates in one group.
    const rs = Array.from({ length: 20 }, (_x, i) => ({
      _id: randomUUID(),
      waveCode: wave,
      questionnaireId,
      status: 'complete' as const,
      regionCode: REGIONS[0],
      municipalityType: `type-${i}`,
      answers: answers({ region: REGIONS[0], municipality: `Е${i}` }),
      submittedAt: new Date(),
    }));
    let inFlight = 0;
    let most = 0;
    const started = new Set<number>();
    const client = mongoose.connection.getClient();
    const onStart = (e: { commandName: string; command: Record<string, unknown>; requestId: number }) => {
      if (e.commandName !== 'update' || e.command.update !== 'cubecells') return;
      started.add(e.requestId);
      most = Math.max(most, ++inFlight);
    };
    const onEnd = (e: { requestId: number }) => {
      if (started.delete(e.requestId)) inFlight--;
    };
    client.on('commandStarted', onStart);
    client.on('commandSucceeded', onEnd);
    client.on('commandFailed', onEnd);
    try {
      const outcomes = await applyBatch(rs);
      expect([...outcomes.values()]).toEqual(Array(20).fill('applied'));
    } finally {
      client.off('commandStarted', onStart);
      client.off('commandSucceeded', onEnd);
      client.off('commandFailed', onEnd);
    }
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(GROUP_WRITES_IN_FLIGHT);
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
