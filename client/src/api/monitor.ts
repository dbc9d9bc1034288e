// The standing monitor: trends across waves, published results (public, no account) and the
// annual report. Every shape is an alias of the types generated from the server's OpenAPI document
// (server/src/trends/trends.schema.ts, server/src/publication/, server/src/report/).
import { request } from './api';
import { queryString, type AnalysisFilters } from './analysis';
import type { ResponseOf } from './types';

const enc = encodeURIComponent;

export type Trends = ResponseOf<'/trends', 'get'>;
export type Measure = Trends['measure'];
export type TrendLine = Trends['overall'];
export type TrendPoint = TrendLine['points'][number];
type TrendQuestions = ResponseOf<'/trends/questions', 'get'>;

/** The arguments of a trends query (the waves as a list; the filters as the analysis pages hold them). */
export type TrendRequest = {
  waves: string[];
  question: string;
  measure?: Measure;
  value?: string;
  k?: number;
  filters?: AnalysisFilters;
};

export function trendsQuery(r: TrendRequest, extra: Record<string, string | undefined> = {}): string {
  return queryString(r.filters ?? {}, {
    waves: r.waves.join(','),
    question: r.question,
    measure: r.measure,
    value: r.value,
    k: r.k === undefined ? undefined : String(r.k),
    ...extra,
  });
}

export function getTrends(r: TrendRequest, signal?: AbortSignal): Promise<Trends> {
  return request(`/trends?${trendsQuery(r)}`, { signal });
}

export function getTrendQuestions(waves: string[], signal?: AbortSignal): Promise<TrendQuestions> {
  return request(`/trends/questions?waves=${enc(waves.join(','))}`, { signal });
}

export const trendsDownloadUrl = (r: TrendRequest, format: 'csv' | 'xlsx', lng: string) =>
  `/api/trends.${format}?${trendsQuery(r, { lng })}`;

// ---- published results ----

export type Publication = ResponseOf<'/waves/{code}/publication', 'get'>;

export function getPublication(code: string, signal?: AbortSignal): Promise<Publication> {
  return request(`/waves/${enc(code)}/publication`, { signal });
}
export function publishWave(code: string, k: number): Promise<Publication> {
  return request(`/waves/${enc(code)}/publication`, { method: 'PUT', body: { k } });
}
export function unpublishWave(code: string): Promise<Publication> {
  return request(`/waves/${enc(code)}/publication`, { method: 'DELETE' });
}

export type PublicResults = ResponseOf<'/public/results/{code}', 'get'>;
export type PublicQuestion = PublicResults['questions'][number];
export type PublicCell = PublicQuestion['total']['cells'][string];

export function getPublicResults(code: string, signal?: AbortSignal): Promise<PublicResults> {
  return request(`/public/results/${enc(code)}`, { signal });
}
export function getPublicTrends(
  code: string,
  question: string,
  value: string | undefined,
  measure: Measure | undefined,
  signal?: AbortSignal,
): Promise<ResponseOf<'/public/results/{code}/trends', 'get'>> {
  const qs = queryString({}, { question, value, measure });
  return request(`/public/results/${enc(code)}/trends?${qs}`, { signal });
}

// ---- the annual report ----

export type Report = ResponseOf<'/waves/{code}/report', 'get'>;
export type ReportFinding = Report['findings'][number];

export function getReport(code: string, previous: string | undefined, signal?: AbortSignal): Promise<Report> {
  const qs = queryString({}, { previous });
  return request(`/waves/${enc(code)}/report${qs ? `?${qs}` : ''}`, { signal });
}
export const reportDocxUrl = (code: string, previous: string | undefined, lng: string) =>
  `/api/waves/${enc(code)}/report.docx?${queryString({}, { previous, lng })}`;
