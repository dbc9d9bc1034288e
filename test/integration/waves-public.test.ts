// The public surface of waves: without a staff session only open public waves are listed and
// readable; an open invitation-only wave's address says only that it is answered through personal
// links; drafts and archived waves do not exist for the public; staff still see every wave.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { useTestDatabase, storeKind } from '../helpers/db';
import { answers, createFixtureWave } from '../helpers/fixtures';
import { agentAs, type TestAgent } from '../helpers/auth';
import { CounterModel } from '../../server/src/analytics/counter.model';
import { counterId } from '../../server/src/analytics/counters.service';
import type { NewWave } from '../../server/src/waves/waves.service';

useTestDatabase({ demo: false });
const app = createApp({ store: { kind: storeKind() } });

const w: Record<'open' | 'invitation' | 'draft' | 'closed' | 'archived' | 'draftInvitation', string> = {
  open: '',
  invitation: '',
  draft: '',
  closed: '',
  archived: '',
  draftInvitation: '',
};
const SETUPS: Record<keyof typeof w, Partial<NewWave>> = {
  open: {},
  invitation: { access: 'invitation' },
  draft: { status: 'draft' },
  closed: { status: 'closed' },
  archived: { status: 'archived' },
  draftInvitation: { status: 'draft', access: 'invitation' },
};
const submit = (code: string, region = 'RU-VLG') =>
  request(app)
    .post(`/api/waves/${code}/responses`)
    .send({ clientId: randomUUID(), locale: 'ru', answers: answers({ region }) });

beforeAll(async () => {
  for (const k of Object.keys(SETUPS) as (keyof typeof w)[]) w[k] = await createFixtureWave(SETUPS[k]);
  expect((await submit(w.open)).status).toBe(201);
  expect((await submit(w.open, 'RU-MOS')).status).toBe(201);
});

describe('GET /api/waves without a staff session', () => {
  it('lists only the open public waves', async () => {
    const res = await request(app).get('/api/waves');
    expect(res.status).toBe(200);
    expect(res.body.items.map((i: { code: string }) => i.code)).toEqual([w.open]);
    expect(res.body.items[0]).toMatchObject({ status: 'open', responses: 2 });
  });

  it('takes the counts from the kept counters, not from a count of the responses', async () => {
    await CounterModel.updateOne({ _id: counterId(w.open, 'RU-MOS') }, { $inc: { n: 10 } });
    try {
      const res = await request(app).get('/api/waves');
      expect(res.body.items[0].responses).toBe(12);
    } finally {
      await CounterModel.updateOne({ _id: counterId(w.open, 'RU-MOS') }, { $inc: { n: -10 } });
    }
  });

  it('a cookie that is no valid session counts as no session', async () => {
    const res = await request(app).get('/api/waves').set('Cookie', 'lsg_session=forged');
    expect(res.body.items.map((i: { code: string }) => i.code)).toEqual([w.open]);
  });
});

describe('GET /api/waves/{code} without a staff session', () => {
  it('an open public wave: the wave with its questionnaire', async () => {
    const res = await request(app).get(`/api/waves/${w.open}`);
    expect(res.status).toBe(200);
    expect(res.body.questionnaire.definition.pages.length).toBeGreaterThan(0);
  });

  it('an open invitation-only wave: 403 invitation_required, no title, no questionnaire', async () => {
    const res = await request(app).get(`/api/waves/${w.invitation}`);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('invitation_required');
    expect(res.body.detail).toMatch(/personal invitation links/);
    expect(JSON.stringify(res.body)).not.toMatch(/Тестовая|Test wave|pages|questionnaire"/);
  });

  it.each(['draft', 'archived', 'draftInvitation'] as const)(
    'a %s wave does not exist: 404 exactly like an unknown code',
    async (kind) => {
      const res = await request(app).get(`/api/waves/${w[kind]}`);
      const unknown = await request(app).get('/api/waves/no-such-wave');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('wave_not_found');
      expect(res.body.code).toBe(unknown.body.code);
      expect(res.body.questionnaire).toBeUndefined();
    },
  );

  it('a closed wave: 410 wave_closed, no title, no questionnaire', async () => {
    const res = await request(app).get(`/api/waves/${w.closed}`);
    expect(res.status).toBe(410);
    expect(res.body.code).toBe('wave_closed');
    expect(JSON.stringify(res.body)).not.toMatch(/Тестовая|Test wave|pages/);
  });
});

describe('POST /api/waves/{code}/responses on the public link', () => {
  it('a draft or archived wave: 404, as if it did not exist', async () => {
    for (const code of [w.draft, w.archived, w.draftInvitation]) {
      const res = await submit(code);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('wave_not_found');
    }
  });

  it('an invitation-only wave: 403 invitation_required; a closed one: 409 wave_not_open', async () => {
    expect((await submit(w.invitation)).body.code).toBe('invitation_required');
    const closed = await submit(w.closed);
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('wave_not_open');
  });
});

describe('staff sessions see every wave, as before', () => {
  let staff: Record<'coordinator' | 'researcher' | 'admin', TestAgent>;
  beforeAll(async () => {
    staff = {
      coordinator: await agentAs(app, ['coordinator']),
      researcher: await agentAs(app, ['researcher']),
      admin: await agentAs(app, ['admin']),
    };
  });

  it.each(['coordinator', 'researcher', 'admin'] as const)('%s: every wave listed and readable', async (role) => {
    const list = await staff[role].get('/api/waves');
    expect(list.status).toBe(200);
    const codes = list.body.items.map((i: { code: string }) => i.code);
    for (const code of Object.values(w)) expect(codes).toContain(code);
    for (const code of Object.values(w)) {
      const res = await staff[role].get(`/api/waves/${code}`);
      expect(res.status).toBe(200);
      expect(res.body.questionnaire.definition.pages.length).toBeGreaterThan(0);
    }
  });
});
