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

/** A reference list entry (municipality type, size class, role, obstacle): a code and its names or labels. */
export const CodedSchema = z
  .object({
    code: z.string(),
    names: LocalizedText.optional(),
    labels: LocalizedText.optional(),
    country: z.string().optional(),
    min: z.number().optional(),
    max: z.number().nullable().optional(),
  })
  .meta({ id: 'Coded', description: 'A code with its names (or labels) in ru/en/uk' });
