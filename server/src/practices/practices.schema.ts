// zod schemas of the practices API: what an editor sends, what the public filters by, what comes back.
import { z } from 'zod';
import { LocalizedText, TABLE_FILE, TABLE_FORMAT } from '../http/shared-schemas';
import {
  COUNTRIES,
  FIELD_CODES,
  FORM_CODES,
  LANGUAGES,
  OBSTACLE_CODES,
  SIZE_CODES,
  TYPE_CODES,
  countryOfRegion,
} from './vocabulary';

export const PRACTICE_ID = /^[a-z0-9][a-z0-9-]{2,80}$/;

const text = (max: number) => z.string().trim().max(max);
const codes = (list: readonly string[], what: string) =>
  z
    .array(z.string().refine((c) => list.includes(c), { message: `unknown ${what} (one of ${list.join(', ')})` }))
    .max(list.length)
    .transform((a) => [...new Set(a)]);
const year = z.number().int().min(1950).max(2100).nullable();
const score = z.number().int().min(0).max(5).nullable();
const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((u) => /^https?:\/\/[^\s]+$/i.test(u), 'an http(s) address');

export const PracticeFieldsSchema = z
  .object({
    language: z.enum(LANGUAGES),
    title: text(300).min(1, 'the title is required'),
    problem: text(5000),
    actions: text(10000),
    results: text(5000),
    municipalities: z.array(text(200).min(1)).max(500),
    municipalityCount: z.number().int().min(1).max(10000).nullable(),
    country: z.enum(COUNTRIES).or(z.literal('')),
    regions: z
      .array(z.string().refine((r) => !!countryOfRegion(r), 'an ISO 3166-2 region code from the directory'))
      .max(100),
    municipalityTypes: codes(TYPE_CODES, 'municipality type'),
    sizeClasses: codes(SIZE_CODES, 'size class'),
    obstacles: codes(OBSTACLE_CODES, 'obstacle code'),
    forms: codes(FORM_CODES, 'form of cooperation'),
    fields: codes(FIELD_CODES, 'field'),
    yearFrom: year,
    yearTo: year,
    source: text(1000),
    contact: text(500),
    attachments: z.array(z.object({ title: text(200), url: httpUrl }).strict()).max(20),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.yearFrom !== null && p.yearTo !== null && p.yearTo < p.yearFrom)
      ctx.addIssue({ code: 'custom', path: ['yearTo'], message: 'the end year is before the start year' });
    if (p.country)
      p.regions.forEach((r, i) => {
        if (countryOfRegion(r) !== p.country)
          ctx.addIssue({ code: 'custom', path: ['regions', i], message: `${r} is not a region of ${p.country}` });
      });
  });
export type PracticeFields = z.infer<typeof PracticeFieldsSchema>;

export const ReviewSchema = z
  .object({ uniqueness: score, typicalProblem: score, replicability: score, note: text(2000) })
  .strict();
export type Review = z.infer<typeof ReviewSchema>;

export const CreatePracticeBody = z
  .object({ practice: PracticeFieldsSchema, status: z.enum(['draft', 'published']).optional() })
  .strict();
export const UpdatePracticeBody = z
  .object({
    version: z.number().int().min(1),
    practice: PracticeFieldsSchema.optional(),
    review: ReviewSchema.optional(),
  })
  .strict();
export const StatusBody = z.object({ version: z.number().int().min(1) }).strict();
export const PracticeParams = z.object({ id: z.string().regex(PRACTICE_ID, 'a practice id') }).strict();

const csvCodes = z
  .string()
  .max(400)
  .transform((s) => s.split(',').filter(Boolean));

export const BrowseQuery = z
  .object({
    q: z.string().trim().max(200).optional(),
    obstacle: z.string().max(40).optional(),
    field: z.string().max(40).optional(),
    country: z.enum(COUNTRIES).optional(),
    region: z.string().max(12).optional(),
    municipalityType: z.string().max(40).optional(),
    sizeClass: z.string().max(20).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).max(100000).default(0),
  })
  .strict();
export type BrowseQuery = z.infer<typeof BrowseQuery>;

export const EditorListQuery = z
  .object({ status: z.enum(['draft', 'published']).optional(), q: z.string().trim().max(200).optional() })
  .strict();

export const SuggestionsQuery = z
  .object({ obstacles: csvCodes.pipe(z.array(z.string().regex(/^[a-z_]{1,40}$/)).max(20)) })
  .strict();

