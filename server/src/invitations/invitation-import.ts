// Reads a list of municipalities to invite from CSV text or an XLSX workbook and checks every
// row. Pure apart from parsing: no database. Either every row is valid, or the caller gets the
// problems of every bad row (by line) and imports nothing.
import { createHash } from 'node:crypto';
import type { InvalidParam } from '../http/errors';
import { readCsvTable } from '../exports/csv-read';
import { readXlsxTable } from '../exports/xlsx-read';
import { findRegion, municipalityTypes, regions } from '../reference/reference.service';
import { MUNICIPALITY_ID } from './invitations.schema';

export type MunicipalityRow = {
  line: number;
  id: string;
  name: string;
  regionCode: string;
  type: string;
  population: number | null;
  email: string;
  /** The language of its mails (ru/uk/en); null: from the country (see mail/templates.ts). */
  language: 'ru' | 'uk' | 'en' | null;
};

export const LANGUAGES = ['ru', 'uk', 'en'] as const;
/** Line breaks and other control characters: never in a name that may end up in a mail header. */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export const MAX_ROWS = 10_000;

type Field = 'id' | 'name' | 'regionCode' | 'type' | 'population' | 'email' | 'language';

// Column headings we recognise (compared lower-case, without spaces, dashes or underscores).
const ALIASES: Record<Field, string[]> = {
  id: ['id', 'municipalityid', 'код', 'кодмо', 'oktmo', 'октмо', 'ідентифікатор', 'кодгромади'],
  name: ['name', 'municipality', 'municipalityname', 'название', 'наименование', 'муниципалитет', 'назва', 'громада'],
  regionCode: ['region', 'regioncode', 'регион', 'кодрегиона', 'регіон', 'кодрегіону'],
  type: ['type', 'municipalitytype', 'тип', 'типмо', 'типмуниципалитета', 'типгромади'],
  population: ['population', 'население', 'численность', 'населення'],
  email: ['email', 'e-mail', 'mail', 'contactemail', 'почта', 'электроннаяпочта', 'пошта', 'електроннапошта'],
  language: ['language', 'lang', 'язык', 'мова'],
};
const REQUIRED: Field[] = ['name', 'regionCode', 'type', 'population', 'email'];

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '');
const fieldOf = (heading: string): Field | undefined =>
  (Object.keys(ALIASES) as Field[]).find((f) => ALIASES[f].some((a) => norm(a) === norm(heading)));

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type ImportScope = { countries: string[]; regions: string[] };

export type ParsedImport = { rows: MunicipalityRow[]; problems: InvalidParam[] };

/** A stable id for a row without one, so importing the same file twice creates nothing new. */
export function derivedId(regionCode: string, name: string): string {
  const digest = createHash('sha256').update(`${regionCode}|${name.trim().toLowerCase()}`).digest('hex');
  return `m-${digest.slice(0, 16)}`;
}

/** The region codes a wave's scope accepts: its regions, or every region of its countries. */
export function regionsInScope(scope: ImportScope): string[] {
  return scope.regions.length > 0
    ? [...scope.regions]
    : regions.filter((r) => scope.countries.includes(r.country)).map((r) => r.code);
}

/** The municipality type codes of the given countries (types without a country fit all). */
export function typesOf(countries: string[]): string[] {
  return municipalityTypes.filter((t) => !t.country || countries.includes(t.country)).map((t) => t.code);
}

/** Column 0 → "A", 26 → "AA" (as a spreadsheet names it). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

const clip = (v: string) => (v.length > 200 ? `${v.slice(0, 200)}…` : v);

/**
 * Checks cells (already as text, by heading) and builds the rows. Each problem names the line
 * and field, the column as the file shows it (`columnLabel`), the bad value and, for codes, the
 * codes that are allowed.
 */
