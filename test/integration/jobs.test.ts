// Long work as jobs, over HTTP through the real app against the real store, with the job runner
// running in this process as it does in the server.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import ExcelJS from 'exceljs';
import { createApp } from '../../server/src/app';
import { startJobRunner, type JobRunner } from '../../server/src/jobs/jobs.runner';
import { JobChunkModel, JobModel } from '../../server/src/jobs/job.model';
import { AuditModel } from '../../server/src/audit/audit.model';
import { ResponseModel } from '../../server/src/responses/response.model';
import { setMinCell } from '../../server/src/analytics/coding.service';
import { useTestDatabase, storeKind } from '../helpers/db';
import { answers, createFixtureWave, insertResponses } from '../helpers/fixtures';
import { agentAs } from '../helpers/auth';
import { useAgents } from '../helpers/app';

const LEASE_MS = 1500;
const MAX_TAKEOVERS = 2;
let runner: JobRunner | undefined;
// Declared before the database helper so that it runs first: the runner stops before the drop.
afterAll(async () => {
  await runner?.stop();
});
useTestDatabase();
// The direct downloads compared with the jobs' files run on a machine shared with other test runs.
const app = createApp({ store: { kind: storeKind() }, requestDeadlineMs: 30_000 });
const { researcher, coordinator } = useAgents(app, 'researcher', 'coordinator');
let wave: string;
let bigWave: string;
const BIG = 6000;

type Job = {
  id: string;
  state: string;
  rowsDone: number;
  rowsTotal: number | null;
  percent: number | null;
  error: string | null;
  file: { name: string; size: number; url: string } | null;
  result: Record<string, unknown> | null;
  createdBy: string;
  fileExpired: boolean;
};

const binary = (r: request.Test) =>
  r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

async function poll(id: string, until: (j: Job) => boolean, ms = 30_000): Promise<Job> {
  const end = Date.now() + ms;
  for (;;) {
    const res = await researcher.get(`/api/jobs/${id}`);
    expect(res.status).toBe(200);
    const job = res.body as Job;
    if (until(job)) return job;
    if (Date.now() > end) throw new Error(`job ${id} still ${job.state} (${job.rowsDone}/${job.rowsTotal})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const ended = (j: Job) => ['done', 'failed', 'cancelled'].includes(j.state);

async function startExport(body: Record<string, unknown>, code = wave): Promise<Job> {
  const res = await researcher.post(`/api/waves/${code}/exports`).send(body);
  expect(res.status).toBe(202);
  expect(res.headers.location).toBe(`/api/jobs/${res.body.id}`);
  return res.body as Job;
}

/** `n` responses straight in the collection, with the kept counts they would have produced. */
const fillWave = (code: string, n: number) =>
  insertResponses(
    code,
    n,
    (i) => answers({ municipality: `М-${i}`, obstacles: ['funding', 'legal'], comment: 'текст' }),
    { tallied: true },
  );

beforeAll(async () => {
  wave = await createFixtureWave();
  await setMinCell(wave, 1);
  const rows = [
    answers({ region: 'RU-VLG', municipality: 'Великий Устюг', obstacles: ['funding', 'experience'] }),
    answers({ region: 'UA-05', municipality: 'Жмеринська громада', obstacles: ['legal'], comment: '=1+1; "x"' }),
    answers({ region: 'RU-MOS', municipality: 'Коломна', obstacles: ['staff', 'legal'] }),
  ];
  for (const a of rows) {
    const res = await request(app)
      .post(`/api/waves/${wave}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: a });
    expect(res.status).toBe(201);
  }
  runner = startJobRunner({
    instanceId: 'test-runner',
    pollMs: 50,
    leaseMs: LEASE_MS,
    maxTakeovers: MAX_TAKEOVERS,
    retentionMs: 60 * 60_000,
    sweepEveryMs: 100,
    batchDelayMs: 60,
  });
}, 120_000);

