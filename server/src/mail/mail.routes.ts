// GET  /api/waves/{code}/mail/settings              coordinator: the wave's mail templates (defaults until saved), contact, daily cap, transport
// PUT  /api/waves/{code}/mail/settings              coordinator: save them (subjects and contact refused with line breaks)
// POST /api/waves/{code}/mail/preview               coordinator: a template rendered for a real invitation of the wave (stand-in link)
// POST /api/waves/{code}/mail/test                  coordinator: that preview sent to oneself
// POST /api/waves/{code}/mail/campaigns             coordinator: start sending invitations or reminders (a job) → 202
// GET  /api/waves/{code}/mail/campaigns             coordinator: the wave's campaigns, newest first
// POST /api/waves/{code}/mail/campaigns/{id}        coordinator: pause, resume or cancel a campaign
// GET  /api/dev/mail                                coordinator: the local mail catcher's inbox (404 when it does not run)
// DELETE /api/dev/mail                              coordinator: empty it
import { z } from 'zod';
import type { Api } from '../http/route';
import { AppError } from '../http/errors';
import { WaveParams } from '../responses/responses.schema';
import { JobListSchema, JobSchema } from '../jobs/jobs.schema';
import type { Mailbox } from './catcher';
import type { Mailer } from './mailer';
import {
  CampaignAction,
  CampaignBody,
  CampaignParamsPath,
  CaughtMailOut,
  MailSettingsOut,
  MailSettingsSchema,
  PreviewBody,
  PreviewOut,
  TestMailBody,
} from './mail.schema';
import {
  campaignAction,
  getMailSettings,
  listCampaigns,
  previewMail,
  saveMailSettings,
  sendTestMail,
  sentToday,
  startCampaign,
} from './mail.service';
import { PLACEHOLDERS } from './templates';

export type MailDeps = {
  /** Where mail goes; absent when mail is off. */
  mailer?: Mailer;
  /** The local catcher's inbox (only in catcher mode). */
  mailbox?: Mailbox;
  transport: 'smtp' | 'catcher' | 'off';
};

export function mailRoutes(api: Api, opts: { publicUrl: string; mail: MailDeps }): void {
  const tags = ['mail'];
  const settingsOut = async (code: string) => ({
    ...(await getMailSettings(code)),
    placeholders: [...PLACEHOLDERS],
    transport: opts.mail.transport,
    from: opts.mail.mailer?.from ?? '',
    sentToday: await sentToday(code),
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/mail/settings',
    summary: "The wave's mail templates, contact and daily cap",
    access: 'coordinator',
    tags,
    params: WaveParams,
    responses: { 200: { description: 'Settings', schema: MailSettingsOut } },
    handler: ({ params }) => settingsOut(params.code),
  });

  api.route({
    method: 'put',
    path: '/waves/{code}/mail/settings',
    summary: "Save the wave's mail templates, contact and daily cap",
    access: 'coordinator',
    tags,
    params: WaveParams,
    body: MailSettingsSchema,
    responses: { 200: { description: 'Saved', schema: MailSettingsOut } },
    handler: async ({ params, body, user }) => {
      await saveMailSettings(params.code, body, user!);
      return settingsOut(params.code);
    },
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/mail/preview',
    summary: 'A mail as a municipality of the wave would get it (the link is a stand-in)',
    access: 'coordinator',
    tags,
    params: WaveParams,
    body: PreviewBody,
    responses: { 200: { description: 'The rendered mail', schema: PreviewOut } },
    handler: ({ params, body }) => previewMail(params.code, body, opts.publicUrl),
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/mail/test',
    summary: 'Send the preview to oneself',
    access: 'coordinator',
    tags,
    params: WaveParams,
    body: TestMailBody,
    responses: { 200: { description: 'Sent', schema: z.object({ to: z.string() }) } },
    handler: ({ params, body, user }) => sendTestMail(params.code, body, user!, opts.publicUrl, opts.mail.mailer),
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/mail/campaigns',
    summary: 'Send invitations (to all not yet invited, or a selection) or a reminder: a job',
    access: 'coordinator',
    tags,
    params: WaveParams,
    body: CampaignBody,
    responses: { 202: { description: 'Queued', schema: JobSchema } },
    handler: async ({ params, body, user }, _req, res) => {
      const job = await startCampaign(params.code, body, user!, opts.mail.mailer);
      res.status(202);
      return job;
    },
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/mail/campaigns',
    summary: "The wave's mail campaigns, newest first",
    access: 'coordinator',
    tags,
    params: WaveParams,
    responses: { 200: { description: 'Campaigns', schema: JobListSchema } },
    handler: async ({ params }, _req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      return { items: await listCampaigns(params.code) };
    },
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/mail/campaigns/{id}',
    summary: 'Pause, resume or cancel a campaign',
    access: 'coordinator',
    tags,
    params: CampaignParamsPath,
    body: CampaignAction,
    responses: { 200: { description: 'The campaign', schema: JobSchema } },
    handler: ({ params, body, user }) => campaignAction(params.code, params.id, body.action, user!),
  });

  // The inbox answers only in catcher mode (404 otherwise); it is documented always, so that the
  // API document (and the client's types) do not depend on how this server sends mail.
  const mailbox = () => {
    if (!opts.mail.mailbox)
      throw new AppError(404, 'Not Found', 'mail_catcher_off', 'The local mail catcher is not running on this server.');
    return opts.mail.mailbox;
  };
  api.route({
    method: 'get',
    path: '/dev/mail',
    summary: "The local mail catcher's inbox (only when no SMTP server is configured)",
    access: 'coordinator',
    tags,
    responses: {
      200: { description: 'Caught mails, newest first', schema: z.object({ items: z.array(CaughtMailOut) }) },
      404: { description: 'The mail catcher is not running (an SMTP server is configured, or mail is off)' },
    },
    handler: async (_input, _req, res) => {
      const items = await mailbox().list();
      res.setHeader('Cache-Control', 'no-store');
      return { items };
    },
  });
  api.route({
    method: 'delete',
    path: '/dev/mail',
    summary: "Empty the local mail catcher's inbox",
    access: 'coordinator',
    tags,
    responses: {
      200: { description: 'Emptied', schema: z.object({ items: z.array(CaughtMailOut) }) },
      404: { description: 'The mail catcher is not running' },
    },
    handler: async () => {
      await mailbox().clear();
      return { items: [] };
    },
  });
}
