// The job runner of one app instance. Any number of instances run one each:
//   - claim: ONE findOneAndUpdate turns the oldest queued job into running-with-a-lease for this
//     instance (no projection: see DESIGN, common ground), so a job is claimed exactly once;
//   - lease: while running, the runner renews `leaseUntil` with each progress report and on a
//     heartbeat; the renewal is conditional on `state: running, owner: me`, so a cancelled job (or
//     one taken over by another instance) is noticed at the next batch and its cursor closed;
//   - takeover: a running job whose lease has passed (its instance died) is claimed again and
//     restarted from the beginning (its partial chunks removed), at most `maxTakeovers` times;
//     after that it is marked failed, never left running;
//   - retention: files of jobs finished longer ago than `retentionMs` are removed.
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { logger } from '../logger';
import { AppError } from '../http/errors';
import { ExportRequest, prepareExport } from '../exports/export-request';
import { rebuildCounters, verifyCounters } from '../analytics/counters.service';
import { countRawRows } from '../exports/exports.service';
import { crosstab, respondentsPassing } from '../analytics/crosstab.service';
import type { Filters } from '../analytics/filters';
import { CHUNK_BYTES, chunkId, JobChunkModel, JobModel } from './job.model';
import type { JobDoc } from './jobs.service';
import { runCampaign } from '../mail/mail.service';
import type { Mailer } from '../mail/mailer';
import { config } from '../config';

export type RunnerOptions = {
  /** Identifies this instance in `owner` (random by default). */
  instanceId?: string;
  /** How often an idle runner looks for work. */
  pollMs?: number;
  /** How long a claim holds without renewal. */
  leaseMs?: number;
  /** Takeovers after which a job whose runner keeps dying is marked failed. */
  maxTakeovers?: number;
  /** Finished files are removed this long after the job finished. */
  retentionMs: number;
  /** How often expired files are looked for. */
  sweepEveryMs?: number;
  /** Test hook: a pause after every batch of rows, to keep a job running long enough to cancel it. */
  batchDelayMs?: number;
  /** Time limit of a job's cursors on the store. */
  cursorMaxMs?: number;
  /** Where mail campaigns send (none: campaigns fail with "mail is not configured"). */
  mailer?: Mailer;
  /** Base of the links in mails (defaults to PUBLIC_URL). */
  publicUrl?: string;
};

const PROGRESS_EVERY_MS = 500;
const OP_MS = 10_000;

class LeaseLost extends Error {
  constructor() {
    super('the job was cancelled or taken over');
  }
}
class Stopping extends Error {
  constructor() {
    super('the instance is shutting down');
  }
}

/** Writes a stream into `job_chunks` as CHUNK_BYTES pieces keyed `<jobId>:<n>`. */
class ChunkWriter extends Writable {
  size = 0;
  chunks = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly jobId: string) {
    super({ highWaterMark: CHUNK_BYTES });
  }

  private async flush(all: boolean): Promise<void> {
    while (this.pendingBytes >= CHUNK_BYTES || (all && this.pendingBytes > 0)) {
      const joined = Buffer.concat(this.pending);
      const data = joined.subarray(0, CHUNK_BYTES);
      const rest = joined.subarray(data.length);
      this.pending = rest.length ? [rest] : [];
      this.pendingBytes = rest.length;
      await JobChunkModel.create({ _id: chunkId(this.jobId, this.chunks), jobId: this.jobId, n: this.chunks, data });
      this.chunks++;
    }
  }

  override _write(chunk: Buffer | string, enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, enc) : chunk;
    this.pending.push(buf);
    this.pendingBytes += buf.length;
    this.size += buf.length;
    this.flush(false).then(() => cb(), cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.flush(true).then(() => cb(), cb);
  }
}

function finished(w: Writable): Promise<void> {
  if (w.writableFinished) return Promise.resolve();
  return new Promise((resolve, reject) => {
    w.once('finish', resolve);
    w.once('error', reject);
  });
}

export type JobRunner = { stop: () => Promise<void>; /** Runs one round now (tests). */ tick: () => Promise<void> };

