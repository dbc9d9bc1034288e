import { z } from 'zod';
import { LocalizedText } from '../http/shared-schemas';

/** A wave's code (its `_id` and the `/w/<code>` link). */
export const WAVE_CODE = /^[A-Za-z0-9_-]{1,64}$/;

const text = (max: number) => z.string().trim().max(max);

export const WaveTitle = z
  .object({ ru: text(200).min(1, 'the Russian title is required'), uk: text(200), en: text(200) })
  .strict();

const Instant = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time, e.g. 2026-03-01T00:00:00Z' });

/** The countries a wave may cover. */
export const Country = z.enum(['RU', 'UA']);

export const WaveScope = z
  .object({
    countries: z.array(Country).min(1, 'at least one country').max(2),
    regions: z.array(z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, 'an ISO 3166-2 region code')).max(200),
  })
  .strict();

const questionnaireId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,60}@\d{1,6}$/, 'a questionnaire version id, key@n');

export const CreateWaveBody = z
  .object({
    code: z.string().regex(WAVE_CODE, 'a wave code: letters, digits, _ and - (up to 64)'),
    title: WaveTitle,
    questionnaireId,
    opensAt: Instant.nullable(),
    closesAt: Instant.nullable(),
    scope: WaveScope,
    access: z.enum(['public', 'invitation']),
    anonymous: z.boolean(),
    /** No regional breakdown: answers need no region question. */
    noRegionalBreakdown: z.boolean().optional(),
    /** Use the questionnaire version although some texts lack one of its languages (the coordinator says so). */
    allowMissingTranslations: z.boolean().optional(),
  })
  .strict();
export type CreateWaveBody = z.infer<typeof CreateWaveBody>;

export const UpdateWaveBody = CreateWaveBody.omit({ code: true }).partial().strict();
/** The stored fields of a wave (allowMissingTranslations is a permission given with the request, not stored). */
export type WaveFieldsPatch = Omit<UpdateWaveBody, 'allowMissingTranslations'>;
export type UpdateWaveBody = z.infer<typeof UpdateWaveBody>;

export const LifecycleBody = z
  .object({
    action: z.enum(['open', 'close', 'reopen', 'archive']),
    /** Reopen (or open) with a new closing date. */
    closesAt: Instant.nullable().optional(),
  })
  .strict();
export type LifecycleBody = z.infer<typeof LifecycleBody>;

export const CloneWaveBody = CreateWaveBody.pick({
  code: true,
  title: true,
  opensAt: true,
  closesAt: true,
  allowMissingTranslations: true,
})
  .extend({ questionnaireId: questionnaireId.optional() })
  .strict();
export type CloneWaveBody = z.infer<typeof CloneWaveBody>;

export const WaveAdmin = z
  .object({
    code: z.string(),
    title: LocalizedText,
    status: z.enum(['draft', 'open', 'closed', 'archived']),
    questionnaireId: z.string(),
    opensAt: z.string().nullable(),
    closesAt: z.string().nullable(),
    scope: z.object({ countries: z.array(Country), regions: z.array(z.string()) }),
    access: z.enum(['public', 'invitation']),
    anonymous: z.boolean(),
    noRegionalBreakdown: z.boolean(),
    acceptsAnswers: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string().nullable(),
    clonedFrom: z.string().nullable(),
    /** Decided by the server for the current state: the client shows, never re-derives, them. */
    editableFields: z.array(UpdateWaveBody.keyof()),
    allowedTransitions: z.array(LifecycleBody.shape.action),
    history: z.array(
      z.object({
        at: z.string(),
        by: z.string(),
        action: z.string(),
        from: z.string().nullable(),
        to: z.string().nullable(),
        fields: z.array(z.string()).optional(),
      }),
    ),
  })
  .meta({ id: 'WaveAdmin', description: 'A wave as its coordinator sees it: settings, history, what may change now' });
