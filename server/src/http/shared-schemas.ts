// Schemas several routes share, registered under `components.schemas` of the API document
// (the `id` in `.meta()` is the component's name; every use becomes a $ref to it).
import { z } from 'zod';

export const LocalizedText = z
  .object({ ru: z.string(), en: z.string(), uk: z.string() })
  .meta({ id: 'LocalizedText', description: 'A text in Russian, English and Ukrainian' });

export const RegionSchema = z
  .object({
    code: z.string(),
    country: z.string(),
    names: LocalizedText,
    district: z.string().optional(),
    okato: z.string().optional(),
    kind: z.string().optional(),
  })
  .meta({ id: 'Region', description: 'A region (ISO 3166-2 code) with its country and names' });

/** A reference list entry (municipality type, respondent role): a code, its names, and its country when it has one. */
export const NamedCodeSchema = z
  .object({ code: z.string(), names: LocalizedText, country: z.string().optional() })
  .meta({ id: 'NamedCode', description: 'A code with its names in ru/en/uk' });

export const SizeClassSchema = z
  .object({ code: z.string(), min: z.number(), max: z.number().nullable(), names: LocalizedText })
  .meta({ id: 'SizeClass', description: 'A city size class: population from min to max (null: no upper bound)' });

export const ObstacleSchema = z
  .object({ code: z.string(), labels: LocalizedText })
  .meta({ id: 'Obstacle', description: 'An obstacle to inter-municipal cooperation: its code and labels' });

/** An object of whole-number counts, one per name (a job's figures, a response-rate row). */
export function countsSchema<K extends string>(...names: K[]): z.ZodObject<Record<K, z.ZodNumber>> {
  return z.object(Object.fromEntries(names.map((name) => [name, z.number().int()])) as Record<K, z.ZodNumber>);
}

/** An uploaded table's format, and its content: CSV as text, an XLSX workbook as base64 (at most about 3 MB). */
export const TABLE_FORMAT = z.enum(['csv', 'xlsx']);
export const TABLE_FILE = z.string().min(1, 'the file is empty').max(4_000_000, 'at most about 3 MB');
