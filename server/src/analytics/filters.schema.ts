// The filter part of every analysis and export query, apart from filters.ts so that schema
// modules import nothing but zod (filters.ts turns the parsed filters into queries and labels).
import { z } from 'zod';

const codeList = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}(,[A-Za-z0-9_-]{1,64}){0,200}$/, 'one or more codes separated by commas')
  .transform((s) => s.split(','));

/** The filter part of every analysis query (spread into `.strict()` objects). */
export const FilterFields = {
  region: codeList.optional(),
  municipalityType: codeList.optional(),
  sizeClass: codeList.optional(),
  respondentRole: codeList.optional(),
  status: z.enum(['complete', 'all']).default('complete'),
};
export const Filters = z.object(FilterFields).strict();
export type Filters = z.infer<typeof Filters>;
