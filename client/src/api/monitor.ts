// The standing monitor: trends across waves, published results (public, no account) and the
// annual report. Shapes follow server/src/trends/trends.schema.ts, server/src/publication/ and
// server/src/report/.
import { request, type Localized } from './api';
import { queryString, type AnalysisFilters, type Option } from './analysis';

const enc = encodeURIComponent;

export type Measure = 'share' | 'mean';
export type TrendPoint = {
  wave: string;
  n: number;
  count: number | null;
  value: number | null;
  low: number | null;
  high: number | null;
  suppressed: boolean;
  smallBase: boolean;
};
export type TrendLine = { code: string; names: Localized; points: TrendPoint[] };
export type TrendMatch = {
  wave: string;
  title: Localized;
  questionnaire: string;
  match: 'same' | 'title-changed' | 'missing';
  questionTitle: Localized | null;
};
export type Trends = {
  question: { name: string; title: Localized; kind: string; numeric: boolean };
  measure: Measure;
  value: { code: string; labels: Localized } | null;
  options: Option[];
  measures: Measure[];
  waves: TrendMatch[];
  overall: TrendLine;
  regions: TrendLine[];
  minCell: number;
  minimumK: number;
  legend: Localized;
  smallBase: number;
  method: Localized;
};
export type TrendQuestion = { name: string; title: Localized; kind: string; waves: string[] };

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

export function getTrendQuestions(waves: string[], signal?: AbortSignal): Promise<{ items: TrendQuestion[] }> {
  return request(`/trends/questions?waves=${enc(waves.join(','))}`, { signal });
}

export const trendsDownloadUrl = (r: TrendRequest, format: 'csv' | 'xlsx', lng: string) =>
  `/api/trends.${format}?${trendsQuery(r, { lng })}`;

// ---- published results ----

export type Publication = {
  wave: string;
  published: boolean;
  k: number | null;
  publishedAt: string | null;
  publishedBy: string | null;
  dataAsOf: string | null;
  path: string;
};

export function getPublication(code: string, signal?: AbortSignal): Promise<Publication> {
  return request(`/waves/${enc(code)}/publication`, { signal });
}
export function publishWave(code: string, k: number): Promise<Publication> {
  return request(`/waves/${enc(code)}/publication`, { method: 'PUT', body: { k } });
}
export function unpublishWave(code: string): Promise<Publication> {
  return request(`/waves/${enc(code)}/publication`, { method: 'DELETE' });
}

export type PublicCell = {
  count: number | null;
  share: number | null;
  low: number | null;
  high: number | null;
  suppressed?: true;
};
export type PublicRow = {
  code: string;
  names: Localized;
  answered: number;
  cells: Record<string, PublicCell>;
  smallBase: boolean;
};
export type PublicQuestion = {
  name: string;
  title: Localized;
  kind: string;
  options: Option[];
  total: PublicRow;
  regions: PublicRow[];
};
export type PublicResults = {
  wave: { code: string; title: Localized; questionnaire: { key: string; version: number } };
  dataAsOf: string;
  k: number;
  smallBase: number;
  legend: Localized;
  respondents: number;
  questions: PublicQuestion[];
  /** Other published waves of the same questionnaire, oldest first (the trend series). */
  series: { code: string; title: Localized }[];
};

export function getPublicResults(code: string, signal?: AbortSignal): Promise<PublicResults> {
  return request(`/public/results/${enc(code)}`, { signal });
}
export function getPublicTrends(
  code: string,
  question: string,
  value: string | undefined,
  measure: Measure | undefined,
  signal?: AbortSignal,
): Promise<Trends> {
  const qs = queryString({}, { question, value, measure });
  return request(`/public/results/${enc(code)}/trends?${qs}`, { signal });
}

// ---- the annual report ----

export type ReportFinding = {
  name: string;
  title: Localized;
  /** What the figure is: the share rating 4–5 (acute), or the share of the most chosen answer. */
  measure: 'acute' | 'top';
  option: { code: string; labels: Localized } | null;
  /** Null (hidden) when it would give a hidden answer away. */
  n: number | null;
  count: number | null;
  share: number | null;
  low: number | null;
  high: number | null;
  mean: number | null;
  suppressed: boolean;
  /** The mean is hidden because some answer cell of the row is hidden at the report's k. */
  meanSuppressed: boolean;
  smallBase: boolean;
  change: { pp: number; p: number | null; test: 'fisher' | 'z' | null; previousShare: number } | null;
  regions: {
    code: string;
    names: Localized;
    n: number | null;
    share: number | null;
    low: number | null;
    high: number | null;
    mean: number | null;
    suppressed: boolean;
    meanSuppressed: boolean;
    smallBase: boolean;
  }[];
};
export type Report = {
  wave: { code: string; title: Localized; opensAt: string | null; closesAt: string | null; questionnaire: string };
  previous: { code: string; title: Localized } | null;
  generatedAt: string;
  dataAsOf: string;
  k: number;
  smallBase: number;
  respondents: number;
  invited: number | null;
  response: { code: string; names: Localized; invited: number | null; responded: number; rate: number | null }[];
  method: Localized[];
  findings: ReportFinding[];
  /** Findings with the largest changes since the previous wave (names), largest first. */
  largestChanges: string[];
};

export function getReport(code: string, previous: string | undefined, signal?: AbortSignal): Promise<Report> {
  const qs = queryString({}, { previous });
  return request(`/waves/${enc(code)}/report${qs ? `?${qs}` : ''}`, { signal });
}
export const reportDocxUrl = (code: string, previous: string | undefined, lng: string) =>
  `/api/waves/${enc(code)}/report.docx?${queryString({}, { previous, lng })}`;
