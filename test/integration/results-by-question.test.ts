// Results of any question per region, and numbers compared across waves (issue 12, items 3–4),
// over HTTP on the real store: a monitor questionnaire with no obstacle question (one number per
// municipality: partners), one choice question and one text question, in two waves. Every
// expected figure is worked out by hand in the comments, not by the code under test.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { download, useAgents, useTestApp } from '../helpers/app';
import { createOpenWave, regionalQuestionnaire } from '../helpers/fixtures';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';

const app = useTestApp();
const { researcher, coordinator } = useAgents(app, 'researcher', 'coordinator');

const MONITOR = regionalQuestionnaire(
  { ru: 'Мониторинг партнёрств', en: 'Partnership monitor', uk: 'Моніторинг партнерств' },
  ['RU-VLG', 'RU-MOS', 'RU-ARK', 'UA-05'],
  [
    { type: 'text', name: 'partners', inputType: 'number', min: 0 },
    { type: 'radiogroup', name: 'kind', choices: ['a', 'b'] },
    { type: 'comment', name: 'note', maxLength: 500 },
  ],
);

type Row = [region: string, partners: number, kind: string, note?: string];
// Wave A — Vologda 3, 5, 4; Moscow Oblast 10, 2; Vinnytsia 7.
const A: Row[] = [
  ['RU-VLG', 3, 'a', 'Соглашение с соседним районом'],
  ['RU-VLG', 5, 'a'],
  ['RU-VLG', 4, 'b', 'Нет партнёров по дорогам'],
  ['RU-MOS', 10, 'b'],
  ['RU-MOS', 2, 'a'],
  ['UA-05', 7, 'a'],
];
// Wave B — Vologda 6, 6 (same total 12 as in A); Moscow Oblast 1, 2, 3, 10; Arkhangelsk 8 (only in B).
const B: Row[] = [
  ['RU-VLG', 6, 'a'],
  ['RU-VLG', 6, 'a'],
  ['RU-MOS', 1, 'b'],
  ['RU-MOS', 2, 'b'],
  ['RU-MOS', 3, 'a'],
  ['RU-MOS', 10, 'a'],
  ['RU-ARK', 8, 'b'],
];
let waveA: string;
let waveB: string;

async function makeWave(questionnaireId: string): Promise<string> {
  return createOpenWave(questionnaireId);
}

async function submit(code: string, [region, partners, kind, note]: Row, i: number): Promise<void> {
  const res = await request(app)
    .post(`/api/waves/${code}/responses`)
    .send({
      clientId: randomUUID(),
      locale: 'ru',
      answers: { region, municipality: `М-${i}`, partners, kind, ...(note ? { note } : {}) },
    });
  expect(res.status).toBe(201);
}

const get = (path: string) => download(researcher, path);

function csv(buf: Buffer): Record<string, string>[] {
  const text = buf.toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  return parse(text.slice(1), { columns: true, delimiter: ',', comment: '#' }) as Record<string, string>[];
}

beforeAll(async () => {
  const { version } = await registerVersion('partner-monitor', MONITOR, 'upload');
  waveA = await makeWave(version.id);
  waveB = await makeWave(version.id);
  for (const [i, r] of A.entries()) await submit(waveA, r, i);
  for (const [i, r] of B.entries()) await submit(waveB, r, i);
  // k = 1 on both waves: every cell shown, so the figures below can be read in full.
  for (const w of [waveA, waveB])
    expect((await coordinator.put(`/api/waves/${w}/analysis-settings`).send({ minCell: 1 })).status).toBe(200);
});

type NumberRow = { code: string; numbers: Record<string, number> };

