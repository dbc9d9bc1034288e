// Shapes of the mail API (input and output).
import { z } from 'zod';
import { MUNICIPALITY_ID } from '../invitations/invitations.schema';
import { MAIL_KINDS, MAIL_LANGUAGES } from './templates';

// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const NO_CR_LF = /^[^\r\n\u0000-\u001f\u007f]*$/;

export const MailTemplateSchema = z
  .object({
    subject: z
      .string()
      .min(1, 'the subject is empty')
      .max(250)
      .regex(NO_CR_LF, 'a subject is one line: no line breaks or control characters'),
    body: z.string().min(1, 'the text is empty').max(20_000),
  })
  .strict();

const PerLanguage = z.object({ ru: MailTemplateSchema, uk: MailTemplateSchema, en: MailTemplateSchema }).strict();

export const MailSettingsSchema = z
  .object({
    templates: z.object({ invitation: PerLanguage, reminder: PerLanguage }).strict(),
    contact: z.string().max(300).regex(NO_CR_LF, 'one line: no line breaks or control characters'),
    dailyCap: z.number().int().min(1).max(1_000_000),
  })
  .strict();
export type MailSettings = z.infer<typeof MailSettingsSchema>;

export const MailSettingsOut = MailSettingsSchema.extend({
  placeholders: z.array(z.string()),
  /** Where mail goes: an SMTP server, the local catcher, or nowhere (production without SMTP). */
  transport: z.enum(['smtp', 'catcher', 'off']),
  from: z.string(),
  sentToday: z.number().int(),
});

export const PreviewBody = z
  .object({
    kind: z.enum(MAIL_KINDS),
    language: z.enum(MAIL_LANGUAGES).optional(),
    municipalityId: z.string().regex(MUNICIPALITY_ID).optional(),
    /** The template being edited (unsaved); the saved one when absent. */
    template: MailTemplateSchema.optional(),
    contact: z.string().max(300).regex(NO_CR_LF).optional(),
  })
  .strict();

export const PreviewOut = z.object({
  to: z.string(),
  municipality: z.string(),
  language: z.enum(MAIL_LANGUAGES),
  subject: z.string(),
  text: z.string(),
  html: z.string(),
});

export const CampaignBody = z
  .object({
    kind: z.enum(MAIL_KINDS),
    /** Only these municipalities (a selection on the board); all that qualify when absent. */
    ids: z.array(z.string().regex(MUNICIPALITY_ID)).min(1).max(20_000).optional(),
    /** Reminders: which statuses (default both). */
    statuses: z
      .array(z.enum(['not_started', 'started']))
      .min(1)
      .optional(),
    /** Reminders: only municipalities whose last mail is at least this many days old. */
    minDaysSinceLastMail: z.number().min(0).max(365).optional(),
  })
  .strict();
export type CampaignParams = z.infer<typeof CampaignBody>;

export const TestMailBody = PreviewBody.omit({ municipalityId: true }).strict();

export const CampaignParamsPath = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), id: z.uuid() }).strict();
export const CampaignAction = z.object({ action: z.enum(['pause', 'resume', 'cancel']) }).strict();

export const OptOutParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{22}$/) }).strict();

/** A mail the local catcher kept. */
export const CaughtMailOut = z
  .object({
    id: z.string(),
    receivedAt: z.string(),
    from: z.string(),
    to: z.array(z.string()),
    subject: z.string(),
    text: z.string(),
    html: z.string().nullable(),
    headers: z.record(z.string(), z.string()),
  })
  .meta({ id: 'CaughtMail' });
