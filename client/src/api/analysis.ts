// The researcher's analysis endpoints: tallies, crosstabs, comparisons, region profiles, free
// text and coding of "other" answers, and the links of the table exports. Shapes follow
// server/src/analytics/analytics.schema.ts and the services behind it.
import type { Job } from './jobs';
import { request, type Localized } from './api';

const enc = encodeURIComponent;

/** Who is counted. Each dimension holds zero or one code (the server accepts lists too). */
export type AnalysisFilters = {
  region?: string;
  municipalityType?: string;
  sizeClass?: string;
  respondentRole?: string;
  status?: 'complete' | 'all';
};

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

/** A cell of a tally: null numbers and `suppressed` when small-cell protection hides it. */
export type StatCell = {
  count: number | null;
  share: number | null;
  low: number | null;
  high: number | null;
  suppressed?: true;
};

export type Base = { respondents: number; answered: number; filters: Localized; text: Localized; description: string };

export type Option = { value: string; labels: Localized };

/** The disclosure rule a table was built with (server/src/analytics/disclosure.ts). */
export type DisclosureRule = {
  /** k of this table: cells of fewer respondents (and complementary cells) are hidden; 1 = none. */
  minCell: number;
  /** The wave's minimum k, set by a coordinator. */
  minimumK: number;
  protected: boolean;
  /** The rule, stated for the legend. */
  legend: Localized;
  /** Bases below this are flagged as small. */
  smallBase: number;
};

export type TallyRegion = {
  code: string;
  names: Localized;
  respondents: number;
  answered: number;
  counts: Record<string, StatCell>;
};
export type ObstacleTally = DisclosureRule & {
  wave: { code: string; title: Localized };
  base: Base;
  source: 'kept' | 'scan';
  variable: string | null;
  obstacles: { code: string; labels: Localized }[];
  regions: TallyRegion[];
  countries: TallyRegion[];
  total: { respondents: number; answered: number; counts: Record<string, StatCell> };
};

export type VariableKind = 'single' | 'multi' | 'numeric' | 'text';
export type AnalysisVariable = {
  name: string;
  question: string;
  type: string;
  kind: VariableKind;
  title: Localized;
  options: Option[];
  role?: string;
  hasOther: boolean;
  numeric: boolean;
};

export type CrossCell = { count: number | null; rowShare: number | null; colShare: number | null; suppressed?: true };
export type ChiSquare = {
  statistic: number;
  df: number;
  p: number;
  lowExpected: number;
  cells: number;
  warning: boolean;
};
export type Crosstab = DisclosureRule & {
  wave: { code: string; title: Localized };
  row: { name: string; title: Localized; kind: VariableKind };
  col: { name: string; title: Localized; kind: VariableKind };
  rows: Option[];
  cols: Option[];
  cells: CrossCell[][];
  rowTotals: (number | null)[];
  colTotals: (number | null)[];
  n: number;
  chiSquare: ChiSquare | null;
  /** chi-square p when valid; Fisher's exact p for a 2 × 2 table with an expected count below 5. */
  test: { method: 'chi-square' | 'fisher'; p: number } | { method: 'invalid'; p: null } | null;
  noTest?: 'multi' | 'too_small';
  base: { respondents: number; filters: Localized; text: Localized };
};

export type NumberCell = { n: number; sum: number; mean: number; median: number; min: number; max: number };
export type SideRow = {
  respondents: number;
  answered: number;
  cells: Record<string, StatCell>;
  numbers?: NumberCell | { suppressed: true } | null;
};
export type Change = { pp: number; z: number | null; p: number | null; test: 'fisher' | 'z' | null } | null;
export type CompareRow = {
  code: string;
  names: Localized;
  presence: 'both' | 'a' | 'b';
  a: SideRow | null;
  b: SideRow | null;
  changes: Record<string, Change>;
  /** Change of the mean (B − A, and relative to |A|). */
  numberChange?: { abs: number; rel: number | null } | null;
  smallBase: boolean;
  /** Change of the sum. */
  sumChange?: { abs: number; rel: number | null } | null;
};
export type Comparison = DisclosureRule & {
  a: { code: string; title: Localized; questionnaire: string };
  b: { code: string; title: Localized; questionnaire: string };
  variable: { name: string; title: Localized; kind: string; numeric: boolean };
  options: Option[];
  regions: CompareRow[];
  total: CompareRow;
  base: { filters: Localized; text: Localized };
};

