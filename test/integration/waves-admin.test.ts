// Coordinators create and run waves: every lifecycle rule and error, over HTTP on the real store.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';
import { AuditModel } from '../../server/src/audit/audit.model';
import { useAgent, useTestApp } from '../helpers/app';
import { agentAs } from '../helpers/auth';
import { answers, fixture, registerMiniQuestionnaire } from '../helpers/fixtures';

const app = useTestApp({ demo: false });
const coordinator = useAgent(app, ['coordinator']);
let v1: string;
let v2: string;

beforeAll(async () => {
  v1 = await registerMiniQuestionnaire();
  const edited = { ...fixture('mini-barriers.json'), title: { ru: 'Мини-анкета 2', en: 'Mini 2', uk: 'Міні 2' } };
  v2 = (await registerVersion('mini-barriers', edited, 'upload')).version.id;
});

const code = () => `w-${randomUUID().slice(0, 8)}`;
const newWave = (over: Record<string, unknown> = {}) => ({
  code: code(),
  title: { ru: 'Волна 2026', uk: 'Хвиля 2026', en: 'Wave 2026' },
  questionnaireId: v1,
  opensAt: null,
  closesAt: null,
  scope: { countries: ['RU'], regions: ['RU-VLG', 'RU-ARK'] },
  access: 'invitation',
  anonymous: false,
  ...over,
});
const create = (body: Record<string, unknown>) => coordinator.post('/api/waves').send(body);
const act = (wave: string, action: string, extra: Record<string, unknown> = {}) =>
  coordinator.post(`/api/waves/${wave}/lifecycle`).send({ action, ...extra });
const submitPublic = (wave: string) =>
  request(app).post(`/api/waves/${wave}/responses`).send({ clientId: randomUUID(), locale: 'ru', answers: answers() });

async function openWave(over: Record<string, unknown> = {}): Promise<string> {
  const body = newWave(over);
  expect((await create(body)).status).toBe(201);
  expect((await act(body.code, 'open')).status).toBe(200);
  return body.code;
}

describe('creating a wave', () => {
  it('when the wave is valid, then 201 creates it as a draft with its history', async () => {
    const body = newWave({ title: { ru: 'Только по-русски', uk: '', en: '' } });
    const res = await create(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      code: body.code,
      status: 'draft',
      questionnaireId: v1,
      access: 'invitation',
      anonymous: false,
      scope: { countries: ['RU'], regions: ['RU-VLG', 'RU-ARK'] },
      title: { ru: 'Только по-русски', uk: 'Только по-русски', en: 'Только по-русски' },
      acceptsAnswers: false,
      history: [{ action: 'create', to: 'draft', by: coordinator.email }],
    });
    const admin = await coordinator.get(`/api/waves/${body.code}/admin`);
    expect(admin.body.code).toBe(body.code);
    expect(await AuditModel.countDocuments({ action: 'wave.create', target: body.code })).toBe(1);
  });

  it('when the code is taken, then 409', async () => {
    const body = newWave();
    await create(body);
    const res = await create(body);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('wave_exists');
  });

  it.each([
    [
      'closing before opening',
      { opensAt: '2026-05-01T00:00:00Z', closesAt: '2026-04-01T00:00:00Z' },
      'body.closesAt',
      'date_order',
    ],
    [
      'an unknown region',
      { scope: { countries: ['RU'], regions: ['RU-XXX'] } },
      'body.scope.regions.0',
      'unknown_region',
    ],
    [
      'a region of another country',
      { scope: { countries: ['RU'], regions: ['UA-05'] } },
      'body.scope.regions.0',
      'region_outside_scope',
    ],
    ['an unknown questionnaire', { questionnaireId: 'nothing@1' }, 'body.questionnaireId', 'unknown_questionnaire'],
  ])('when it has %s, then 422 names the field', async (_l, over, name, problem) => {
    const res = await create(newWave(over));
    expect(res.status).toBe(422);
    expect(res.body.invalid_params).toEqual([expect.objectContaining({ name, code: problem })]);
  });

  it.each([
    ['a bad code', { code: 'no spaces' }, 'body.code'],
    ['no Russian title', { title: { ru: '', uk: 'x', en: 'x' } }, 'body.title.ru'],
    ['an unknown access', { access: 'secret' }, 'body.access'],
    ['a date that is not ISO', { opensAt: '01.03.2026' }, 'body.opensAt'],
    ['an unknown field', { colour: 'red' }, 'body'],
  ])('when it has %s, then 400 names the field', async (_l, over, name) => {
    const res = await create(newWave(over));
    expect(res.status).toBe(400);
    expect(res.body.invalid_params.map((p: { name: string }) => p.name)).toContain(name);
  });
});

