// Issue 12 (finish): the question picker's table by region has one subtotal per country between
// the country's regions and the total, the disclosure rule covers those subtotals (a country's
// regions add up to it, the countries to the total), and the CSV/XLSX of the table carry the same
// rows; the wave's minimum k is set by a coordinator or admin over the API, validated and audited.
// Every expected figure is worked out by hand in the comments, not by the code under test.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { download, useAgents, useTestApp } from '../helpers/app';
import { createOpenWave, regionalQuestionnaire } from '../helpers/fixtures';
import { agentAs } from '../helpers/auth';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';
import { setMinCell } from '../../server/src/analytics/coding.service';

const app = useTestApp();
const { researcher, coordinator, admin } = useAgents(app, 'researcher', 'coordinator', 'admin');

const QUESTIONNAIRE = regionalQuestionnaire(
  { ru: 'Бюджеты сотрудничества', en: 'Cooperation budgets', uk: 'Бюджети співпраці' },
  ['RU-VLG', 'RU-ARK', 'RU-MOS', 'UA-05', 'UA-46'],
  [
    { type: 'text', name: 'budget', inputType: 'number', min: 0 },
    { type: 'radiogroup', name: 'kind', choices: ['a', 'b'] },
  ],
);

type Answer = [region: string, budget: number, kind: 'a' | 'b'];
// Wave "whole" (read at k = 1):
//   Vologda 10 a, 20 a, 30 b · Arkhangelsk 5 b, 15 a · Vinnytsia 8 a, 12 b, 4 b, 6 a · Lviv 100 b.
const WHOLE: Answer[] = [
  ['RU-VLG', 10, 'a'],
  ['RU-VLG', 20, 'a'],
  ['RU-VLG', 30, 'b'],
  ['RU-ARK', 5, 'b'],
  ['RU-ARK', 15, 'a'],
  ['UA-05', 8, 'a'],
  ['UA-05', 12, 'b'],
  ['UA-05', 4, 'b'],
  ['UA-05', 6, 'a'],
  ['UA-46', 100, 'b'],
];
// Wave "small" (read at k = 3): Vologda 4 answers, Arkhangelsk 3, Moscow Oblast 1, Vinnytsia 2.
const SMALL: Answer[] = [
  ['RU-VLG', 1, 'a'],
  ['RU-VLG', 2, 'a'],
  ['RU-VLG', 3, 'b'],
  ['RU-VLG', 4, 'b'],
  ['RU-ARK', 5, 'a'],
  ['RU-ARK', 6, 'a'],
  ['RU-ARK', 7, 'a'],
  ['RU-MOS', 8, 'b'],
  ['UA-05', 9, 'a'],
  ['UA-05', 10, 'b'],
];
let whole: string;
let small: string;

