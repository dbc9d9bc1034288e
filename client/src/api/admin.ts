// Typed calls for the coordinator's pages (questionnaire library, waves, invitations) and for
// the official's invitation link. Built on the shared request helper of api.ts.
import { ApiError, csrfHeaders, request, type Locale, type Problem } from './api';
import type { BodyOf, ResponseOf, Schemas } from './types';

const enc = encodeURIComponent;

// ------------------------------------------------------------------------------------------
// Questionnaire library

export type QuestionSummary = QuestionnaireDetail['questions'][number];

export type QuestionnaireSummary = ResponseOf<'/questionnaires', 'get'>['items'][number];

export const QUESTION_ROLES = [
  'region',
  'country',
  'municipality',
  'municipalityType',
  'sizeClass',
  'respondentRole',
  'obstacles',
  'obstacleSeverity',
] as const;
export type QuestionRole = (typeof QUESTION_ROLES)[number];
/** Role → the value name of the question that has it. */
export type Roles = QuestionnaireSummary['roles'];

export type QuestionnaireDetail = ResponseOf<'/questionnaires/{key}/versions/{version}', 'get'>;

export type UploadResult = ResponseOf<'/questionnaires', 'post', 201>;

export type QuestionnaireDiff = ResponseOf<'/questionnaires/{key}/diff', 'get'>;

export async function listQuestionnaires(signal?: AbortSignal): Promise<QuestionnaireSummary[]> {
  const { items } = await request<{ items: QuestionnaireSummary[] }>('/questionnaires', { signal });
  return items;
}

export function getQuestionnaireVersion(
  key: string,
  version: number,
  signal?: AbortSignal,
): Promise<QuestionnaireDetail> {
  return request(`/questionnaires/${enc(key)}/versions/${version}`, { signal });
}

/** `definition` is the JSON text as typed or read from the file (the server reports syntax errors by line). */
export function uploadQuestionnaire(key: string, definition: string): Promise<UploadResult> {
  return request('/questionnaires', { method: 'POST', body: { key, definition }, timeoutMs: 60_000 });
}

/** Chooses the roles of a version's questions (409 roles_locked once a wave opened on it). */
export function setQuestionRoles(
  key: string,
  version: number,
  roles: BodyOf<'/questionnaires/{key}/versions/{version}/roles', 'put'>['roles'],
): Promise<ResponseOf<'/questionnaires/{key}/versions/{version}/roles', 'put'>> {
  return request(`/questionnaires/${enc(key)}/versions/${version}/roles`, { method: 'PUT', body: { roles } });
}

export function diffQuestionnaire(key: string, from: number, to: number, signal?: AbortSignal) {
  return request<QuestionnaireDiff>(`/questionnaires/${enc(key)}/diff?from=${from}&to=${to}`, { signal });
}

// ------------------------------------------------------------------------------------------
// Waves

export type WaveAdmin = Schemas['WaveAdmin'];
export type WaveAccess = WaveAdmin['access'];
export type WaveScope = BodyOf<'/waves', 'post'>['scope'];
export type NewWave = BodyOf<'/waves', 'post'>;
/** PATCH body: only what changes (`editableFields` of the wave says what may). */
export type WaveUpdate = BodyOf<'/waves/{code}', 'patch'>;
/** The lifecycle actions (`allowedTransitions` of the wave says which its state allows). */
export type LifecycleAction = BodyOf<'/waves/{code}/lifecycle', 'post'>['action'];
export type CloneWaveBody = BodyOf<'/waves/{code}/clone', 'post'>;
export type ClonedWave = ResponseOf<'/waves/{code}/clone', 'post', 201>;

export function updateWave(code: string, body: WaveUpdate): Promise<WaveAdmin> {
  return request(`/waves/${enc(code)}`, { method: 'PATCH', body });
}

export function getWaveAdmin(code: string, signal?: AbortSignal): Promise<WaveAdmin> {
  return request(`/waves/${enc(code)}/admin`, { signal });
}

export function createWave(body: NewWave): Promise<WaveAdmin> {
  return request('/waves', { method: 'POST', body });
}

export function changeWaveStatus(code: string, action: LifecycleAction, closesAt?: string | null): Promise<WaveAdmin> {
  return request(`/waves/${enc(code)}/lifecycle`, {
    method: 'POST',
    body: closesAt === undefined ? { action } : { action, closesAt },
  });
}

export function cloneWave(code: string, body: CloneWaveBody): Promise<ClonedWave> {
  return request(`/waves/${enc(code)}/clone`, { method: 'POST', body });
}

// ------------------------------------------------------------------------------------------
// Invitations (coordinator)

export type InvitationStatus = Invitation['status'];

export type Invitation = Board['invitations'][number];

export type Rate = Board['totals'];

