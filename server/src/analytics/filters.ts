// Who is counted: filters on the respondent dimensions and on completion status, turned into a
// response query and into a sentence (ru/en/uk) that every page and export states as the base.
import type { Filters } from './filters.schema';
import {
  findRegion,
  municipalityTypes,
  respondentRoles,
  sizeClasses,
  type Localized,
} from '../reference/reference.service';

export { FilterFields, Filters } from './filters.schema';

export const DIMENSIONS = ['region', 'municipalityType', 'sizeClass', 'respondentRole'] as const;
export type Dimension = (typeof DIMENSIONS)[number];
/** The response field that holds each dimension. */
export const DIMENSION_FIELD: Record<Dimension, string> = {
  region: 'regionCode',
  municipalityType: 'municipalityType',
  sizeClass: 'sizeClass',
  respondentRole: 'respondentRole',
};

export const NO_FILTERS: Filters = { status: 'complete' };

/** Just the filters of a query or request that carries other fields too. */
export const filtersOf = (q: Filters): Filters => ({
  region: q.region,
  municipalityType: q.municipalityType,
  sizeClass: q.sizeClass,
  respondentRole: q.respondentRole,
  status: q.status,
});

export function isUnfiltered(f: Filters): boolean {
  return f.status === 'complete' && DIMENSIONS.every((d) => !f[d]?.length);
}

export function responseQuery(wave: string, f: Filters): Record<string, unknown> {
  const q: Record<string, unknown> = { waveCode: wave };
  if (f.status === 'complete') q.status = 'complete';
  for (const d of DIMENSIONS) {
    const values = f[d];
    if (values?.length) q[DIMENSION_FIELD[d]] = values.length === 1 ? values[0] : { $in: values };
  }
  return q;
}

const same = (s: string): Localized => ({ ru: s, en: s, uk: s });
const EMPTY: Localized = { ru: '(не указано)', en: '(not given)', uk: '(не вказано)' };

/** The label of a dimension value in ru/en/uk (the code itself when unknown). */
export function dimensionLabel(d: Dimension | 'none', code: string): Localized {
  if (code === '') return EMPTY;
  switch (d) {
    case 'region':
      return findRegion(code)?.names ?? same(code);
    case 'municipalityType':
      return municipalityTypes.find((t) => t.code === code)?.names ?? same(code);
    case 'sizeClass':
      return sizeClasses.find((t) => t.code === code)?.names ?? same(code);
    case 'respondentRole':
      return respondentRoles.find((t) => t.code === code)?.names ?? same(code);
    default:
      return same(code);
  }
}

export const DIMENSION_NAMES: Record<Dimension | 'none', Localized> = {
  region: { ru: 'Регион', en: 'Region', uk: 'Регіон' },
  municipalityType: { ru: 'Тип муниципального образования', en: 'Municipality type', uk: 'Тип громади' },
  sizeClass: { ru: 'Размер (численность населения)', en: 'Size class', uk: 'Розмір (чисельність населення)' },
  respondentRole: { ru: 'Должность респондента', en: 'Respondent role', uk: 'Посада респондента' },
  none: { ru: 'Все', en: 'All', uk: 'Усі' },
};

/** "Region: Vologda Oblast; Size class: Small" in each language; empty when nothing is filtered. */
export function describeFilters(f: Filters): Localized {
  const out = { ru: [] as string[], en: [] as string[], uk: [] as string[] };
  for (const d of DIMENSIONS) {
    const values = f[d];
    if (!values?.length) continue;
    for (const l of ['ru', 'en', 'uk'] as const) {
      out[l].push(`${DIMENSION_NAMES[d][l]}: ${values.map((v) => dimensionLabel(d, v)[l]).join(', ')}`);
    }
  }
  const status: Localized =
    f.status === 'complete'
      ? { ru: 'заполненные анкеты', en: 'completed responses', uk: 'заповнені анкети' }
      : {
          ru: 'все анкеты, включая незавершённые',
          en: 'all responses, incomplete ones too',
          uk: 'усі анкети, включно з незавершеними',
        };
  // These follow a "; " in the base line: no capital after a semicolon.
  const lower = (parts: string[]) => parts.map((x) => x.charAt(0).toLocaleLowerCase() + x.slice(1)).join('; ');
  return {
    ru: lower([`учтены: ${status.ru}`, ...out.ru]),
    en: lower([`counted: ${status.en}`, ...out.en]),
    uk: lower([`враховано: ${status.uk}`, ...out.uk]),
  };
}

type Forms = { one: string; few?: string; many?: string; other: string };
const PLURAL_RULES = { ru: new Intl.PluralRules('ru'), en: new Intl.PluralRules('en'), uk: new Intl.PluralRules('uk') };

/**
 * The form of a word for `n` by CLDR plural rules (the ones i18next uses on the client):
 * 1 респондент, 3 респондента, 8 респондентов, 21 респондент.
 */
export function plural(lng: 'ru' | 'en' | 'uk', n: number, forms: Forms): string {
  const category = PLURAL_RULES[lng].select(n) as keyof Forms;
  return forms[category] ?? forms.other;
}

/** "respondent(s)" agreed with `n` in each language. */
export function respondentsWord(n: number): Localized {
  return {
    ru: plural('ru', n, { one: 'респондент', few: 'респондента', many: 'респондентов', other: 'респондента' }),
    en: plural('en', n, { one: 'respondent', other: 'respondents' }),
    uk: plural('uk', n, { one: 'респондент', few: 'респонденти', many: 'респондентів', other: 'респондента' }),
  };
}
