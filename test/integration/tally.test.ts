import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { useTestDatabase, storeKind } from '../helpers/db';
import { createFixtureWave } from '../helpers/fixtures';
import { setMinCell } from '../../server/src/analytics/coding.service';
import { agentAs, type TestAgent } from '../helpers/auth';

useTestDatabase();
const app = createApp({ store: { kind: storeKind() } });

// Seven responses whose counts are worked out by hand below.
const FIXTURE: [string, string[], Record<string, unknown>?][] = [
  ['RU-VLG', ['funding', 'experience']],
  ['RU-VLG', ['funding']],
  ['RU-VLG', ['legal']],
  ['RU-MOS', ['funding', 'staff']],
  ['RU-MOS', ['experience']],
  ['UA-05', ['funding', 'experience', 'legal', 'staff']],
  ['RU-VLG', ['funding', 'other'], { 'obstacles-Comment': 'Плохие дороги' }],
];

let wave: string;
let researcher: TestAgent;
beforeAll(async () => {
  researcher = await agentAs(app, ['researcher']);
  wave = await createFixtureWave();
  // Worked by hand on a few respondents: the coordinator's minimum k = 1 shows every cell (at the
  // default k = 3 the one disclosure rule hides them, test/integration/disclosure.test.ts).
  await setMinCell(wave, 1);
  const other = await createFixtureWave();
  for (const [region, obstacles, extra] of FIXTURE) {
    const res = await request(app)
      .post(`/api/waves/${wave}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: { region, municipality: 'М', obstacles, ...extra } });
    expect(res.status).toBe(201);
  }
  // A response to another wave must not be counted.
  await request(app)
    .post(`/api/waves/${other}/responses`)
    .send({
      clientId: randomUUID(),
      locale: 'en',
      answers: { region: 'RU-VLG', municipality: 'X', obstacles: ['funding'] },
    });
});

describe('GET /api/waves/:code/tally', () => {
  it('counts respondents and obstacles per region exactly as worked out by hand', async () => {
    const res = await researcher.get(`/api/waves/${wave}/tally`);
    expect(res.status).toBe(200);
    const t = res.body;
    expect(t.base.respondents).toBe(7);
    expect(t.regions.map((r: { code: string; respondents: number }) => [r.code, r.respondents])).toEqual([
      ['RU-VLG', 4],
      ['RU-MOS', 2],
      ['UA-05', 1],
    ]);
    const vlg = t.regions[0];
    expect(vlg.names.ru).toBe('Вологодская область');
    expect(vlg.counts.funding).toMatchObject({ count: 3, share: 0.75 });
    expect(vlg.counts.experience).toMatchObject({ count: 1, share: 0.25 });
    expect(vlg.counts.legal).toMatchObject({ count: 1, share: 0.25 });
    expect(vlg.counts.staff).toMatchObject({ count: 0, share: 0 });
    expect(vlg.counts.other).toMatchObject({ count: 1, share: 0.25 });
    const mos = t.regions[1];
    expect([
      mos.counts.funding.count,
      mos.counts.experience.count,
      mos.counts.staff.count,
      mos.counts.legal.count,
    ]).toEqual([1, 1, 1, 0]);
    expect(mos.counts.staff.share).toBe(0.5);
    const ua = t.regions[2];
    expect(['funding', 'experience', 'legal', 'staff'].map((o) => ua.counts[o].share)).toEqual([1, 1, 1, 1]);
    expect(t.total.respondents).toBe(7);
    expect(t.total.counts.funding.count).toBe(5);
    expect(t.total.counts.funding.share).toBeCloseTo(5 / 7, 10);
    expect([
      t.total.counts.experience.count,
      t.total.counts.legal.count,
      t.total.counts.staff.count,
      t.total.counts.other.count,
    ]).toEqual([3, 2, 2, 1]);
    expect(t.obstacles.map((o: { code: string }) => o.code)).toEqual(
      expect.arrayContaining(['funding', 'experience', 'legal', 'staff', 'other']),
    );
  });

  it('when the wave has no responses, then every count is zero', async () => {
    const empty = await createFixtureWave();
    await setMinCell(empty, 1);
    const res = await researcher.get(`/api/waves/${empty}/tally`);
    expect(res.status).toBe(200);
    expect(res.body.regions).toEqual([]);
    expect(res.body.total.counts.funding).toMatchObject({ count: 0, share: 0 });
  });

  it('when the wave does not exist, then 404 problem details', async () => {
    const res = await researcher.get('/api/waves/nope/tally');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
  });
});
