// Input schemas of the analysis routes (validation and the OpenAPI document), and the shapes
// of their answers for the document.
import { z } from 'zod';
import { FilterFields } from './filters.schema';
import { LocalizedText } from '../http/shared-schemas';

const localized = LocalizedText;
const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();
const name = z.string().min(1).max(200);

export const ByDimension = z.enum(['region', 'municipalityType', 'sizeClass', 'respondentRole', 'none']);

/**
 * `k`: hide cells of fewer than k respondents (and complementary cells), at least the wave's
 * minimum — below it, down to 1 (nothing hidden), for coordinators and admins only. Default: the
 * wave's minimum. `protect` is accepted for old links and ignored: the rule always applies.
 */
export const KField = z.coerce.number().int().min(1).max(50).optional();
const disclosure = { protect: flag, k: KField };
export const TallyQuery = z.object({ ...FilterFields, ...disclosure }).strict();
/** The region page: the tally's filters, and which page of its municipality list (1-based). */
export const RegionQuery = z
  .object({
    ...FilterFields,
    ...disclosure,
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(500).default(50),
  })
  .strict();
export const QuestionTallyQuery = z
  .object({ ...FilterFields, ...disclosure, by: ByDimension.default('region') })
  .strict();
export const CrosstabQuery = z.object({ ...FilterFields, ...disclosure, row: name, col: name }).strict();
export const CompareQuery = z
  .object({
    ...FilterFields,
    ...disclosure,
    a: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    b: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    question: name,
  })
  .strict();
export const TextsQuery = z
  .object({
    ...FilterFields,
    question: name.optional(),
    q: z.string().max(200).optional(),
    uncoded: flag,
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const QuestionParams = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), name }).strict();
export const RegionParams = z
  .object({ code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), region: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/) })
  .strict();
export const CodingParams = z
  .object({ code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), responseId: z.string().min(1).max(64), variable: name })
  .strict();

export const CodeBody = z.object({ code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) }).strict();
export const CustomCodeBody = z
  .object({
    variable: name,
    code: z.string().regex(/^[a-z0-9_]{1,40}$/, 'lower-case letters, digits and _'),
    labels: z
      .object({ ru: z.string().trim().min(1).max(200), en: z.string().trim().max(200), uk: z.string().trim().max(200) })
      .strict(),
  })
  .strict();
export const SettingsBody = z.object({ minCell: z.number().int().min(1).max(50) }).strict();

const cell = z.object({
  count: z.number().nullable(),
  share: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  suppressed: z.literal(true).optional(),
});
const base = z.object({
  respondents: z.number().int(),
  answered: z.number().int(),
  filters: localized,
  text: localized,
  description: z.string(),
});
const option = z.object({ value: z.string(), labels: localized });
/** The disclosure rule a table was built with (docs/disclosure.md). */
const rule = {
  minCell: z.number().int().describe('k this table was built with; 1 = nothing hidden'),
  minimumK: z.number().int().describe("the wave's minimum k"),
  protected: z.boolean(),
  legend: localized.describe('the rule, stated for the legend'),
  smallBase: z.number().int().describe('bases below this are flagged as small'),
};

/** A line of a table: its code and names, who it counts and who answered. */
const line = { code: z.string(), names: localized, respondents: z.number().int(), answered: z.number().int() };
const regionRow = z.object({ ...line, counts: z.record(z.string(), cell) });
export const ObstacleTallySchema = z.object({
  wave: z.object({ code: z.string(), title: localized }),
  base,
  ...rule,
  source: z.enum(['kept', 'scan']),
  variable: z.string().nullable(),
  obstacles: z.array(z.object({ code: z.string(), labels: localized })),
  regions: z.array(regionRow),
  countries: z.array(regionRow),
  total: z.object({ respondents: z.number().int(), answered: z.number().int(), counts: z.record(z.string(), cell) }),
});

const numbers = z
  .object({
    n: z.number(),
    sum: z.number(),
    mean: z.number(),
    median: z.number(),
    min: z.number(),
    max: z.number(),
    /** The median is taken from log-scale bins, within 1% of the true median. */
    approximate: z.literal(true).optional(),
  })
  .or(z.object({ suppressed: z.literal(true) }))
  .nullable();
const row = z.object({ ...line, cells: z.record(z.string(), cell), numbers: numbers.optional() });

export const QuestionTallySchema = z.object({
  wave: z.object({ code: z.string(), title: localized }),
  variable: z.object({
    name: z.string(),
    title: localized,
    kind: z.string(),
    type: z.string(),
    hasOther: z.boolean(),
    numeric: z.boolean(),
  }),
  by: ByDimension,
  byName: localized,
  base,
  ...rule,
  source: z.enum(['kept', 'scan']),
  options: z.array(option),
  groups: z.array(row),
  subtotals: z
    .array(row.extend({ regions: z.array(z.string()).describe("the codes of the country's regions") }))
    .describe('by region, when the regions span more than one country: one subtotal per country'),
  total: row,
});

export const VariablesSchema = z.object({
  items: z.array(
    z.object({
      name: z.string(),
      question: z.string(),
      type: z.string(),
      kind: z.enum(['single', 'multi', 'numeric', 'text']),
      title: localized,
      options: z.array(option),
      role: z.string().optional(),
      hasOther: z.boolean(),
      numeric: z.boolean(),
    }),
  ),
});

