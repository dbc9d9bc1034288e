// The tally engine, crosstab, wave comparison, "other" coding, small-cell protection and the
// kept counts, over HTTP on the real store, against numbers worked out by hand below.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { useAgents, useTestApp } from '../helpers/app';
import { createFixtureWave, fixture } from '../helpers/fixtures';
import { agentAs } from '../helpers/auth';
import { createInvitationWave, importAndIssue } from '../helpers/invitations';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';
import { ResponseModel } from '../../server/src/responses/response.model';
import { CounterModel } from '../../server/src/analytics/counter.model';
import {
  applyToCounters,
  catchUp,
  counterId,
  keepTally,
  retryFailed,
  verifyCounters,
  type TallySource,
} from '../../server/src/analytics/counters.service';

const app = useTestApp();
const { researcher, admin } = useAgents(app, 'researcher', 'admin');

type A = Record<string, unknown>;
// Eight municipalities, answers chosen so every number below can be checked by hand.
const WAVE_A: A[] = [
  {
    region: 'RU-VLG',
    municipality_type: 'urban_okrug',
    population: 1000,
    obstacles: ['funding', 'experience'],
    severity: { funding: 5, experience: 3 },
    has_experience: true,
    satisfaction: 4,
  },
  {
    region: 'RU-VLG',
    municipality_type: 'urban_okrug',
    population: 3000,
    obstacles: ['funding'],
    severity: { funding: 4 },
    has_experience: false,
    satisfaction: 2,
  },
  {
    region: 'RU-VLG',
    municipality_type: 'rural_settlement',
    population: 500,
    obstacles: ['legal'],
    has_experience: false,
    satisfaction: 3,
  },
  {
    region: 'RU-VLG',
    municipality_type: 'rural_settlement',
    population: 700,
    obstacles: ['funding', 'other'],
    'obstacles-Comment': 'Плохие дороги',
    has_experience: false,
    satisfaction: 5,
  },
  {
    region: 'RU-MOS',
    municipality_type: 'urban_okrug',
    population: 20000,
    obstacles: ['funding', 'staff'],
    has_experience: true,
    satisfaction: 4,
  },
  {
    region: 'RU-MOS',
    municipality_type: 'municipal_district',
    population: 8000,
    obstacles: ['experience'],
    has_experience: true,
    satisfaction: 1,
  },
  {
    region: 'UA-05',
    municipality_type: 'rural_settlement',
    population: 1200,
    obstacles: ['funding', 'experience', 'legal', 'staff'],
    has_experience: false,
  },
  {
    region: 'UA-05',
    municipality_type: 'urban_okrug',
    population: 9000,
    obstacles: ['other'],
    'obstacles-Comment': 'Нет дорог',
    has_experience: true,
    satisfaction: 3,
    comment: "=cmd|' /C calc'!A0",
  },
];
const ids = WAVE_A.map(() => randomUUID());
let wave: string;
let waveB: string;

async function submit(code: string, answers: A, id = randomUUID()): Promise<void> {
  const res = await request(app)
    .post(`/api/waves/${code}/responses`)
    .send({ clientId: id, locale: 'ru', answers: { municipality: `М-${id.slice(0, 4)}`, ...answers } });
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  wave = await createFixtureWave();
  for (let i = 0; i < WAVE_A.length; i++) await submit(wave, WAVE_A[i], ids[i]);

  // Wave B runs on version 2 of the questionnaire: one more region and one more obstacle.
  const v2 = fixture('mini-barriers.json') as { pages: { elements: { name: string; choices?: string[] }[] }[] };
  const els = v2.pages[0].elements;
  els.find((e) => e.name === 'region')!.choices!.push('RU-ARK');
  els.find((e) => e.name === 'obstacles')!.choices!.push('digital');
  const { version } = await registerVersion('mini-barriers', v2 as unknown as Record<string, unknown>, 'upload');
  waveB = await createFixtureWave({ questionnaireId: version.id });
  await submit(waveB, { region: 'RU-VLG', population: 1000, obstacles: ['funding'] });
  await submit(waveB, { region: 'RU-VLG', population: 2000, obstacles: ['legal', 'digital'] });
  await submit(waveB, { region: 'RU-ARK', population: 500, obstacles: ['funding'] });
  // The tables worked by hand below are tiny: the coordinator's minimum k = 1 lets researchers see
  // them whole (the disclosure rule itself is tested in 'small-cell protection' and disclosure.test.ts).
  for (const code of [wave, waveB])
    expect((await admin.put(`/api/waves/${code}/analysis-settings`).send({ minCell: 1 })).status).toBe(200);
});

