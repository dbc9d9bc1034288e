// Published results (issue 17, item 3), over HTTP on the real store: a coordinator publishes a
// wave at /api/public/results/<wave>; anyone reads the aggregates without an account; the public
// k (5) hides what the wave's own minimum would show; no municipality, free text or response id
// leaks; the snapshot is served until an answer changes it; unpublishing removes it; both audited.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { useAgents, useTestApp } from '../helpers/app';
import { createOpenWave, regionalQuestionnaire } from '../helpers/fixtures';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';

const app = useTestApp();
const { researcher, coordinator, admin } = useAgents(app, 'researcher', 'coordinator', 'admin');

const Q = regionalQuestionnaire(
  { ru: 'Монитор', en: 'Monitor', uk: 'Монітор' },
  ['RU-VLG', 'RU-MOS'],
  [
    { type: 'radiogroup', name: 'funding', choices: ['yes', 'no'] },
    { type: 'comment', name: 'comment', maxLength: 500 },
  ],
);

let wave: string;
let ids: string[] = [];
const SECRET_TOWN = 'Секретнoe-Поселение';
const SECRET_TEXT = 'Глава просил не публиковать этот комментарий';

async function answer(region: string, funding: string, i: number, extra: Record<string, unknown> = {}): Promise<void> {
  const res = await request(app)
    .post(`/api/waves/${wave}/responses`)
    .send({
      clientId: randomUUID(),
      locale: 'ru',
      answers: { region, municipality: `${SECRET_TOWN} ${i}`, funding, comment: SECRET_TEXT, ...extra },
    });
  expect(res.status).toBe(201);
  ids.push(res.body.id as string);
}

beforeAll(async () => {
  const { version } = await registerVersion('pub-monitor', Q, 'upload');
  wave = `p-${randomUUID().slice(0, 8)}`;
  await createOpenWave(version.id, {
    code: wave,
    title: { ru: 'Публичная волна', en: 'Public wave', uk: 'Публічна хвиля' },
    scope: { countries: ['RU'], regions: [] },
  });
  ids = [];
  // Vologda: 6 answers (yes 4, no 2); Moscow Oblast: 3 answers (yes 3).
  for (const [i, f] of ['yes', 'yes', 'yes', 'yes', 'no', 'no'].entries()) await answer('RU-VLG', f, i);
  for (let i = 0; i < 3; i++) await answer('RU-MOS', 'yes', 10 + i);
}, 120_000);

type Row = { code: string; answered: number; cells: Record<string, { count: number | null; suppressed?: true }> };

describe('published results', () => {
  it('is not public before it is published, and only a coordinator may publish', async () => {
    expect((await request(app).get(`/api/public/results/${wave}`)).status).toBe(404);
    expect((await researcher.put(`/api/waves/${wave}/publication`).send({ k: 5 })).status).toBe(403);
    expect((await request(app).put(`/api/waves/${wave}/publication`).send({ k: 5 })).status).toBe(401);
    const bad = await coordinator.put(`/api/waves/${wave}/publication`).send({ k: 0 });
    expect(bad.status).toBe(400);
  });

  it('publishes at a stable address; anyone reads the aggregates at the public k = 5', async () => {
    const pub = await coordinator.put(`/api/waves/${wave}/publication`).send({});
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ published: true, k: 5, path: `/p/${wave}` });
    const res = await request(app).get(`/api/public/results/${wave}`);
    expect(res.status).toBe(200);
    expect(res.body.k).toBe(5);
    expect(res.body.respondents).toBe(9);
    expect(typeof res.body.dataAsOf).toBe('string');
    const funding = res.body.questions.find((q: { name: string }) => q.name === 'funding');
    // Overall yes 7, no 2: 2 < 5 hidden, and so 7 too (it equals 9 − 2).
    expect(funding.total.cells.no).toMatchObject({ count: null, suppressed: true });
    expect(funding.total.cells.yes).toMatchObject({ count: null, suppressed: true });
    const mos = funding.regions.find((r: Row) => r.code === 'RU-MOS') as Row;
    // Moscow Oblast: base 3 < 5, every cell hidden (at the wave's own k = 3, yes 3 would show).
    expect(mos.cells.yes.suppressed).toBe(true);
    const inside = await researcher.get(`/api/waves/${wave}/questions/funding/tally`);
    expect(inside.body.groups.find((r: Row) => r.code === 'RU-MOS').cells.yes.count).toBe(3);
  });

  it('holds no microdata: no municipality, free text, response id, or the region and municipality questions', async () => {
    const res = await request(app).get(`/api/public/results/${wave}`);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(SECRET_TOWN);
    expect(text).not.toContain(SECRET_TEXT);
    for (const id of ids) expect(text).not.toContain(id);
    expect(res.body.questions.map((q: { name: string }) => q.name)).toEqual(['funding']);
  });

  it('serves the snapshot until an answer changes it, then rebuilds with a new "data as of"', async () => {
    const first = await request(app).get(`/api/public/results/${wave}`);
    await new Promise((r) => setTimeout(r, 20));
    const again = await request(app).get(`/api/public/results/${wave}`);
    expect(again.body.dataAsOf).toBe(first.body.dataAsOf);
    // Three more "no" in Vologda: overall no = 5, shown now.
    for (let i = 0; i < 3; i++) await answer('RU-VLG', 'no', 20 + i);
    const after = await request(app).get(`/api/public/results/${wave}`);
    expect(after.body.dataAsOf > first.body.dataAsOf).toBe(true);
    expect(after.body.respondents).toBe(12);
    const funding = after.body.questions.find((q: { name: string }) => q.name === 'funding');
    expect(funding.total.cells.no.count).toBe(5);
    expect(funding.total.cells.yes.count).toBe(7);
  });

  it('never goes below the wave minimum and offers the trend across published waves', async () => {
    expect((await coordinator.put(`/api/waves/${wave}/analysis-settings`).send({ minCell: 8 })).status).toBe(200);
    const res = await request(app).get(`/api/public/results/${wave}`);
    expect(res.body.k).toBe(8);
    expect((await coordinator.put(`/api/waves/${wave}/analysis-settings`).send({ minCell: 3 })).status).toBe(200);
    const trend = await request(app)
      .get(`/api/public/results/${wave}/trends`)
      .query({ question: 'funding', value: 'yes' });
    expect(trend.status).toBe(200);
    expect(trend.body.minCell).toBe(5);
    expect(trend.body.waves.map((w: { wave: string }) => w.wave)).toEqual([wave]);
  });

  it('unpublishes; both changes are in the audit log', async () => {
    const off = await coordinator.delete(`/api/waves/${wave}/publication`);
    expect(off.status).toBe(200);
    expect(off.body.published).toBe(false);
    const gone = await request(app).get(`/api/public/results/${wave}`);
    expect(gone.status).toBe(404);
    expect(gone.headers['content-type']).toContain('application/problem+json');
    const audit = await admin.get('/api/audit').query({ limit: 50 });
    const actions = (audit.body.items as { action: string; target: string }[])
      .filter((e) => e.target === wave)
      .map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['results.publish', 'results.unpublish']));
  });
});
