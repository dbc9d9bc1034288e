// Trends across three waves (issue 17, item 2), over HTTP on the real store. A small monitor in
// two questionnaire versions (v2 retitles "funding"); every expected figure is worked out by hand
// below (Wilson: centre (p + z²/2n)/(1 + z²/n), half-width z/(1 + z²/n)·√(p(1−p)/n + z²/4n²);
// mean: x̄ ± 1.96·s/√n with the sample s), not by the code under test.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { useAgents, useTestApp } from '../helpers/app';
import { createOpenWave, regionalQuestionnaire } from '../helpers/fixtures';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';

const app = useTestApp();
const { researcher, coordinator } = useAgents(app, 'researcher', 'coordinator');

const monitor = (fundingTitle: string) =>
  regionalQuestionnaire(
    { ru: 'Монитор', en: 'Monitor', uk: 'Монітор' },
    ['RU-VLG', 'RU-MOS'],
    [
      { type: 'radiogroup', name: 'funding', title: fundingTitle, choices: ['yes', 'no'] },
      { type: 'radiogroup', name: 'acute', choices: [1, 2, 3, 4, 5, 'na'] },
    ],
  );

type Answer = [region: string, funding: string, acute: number | 'na'];
// Wave 1 (v1): Vologda yes·5, yes·4, no·na; Moscow Oblast yes·2, no·3.
const W1: Answer[] = [
  ['RU-VLG', 'yes', 5],
  ['RU-VLG', 'yes', 4],
  ['RU-VLG', 'no', 'na'],
  ['RU-MOS', 'yes', 2],
  ['RU-MOS', 'no', 3],
];
// Wave 2 (v1): Vologda yes·1, no·2, no·3, no·na; Moscow Oblast yes·5, yes·5.
const W2: Answer[] = [
  ['RU-VLG', 'yes', 1],
  ['RU-VLG', 'no', 2],
  ['RU-VLG', 'no', 3],
  ['RU-VLG', 'no', 'na'],
  ['RU-MOS', 'yes', 5],
  ['RU-MOS', 'yes', 5],
];
// Wave 3 (v2): Vologda yes·4, yes·4, yes·5, no·na; Moscow Oblast yes·3.
const W3: Answer[] = [
  ['RU-VLG', 'yes', 4],
  ['RU-VLG', 'yes', 4],
  ['RU-VLG', 'yes', 5],
  ['RU-VLG', 'no', 'na'],
  ['RU-MOS', 'yes', 3],
];
const waves: string[] = [];
let other: string;

async function makeWave(questionnaireId: string): Promise<string> {
  return createOpenWave(questionnaireId);
}