const cellOf = (row: { cells: Record<string, { count: number | null }> }, v: string) => row.cells[v];

describe('tally engine', () => {
  it('obstacles overall: counts, shares and Wilson bounds as worked by hand', async () => {
    const res = await researcher.get(`/api/waves/${wave}/tally`);
    expect(res.status).toBe(200);
    expect(res.body.source).toBe('kept');
    const t = res.body.total;
    expect(t.respondents).toBe(8);
    // funding: responses 1, 2, 4, 5, 7 → 5/8 = 0.625; Wilson: centre 0.58445, half 0.27871
    expect(t.counts.funding.count).toBe(5);
    expect(t.counts.funding.share).toBe(0.625);
    expect(t.counts.funding.low).toBeCloseTo(0.3057, 4);
    expect(t.counts.funding.high).toBeCloseTo(0.8632, 4);
    expect(['experience', 'legal', 'staff', 'other'].map((o) => t.counts[o].count)).toEqual([3, 2, 2, 2]);
    expect(res.body.base.text.ru).toContain('База: 8 респондентов');
  });

  it('filtered by municipality type: summed from the kept cube, base states the filter', async () => {
    const res = await researcher.get(`/api/waves/${wave}/tally?municipalityType=urban_okrug`);
    expect(res.status).toBe(200);
    expect(res.body.source).toBe('kept');
    // urban okrugs: responses 1, 2, 5, 8; funding in 1, 2, 5 → 3/4, Wilson [0.3006, 0.9544]
    expect(res.body.total.respondents).toBe(4);
    const f = res.body.total.counts.funding;
    expect([f.count, f.share]).toEqual([3, 0.75]);
    expect(f.low).toBeCloseTo(0.3006, 4);
    expect(f.high).toBeCloseTo(0.9544, 4);
    expect(res.body.base.filters.ru).toContain('; тип муниципального образования: Городской округ');
  });

  it('a boolean question by region', async () => {
    const res = await researcher.get(`/api/waves/${wave}/questions/has_experience/tally?by=region`);
    expect(res.status).toBe(200);
    const byCode = Object.fromEntries(res.body.groups.map((g: { code: string }) => [g.code, g]));
    expect([cellOf(byCode['RU-VLG'], 'true').count, cellOf(byCode['RU-VLG'], 'false').count]).toEqual([1, 3]);
    expect([cellOf(byCode['RU-MOS'], 'true').count, cellOf(byCode['RU-MOS'], 'false').count]).toEqual([2, 0]);
    expect(res.body.total.cells.true.share).toBe(0.5);
    expect(res.body.options.map((o: { labels: { ru: string } }) => o.labels.ru)).toEqual(['Да', 'Нет']);
  });

  it('a rating: counts per value and n, sum, mean, median, min, max; the unanswered are not in the base', async () => {
    const res = await researcher.get(`/api/waves/${wave}/questions/satisfaction/tally?by=none`);
    expect(res.status).toBe(200);
    const t = res.body.total;
    expect([t.respondents, t.answered]).toEqual([8, 7]);
    expect(['1', '2', '3', '4', '5'].map((v) => t.cells[v].count)).toEqual([1, 1, 2, 2, 1]);
    expect(t.cells['3'].share).toBeCloseTo(2 / 7, 12);
    // 4, 2, 3, 5, 4, 1, 3 → sorted 1 2 3 3 4 4 5
    expect(t.numbers).toEqual({ n: 7, sum: 22, mean: 22 / 7, median: 3, min: 1, max: 5 });
  });

  it('a number by municipality type: median of an even count is the mean of the middle two', async () => {
    const res = await researcher.get(`/api/waves/${wave}/questions/population/tally?by=municipalityType`);
    expect(res.status).toBe(200);
    const rural = res.body.groups.find((g: { code: string }) => g.code === 'rural_settlement');
    // 500, 700, 1200
    expect(rural.numbers).toEqual({ n: 3, sum: 2400, mean: 800, median: 700, min: 500, max: 1200 });
    // all: 500 700 1000 1200 3000 8000 9000 20000
    expect(res.body.total.numbers).toEqual({ n: 8, sum: 43400, mean: 5425, median: 2100, min: 500, max: 20000 });
  });

  it('a matrix row is its own variable', async () => {
    const res = await researcher.get(`/api/waves/${wave}/questions/severity_funding/tally?by=none`);
    expect(res.status).toBe(200);
    expect(res.body.total.answered).toBe(2);
    expect([res.body.total.cells['4'].count, res.body.total.cells['5'].count]).toEqual([1, 1]);
  });

  it('lists the variables with codes and labels', async () => {
    const res = await researcher.get(`/api/waves/${wave}/questions`);
    expect(res.status).toBe(200);
    const names = res.body.items.map((v: { name: string }) => v.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'region',
        'obstacles',
        'severity_funding',
        'has_experience',
        'satisfaction',
        'population',
        'comment',
      ]),
    );
    const obstacles = res.body.items.find((v: { name: string }) => v.name === 'obstacles');
    expect(obstacles).toMatchObject({ kind: 'multi', role: 'obstacles', hasOther: true });
  });

  it('unknown question, unknown filter key, anonymous caller: 400, 400, 401', async () => {
    expect((await researcher.get(`/api/waves/${wave}/questions/nope/tally`)).status).toBe(400);
    const bad = await researcher.get(`/api/waves/${wave}/tally?colour=red`);
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect((await request(app).get(`/api/waves/${wave}/tally`)).status).toBe(401);
  });
});

