// What each store write of a submission costs, one at a time, on the bench's store: wall time and
// the store process's CPU per operation, against a raw insert of the same response document. The
// floor under the submission benchmark: whatever the app does, a submission costs the store at
// least its own writes (rate limit, response upsert) plus its share of the counting step.
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { createWaveIfAbsent } from '../../server/src/waves/waves.service';
import { getQuestionnaire, listQuestionnaires } from '../../server/src/questionnaires/questionnaires.service';
import { DEFAULT_QUESTIONNAIRE } from '../../server/src/bootstrap';
import { checkSubmission } from '../../server/src/responses/responses.service';
import { applyBatch, type TallySource } from '../../server/src/analytics/counters.service';
import type { Benchmark, BenchContext, Result } from './context';
import { answerSet, cpuMs } from './submission';

const N = Number(process.env.BENCH_STORE_WRITES ?? 300);
/** Group sizes of the counting step (the app counts up to 500 at once). */
const GROUPS = [50, 500];

async function measure(ctx: BenchContext, size: number): Promise<Result[]> {
  const db = mongoose.connection.db!;
  const listed = (await listQuestionnaires()).filter((q) => q.key === DEFAULT_QUESTIONNAIRE).at(-1)!;
  const version = await getQuestionnaire(listed.id);
  const tag = randomUUID().slice(0, 6);
  const wave = `bench-writes-${tag}`;
  await createWaveIfAbsent({
    code: wave,
    title: { ru: 'Бенчмарк записей', en: 'Store writes benchmark', uk: 'Бенчмарк записів' },
    questionnaireId: version.id,
    status: 'open',
    opensAt: null,
    closesAt: null,
    scope: { countries: ['RU', 'UA'], regions: [] },
    access: 'public',
    anonymous: false,
  });
  // Response documents as the API stores them (the same checks and dimensions).
  const docs = (i: number): TallySource & Record<string, unknown> => {
    const { answers, dims } = checkSubmission(version, answerSet(i, tag));
    return {
      _id: randomUUID(),
      waveCode: wave,
      questionnaireId: version.id,
      status: 'complete',
      answers,
      ...dims,
      locale: 'ru',
      startedAt: null,
      submittedAt: new Date(),
      invitationId: null,
      talliedAt: null,
    };
  };
  const results: Result[] = [];
  const r = (metric: string, value: number, unit: string, note?: string): Result => ({
    benchmark: 'store-writes',
    size,
    metric,
    value,
    unit,
    ...(note ? { note } : {}),
  });
  /** Runs `op` n times one after another; wall and store CPU per operation. */
  const time = async (name: string, n: number, op: (i: number) => Promise<unknown>, per = 1) => {
    const c0 = cpuMs(ctx.storePid);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await op(i);
    const wall = (performance.now() - t0) / (n * per);
    const cpu = (cpuMs(ctx.storePid) - c0) / (n * per);
    results.push(r(`${name} wall`, wall, 'ms'), r(`${name} store CPU`, cpu, 'ms'));
    ctx.log(`  store-writes: ${name.padEnd(40)} wall ${wall.toFixed(2)} ms, store CPU ${cpu.toFixed(2)} ms`);
  };
  const raw = db.collection<{ _id: string }>(`bench_writes_raw_${tag}`);
  const responses = db.collection<{ _id: string }>('responses');
  const limits = db.collection<{ _id: string; hits: number }>('rate_limits');
  const stored: (TallySource & Record<string, unknown>)[] = [];
  const prepared = Array.from({ length: N + GROUPS.reduce((a, g) => a + 2 * g, 0) }, (_x, i) => docs(i));

  await time('raw insert of a response', N, (i) => raw.insertOne({ ...prepared[i], _id: `raw-${i}` }));
  await time('response upsert', N, async (i) => {
    stored.push(prepared[i]);
    const { _id, ...fields } = prepared[i];
    await responses.updateOne({ _id }, { $setOnInsert: fields }, { upsert: true });
  });
  await time('rate limit (a new address)', N, (i) =>
    limits.findOneAndUpdate(
      { _id: `submit|bench-${tag}-${i}|0` },
      { $inc: { hits: 1 }, $setOnInsert: { resetAt: new Date() } },
      { upsert: true, returnDocument: 'after' },
    ),
  );
  // The counting step: one response at a time (a quiet wave), then in groups (a burst).
  await time('counting, one response at a time', N, (i) => applyBatch([stored[i]]));
  let from = N;
  for (const size of GROUPS) {
    const more = prepared.slice(from, from + 2 * size);
    from += 2 * size;
    await responses.insertMany(more as never[]);
    await time(
      `counting, in groups of ${size} (per response)`,
      2,
      (g) => applyBatch(more.slice(g * size, (g + 1) * size)),
      size,
    );
  }
  await raw.drop();
  return results;
}

export const storeWrites: Benchmark = {
  name: 'store-writes',
  sizes: () => [1000],
  measure,
};
