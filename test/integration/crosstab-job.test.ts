// A crosstab of two questions over many responses runs as a job with progress (issue 20): the
// page's GET answers 409 `crosstab_needs_job` once more respondents than INLINE_PAIR_LIMIT pass the
// filters (counted from the cube, no scan), POST …/crosstab/jobs queues it, the runner counts the
// responses with progress, and the job's result is the table — equal to a recount done here.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { startJobRunner, type JobRunner } from '../../server/src/jobs/jobs.runner';
import { ResponseModel } from '../../server/src/responses/response.model';
import { waveCatalogue } from '../../server/src/analytics/catalogue';
import { setMinCell } from '../../server/src/analytics/coding.service';
import { rebuildCounters } from '../../server/src/analytics/counters.service';
import { INLINE_PAIR_LIMIT } from '../../server/src/analytics/crosstab.service';
import { useTestDatabase, storeKind } from '../helpers/db';
import { answers, createFixtureWave } from '../helpers/fixtures';
import { agentAs, type TestAgent } from '../helpers/auth';

let runner: JobRunner | undefined;
// Before the database helper: the runner stops before the drop.
afterAll(async () => {
  await runner?.stop();
});
useTestDatabase();
const app = createApp({ store: { kind: storeKind() }, requestDeadlineMs: 30_000 });
let researcher: TestAgent;
let wave: string;
let small: string;
const N = INLINE_PAIR_LIMIT + 300;
const TYPES = ['urban_okrug', 'municipal_district', 'rural_settlement'];
const REGIONS = ['RU-VLG', 'RU-ARK'];

type Row = { region: string; type: string; experience: boolean };
const rows: Row[] = Array.from({ length: N }, (_x, i) => ({
  region: REGIONS[i % 2],
  type: TYPES[(i * 7) % 3],
  experience: (i * 13) % 5 < 2,
}));

type Job = {
  id: string;
  kind: string;
  state: string;
  rowsDone: number;
  rowsTotal: number | null;
  percent: number | null;
  error: string | null;
  result: {
    source: string;
    n: number;
    rows: { value: string }[];
    cols: { value: string }[];
    cells: { count: number | null }[][];
  } | null;
};

async function fill(code: string, list: Row[]): Promise<void> {
  const { questionnaire } = await waveCatalogue(code);
  const at = new Date('2026-03-01T10:00:00Z');
  const docs = list.map((r, i) => ({
    _id: randomUUID(),
    waveCode: code,
    questionnaireId: questionnaire.id,
    status: 'complete',
    answers: answers({ region: r.region, municipality_type: r.type, has_experience: r.experience }),
    regionCode: r.region,
    municipality: `М-${i}`,
    municipalityType: r.type,
    sizeClass: '',
    respondentRole: '',
    obstacles: ['funding'],
    regionObstacles: [`${r.region}|funding`],
    locale: 'ru',
    startedAt: at,
    submittedAt: new Date(at.getTime() + i),
    talliedAt: at,
  }));
  for (let i = 0; i < docs.length; i += 1000)
    await ResponseModel.collection.insertMany(docs.slice(i, i + 1000) as never[], { ordered: false });
  // The kept counts and cube these responses would have produced.
  await rebuildCounters(code);
}

/** The expected table, counted here from the generated rows. */
function recount(list: Row[]): number[][] {
  return TYPES.map((t) => [true, false].map((e) => list.filter((r) => r.type === t && r.experience === e).length));
}