describe('crosstab', () => {
  it('municipality type × experience: counts, row/column %, chi-square as worked by hand', async () => {
    const res = await researcher.get(`/api/waves/${wave}/crosstab?row=municipality_type&col=has_experience`);
    expect(res.status).toBe(200);
    const c = res.body;
    expect(c.rows.map((o: { value: string }) => o.value)).toEqual([
      'urban_okrug',
      'municipal_district',
      'rural_settlement',
    ]);
    expect(c.cols.map((o: { value: string }) => o.value)).toEqual(['true', 'false']);
    expect(c.cells.map((r: { count: number }[]) => r.map((x) => x.count))).toEqual([
      [3, 1],
      [1, 0],
      [0, 3],
    ]);
    expect(c.cells[0][0].rowShare).toBe(0.75);
    expect(c.cells[2][1].colShare).toBe(0.75);
    // expected 2 2 / 0.5 0.5 / 1.5 1.5 → χ² = 0.5+0.5+0.5+0.5+1.5+1.5 = 5, df 2, p = e^(−2.5)
    expect(c.chiSquare.statistic).toBeCloseTo(5, 10);
    expect(c.chiSquare.df).toBe(2);
    expect(Number(c.chiSquare.p.toFixed(4))).toBe(0.0821);
    expect(c.chiSquare.warning).toBe(true);
    expect(c.chiSquare.lowExpected).toBe(6);
    expect(c.n).toBe(8);
  });

  it('with a multiple-choice question: counts, but no chi-square', async () => {
    const res = await researcher.get(`/api/waves/${wave}/crosstab?row=obstacles&col=has_experience`);
    expect(res.status).toBe(200);
    expect(res.body.chiSquare).toBeNull();
    expect(res.body.noTest).toBe('multi');
    // funding: 1 (true), 2, 4, 7 (false), 5 (true) → true 2, false 3
    const funding = res.body.rows.findIndex((o: { value: string }) => o.value === 'funding');
    expect(res.body.cells[funding].map((x: { count: number }) => x.count)).toEqual([2, 3]);
  });
});