export const ObstacleLinksQuery = z
  .object({
    region: z.string().max(12).optional(),
    country: z.enum(COUNTRIES).optional(),
    municipalityType: z.string().max(40).optional(),
  })
  .strict();

export const CoverageQuery = z
  .object({ wave: z.string().max(64).optional(), format: z.enum(['json', 'csv', 'xlsx']).default('json') })
  .strict();

export const ExportQuery = z
  .object({
    format: z.enum(['csv', 'xlsx', 'json']),
    status: z.enum(['draft', 'published', 'all']).default('all'),
  })
  .strict();

export const ImportBody = z
  .object({
    format: TABLE_FORMAT,
    data: TABLE_FILE,
    status: z.enum(['draft', 'published']).default('draft'),
  })
  .strict();

export const FromWaveParams = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).strict();

// ---- answers ----

const Attachment = z.object({ title: z.string(), url: z.string() });
export const PracticeOut = z
  .object({
    id: z.string(),
    version: z.number(),
    status: z.enum(['draft', 'published']),
    language: z.enum(LANGUAGES),
    title: z.string(),
    problem: z.string(),
    actions: z.string(),
    results: z.string(),
    municipalities: z.array(z.string()),
    municipalityCount: z.number().nullable(),
    country: z.enum(COUNTRIES).or(z.literal('')),
    regions: z.array(z.string()),
    municipalityTypes: z.array(z.string()),
    sizeClasses: z.array(z.string()),
    obstacles: z.array(z.string()),
    forms: z.array(z.string()),
    fields: z.array(z.string()),
    yearFrom: z.number().nullable(),
    yearTo: z.number().nullable(),
    source: z.string(),
    contact: z.string(),
    attachments: z.array(Attachment),
    createdAt: z.string(),
    updatedAt: z.string(),
    publishedAt: z.string().nullable(),
  })
  .meta({ id: 'Practice', description: 'A municipal practice of inter-municipal cooperation' });

export const PracticeEditorOut = PracticeOut.extend({
  review: z.object({
    uniqueness: z.number().nullable(),
    typicalProblem: z.number().nullable(),
    replicability: z.number().nullable(),
    note: z.string(),
  }),
  origin: z.object({ kind: z.enum(['manual', 'import', 'call']), waveCode: z.string().nullable() }),
  history: z.array(
    z.object({ at: z.string(), by: z.string(), action: z.string(), version: z.number(), fields: z.array(z.string()) }),
  ),
}).meta({ id: 'PracticeForEditors', description: 'A practice with its review scores and history' });

/** The fields of a practice that a list shows (in this order). */
export const PracticeSummaryOut = PracticeOut.pick({
  id: true,
  title: true,
  status: true,
  country: true,
  regions: true,
  obstacles: true,
  fields: true,
  municipalityTypes: true,
  yearFrom: true,
  yearTo: true,
  updatedAt: true,
  publishedAt: true,
}).meta({ id: 'PracticeSummary', description: 'A practice in a list' });

export const BrowseOut = z.object({
  total: z.number(),
  search: z.enum(['text-index', 'regex']).nullable(),
  items: z.array(PracticeSummaryOut),
});

export const ObstacleLinksOut = z.object({
  items: z.array(
    z.object({
      obstacle: z.string(),
      count: z.number(),
      practices: z.array(
        z.object({ id: z.string(), title: z.string(), nearness: z.enum(['region', 'country', 'type', 'other']) }),
      ),
    }),
  ),
});

/** The JSON export: every field of each practice, with its status and dates. */
export const PracticesExportOut = z.object({
  items: z.array(
    PracticeFieldsSchema.safeExtend({
      id: z.string(),
      status: z.enum(['draft', 'published']),
      createdAt: z.string(),
      updatedAt: z.string(),
      publishedAt: z.string().nullable(),
    }),
  ),
});

export const CoverageOut = z.object({
  wave: z.object({ code: z.string(), respondents: z.number() }).nullable(),
  rows: z.array(
    z.object({
      obstacle: z.string(),
      labels: LocalizedText,
      named: z.number().nullable(),
      suppressed: z.literal(true).optional(),
      share: z.number().nullable(),
      published: z.number(),
      drafts: z.number(),
      gap: z.boolean(),
    }),
  ),
  gaps: z.array(z.string()),
});

export const VocabularyOut = z.object({
  fields: z.array(z.object({ code: z.string(), names: LocalizedText })),
  forms: z.array(z.object({ code: z.string(), names: LocalizedText })),
});
