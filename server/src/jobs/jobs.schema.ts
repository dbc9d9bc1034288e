// Shapes of the jobs API (input and output); imported by routes and, for types, by the service.
import { z } from 'zod';

// `paused`: a mail campaign the coordinator paused (resume puts it back in the queue).
export const JOB_STATES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const JOB_KINDS = ['export', 'tally.verify', 'tally.rebuild', 'mail.campaign', 'crosstab'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JobParams = z.object({ id: z.uuid() }).strict();

export const TallyJobBody = z.object({ kind: z.enum(['tally.verify', 'tally.rebuild']) }).strict();

export const JobSchema = z.object({
  id: z.string(),
  kind: z.enum(JOB_KINDS),
  waveCode: z.string(),
  state: z.enum(JOB_STATES),
  /** What was asked: table, format, filters (exports). */
  summary: z.record(z.string(), z.unknown()),
  rowsDone: z.number().int(),
  /** Rows the job will go through; null when unknown or not row-based. */
  rowsTotal: z.number().int().nullable(),
  percent: z.number().int().min(0).max(100).nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  /** The verdict of a verify, the figures of a rebuild, the table of a crosstab (as GET …/crosstab answers). */
  result: z.record(z.string(), z.unknown()).nullable(),
  file: z.object({ name: z.string(), contentType: z.string(), size: z.number().int(), url: z.string() }).nullable(),
  fileExpired: z.boolean(),
});
export type JobView = z.infer<typeof JobSchema>;

export const JobListSchema = z.object({ items: z.array(JobSchema) });
