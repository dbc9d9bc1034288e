// POST   /api/waves/{code}/exports   researcher: queue an export (any format, any table) → 202 with the job
// POST   /api/waves/{code}/jobs      researcher: queue a recount: tally.verify (researcher), tally.rebuild (admin)
// POST   /api/waves/{code}/crosstab/jobs  researcher: queue a crosstab of two questions (counted from the responses)
// GET    /api/waves/{code}/jobs      researcher: the wave's recent jobs, newest first, with who and when
// GET    /api/jobs/{id}              researcher: state, rows done/total, times, error, file
// GET    /api/jobs/{id}/file         researcher: the finished file (streamed from the database, any instance)
// DELETE /api/jobs/{id}              researcher: cancel a queued or running job
import type { Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { CSV_OR_XLSX, type Api } from '../http/route';
import { attachment } from '../http/download';
import { WaveParams } from '../responses/responses.schema';
import { ExportRequest } from '../exports/export-request';
import { DataPackageSchema } from '../exports/exports.routes';
import { CrosstabQuery } from '../analytics/analytics.schema';
import {
  cancelJob,
  getJob,
  listWaveJobs,
  openJobFile,
  startCrosstabJob,
  startExportJob,
  startTallyJob,
} from './jobs.service';
import { JobListSchema, JobParams, JobSchema, TallyJobBody } from './jobs.schema';

const QUEUED = { 202: { description: 'Queued', schema: JobSchema } };

/** 202 with the job's address in Location (progress by GET /jobs/{id}). */
function queued<J extends { id: string }>(res: Response, job: J): J {
  res.status(202).setHeader('Location', `/api/jobs/${job.id}`);
  return job;
}

export function jobsRoutes(api: Api): void {
  const tags = ['jobs'];

  api.route({
    method: 'post',
    path: '/waves/{code}/exports',
    summary: 'Start an export job: raw responses (csv, xlsx, sps, R, datapackage), codebook or an analysis table',
    access: 'researcher',
    tags,
    params: WaveParams,
    body: ExportRequest,
    responses: QUEUED,
    // The body is stored as sent and parsed again by the runner (the parsed form is not JSON-shaped).
    handler: async ({ params, user }, req, res) => queued(res, await startExportJob(params.code, req.body, user!)),
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/jobs',
    summary: 'Start a recount job: verify the kept tally against the raw responses, or rebuild it (admin)',
    access: 'researcher',
    tags,
    params: WaveParams,
    body: TallyJobBody,
    responses: QUEUED,
    handler: async ({ params, body, user }, _req, res) =>
      queued(res, await startTallyJob(params.code, body.kind, user!)),
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/crosstab/jobs',
    summary: 'Start a crosstab of two questions as a job (progress by GET /jobs/{id}; the table is its result)',
    access: 'researcher',
    tags,
    params: WaveParams,
    body: CrosstabQuery,
    responses: QUEUED,
    handler: async ({ params, body, user }, _req, res) => queued(res, await startCrosstabJob(params.code, body, user!)),
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/jobs',
    summary: "The wave's recent jobs (exports and recounts), newest first",
    access: 'researcher',
    tags,
    params: WaveParams,
    query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }).strict(),
    responses: { 200: { description: 'Jobs', schema: JobListSchema } },
    handler: async ({ params, query }) => ({ items: await listWaveJobs(params.code, query.limit) }),
  });

  api.route({
    method: 'get',
    path: '/jobs/{id}',
    summary: 'A job: state, progress, times, error and file',
    access: 'researcher',
    tags,
    params: JobParams,
    responses: { 200: { description: 'Job', schema: JobSchema } },
    handler: ({ params }) => getJob(params.id),
  });

  api.route({
    method: 'get',
    path: '/jobs/{id}/file',
    summary: "A finished job's file",
    access: 'researcher',
    tags,
    params: JobParams,
    responses: {
      200: {
        description: 'The file: CSV, XLSX, SPSS or R syntax (text), or the data package descriptor (JSON)',
        content: { ...CSV_OR_XLSX, 'text/plain': z.string(), 'application/json': DataPackageSchema },
      },
    },
    handler: async ({ params, user }, _req, res) => {
      const file = await openJobFile(params.id, user!);
      attachment(res, file.contentType, file.name);
      res.setHeader('Content-Length', String(file.size));
      await pipeline(file.stream, res);
    },
  });

  api.route({
    method: 'delete',
    path: '/jobs/{id}',
    summary: 'Cancel a queued or running job',
    access: 'researcher',
    tags,
    params: JobParams,
    responses: { 200: { description: 'The cancelled job', schema: JobSchema } },
    handler: ({ params, user }) => cancelJob(params.id, user!),
  });
}
