// Export and recount jobs: start, follow, cancel, list. Shapes follow server/src/jobs/jobs.schema.ts.
import { request } from './api';

const enc = encodeURIComponent;

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export type Job = {
  id: string;
  kind: 'export' | 'tally.verify' | 'tally.rebuild' | 'crosstab';
  waveCode: string;
  state: JobState;
  summary: Record<string, unknown>;
  rowsDone: number;
  rowsTotal: number | null;
  percent: number | null;
  createdAt: string;
  createdBy: string;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
  result: Record<string, unknown> | null;
  file: { name: string; contentType: string; size: number; url: string } | null;
  fileExpired: boolean;
};

/** The body of an export job: the same fields as the direct download's query, plus table and format. */
export type ExportJobBody = Record<string, string | number> & { format: string; table?: string };

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
  const { items } = await request<{ items: Job[] }>(`/waves/${enc(code)}/jobs?limit=10`, { signal });
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
  if (name === 'datapackage') return { code: decodeURIComponent(code), body: { ...query, format: 'datapackage' } };
  return { code: decodeURIComponent(code), body: { ...query, table: name, format: ext } };
}

/** Queues a recount of the wave's kept counts: `tally.verify` (researcher) or `tally.rebuild` (admin). */
export function startTallyJob(code: string, kind: 'tally.verify' | 'tally.rebuild'): Promise<Job> {
  return request(`/waves/${enc(code)}/jobs`, { method: 'POST', body: { kind } });
}