describe('results of any question per region (no obstacle question in the questionnaire)', () => {
  it('the obstacle tally says there is no obstacle question instead of counting nothing', async () => {
    const res = await researcher.get(`/api/waves/${waveA}/tally`);
    expect(res.status).toBe(200);
    expect(res.body.variable).toBeNull();
    const items = (await researcher.get(`/api/waves/${waveA}/questions`)).body.items as {
      name: string;
      kind: string;
    }[];
    expect(items.map((v) => [v.name, v.kind])).toEqual(
      expect.arrayContaining([
        ['partners', 'numeric'],
        ['kind', 'single'],
        ['note', 'text'],
      ]),
    );
  });

  it('a numeric question: n, sum, mean, median, min, max per region and a total row', async () => {
    const res = await researcher.get(`/api/waves/${waveA}/questions/partners/tally?by=region`);
    expect(res.status).toBe(200);
    const by = Object.fromEntries((res.body.groups as NumberRow[]).map((g) => [g.code, g.numbers]));
    // Vologda 3, 5, 4 → sorted 3 4 5: sum 12, mean 4, median 4.
    expect(by['RU-VLG']).toEqual({ n: 3, sum: 12, mean: 4, median: 4, min: 3, max: 5 });
    // Moscow Oblast 10, 2 → median (2 + 10) / 2 = 6.
    expect(by['RU-MOS']).toEqual({ n: 2, sum: 12, mean: 6, median: 6, min: 2, max: 10 });
    expect(by['UA-05']).toEqual({ n: 1, sum: 7, mean: 7, median: 7, min: 7, max: 7 });
    // All: 2 3 4 5 7 10 → sum 31, mean 31/6 = 5.1667, median (4 + 5) / 2 = 4.5.
    const total = res.body.total.numbers;
    expect([total.n, total.sum, total.median, total.min, total.max]).toEqual([6, 31, 4.5, 2, 10]);
    expect(total.mean).toBeCloseTo(5.1667, 4);
  });

  it('a choice question: counts, shares and 95% Wilson intervals per region and overall', async () => {
    const res = await researcher.get(`/api/waves/${waveA}/questions/kind/tally?by=region`);
    expect(res.status).toBe(200);
    const cell = (code: string) =>
      (res.body.groups as { code: string; cells: Record<string, Record<string, number>> }[]).find(
        (g) => g.code === code,
      )!.cells.a;
    // Vologda: "a" 2 of 3 → 0.6667, Wilson: centre (2/3 + 1.9600²/6) / (1 + 1.9600²/3) = 0.5731,
    // half-width 0.3654 → [0.2077, 0.9385].
    const vlg = cell('RU-VLG');
    expect(vlg.count).toBe(2);
    expect(vlg.share).toBeCloseTo(0.6667, 4);
    expect(vlg.low).toBeCloseTo(0.2077, 4);
    expect(vlg.high).toBeCloseTo(0.9385, 4);
    // Moscow Oblast: 1 of 2 → 0.5, [0.0945, 0.9055] (symmetric around 0.5).
    const mos = cell('RU-MOS');
    expect([mos.count, mos.share]).toEqual([1, 0.5]);
    expect(mos.low).toBeCloseTo(0.0945, 4);
    expect(mos.high).toBeCloseTo(0.9055, 4);
    // Overall: 4 of 6 → 0.6667, [0.3000, 0.9032].
    const all = res.body.total.cells.a;
    expect(all.count).toBe(4);
    expect(all.low).toBeCloseTo(0.3, 4);
    expect(all.high).toBeCloseTo(0.9032, 4);
  });

  it('a text question: the texts, searchable', async () => {
    const res = await researcher.get(`/api/waves/${waveA}/texts?question=note&q=${encodeURIComponent('дорог')}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items[0]).toMatchObject({ region: 'RU-VLG', text: 'Нет партнёров по дорогам' });
  });

  it('text question CSV: one row per answer with region code and name, by region code', async () => {
    const rows = csv(
      await get(`/api/waves/${waveA}/exports/question.csv?question=note&locale=en&delimiter=comma&order=code`),
    );
    expect(rows).toEqual([
      { Code: 'RU-VLG', Region: 'Vologda Oblast', Municipality: 'М-0', 'Answer text': 'Соглашение с соседним районом' },
      { Code: 'RU-VLG', Region: 'Vologda Oblast', Municipality: 'М-2', 'Answer text': 'Нет партнёров по дорогам' },
    ]);
  });

  it('question CSV: code and name columns, rows by name or by code, country subtotals, total row last', async () => {
    const path = `/api/waves/${waveA}/exports/question.csv?question=partners&locale=en&delimiter=comma`;
    const byName = csv(await get(`${path}&order=name`));
    expect(Object.keys(byName[0]).slice(0, 4)).toEqual(['Code', 'Region', 'Respondents', 'n']);
    // Each country's regions (English names: Moscow Oblast < Vologda Oblast), then its subtotal.
    expect(byName.map((r) => r.Code)).toEqual(['RU-MOS', 'RU-VLG', 'RU', 'UA-05', 'UA', '']);
    expect(byName.map((r) => r.Region)).toEqual([
      'Moscow Oblast',
      'Vologda Oblast',
      'Russia: subtotal',
      'Vinnytsia Oblast',
      'Ukraine: subtotal',
      'Total',
    ]);
    const byCode = csv(await get(`${path}&order=code`));
    expect(byCode.map((r) => r.Code)).toEqual(['RU-MOS', 'RU-VLG', 'RU', 'UA-05', 'UA', '']);
    const vlg = byCode[1];
    expect([vlg.n, vlg.sum, vlg.mean, vlg.median, vlg.min, vlg.max]).toEqual(['3', '12', '4', '4', '3', '5']);
    // Russia: 3 5 4 10 2 → sum 24, mean 4.8, median 4.
    const ru = byCode[2];
    expect([ru.n, ru.sum, ru.mean, ru.median, ru.min, ru.max]).toEqual(['5', '24', '4.8', '4', '2', '10']);
    const total = byCode[5];
    expect([total.n, total.sum, total.mean, total.median]).toEqual(['6', '31', '5.1667', '4.5']);
  });

  it('question XLSX of a choice question: code, name, counts, % and the interval in %', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(
      (await get(
        `/api/waves/${waveA}/exports/question.xlsx?question=kind&locale=ru&order=code`,
      )) as unknown as ExcelJS.Buffer,
    );
    const ws = wb.worksheets[0];
    const rows: unknown[][] = [];
    ws.eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
    expect(rows[0].slice(0, 8)).toEqual([
      'Код',
      'Регион',
      'Респондентов',
      'Ответили',
      'a, чел.',
      'a, %',
      'a, 95% ДИ от, %',
      'a, 95% ДИ до, %',
    ]);
    // RU-VLG second by code: 2 of 3 = 66.7 %, [20.8, 93.9].
    expect(rows[2].slice(0, 8)).toEqual(['RU-VLG', 'Вологодская область', 3, 3, 2, 66.7, 20.8, 93.9]);
    expect(rows[rows.length - 1].slice(1, 5)).toEqual(['Всего', 6, 6, 4]);
  });

  it('exports keep small-cell suppression: with k = 3 a region of 2 answers reads "[c]"', async () => {
    expect((await coordinator.put(`/api/waves/${waveA}/analysis-settings`).send({ minCell: 3 })).status).toBe(200);
    try {
      const rows = csv(
        await get(`/api/waves/${waveA}/exports/question.csv?question=partners&locale=en&delimiter=comma&order=code`),
      );
      // One mark for every hidden cell (docs/disclosure.md); Moscow (2) and Ukraine's region (1) are
      // hidden. Russia's subtotal (5) minus Vologda (3) would give Moscow away, so Vologda is hidden
      // as well; Ukraine's subtotal (1) is small itself, and with it Russia's (the countries add up
      // to the total). The total (6) stays: it has no single hidden member to give away.
      for (const code of ['RU-MOS', 'UA-05', 'RU-VLG', 'RU', 'UA'])
        expect(rows.find((r) => r.Code === code)!.n).toBe('[c]');
      expect(rows.find((r) => r.Code === '')!.sum).toBe('31');
    } finally {
      await coordinator.put(`/api/waves/${waveA}/analysis-settings`).send({ minCell: 1 });
    }
  });

  it('an unknown order is refused with a problem document', async () => {
    const res = await researcher.get(`/api/waves/${waveA}/exports/question.csv?question=partners&order=size`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

type CompareRow = {
  code: string;
  presence: string;
  sumChange?: { abs: number; rel: number | null } | null;
  numberChange?: { abs: number; rel: number | null } | null;
  a: { numbers: Record<string, number> } | null;
  b: { numbers: Record<string, number> } | null;
};

describe('numbers across waves: sums and means', () => {
  it('per region and in total: the sum in each wave and its change, and the mean and its change', async () => {
    const res = await researcher.get(`/api/compare?a=${waveA}&b=${waveB}&question=partners`);
    expect(res.status).toBe(200);
    const by = Object.fromEntries((res.body.regions as CompareRow[]).map((r) => [r.code, r]));
    // Vologda: sum 12 → 12, no change; mean 4 → 6: +2, +50 %.
    const vlg = by['RU-VLG'];
    expect([vlg.a!.numbers.sum, vlg.b!.numbers.sum]).toEqual([12, 12]);
    expect(vlg.sumChange).toEqual({ abs: 0, rel: 0 });
    expect(vlg.numberChange!.abs).toBe(2);
    expect(vlg.numberChange!.rel).toBeCloseTo(0.5, 4);
    // Moscow Oblast: sum 12 → 16: +4, +33.3333 %; mean 6 → 4: −2, −33.3333 %.
    const mos = by['RU-MOS'];
    expect(mos.sumChange!.abs).toBe(4);
    expect(mos.sumChange!.rel).toBeCloseTo(0.3333, 4);
    expect(mos.numberChange!.abs).toBe(-2);
    expect(mos.numberChange!.rel).toBeCloseTo(-0.3333, 4);
    // Regions in one wave only: no change given.
    expect(by['UA-05'].presence).toBe('a');
    expect(by['RU-ARK'].presence).toBe('b');
    expect(by['UA-05'].sumChange ?? null).toBeNull();
    // Total: sum 31 → 36: +5, +16.1290 %; mean 31/6 = 5.1667 → 36/7 = 5.1429: −0.0238, −0.4608 %.
    const total = res.body.total as CompareRow;
    expect(total.sumChange!.abs).toBe(5);
    expect(total.sumChange!.rel).toBeCloseTo(0.16129, 4);
    expect(total.numberChange!.abs).toBeCloseTo(-0.0238, 4);
    expect(total.numberChange!.rel).toBeCloseTo(-0.004608, 4);
  });

  it('compare CSV: sums, their change, means and their change per region and in total', async () => {
    const rows = csv(
      await get(
        `/api/waves/${waveA}/exports/compare.csv?b=${waveB}&question=partners&locale=en&delimiter=comma&order=code`,
      ),
    );
    expect(Object.keys(rows[0])).toEqual([
      'Code',
      'Region',
      'In waves',
      'A: n',
      'B: n',
      'A: sum',
      'B: sum',
      'change of sum',
      'change of sum, %',
      'A: mean',
      'B: mean',
      'change of mean',
      'change of mean, %',
      'Small base (<30)', // docs/disclosure.md: a base below 30 in A or B is flagged "*"
    ]);
    expect(rows.map((r) => r.Code)).toEqual(['RU-ARK', 'RU-MOS', 'RU-VLG', 'UA-05', '']);
    const mos = rows[1];
    expect([mos['A: sum'], mos['B: sum'], mos['change of sum'], mos['change of sum, %']]).toEqual([
      '12',
      '16',
      '4',
      '33.3',
    ]);
    expect([mos['A: mean'], mos['B: mean'], mos['change of mean'], mos['change of mean, %']]).toEqual([
      '6',
      '4',
      '-2',
      '-33.3',
    ]);
    const vlg = rows[2];
    expect([vlg['change of sum'], vlg['change of sum, %'], vlg['change of mean']]).toEqual(['0', '0', '2']);
    const total = rows[4];
    expect(total.Region).toBe('Total');
    expect([total['A: sum'], total['B: sum'], total['change of sum'], total['change of sum, %']]).toEqual([
      '31',
      '36',
      '5',
      '16.1',
    ]);
    expect([total['A: mean'], total['B: mean'], total['change of mean']]).toEqual(['5.1667', '5.1429', '-0.0238']);
    expect(rows[0]['In waves']).toBe('B only');
    expect(rows[0]['change of sum']).toBe('');
  });
});
