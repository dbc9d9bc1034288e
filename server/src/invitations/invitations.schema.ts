import { z } from 'zod';
import { countsSchema, LocalizedText as Localized, TABLE_FILE, TABLE_FORMAT } from '../http/shared-schemas';
import { MunicipalityRef, WaveParams } from '../responses/responses.schema';

/** A municipality's id in an invitation list (also checked row by row in invitation-import.ts). */
/** The language of a template's headers or of an invitation's mails. */
const Lang = z.enum(['ru', 'uk', 'en']);

export const MUNICIPALITY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const InvitationParams = WaveParams.extend({
  id: z.string().regex(MUNICIPALITY_ID, 'a municipality id'),
}).strict();

export const ImportBody = z.object({ format: TABLE_FORMAT, content: TABLE_FILE }).strict();

export const TemplateQuery = z
  .object({
    /** `csv` and `xlsx`: the columns (the XLSX also lists the codes); `codes-csv`: the codes as CSV. */
    format: z.enum(['csv', 'xlsx', 'codes-csv']),
    lang: Lang.default('ru'),
  })
  .strict();

export const LinksBody = z
  .object({
    format: TABLE_FORMAT,
    scope: z.enum(['unissued', 'all', 'selected']),
    ids: z.array(z.string().regex(MUNICIPALITY_ID)).min(1).max(10_000).optional(),
  })
  .strict()
  .refine((b) => (b.scope === 'selected') === Boolean(b.ids), {
    message: 'ids are given with scope "selected" and only then',
    path: ['ids'],
  });

export const InvitationOut = z.object({
  id: z.string(),
  municipality: MunicipalityRef,
  email: z.string(),
  status: z.enum(['not_started', 'started', 'completed', 'revoked']),
  linkIssuedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  lastActivityAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  /** The language of its mails as imported (null: from the country). */
  language: Lang.nullable(),
  invitedAt: z.string().nullable(),
  remindersSent: z.number().int(),
  lastMail: z
    .object({
      at: z.string(),
      kind: z.enum(['invitation', 'reminder']),
      status: z.enum(['sent', 'failed', 'uncertain']),
      error: z.string().nullable(),
    })
    .nullable(),
  optedOutAt: z.string().nullable(),
});

const RATE_COUNTS = ['invited', 'notStarted', 'started', 'completed', 'revoked'] as const;
const MAIL_COUNTS = ['mailed', 'reminders', 'mailFailed', 'optedOut'] as const;
const Rate = countsSchema(...RATE_COUNTS, ...MAIL_COUNTS);

export const BoardExportQuery = z.object({ format: TABLE_FORMAT, lang: Lang.default('ru') }).strict();

export const BoardOut = z.object({
  wave: z.object({ code: z.string(), status: z.string(), anonymous: z.boolean() }),
  generatedAt: z.string(),
  totals: Rate,
  regions: z.array(Rate.extend({ code: z.string(), names: Localized })),
  invitations: z.array(InvitationOut),
});

export const ImportResultOut = z.object({
  total: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
});
