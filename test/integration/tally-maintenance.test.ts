// Kept counts heal themselves while the server runs: the maintenance loop started by
// server/src/index.ts counts a response whose counter update failed and keeps each counter
// document's `recent` guard list to the replay window, on one instance at a time.
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import request from 'supertest';
import { useTestDatabase } from '../helpers/db';
import { startServerProcess } from '../helpers/server-process';
import { answers, createFixtureWave } from '../helpers/fixtures';
import { ResponseModel } from '../../server/src/responses/response.model';
import { CounterModel, TallyMarkModel } from '../../server/src/analytics/counter.model';
import {
  counterId,
  flushMarks,
  maintainTally,
  PRUNE_AFTER_MS,
  startTallyMaintenance,
  verifyCounters,
} from '../../server/src/analytics/counters.service';
import { WaveModel } from '../../server/src/waves/wave.model';
import { claimLease } from '../../server/src/db/lease';
import { applyToCounters } from '../../server/src/analytics/counters.service';
import { agentAs } from '../helpers/auth';

const { dbName } = useTestDatabase({ demo: false });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const start = Date.now();
  let v = await probe();
  while (!ok(v) && Date.now() - start < ms) {
    await sleep(100);
    v = await probe();
  }
  return v;
}

const counter = (wave: string, region = 'RU-VLG') =>
  CounterModel.findById(counterId(wave, region)).lean<{ n: number; c: Record<string, number>; recent: string[] }>();

/** A complete response stored two minutes ago whose counting never happened; its id. */
async function storeUncounted(wave: string, questionnaireId: string): Promise<string> {
  const id = randomUUID();
  await ResponseModel.create({
    _id: id,
    waveCode: wave,
    questionnaireId,
    status: 'complete',
    regionCode: 'RU-VLG',
    answers: { region: 'RU-VLG', municipality: 'Lost', obstacles: ['legal'] },
    municipality: 'Lost',
    obstacles: ['legal'],
    locale: 'ru',
    submittedAt: new Date(Date.now() - 120_000),
  });
  return id;
}

