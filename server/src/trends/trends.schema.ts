// Input and answer shapes of the trend routes (validation and the OpenAPI document).
import { z } from 'zod';
import { FilterFields } from '../analytics/filters';
import { KField } from '../analytics/analytics.schema';
import { LocalizedText } from '../http/shared-schemas';

const WAVE = /^[A-Za-z0-9_-]{1,64}$/;
/** `waves=a,b,c`: 2 to 12 wave codes in the order to show (oldest first). */
export const WaveList = z
  .string()
  .max(1000)
  .transform((s) => s.split(',').map((x) => x.trim()))
  .pipe(z.array(z.string().regex(WAVE)).min(2).max(12));

export const TrendsQuery = z
  .object({
    ...FilterFields,
    k: KField,
    waves: WaveList,
    question: z.string().min(1).max(200),
    measure: z.enum(['share', 'mean']).optional(),
    value: z.string().min(1).max(200).optional(),
  })
  .strict();
export type TrendsQuery = z.infer<typeof TrendsQuery>;

export const TrendsDownloadQuery = TrendsQuery.extend({
  lng: z.enum(['ru', 'en', 'uk']).default('ru'),
}).strict();

export const TrendQuestionsQuery = z.object({ waves: WaveList }).strict();

const point = z.object({
  wave: z.string(),
  n: z.number().int(),
  count: z.number().int().nullable(),
  value: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  suppressed: z.boolean(),
  smallBase: z.boolean(),
});
const line = z.object({ code: z.string(), names: LocalizedText, points: z.array(point) });

export const TrendsSchema = z.object({
  question: z.object({ name: z.string(), title: LocalizedText, kind: z.string(), numeric: z.boolean() }),
  measure: z.enum(['share', 'mean']),
  value: z.object({ code: z.string(), labels: LocalizedText }).nullable(),
  options: z.array(z.object({ value: z.string(), labels: LocalizedText })),
  measures: z.array(z.enum(['share', 'mean'])),
  waves: z.array(
    z.object({
      wave: z.string(),
      title: LocalizedText,
      questionnaire: z.string(),
      match: z.enum(['same', 'title-changed', 'missing']),
      // A union, not .nullable(): a nullable component comes out as allOf [ref, null], which null never matches.
      questionTitle: z.union([LocalizedText, z.null()]),
    }),
  ),
  overall: line,
  regions: z.array(line),
  minCell: z.number().int(),
  minimumK: z.number().int(),
  legend: LocalizedText,
  smallBase: z.number().int(),
  method: LocalizedText,
});

export const TrendQuestionsSchema = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      title: LocalizedText,
      kind: z.string(),
      /** The waves (codes) whose questionnaire has a question of this name. */
      waves: z.array(z.string()),
    }),
  ),
});