export type RegionObstacle = {
  code: string;
  labels: Localized;
  region: StatCell;
  country: StatCell;
  overall: StatCell;
  /** Against the rest of the region's own country. */
  diffPp: number | null;
  p: number | null;
  test: 'fisher' | 'z' | null;
  smallBase: boolean;
};
export type RegionProfile = DisclosureRule & {
  wave: { code: string; title: Localized };
  region: { code: string; names: Localized; country: string };
  respondents: { region: number; country: number; overall: number };
  baseline: { kind: 'rest-of-country'; country: string; names: Localized; respondents: number };
  base: { filters: Localized; text: Localized };
  obstacles: RegionObstacle[];
  municipalities: {
    name: string;
    type: string;
    sizeClass: string;
    /** An invitation's status, or `responded` for an answer through the public link. */
    status: 'not_started' | 'started' | 'completed' | 'revoked' | 'responded';
    respondedAt: string | null;
    /** Responses through the public link from this municipality (its latest is `respondedAt`). */
    responses?: number;
  }[];
  /** Which page `municipalities` is (1-based), its size, and how many there are in all. */
  municipalitiesPage: { page: number; pageSize: number; total: number };
  municipalitiesSource: 'invitations+responses';
};

export type TextAnswer = {
  responseId: string;
  region: string;
  municipality: string;
  variable: string;
  kind: 'text' | 'other';
  text: string;
  code: string | null;
};
export type TextAnswers = {
  questions: { name: string; title: Localized; kind: 'text' | 'other' }[];
  total: number;
  items: TextAnswer[];
};

export type QuestionRow = {
  code: string;
  names: Localized;
  respondents: number;
  answered: number;
  cells: Record<string, StatCell>;
  numbers?: NumberCell | { suppressed: true } | null;
};
export type QuestionTally = DisclosureRule & {
  wave: { code: string; title: Localized };
  variable: { name: string; title: Localized; kind: string; type: string; hasOther: boolean; numeric: boolean };
  by: string;
  byName: Localized;
  base: Base;
  source: 'kept' | 'scan';
  options: Option[];
  groups: QuestionRow[];
  /** By region across countries: one subtotal per country (`code` = the country) with its regions. */
  subtotals: (QuestionRow & { regions: string[] })[];
  total: QuestionRow;
};

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
  const { minCell } = await request<{ minCell: number }>(`/waves/${enc(code)}/analysis-settings`, { signal });
  return minCell;
}

export async function getVariables(code: string, signal?: AbortSignal): Promise<AnalysisVariable[]> {
  const { items } = await request<{ items: AnalysisVariable[] }>(`/waves/${enc(code)}/questions`, { signal });
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
export function codeOtherAnswer(code: string, responseId: string, variable: string, value: string): Promise<unknown> {
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
  body: { variable: string; code: string; labels: Localized },
): Promise<unknown> {
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
export function getAnalysisSettings(
  code: string,
  signal?: AbortSignal,
): Promise<{ minCell: number; maySeeUnsuppressed?: boolean }> {
  return request(`/waves/${enc(code)}/analysis-settings`, { signal });
}

/** Sets the wave's minimum k (coordinators and admins; the server validates 1…50 and audits it). */
export function setAnalysisMinCell(code: string, minCell: number): Promise<{ minCell: number }> {
  return request(`/waves/${enc(code)}/analysis-settings`, { method: 'PUT', body: { minCell } });
}
