// Shapes of the publication routes (validation and the OpenAPI document).
import { z } from 'zod';
import { LocalizedText } from '../http/shared-schemas';

const WAVE = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
export const PublicationParams = z.object({ code: WAVE }).strict();
/** The public k: hide figures of fewer than k respondents (never below the wave's minimum). */
export const PublishBody = z.object({ k: z.number().int().min(2).max(50).default(5) }).strict();
export const PublicTrendsQuery = z
  .object({
    question: z.string().min(1).max(200),
    value: z.string().min(1).max(200).optional(),
    measure: z.enum(['share', 'mean']).optional(),
  })
  .strict();

export const PublicationSchema = z.object({
  wave: z.string(),
  published: z.boolean(),
  k: z.number().int().nullable(),
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
  dataAsOf: z.string().nullable(),
  path: z.string(),
});

const cell = z.object({
  count: z.number().int().nullable(),
  share: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  suppressed: z.literal(true).optional(),
});
const row = z.object({
  code: z.string(),
  names: LocalizedText,
  answered: z.number().int(),
  cells: z.record(z.string(), cell),
  smallBase: z.boolean(),
});
export const PublicResultsSchema = z.object({
  wave: z.object({
    code: z.string(),
    title: LocalizedText,
    questionnaire: z.object({ key: z.string(), version: z.number().int() }),
  }),
  dataAsOf: z.string(),
  k: z.number().int(),
  smallBase: z.number().int(),
  legend: LocalizedText,
  respondents: z.number().int(),
  questions: z.array(
    z.object({
      name: z.string(),
      title: LocalizedText,
      kind: z.string(),
      options: z.array(z.object({ value: z.string(), labels: LocalizedText })),
      total: row,
      regions: z.array(row),
    }),
  ),
  series: z.array(z.object({ code: z.string(), title: LocalizedText })),
});
