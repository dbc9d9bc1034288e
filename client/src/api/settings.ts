// Admin settings and the signed-in user's account: users, audit log, own password.
import { request } from './api';
import type { BodyOf, QueryOf, ResponseOf } from './types';

export type UserRow = ResponseOf<'/users', 'get'>['items'][number];

export type AuditEntry = ResponseOf<'/audit', 'get'>['items'][number];

const enc = encodeURIComponent;

export async function listUsers(signal?: AbortSignal): Promise<UserRow[]> {
  return (await request<{ items: UserRow[] }>('/users', { signal })).items;
}

export function createUser(body: BodyOf<'/users', 'post'>): Promise<ResponseOf<'/users', 'post', 201>> {
  return request('/users', { method: 'POST', body });
}

export function updateUser(email: string, body: BodyOf<'/users/{email}', 'patch'>) {
  return request<void>(`/users/${enc(email)}`, { method: 'PATCH', body });
}

export function resetPassword(email: string, newPassword: string) {
  return request<void>(`/users/${enc(email)}/password-reset`, { method: 'POST', body: { newPassword } });
}

export function changeOwnPassword(currentPassword: string, newPassword: string) {
  return request<void>('/auth/password', { method: 'POST', body: { currentPassword, newPassword } });
}

export type OwnSession = ResponseOf<'/auth/sessions', 'get'>['items'][number];

export async function listOwnSessions(signal?: AbortSignal): Promise<OwnSession[]> {
  return (await request<{ items: OwnSession[] }>('/auth/sessions', { signal })).items;
}

/** Ends every session of the signed-in user except this one; returns how many ended. */
export async function endOtherSessions(): Promise<number> {
  const res = await request<ResponseOf<'/auth/sessions/revoke-others', 'post'>>('/auth/sessions/revoke-others', {
    method: 'POST',
    body: {},
  });
  return res.ended;
}

export async function listAudit(q: QueryOf<'/audit', 'get'>, signal?: AbortSignal): Promise<AuditEntry[]> {
  const params = new URLSearchParams();
  if (q.action) params.set('action', q.action);
  if (q.before) params.set('before', q.before);
  params.set('limit', String(q.limit ?? 100));
  return (await request<{ items: AuditEntry[] }>(`/audit?${params.toString()}`, { signal })).items;
}

export const AUDIT_EXPORT_URL = '/api/audit/export.csv';
