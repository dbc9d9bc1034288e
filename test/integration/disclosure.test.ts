// One disclosure rule for the screen and the exports, over HTTP on the real store: the JSON a page
// shows and the CSV a researcher downloads hide the same cells; no hidden cell can be worked out
// from the totals, subtotals or the other cells of its table; k below the wave's minimum is for
// coordinators and admins only.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { useAgent, useTestApp } from '../helpers/app';
import { createFixtureWave } from '../helpers/fixtures';

const app = useTestApp();
const researcher = useAgent(app, ['researcher']);
// Analysis pages are for researchers; a coordinator who also analyses may go below the minimum k.
const coordinator = useAgent(app, ['coordinator', 'researcher']);
let wave: string;

type Answers = Record<string, unknown>;
// Per region: [municipality type, has experience, obstacles] of each respondent.
const PLAN: Record<string, [string, boolean, string[]][]> = {
  'RU-VLG': [
    ['urban_okrug', true, ['funding', 'experience']],
    ['urban_okrug', true, ['funding', 'experience']],
    ['urban_okrug', false, ['funding', 'experience', 'legal']],
    ['rural_settlement', false, ['funding', 'experience', 'legal']],
    ['rural_settlement', false, ['funding', 'experience', 'legal']],
    ['rural_settlement', false, ['funding', 'staff']],
    ['rural_settlement', true, ['funding', 'staff']],
    ['municipal_district', false, ['legal', 'staff']],
  ],
  'RU-MOS': [
    ['urban_okrug', true, ['funding', 'experience']],
    ['urban_okrug', true, ['funding', 'legal']],
    ['urban_okrug', true, ['funding', 'legal']],
    ['urban_okrug', false, ['funding', 'legal', 'staff']],
    ['municipal_district', true, ['funding', 'staff']],
    ['municipal_district', true, ['legal', 'staff']],
  ],
  'UA-05': [
    ['urban_okrug', false, ['funding', 'experience']],
    ['rural_settlement', false, ['experience', 'legal']],
    ['rural_settlement', false, ['experience', 'legal']],
    ['rural_settlement', true, ['experience', 'staff']],
    ['rural_settlement', false, ['funding', 'experience']],
  ],
};

beforeAll(async () => {
  wave = await createFixtureWave();
  let i = 0;
  for (const [region, list] of Object.entries(PLAN))
    for (const [type, experience, obstacles] of list) {
      const answers: Answers = {
        region,
        municipality: `M${i++}`,
        municipality_type: type,
        has_experience: experience,
        obstacles,
      };
      const res = await request(app)
        .post(`/api/waves/${wave}/responses`)
        .send({ clientId: randomUUID(), locale: 'en', answers });
      expect(res.status).toBe(201);
    }
}, 120_000);

type Cell = { count: number | null; suppressed?: true };
const hiddenCount = (cells: (Cell | undefined)[]) => cells.filter((c) => c?.suppressed).length;
const csvRows = (text: string) =>
  parse(text.replace(/^\uFEFF/, ''), { columns: true, delimiter: ',', comment: '#' }) as Record<string, string>[];

describe('the obstacle table (heat map) and its export', () => {
  it('at the default k = 3: the same cells hidden on screen and in the CSV; none derivable', async () => {
    const res = await researcher.get(`/api/waves/${wave}/tally`);
    expect(res.status).toBe(200);
    const t = res.body;
    expect(t.minCell).toBe(3);
    expect(t.legend.en).toMatch(/^\[c\] — hidden: fewer than 3 respondents/);
    type R = { code: string; counts: Record<string, Cell> };
    const regions = t.regions as R[];
    const countries = t.countries as R[];
    // Moscow's "experience" is 1 respondent: hidden; so that Russia − Vologda does not give it away,
    // Vologda's (5) is hidden as well.
    const by = (code: string) => regions.find((r) => r.code === code)!;
    expect(by('RU-MOS').counts.experience.suppressed).toBe(true);
    expect(by('RU-VLG').counts.experience.suppressed).toBe(true);
    expect(by('UA-05').counts.experience.count).toBe(5);
    for (const o of t.obstacles as { code: string }[]) {
      // Regions with the total, and each country's regions with the country: 0 or ≥ 2 hidden.
      const column = [...regions.map((r) => r.counts[o.code]), t.total.counts[o.code]];
      expect(hiddenCount(column)).not.toBe(1);
      for (const c of countries) {
        const members = regions.filter((r) => r.code.startsWith(`${c.code}-`)).map((r) => r.counts[o.code]);
        expect(hiddenCount([...members, c.counts[o.code]])).not.toBe(1);
      }
      expect(hiddenCount([...countries.map((c) => c.counts[o.code]), t.total.counts[o.code]])).not.toBe(1);
    }

    const csv = await researcher.get(`/api/waves/${wave}/exports/tally.csv?locale=en&delimiter=comma`);
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(`# ${t.legend.en}`);
    const rows = csvRows(csv.text);
    for (const r of regions)
      for (const o of t.obstacles as { code: string; labels: { en: string } }[]) {
        const shown = rows.find((x) => x.Code === r.code)![`${o.labels.en}, n`];
        expect(shown).toBe(r.counts[o.code].suppressed ? '[c]' : String(r.counts[o.code].count));
      }
  });

  it('a researcher may raise k, not lower it below the minimum, on screen or in an export; a coordinator may go to 1', async () => {
    expect((await researcher.get(`/api/waves/${wave}/tally?k=4`)).body.minCell).toBe(4);
    const low = await researcher.get(`/api/waves/${wave}/tally?k=1`);
    expect(low.status).toBe(403);
    expect(low.body.code).toBe('k_below_minimum');
    expect((await researcher.get(`/api/waves/${wave}/exports/tally.csv?k=1`)).status).toBe(403);
    expect(
      (await researcher.post(`/api/waves/${wave}/exports`).send({ table: 'tally', format: 'csv', k: 1 })).status,
    ).toBe(403);
    const all = await coordinator.get(`/api/waves/${wave}/tally?k=1`);
    expect(all.status).toBe(200);
    expect(all.body.legend.en).toContain('k = 1');
    expect(all.body.regions.find((r: { code: string }) => r.code === 'RU-MOS').counts.experience.count).toBe(1);
    const csv = await coordinator.get(`/api/waves/${wave}/exports/tally.csv?k=1&locale=en&delimiter=comma`);
    expect(csv.status).toBe(200);
    expect(csv.text).not.toContain('[c]');
    // The settings say what the caller may choose.
    expect((await researcher.get(`/api/waves/${wave}/analysis-settings`)).body).toEqual({
      minCell: 3,
      maySeeUnsuppressed: false,
    });
    expect((await coordinator.get(`/api/waves/${wave}/analysis-settings`)).body.maySeeUnsuppressed).toBe(true);
  });
});