describe('wave comparison', () => {
  it('per region: shares in A and B, change in points, z-test; regions in one wave only are marked', async () => {
    const res = await researcher.get(`/api/compare?a=${wave}&b=${waveB}&question=obstacles`);
    expect(res.status).toBe(200);
    const byCode = Object.fromEntries(res.body.regions.map((r: { code: string }) => [r.code, r]));
    const vlg = byCode['RU-VLG'];
    expect(vlg.presence).toBe('both');
    expect(vlg.a.cells.funding.share).toBe(0.75);
    expect(vlg.b.cells.funding.share).toBe(0.5);
    // 3 of 4 against 1 of 2: expected counts below 5, so Fisher's exact test, not the z-test;
    // Rscript -e 'fisher.test(matrix(c(3,1,1,1),2,byrow=TRUE))$p.value' → 1
    expect(vlg.changes.funding.pp).toBeCloseTo(-25, 10);
    expect(vlg.changes.funding.test).toBe('fisher');
    expect(vlg.changes.funding.z).toBeNull();
    expect(vlg.changes.funding.p).toBeCloseTo(1, 4);
    expect(vlg.smallBase).toBe(true);
    expect(byCode['RU-ARK'].presence).toBe('b');
    expect(byCode['RU-MOS'].presence).toBe('a');
    expect(byCode['RU-MOS'].b).toBeNull();
    // "digital" exists only in version 2: listed, 1 of 2 in Vologda in B
    expect(res.body.options.map((o: { value: string }) => o.value)).toContain('digital');
    expect(vlg.b.cells.digital.count).toBe(1);
  });

  it('a number: absolute and relative change of the mean', async () => {
    const res = await researcher.get(`/api/compare?a=${wave}&b=${waveB}&question=population`);
    expect(res.status).toBe(200);
    const vlg = res.body.regions.find((r: { code: string }) => r.code === 'RU-VLG');
    // A: 1000 3000 500 700 → 1300; B: 1000 2000 → 1500
    expect(vlg.numberChange.abs).toBe(200);
    expect(vlg.numberChange.rel).toBeCloseTo(200 / 1300, 12);
  });

  it('a question missing from one wave: 400', async () => {
    const res = await researcher.get(`/api/compare?a=${wave}&b=${waveB}&question=nothing_here`);
    expect(res.status).toBe(400);
  });
});

describe('"other (specify)" answers', () => {
  it('are listed and searchable, and coding them moves them into the tally (same from kept counts and from a scan)', async () => {
    const found = await researcher.get(`/api/waves/${wave}/texts?q=ДОРОГ`);
    expect(found.status).toBe(200);
    expect(found.body.total).toBe(2);
    expect(found.body.items.map((i: { text: string }) => i.text).sort()).toEqual(['Нет дорог', 'Плохие дороги']);

    const add = await researcher.post(`/api/waves/${wave}/codes`).send({
      variable: 'obstacles',
      code: 'roads',
      labels: { ru: 'Плохие дороги', en: 'Bad roads', uk: 'Погані дороги' },
    });
    expect(add.status).toBe(201);
    expect(
      (await researcher.put(`/api/waves/${wave}/other-codes/${ids[3]}/obstacles`).send({ code: 'roads' })).status,
    ).toBe(200);
    expect(
      (await researcher.put(`/api/waves/${wave}/other-codes/${ids[7]}/obstacles`).send({ code: 'legal' })).status,
    ).toBe(200);
    // An unknown code is refused.
    expect(
      (await researcher.put(`/api/waves/${wave}/other-codes/${ids[7]}/obstacles`).send({ code: 'zzz' })).status,
    ).toBe(400);

    for (const status of ['complete', 'all']) {
      // both read the kept cube (every status is a dimension of it)
      const t = (await researcher.get(`/api/waves/${wave}/tally?status=${status}`)).body;
      expect(t.source).toBe('kept');
      expect(t.total.counts.other.count).toBe(0);
      expect(t.total.counts.roads.count).toBe(1);
      expect(t.total.counts.legal.count).toBe(3);
      expect(t.obstacles.map((o: { code: string }) => o.code)).toContain('roads');
      const ua = t.regions.find((r: { code: string }) => r.code === 'UA-05');
      expect(ua.counts.legal.count).toBe(2);
    }
    const texts = await researcher.get(`/api/waves/${wave}/texts?question=obstacles`);
    expect(texts.body.items.map((i: { code: string }) => i.code).sort()).toEqual(['legal', 'roads']);
    expect(texts.body.items.map((i: { text: string }) => i.text)).toContain('Плохие дороги');

    // Removing a code puts the answer back under "other".
    expect((await researcher.delete(`/api/waves/${wave}/other-codes/${ids[7]}/obstacles`)).status).toBe(204);
    const t = (await researcher.get(`/api/waves/${wave}/tally`)).body;
    expect([t.total.counts.other.count, t.total.counts.legal.count]).toEqual([1, 2]);
  });
});

