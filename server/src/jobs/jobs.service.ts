// Jobs as users see them: start (queued), look at, list, cancel, download. The work itself is done
// by the runner (jobs.runner.ts) of whichever instance claims the job.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Binary } from 'mongodb';
import { AppError, BadRequestError, ConflictError, NotFoundError } from '../http/errors';
import { prepareAudit, recordEvent, type PendingAudit } from '../audit/outbox';
import { waveCatalogue } from '../analytics/catalogue';
import { checkPair, profileDimension } from '../analytics/crosstab.service';
import { resolveK } from '../analytics/tally.service';
import type { z } from 'zod';
import type { CrosstabQuery } from '../analytics/analytics.schema';
import type { Filters } from '../analytics/filters';
import type { AuthUser } from '../auth/roles';
import { hasRole } from '../auth/roles';
import { ExportRequest, exportSummary, prepareExport } from '../exports/export-request';
import { chunkId, JobChunkModel, JobModel } from './job.model';
import type {
  CampaignJobResult,
  CrosstabJobSummary,
  CrosstabResult,
  ExportJobSummary,
  JobKind,
  JobState,
  JobView,
  MailJobSummary,
  RebuildJobResult,
  VerifyJobResult,
} from './jobs.schema';

const OP_MS = 10_000;

export type JobDoc = {
  _id: string;
  kind: JobKind;
  waveCode: string;
  params: Record<string, unknown>;
  summary: Record<string, unknown>;
  state: JobState;
  createdAt: Date;
  createdBy: string;
  startedAt: Date | null;
  finishedAt: Date | null;
  owner: string | null;
  leaseUntil: Date | null;
  takeovers: number;
  rowsDone: number;
  rowsTotal: number | null;
  error: string | null;
  result: Record<string, unknown> | null;
  file: { name: string; contentType: string; size: number; chunks: number } | null;
  fileExpired: boolean;
};

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export function jobView(d: JobDoc): JobView {
  const percent =
    d.state === 'done' ? 100 : d.rowsTotal ? Math.min(100, Math.floor((100 * d.rowsDone) / d.rowsTotal)) : null;
  const common = {
    id: d._id,
    waveCode: d.waveCode,
    state: d.state,
    rowsDone: d.rowsDone ?? 0,
    rowsTotal: d.rowsTotal ?? null,
    percent,
    createdAt: iso(d.createdAt)!,
    createdBy: d.createdBy,
    startedAt: iso(d.startedAt),
    finishedAt: iso(d.finishedAt),
    error: d.error ?? null,
    file:
      d.file && !d.fileExpired
        ? { name: d.file.name, contentType: d.file.contentType, size: d.file.size, url: `/api/jobs/${d._id}/file` }
        : null,
    fileExpired: d.fileExpired ?? false,
  };
  // The stored summary and result are what this module and jobs.runner.ts wrote for the job's kind.
  const summary = d.summary ?? {};
  switch (d.kind) {
    case 'export':
      return { ...common, kind: d.kind, summary: summary as ExportJobSummary, result: null };
    case 'tally.verify':
      return { ...common, kind: d.kind, summary: {}, result: (d.result as VerifyJobResult | null) ?? null };
    case 'tally.rebuild':
      return { ...common, kind: d.kind, summary: {}, result: (d.result as RebuildJobResult | null) ?? null };
    case 'mail.campaign':
      return {
        ...common,
        kind: d.kind,
        summary: summary as MailJobSummary,
        result: (d.result as CampaignJobResult | null) ?? null,
      };
    case 'crosstab':
      // A crosstab's table is stored as JSON text (jobs.runner.ts) and given back as the table.
      return {
        ...common,
        kind: d.kind,
        summary: summary as CrosstabJobSummary,
        result: typeof d.result?.crosstab === 'string' ? (JSON.parse(d.result.crosstab) as CrosstabResult) : null,
      };
  }
}

/** Stores a new queued job (with its audit record, when given, in the same write) and returns it. */
export async function insertJob(
  kind: JobKind,
  waveCode: string,
  params: Record<string, unknown>,
  summary: Record<string, unknown>,
  user: AuthUser,
  audit?: (jobId: string) => Omit<PendingAudit, 'at' | 'actor'>,
): Promise<JobDoc> {
  const id = randomUUID();
  const now = new Date();
  // An audited job (an export, a rebuild) carries its record from the start (audit/outbox.ts).
  const step = audit ? await prepareAudit(JobModel, id, { at: now, actor: user.email, ...audit(id) }) : undefined;
  const doc = {
    _id: id,
    kind,
    waveCode,
    params,
    summary,
    state: 'queued' as const,
    createdAt: now,
    createdBy: user.email,
    startedAt: null,
    finishedAt: null,
    owner: null,
    leaseUntil: null,
    takeovers: 0,
    rowsDone: 0,
    rowsTotal: null,
    error: null,
    result: null,
    file: null,
    fileExpired: false,
  };
  await JobModel.create(step ? { ...doc, auditOutbox: step.doc } : doc);
  await step?.flush();
  return doc;
}