const variableRef = z.object({
  name: z.string().describe('the question, or `@region` (`@municipalityType`...) for a profile dimension'),
  title: localized,
  kind: z.enum(['single', 'multi', 'numeric', 'text']),
});
export const CrosstabSchema = z
  .object({
    wave: z.object({ code: z.string(), title: localized }),
    row: variableRef,
    col: variableRef,
    rows: z.array(option),
    cols: z.array(option),
    cells: z
      .array(
        z.array(
          z.object({
            count: z.number().nullable(),
            rowShare: z.number().nullable(),
            colShare: z.number().nullable(),
            suppressed: z.literal(true).optional(),
          }),
        ),
      )
      .describe('cells[i][j]: respondents with row answer i and column answer j'),
    rowTotals: z.array(z.number().nullable()),
    colTotals: z.array(z.number().nullable()),
    n: z.number().int(),
    chiSquare: z
      .object({
        statistic: z.number(),
        df: z.number(),
        p: z.number(),
        lowExpected: z.number(),
        cells: z.number(),
        warning: z.boolean(),
      })
      .nullable(),
    test: z
      .union([
        z.object({ method: z.enum(['chi-square', 'fisher']), p: z.number() }),
        z.object({ method: z.literal('invalid'), p: z.null() }),
      ])
      .nullable()
      .describe('chi-square p when valid; Fisher exact p for a 2 × 2 table with an expected count below 5'),
    noTest: z
      .enum(['multi', 'too_small'])
      .optional()
      .describe('why there is no test: a multiple-choice question, or fewer than 2 non-empty rows or columns'),
    base: z.object({ respondents: z.number().int(), filters: localized, text: localized }),
    source: z
      .enum(['kept', 'scan'])
      .describe('kept: a profile dimension × a question, from the kept cube; scan: two questions, from the responses'),
    ...rule,
  })
  .meta({ id: 'Crosstab' });

const waveRef = z.object({ code: z.string(), title: localized });
const shortBase = z.object({ filters: localized, text: localized });
const side = z
  .object({
    respondents: z.number().int(),
    answered: z.number().int(),
    cells: z.record(z.string(), cell),
    numbers: numbers.optional(),
  })
  .nullable();

const compareRow = z.object({
  code: z.string(),
  names: localized,
  presence: z.enum(['both', 'a', 'b']),
  a: side,
  b: side,
  changes: z.record(
    z.string(),
    z
      .object({
        pp: z.number(),
        z: z.number().nullable(),
        p: z.number().nullable(),
        test: z.enum(['fisher', 'z']).nullable(),
      })
      .nullable(),
  ),
  numberChange: z.object({ abs: z.number(), rel: z.number().nullable() }).nullable().optional(),
  smallBase: z.boolean(),
  sumChange: z.object({ abs: z.number(), rel: z.number().nullable() }).nullable().optional(),
});

export const ComparisonSchema = z.object({
  a: waveRef.extend({ questionnaire: z.string() }),
  b: waveRef.extend({ questionnaire: z.string() }),
  variable: z.object({ name: z.string(), title: localized, kind: z.string(), numeric: z.boolean() }),
  options: z.array(option),
  regions: z.array(compareRow),
  total: compareRow,
  base: shortBase,
  ...rule,
});
export const RegionProfileSchema = z.object({
  wave: waveRef,
  region: z.object({ code: z.string(), names: localized, country: z.string() }),
  respondents: z.object({ region: z.number().int(), country: z.number().int(), overall: z.number().int() }),
  baseline: z.object({
    kind: z.literal('rest-of-country'),
    country: z.string(),
    names: localized,
    respondents: z.number().int(),
  }),
  base: shortBase,
  obstacles: z.array(
    z.object({
      code: z.string(),
      labels: localized,
      region: cell,
      country: cell,
      overall: cell,
      diffPp: z.number().nullable(),
      p: z.number().nullable(),
      test: z.enum(['fisher', 'z']).nullable(),
      smallBase: z.boolean(),
    }),
  ),
  municipalities: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      sizeClass: z.string(),
      status: z.enum(['not_started', 'started', 'completed', 'revoked', 'responded']),
      respondedAt: z.string().nullable(),
      /** responses through the public link from this municipality (rows of status `responded`) */
      responses: z.number().int().optional(),
    }),
  ),
  municipalitiesPage: z
    .object({ page: z.number().int(), pageSize: z.number().int(), total: z.number().int() })
    .describe('the page of `municipalities` (1-based), its size, and how many municipalities there are in all'),
  municipalitiesSource: z.literal('invitations+responses'),
  ...rule,
});

export const TextAnswersSchema = z.object({
  questions: z.array(z.object({ name: z.string(), title: localized, kind: z.enum(['text', 'other']) })),
  total: z.number().int(),
  items: z.array(
    z.object({
      responseId: z.string(),
      region: z.string(),
      municipality: z.string(),
      variable: z.string(),
      kind: z.enum(['text', 'other']),
      text: z.string(),
      code: z.string().nullable(),
    }),
  ),
});

export const CodingSchema = z.object({
  responseId: z.string(),
  variable: z.string(),
  region: z.string(),
  chosen: z.array(z.string()),
  code: z.string(),
});
export const CustomCodeSchema = z.object({ code: z.string(), labels: localized });
export const CustomCodesSchema = z.object({
  items: z.array(z.object({ variable: z.string(), codes: z.array(option) })),
});