describe('small-cell protection', () => {
  it('with k = 3, cells of 1–2 respondents and regions under 3 respondents are suppressed', async () => {
    expect((await researcher.put(`/api/waves/${wave}/analysis-settings`).send({ minCell: 3 })).status).toBe(403);
    const set = await admin.put(`/api/waves/${wave}/analysis-settings`).send({ minCell: 3 });
    expect(set.status).toBe(200);
    const t = (await researcher.get(`/api/waves/${wave}/tally`)).body;
    expect(t.minCell).toBe(3);
    expect(t.legend.en).toContain('fewer than 3 respondents');
    const vlg = t.regions.find((r: { code: string }) => r.code === 'RU-VLG');
    const mos = t.regions.find((r: { code: string }) => r.code === 'RU-MOS');
    const ru = t.countries.find((r: { code: string }) => r.code === 'RU');
    // Moscow has 2 respondents (< k): all its cells are hidden. Vologda's "experience" is 1 (< k).
    expect(mos.counts.funding.suppressed).toBe(true);
    expect(vlg.counts.experience).toEqual({ count: null, share: null, low: null, high: null, suppressed: true });
    // Vologda's funding (3) is hidden as well: Russia (on the region page) − Vologda = Moscow; and
    // Russia's (4), since the total (5) − Russia would give Ukraine (2 respondents, hidden).
    expect(vlg.counts.funding.suppressed).toBe(true);
    expect(ru.counts.funding.suppressed).toBe(true);
    expect(vlg.counts.staff.count).toBe(0);
    expect(t.total.counts.funding.count).toBe(5);
    expect(t.base.text.ru).toContain('менее чем на 3');
    // The researcher's screen follows the same rule; only coordinators and admins may go below the
    // wave's minimum (k = 1: nothing hidden); a researcher may ask for a larger k.
    expect((await researcher.get(`/api/waves/${wave}/tally?k=1`)).status).toBe(403);
    expect((await researcher.get(`/api/waves/${wave}/tally?k=5`)).body.minCell).toBe(5);
    const open = (await admin.get(`/api/waves/${wave}/tally?k=1`)).body;
    expect(open.regions.find((r: { code: string }) => r.code === 'RU-MOS').counts.funding.count).toBe(1);
    expect(open.legend.en).toContain('k = 1');
    expect((await admin.put(`/api/waves/${wave}/analysis-settings`).send({ minCell: 1 })).status).toBe(200);
  });
});