export function checkRows(
  table: { line: number; cells: string[] }[],
  headings: string[],
  scope: ImportScope,
  columnLabel: (index: number) => string = (i) => String(i + 1),
): ParsedImport {
  const problems: InvalidParam[] = [];
  const column = new Map<Field, number>();
  headings.forEach((h, i) => {
    const f = fieldOf(h);
    if (f && !column.has(f)) column.set(f, i);
  });
  const missing = REQUIRED.filter((f) => !column.has(f));
  if (missing.length) {
    return {
      rows: [],
      problems: missing.map((f) => ({
        name: `line 1.${f}`,
        reason: `no "${ALIASES[f][0]}" column (the first line must name the columns: id, name, region, type, population, email)`,
        code: 'missing_column',
        allowed: ALIASES[f],
      })),
    };
  }
  if (table.length === 0) {
    return { rows: [], problems: [{ name: 'line 2', reason: 'the list has no municipalities', code: 'empty' }] };
  }
  if (table.length > MAX_ROWS) {
    return {
      rows: [],
      problems: [
        { name: `line ${MAX_ROWS + 2}`, reason: `at most ${MAX_ROWS} municipalities per import`, code: 'too_many' },
      ],
    };
  }
  const rows: MunicipalityRow[] = [];
  const seenIds = new Map<string, number>();
  const typeCodes = new Map(municipalityTypes.map((t) => [t.code, t]));
  const scopeRegions = regionsInScope(scope);
  for (const { line, cells } of table) {
    const get = (f: Field) => {
      const i = column.get(f);
      return i === undefined ? '' : (cells[i] ?? '').trim();
    };
    const bad = (f: Field, reason: string, code: string, extra: { allowed?: string[] } = {}) => {
      const value = get(f);
      problems.push({
        name: `line ${line}.${f}`,
        reason,
        code,
        column: columnLabel(column.get(f)!),
        ...(value ? { value: clip(value) } : {}),
        ...extra,
      });
    };
    const before = problems.length;

    const name = get('name');
    if (!name) bad('name', 'the name is empty', 'required');
    else if (name.length > 200) bad('name', 'at most 200 characters', 'too_long');
    else if (CONTROL_CHARS.test(name)) bad('name', 'no line breaks or control characters', 'control_characters');

    const languageText = get('language').toLowerCase();
    const language = (LANGUAGES as readonly string[]).includes(languageText)
      ? (languageText as MunicipalityRow['language'])
      : null;
    if (languageText && !language)
      bad('language', `"${get('language')}" is not one of ru, uk, en`, 'unknown_language', { allowed: [...LANGUAGES] });

    const regionCode = get('regionCode').toUpperCase();
    const region = findRegion(regionCode);
    if (!regionCode) bad('regionCode', 'the region code is empty', 'required', { allowed: scopeRegions });
    else if (!region)
      bad('regionCode', `unknown region code "${regionCode}" (ISO 3166-2, e.g. RU-VLG)`, 'unknown_region', {
        allowed: scopeRegions,
      });
    else if (!scopeRegions.includes(regionCode))
      bad('regionCode', `"${regionCode}" is outside the wave's scope`, 'region_outside_scope', {
        allowed: scopeRegions,
      });

    const type = get('type');
    const typeInfo = typeCodes.get(type);
    const typesHere = typesOf(region ? [region.country] : scope.countries);
    if (!type) bad('type', 'the municipality type is empty', 'required', { allowed: typesHere });
    else if (!typeInfo)
      bad('type', `unknown municipality type "${type}" (one of ${typesHere.join(', ')})`, 'unknown_type', {
        allowed: typesHere,
      });
    else if (region && typeInfo.country && typeInfo.country !== region.country)
      bad('type', `"${type}" is not a municipality type of ${region.country}`, 'type_country', {
        allowed: typesHere,
      });
    else if (!region && typeInfo.country && !scope.countries.includes(typeInfo.country))
      bad('type', `"${type}" is not a municipality type of ${scope.countries.join(', ')}`, 'type_country', {
        allowed: typesHere,
      });

    const populationText = get('population').replace(/[\s\u00a0]/g, '');
    let population: number | null = null;
    if (!populationText) bad('population', 'the population is empty', 'required');
    else if (!/^\d{1,9}$/.test(populationText))
      bad('population', `"${get('population')}" is not a whole number`, 'not_a_number');
    else population = Number(populationText);

    const email = get('email');
    if (!email) bad('email', 'the e-mail is empty', 'required');
    else if (email.length > 200 || !EMAIL.test(email))
      bad('email', `"${email}" is not an e-mail address`, 'invalid_email');

    let id = get('id');
    if (id && !MUNICIPALITY_ID.test(id)) bad('id', 'an id may use letters, digits, _ and - (up to 64)', 'invalid_id');
    if (!id && name && regionCode) id = derivedId(regionCode, name);
    if (id) {
      const first = seenIds.get(id);
      if (first !== undefined) {
        if (get('id')) bad('id', `the same municipality as line ${first}`, 'duplicate');
        else bad('name', `the same municipality as line ${first}`, 'duplicate');
      } else seenIds.set(id, line);
    }
    if (problems.length === before) {
      rows.push({ line, id, name, regionCode, type, population, email: email.toLowerCase(), language });
    }
  }
  return { rows, problems };
}

/** CSV with a heading line; `;`, `,` or tab separated (detected from the heading line). */
export function parseCsv(text: string, scope: ImportScope): ParsedImport {
  const table = readCsvTable(text, { trim: true, shortReason: true });
  return 'problems' in table ? { rows: [], problems: table.problems } : checkRows(table.rows, table.head, scope);
}

/** The first worksheet of an XLSX workbook; the first non-empty row names the columns. */
export async function parseXlsx(data: Buffer, scope: ImportScope): Promise<ParsedImport> {
  const table = await readXlsxTable(data, { trim: true });
  if ('problems' in table) return { rows: [], problems: table.problems };
  const headingLine = table.headLine;
  const result = checkRows(table.rows, table.head, scope, columnLetter);
  if (headingLine !== 1) {
    result.problems = result.problems.map((p) =>
      p.code === 'missing_column' ? { ...p, name: p.name.replace(/^line 1/, `line ${headingLine}`) } : p,
    );
  }
  return result;
}
