// The roles of questions, over HTTP with the real store: proposed by `lsgRole` at upload and
// reported, chosen in the library (PUT .../roles), stored with the version and locked once a
// wave opens on it; a public wave opens only with a region question or "no regional breakdown";
// invitation waves take the region from the invitation; no obstacle question is needed.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { useAgents, useTestApp } from '../helpers/app';
import { createInvitationWave, importAndIssue } from '../helpers/invitations';
import { ResponseModel } from '../../server/src/responses/response.model';

const app = useTestApp({ demo: false });

const { coordinator, researcher } = useAgents(app, 'coordinator', 'researcher');

// A per-region monitor without lsgRole: the region is an ordinary dropdown, no obstacle question.
const monitor = {
  title: 'Partners per region',
  elements: [
    { type: 'dropdown', name: 'oblast', isRequired: true, choices: ['RU-VLG', 'RU-ARK', 'UA-05'] },
    { type: 'text', name: 'partners', inputType: 'number', isRequired: true },
  ],
};
// Nothing about places at all.
const noPlace = { elements: [{ type: 'rating', name: 'mood', isRequired: true }] };

const upload = (key: string, definition: object) =>
  coordinator.post('/api/questionnaires').send({ key, definition: JSON.stringify(definition) });

/** A public wave, created (not opened) through the API. */
const createWave = (questionnaireId: string, over: Record<string, unknown> = {}) =>
  createInvitationWave(
    coordinator,
    questionnaireId,
    { title: { ru: 'Волна', uk: '', en: '' }, access: 'public', ...over },
    false,
  );
const open = (code: string) => coordinator.post(`/api/waves/${code}/lifecycle`).send({ action: 'open' });
const submit = (code: string, answers: Record<string, unknown>) =>
  request(app).post(`/api/waves/${code}/responses`).send({ clientId: randomUUID(), locale: 'ru', answers });
const putRoles = (id: string, roles: Record<string, string | null>) => {
  const [key, version] = id.split('@');
  return coordinator.put(`/api/questionnaires/${key}/versions/${version}/roles`).send({ roles });
};

describe('upload', () => {
  it('reports the roles the file proposes with lsgRole', async () => {
    const res = await upload('roles-marked', {
      elements: [
        { type: 'dropdown', name: 'r', lsgRole: 'region', choices: ['RU-VLG'] },
        { type: 'text', name: 'm', lsgRole: 'municipality' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.roles).toEqual({ region: 'r', municipality: 'm' });
    expect(res.body.warnings).toEqual([]);
  });

  it('warns in plain words when no question is the region question', async () => {
    const res = await upload('roles-monitor', monitor);
    expect(res.status).toBe(201);
    expect(res.body.roles).toEqual({});
    expect(res.body.warnings).toEqual([expect.stringMatching(/No question is chosen as the region question/)]);
    expect(res.body.warnings[0]).toMatch(/no regional breakdown/);
    const list = await coordinator.get('/api/questionnaires');
    const item = list.body.items.find((i: { id: string }) => i.id === res.body.id);
    expect(item).toMatchObject({ roles: {}, rolesLocked: false, warnings: [expect.any(String)] });
  });
});

describe('choosing roles in the library', () => {
  it('refuses roles naming no question or a question that cannot carry them', async () => {
    const { body } = await upload('roles-monitor', monitor);
    const res = await putRoles(body.id, { region: 'nope', obstacles: 'partners' });
    expect(res.status).toBe(422);
    expect(res.body.invalid_params.map((p: { name: string; code: string }) => `${p.name}:${p.code}`).sort()).toEqual([
      'roles.obstacles:role_type',
      'roles.region:no_question',
    ]);
    const unknownRole = await putRoles(body.id, { district: 'oblast' });
    expect(unknownRole.status).toBe(400);
  });

  it('a public wave without a region question does not open; with the region chosen it does, and the roles lock', async () => {
    const { body } = await upload('roles-monitor', monitor);
    const wave = await createWave(body.id);
    const refused = await open(wave);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('no_region_question');
    expect(refused.body.detail).toMatch(/has no region question/);
    expect(refused.body.detail).toMatch(/no regional breakdown/);

    const chosen = await putRoles(body.id, { region: 'oblast' });
    expect(chosen.status).toBe(200);
    expect(chosen.body).toEqual({ roles: { region: 'oblast' }, warnings: [] });
    expect((await open(wave)).status).toBe(200);

    const res = await submit(wave, { oblast: 'RU-ARK', partners: 7 });
    expect(res.status).toBe(201);
    const doc = await ResponseModel.findById(res.body.id).lean<{ regionCode: string }>();
    expect(doc!.regionCode).toBe('RU-ARK');
    const tally = await researcher.get(`/api/waves/${wave}/tally`);
    expect(tally.status).toBe(200);

    const locked = await putRoles(body.id, { region: null });
    expect(locked.status).toBe(409);
    expect(locked.body.code).toBe('roles_locked');
    const detail = await coordinator.get(`/api/questionnaires/roles-monitor/versions/${body.version}`);
    expect(detail.body).toMatchObject({ roles: { region: 'oblast' }, rolesLocked: true });
  });
});

describe('waves without a regional breakdown', () => {
  it('open on a questionnaire without a region question and accept its answers', async () => {
    const { body } = await upload('roles-noplace', noPlace);
    const wave = await createWave(body.id, { noRegionalBreakdown: true });
    expect((await open(wave)).status).toBe(200);
    const admin = await coordinator.get(`/api/waves/${wave}/admin`);
    expect(admin.body.noRegionalBreakdown).toBe(true);
    const res = await submit(wave, { mood: 4 });
    expect(res.status).toBe(201);
    const doc = await ResponseModel.findById(res.body.id).lean<{ regionCode: string }>();
    expect(doc!.regionCode).toBe('');
    // The tally of a wave without region or obstacle question answers (no 500).
    const tally = await researcher.get(`/api/waves/${wave}/tally`);
    expect(tally.status).toBe(200);
  });
});

describe('invitation waves', () => {
  it('take the region from the invitation when the questionnaire has no region question', async () => {
    const { body } = await upload('roles-noplace', noPlace);
    const wave = await createInvitationWave(coordinator, body.id);
    const links = await importAndIssue(coordinator, wave);
    const link = links.get('tot')!;
    const res = await request(app)
      .post(`/api/invitations/${link.token}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: { mood: 5 } });
    expect(res.status).toBe(201);
    const doc = await ResponseModel.findById(res.body.id).lean<{ regionCode: string }>();
    expect(doc!.regionCode).toBe('RU-VLG');
  });
});