describe('kept counts', () => {
  it('equal a rebuild from the raw responses', async () => {
    expect(await verifyCounters(wave)).toEqual({ ok: true, regions: [] });
    const res = await researcher.get(`/api/waves/${wave}/tally/verify`);
    expect(res.body.ok).toBe(true);
  });

  it('a crash before the counters were updated is caught up; a replay never counts twice', async () => {
    const code = await createFixtureWave();
    await submit(code, { region: 'RU-VLG', obstacles: ['funding'] });
    // A response stored but never applied (the process died right after the insert).
    const lost: TallySource = {
      _id: randomUUID(),
      waveCode: code,
      questionnaireId: (await ResponseModel.findOne({ waveCode: code }).lean<{ questionnaireId: string }>())!
        .questionnaireId,
      regionCode: 'RU-VLG',
      answers: { region: 'RU-VLG', municipality: 'X', obstacles: ['funding', 'legal'] },
      // as stored: a replay reads the same response (its municipality document is found by name)
      municipality: 'X',
    };
    await ResponseModel.create({
      ...lost,
      status: 'complete',
      obstacles: ['funding', 'legal'],
      locale: 'ru',
      submittedAt: new Date(Date.now() - 120_000),
    });
    expect((await verifyCounters(code)).ok).toBe(false);
    expect(await catchUp({ wave: code })).toBe(1);
    expect((await verifyCounters(code)).ok).toBe(true);

    // Replays: applying again, or a crash between the counter update and the mark.
    expect(await applyToCounters(lost)).toBe('already');
    await ResponseModel.updateOne({ _id: lost._id }, { $set: { talliedAt: null } });
    expect(await catchUp({ wave: code, graceMs: 0 })).toBe(0);
    expect((await verifyCounters(code)).ok).toBe(true);
    const doc = await CounterModel.findById(counterId(code, 'RU-VLG')).lean<{ n: number }>();
    expect(doc!.n).toBe(2);
  });

  it('a response whose live count failed is retried by `_id` in the same process (no full pass), once', async () => {
    const code = await createFixtureWave();
    await submit(code, { region: 'RU-VLG', obstacles: ['funding'] });
    const questionnaireId = (await ResponseModel.findOne({ waveCode: code }).lean<{ questionnaireId: string }>())!
      .questionnaireId;
    const r: TallySource = {
      _id: randomUUID(),
      waveCode: code,
      questionnaireId,
      regionCode: 'RU-VLG',
      status: 'complete',
      answers: { region: 'RU-VLG', municipality: 'Y', obstacles: ['legal'] },
      municipality: 'Y',
    };
    await ResponseModel.create({ ...r, obstacles: ['legal'], locale: 'ru', submittedAt: new Date() });
    // The live count fails (here: its questionnaire cannot be read), the submission still succeeds.
    await keepTally({ ...r, questionnaireId: 'no-such-version' });
    expect((await verifyCounters(code)).ok).toBe(false);
    // Submitted just now: the full pass would wait for its grace period; the retry does not.
    expect(await catchUp({ wave: code })).toBe(0);
    expect(await retryFailed()).toBe(1);
    expect((await verifyCounters(code)).ok).toBe(true);
    expect(await retryFailed()).toBe(0);
    expect((await CounterModel.findById(counterId(code, 'RU-VLG')).lean<{ n: number }>())!.n).toBe(2);
  });

  it('a damaged counter is found by verify and repaired by rebuild', async () => {
    await CounterModel.updateOne({ _id: counterId(wave, 'RU-VLG') }, { $inc: { n: 5 } });
    expect((await verifyCounters(wave)).regions).toEqual(['RU-VLG']);
    expect((await researcher.post(`/api/waves/${wave}/tally/rebuild`)).status).toBe(403);
    const res = await admin.post(`/api/waves/${wave}/tally/rebuild`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ regions: 3, responses: 8 });
    expect((await verifyCounters(wave)).ok).toBe(true);
  });
});

