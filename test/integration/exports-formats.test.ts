// Every export parsed back and compared with the database: raw CSV (both delimiters) and XLSX,
// the codebook, SPSS and R syntax, the data package, and the analysis tables (base stated,
// small cells suppressed, formulas neutralised).
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { download, useAgent, useTestApp } from '../helpers/app';
import { createFixtureWave, type StoredResponse, storedResponses } from '../helpers/fixtures';
import { agentAs, type TestAgent } from '../helpers/auth';
import { spssNames } from '../../server/src/exports/labelled';
import { z } from 'zod';
import {
  CodingSchema,
  ComparisonSchema,
  CustomCodeSchema,
  CustomCodesSchema,
  RegionProfileSchema,
  TextAnswersSchema,
} from '../../server/src/analytics/analytics.schema';

const app = useTestApp();
const researcher = useAgent(app, ['researcher']);
let wave: string;

const ROWS: Record<string, unknown>[] = [
  {
    region: 'RU-VLG',
    municipality: 'Тотьма',
    municipality_type: 'urban_okrug',
    population: 9500,
    obstacles: ['funding', 'legal'],
    severity: { funding: 5 },
    has_experience: true,
    satisfaction: 4,
  },
  {
    region: 'RU-VLG',
    municipality: '+Кириллов',
    municipality_type: 'urban_okrug',
    population: 7000,
    obstacles: ['funding'],
    has_experience: false,
    satisfaction: 2,
    comment: '@SUM(1+1)',
  },
  {
    region: 'RU-VLG',
    municipality: 'Белозерск',
    municipality_type: 'rural_settlement',
    obstacles: ['funding', 'other'],
    'obstacles-Comment': '-дороги',
    has_experience: false,
  },
  {
    region: 'RU-MOS',
    municipality: 'Руза',
    municipality_type: 'urban_okrug',
    population: 30000,
    obstacles: ['staff'],
    has_experience: true,
    satisfaction: 5,
  },
];

const get = (path: string) => download(researcher, path);

function csv(buf: Buffer, delimiter: string): Record<string, string>[] {
  const text = buf.toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  return parse(text.slice(1), { columns: true, delimiter, comment: '#' }) as Record<string, string>[];
}

async function workbook(buf: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ExcelJS.Buffer);
  return wb;
}

let docs: StoredResponse[];

