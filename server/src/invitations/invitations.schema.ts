import { z } from 'zod';
import { LocalizedText as Localized } from '../http/shared-schemas';
import { MunicipalityRef, WaveParams } from '../responses/responses.schema';

/** A municipality's id in an invitation list (also checked row by row in invitation-import.ts). */
export const MUNICIPALITY_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const InvitationParams = WaveParams.extend({
  id: z.string().regex(MUNICIPALITY_ID, 'a municipality id'),
}).strict();

export const ImportBody = z
  .object({
    format: z.enum(['csv', 'xlsx']),
    /** CSV: the text; XLSX: the file, base64-encoded. */
    content: z.string().min(1, 'the file is empty').max(4_000_000, 'at most about 3 MB'),
  })
  .strict();

export const TemplateQuery = z
  .object({
    /** `csv` and `xlsx`: the columns (the XLSX also lists the codes); `codes-csv`: the codes as CSV. */
    format: z.enum(['csv', 'xlsx', 'codes-csv']),
    lang: z.enum(['ru', 'uk', 'en']).default('ru'),
  })
  .strict();

export const LinksBody = z
  .object({
    format: z.enum(['csv', 'xlsx']),
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
  language: z.enum(['ru', 'uk', 'en']).nullable(),
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

const Rate = z.object({
  invited: z.number().int(),
  notStarted: z.number().int(),
  started: z.number().int(),
  completed: z.number().int(),
  revoked: z.number().int(),
  mailed: z.number().int(),
  reminders: z.number().int(),
  mailFailed: z.number().int(),
  optedOut: z.number().int(),
});

export const BoardExportQuery = z
  .object({ format: z.enum(['csv', 'xlsx']), lang: z.enum(['ru', 'uk', 'en']).default('ru') })
  .strict();

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
