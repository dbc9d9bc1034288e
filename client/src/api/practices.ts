// Calls of the practices knowledge base (server/src/practices).
import { request, type Region } from './api';
import type { BodyOf, QueryOf, ResponseOf, Schemas } from './types';

/** What an editor sends (the body of a create or an update). */
export type PracticeFields = BodyOf<'/practices/manage', 'post'>['practice'];

export type Practice = Schemas['Practice'];

export type Review = EditorPractice['review'];

export type EditorPractice = Schemas['PracticeForEditors'];
export type PracticeStatus = Practice['status'];
export type Attachment = Practice['attachments'][number];

export type PracticeSummary = Schemas['PracticeSummary'];

export type Term = ResponseOf<'/practices/vocabulary', 'get'>['fields'][number];
export type Obstacle = Schemas['Obstacle'];
export type Coded = Schemas['NamedCode'];
export type SizeClass = Schemas['SizeClass'];

type Terms = ResponseOf<'/practices/vocabulary', 'get'>;
/** What the practice pages name codes with: the practice vocabulary and the reference lists, loaded once. */
export type Vocabulary = Terms & {
  obstacles: Obstacle[];
  regions: Region[];
  municipalityTypes: Coded[];
  sizeClasses: SizeClass[];
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
    request<Terms>('/practices/vocabulary', { signal }),
    request<ResponseOf<'/reference/obstacles', 'get'>>('/reference/obstacles', { signal }),
    request<ResponseOf<'/reference/regions', 'get'>>('/reference/regions', { signal }),
    request<ResponseOf<'/reference/municipality-types', 'get'>>('/reference/municipality-types', { signal }),
    request<ResponseOf<'/reference/size-classes', 'get'>>('/reference/size-classes', { signal }),
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

/** The browse query as the page holds it: its URL's strings (the server checks them), and the offset. */
export type BrowseFilters = { [K in Exclude<keyof QueryOf<'/practices', 'get'>, 'limit' | 'offset'>]?: string } & {
  offset?: number;
};

export function browsePractices(f: BrowseFilters, signal?: AbortSignal): Promise<ResponseOf<'/practices', 'get'>> {
  return request(`/practices?${qs({ ...f, limit: 20 })}`, { signal });
}

export function getPublicPractice(id: string, signal?: AbortSignal): Promise<Practice> {
  return request(`/practices/public/${enc(id)}`, { signal });
}

export type ObstacleLink = ResponseOf<'/practices/by-obstacle', 'get'>['items'][number];

export async function getObstacleLinks(
  place: QueryOf<'/practices/by-obstacle', 'get'>,
  signal?: AbortSignal,
): Promise<ObstacleLink[]> {
  const { items } = await request<{ items: ObstacleLink[] }>(`/practices/by-obstacle?${qs(place)}`, { signal });
  return items;
}

/** Only obstacle codes go to the server; nothing about the respondent. */
export async function getSuggestions(
  obstacles: string[],
  signal?: AbortSignal,
): Promise<ResponseOf<'/practices/suggestions', 'get'>['items']> {
  const { items } = await request<ResponseOf<'/practices/suggestions', 'get'>>(
    `/practices/suggestions?${qs({ obstacles: obstacles.join(',') })}`,
    { signal },
  );
  return items;
}

export type CoverageRow = Coverage['rows'][number];
export type Coverage = ResponseOf<'/practices/coverage', 'get'>;

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

export function importPractices(
  format: 'csv' | 'xlsx',
  data: string,
): Promise<ResponseOf<'/practices/manage/import', 'post', 201>> {
  return request('/practices/manage/import', { method: 'POST', body: { format, data }, timeoutMs: 120_000 });
}

export const exportUrl = (format: 'csv' | 'xlsx' | 'json') => `/api/practices/manage/export?format=${format}`;

export async function listCalls(signal?: AbortSignal): Promise<ResponseOf<'/practices/manage/calls', 'get'>['items']> {
  const { items } = await request<ResponseOf<'/practices/manage/calls', 'get'>>('/practices/manage/calls', { signal });
  return items;
}

export function draftsFromCall(code: string): Promise<ResponseOf<'/practices/manage/calls/{code}/drafts', 'post'>> {
  return request(`/practices/manage/calls/${enc(code)}/drafts`, { method: 'POST' });
}