describe('crosstab and question tables', () => {
  it('crosstab: rows and columns with totals keep 0 or ≥ 2 hidden cells; the CSV hides the same', async () => {
    const res = await researcher.get(`/api/waves/${wave}/crosstab?row=municipality_type&col=has_experience`);
    expect(res.status).toBe(200);
    const c = res.body as {
      cells: Cell[][];
      rowTotals: (number | null)[];
      colTotals: (number | null)[];
      rows: { value: string; labels: { en: string } }[];
      cols: { value: string; labels: { en: string } }[];
    };
    const asCell = (t: number | null): Cell => (t === null ? { count: null, suppressed: true } : { count: t });
    // municipal_district: 1 with experience, 1 without → both hidden, and so its row total 2.
    expect(hiddenCount(c.cells.flat())).toBeGreaterThan(0);
    c.cells.forEach((line, i) => expect(hiddenCount([...line, asCell(c.rowTotals[i])])).not.toBe(1));
    c.cols.forEach((_x, j) =>
      expect(hiddenCount([...c.cells.map((line) => line[j]), asCell(c.colTotals[j])])).not.toBe(1),
    );
    expect(hiddenCount(c.rowTotals.map(asCell))).not.toBe(1);
    expect(hiddenCount(c.colTotals.map(asCell))).not.toBe(1);

    const csv = await researcher.get(
      `/api/waves/${wave}/exports/crosstab.csv?row=municipality_type&col=has_experience&locale=en&delimiter=comma`,
    );
    expect(csv.status).toBe(200);
    const rows = csvRows(csv.text);
    c.rows.forEach((o, i) => {
      const line = rows.find((r) => Object.values(r)[0] === o.labels.en)!;
      c.cols.forEach((x, j) =>
        expect(line[x.labels.en]).toBe(c.cells[i][j].suppressed ? '[c]' : String(c.cells[i][j].count)),
      );
    });
  });

  it('a single-choice question by region: each row adds up to its base, so rows keep 0 or ≥ 2 hidden', async () => {
    const res = await researcher.get(`/api/waves/${wave}/questions/municipality_type/tally?by=region`);
    expect(res.status).toBe(200);
    const q = res.body as {
      options: { value: string; labels: { en: string } }[];
      groups: { code: string; names: { en: string }; cells: Record<string, Cell> }[];
      total: { cells: Record<string, Cell> };
    };
    for (const g of [...q.groups, q.total]) expect(hiddenCount(Object.values(g.cells))).not.toBe(1);
    for (const o of q.options)
      expect(hiddenCount([...q.groups.map((g) => g.cells[o.value]), q.total.cells[o.value]])).not.toBe(1);
    const csv = await researcher.get(
      `/api/waves/${wave}/exports/question.csv?question=municipality_type&by=region&locale=en&delimiter=comma`,
    );
    const rows = csvRows(csv.text);
    for (const g of q.groups) {
      const line = rows.find((r) => r.Code === g.code)!;
      for (const o of q.options) {
        const cell = g.cells[o.value];
        expect(line[`${o.labels.en}, n`]).toBe(cell.suppressed ? '[c]' : String(cell.count));
      }
    }
  });
});
