// Every export parsed back and compared with the database: raw CSV (both delimiters) and XLSX,
// the codebook, SPSS and R syntax, the data package, and the analysis tables (base stated,
// small cells suppressed, formulas neutralised).
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { createApp } from '../../server/src/app';
import { useTestDatabase, storeKind } from '../helpers/db';
import { createFixtureWave } from '../helpers/fixtures';
import { agentAs, type TestAgent } from '../helpers/auth';
import { ResponseModel } from '../../server/src/responses/response.model';

useTestDatabase();
const app = createApp({ store: { kind: storeKind() } });
let researcher: TestAgent;
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

const binary = (r: request.Test) =>
  r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

async function get(path: string): Promise<Buffer> {
  const res = await binary(researcher.get(path));
  expect(res.status).toBe(200);
  return res.body as Buffer;
}

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

type Doc = { _id: string; regionCode: string; municipality: string; answers: Record<string, unknown> };
let docs: Doc[];

beforeAll(async () => {
  researcher = await agentAs(app, ['researcher']);
  wave = await createFixtureWave();
  for (const answers of ROWS) {
    const res = await request(app)
      .post(`/api/waves/${wave}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers });
    expect(res.status).toBe(201);
  }
  docs = await ResponseModel.find({ waveCode: wave }).lean<Doc[]>();
});

function expectRowMatchesDb(row: Record<string, string | number | null>, d: Doc) {
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
    for (const h of header) expect(sps).toMatch(new RegExp(`^    ${h} `, 'm'));
    expect(sps).toMatch(/VALUE LABELS[\s\S]*obstacles_funding\r\n {4}0 'не выбрано'\r\n {4}1 'выбрано'/);
    expect(sps).toContain("'urban_okrug' 'Городской округ'");
    const r = (await get(`/api/waves/${wave}/exports/responses.R?delimiter=comma`)).toString('utf8');
    expect(r).toContain(`read.csv("${wave}-responses.csv", sep = ","`);
    expect(r).toContain(
      'responses[["has_experience"]] <- factor(responses[["has_experience"]], levels = c("true", "false"), labels = c("Да", "Нет"))',
    );
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
});

describe('analysis tables', () => {
  it('tally XLSX: three sheets, base and filters stated, small cells suppressed (k = 3 by default)', async () => {
    const wb = await workbook(await get(`/api/waves/${wave}/exports/tally.xlsx?municipalityType=urban_okrug`));
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Препятствия по регионам',
      'Препятствия в целом',
      'Респонденты по регионам',
    ]);
    const ws = wb.worksheets[0];
    const notes = [2, 3, 4].map((i) => String(ws.getRow(i).getCell(1).value));
    expect(notes.join(' ')).toContain('База: 3 респондента,');
    expect(notes.join(' ')).toContain('; тип муниципального образования: Городской округ');
    expect(notes.join(' ')).toContain('менее чем на 3');
    // Rows: header at 6, then Vologda (2 urban okrugs: suppressed), Moscow (1), total (3)
    const header = (ws.getRow(6).values as unknown[]).slice(1).map(String);
    const at = (row: number, col: string) => ws.getRow(row).getCell(header.indexOf(col) + 1).value;
    const funding = 'Недостаток финансовых ресурсов';
    expect(at(7, 'Регион')).toBe('Вологодская область');
    expect(at(7, `${funding}, чел.`)).toBe('<3');
    expect(at(9, 'Регион')).toBe('Всего');
    expect(at(9, `${funding}, чел.`)).toBe('<3'); // 2 of 3: below k
    expect(at(9, 'Респондентов')).toBe(3);
  });

  it('crosstab CSV: counts with totals and the chi-square stated; XLSX: counts, row %, column %', async () => {
    const base = `/api/waves/${wave}/exports/crosstab`;
    const q = '?row=municipality_type&col=has_experience&delimiter=comma&locale=en';
    const text = (await get(`${base}.csv${q}`)).toString('utf8');
    expect(text).toMatch(/# Base: 4 respondents who answered both questions/);
    expect(text).toMatch(/# Chi-square = 1\.3333, degrees of freedom: 1, p = 0\.2482/);
    const wb = await workbook(await get(`${base}.xlsx${q}`));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Counts', 'Row %', 'Column %']);
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
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Vologda Oblast', 'Municipalities']);
    const rowsOf = (ws: ExcelJS.Worksheet) => {
      const out: unknown[][] = [];
      ws.eachRow((r) => out.push((r.values as unknown[]).slice(1)));
      return out;
    };
    const obstacles = rowsOf(wb.worksheets[0]);
    // funding: Vologda 3 of 3; country (RU) and overall 3 of 4; the rest (Moscow) 0 of 1 → +100 pp, z = 2, p = 0.0455.
    const funding = obstacles.find((r) => r[0] === 'funding')!;
    expect(funding.slice(2)).toEqual([3, 100, 75, 75, 100, 0.0455]);
    const municipalities = rowsOf(wb.worksheets[1])
      .filter((r) => r.length === 5 && r[3] === 'responded')
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
    // Vologda: A 3/3, B 1/2: −50 pp; pooled 4/5, z = −1.3693, p = 0.1709.
    expect(byCode('RU-VLG')['In waves']).toBe('both');
    expect(Number(byCode('RU-VLG')[`${funding}, A %`])).toBe(100);
    expect(Number(byCode('RU-VLG')[`${funding}, B %`])).toBe(50);
    expect(Number(byCode('RU-VLG')[`${funding}, change, pp`])).toBe(-50);
    expect(Number(byCode('RU-VLG')[`${funding}, p`])).toBe(0.1709);
    expect(byCode('RU-MOS')['In waves']).toBe('A only');
    expect(byCode('UA-05')['In waves']).toBe('B only');
    // All: A 3/4, B 1/3: −41.7 pp; z = −1.1024, p = 0.2703.
    const total = rows.find((r) => r.Region === 'Total')!;
    expect(Number(total[`${funding}, change, pp`])).toBe(-41.7);
    expect(Number(total[`${funding}, p`])).toBe(0.2703);
  });
});

describe('bad requests', () => {
  it('an unknown table option is refused with the parameter named', async () => {
    const res = await researcher.get(`/api/waves/${wave}/exports/tally.csv?format=pdf`);
    expect(res.status).toBe(400);
    expect(res.body.invalid_params[0].name).toBe('query');
  });
});
