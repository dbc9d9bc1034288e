// The researcher's analysis endpoints: tallies, crosstabs, comparisons, region profiles, free
// text and coding of "other" answers, and the links of the table exports. Every shape is an alias
// of the types generated from the server's OpenAPI document (server/src/analytics/analytics.schema.ts).
import type { Job } from './jobs';
import { request } from './api';
import type { BodyOf, QueryOf, ResponseOf } from './types';

const enc = encodeURIComponent;

/**
 * Who is counted: the filter part of every analysis query. The pages put zero or one code in a
 * dimension (the server accepts a comma-separated list).
 */
export type AnalysisFilters = Pick<
  QueryOf<'/waves/{code}/tally', 'get'>,
  'region' | 'municipalityType' | 'sizeClass' | 'respondentRole' | 'status'
>;

export const FILTER_DIMENSIONS = ['region', 'municipalityType', 'sizeClass', 'respondentRole'] as const;
export type FilterDimension = (typeof FILTER_DIMENSIONS)[number];

/** A query string (without "?") of the filters and any extra parameters; empty values left out. */
export function queryString(filters: AnalysisFilters, extra: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const d of FILTER_DIMENSIONS) if (filters[d]) params.set(d, filters[d]);
  if (filters.status === 'all') params.set('status', 'all');
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') params.set(k, v);
  return params.toString();
}

const withQuery = (path: string, qs: string) => (qs ? `${path}?${qs}` : path);

export type ObstacleTally = ResponseOf<'/waves/{code}/tally', 'get'>;
/** A cell of a tally: null numbers and `suppressed` when small-cell protection hides it. */
export type StatCell = ObstacleTally['total']['counts'][string];

export type QuestionTally = ResponseOf<'/waves/{code}/questions/{name}/tally', 'get'>;
export type QuestionRow = QuestionTally['groups'][number];
export type NumberCell = Exclude<NonNullable<QuestionRow['numbers']>, { suppressed: true }>;
export type Option = QuestionTally['options'][number];

export type AnalysisVariable = ResponseOf<'/waves/{code}/questions', 'get'>['items'][number];

export type Crosstab = ResponseOf<'/waves/{code}/crosstab', 'get'>;
export type CrossCell = Crosstab['cells'][number][number];

export type Comparison = ResponseOf<'/compare', 'get'>;
export type CompareRow = Comparison['total'];
export type SideRow = NonNullable<CompareRow['a']>;

export type RegionProfile = ResponseOf<'/waves/{code}/regions/{region}', 'get'>;

export type TextAnswers = ResponseOf<'/waves/{code}/texts', 'get'>;
export type TextAnswer = TextAnswers['items'][number];

type AnalysisSettings = ResponseOf<'/waves/{code}/analysis-settings', 'get'>;

/** One choice or numeric question by region (and overall). */
export function getQuestionTally(
  code: string,
  name: string,
  filters: AnalysisFilters,
  k: number | undefined,
  signal?: AbortSignal,
): Promise<QuestionTally> {
  const qs = queryString(filters, { by: 'region', k: k === undefined ? undefined : String(k) });
  return request(withQuery(`/waves/${enc(code)}/questions/${enc(name)}/tally`, qs), { signal });
}

export function getObstacleTally(
  code: string,
  filters: AnalysisFilters,
  k: number | undefined,
  signal?: AbortSignal,
): Promise<ObstacleTally> {
  const qs = queryString(filters, { k: k === undefined ? undefined : String(k) });
  return request(withQuery(`/waves/${enc(code)}/tally`, qs), { signal });
}

/** The wave's small-cell threshold k. */
export async function getMinCell(code: string, signal?: AbortSignal): Promise<number> {
  const { minCell } = await request<AnalysisSettings>(`/waves/${enc(code)}/analysis-settings`, { signal });
  return minCell;
}

export async function getVariables(code: string, signal?: AbortSignal): Promise<AnalysisVariable[]> {
  const { items } = await request<ResponseOf<'/waves/{code}/questions', 'get'>>(`/waves/${enc(code)}/questions`, {
    signal,
  });
  return items;
}

export function getCrosstab(
  code: string,
  row: string,
  col: string,
  filters: AnalysisFilters,
  k: number | undefined,
  signal?: AbortSignal,
): Promise<Crosstab> {
  const qs = queryString(filters, { row, col, k: k === undefined ? undefined : String(k) });
  return request(withQuery(`/waves/${enc(code)}/crosstab`, qs), { signal });
}