describe('region page', () => {
  it("a region's obstacles against its country and overall, and the municipalities that responded", async () => {
    const res = await researcher.get(`/api/waves/${wave}/regions/RU-VLG`);
    expect(res.status).toBe(200);
    expect(res.body.respondents).toEqual({ region: 4, country: 6, overall: 8 });
    const funding = res.body.obstacles.find((o: { code: string }) => o.code === 'funding');
    // region 3/4, Russia 4/6 (responses 1, 2, 4, 5), overall 5/8; rest of the wave 2/4 → +25 pp
    expect(funding.region.share).toBe(0.75);
    expect(funding.country.share).toBeCloseTo(4 / 6, 12);
    expect(funding.overall.share).toBe(0.625);
    // Against the rest of Russia (Moscow: 1 of 2) → +25 pp; Fisher, as expected counts are below 5
    // Rscript -e 'fisher.test(matrix(c(3,1,1,1),2,byrow=TRUE))$p.value' → 1
    expect(funding.diffPp).toBeCloseTo(25, 10);
    expect(funding.test).toBe('fisher');
    expect(funding.p).toBeCloseTo(1, 4);
    expect(funding.smallBase).toBe(true);
    expect(res.body.baseline).toEqual({
      kind: 'rest-of-country',
      country: 'RU',
      names: { ru: 'Россия', en: 'Russia', uk: 'Росія' },
      respondents: 2,
    });
    expect(res.body.municipalities).toHaveLength(4);
    expect(res.body.municipalities[0].status).toBe('responded');
    expect(res.body.municipalitiesPage).toEqual({ page: 1, pageSize: 50, total: 4 });
  });

  it("the region page's municipality list is paged by the server: pages of 3 make the whole list", async () => {
    const all = (await researcher.get(`/api/waves/${wave}/regions/RU-VLG`)).body.municipalities;
    const first = await researcher.get(`/api/waves/${wave}/regions/RU-VLG?page=1&pageSize=3`);
    const second = await researcher.get(`/api/waves/${wave}/regions/RU-VLG?page=2&pageSize=3`);
    const third = await researcher.get(`/api/waves/${wave}/regions/RU-VLG?page=3&pageSize=3`);
    expect(first.body.municipalitiesPage).toEqual({ page: 1, pageSize: 3, total: 4 });
    expect(second.body.municipalitiesPage).toEqual({ page: 2, pageSize: 3, total: 4 });
    expect([...first.body.municipalities, ...second.body.municipalities]).toEqual(all);
    expect(third.body.municipalities).toEqual([]);
    expect((await researcher.get(`/api/waves/${wave}/regions/RU-VLG?pageSize=501`)).status).toBe(400);
  });

  it('in an invitation wave: every invited municipality with its status, an answered one listed once', async () => {
    const coordinator = await agentAs(app, ['coordinator']);
    const { version } = await registerVersion('mini-barriers', fixture('mini-barriers.json'), 'upload');
    const code = await createInvitationWave(coordinator, version.id);
    const links = await importAndIssue(coordinator, code);
    const sent = await request(app)
      .post(`/api/invitations/${links.get('tot')!.token}/responses`)
      .send({
        clientId: randomUUID(),
        locale: 'ru',
        answers: { region: 'RU-VLG', municipality: 'Тотьма', obstacles: ['funding'] },
      });
    expect(sent.status).toBe(201);
    const res = await researcher.get(`/api/waves/${code}/regions/RU-VLG`);
    expect(res.status).toBe(200);
    expect(res.body.respondents.region).toBe(1);
    const byName = Object.fromEntries(
      (
        res.body.municipalities as { name: string; status: string; respondedAt: string | null; sizeClass: string }[]
      ).map((m) => [m.name, m]),
    );
    expect(Object.keys(byName).sort()).toEqual([
      'Вытегорский муниципальный район',
      'Кирилловский муниципальный округ',
      'Тотемский муниципальный округ',
    ]);
    expect(byName['Тотемский муниципальный округ'].status).toBe('completed');
    expect(byName['Тотемский муниципальный округ'].respondedAt).not.toBeNull();
    expect(byName['Вытегорский муниципальный район'].status).toBe('not_started');
    expect(byName['Вытегорский муниципальный район'].respondedAt).toBeNull();
    expect(byName['Вытегорский муниципальный район'].sizeClass).toBe('small'); // population 22,000
    // Filtered by type, only the municipal okrugs remain.
    const okrugs = await researcher.get(`/api/waves/${code}/regions/RU-VLG?municipalityType=municipal_okrug`);
    expect(okrugs.body.municipalities.map((m: { name: string }) => m.name)).toEqual([
      'Кирилловский муниципальный округ',
      'Тотемский муниципальный округ',
    ]);
  });
});
