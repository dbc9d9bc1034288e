// Mail: templates, preview, test mail, campaigns (jobs) and the local inbox. Shapes follow
// server/src/mail/mail.schema.ts.
import { request, type Locale } from './api';
import type { Job as ExportOrTallyJob } from './jobs';

const enc = encodeURIComponent;

export type MailKind = 'invitation' | 'reminder';

/** A campaign is a job of kind mail.campaign, which may also be paused. */
export type Job = Omit<ExportOrTallyJob, 'kind' | 'state'> & {
  kind: 'mail.campaign';
  state: ExportOrTallyJob['state'] | 'paused';
};

export const isFinished = (j: Job) => j.state === 'done' || j.state === 'failed' || j.state === 'cancelled';
export type MailTemplate = { subject: string; body: string };
export type MailTemplates = Record<MailKind, Record<Locale, MailTemplate>>;

export type MailSettings = {
  templates: MailTemplates;
  contact: string;
  dailyCap: number;
  placeholders: string[];
  transport: 'smtp' | 'catcher' | 'off';
  from: string;
  sentToday: number;
};

export type MailPreview = {
  to: string;
  municipality: string;
  language: Locale;
  subject: string;
  text: string;
  html: string;
};

export type CampaignBody = {
  kind: MailKind;
  ids?: string[];
  statuses?: ('not_started' | 'started')[];
  minDaysSinceLastMail?: number;
};

export type CaughtMail = {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
};

export function getMailSettings(code: string, signal?: AbortSignal): Promise<MailSettings> {
  return request(`/waves/${enc(code)}/mail/settings`, { signal });
}

export function saveMailSettings(
  code: string,
  body: { templates: MailTemplates; contact: string; dailyCap: number },
): Promise<MailSettings> {
  return request(`/waves/${enc(code)}/mail/settings`, { method: 'PUT', body });
}

export function previewMail(
  code: string,
  body: { kind: MailKind; language?: Locale; municipalityId?: string; template?: MailTemplate; contact?: string },
  signal?: AbortSignal,
): Promise<MailPreview> {
  return request(`/waves/${enc(code)}/mail/preview`, { method: 'POST', body, signal });
}

export function sendTestMail(
  code: string,
  body: { kind: MailKind; language?: Locale; template?: MailTemplate; contact?: string },
): Promise<{ to: string }> {
  return request(`/waves/${enc(code)}/mail/test`, { method: 'POST', body });
}

export function startCampaign(code: string, body: CampaignBody): Promise<Job> {
  return request(`/waves/${enc(code)}/mail/campaigns`, { method: 'POST', body });
}

export async function listCampaigns(code: string, signal?: AbortSignal): Promise<Job[]> {
  const { items } = await request<{ items: Job[] }>(`/waves/${enc(code)}/mail/campaigns`, { signal });
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