describe('export jobs', () => {
  it.each([
    [{ format: 'csv' }, `responses.csv`],
    [{ format: 'csv', delimiter: 'tab', locale: 'uk' }, `responses.csv?delimiter=tab&locale=uk`],
    [{ format: 'sps' }, 'responses.sps'],
    [{ format: 'R', locale: 'en' }, 'responses.R?locale=en'],
    [{ format: 'datapackage' }, 'datapackage.json'],
    [{ table: 'codebook', format: 'csv' }, 'codebook.csv'],
    [{ table: 'tally', format: 'csv', region: 'RU-VLG,UA-05' }, 'tally.csv?region=RU-VLG,UA-05'],
    [
      { table: 'crosstab', format: 'csv', row: 'obstacles', col: 'region', part: 1 },
      'crosstab.csv?row=obstacles&col=region&part=1',
    ],
  ])('%j: the job ends done and its file equals the direct download %s', async (body, direct) => {
    const job = await startExport(body);
    expect(job.state).toBe('queued');
    const done = await poll(job.id, ended);
    expect(done.error).toBeNull();
    expect(done.state).toBe('done');
    expect(done.percent).toBe(100);
    const file = await binary(researcher.get(done.file!.url));
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toContain(done.file!.name);
    const ref = await binary(researcher.get(`/api/waves/${wave}/exports/${direct}`));
    expect(ref.status).toBe(200);
    if (done.file!.name === 'datapackage.json') {
      // The descriptor states when it was made; everything else must match.
      const strip = (b: Buffer) => ({ ...(JSON.parse(b.toString('utf8')) as object), created: undefined });
      expect(strip(file.body as Buffer)).toEqual(strip(ref.body as Buffer));
      return;
    }
    expect((file.body as Buffer).equals(ref.body as Buffer)).toBe(true);
    expect(done.file!.size).toBe((ref.body as Buffer).length);
  });
});

// Responses of a big wave make every scan slower on the embedded store (it filters in memory):
// they are there only for these tests.
describe('export jobs of a bigger wave', () => {
  beforeAll(async () => {
    bigWave = await createFixtureWave();
    await fillWave(bigWave, BIG);
  }, 120_000);
  afterAll(async () => {
    await ResponseModel.deleteMany({ waveCode: bigWave });
  });

  it('an XLSX export of a wave bigger than one chunk: rows counted, the workbook holds every response', async () => {
    const job = await startExport({ format: 'xlsx' }, bigWave);
    const done = await poll(job.id, ended, 90_000);
    expect(done).toMatchObject({ state: 'done', rowsDone: BIG, rowsTotal: BIG, percent: 100 });
    expect(await JobChunkModel.countDocuments({ jobId: job.id })).toBeGreaterThan(1);
    const file = await binary(researcher.get(done.file!.url));
    expect((file.body as Buffer).length).toBe(done.file!.size);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file.body as never);
    expect(wb.getWorksheet('responses')!.rowCount).toBe(BIG + 1);
  }, 120_000);

  it('when writing a chunk of an XLSX file fails, then the job fails and the runner goes on (no crash)', async () => {
    const job = await startExport({ format: 'xlsx' }, bigWave);
    // Wait for the first chunk, then take the next chunk's id so that its insert fails
    // (duplicate key), as a store failing mid-export would: the job fails, its partial file is
    // removed, and the runner (and the process) goes on.
    const end = Date.now() + 60_000;
    let written: number;
    while ((written = await JobChunkModel.countDocuments({ jobId: job.id })) === 0) {
      if (Date.now() > end) throw new Error('no chunk written');
      await new Promise((r) => setTimeout(r, 20));
    }
    const n = written + 1;
    await JobChunkModel.create({ _id: `${job.id}:${n}`, jobId: job.id, n, data: Buffer.from('x') });
    const failed = await poll(job.id, ended, 90_000);
    expect(failed.state).toBe('failed');
    expect(failed.file).toBeNull();
    expect(await JobChunkModel.countDocuments({ jobId: job.id })).toBe(0);
    const next = await startExport({ format: 'sps' });
    expect((await poll(next.id, ended)).state).toBe('done');
  }, 120_000);

  it('when a running export is cancelled, then it stops early, ends cancelled and leaves no file', async () => {
    const job = await startExport({ format: 'csv' }, bigWave);
    const running = await poll(job.id, (j) => j.state === 'running' && j.rowsDone > 0);
    expect(running.rowsTotal).toBe(BIG);
    const del = await researcher.delete(`/api/jobs/${job.id}`);
    expect(del.status).toBe(200);
    expect(del.body.state).toBe('cancelled');
    // The runner notices at its next batch: the next job is served, and the cancelled one stays put.
    const next = await startExport({ format: 'sps' });
    expect((await poll(next.id, ended)).state).toBe('done');
    const after = (await researcher.get(`/api/jobs/${job.id}`)).body as Job;
    expect(after.state).toBe('cancelled');
    expect(after.rowsDone).toBeLessThan(BIG);
    expect(after.file).toBeNull();
    expect(await JobChunkModel.countDocuments({ jobId: job.id })).toBe(0);
    expect((await researcher.delete(`/api/jobs/${job.id}`)).status).toBe(409);
    expect((await researcher.get(`/api/jobs/${job.id}/file`)).status).toBe(409);
  }, 60_000);

  it('a rebuild by an admin runs as a job with row progress', async () => {
    const admin = await agentAs(app, ['admin']);
    const rebuild = await admin.post(`/api/waves/${bigWave}/jobs`).send({ kind: 'tally.rebuild' });
    expect(rebuild.status).toBe(202);
    const rebuilt = await poll(rebuild.body.id as string, ended, 60_000);
    expect(rebuilt).toMatchObject({ state: 'done', rowsDone: BIG, rowsTotal: BIG, result: { responses: BIG } });
  }, 90_000);
});

