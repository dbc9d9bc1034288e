// The annual report (issue 17, item 4), over HTTP on the real store: a two-area monitor in two
// waves. Worked by hand: "roads" rated 5,5,4,2,1,n/a in A → 3 of 5 rate it 4–5 (60%, Wilson
// [23.07%, 88.24%], mean 17/5 = 3.4); in B 5,4,3,2,1,1 → 2 of 6 (33.3%, Wilson [9.68%, 70.00%],
// mean 16/6); change −26.7 pp; expected counts below 5 → Fisher's exact test on [[3,2],[2,4]]:
// p = 0.5671 (the sum of the table probabilities no more likely than the one observed).
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import JSZip from 'jszip';
import { asBuffer, useAgent, useTestApp } from '../helpers/app';
import { createOpenWave, regionalQuestionnaire } from '../helpers/fixtures';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';

const app = useTestApp();
const researcher = useAgent(app, ['researcher']);
const coordinator = useAgent(app, ['researcher', 'coordinator']);

const SCALE = [1, 2, 3, 4, 5, 'na'];
const monitor = (regions: string[]) =>
  regionalQuestionnaire({ ru: 'Монитор', en: 'Monitor', uk: 'Монітор' }, regions, [
    {
      type: 'matrix',
      name: 'severity',
      title: { ru: 'Острота', en: 'Acuteness', uk: 'Гострота' },
      columns: SCALE,
      rows: [
        { value: 'roads', text: { ru: 'Дороги', en: 'Roads', uk: 'Дороги' } },
        { value: 'staff', text: { ru: 'Кадры', en: 'Staff', uk: 'Кадри' } },
      ],
    },
  ]);
const Q = monitor(['RU-VLG', 'RU-MOS']);
let a: string;
let b: string;

async function wave(id: string, rows: [string, number | string][]): Promise<string> {
  const code = `r-${randomUUID().slice(0, 8)}`;
  await createOpenWave(id, {
    code,
    scope: { countries: ['RU'], regions: [] },
  });
  for (const [i, [region, roads]] of rows.entries()) {
    const res = await request(app)
      .post(`/api/waves/${code}/responses`)
      .send({
        clientId: randomUUID(),
        locale: 'ru',
        answers: { region, municipality: `М-${i}`, severity: { roads, staff: 3 } },
      });
    expect(res.status).toBe(201);
  }
  return code;
}

beforeAll(async () => {
  const { version } = await registerVersion('report-monitor', Q, 'upload');
  a = await wave(version.id, [
    ['RU-VLG', 5],
    ['RU-VLG', 5],
    ['RU-VLG', 4],
    ['RU-MOS', 2],
    ['RU-MOS', 1],
    ['RU-MOS', 'na'],
  ]);
  b = await wave(version.id, [
    ['RU-VLG', 5],
    ['RU-VLG', 4],
    ['RU-VLG', 3],
    ['RU-MOS', 2],
    ['RU-MOS', 1],
    ['RU-MOS', 1],
  ]);
}, 120_000);

type Finding = {
  name: string;
  share: number | null;
  low: number | null;
  high: number | null;
  mean: number | null;
  n: number;
  suppressed: boolean;
  change: { pp: number; p: number; test: string } | null;
  regions: { code: string; n: number; share: number | null; suppressed: boolean }[];
};
const r4 = (x: number | null) => (x === null ? null : +x.toFixed(4));

