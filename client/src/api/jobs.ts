// Export and recount jobs: start, follow, cancel, list. Shapes follow server/src/jobs/jobs.schema.ts.
import { request } from './api';
import type { BodyOf, ResponseOf } from './types';

const enc = encodeURIComponent;

export type JobState = Job['state'];

export type Job = ResponseOf<'/jobs/{id}', 'get'>;

/** The body of an export job: the same fields as the direct download's query, plus table and format. */
export type ExportJobBody = BodyOf<'/waves/{code}/exports', 'post'>;

export const isFinished = (j: Job) => j.state === 'done' || j.state === 'failed' || j.state === 'cancelled';

export function startExportJob(code: string, body: ExportJobBody): Promise<Job> {
  return request(`/waves/${enc(code)}/exports`, { method: 'POST', body });
}

export function getJob(id: string, signal?: AbortSignal): Promise<Job> {
  return request(`/jobs/${enc(id)}`, { signal });
}

export function cancelJob(id: string): Promise<Job> {
  return request(`/jobs/${enc(id)}`, { method: 'DELETE' });
}

export async function listWaveJobs(code: string, signal?: AbortSignal): Promise<Job[]> {
  const { items } = await request<ResponseOf<'/waves/{code}/jobs', 'get'>>(`/waves/${enc(code)}/jobs?limit=10`, {
    signal,
  });
  return items;
}

/**
 * The job a direct download link stands for: `/api/waves/{code}/exports/{name}.{ext}?query` →
 * the wave and the body of POST /waves/{code}/exports. Null for a link that is not an export.
 */
export function exportJobOf(href: string): { code: string; body: ExportJobBody } | null {
  const url = new URL(href, 'http://local');
  const m = /^\/api\/waves\/([^/]+)\/exports\/([a-z]+)\.(csv|xlsx|sps|R|json)$/.exec(url.pathname);
  if (!m) return null;
  const [, code, name, ext] = m;
  const query = Object.fromEntries(url.searchParams.entries());
  // The link's query is the server's own (a link it offered): the server checks the body it becomes.
  const body = name === 'datapackage' ? { ...query, format: 'datapackage' } : { ...query, table: name, format: ext };
  return { code: decodeURIComponent(code), body: body as unknown as ExportJobBody };
}

/** Queues a recount of the wave's kept counts: `tally.verify` (researcher) or `tally.rebuild` (admin). */
export function startTallyJob(code: string, kind: 'tally.verify' | 'tally.rebuild'): Promise<Job> {
  return request(`/waves/${enc(code)}/jobs`, { method: 'POST', body: { kind } });
}
