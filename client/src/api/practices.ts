// Calls of the practices knowledge base (server/src/practices).
import { request, type Localized, type Region } from './api';

export type PracticeStatus = 'draft' | 'published';
export type Attachment = { title: string; url: string };

export type PracticeFields = {
  language: 'ru' | 'uk' | 'en';
  title: string;
  problem: string;
  actions: string;
  results: string;
  municipalities: string[];
  municipalityCount: number | null;
  country: 'RU' | 'UA' | '';
  regions: string[];
  municipalityTypes: string[];
  sizeClasses: string[];
  obstacles: string[];
  forms: string[];
  fields: string[];
  yearFrom: number | null;
  yearTo: number | null;
  source: string;
  contact: string;
  attachments: Attachment[];
};

export type Practice = PracticeFields & {
  id: string;
  version: number;
  status: PracticeStatus;
  createdAt: string;
  updatedAt: string;
  publishedAt: string | null;
};

export type Review = {
  uniqueness: number | null;
  typicalProblem: number | null;
  replicability: number | null;
  note: string;
};

export type EditorPractice = Practice & {
  review: Review;
  origin: { kind: 'manual' | 'import' | 'call'; waveCode: string | null };
  history: { at: string; by: string; action: string; version: number; fields: string[] }[];
};

export type PracticeSummary = {
  id: string;
  title: string;
  status: PracticeStatus;
  country: string;
  regions: string[];
  obstacles: string[];
  fields: string[];
  municipalityTypes: string[];
  yearFrom: number | null;
  yearTo: number | null;
  updatedAt: string;
  publishedAt: string | null;
};

export type Term = { code: string; names: Localized };
export type Obstacle = { code: string; labels: Localized };
export type Coded = { code: string; names: Localized; country?: string };

export type Vocabulary = {
  fields: Term[];
  forms: Term[];
  obstacles: Obstacle[];
  regions: Region[];
  municipalityTypes: Coded[];
  sizeClasses: Coded[];
};

const enc = encodeURIComponent;
const qs = (params: Record<string, string | number | undefined>) =>
  Object.entries(params)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k}=${enc(String(v))}`)
    .join('&');

let vocabulary: Promise<Vocabulary> | undefined;

/** Every code list a practice uses, with names (fetched once per page load). */
export function getVocabulary(signal?: AbortSignal): Promise<Vocabulary> {
  vocabulary ??= Promise.all([
    request<{ fields: Term[]; forms: Term[] }>('/practices/vocabulary', { signal }),
    request<{ items: Obstacle[] }>('/reference/obstacles', { signal }),
    request<{ items: Region[] }>('/reference/regions', { signal }),
    request<{ items: Coded[] }>('/reference/municipality-types', { signal }),
    request<{ items: Coded[] }>('/reference/size-classes', { signal }),
  ]).then(
    ([v, o, r, m, s]) => ({
      fields: v.fields,
      forms: v.forms,
      obstacles: o.items.filter((x) => x.code !== 'other'),
      regions: r.items,
      municipalityTypes: m.items,
      sizeClasses: s.items,
    }),
    (err: unknown) => {
      vocabulary = undefined;
      throw err;
    },
  );
  return vocabulary;
}

export type BrowseFilters = {
  q?: string;
  obstacle?: string;
  field?: string;
  country?: string;
  region?: string;
  municipalityType?: string;
  sizeClass?: string;
  offset?: number;
};

export function browsePractices(
  f: BrowseFilters,
  signal?: AbortSignal,
): Promise<{ total: number; search: string | null; items: PracticeSummary[] }> {
  return request(`/practices?${qs({ ...f, limit: 20 })}`, { signal });
}

export function getPublicPractice(id: string, signal?: AbortSignal): Promise<Practice> {
  return request(`/practices/public/${enc(id)}`, { signal });
}

export type ObstacleLink = {
  obstacle: string;
  count: number;
  practices: { id: string; title: string; nearness: 'region' | 'country' | 'type' | 'other' }[];
};

export async function getObstacleLinks(
  place: { region?: string; country?: string; municipalityType?: string },
  signal?: AbortSignal,
): Promise<ObstacleLink[]> {
  const { items } = await request<{ items: ObstacleLink[] }>(`/practices/by-obstacle?${qs(place)}`, { signal });
  return items;
}

/** Only obstacle codes go to the server; nothing about the respondent. */
export async function getSuggestions(
  obstacles: string[],
  signal?: AbortSignal,
): Promise<{ id: string; title: string; obstacles: string[] }[]> {
  const { items } = await request<{ items: { id: string; title: string; obstacles: string[] }[] }>(
    `/practices/suggestions?${qs({ obstacles: obstacles.join(',') })}`,
    { signal },
  );
  return items;
}

export type CoverageRow = {
  obstacle: string;
  labels: Localized;
  named: number | null;
  /** Hidden by the wave's disclosure rule (fewer than k respondents). */
  suppressed?: true;
  share: number | null;
  published: number;
  drafts: number;
  gap: boolean;
};
export type Coverage = { wave: { code: string; respondents: number } | null; rows: CoverageRow[]; gaps: string[] };

export function getCoverage(wave: string | undefined, signal?: AbortSignal): Promise<Coverage> {
  return request(`/practices/coverage?${qs({ wave })}`, { signal });
}

export const coverageUrl = (wave: string | undefined, format: 'csv' | 'xlsx') =>
  `/api/practices/coverage?${qs({ wave, format })}`;

// ---- editors ----

export async function listManaged(
  f: { status?: PracticeStatus; q?: string },
  signal?: AbortSignal,
): Promise<PracticeSummary[]> {
  const { items } = await request<{ items: PracticeSummary[] }>(`/practices/manage?${qs(f)}`, { signal });
  return items;
}

export function getManaged(id: string, signal?: AbortSignal): Promise<EditorPractice> {
  return request(`/practices/manage/${enc(id)}`, { signal });
}

export function createPractice(practice: PracticeFields): Promise<EditorPractice> {
  return request('/practices/manage', { method: 'POST', body: { practice } });
}

export function updatePractice(
  id: string,
  body: { version: number; practice?: PracticeFields; review?: Review },
): Promise<EditorPractice> {
  return request(`/practices/manage/${enc(id)}`, { method: 'PUT', body });
}

export function setPublished(id: string, version: number, publish: boolean): Promise<EditorPractice> {
  return request(`/practices/manage/${enc(id)}/${publish ? 'publish' : 'unpublish'}`, {
    method: 'POST',
    body: { version },
  });
}

export function deletePractice(id: string): Promise<void> {
  return request(`/practices/manage/${enc(id)}`, { method: 'DELETE' });
}

export function importPractices(format: 'csv' | 'xlsx', data: string): Promise<{ imported: number; ids: string[] }> {
  return request('/practices/manage/import', { method: 'POST', body: { format, data }, timeoutMs: 120_000 });
}

export const exportUrl = (format: 'csv' | 'xlsx' | 'json') => `/api/practices/manage/export?format=${format}`;

export async function listCalls(signal?: AbortSignal): Promise<{ code: string; title: Localized; status: string }[]> {
  const { items } = await request<{ items: { code: string; title: Localized; status: string }[] }>(
    '/practices/manage/calls',
    { signal },
  );
  return items;
}

export function draftsFromCall(code: string): Promise<{ created: number; existing: number }> {
  return request(`/practices/manage/calls/${enc(code)}/drafts`, { method: 'POST' });
}