beforeAll(async () => {
  wave = await createFixtureWave();
  for (const answers of ROWS) {
    const res = await request(app)
      .post(`/api/waves/${wave}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers });
    expect(res.status).toBe(201);
  }
  docs = await storedResponses(wave);
});

function expectRowMatchesDb(row: Record<string, string | number | null>, d: StoredResponse) {
  const a = d.answers;
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  expect(s(row.region_code)).toBe(d.regionCode);
  expect(s(row.municipality).replace(/^'/, '')).toBe(d.municipality);
  for (const o of ['funding', 'experience', 'legal', 'staff', 'other'])
    expect(s(row[`obstacles_${o}`])).toBe((a.obstacles as string[]).includes(o) ? '1' : '0');
  expect(s(row.population)).toBe(s(a.population));
  expect(s(row.severity_funding)).toBe(s((a.severity as Record<string, unknown> | undefined)?.funding));
  expect(s(row.has_experience)).toBe(s(a.has_experience));
  expect(s(row.satisfaction)).toBe(s(a.satisfaction));
}

describe('raw responses', () => {
  it.each([
    ['comma', ','],
    ['semicolon', ';'],
  ])('CSV with %s: one row per response, equal to the database; formulas neutralised', async (name, delimiter) => {
    const records = csv(await get(`/api/waves/${wave}/exports/responses.csv?delimiter=${name}`), delimiter);
    expect(records).toHaveLength(docs.length);
    for (const d of docs)
      expectRowMatchesDb(
        records.find((r) => r.response_id === d._id)!,
        d,
      );
    const kir = records.find((r) => r.municipality.includes('Кириллов'))!;
    expect(kir.municipality).toBe("'+Кириллов");
    expect(kir.comment).toBe("'@SUM(1+1)");
    expect(records.find((r) => r.obstacles_other === '1')!.obstacles_other_text).toBe("'-дороги");
    expect(Object.keys(records[0])).toEqual(
      expect.arrayContaining([
        'wave',
        'questionnaire',
        'questionnaire_version',
        'submitted_at',
        'size_class',
        'obstacles_other_code',
      ]),
    );
  });

  it('XLSX: the same rows, numbers as numbers, and a codebook sheet', async () => {
    const wb = await workbook(await get(`/api/waves/${wave}/exports/responses.xlsx`));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['responses', 'Кодовая книга']);
    const ws = wb.getWorksheet('responses')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    const rows: Record<string, string | number | null>[] = [];
    ws.eachRow((row, i) => {
      if (i === 1) return;
      const values = (row.values as unknown[]).slice(1);
      rows.push(Object.fromEntries(header.map((h, j) => [h, (values[j] ?? null) as string | number | null])));
    });
    expect(rows).toHaveLength(docs.length);
    for (const d of docs)
      expectRowMatchesDb(
        rows.find((r) => r.response_id === d._id)!,
        d,
      );
    expect(typeof rows.find((r) => r.population !== null)!.population).toBe('number');
    // Timestamps are date cells with a display format, to the second as in the database.
    const submitted = header.indexOf('submitted_at') + 1;
    const cell = ws.getRow(2).getCell(submitted);
    expect(cell.value).toBeInstanceOf(Date);
    expect(cell.numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    const first = docs.find((d) => d._id === ws.getRow(2).getCell(1).value)!;
    expect(Math.abs((cell.value as Date).getTime() - first.submittedAt.getTime())).toBeLessThan(1000);
  });

  it('codebook: every column of the CSV, question text in ru/en/uk, value codes and labels', async () => {
    const header = Object.keys(csv(await get(`/api/waves/${wave}/exports/responses.csv?delimiter=comma`), ',')[0]);
    const book = csv(await get(`/api/waves/${wave}/exports/codebook.csv?delimiter=comma&locale=en`), ',');
    const variables = book.filter((r) => r.Code === '').map((r) => r.Variable);
    expect(variables).toEqual(header);
    const mt = book.filter((r) => r.Variable === 'municipality_type' && r.Code !== '');
    expect(mt.find((r) => r.Code === 'urban_okrug')!['Label (ru)']).toBe('Городской округ');
    const funding = book.filter((r) => r.Variable === 'obstacles_funding' && r.Code !== '');
    expect(funding.map((r) => r.Code)).toEqual(['0', '1']);
  });

  it('SPSS syntax and R script name every variable and label the values', async () => {
    const header = Object.keys(csv(await get(`/api/waves/${wave}/exports/responses.csv`), ';')[0]);
    const sps = (await get(`/api/waves/${wave}/exports/responses.sps`)).toString('utf8');
    expect(sps).toContain(`/FILE='${wave}-responses.csv'`);
    expect(sps).toContain("/DELIMITERS=';'");
    const renamed = spssNames(header.map((name) => ({ name })));
    expect(renamed).toEqual(new Map([['comment', 'q_comment']]));
    for (const h of header) expect(sps).toMatch(new RegExp(`^    ${renamed.get(h) ?? h} `, 'm'));
    expect(sps).toMatch(/^\* {3}comment > q_comment\r$/m);
    expect(sps).toMatch(/VALUE LABELS[\s\S]*obstacles_funding\r\n {4}0 'не выбрано'\r\n {4}1 'выбрано'/);
    expect(sps).toContain("'urban_okrug' 'Городской округ'");
    const r = (await get(`/api/waves/${wave}/exports/responses.R?delimiter=comma`)).toString('utf8');
    expect(r).toContain(`csv_file <- "${wave}-responses.csv"`);
    expect(r).toContain('read.csv(csv_file, sep = ","');
    expect(r).toContain(
      [
        'responses[["has_experience"]] <- factor(responses[["has_experience"]],',
        '  levels = c(',
        '    "true",',
        '    "false"',
        '  ),',
        '  labels = c(',
        '    "\\u0414\\u0430",',
        '    "\\u041d\\u0435\\u0442"',
        '  )',
        ')',
      ].join('\n'),
    );
    // Checkboxes stay 0/1 numbers with their value labels as an attribute.
    expect(r).toContain('attr(responses[["obstacles_funding"]], "labels") <- setNames(\n  c(0, 1),');
    for (const h of header) expect(r).toContain(`attr(responses[["${h}"]], "label")`);
  });

  it('data package: a field per CSV column with types and value labels', async () => {
    const header = Object.keys(csv(await get(`/api/waves/${wave}/exports/responses.csv`), ';')[0]);
    const pkg = JSON.parse((await get(`/api/waves/${wave}/exports/datapackage.json`)).toString('utf8'));
    const res = pkg.resources[0];
    expect(res.path).toBe(`${wave}-responses.csv`);
    expect(res.dialect.delimiter).toBe(';');
    const fields = res.schema.fields as {
      name: string;
      type: string;
      categories?: { value: unknown; label: string }[];
    }[];
    expect(fields.map((f) => f.name)).toEqual(header);
    expect(fields.find((f) => f.name === 'population')!.type).toBe('number');
    expect(fields.find((f) => f.name === 'satisfaction')!.type).toBe('integer');
    expect(fields.find((f) => f.name === 'obstacles_funding')!.categories).toEqual([
      { value: 0, label: 'не выбрано' },
      { value: 1, label: 'выбрано' },
    ]);
  });

  it.each([
    ['semicolon', ';'],
    ['tab', '\t'],
  ])(
    'data package (%s): the descriptor keeps the Data Package v2 rules; every resource reads back and type-checks',
    async (name, delimiter) => {
      const pkg = JSON.parse(
        (await get(`/api/waves/${wave}/exports/datapackage.json?delimiter=${name}`)).toString('utf8'),
      ) as DataPackage;
      expect(checkDataPackageV2(pkg)).toEqual([]);
      expect(pkg.resources[0].dialect!.delimiter).toBe(delimiter);
      for (const resource of pkg.resources) {
        // The resource's file is what the CSV export serves beside the descriptor.
        expect(resource.path).toBe(`${wave}-responses.csv`);
        const bytes = await get(`/api/waves/${wave}/exports/responses.csv?delimiter=${name}`);
        const rows = readResource(resource, bytes);
        expect(rows).toHaveLength(docs.length);
        for (const d of docs) {
          const row = rows.find((r) => r.response_id === d._id)!;
          expect(row.submitted_at).toEqual(new Date(Math.floor(d.submittedAt.getTime() / 1000) * 1000));
          expect(row.region_code).toBe(d.regionCode);
          expect(row.population).toBe(d.answers.population ?? null);
          expect(row.satisfaction).toBe(d.answers.satisfaction ?? null);
          expect(row.obstacles_funding).toBe((d.answers.obstacles as string[]).includes('funding') ? 1 : 0);
        }
      }
      // The checks can fail: a v1-style descriptor is refused.
      const old = structuredClone(pkg);
      old.resources[0].encoding = 'utf-8-sig';
      old.resources[0].schema!.fields[0].type = 'text';
      (old as { created: string }).created = 'yesterday';
      expect(checkDataPackageV2(old)).toEqual([
        'created: not an RFC 3339 date-time',
        'resources[0].encoding: utf-8-sig is not an IANA character set name',
        'resources[0].schema.fields[0].type: text is not a v2 field type',
      ]);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Data Package v2 (https://datapackage.org/standard/): the documented rules, written as checks.

type Field = {
  name: string;
  type: string;
  format?: string;
  title?: string;
  description?: string;
  categories?: (string | number | { value: string | number; label: string })[];
  categoriesOrdered?: boolean;
  constraints?: { required?: boolean; unique?: boolean; enum?: unknown[] };
};
type Resource = {
  name: string;
  type?: string;
  path?: string | string[];
  data?: unknown;
  format?: string;
  mediatype?: string;
  encoding?: string;
  dialect?: {
    $schema?: string;
    header?: boolean;
    delimiter?: string;
    lineTerminator?: string;
    quoteChar?: string;
    doubleQuote?: boolean;
  };
  schema?: {
    $schema?: string;
    fields: Field[];
    missingValues?: (string | { value: string; label: string })[];
    primaryKey?: string[];
  };
};
type DataPackage = { $schema?: string; name?: string; created?: string; resources: Resource[] };

const V2_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'object',
  'array',
  'list',
  'datetime',
  'date',
  'time',
  'year',
  'yearmonth',
  'duration',
  'geopoint',
  'geojson',
  'any',
];
/** The IANA preferred names of the character sets a CSV reader is expected to know. */
const IANA_CHARSETS = [
  'utf-8',
  'utf-16',
  'utf-16le',
  'utf-16be',
  'iso-8859-1',
  'iso-8859-5',
  'windows-1251',
  'koi8-r',
  'koi8-u',
  'us-ascii',
];
const NAME = /^[a-z0-9._-]+$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DEFAULT_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

function checkDataPackageV2(pkg: DataPackage): string[] {
  const out: string[] = [];
  const say = (where: string, what: string) => out.push(`${where}: ${what}`);
  if (
    pkg.$schema !== undefined &&
    !/^https:\/\/datapackage\.org\/profiles\/2\.\d+\/datapackage\.json$/.test(pkg.$schema)
  )
    say('$schema', 'not a v2 Data Package profile');
  if (pkg.name !== undefined && !NAME.test(pkg.name)) say('name', 'not lower-case alphanumeric with . - _');
  if (pkg.created !== undefined && !(RFC3339.test(pkg.created) && !Number.isNaN(Date.parse(pkg.created))))
    say('created', 'not an RFC 3339 date-time');
  if (!Array.isArray(pkg.resources) || pkg.resources.length === 0) say('resources', 'must be a non-empty array');
  const names = new Set<string>();
  (pkg.resources ?? []).forEach((r, i) => {
    const at = `resources[${i}]`;
    if (typeof r.name !== 'string' || !NAME.test(r.name)) say(`${at}.name`, 'missing or not a valid name');
    if (names.has(r.name)) say(`${at}.name`, 'not unique');
    names.add(r.name);
    if ((r.path === undefined) === (r.data === undefined)) say(at, 'needs exactly one of path and data');
    for (const p of [r.path ?? []].flat())
      if (typeof p !== 'string' || p.startsWith('/') || p.startsWith('~') || p.includes('..') || p.includes('\\'))
        say(`${at}.path`, 'not a relative POSIX path');
    if (r.type !== undefined && r.type !== 'table') say(`${at}.type`, 'only "table" is defined');
    if (r.encoding !== undefined && !IANA_CHARSETS.includes(r.encoding.toLowerCase()))
      say(`${at}.encoding`, `${r.encoding} is not an IANA character set name`);
    if (r.mediatype !== undefined && !/^[a-z]+\/[a-z0-9.+-]+$/.test(r.mediatype))
      say(`${at}.mediatype`, 'not a media type');
    const d = r.dialect;
    if (d) {
      if (
        d.$schema !== undefined &&
        !/^https:\/\/datapackage\.org\/profiles\/2\.\d+\/tabledialect\.json$/.test(d.$schema)
      )
        say(`${at}.dialect.$schema`, 'not the v2 table dialect profile');
      if (d.header !== undefined && typeof d.header !== 'boolean') say(`${at}.dialect.header`, 'not a boolean');
      if (d.delimiter !== undefined && [...d.delimiter].length !== 1)
        say(`${at}.dialect.delimiter`, 'not one character');
      if (d.quoteChar !== undefined && [...d.quoteChar].length !== 1)
        say(`${at}.dialect.quoteChar`, 'not one character');
      if (d.doubleQuote !== undefined && typeof d.doubleQuote !== 'boolean')
        say(`${at}.dialect.doubleQuote`, 'not a boolean');
      if (d.lineTerminator !== undefined && typeof d.lineTerminator !== 'string')
        say(`${at}.dialect.lineTerminator`, 'not a string');
    }
    const s = r.schema;
    if (!s) return;
    if (s.$schema !== undefined && !/^https:\/\/datapackage\.org\/profiles\/2\.\d+\/tableschema\.json$/.test(s.$schema))
      say(`${at}.schema.$schema`, 'not the v2 table schema profile');
    const fieldNames = new Set<string>();
    s.fields.forEach((f, j) => {
      const fat = `${at}.schema.fields[${j}]`;
      if (typeof f.name !== 'string' || f.name === '') say(`${fat}.name`, 'missing');
      if (fieldNames.has(f.name)) say(`${fat}.name`, 'not unique');
      fieldNames.add(f.name);
      if (!V2_TYPES.includes(f.type)) say(`${fat}.type`, `${f.type} is not a v2 field type`);
      if (
        f.format !== undefined &&
        f.type === 'datetime' &&
        f.format !== 'default' &&
        f.format !== 'any' &&
        !f.format.includes('%')
      )
        say(`${fat}.format`, 'not default, any or a pattern');
      const valueOk = (v: unknown) =>
        f.type === 'integer'
          ? Number.isInteger(v)
          : f.type === 'number'
            ? typeof v === 'number'
            : typeof v === 'string';
      if (f.categories !== undefined) {
        if (!['string', 'integer'].includes(f.type)) say(`${fat}.categories`, 'only for string and integer fields');
        for (const c of f.categories) {
          const v = typeof c === 'object' ? c.value : c;
          if (!valueOk(v)) say(`${fat}.categories`, `${JSON.stringify(v)} does not match the field type`);
          if (typeof c === 'object' && typeof c.label !== 'string') say(`${fat}.categories`, 'a label is not a string');
        }
      }
      if (f.categoriesOrdered !== undefined && typeof f.categoriesOrdered !== 'boolean')
        say(`${fat}.categoriesOrdered`, 'not a boolean');
      for (const v of f.constraints?.enum ?? [])
        if (!valueOk(v)) say(`${fat}.constraints.enum`, `${JSON.stringify(v)} does not match the field type`);
    });
    for (const m of s.missingValues ?? [])
      if (typeof m !== 'string' && (typeof m?.value !== 'string' || typeof m.label !== 'string'))
        say(`${at}.schema.missingValues`, 'an entry is neither a string nor {value, label}');
    for (const k of s.primaryKey ?? []) if (!fieldNames.has(k)) say(`${at}.schema.primaryKey`, `${k} is not a field`);
  });
  return out;
}

/** Reads a resource as its descriptor says (dialect, encoding, missing values) and casts every value to its field type. */
function readResource(r: Resource, bytes: Buffer): Record<string, unknown>[] {
  // The WHATWG UTF-8 decoder (like any UTF-8 reader) drops a leading byte-order mark.
  const text = new TextDecoder(r.encoding ?? 'utf-8', { fatal: true }).decode(bytes);
  const d = r.dialect ?? {};
  const records = parse(text, {
    delimiter: d.delimiter ?? ',',
    quote: d.quoteChar ?? '"',
    record_delimiter: d.lineTerminator ?? '\r\n',
    relax_quotes: false,
  }) as string[][];
  const fields = r.schema!.fields;
  const header = d.header === false ? null : records.shift()!;
  if (header) expect(header).toEqual(fields.map((f) => f.name));
  const missing = new Set((r.schema!.missingValues ?? ['']).map((m) => (typeof m === 'string' ? m : m.value)));
  const seen = new Map<string, Set<unknown>>();
  return records.map((rec, i) => {
    expect(rec).toHaveLength(fields.length);
    const row: Record<string, unknown> = {};
    fields.forEach((f, j) => {
      const raw = rec[j];
      let v: unknown = null;
      if (!missing.has(raw)) {
        const bad = () => {
          throw new Error(`row ${i + 1}, ${f.name}: ${JSON.stringify(raw)} is not a valid ${f.type}`);
        };
        if (f.type === 'integer') v = /^[-+]?\d+$/.test(raw) ? Number(raw) : bad();
        else if (f.type === 'number') v = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(raw) ? Number(raw) : bad();
        else if (f.type === 'datetime')
          v = (f.format ?? 'default') === 'default' && DEFAULT_DATETIME.test(raw) ? new Date(raw) : bad();
        else if (f.type === 'string') v = raw;
        else bad();
        if (f.constraints?.enum && !f.constraints.enum.includes(v))
          throw new Error(`row ${i + 1}, ${f.name}: ${JSON.stringify(v)} is not among the enum values`);
      } else if (f.constraints?.required) throw new Error(`row ${i + 1}, ${f.name}: required`);
      if (f.constraints?.unique && v !== null) {
        const s = seen.get(f.name) ?? new Set();
        if (s.has(v)) throw new Error(`row ${i + 1}, ${f.name}: not unique`);
        seen.set(f.name, s.add(v));
      }
      row[f.name] = v;
    });
    return row;
  });
}

describe('analysis tables', () => {
  it('tally XLSX: three sheets, base and filters stated, small cells suppressed (k = 3 by default)', async () => {
    const wb = await workbook(await get(`/api/waves/${wave}/exports/tally.xlsx?municipalityType=urban_okrug`));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Препятствия по регионам',
      'Препятствия в целом',
      'Респонденты по регионам',
      'Примечания',
    ]);
    // Title, base and filters: on the notes sheet, a table of (sheet, note) from row 1.
    const notesSheet = wb.getWorksheet('Примечания')!;
    expect((notesSheet.getRow(1).values as unknown[]).slice(1)).toEqual(['Лист', 'Примечание']);
    const notes: string[] = [];
    notesSheet.eachRow((r, i) => {
      if (i > 1 && r.getCell(1).value === 'Препятствия по регионам') notes.push(String(r.getCell(2).value));
    });
    expect(notes[0]).toBe('Препятствия по регионам');
    expect(notes.join(' ')).toContain('База: 3 респондента,');
    expect(notes.join(' ')).toContain('тип муниципального образования: Городской округ');
    expect(notes.join(' ')).toContain('менее чем на 3');
    // The table itself starts at row 1: header, then Vologda (2 urban okrugs: suppressed), Moscow (1), total (3)
    const ws = wb.worksheets[0];
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    expect(header.slice(0, 3)).toEqual(['Код', 'Регион', 'Респондентов']);
    const at = (row: number, col: string) => ws.getRow(row).getCell(header.indexOf(col) + 1).value;
    const funding = 'Недостаток финансовых ресурсов';
    expect(at(2, 'Регион')).toBe('Вологодская область');
    expect(at(2, `${funding}, чел.`)).toBe('[c]');
    expect(at(4, 'Регион')).toBe('Всего');
    expect(at(4, `${funding}, чел.`)).toBe('[c]'); // 2 of 3: below k
    // The legend of the rule, as on screen, and the small-base flag.
    expect(notes.join(' ')).toContain('[c] — скрыто: значение меньше 3 респондентов');
    expect(at(4, 'Малая база (<30)')).toBe('*');
    expect(at(4, 'Респондентов')).toBe(3);
    expect(ws.rowCount).toBe(4);
    for (const w of wb.worksheets.slice(0, 3)) expect(w.getRow(1).getCell(1).value).toBe('Код');
  });

  it('crosstab CSV: counts with totals and the chi-square stated; XLSX: counts, row %, column %', async () => {
    const base = `/api/waves/${wave}/exports/crosstab`;
    const q = '?row=municipality_type&col=has_experience&delimiter=comma&locale=en';
    const text = (await get(`${base}.csv${q}`)).toString('utf8');
    expect(text).toMatch(/# Base: 4 respondents who answered both questions/);
    // 2 × 2 with expected counts below 5: the chi-square p is not valid, Fisher's exact test instead
    // Rscript -e 'fisher.test(matrix(c(2,1,0,1),2,byrow=TRUE))$p.value' → 1
    expect(text).toMatch(/# Chi-square = 1\.3333, degrees of freedom: 1\r\n/);
    expect(text).toMatch(/# Fisher exact test: p = 1\r\n/);
    expect(text).not.toMatch(/p = 0\.2482/);
    const wb = await workbook(await get(`${base}.xlsx${q}`));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Counts', 'Row %', 'Column %', 'Notes']);
    const counts = wb.getWorksheet('Counts')!;
    expect(counts.getRow(1).getCell(1).value).toBe('municipality_type');
    expect(counts.getRow(counts.rowCount).getCell(counts.columnCount).value).toBe(4); // n, a number
  });
});

describe('analysis tables parsed back against the database (k = 1, nothing suppressed)', () => {
  let coordinator: TestAgent;
  let waveB: string;
  beforeAll(async () => {
    coordinator = await agentAs(app, ['coordinator']);
    expect((await coordinator.put(`/api/waves/${wave}/analysis-settings`).send({ minCell: 1 })).status).toBe(200);
    waveB = await createFixtureWave();
    expect((await coordinator.put(`/api/waves/${waveB}/analysis-settings`).send({ minCell: 1 })).status).toBe(200);
    for (const answers of [
      { region: 'RU-VLG', municipality: 'Тотьма', obstacles: ['funding'] },
      { region: 'RU-VLG', municipality: 'Вожега', obstacles: ['legal'] },
      { region: 'UA-05', municipality: 'Вінниця', obstacles: ['legal'] },
    ]) {
      const res = await request(app)
        .post(`/api/waves/${waveB}/responses`)
        .send({ clientId: randomUUID(), locale: 'ru', answers });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await coordinator.put(`/api/waves/${wave}/analysis-settings`).send({ minCell: 3 });
  });

  it('question CSV: per region and option, the counts of the stored answers', async () => {
    const vars = (await researcher.get(`/api/waves/${wave}/questions`)).body.items as {
      name: string;
      options: { value: string; labels: { en: string } }[];
    }[];
    const options = vars.find((v) => v.name === 'municipality_type')!.options;
    const rows = csv(
      await get(
        `/api/waves/${wave}/exports/question.csv?question=municipality_type&by=region&locale=en&delimiter=comma`,
      ),
      ',',
    );
    const names: Record<string, string> = { 'RU-VLG': 'Vologda Oblast', 'RU-MOS': 'Moscow Oblast' };
    for (const region of ['RU-VLG', 'RU-MOS']) {
      const mine = docs.filter((d) => d.regionCode === region);
      const row = rows.find((r) => r.Region === names[region])!;
      expect(Number(row.Respondents)).toBe(mine.length);
      for (const o of options) {
        const n = mine.filter((d) => d.answers.municipality_type === o.value).length;
        expect(Number(row[`${o.labels.en}, n`])).toBe(n);
        if (n > 0) expect(Number(row[`${o.labels.en}, %`])).toBeCloseTo((n / mine.length) * 100, 1);
      }
    }
    const total = rows.find((r) => r.Region === 'Total')!;
    expect(Number(total.Respondents)).toBe(docs.length);
  });

  it('region XLSX: shares against country and overall, and the municipalities that responded', async () => {
    const wb = await workbook(await get(`/api/waves/${wave}/exports/region.xlsx?regionCode=RU-VLG&locale=en`));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Vologda Oblast', 'Municipalities', 'Notes']);
    const rowsOf = (ws: ExcelJS.Worksheet) => {
      const out: unknown[][] = [];
      ws.eachRow((r) => out.push((r.values as unknown[]).slice(1)));
      return out;
    };
    const obstacles = rowsOf(wb.worksheets[0]);
    // funding: Vologda 3 of 3; country (RU) and overall 3 of 4; the baseline is the rest of Russia
    // (Moscow) 0 of 1 → +100 pp; expected counts below 5, so Fisher's exact test:
    // Rscript -e 'fisher.test(matrix(c(0,1,3,0),2,byrow=TRUE))$p.value' → 0.25
    const funding = obstacles.find((r) => r[0] === 'funding')!;
    expect(funding.slice(2)).toEqual([3, 100, 75, 75, 100, 0.25, 'Fisher exact test', '*']);
    expect(rowsOf(wb.worksheets[0])[0][6]).toBe('Difference from the rest of Russia, pp');
    const responded = rowsOf(wb.worksheets[1]).filter((r) => r[3] === 'responded');
    expect(responded[0][4]).toBeInstanceOf(Date);
    expect(wb.worksheets[1].getRow(2).getCell(5).numFmt).toBe('yyyy-mm-dd');
    const municipalities = rowsOf(wb.worksheets[1])
      .filter((r) => r[3] === 'responded')
      .map((r) => String(r[0]).replace(/^'/, ''))
      .sort();
    expect(municipalities).toEqual(
      docs
        .filter((d) => d.regionCode === 'RU-VLG')
        .map((d) => d.municipality)
        .sort(),
    );
  });

  it('compare CSV: shares in A and B, change in points and the z-test p as worked by hand; one-wave regions marked', async () => {
    const rows = csv(
      await get(`/api/waves/${wave}/exports/compare.csv?b=${waveB}&question=obstacles&locale=en&delimiter=comma`),
      ',',
    );
    const byCode = (c: string) => rows.find((r) => r.Code === c)!;
    const funding = 'funding'; // the fixture's choices have no text: the value is the label
    // Vologda: A 3/3, B 1/2: −50 pp; expected counts below 5, so Fisher's exact test:
    // Rscript -e 'fisher.test(matrix(c(3,0,1,1),2,byrow=TRUE))$p.value' → 0.4
    expect(byCode('RU-VLG')['In waves']).toBe('both');
    expect(Number(byCode('RU-VLG')[`${funding}, A %`])).toBe(100);
    expect(Number(byCode('RU-VLG')[`${funding}, B %`])).toBe(50);
    expect(Number(byCode('RU-VLG')[`${funding}, change, pp`])).toBe(-50);
    expect(Number(byCode('RU-VLG')[`${funding}, p`])).toBe(0.4);
    expect(byCode('RU-VLG')[`${funding}, Test`]).toBe('Fisher exact test');
    expect(byCode('RU-VLG')['Small base (<30)']).toBe('*');
    expect(byCode('RU-MOS')['In waves']).toBe('A only');
    expect(byCode('UA-05')['In waves']).toBe('B only');
    // All: A 3/4, B 1/3: −41.7 pp; Fisher:
    // Rscript -e 'fisher.test(matrix(c(3,1,1,2),2,byrow=TRUE))$p.value' → 0.4857142857
    const total = rows.find((r) => r.Region === 'Total')!;
    expect(Number(total[`${funding}, change, pp`])).toBe(-41.7);
    expect(Number(total[`${funding}, p`])).toBe(0.4857);
  });
});

describe('the formerly untyped answers match the schemas the API document gives them', () => {
  it('compare, region page, texts, other-codes, codes (GET and POST) and datapackage.json', async () => {
    const ok = async (r: request.Test, status = 200) => {
      const res = await r;
      expect(res.status).toBe(status);
      return res.body as unknown;
    };
    const strict = <T extends z.ZodType>(schema: T, body: unknown) => {
      const result = schema.safeParse(body);
      expect(result.error?.issues ?? []).toEqual([]);
    };
    strict(ComparisonSchema, await ok(researcher.get(`/api/compare?a=${wave}&b=${wave}&question=obstacles`)));
    strict(RegionProfileSchema, await ok(researcher.get(`/api/waves/${wave}/regions/RU-VLG`)));
    const texts = await ok(researcher.get(`/api/waves/${wave}/texts`));
    strict(TextAnswersSchema, texts);
    strict(
      CustomCodeSchema,
      await ok(
        researcher
          .post(`/api/waves/${wave}/codes`)
          .send({ variable: 'obstacles', code: 'roads', labels: { ru: 'Дороги', en: '', uk: '' } }),
        201,
      ),
    );
    strict(CustomCodesSchema, await ok(researcher.get(`/api/waves/${wave}/codes`)));
    const other = docs.find((d) => (d.answers.obstacles as string[]).includes('other'))!;
    strict(
      CodingSchema,
      await ok(researcher.put(`/api/waves/${wave}/other-codes/${other._id}/obstacles`).send({ code: 'roads' })),
    );
    const doc = (await request(app).get('/api/openapi.json')).body;
    const pkgSchema =
      doc.paths['/waves/{code}/exports/datapackage.json'].get.responses['200'].content['application/json'].schema;
    const pkg = JSON.parse((await get(`/api/waves/${wave}/exports/datapackage.json`)).toString('utf8'));
    // Every top-level and field property written is one the document declares.
    expect(Object.keys(pkg).every((k) => k in pkgSchema.properties)).toBe(true);
    const fieldProps = pkgSchema.properties.resources.items.properties.schema.properties.fields.items.properties;
    for (const f of pkg.resources[0].schema.fields)
      expect(Object.keys(f).filter((k) => !(k in fieldProps))).toEqual([]);
  });
});

describe('bad requests', () => {
  it('an unknown table option is refused with the parameter named', async () => {
    const res = await researcher.get(`/api/waves/${wave}/exports/tally.csv?format=pdf`);
    expect(res.status).toBe(400);
    expect(res.body.invalid_params[0].name).toBe('query');
  });
});