async function poll(id: string, until: (j: Job) => boolean, ms = 120_000): Promise<Job[]> {
  const seen: Job[] = [];
  const end = Date.now() + ms;
  for (;;) {
    const res = await researcher.get(`/api/jobs/${id}`);
    expect(res.status).toBe(200);
    seen.push(res.body as Job);
    if (until(res.body as Job)) return seen;
    if (Date.now() > end) throw new Error(`job ${id} still ${res.body.state}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}
const ended = (j: Job) => ['done', 'failed', 'cancelled'].includes(j.state);

beforeAll(async () => {
  researcher = await agentAs(app, ['researcher']);
  wave = await createFixtureWave();
  small = await createFixtureWave();
  await setMinCell(wave, 1);
  await setMinCell(small, 1);
  await fill(wave, rows);
  await fill(small, rows.slice(0, 40));
  runner = startJobRunner({ instanceId: 'crosstab-runner', pollMs: 50, retentionMs: 3_600_000, batchDelayMs: 20 });
}, 300_000);

describe('a crosstab of two questions', () => {
  it('over few respondents: answered in the request, counted from the responses', async () => {
    const res = await researcher.get(`/api/waves/${small}/crosstab?row=municipality_type&col=has_experience`);
    expect(res.status).toBe(200);
    expect(res.body.source).toBe('scan');
    expect(res.body.n).toBe(40);
  });

  it('over more than the inline limit: 409 crosstab_needs_job (no scan), then a job with progress whose result equals a recount', async () => {
    const refused = await researcher.get(`/api/waves/${wave}/crosstab?row=municipality_type&col=has_experience`);
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'crosstab_needs_job', respondents: N, limit: INLINE_PAIR_LIMIT });

    // A profile dimension × question is still read from the cube in the request.
    const kept = await researcher.get(`/api/waves/${wave}/crosstab?row=@region&col=has_experience`);
    expect(kept.status).toBe(200);
    expect(kept.body.source).toBe('kept');

    const started = await researcher
      .post(`/api/waves/${wave}/crosstab/jobs`)
      .send({ row: 'municipality_type', col: 'has_experience' });
    expect(started.status).toBe(202);
    expect(started.headers.location).toBe(`/api/jobs/${started.body.id}`);
    expect(started.body).toMatchObject({ kind: 'crosstab', state: 'queued' });
    const seen = await poll(started.body.id, ended);
    const done = seen.at(-1)!;
    expect(done.error).toBeNull();
    expect(done.state).toBe('done');
    // Progress: the total known from the cube, rows counted on the way.
    expect(done.rowsTotal).toBe(N);
    expect(done.rowsDone).toBe(N);
    expect(seen.some((j) => j.state === 'running' && j.rowsDone > 0 && j.rowsDone < N)).toBe(true);
    const t = done.result!;
    expect(t.source).toBe('scan');
    expect(t.n).toBe(N);
    expect(t.rows.map((r) => r.value)).toEqual(TYPES);
    expect(t.cols.map((c) => c.value)).toEqual(['true', 'false']);
    expect(t.cells.map((line) => line.map((c) => c.count))).toEqual(recount(rows));
  }, 180_000);

  it('with filters: the job counts only the responses that pass them', async () => {
    const started = await researcher
      .post(`/api/waves/${wave}/crosstab/jobs`)
      .send({ row: 'municipality_type', col: 'has_experience', region: 'RU-ARK' });
    expect(started.status).toBe(202);
    const done = (await poll(started.body.id, ended)).at(-1)!;
    const ark = rows.filter((r) => r.region === 'RU-ARK');
    expect(done.state).toBe('done');
    expect(done.rowsTotal).toBe(ark.length);
    expect(done.result!.cells.map((line) => line.map((c) => c.count))).toEqual(recount(ark));
  }, 180_000);

  it('refuses a job for a profile dimension, the same question twice, an unknown question, or an extra field', async () => {
    for (const body of [
      { row: '@region', col: 'has_experience' },
      { row: 'has_experience', col: 'has_experience' },
      { row: 'nope', col: 'has_experience' },
      { row: 'municipality_type', col: 'has_experience', extra: 1 },
    ]) {
      const res = await researcher.post(`/api/waves/${wave}/crosstab/jobs`).send(body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    const anonymous = await request(app)
      .post(`/api/waves/${wave}/crosstab/jobs`)
      .send({ row: 'municipality_type', col: 'has_experience' });
    expect(anonymous.status).toBe(401);
  });
});