async function fill(code: string, rows: Answer[]): Promise<void> {
  for (const [i, [region, funding, acute]] of rows.entries()) {
    const res = await request(app)
      .post(`/api/waves/${code}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: { region, municipality: `М-${i}`, funding, acute } });
    expect(res.status).toBe(201);
  }
}

beforeAll(async () => {
  const v1 = await registerVersion('trend-monitor', monitor('Funding?'), 'upload');
  const v2 = await registerVersion('trend-monitor', monitor('Is funding a problem?'), 'upload');
  waves.push(await makeWave(v1.version.id), await makeWave(v1.version.id), await makeWave(v2.version.id));
  await fill(waves[0], W1);
  await fill(waves[1], W2);
  await fill(waves[2], W3);
  const bare = await registerVersion(
    'trend-other',
    { pages: [{ name: 'p', elements: [{ type: 'radiogroup', name: 'x', choices: ['a'] }] }] },
    'upload',
  );
  other = await makeWave(bare.version.id);
  for (const w of waves)
    expect((await coordinator.put(`/api/waves/${w}/analysis-settings`).send({ minCell: 1 })).status).toBe(200);
}, 120_000);

type Point = {
  wave: string;
  n: number;
  count: number | null;
  value: number | null;
  low: number | null;
  high: number | null;
  suppressed: boolean;
  smallBase: boolean;
};
type Line = { code: string; points: Point[] };
const round = (p: Point) => [
  p.n,
  p.value === null ? null : +p.value.toFixed(4),
  p.low === null ? null : +p.low.toFixed(4),
  p.high === null ? null : +p.high.toFixed(4),
];
const line = (lines: Line[], code: string) => lines.find((l) => l.code === code)!.points.map(round);

describe('trends across three waves', () => {
  it('share of "yes" per wave, per region and overall, with Wilson intervals worked by hand', async () => {
    const res = await researcher
      .get('/api/trends')
      .query({ waves: waves.join(','), question: 'funding', value: 'yes', k: 1 });
    expect(res.status).toBe(200);
    expect(res.body.measure).toBe('share');
    expect(res.body.value.code).toBe('yes');
    // Overall 3/5, 3/6, 4/5.
    expect(line([res.body.overall], 'all')).toEqual([
      [5, 0.6, 0.2307, 0.8824],
      [6, 0.5, 0.1876, 0.8124],
      [5, 0.8, 0.3755, 0.9638],
    ]);
    // Vologda 2/3, 1/4, 3/4; Moscow Oblast 1/2, 2/2, 1/1.
    expect(line(res.body.regions, 'RU-VLG')).toEqual([
      [3, 0.6667, 0.2077, 0.9385],
      [4, 0.25, 0.0456, 0.6994],
      [4, 0.75, 0.3006, 0.9544],
    ]);
    expect(line(res.body.regions, 'RU-MOS')).toEqual([
      [2, 0.5, 0.0945, 0.9055],
      [2, 1, 0.3424, 1],
      [1, 1, 0.2065, 1],
    ]);
    // Every base here is below 30: every point is marked.
    expect(res.body.overall.points.every((p: Point) => p.smallBase)).toBe(true);
  });

  it('shows how the question was matched: same title in v1, retitled in v2, absent elsewhere', async () => {
    const res = await researcher
      .get('/api/trends')
      .query({ waves: [...waves, other].join(','), question: 'funding', k: 1 });
    expect(res.status).toBe(200);
    expect(res.body.waves.map((w: { match: string }) => w.match)).toEqual([
      'title-changed',
      'title-changed',
      'same',
      'missing',
    ]);
    expect(res.body.question.title.en).toBe('Is funding a problem?');
    expect(res.body.overall.points[3]).toMatchObject({ wave: other, n: 0, value: null });
    const q = await researcher.get('/api/trends/questions').query({ waves: [...waves, other].join(',') });
    expect(q.body.items.find((i: { name: string }) => i.name === 'funding').waves).toEqual(waves);
  });

  it('mean of the 1–5 codes ("not relevant" left out) with x̄ ± 1.96·s/√n', async () => {
    const res = await researcher
      .get('/api/trends')
      .query({ waves: waves.join(','), question: 'acute', measure: 'mean', k: 1 });
    expect(res.status).toBe(200);
    expect(res.body.measures).toEqual(['share', 'mean']);
    // Overall {5,4,2,3}, {1,2,3,5,5}, {4,4,5,3}.
    expect(line([res.body.overall], 'all')).toEqual([
      [4, 3.5, 2.2348, 4.7652],
      [5, 3.2, 1.632, 4.768],
      [4, 4, 3.1998, 4.8002],
    ]);
    // Vologda {5,4}, {1,2,3}, {4,4,5}.
    expect(line(res.body.regions, 'RU-VLG')).toEqual([
      [2, 4.5, 3.52, 5.48],
      [3, 2, 0.8684, 3.1316],
      [3, 4.3333, 3.68, 4.9867],
    ]);
  });

  it('hides what the disclosure rule hides at the wave minimum k = 3', async () => {
    for (const w of waves) await coordinator.put(`/api/waves/${w}/analysis-settings`).send({ minCell: 3 });
    try {
      const res = await researcher
        .get('/api/trends')
        .query({ waves: waves.join(','), question: 'funding', value: 'yes' });
      expect(res.status).toBe(200);
      expect(res.body.minCell).toBe(3);
      // Moscow Oblast: bases 2, 2, 1 — all below k.
      const mos = res.body.regions.find((l: Line) => l.code === 'RU-MOS').points as Point[];
      expect(mos.map((p) => [p.suppressed, p.value])).toEqual([
        [true, null],
        [true, null],
        [true, null],
      ]);
      const below = await researcher.get('/api/trends').query({ waves: waves.join(','), question: 'funding', k: 1 });
      expect(below.status).toBe(403);
    } finally {
      for (const w of waves) await coordinator.put(`/api/waves/${w}/analysis-settings`).send({ minCell: 1 });
    }
  });

  it('hides a mean of codes whenever an answer cell of its row is hidden at the same k', async () => {
    // At k = 2, wave 3's Vologda row {4, 4, 5, na} shows "4" (2) but hides "5" (1) and "na" (1):
    // its mean (13/3) together with n (3) would give both away; the point is hidden, n is the base.
    const res = await researcher
      .get('/api/trends')
      .query({ waves: waves.join(','), question: 'acute', measure: 'mean', k: 2 });
    expect(res.status).toBe(200);
    const vlg = (res.body.regions as Line[]).find((l) => l.code === 'RU-VLG')!.points[2];
    expect([vlg.suppressed, vlg.value, vlg.n]).toEqual([true, null, 4]);
    for (const [i, w] of waves.entries()) {
      const t = await researcher.get(`/api/waves/${w}/questions/acute/tally`).query({ by: 'region', k: 2 });
      expect(t.status).toBe(200);
      type R = { code: string; cells: Record<string, { suppressed?: true }> };
      const rows: R[] = [...t.body.groups, { ...t.body.total, code: 'all' }];
      for (const l of [res.body.overall as Line, ...(res.body.regions as Line[])]) {
        const row = rows.find((r) => r.code === l.code);
        const anyHidden = !!row && Object.values(row.cells).some((c) => c.suppressed);
        if (anyHidden) expect([w, l.code, l.points[i].value]).toEqual([w, l.code, null]);
      }
    }
  });

  it('downloads the long format as CSV and XLSX', async () => {
    const q = { waves: waves.join(','), question: 'funding', value: 'yes', k: 1, lng: 'en' };
    const bin = (r: request.Test) =>
      r.buffer(true).parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    const c = await bin(researcher.get('/api/trends.csv').query(q));
    expect(c.status).toBe(200);
    const rows = parse((c.body as Buffer).toString('utf8').slice(1), { columns: true, comment: '#' }) as Record<
      string,
      string
    >[];
    expect(Object.keys(rows[0]).slice(0, 8)).toEqual([
      'wave',
      'region',
      'question',
      'value',
      'n',
      'share',
      'low',
      'high',
    ]);
    expect(rows).toHaveLength(9); // 3 waves × (overall + 2 regions)
    expect(rows.find((r) => r.wave === waves[1] && r.region === 'RU-VLG')).toMatchObject({
      n: '4',
      share: '0.25',
      value: 'yes',
    });
    const x = await bin(researcher.get('/api/trends.xlsx').query(q));
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.body as unknown as ExcelJS.Buffer);
    expect(wb.worksheets[0].getRow(1).values).toEqual(
      expect.arrayContaining(['wave', 'region', 'share', 'low', 'high']),
    );
    expect(wb.worksheets[0].rowCount).toBe(10);
  });

  it('rejects a bad series with problem details', async () => {
    const one = await researcher.get('/api/trends').query({ waves: waves[0], question: 'funding' });
    expect(one.status).toBe(400);
    expect(one.headers['content-type']).toContain('application/problem+json');
    const nope = await researcher.get('/api/trends').query({ waves: waves.join(','), question: 'nope' });
    expect(nope.status).toBe(400);
    const anon = await request(app)
      .get('/api/trends')
      .query({ waves: waves.join(','), question: 'funding' });
    expect(anon.status).toBe(401);
  });
});