describe('editing a wave', () => {
  it('a draft can change anything', async () => {
    const body = newWave();
    await create(body);
    const res = await coordinator.patch(`/api/waves/${body.code}`).send({
      questionnaireId: v2,
      access: 'public',
      anonymous: true,
      scope: { countries: ['RU', 'UA'], regions: [] },
      closesAt: '2099-01-01T00:00:00Z',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      questionnaireId: v2,
      access: 'public',
      anonymous: true,
      closesAt: '2099-01-01T00:00:00.000Z',
    });
    expect(res.body.history.at(-1)).toMatchObject({
      action: 'update',
      fields: expect.arrayContaining(['questionnaireId', 'access']),
    });
  });

  it('an open wave cannot change its questionnaire (409 with a clear message) but can change its title and closing date', async () => {
    const wave = await openWave();
    const q = await coordinator.patch(`/api/waves/${wave}`).send({ questionnaireId: v2 });
    expect(q.status).toBe(409);
    expect(q.body).toMatchObject({ code: 'wave_locked', fields: ['questionnaireId'] });
    expect(q.body.detail).toMatch(/questionnaire cannot change/);
    for (const locked of [{ anonymous: true }, { access: 'public' }, { scope: { countries: ['UA'], regions: [] } }]) {
      expect((await coordinator.patch(`/api/waves/${wave}`).send(locked)).status).toBe(409);
    }
    const ok = await coordinator
      .patch(`/api/waves/${wave}`)
      .send({ title: { ru: 'Новое название', uk: '', en: '' }, closesAt: '2099-12-31T00:00:00Z', questionnaireId: v1 });
    expect(ok.status).toBe(200);
    expect(ok.body.title.ru).toBe('Новое название');
    expect((await coordinator.get(`/api/waves/${wave}/admin`)).body.questionnaireId).toBe(v1);
  });

  it('a closed wave can change only its title; an archived wave nothing', async () => {
    const wave = await openWave();
    await act(wave, 'close');
    expect((await coordinator.patch(`/api/waves/${wave}`).send({ closesAt: '2099-01-01T00:00:00Z' })).status).toBe(409);
    expect(
      (await coordinator.patch(`/api/waves/${wave}`).send({ title: { ru: 'Итоги', uk: '', en: '' } })).status,
    ).toBe(200);
    await act(wave, 'archive');
    const res = await coordinator.patch(`/api/waves/${wave}`).send({ title: { ru: 'Ещё', uk: '', en: '' } });
    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(/archived/);
  });

  it('when the wave does not exist, then 404', async () => {
    const res = await coordinator.patch('/api/waves/no-such-wave').send({ title: { ru: 'x', uk: '', en: '' } });
    expect(res.status).toBe(404);
  });
});

describe('lifecycle draft → open → closed → archived', () => {
  it('runs the whole way, logging each step, and a closed wave refuses answers with a clear message', async () => {
    const body = newWave({ access: 'public' });
    await create(body);
    // A draft's public link does not exist yet (nothing about drafts is shown to the public).
    expect((await submitPublic(body.code)).body.code).toBe('wave_not_found');

    const opened = await act(body.code, 'open');
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ status: 'open', acceptsAnswers: true });
    expect((await submitPublic(body.code)).status).toBe(201);

    const closed = await act(body.code, 'close');
    expect(closed.body.status).toBe('closed');
    const refused = await submitPublic(body.code);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'wave_not_open', reason: 'not_open' });
    expect(refused.body.detail).toMatch(/closed and does not accept answers/);

    const reopened = await act(body.code, 'reopen');
    expect(reopened.body.status).toBe('open');
    expect((await submitPublic(body.code)).status).toBe(201);

    await act(body.code, 'close');
    const archived = await act(body.code, 'archive');
    expect(archived.body.status).toBe('archived');
    expect((await submitPublic(body.code)).status).toBe(404);
    expect(archived.body.history.map((h: { action: string }) => h.action)).toEqual([
      'create',
      'open',
      'close',
      'reopen',
      'close',
      'archive',
    ]);
    expect(archived.body.history[3]).toMatchObject({ from: 'closed', to: 'open', by: coordinator.email });
    expect(await AuditModel.countDocuments({ action: 'wave.reopen', target: body.code })).toBe(1);
  });

  it.each([
    ['close', 'draft'],
    ['reopen', 'draft'],
    ['open', 'open'],
    ['reopen', 'open'],
    ['archive', 'open'],
    ['open', 'closed'],
    ['open', 'archived'],
    ['reopen', 'archived'],
    ['close', 'archived'],
  ])('%s is refused for a %s wave with 409 invalid_transition', async (action, state) => {
    const body = newWave();
    await create(body);
    const path: Record<string, string[]> = {
      draft: [],
      open: ['open'],
      closed: ['open', 'close'],
      archived: ['open', 'close', 'archive'],
    };
    for (const a of path[state]) expect((await act(body.code, a)).status).toBe(200);
    const res = await act(body.code, action);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'invalid_transition', waveStatus: state, action });
  });

  it('a draft can be archived without ever opening', async () => {
    const body = newWave();
    await create(body);
    expect((await act(body.code, 'archive')).body.status).toBe('archived');
  });

  it('reopening after the closing date needs a new closing date (422), and with one it opens', async () => {
    const body = newWave({ closesAt: new Date(Date.now() + 60_000).toISOString() });
    await create(body);
    await act(body.code, 'open');
    await coordinator
      .patch(`/api/waves/${body.code}`)
      .send({ closesAt: new Date(Date.now() - 1000).toISOString(), opensAt: null });
    await act(body.code, 'close');
    const refused = await act(body.code, 'reopen');
    expect(refused.status).toBe(422);
    expect(refused.body.invalid_params[0]).toMatchObject({ name: 'body.closesAt', code: 'closes_at_passed' });
    const ok = await act(body.code, 'reopen', { closesAt: '2099-01-01T00:00:00Z' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'open', closesAt: '2099-01-01T00:00:00.000Z' });
  });

  it('a closing date on close or archive is refused', async () => {
    const wave = await openWave();
    const res = await act(wave, 'close', { closesAt: '2099-01-01T00:00:00Z' });
    expect(res.status).toBe(422);
  });

  it('when two coordinators close the same wave at once, then exactly one succeeds', async () => {
    const wave = await openWave();
    const results = await Promise.all([act(wave, 'close'), act(wave, 'close'), act(wave, 'close')]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const admin = await coordinator.get(`/api/waves/${wave}/admin`);
    expect(admin.body.history.filter((h: { action: string }) => h.action === 'close')).toHaveLength(1);
  });

  it('an invitation-only wave refuses the public link with 403 invitation_required', async () => {
    const wave = await openWave({ access: 'invitation' });
    const res = await submitPublic(wave);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('invitation_required');
    // Its public address says only that (no questionnaire); the coordinator still sees it all.
    const anonymous = await request(app).get(`/api/waves/${wave}`);
    expect(anonymous.status).toBe(403);
    expect(anonymous.body.code).toBe('invitation_required');
    expect(anonymous.body.questionnaire).toBeUndefined();
    expect((await coordinator.get(`/api/waves/${wave}`)).body.access).toBe('invitation');
  });
});

