import { Schema, model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';
import { keyedSchema, required } from '../db/schema';

// Long work as persisted jobs (exports, tally verify/rebuild). One document per job; the runner
// of any instance claims it with a single-document findOneAndUpdate and keeps a lease on it.
//   state       queued → running → done | failed | cancelled
//   owner       instance id of the runner holding the lease (while running)
//   leaseUntil  the lease: a running job whose lease has passed is taken over (or failed)
//   takeovers   how many times it was taken over after its runner went away
//   file        the finished file, stored in `job_chunks` as 255 KB pieces
const jobSchema = keyedSchema(
  {
    kind: required(String),
    waveCode: required(String),
    params: { type: Schema.Types.Mixed, default: {} },
    summary: { type: Schema.Types.Mixed, default: {} },
    state: required(String),
    createdAt: required(Date),
    createdBy: required(String),
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
    owner: { type: String, default: null },
    leaseUntil: { type: Date, default: null },
    takeovers: { type: Number, default: 0 },
    rowsDone: { type: Number, default: 0 },
    rowsTotal: { type: Number, default: null },
    error: { type: String, default: null },
    result: { type: Schema.Types.Mixed, default: null },
    file: {
      type: new Schema(
        { name: String, contentType: String, size: Number, chunks: Number },
        { _id: false, versionKey: false },
      ),
      default: null,
    },
    fileExpired: { type: Boolean, default: false },
    // Audit records of its changes on their way to the audit log (audit/outbox.ts).
    auditOutbox: auditOutboxPath,
  },
  { minimize: false, indexes: [{ waveCode: 1, createdAt: -1 }, { state: 1 }] },
);

export const JobModel = model('Job', jobSchema, 'jobs');

/** A piece of a job's file: `_id` = `<jobId>:<n>` so each read is an `_id` lookup. */
const chunkSchema = keyedSchema(
  { jobId: required(String), n: required(Number), data: required(Buffer) },
  { indexes: [{ jobId: 1 }] },
);

export const JobChunkModel = model('JobChunk', chunkSchema, 'job_chunks');

export const chunkId = (jobId: string, n: number) => `${jobId}:${n}`;
export const CHUNK_BYTES = 255 * 1024;