describe('takeover and retention', () => {
  it('a job whose instance died (lease expired) is taken over and finished; after too many takeovers it fails', async () => {
    const base = {
      kind: 'export',
      waveCode: wave,
      params: { format: 'csv' },
      summary: { table: 'responses', format: 'csv', locale: 'ru', file: `${wave}-responses.csv` },
      state: 'running',
      createdAt: new Date(),
      createdBy: researcher.email,
      startedAt: new Date(Date.now() - 60_000),
      owner: 'dead-instance',
      leaseUntil: new Date(Date.now() - 1000),
    };
    const orphan = randomUUID();
    const hopeless = randomUUID();
    await JobModel.create({ ...base, _id: orphan, takeovers: 0 });
    await JobModel.create({ ...base, _id: hopeless, takeovers: MAX_TAKEOVERS });
    // A chunk left by the dead instance must not end up in the file.
    await JobChunkModel.create({ _id: `${orphan}:0`, jobId: orphan, n: 0, data: Buffer.from('garbage') });
    const taken = await poll(orphan, ended);
    expect(taken.state).toBe('done');
    expect((await JobModel.findById(orphan).lean<{ takeovers: number }>())!.takeovers).toBe(1);
    const ref = await binary(researcher.get(`/api/waves/${wave}/exports/responses.csv`));
    const file = await binary(researcher.get(taken.file!.url));
    expect((file.body as Buffer).equals(ref.body as Buffer)).toBe(true);
    const failed = await poll(hopeless, ended);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatch(/went away/);
  });

  it('a live lease is not taken over', async () => {
    const id = randomUUID();
    await JobModel.create({
      _id: id,
      kind: 'export',
      waveCode: wave,
      params: { format: 'csv' },
      state: 'running',
      createdAt: new Date(),
      createdBy: researcher.email,
      owner: 'other-live-instance',
      leaseUntil: new Date(Date.now() + 60_000),
    });
    await new Promise((r) => setTimeout(r, 500));
    const job = await JobModel.findById(id).lean<{ owner: string; takeovers: number; state: string }>();
    expect(job).toMatchObject({ owner: 'other-live-instance', takeovers: 0, state: 'running' });
    await JobModel.deleteOne({ _id: id });
  });

  it('retention: a file older than the retention time is removed, the job stays listed', async () => {
    const job = await startExport({ format: 'csv' });
    const done = await poll(job.id, ended);
    expect(done.state).toBe('done');
    expect(await JobChunkModel.countDocuments({ jobId: job.id })).toBe(1);
    await JobModel.updateOne({ _id: job.id }, { $set: { finishedAt: new Date(Date.now() - 2 * 3_600_000) } });
    const expired = await poll(job.id, (j) => j.fileExpired);
    expect(expired.file).toBeNull();
    expect(await JobChunkModel.countDocuments({ jobId: job.id })).toBe(0);
    const file = await researcher.get(`/api/jobs/${job.id}/file`);
    expect(file.status).toBe(410);
    expect(file.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it("the wave's list shows recent jobs newest first, with who started them", async () => {
    const res = await researcher.get(`/api/waves/${wave}/jobs?limit=5`);
    expect(res.status).toBe(200);
    const items = res.body.items as (Job & { createdAt: string })[];
    expect(items.length).toBe(5);
    expect(items.map((i) => i.createdAt)).toEqual([...items.map((i) => i.createdAt)].sort().reverse());
    expect(items.some((i) => i.createdBy === researcher.email)).toBe(true);
  });

  it('when the body names a format the table does not have, then 400 names it', async () => {
    const res = await researcher.post(`/api/waves/${wave}/exports`).send({ table: 'tally', format: 'sps' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.invalid_params.map((p: { name: string }) => p.name)).toContain('body.format');
    expect((await researcher.post(`/api/waves/nope-wave/exports`).send({ format: 'csv' })).status).toBe(404);
  });
});

describe('who may see jobs', () => {
  it('a user without the researcher role gets 403 for every job route; no session gets 401', async () => {
    const job = await startExport({ format: 'csv' });
    await poll(job.id, ended);
    expect((await coordinator.post(`/api/waves/${wave}/exports`).send({ format: 'csv' })).status).toBe(403);
    expect((await coordinator.get(`/api/waves/${wave}/jobs`)).status).toBe(403);
    expect((await coordinator.get(`/api/jobs/${job.id}`)).status).toBe(403);
    expect((await coordinator.get(`/api/jobs/${job.id}/file`)).status).toBe(403);
    expect((await coordinator.delete(`/api/jobs/${job.id}`)).status).toBe(403);
    expect((await request(app).get(`/api/jobs/${job.id}/file`)).status).toBe(401);
    expect((await request(app).post(`/api/waves/${wave}/exports`).send({ format: 'csv' })).status).toBe(401);
  });
});

describe('recounts as jobs', () => {
  it('verify runs as a job and reports the verdict; rebuild needs an admin', async () => {
    const res = await researcher.post(`/api/waves/${wave}/jobs`).send({ kind: 'tally.verify' });
    expect(res.status).toBe(202);
    const done = await poll(res.body.id as string, ended);
    expect(done).toMatchObject({ state: 'done', result: { ok: true, regions: [] } });
    expect((await researcher.post(`/api/waves/${wave}/jobs`).send({ kind: 'tally.rebuild' })).status).toBe(403);
  }, 90_000);
});

describe('audit', () => {
  it('every export is in the audit log: who, which format and table, which filters', async () => {
    const job = await startExport({ table: 'tally', format: 'xlsx', region: 'RU-VLG', status: 'all' });
    const done = await poll(job.id, ended);
    await researcher.get(done.file!.url);
    await binary(researcher.get(`/api/waves/${wave}/exports/question.csv?question=obstacles&sizeClass=small`));
    const entries = await AuditModel.find({ action: 'data.export', target: wave, actor: researcher.email })
      .sort({ at: 1 })
      .lean<{ details: Record<string, unknown> }[]>();
    const started = entries.find((e) => e.details.jobId === job.id && e.details.via === 'job');
    expect(started?.details).toMatchObject({
      table: 'tally',
      format: 'xlsx',
      filters: { region: ['RU-VLG'], status: 'all' },
    });
    expect(entries.some((e) => e.details.jobId === job.id && e.details.via === 'job file')).toBe(true);
    const direct = entries.find((e) => e.details.via === 'download' && e.details.table === 'question');
    expect(direct?.details).toMatchObject({
      format: 'csv',
      question: 'obstacles',
      filters: { sizeClass: ['small'], status: 'complete' },
    });
  });
});