describe('cloning a wave', () => {
  it('makes a new draft with the same scope, access and anonymity, new dates and the same or a newer questionnaire version', async () => {
    const source = newWave({ anonymous: true, scope: { countries: ['RU'], regions: ['RU-VLG'] } });
    await create(source);
    await act(source.code, 'open');
    const next = code();
    const res = await coordinator.post(`/api/waves/${source.code}/clone`).send({
      code: next,
      title: { ru: 'Волна 2027', uk: '', en: 'Wave 2027' },
      opensAt: '2027-03-01T00:00:00Z',
      closesAt: '2027-04-01T00:00:00Z',
      questionnaireId: v2,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      code: next,
      status: 'draft',
      questionnaireId: v2,
      anonymous: true,
      access: 'invitation',
      scope: { countries: ['RU'], regions: ['RU-VLG'] },
      opensAt: '2027-03-01T00:00:00.000Z',
      clonedFrom: source.code,
      invitationsCopied: 0,
    });
  });

  it('refuses an older version or another questionnaire', async () => {
    const source = newWave({ questionnaireId: v2 });
    await create(source);
    const res = await coordinator.post(`/api/waves/${source.code}/clone`).send({
      code: code(),
      title: { ru: 'x', uk: '', en: '' },
      opensAt: null,
      closesAt: null,
      questionnaireId: v1,
    });
    expect(res.status).toBe(422);
    expect(res.body.invalid_params[0].code).toBe('not_newer');
    const other = await coordinator.post(`/api/waves/${source.code}/clone`).send({
      code: code(),
      title: { ru: 'x', uk: '', en: '' },
      opensAt: null,
      closesAt: null,
      questionnaireId: 'imc-barriers@1',
    });
    expect(other.status).toBe(422);
  });

  it('refuses a code already taken by another wave', async () => {
    const a = newWave();
    const b = newWave();
    await create(a);
    await create(b);
    const res = await coordinator
      .post(`/api/waves/${a.code}/clone`)
      .send({ code: b.code, title: { ru: 'x', uk: '', en: '' }, opensAt: null, closesAt: null });
    expect(res.status).toBe(409);
  });
});

describe('access', () => {
  it('wave administration needs the coordinator role', async () => {
    const body = newWave();
    expect((await request(app).post('/api/waves').send(body)).status).toBe(401);
    const researcher = await agentAs(app, ['researcher']);
    expect((await researcher.post('/api/waves').send(body)).status).toBe(403);
    await create(body);
    expect((await researcher.get(`/api/waves/${body.code}/admin`)).status).toBe(403);
    expect((await researcher.post(`/api/waves/${body.code}/lifecycle`).send({ action: 'open' })).status).toBe(403);
  });

  it('a mutation without the CSRF header is refused', async () => {
    const body = newWave();
    const res = await coordinator.post('/api/waves').set('X-CSRF-Token', '').send(body);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('csrf_failed');
  });
});
