// Mail: templates, preview, test mail, campaigns (jobs) and the local inbox. Every shape is an
// alias of the types generated from the server's OpenAPI document (server/src/mail/mail.schema.ts).
import { request } from './api';
import type { BodyOf, ResponseOf, Schemas } from './types';

const enc = encodeURIComponent;

export type MailSettings = ResponseOf<'/waves/{code}/mail/settings', 'get'>;
export type MailTemplates = MailSettings['templates'];
export type MailKind = keyof MailTemplates;
export type MailTemplate = MailTemplates[MailKind]['ru'];
export type MailPreview = ResponseOf<'/waves/{code}/mail/preview', 'post'>;
export type CampaignBody = BodyOf<'/waves/{code}/mail/campaigns', 'post'>;

/** A campaign: a job of kind mail.campaign, which may also be paused. */
export type Job = ResponseOf<'/waves/{code}/mail/campaigns/{id}', 'post'>;

export const isFinished = (j: Job) => j.state === 'done' || j.state === 'failed' || j.state === 'cancelled';

/** A mail the local catcher kept (GET /dev/mail, served only in catcher mode). */
export type CaughtMail = Schemas['CaughtMail'];

export function getMailSettings(code: string, signal?: AbortSignal): Promise<MailSettings> {
  return request(`/waves/${enc(code)}/mail/settings`, { signal });
}

export function saveMailSettings(
  code: string,
  body: BodyOf<'/waves/{code}/mail/settings', 'put'>,
): Promise<ResponseOf<'/waves/{code}/mail/settings', 'put'>> {
  return request(`/waves/${enc(code)}/mail/settings`, { method: 'PUT', body });
}

export function previewMail(
  code: string,
  body: BodyOf<'/waves/{code}/mail/preview', 'post'>,
  signal?: AbortSignal,
): Promise<MailPreview> {
  return request(`/waves/${enc(code)}/mail/preview`, { method: 'POST', body, signal });
}

export function sendTestMail(
  code: string,
  body: BodyOf<'/waves/{code}/mail/test', 'post'>,
): Promise<ResponseOf<'/waves/{code}/mail/test', 'post'>> {
  return request(`/waves/${enc(code)}/mail/test`, { method: 'POST', body });
}

export function startCampaign(
  code: string,
  body: CampaignBody,
): Promise<ResponseOf<'/waves/{code}/mail/campaigns', 'post', 202>> {
  return request(`/waves/${enc(code)}/mail/campaigns`, { method: 'POST', body });
}

export async function listCampaigns(code: string, signal?: AbortSignal): Promise<Job[]> {
  const { items } = await request<ResponseOf<'/waves/{code}/mail/campaigns', 'get'>>(
    `/waves/${enc(code)}/mail/campaigns`,
    { signal },
  );
  return items;
}

export function campaignAction(code: string, id: string, action: 'pause' | 'resume' | 'cancel'): Promise<Job> {
  return request(`/waves/${enc(code)}/mail/campaigns/${enc(id)}`, { method: 'POST', body: { action } });
}

export async function listCaughtMail(signal?: AbortSignal): Promise<CaughtMail[]> {
  const { items } = await request<{ items: CaughtMail[] }>('/dev/mail', { signal });
  return items;
}

export async function clearCaughtMail(): Promise<void> {
  await request('/dev/mail', { method: 'DELETE' });
}