describe('the running server maintains the kept counts', () => {
  let proc: ChildProcess;
  let url: string;
  let wave: string;

  beforeAll(async () => {
    wave = await createFixtureWave();
    ({ url, proc } = await startServerProcess(dbName, { TALLY_MAINTENANCE_MS: '300', TALLY_FULL_PASS_MS: '3000' }));
  }, 90_000);
  afterAll(() => {
    proc?.kill('SIGTERM');
  });

  const submit = (region = 'RU-VLG', obstacles = ['funding']) =>
    request(url)
      .post(`/api/waves/${wave}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: answers({ region, obstacles }) });

  it('a response whose counter update failed is counted without a restart', async () => {
    expect((await submit()).status).toBe(201);
    // The server answers once the response is stored and counts it right after.
    const before = (await until(
      () => counter(wave),
      (c) => (c?.n ?? 0) >= 1,
    ))!;
    expect(before.n).toBe(1);
    const questionnaireId = (await ResponseModel.findOne({ waveCode: wave }).lean<{ questionnaireId: string }>())!
      .questionnaireId;
    // Stored, but its counter update never happened (the store refused it; the process died).
    const lostId = await storeUncounted(wave, questionnaireId);
    // Nothing but the server's maintenance loop can count it now (no request mentions it).

    const after = await until(
      () => counter(wave),
      (c) => c?.n === 2,
    );
    expect(after!.n).toBe(2);
    expect(after!.recent).toContain(lostId);
    expect((await verifyCounters(wave)).ok).toBe(true);
    const marked = await until(
      () => ResponseModel.findById(lostId, { talliedAt: 1 }).lean<{ talliedAt: Date | null }>(),
      (r) => r?.talliedAt != null,
    );
    expect(marked!.talliedAt).not.toBeNull();
    // Counted once, however many passes ran since.
    await sleep(1000);
    expect((await counter(wave))!.n).toBe(2);
  }, 60_000);

  it('after many submissions the `recent` list holds only the replay window', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await submit();
      expect(res.status).toBe(201);
      ids.push(res.body.id as string);
    }
    // The last answers went back before the server wrote their counts.
    const full = (await until(
      () => counter(wave),
      (c) => ids.every((id) => c?.recent.includes(id)),
    ))!;
    for (const id of ids) expect(full.recent).toContain(id);

    // The marks of the groups among them are written (as the server's next maintenance pass would).
    await flushMarks();
    // Thirty of them were counted longer ago than the replay window (time moved on).
    const old = ids.slice(0, 30);
    await ResponseModel.updateMany(
      { _id: { $in: old } },
      { $set: { talliedAt: new Date(Date.now() - PRUNE_AFTER_MS - 60_000) } },
    );
    const inWindow = (
      await ResponseModel.find(
        { waveCode: wave, talliedAt: { $gt: new Date(Date.now() - PRUNE_AFTER_MS) } },
        { _id: 1 },
      ).lean<{ _id: string }[]>()
    )
      .map((r) => r._id)
      .sort();
    expect(inWindow).toHaveLength(12); // 10 new + the two of the test above

    const pruned = await until(
      () => counter(wave),
      (c) => c!.recent.length === inWindow.length,
    );
    expect([...pruned!.recent].sort()).toEqual(inWindow);
    expect(pruned!.n).toBe(42); // pruning never changes a count
    expect((await verifyCounters(wave)).ok).toBe(true);
  }, 60_000);

  it('a reader in another process sees every change of the cube: its cells and its municipality lists', async () => {
    const researcher = await agentAs(url, ['researcher']);
    const page = () => researcher.get(`/api/waves/${wave}/regions/RU-VLG?pageSize=500`);
    const before = await page();
    expect(before.status).toBe(200);
    const names = (res: typeof before) => (res.body.municipalities as { name: string }[]).map((m) => m.name);
    expect(names(before)).not.toContain('Elsewhere');
    // Applied in THIS process (as by another app instance): the server holds the cube in memory.
    const questionnaireId = (await ResponseModel.findOne({ waveCode: wave }).lean<{ questionnaireId: string }>())!
      .questionnaireId;
    const src = {
      _id: randomUUID(),
      waveCode: wave,
      questionnaireId,
      status: 'complete',
      regionCode: 'RU-VLG',
      answers: { region: 'RU-VLG', municipality: 'Elsewhere', obstacles: ['staff'] },
      municipality: 'Elsewhere',
      submittedAt: new Date(),
    };
    await ResponseModel.create({ ...src, obstacles: ['staff'], locale: 'ru' });
    expect(await applyToCounters(src)).toBe('applied');
    const after = await page();
    expect(after.body.respondents.region).toBe(before.body.respondents.region + 1);
    expect(names(after)).toContain('Elsewhere');
    expect(after.body.municipalitiesPage.total).toBe(before.body.municipalitiesPage.total + 1);
  }, 60_000);

  it('while the server holds the maintenance lease, another instance skips its pass', async () => {
    expect(await maintainTally(60_000, 'another-instance')).toBe('skipped');
  });
});

describe('the maintenance lease', () => {
  it('is held by one claimant at a time, renewed by its holder, and taken over once it lapses', async () => {
    const name = `lease-${randomUUID()}`;
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => claimLease(name, 60_000, `holder-${i}`)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    const holder = `holder-${claims.indexOf(true)}`;
    const other = holder === 'holder-0' ? 'holder-1' : 'holder-0';
    expect(await claimLease(name, 60_000, holder)).toBe(true);
    expect(await claimLease(name, 60_000, other)).toBe(false);
    // The holder died: two minutes later the lease has lapsed and another instance takes it.
    expect(await claimLease(name, 60_000, other, new Date(Date.now() + 120_000))).toBe(true);
    expect(await claimLease(name, 60_000, holder)).toBe(false);
  });
});

describe('the first maintenance pass after a start', () => {
  it("waits for its gate (the cubes' load at start-up), then counts what was missed", async () => {
    // The server of the tests above has stopped and given its lease up (or its 0.6 s lease lapsed).
    await sleep(1500);
    const wave = await createFixtureWave();
    const { questionnaireId } = (await WaveModel.findOne({ code: wave }).lean<{ questionnaireId: string }>())!;
    const lostId = await storeUncounted(wave, questionnaireId);
    const talliedAt = async () =>
      (await ResponseModel.findById(lostId, { talliedAt: 1 }).lean<{ talliedAt: Date | null }>())?.talliedAt ?? null;
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const stop = startTallyMaintenance(60_000, gate);
    try {
      await sleep(1500);
      expect(await talliedAt()).toBeNull();
      expect((await counter(wave))?.n ?? 0).toBe(0);
      open();
      expect(await until(talliedAt, (t) => t !== null)).not.toBeNull();
      expect((await counter(wave))!.n).toBe(1);
    } finally {
      await stop();
    }
  }, 60_000);
});

describe('a server that stops', () => {
  it('writes the counts of the answers it gave before it exits (SIGTERM)', async () => {
    const wave = await createFixtureWave();
    const { url, proc } = await startServerProcess(dbName, { TALLY_FULL_PASS_MS: '3600000' });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_x, i) =>
          request(url)
            .post(`/api/waves/${wave}/responses`)
            .set('x-forwarded-for', `10.8.0.${i}`)
            .send({ clientId: randomUUID(), locale: 'ru', answers: answers({ municipality: `С${i}` }) }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(40).fill(201));
      // Stopped right after the last answer: the counts of some are still being written.
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
    // Nothing left to the next start's catch-up: every answer counted, once, and marked or listed
    // in the mark of its group (written on the responses by the next maintenance pass).
    const listed = new Set(
      (await TallyMarkModel.find({}, { ids: 1 }).lean<{ ids: string[] }[]>()).flatMap((d) => d.ids),
    );
    const unmarked = await ResponseModel.find({ waveCode: wave, talliedAt: null }, { _id: 1 }).lean();
    expect(unmarked.filter((r) => !listed.has(String(r._id)))).toEqual([]);
    expect((await counter(wave))!.n).toBe(40);
  }, 90_000);
});
