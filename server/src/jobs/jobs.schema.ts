// Shapes of the jobs API (input and output); imported by routes and, for types, by the service.
import { z } from 'zod';
import { CrosstabSchema } from '../analytics/analytics.schema';
import { MAIL_KINDS } from '../mail/templates';
import { countsSchema } from '../http/shared-schemas';

// `paused`: a mail campaign the coordinator paused (resume puts it back in the queue).
export const JOB_STATES = ['queued', 'running', 'paused', 'done', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const JOB_KINDS = ['export', 'tally.verify', 'tally.rebuild', 'mail.campaign', 'crosstab'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export const JobParams = z.object({ id: z.uuid() }).strict();

export const TallyJobBody = z.object({ kind: z.enum(['tally.verify', 'tally.rebuild']) }).strict();

/** Filters as a job keeps them (parsed: lists of codes). */
const JobFilters = z
  .object({
    region: z.array(z.string()).optional(),
    municipalityType: z.array(z.string()).optional(),
    sizeClass: z.array(z.string()).optional(),
    respondentRole: z.array(z.string()).optional(),
    status: z.enum(['complete', 'all']).optional(),
  })
  .strict();

/** What an export job was asked (exportSummary in exports/export-request.ts) and the name of its file. */
export const ExportJobSummary = z
  .object({
    table: z.enum(['responses', 'codebook', 'tally', 'question', 'crosstab', 'region', 'compare']),
    format: z.enum(['csv', 'xlsx', 'sps', 'R', 'datapackage']),
    locale: z.enum(['ru', 'en', 'uk']),
    filters: JobFilters.optional(),
    question: z.string().optional(),
    by: z.string().optional(),
    order: z.enum(['name', 'code']).optional(),
    row: z.string().optional(),
    col: z.string().optional(),
    regionCode: z.string().optional(),
    b: z.string().optional(),
    part: z.number().int().optional(),
    k: z.number().int().optional(),
    file: z.string(),
  })
  .strict();

/** A mail campaign: which mail, to all invitations of the wave or to selected ones. */
export const MailJobSummary = z
  .object({
    mail: z.enum(MAIL_KINDS),
    scope: z.enum(['all', 'selected']),
    selected: z.number().int().optional(),
  })
  .strict();

export const CrosstabJobSummary = z.object({ row: z.string(), col: z.string(), filters: JobFilters }).strict();

/** The verdict of a verify: whether the kept counts equal a recount, and the regions that differ. */
export const VerifyJobResult = z.object({ ok: z.boolean(), regions: z.array(z.string()) }).strict();
/** The figures of a rebuild: regions and responses recounted. */
export const RebuildJobResult = z.object({ regions: z.number().int(), responses: z.number().int() }).strict();
/** What a campaign did (mail/mail.service.ts); `capped`: left for another day, the daily cap was reached. */
export const CampaignJobResult = countsSchema('targets', 'sent', 'failed', 'skipped', 'uncertain', 'capped').strict();

const jobFields = {
  id: z.string(),
  waveCode: z.string(),
  state: z.enum(JOB_STATES),
  rowsDone: z.number().int(),
  /** Rows the job will go through; null when unknown or not row-based. */
  rowsTotal: z.number().int().nullable(),
  percent: z.number().int().min(0).max(100).nullable(),
  createdAt: z.string(),
  createdBy: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  error: z.string().nullable(),
  file: z.object({ name: z.string(), contentType: z.string(), size: z.number().int(), url: z.string() }).nullable(),
  fileExpired: z.boolean(),
};
const emptySummary = z.object({}).strict();

/**
 * A job as the API shows it. `summary` is what was asked and `result` what a finished job found,
 * each with the shape of its kind (null until the job is done, and for exports, whose result is the file).
 */
export const JobSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('export'), ...jobFields, summary: ExportJobSummary, result: z.null() }),
    z.object({
      kind: z.literal('tally.verify'),
      ...jobFields,
      summary: emptySummary,
      result: VerifyJobResult.nullable(),
    }),
    z.object({
      kind: z.literal('tally.rebuild'),
      ...jobFields,
      summary: emptySummary,
      result: RebuildJobResult.nullable(),
    }),
    z.object({
      kind: z.literal('mail.campaign'),
      ...jobFields,
      summary: MailJobSummary,
      result: CampaignJobResult.nullable(),
    }),
    z.object({
      kind: z.literal('crosstab'),
      ...jobFields,
      summary: CrosstabJobSummary,
      result: z.union([CrosstabSchema, z.null()]),
    }),
  ])
  .meta({ id: 'Job' });
export type JobView = z.infer<typeof JobSchema>;

export const JobListSchema = z.object({ items: z.array(JobSchema) });
export type ExportJobSummary = z.infer<typeof ExportJobSummary>;
export type MailJobSummary = z.infer<typeof MailJobSummary>;
export type CrosstabJobSummary = z.infer<typeof CrosstabJobSummary>;
export type VerifyJobResult = z.infer<typeof VerifyJobResult>;
export type RebuildJobResult = z.infer<typeof RebuildJobResult>;
export type CampaignJobResult = z.infer<typeof CampaignJobResult>;
export type CrosstabResult = z.infer<typeof CrosstabSchema>;
