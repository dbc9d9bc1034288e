// Typed calls of the questionnaire editor: a draft checked by the server (the upload's checks,
// missing translations, "try it" answers) and the library's diff against a draft. Saving uses
// the library's upload and roles calls (admin.ts).
import { request } from './api';
import type { ResponseOf } from './types';

const enc = encodeURIComponent;

export type DraftCheck = ResponseOf<'/questionnaires/check', 'post'>;

export type DraftDiff = ResponseOf<'/questionnaires/{key}/diff-draft', 'post'>;

/** The upload's checks on a draft (nothing stored); with `answers`, also the submission's check of them. */
export function checkDraft(
  definition: Record<string, unknown>,
  answers?: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<DraftCheck> {
  return request('/questionnaires/check', {
    method: 'POST',
    body: { definition: JSON.stringify(definition), ...(answers ? { answers } : {}) },
    signal,
    timeoutMs: 60_000,
  });
}

export function diffDraft(key: string, from: number, definition: Record<string, unknown>): Promise<DraftDiff> {
  return request(`/questionnaires/${enc(key)}/diff-draft`, {
    method: 'POST',
    body: { from, definition: JSON.stringify(definition) },
    timeoutMs: 60_000,
  });
}

export type ReferenceList = 'regions' | 'obstacles' | 'municipality-types' | 'size-classes' | 'respondent-roles';
/** An item of one of the reference lists: obstacles have `labels`, the others `names`. */
export type ReferenceItem = {
  [L in ReferenceList]: ResponseOf<`/reference/${L}`, 'get'>['items'][number];
}[ReferenceList];

/** A reference list (regions, obstacle codes, ...) to import as choices. */
export async function getReferenceList(list: ReferenceList, signal?: AbortSignal): Promise<ReferenceItem[]> {
  const { items } = await request<{ items: ReferenceItem[] }>(`/reference/${list}`, { signal });
  return items;
}