/** The board per municipality (status, mails, opt-out) as a file. */
export function boardExportUrl(code: string, format: 'csv' | 'xlsx', lang: Locale): string {
  return `/api/waves/${enc(code)}/invitations/board/export?format=${format}&lang=${lang}`;
}

export type Board = ResponseOf<'/waves/{code}/invitations/board', 'get'>;

export type ImportResult = ResponseOf<'/waves/{code}/invitations/import', 'post', 201>;

export function getBoard(code: string, signal?: AbortSignal): Promise<Board> {
  return request(`/waves/${enc(code)}/invitations/board`, { signal });
}

/** CSV as text; XLSX as base64 of the file's bytes. */
export function importInvitations(code: string, format: 'csv' | 'xlsx', content: string): Promise<ImportResult> {
  return request(`/waves/${enc(code)}/invitations/import`, {
    method: 'POST',
    body: { format, content },
    timeoutMs: 120_000,
  });
}

/** The import template: the columns as CSV or XLSX (the XLSX also lists the codes), or the codes as CSV. */
export function importTemplateUrl(code: string, format: 'csv' | 'xlsx' | 'codes-csv', lang: Locale): string {
  return `/api/waves/${enc(code)}/invitations/template?format=${format}&lang=${lang}`;
}

export function revokeInvitation(code: string, id: string): Promise<Invitation> {
  return request(`/waves/${enc(code)}/invitations/${enc(id)}/revoke`, { method: 'POST' });
}

export function reissueInvitation(
  code: string,
  id: string,
): Promise<ResponseOf<'/waves/{code}/invitations/{id}/reissue', 'post'>> {
  return request(`/waves/${enc(code)}/invitations/${enc(id)}/reissue`, { method: 'POST' });
}

export type LinksFile = { blob: Blob; filename: string; issued: number };

/** Issues links (the server returns each token once) and gives back the file to save. */
export async function downloadLinks(
  code: string,
  format: 'csv' | 'xlsx',
  scope: 'unissued' | 'all',
): Promise<LinksFile> {
  let res: Response;
  try {
    res = await fetch(`/api/waves/${enc(code)}/invitations/links`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...csrfHeaders() },
      body: JSON.stringify({ format, scope }),
      credentials: 'same-origin',
    });
  } catch (err) {
    throw new ApiError('network', 0, {}, err);
  }
  if (!res.ok) {
    let problem: Problem = { status: res.status };
    try {
      problem = (await res.json()) as Problem;
    } catch {
      // not problem+json: the status says enough
    }
    throw new ApiError('http', res.status, problem);
  }
  return {
    blob: await res.blob(),
    filename: `${code}-links.${format}`,
    issued: Number(res.headers.get('X-Links-Issued') ?? '0'),
  };
}

// ------------------------------------------------------------------------------------------
// The official's invitation link

export type InvitationView = ResponseOf<'/invitations/{token}', 'get'>;

/** The server's draft as a `draft_conflict` problem carries it. */
export type CurrentDraft = Schemas['CurrentDraft'];

export function openInvitation(token: string, signal?: AbortSignal): Promise<InvitationView> {
  return request(`/invitations/${enc(token)}`, { signal });
}

export function saveInvitationDraft(
  token: string,
  body: BodyOf<'/invitations/{token}/draft', 'put'>,
  signal?: AbortSignal,
): Promise<ResponseOf<'/invitations/{token}/draft', 'put'>> {
  return request(`/invitations/${enc(token)}/draft`, { method: 'PUT', body, signal, timeoutMs: 15_000 });
}

export function submitInvitation(
  token: string,
  body: BodyOf<'/invitations/{token}/responses', 'post'>,
): Promise<ResponseOf<'/invitations/{token}/responses', 'post', 201>> {
  return request(`/invitations/${enc(token)}/responses`, { method: 'POST', body });
}

/** The server's current draft, when a save was refused because it was based on an older revision. */
export function draftConflictOf(err: unknown): CurrentDraft | null {
  if (!(err instanceof ApiError) || err.code !== 'draft_conflict') return null;
  const d = err.problem.draft as Partial<CurrentDraft> | undefined;
  if (!d || typeof d.revision !== 'number' || typeof d.answers !== 'object' || d.answers === null) return null;
  return {
    answers: d.answers,
    pageNo: typeof d.pageNo === 'number' ? d.pageNo : 0,
    locale: typeof d.locale === 'string' ? d.locale : null,
    savedAt: typeof d.savedAt === 'string' ? d.savedAt : null,
    revision: d.revision,
  };
}

/** The date an `already_submitted` problem names (its detail ends with the ISO date). */
export function submittedAtOf(err: unknown): string | null {
  if (!(err instanceof ApiError) || err.code !== 'already_submitted') return null;
  const m = /\d{4}-\d\d-\d\dT[\d:.]+Z/.exec(err.message);
  return m ? m[0] : null;
}