/** Queues an export (the body of POST /waves/{code}/exports); recorded in the audit log. */
export async function startExportJob(code: string, body: unknown, user: AuthUser): Promise<JobView> {
  const request = ExportRequest.parse(body);
  const plan = await prepareExport(code, request, user);
  const summary = { ...exportSummary(request), file: plan.fileName };
  const job = await insertJob('export', code, body as Record<string, unknown>, summary, user, (jobId) => ({
    action: 'data.export',
    target: code,
    details: { ...exportSummary(request), via: 'job', jobId },
  }));
  return jobView(job);
}

/** Queues a recount: verify (researchers) compares the kept counts, rebuild (admins) repairs them. */
export async function startTallyJob(code: string, kind: 'tally.verify' | 'tally.rebuild', user: AuthUser) {
  if (kind === 'tally.rebuild' && !hasRole(user, 'admin')) {
    throw new AppError(403, 'Forbidden', 'forbidden', 'Rebuilding the kept counts needs the admin role.');
  }
  await waveCatalogue(code);
  const job = await insertJob(
    kind,
    code,
    {},
    {},
    user,
    kind === 'tally.rebuild' ? (jobId) => ({ action: 'tally.rebuild', target: code, details: { jobId } }) : undefined,
  );
  return jobView(job);
}

/**
 * Queues a crosstab of two questions (counted from the responses, with progress); its result is
 * the table GET /waves/{code}/crosstab gives. The questions and the k are checked now.
 */
export async function startCrosstabJob(
  code: string,
  query: z.infer<typeof CrosstabQuery>,
  user: AuthUser,
): Promise<JobView> {
  const { wave } = await waveCatalogue(code);
  if (profileDimension(query.row))
    throw new BadRequestError('A profile dimension × question table is read from the kept counts, not a job.', [
      { name: 'body.row', reason: 'a question, not a profile dimension' },
    ]);
  await checkPair(wave.code, query.row, query.col);
  const { k } = await resolveK(wave.code, { k: query.k, user });
  const filters: Filters = {
    region: query.region,
    municipalityType: query.municipalityType,
    sizeClass: query.sizeClass,
    respondentRole: query.respondentRole,
    status: query.status,
  };
  const params = { row: query.row, col: query.col, filters: JSON.parse(JSON.stringify(filters)), k };
  const job = await insertJob(
    'crosstab',
    wave.code,
    params,
    { row: query.row, col: query.col, filters: params.filters },
    user,
  );
  return jobView(job);
}

async function findJob(id: string): Promise<JobDoc> {
  const doc = await JobModel.findById(id).maxTimeMS(OP_MS).lean<JobDoc>();
  if (!doc) throw new NotFoundError('job', id);
  return doc;
}

export async function getJob(id: string): Promise<JobView> {
  return jobView(await findJob(id));
}

/** The wave's most recent exports and recounts, newest first (mail campaigns are listed by mail/). */
export async function listWaveJobs(code: string, limit = 20): Promise<JobView[]> {
  const docs = await JobModel.find({ waveCode: code, kind: { $ne: 'mail.campaign' } })
    .sort({ createdAt: -1 })
    .limit(limit)
    .maxTimeMS(OP_MS)
    .lean<JobDoc[]>();
  return docs.map(jobView);
}

/** Cancels a queued or running job; the runner notices at its next batch and closes its cursor. */
export async function cancelJob(id: string, user: AuthUser): Promise<JobView> {
  const job = await findJob(id);
  if (job.kind === 'tally.rebuild' && !hasRole(user, 'admin')) {
    throw new AppError(403, 'Forbidden', 'forbidden', 'Only an admin may cancel a rebuild.');
  }
  const res = await JobModel.updateOne(
    { _id: id, state: { $in: ['queued', 'running'] } },
    { $set: { state: 'cancelled', finishedAt: new Date() } },
  );
  if (res.matchedCount === 0) {
    throw new ConflictError('job_finished', `The job has already ended (${(await findJob(id)).state}).`);
  }
  return getJob(id);
}

function bufferOf(data: Buffer | Binary | Uint8Array): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data.buffer);
}

/** The finished file of a job, read back chunk by chunk (any instance can serve it). */
export async function openJobFile(
  id: string,
  user: AuthUser,
): Promise<{ name: string; contentType: string; size: number; stream: Readable }> {
  const job = await findJob(id);
  if (job.fileExpired) {
    throw new AppError(410, 'Gone', 'job_file_expired', 'The file was removed after its retention time.');
  }
  if (job.state !== 'done' || !job.file) {
    throw new ConflictError('job_not_done', `The job has no file (${job.state}).`);
  }
  const file = job.file;
  await recordEvent({
    at: new Date(),
    actor: user.email,
    action: 'data.export',
    target: job.waveCode,
    details: { ...job.summary, via: 'job file', jobId: id },
  });
  const stream = Readable.from(
    (async function* () {
      for (let n = 0; n < file.chunks; n++) {
        const chunk = await JobChunkModel.findById(chunkId(id, n)).maxTimeMS(OP_MS).lean<{ data: Buffer | Binary }>();
        if (!chunk) throw new Error(`job ${id}: chunk ${n} is missing`);
        yield bufferOf(chunk.data);
      }
    })(),
    { objectMode: false },
  );
  return { name: file.name, contentType: file.contentType, size: file.size, stream };
}