async function makeWave(questionnaireId: string, answers: Answer[]): Promise<string> {
  const code = `s-${randomUUID().slice(0, 8)}`;
  await createOpenWave(questionnaireId, {
    code,
  });
  for (const [i, [region, budget, kind]] of answers.entries()) {
    const res = await request(app)
      .post(`/api/waves/${code}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: { region, municipality: `М-${i}`, budget, kind } });
    expect(res.status).toBe(201);
  }
  return code;
}

const get = (path: string) => download(researcher, path);

/** The rows of the first sheet of the XLSX file at `path`, as cell values from column A. */
async function xlsxRows(path: string): Promise<unknown[][]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load((await get(path)) as unknown as ExcelJS.Buffer);
  const rows: unknown[][] = [];
  wb.worksheets[0].eachRow((r) => rows.push((r.values as unknown[]).slice(1)));
  return rows;
}

function csv(buf: Buffer): Record<string, string>[] {
  const text = buf.toString('utf8');
  expect(text.startsWith('\uFEFF')).toBe(true);
  return parse(text.slice(1), { columns: true, delimiter: ',', comment: '#' }) as Record<string, string>[];
}

type Cell = { count: number | null; share: number | null; low: number | null; high: number | null; suppressed?: true };
type Numbers =
  { n: number; sum: number; mean: number; median: number; min: number; max: number } | { suppressed: true };
type Row = {
  code: string;
  respondents: number;
  answered: number;
  cells: Record<string, Cell>;
  numbers?: Numbers | null;
  regions?: string[];
};
type Tally = { groups: Row[]; subtotals: Row[]; total: Row; minCell: number };

beforeAll(async () => {
  const { version } = await registerVersion('cooperation-budgets', QUESTIONNAIRE, 'upload');
  whole = await makeWave(version.id, WHOLE);
  small = await makeWave(version.id, SMALL);
  await setMinCell(whole, 1); // every figure shown, so the values below can be read in full
  await setMinCell(small, 3);
});

describe('country subtotals in the table of a question by region', () => {
  it('a numeric question: each country has n, sum, mean, median, min and max, with its regions', async () => {
    const res = await researcher.get(`/api/waves/${whole}/questions/budget/tally?by=region`);
    expect(res.status).toBe(200);
    const t = res.body as Tally;
    expect(t.subtotals.map((s) => [s.code, [...s.regions!].sort()])).toEqual([
      ['RU', ['RU-ARK', 'RU-VLG']],
      ['UA', ['UA-05', 'UA-46']],
    ]);
    const [ru, ua] = t.subtotals;
    // Russia: 10 20 30 5 15 → sorted 5 10 15 20 30: n 5, sum 80, mean 16, median 15.
    expect(ru.numbers).toEqual({ n: 5, sum: 80, mean: 16, median: 15, min: 5, max: 30 });
    expect([ru.respondents, ru.answered]).toEqual([5, 5]);
    // Ukraine: 8 12 4 6 100 → sorted 4 6 8 12 100: n 5, sum 130, mean 26, median 8.
    expect(ua.numbers).toEqual({ n: 5, sum: 130, mean: 26, median: 8, min: 4, max: 100 });
    // All ten: sum 210, mean 21, median (10 + 12) / 2 = 11.
    expect(t.total.numbers).toEqual({ n: 10, sum: 210, mean: 21, median: 11, min: 4, max: 100 });
  });

  it('a choice question: each country has counts, shares and 95% Wilson intervals', async () => {
    const res = await researcher.get(`/api/waves/${whole}/questions/kind/tally?by=region`);
    expect(res.status).toBe(200);
    const t = res.body as Tally;
    const [ru, ua] = t.subtotals;
    // Russia: "a" = Vologda 2 + Arkhangelsk 1 = 3 of 5 = 0.6. Wilson (z = 1.959964, z² = 3.841459):
    // centre (0.6 + 3.841459/10) / (1 + 3.841459/5) = 0.984146 / 1.768292 = 0.556552,
    // half-width 1.959964 · √(0.6·0.4/5 + 3.841459/100) / 1.768292 = 0.325828 → [0.2307, 0.8824].
    expect([ru.cells.a.count, ru.cells.a.share]).toEqual([3, 0.6]);
    expect(ru.cells.a.low).toBeCloseTo(0.2307, 4);
    expect(ru.cells.a.high).toBeCloseTo(0.8824, 4);
    // Ukraine: "a" = Vinnytsia 2 + Lviv 0 = 2 of 5 = 0.4: the mirror image, [0.1176, 0.7693].
    expect([ua.cells.a.count, ua.cells.a.share]).toEqual([2, 0.4]);
    expect(ua.cells.a.low).toBeCloseTo(0.1176, 4);
    expect(ua.cells.a.high).toBeCloseTo(0.7693, 4);
    // "b": Russia 2 of 5, Ukraine 3 of 5; total "a" 5 of 10 = 0.5, [0.2366, 0.7634].
    expect([ru.cells.b.count, ua.cells.b.count]).toEqual([2, 3]);
    expect(t.total.cells.a.count).toBe(5);
    expect(t.total.cells.a.low).toBeCloseTo(0.2366, 4);
    expect(t.total.cells.a.high).toBeCloseTo(0.7634, 4);
  });

  it('CSV: each country after its regions, then the total; the same figures as on screen', async () => {
    const path = `/api/waves/${whole}/exports/question.csv?question=budget&locale=en&delimiter=comma`;
    const rows = csv(await get(`${path}&order=name`));
    // English names within each country: Arkhangelsk < Vologda; Lviv < Vinnytsia.
    expect(rows.map((r) => [r.Code, r.Region])).toEqual([
      ['RU-ARK', 'Arkhangelsk Oblast'],
      ['RU-VLG', 'Vologda Oblast'],
      ['RU', 'Russia: subtotal'],
      ['UA-46', 'Lviv Oblast'],
      ['UA-05', 'Vinnytsia Oblast'],
      ['UA', 'Ukraine: subtotal'],
      ['', 'Total'],
    ]);
    const ru = rows[2];
    expect([ru.Respondents, ru.n, ru.sum, ru.mean, ru.median, ru.min, ru.max]).toEqual([
      '5',
      '5',
      '80',
      '16',
      '15',
      '5',
      '30',
    ]);
    const ua = rows[5];
    expect([ua.n, ua.sum, ua.mean, ua.median]).toEqual(['5', '130', '26', '8']);
    const byCode = csv(await get(`${path}&order=code`));
    expect(byCode.map((r) => r.Code)).toEqual(['RU-ARK', 'RU-VLG', 'RU', 'UA-05', 'UA-46', 'UA', '']);
  });

  it('XLSX of the choice question: the subtotal rows in Russian with counts and % in place', async () => {
    const rows = await xlsxRows(`/api/waves/${whole}/exports/question.xlsx?question=kind&locale=ru&order=code`);
    const ru = rows.find((r) => r[0] === 'RU')!;
    // Код, Регион, Респондентов, Ответили, a: чел., %, ДИ от, ДИ до.
    expect(ru.slice(0, 8)).toEqual(['RU', 'Россия: итого', 5, 5, 3, 60, 23.1, 88.2]);
    const ua = rows.find((r) => r[0] === 'UA')!;
    expect(ua.slice(0, 8)).toEqual(['UA', 'Украина: итого', 5, 5, 2, 40, 11.8, 76.9]);
    expect(rows.map((r) => r[0] ?? '')).toEqual(['Код', 'RU-ARK', 'RU-VLG', 'RU', 'UA-05', 'UA-46', 'UA', '']);
  });

  it('one country only: no subtotal (it would repeat the total)', async () => {
    const res = await researcher.get(`/api/waves/${whole}/questions/budget/tally?by=region&region=RU-VLG`);
    expect(res.status).toBe(200);
    expect((res.body as Tally).subtotals).toEqual([]);
  });
});

describe('the disclosure rule covers the country subtotals', () => {
  // Wave "small" at k = 3, numbers (n per row): Vologda 4, Arkhangelsk 3, Moscow Oblast 1 → Russia 8;
  // Vinnytsia 2 → Ukraine 2; total 10.
  //  1. primary: Moscow (1 < 3), Vinnytsia (2) and Ukraine's subtotal (2).
  //  2. Russia = Vologda + Arkhangelsk + Moscow has one hidden member: the smallest other shown
  //     region, Arkhangelsk (3), is hidden too (else 8 − 4 − 3 = 1 gives Moscow away).
  //  3. Total = Russia + Ukraine has one hidden member (Ukraine): Russia is hidden too (else
  //     10 − 8 = 2 gives Ukraine away).
  //  Shown: Vologda and the total; hidden: Arkhangelsk, Moscow, Russia, Vinnytsia, Ukraine.
  it('numbers: a small country subtotal is hidden, and so is the other country (it would give it away)', async () => {
    const res = await researcher.get(`/api/waves/${small}/questions/budget/tally?by=region`);
    expect(res.status).toBe(200);
    const t = res.body as Tally;
    expect(t.minCell).toBe(3);
    const hidden = (r: Row) => !!r.numbers && 'suppressed' in r.numbers;
    const by = Object.fromEntries([...t.groups, ...t.subtotals].map((r) => [r.code, hidden(r)]));
    expect(by).toEqual({
      'RU-VLG': false,
      'RU-ARK': true,
      'RU-MOS': true,
      RU: true,
      'UA-05': true,
      UA: true,
    });
    // Vologda 1 2 3 4: sum 10; the total 1 + … + 10 = 55 stays shown.
    expect(t.groups.find((g) => g.code === 'RU-VLG')!.numbers).toMatchObject({ n: 4, sum: 10 });
    expect(t.total.numbers).toMatchObject({ n: 10, sum: 55 });
    // Bases (respondents) are shown everywhere, as in every table.
    expect(t.subtotals.map((s) => s.respondents)).toEqual([8, 2]);

    // The CSV hides the same cells with the one mark "[c]".
    const rows = csv(
      await get(`/api/waves/${small}/exports/question.csv?question=budget&locale=en&delimiter=comma&order=code`),
    );
    expect(rows.map((r) => [r.Code, r.n, r.sum])).toEqual([
      ['RU-ARK', '[c]', '[c]'],
      ['RU-MOS', '[c]', '[c]'],
      ['RU-VLG', '4', '10'],
      ['RU', '[c]', '[c]'],
      ['UA-05', '[c]', '[c]'],
      ['UA', '[c]', '[c]'],
      ['', '10', '55'],
    ]);
  });

  // Choice "kind" at k = 3 (a / b): Vologda 2 / 2, Arkhangelsk 3 / 0, Moscow 0 / 1 (base 1),
  // Vinnytsia 1 / 1 (base 2) → Russia 5 / 3, Ukraine 1 / 1, total 6 / 4.
  it('choice: every line of the table (a country, the countries, a row) keeps 0 or at least 2 hidden', async () => {
    const res = await researcher.get(`/api/waves/${small}/questions/kind/tally?by=region`);
    expect(res.status).toBe(200);
    const t = res.body as Tally;
    const cell = (code: string, o: string) =>
      [...t.groups, ...t.subtotals, t.total].find((r) => r.code === code)!.cells[o];
    const isHidden = (code: string, o: string) => !!cell(code, o).suppressed;
    // Primary: Vologda 2 / 2 (counts of 2), Moscow (base 1), Vinnytsia (base 2), Ukraine (base 2).
    for (const code of ['RU-VLG', 'RU-MOS', 'UA-05', 'UA'])
      for (const o of ['a', 'b']) expect(isHidden(code, o)).toBe(true);
    // Arkhangelsk 3 / 0 and Russia 5 / 3 have no small count; they are hidden only when a line asks.
    const lines: [string[], string][] = [
      [['RU-VLG', 'RU-ARK', 'RU-MOS'], 'RU'],
      [['UA-05'], 'UA'],
      [['RU', 'UA'], 'all'],
    ];
    for (const o of ['a', 'b'])
      for (const [parts, total] of lines) {
        const n = [...parts, total].filter((c) => isHidden(c, o)).length;
        expect(n === 0 || n >= 2).toBe(true);
      }
    // Single choice: each row (a + b = answered) keeps 0 or 2 hidden too.
    for (const r of [...t.groups, ...t.subtotals])
      expect([0, 2]).toContain(['a', 'b'].filter((o) => r.cells[o].suppressed).length);
    // Here: Ukraine hidden → Russia must go (the countries add up to the total), in both columns.
    expect(isHidden('RU', 'a') && isHidden('RU', 'b')).toBe(true);
    expect(cell('all', 'a').count).toBe(6);

    // XLSX: the same cells read "[c]".
    const rows = await xlsxRows(`/api/waves/${small}/exports/question.xlsx?question=kind&locale=en&order=code`);
    const ru = rows.find((r) => r[0] === 'RU')!;
    expect([ru[1], ru[4], ru[8]]).toEqual(['Russia: subtotal', '[c]', '[c]']);
  });
});

describe("the wave's minimum k: set by a coordinator or admin, validated and audited", () => {
  it('a coordinator sets it; researchers read it and then work at it', async () => {
    const put = await coordinator.put(`/api/waves/${whole}/analysis-settings`).send({ minCell: 4 });
    expect(put.status).toBe(200);
    expect(put.body.minCell).toBe(4);
    const read = await researcher.get(`/api/waves/${whole}/analysis-settings`);
    expect(read.body).toEqual({ minCell: 4, maySeeUnsuppressed: false });
    const t = (await researcher.get(`/api/waves/${whole}/questions/budget/tally?by=region`)).body as Tally;
    expect(t.minCell).toBe(4);
    // Arkhangelsk has 2 answers: below 4, hidden now.
    expect(t.groups.find((g) => g.code === 'RU-ARK')!.numbers).toEqual({ suppressed: true });
    const low = await researcher.get(`/api/waves/${whole}/questions/budget/tally?by=region&k=3`);
    expect(low.status).toBe(403);
    expect(low.body.code).toBe('k_below_minimum');
  });

  it('the change is in the audit log: who, which wave, from and to', async () => {
    const before = await researcher.get(`/api/waves/${whole}/analysis-settings`);
    expect((await admin.put(`/api/waves/${whole}/analysis-settings`).send({ minCell: 5 })).status).toBe(200);
    const log = await admin.get('/api/audit?action=wave.min_cell&limit=10');
    expect(log.status).toBe(200);
    const entry = (log.body.items as { actor: string; target: string; details: Record<string, number> }[])[0];
    expect(entry).toMatchObject({ actor: admin.email, target: whole, details: { from: before.body.minCell, to: 5 } });
    const byCoordinator = (log.body.items as { actor: string }[]).filter((e) => e.actor === coordinator.email);
    expect(byCoordinator.length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['zero', 0],
    ['above 50', 51],
    ['a fraction', 2.5],
    ['text', '3'],
    ['missing', undefined],
  ])('%s is refused with a problem document naming the field', async (_what, value) => {
    const res = await coordinator
      .put(`/api/waves/${whole}/analysis-settings`)
      .send(value === undefined ? {} : { minCell: value });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((res.body.invalid_params as { name: string }[]).map((p) => p.name)).toContain('body.minCell');
  });

  it('a coordinator reads it (for the wave page), and so may any signed-in user; not anonymously', async () => {
    const res = await coordinator.get(`/api/waves/${whole}/analysis-settings`);
    expect(res.status).toBe(200);
    expect(res.body.maySeeUnsuppressed).toBe(true);
    const editor = await agentAs(app, ['editor']);
    expect((await editor.get(`/api/waves/${whole}/analysis-settings`)).body.maySeeUnsuppressed).toBe(false);
    const anonymous = await request(app).get(`/api/waves/${whole}/analysis-settings`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['content-type']).toContain('application/problem+json');
  });

  it('a researcher may not set it; an unknown wave is 404', async () => {
    const res = await researcher.put(`/api/waves/${whole}/analysis-settings`).send({ minCell: 3 });
    expect(res.status).toBe(403);
    expect((await coordinator.put('/api/waves/no-such-wave/analysis-settings').send({ minCell: 3 })).status).toBe(404);
  });
});