export function startJobRunner(opts: RunnerOptions): JobRunner {
  const me = opts.instanceId ?? `instance-${randomUUID().slice(0, 8)}`;
  const pollMs = opts.pollMs ?? 1000;
  const leaseMs = opts.leaseMs ?? 30_000;
  const maxTakeovers = opts.maxTakeovers ?? 2;
  const sweepEveryMs = opts.sweepEveryMs ?? 60_000;
  const cursorMaxMs = opts.cursorMaxMs ?? 60 * 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let lastSweep = 0;
  let current: { ac: AbortController; done: Promise<void> } | undefined;
  let ticking: Promise<void> | undefined;

  const mine = (id: string) => ({ _id: id, owner: me, state: 'running' });

  /** Renews the lease (with any progress fields); aborts the job when it is no longer ours. */
  async function renew(id: string, ac: AbortController, set: Record<string, unknown> = {}): Promise<void> {
    const res = await JobModel.updateOne(mine(id), { $set: { leaseUntil: new Date(Date.now() + leaseMs), ...set } });
    if (res.matchedCount === 0 && !ac.signal.aborted) ac.abort(new LeaseLost());
  }

  async function removeChunks(id: string): Promise<void> {
    await JobChunkModel.deleteMany({ jobId: id });
  }

  async function claim(): Promise<JobDoc | null> {
    const now = new Date();
    const lease = new Date(now.getTime() + leaseMs);
    const queued = await JobModel.findOneAndUpdate(
      { state: 'queued' },
      { $set: { state: 'running', owner: me, leaseUntil: lease, startedAt: now } },
      { sort: { createdAt: 1 }, new: true, maxTimeMS: OP_MS },
    ).lean<JobDoc>();
    if (queued) return queued;
    const orphan = await JobModel.findOneAndUpdate(
      { state: 'running', leaseUntil: { $lt: now }, takeovers: { $lt: maxTakeovers } },
      { $set: { owner: me, leaseUntil: lease, startedAt: now, rowsDone: 0 }, $inc: { takeovers: 1 } },
      { new: true, maxTimeMS: OP_MS },
    ).lean<JobDoc>();
    if (orphan)
      logger.warn({ jobId: orphan._id, takeovers: orphan.takeovers }, 'job taken over after its lease expired');
    return orphan;
  }

  /** Jobs whose runner died too often: failed, their partial files removed. */
  async function failAbandoned(): Promise<void> {
    const now = new Date();
    const stale = { state: 'running', leaseUntil: { $lt: now }, takeovers: { $gte: maxTakeovers } };
    const docs = await JobModel.find(stale, { _id: 1 }).maxTimeMS(OP_MS).lean<{ _id: string }[]>();
    for (const d of docs) {
      const res = await JobModel.updateOne(
        { ...stale, _id: d._id },
        {
          $set: {
            state: 'failed',
            finishedAt: now,
            owner: null,
            error: 'The job stopped several times because the instance running it went away; it was given up.',
          },
        },
      );
      if (res.modifiedCount) await removeChunks(d._id);
    }
  }

  /** Removes the files of jobs finished longer ago than the retention time. */
  async function sweep(): Promise<void> {
    const cutoff = new Date(Date.now() - opts.retentionMs);
    const docs = await JobModel.find({ state: 'done', fileExpired: false, finishedAt: { $lt: cutoff } }, { _id: 1 })
      .maxTimeMS(OP_MS)
      .lean<{ _id: string }[]>();
    for (const d of docs) {
      await removeChunks(d._id);
      await JobModel.updateOne({ _id: d._id }, { $set: { fileExpired: true } });
    }
    if (docs.length) logger.info({ removed: docs.length }, 'expired job files removed');
  }

  async function run(job: JobDoc, ac: AbortController): Promise<void> {
    const id = job._id;
    const heartbeat = setInterval(() => void renew(id, ac).catch(() => undefined), Math.max(50, leaseMs / 3));
    heartbeat.unref();
    let lastReport = 0;
    let rows = 0;
    const onProgress = async (rowsDone: number) => {
      rows = rowsDone;
      if (opts.batchDelayMs) await sleep(opts.batchDelayMs);
      ac.signal.throwIfAborted();
      if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = Date.now();
        await renew(id, ac, { rowsDone });
      }
      ac.signal.throwIfAborted();
    };
    const step = { signal: ac.signal, onProgress, maxTimeMS: cursorMaxMs };
    try {
      await removeChunks(id); // left by an earlier attempt (takeover)
      let set: Record<string, unknown>;
      if (job.kind === 'export') {
        const plan = await prepareExport(job.waveCode, ExportRequest.parse(job.params), undefined, true);
        const rowsTotal = await plan.rowsTotal();
        await renew(id, ac, { rowsTotal, rowsDone: 0 });
        ac.signal.throwIfAborted();
        const sink = new ChunkWriter(id);
        // A failed chunk write must fail the job, never the process: a writer that does not
        // listen for its destination's errors (ExcelJS pipes its zip into `sink`) would leave
        // the 'error' event unhandled, and Node ends the process on it. The listener is there
        // before the first byte; the failure also stops the cursor (abort).
        const sinkFailed = new Promise<never>((_resolve, reject) =>
          sink.once('error', (err) => {
            if (!ac.signal.aborted) ac.abort(err);
            reject(err);
          }),
        );
        sinkFailed.catch(() => undefined);
        await Promise.race([plan.write(sink, step), sinkFailed]);
        if (!sink.writableEnded) sink.end();
        await Promise.race([finished(sink), sinkFailed]);
        set = {
          file: { name: plan.fileName, contentType: plan.contentType, size: sink.size, chunks: sink.chunks },
        };
      } else if (job.kind === 'mail.campaign') {
        const setTotal = (n: number) => renew(id, ac, { rowsTotal: n, rowsDone: 0 });
        set = {
          result: await runCampaign(job, { ...step, setTotal }, opts.mailer, opts.publicUrl ?? config().publicUrl),
        };
      } else if (job.kind === 'crosstab') {
        // Two questions: the responses that pass the filters (their number known from the cube).
        const p = job.params as { row: string; col: string; filters: Filters; k: number };
        await renew(id, ac, { rowsTotal: await respondentsPassing(job.waveCode, p.filters), rowsDone: 0 });
        const table = await crosstab(job.waveCode, p.row, p.col, p.filters, { k: p.k, trusted: true }, step);
        // Kept as JSON text: the table's cells are nested arrays, outside the common ground (FerretDB).
        set = { result: { crosstab: JSON.stringify(table) } };
      } else if (job.kind === 'tally.verify') {
        // A recount reads every completed response of the wave: that many rows, for the progress bar.
        await renew(id, ac, { rowsTotal: await countRawRows(job.waveCode), rowsDone: 0 });
        set = { result: await verifyCounters(job.waveCode, step) };
      } else {
        await renew(id, ac, { rowsTotal: await countRawRows(job.waveCode), rowsDone: 0 });
        set = { result: await rebuildCounters(job.waveCode, step) };
      }
      ac.signal.throwIfAborted();
      const res = await JobModel.updateOne(mine(id), {
        $set: { ...set, rowsDone: rows, state: 'done', finishedAt: new Date(), owner: null, leaseUntil: null },
      });
      if (res.matchedCount === 0) await removeChunks(id); // cancelled at the last moment
    } catch (err) {
      const reason = ac.signal.aborted ? ac.signal.reason : err;
      await removeChunks(id).catch(() => undefined);
      if (reason instanceof Stopping) {
        // Give the job back: another instance (or this one after restart) starts it again.
        await JobModel.updateOne(mine(id), { $set: { state: 'queued', owner: null, leaseUntil: null } });
      } else if (!(reason instanceof LeaseLost)) {
        logger.warn({ jobId: id, kind: job.kind, err }, 'job failed');
        const message =
          err instanceof AppError ? err.message : 'The job failed; the server log has the details (job id).';
        await JobModel.updateOne(mine(id), {
          $set: { state: 'failed', error: message, finishedAt: new Date(), owner: null, leaseUntil: null },
        });
      }
    } finally {
      clearInterval(heartbeat);
    }
  }

  async function round(): Promise<boolean> {
    if (Date.now() - lastSweep >= sweepEveryMs) {
      lastSweep = Date.now();
      await sweep();
    }
    await failAbandoned();
    if (stopped) return false;
    const job = await claim();
    if (!job) return false;
    const ac = new AbortController();
    if (stopped) ac.abort(new Stopping());
    const done = run(job, ac);
    current = { ac, done };
    await done;
    current = undefined;
    return true;
  }

  const schedule = (ms: number) => {
    if (stopped) return;
    timer = setTimeout(() => void tick(), ms);
    timer.unref();
  };

  function tick(): Promise<void> {
    if (ticking) return ticking;
    clearTimeout(timer);
    ticking = round()
      .then(
        (worked) => schedule(worked ? 0 : pollMs),
        (err: unknown) => {
          logger.warn({ err: (err as Error).name }, 'job runner round failed; will retry');
          schedule(pollMs);
        },
      )
      .finally(() => {
        ticking = undefined;
      });
    return ticking;
  }

  schedule(0);
  return {
    tick,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      current?.ac.abort(new Stopping());
      await ticking?.catch(() => undefined);
    },
  };
}