/**
 * Queues a crosstab of two questions as a job (the answer of GET …/crosstab when more respondents
 * pass the filters than it counts inside a request: 409 `crosstab_needs_job`); the table is the
 * finished job's `result`.
 */
export function startCrosstabJob(
  code: string,
  row: string,
  col: string,
  filters: AnalysisFilters,
  k: number | undefined,
): Promise<Job> {
  const body = Object.fromEntries(
    new URLSearchParams(queryString(filters, { row, col, k: k === undefined ? undefined : String(k) })),
  );
  return request(`/waves/${enc(code)}/crosstab/jobs`, { method: 'POST', body });
}

export function getComparison(
  a: string,
  b: string,
  question: string,
  filters: AnalysisFilters,
  k: number | undefined,
  signal?: AbortSignal,
): Promise<Comparison> {
  const qs = queryString(filters, { a, b, question, k: k === undefined ? undefined : String(k) });
  return request(withQuery('/compare', qs), { signal });
}

export function getRegionProfile(
  code: string,
  region: string,
  filters: AnalysisFilters,
  k: number | undefined,
  signal?: AbortSignal,
  /** The page of the municipality list (1-based). */
  page = 1,
): Promise<RegionProfile> {
  const qs = queryString(
    { ...filters, region: undefined },
    { k: k === undefined ? undefined : String(k), page: page > 1 ? String(page) : undefined },
  );
  return request(withQuery(`/waves/${enc(code)}/regions/${enc(region)}`, qs), { signal });
}

export function getTextAnswers(
  code: string,
  opts: { question?: string; q?: string; uncoded?: boolean; limit?: number; offset?: number },
  filters: AnalysisFilters,
  signal?: AbortSignal,
): Promise<TextAnswers> {
  const qs = queryString(filters, {
    question: opts.question,
    q: opts.q?.trim(),
    uncoded: opts.uncoded ? 'true' : undefined,
    limit: String(opts.limit ?? 50),
    offset: opts.offset ? String(opts.offset) : undefined,
  });
  return request(withQuery(`/waves/${enc(code)}/texts`, qs), { signal });
}

/** Counts an "other (specify)" answer under `value` (an existing option or a researcher's code). */
export function codeOtherAnswer(
  code: string,
  responseId: string,
  variable: string,
  value: string,
): Promise<ResponseOf<'/waves/{code}/other-codes/{responseId}/{variable}', 'put'>> {
  return request(`/waves/${enc(code)}/other-codes/${enc(responseId)}/${enc(variable)}`, {
    method: 'PUT',
    body: { code: value },
  });
}

export function uncodeOtherAnswer(code: string, responseId: string, variable: string): Promise<void> {
  return request(`/waves/${enc(code)}/other-codes/${enc(responseId)}/${enc(variable)}`, { method: 'DELETE' });
}

/** Adds a new code (with labels) to a question, for coding "other" answers. */
export function addCustomCode(
  code: string,
  body: BodyOf<'/waves/{code}/codes', 'post'>,
): Promise<ResponseOf<'/waves/{code}/codes', 'post', 201>> {
  return request(`/waves/${enc(code)}/codes`, { method: 'POST', body });
}

export type TableKind = 'tally' | 'question' | 'crosstab' | 'region' | 'compare';

/** Link of a table export (the server states the base and filters, and suppresses small cells). */
export function tableExportUrl(
  code: string,
  kind: TableKind,
  format: 'csv' | 'xlsx',
  filters: AnalysisFilters,
  extra: Record<string, string | undefined> = {},
): string {
  const qs = queryString(filters, extra);
  return withQuery(`/api/waves/${enc(code)}/exports/${kind}.${format}`, qs);
}

export function responsesExportUrl(code: string, format: 'csv' | 'xlsx', locale: string): string {
  return `/api/waves/${enc(code)}/exports/responses.${format}?locale=${enc(locale)}`;
}

/** The wave's minimum k, and whether the caller may go below it (coordinators and admins). */
export function getAnalysisSettings(code: string, signal?: AbortSignal): Promise<AnalysisSettings> {
  return request(`/waves/${enc(code)}/analysis-settings`, { signal });
}

/** Sets the wave's minimum k (coordinators and admins; the server validates 1…50 and audits it). */
export function setAnalysisMinCell(
  code: string,
  minCell: number,
): Promise<ResponseOf<'/waves/{code}/analysis-settings', 'put'>> {
  return request(`/waves/${enc(code)}/analysis-settings`, { method: 'PUT', body: { minCell } });
}