describe('the annual report', () => {
  it('gives the share rating 4–5, its interval, the mean and the tested change since the previous wave', async () => {
    const res = await coordinator.get(`/api/waves/${b}/report`).query({ previous: a, k: 1 });
    expect(res.status).toBe(200);
    expect(res.body.k).toBe(1);
    expect(res.body.respondents).toBe(6);
    expect(
      res.body.response.map((x: { code: string; responded: number; invited: null }) => [
        x.code,
        x.responded,
        x.invited,
      ]),
    ).toEqual([
      ['RU-MOS', 3, null],
      ['RU-VLG', 3, null],
    ]);
    const roads = res.body.findings.find((f: Finding) => f.name === 'severity_roads') as Finding;
    expect([roads.n, r4(roads.share), r4(roads.low), r4(roads.high), r4(roads.mean)]).toEqual([
      6, 0.3333, 0.0968, 0.7, 2.6667,
    ]);
    expect(roads.change!.test).toBe('fisher');
    expect(+roads.change!.pp.toFixed(2)).toBe(-26.67);
    expect(+roads.change!.p.toFixed(4)).toBe(0.5671);
    expect(res.body.largestChanges[0]).toBe('severity_roads');
    // Vologda 5,4,3 → 2 of 3.
    expect(roads.regions.find((x) => x.code === 'RU-VLG')).toMatchObject({ n: 3 });
    expect(r4(roads.regions.find((x) => x.code === 'RU-VLG')!.share)).toBe(0.6667);
    expect(res.body.method).toHaveLength(4);
  });

  it('hides small figures at the report k (at least 5 by default)', async () => {
    const res = await researcher.get(`/api/waves/${b}/report`);
    expect(res.status).toBe(200);
    expect(res.body.k).toBe(5);
    const roads = res.body.findings.find((f: Finding) => f.name === 'severity_roads') as Finding;
    expect(roads.suppressed).toBe(true);
    expect(roads.share).toBeNull();
    expect(roads.regions.every((x) => x.suppressed)).toBe(true);
    expect((await researcher.get(`/api/waves/${b}/report`).query({ k: 1 })).status).toBe(403);
  });

  it('exports the same report as DOCX', async () => {
    const res = await asBuffer(coordinator.get(`/api/waves/${b}/report.docx`).query({ previous: a, k: 1, lng: 'en' }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('wordprocessingml');
    const zip = await JSZip.loadAsync(res.body as Buffer);
    const xml = await zip.file('word/document.xml')!.async('string');
    for (const text of ['Annual report', '1. Method', 'Roads', '33.3%', 'Fisher, p = 0.567', 'Response by region'])
      expect(xml).toContain(text);
  });
});

// Issue 17, disclosure gap: "4–5" and the mean read next to the per-answer table at the same k.
// At k = 5: Vologda 4×6, 5×2, 3×5 → its "5" (2) is hidden in the per-answer table while "4" (6)
// is shown; the two-cell table "4–5 / 1–3" (8 / 5) passes the rule of its own, so the old report
// showed "4–5" = 8 and 8 − 6 gave the hidden 2 away. Moscow 4×5, 5×5, 2×5; Krasnodar 4×5, 5×5,
// 1×5 and "not relevant" ×2 (hidden: its n, the row base minus those 2, would give them away).
describe('the annual report next to the per-answer table at the same k', () => {
  type Cell = { count: number | null; suppressed?: boolean };
  type TallyRow = { code: string; answered: number; cells: Record<string, Cell> };
  type Est = {
    n: number | null;
    count: number | null;
    share: number | null;
    mean: number | null;
    suppressed: boolean;
    meanSuppressed: boolean;
  };
  let w: string;
  let table: { groups: TallyRow[]; total: TallyRow };
  let roads: Est & { regions: (Est & { code: string })[] };

  beforeAll(async () => {
    const q = monitor(['RU-VLG', 'RU-MOS', 'RU-KDA']);
    const { version } = await registerVersion('report-disclosure', q, 'upload');
    const rep = (region: string, value: number | string, times: number): [string, number | string][] =>
      Array.from({ length: times }, () => [region, value]);
    w = await wave(version.id, [
      ...rep('RU-VLG', 4, 6),
      ...rep('RU-VLG', 5, 2),
      ...rep('RU-VLG', 3, 5),
      ...rep('RU-MOS', 4, 5),
      ...rep('RU-MOS', 5, 5),
      ...rep('RU-MOS', 2, 5),
      ...rep('RU-KDA', 4, 5),
      ...rep('RU-KDA', 5, 5),
      ...rep('RU-KDA', 1, 5),
      ...rep('RU-KDA', 'na', 2),
    ]);
    const t = await researcher.get(`/api/waves/${w}/questions/severity_roads/tally`).query({ by: 'region', k: 5 });
    expect(t.status).toBe(200);
    table = t.body;
    const res = await researcher.get(`/api/waves/${w}/report`);
    expect(res.status).toBe(200);
    expect(res.body.k).toBe(5);
    roads = res.body.findings.find((f: { name: string }) => f.name === 'severity_roads');
  }, 120_000);

  const rowOf = (code: string) => (code === 'all' ? table.total : table.groups.find((g) => g.code === code)!);
  const lines = () => [...roads.regions, { ...roads, code: 'all' }];

  it('hides "4–5" of a region whose "5" is hidden, though its "4" is shown', () => {
    const vlg = rowOf('RU-VLG');
    expect(vlg.cells['5'].suppressed).toBe(true);
    expect(vlg.cells['4'].count).toBe(6);
    const est = roads.regions.find((x) => x.code === 'RU-VLG')!;
    expect(est).toMatchObject({ count: null, share: null, suppressed: true, mean: null, meanSuppressed: true });
    expect(est.n).toBe(13);
  });

  it('leaves no hidden value to subtraction: every shown "4–5" is a shown "4" plus a shown "5"', () => {
    for (const e of lines()) {
      if (e.suppressed) continue;
      const row = rowOf(e.code);
      expect(row.cells['4'].suppressed).toBeFalsy();
      expect(row.cells['5'].suppressed).toBeFalsy();
      expect(e.count).toBe(row.cells['4'].count! + row.cells['5'].count!);
    }
    // The regions add up to the total: never exactly one hidden "4–5" on that line.
    expect(lines().filter((e) => e.suppressed).length).not.toBe(1);
  });

  it('shows a mean only for a row with every answer cell shown, and hides n when "not relevant" is hidden', () => {
    for (const e of lines()) {
      const row = rowOf(e.code);
      const anyHidden = Object.values(row.cells).some((c) => c.suppressed);
      expect([e.code, e.mean !== null]).toEqual([e.code, !anyHidden]);
      if (anyHidden) expect(e.meanSuppressed).toBe(true);
    }
    const kda = roads.regions.find((x) => x.code === 'RU-KDA')!;
    expect(rowOf('RU-KDA').cells.na.suppressed).toBe(true);
    expect(kda).toMatchObject({ n: null, share: null, mean: null, suppressed: true });
    // Moscow's row has nothing hidden of its own, but the column's second hidden "5" falls on one of
    // the other regions; wherever it falls, the line never ends with a single hidden "4–5".
  });

  it('prints the hidden base and mean as [c] in the DOCX', async () => {
    const res = await asBuffer(researcher.get(`/api/waves/${w}/report.docx`).query({ lng: 'en' }));
    expect(res.status).toBe(200);
    const xml = await (await JSZip.loadAsync(res.body as Buffer)).file('word/document.xml')!.async('string');
    const cells = [...xml.matchAll(/<w:t[^>]*>([^<]*)<\/w:t>/g)].map((m) => m[1]);
    // The Vologda line of the roads table: region, base 13, "4–5" hidden, mean hidden.
    const i = cells.findIndex((c, j) => c.startsWith('Vologda') && cells[j + 1] === '13');
    expect(i).toBeGreaterThan(-1);
    expect(cells.slice(i + 1, i + 4)).toEqual(['13', '[c]', '[c]']);
  });
});
