// Invitations over HTTP on the real store: importing the list (CSV and XLSX, all or nothing),
// issuing links, an official opening, autosaving, resuming (also after a "restart") and
// submitting exactly once, revoking and re-issuing, anonymity, and the response-rate board.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { ResponseModel } from '../../server/src/responses/response.model';
import { InvitationModel, InvitationTokenModel } from '../../server/src/invitations/invitation.model';
import { hashToken } from '../../server/src/invitations/invitations.service';
import { useAgent, useTestApp } from '../helpers/app';
import { storeKind } from '../helpers/db';
import { agentAs } from '../helpers/auth';
import { registerMiniQuestionnaire } from '../helpers/fixtures';
import { createInvitationWave, csv, importAndIssue, parseLinksCsv, THREE_MUNICIPALITIES } from '../helpers/invitations';

const app = useTestApp({ demo: false });
const coordinator = useAgent(app, ['coordinator']);
let questionnaireId: string;

beforeAll(async () => {
  questionnaireId = await registerMiniQuestionnaire();
});

const importList = (wave: string, format: 'csv' | 'xlsx', content: string) =>
  coordinator.post(`/api/waves/${wave}/invitations/import`).send({ format, content });
const board = async (wave: string) => (await coordinator.get(`/api/waves/${wave}/invitations/board`)).body;
const open = (token: string, server = app) => request(server).get(`/api/invitations/${token}`);
/** Saves on top of the draft the server holds now (as a page that has just opened the link). */
const saveDraft = async (token: string, answers: Record<string, unknown>, pageNo = 0, server = app) => {
  const opened = await request(server).get(`/api/invitations/${token}`);
  const baseRevision = (opened.body as { draft?: { revision?: number } | null }).draft?.revision ?? 0;
  return request(server).put(`/api/invitations/${token}/draft`).send({ answers, pageNo, locale: 'ru', baseRevision });
};
const submit = (
  token: string,
  clientId = randomUUID(),
  answers: Record<string, unknown> = { obstacles: ['funding'] },
) => request(app).post(`/api/invitations/${token}/responses`).send({ clientId, locale: 'ru', answers });

function binaryParser(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

async function xlsxBase64(rows: (string | number)[][]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet('list');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer).toString('base64');
}

describe('importing the list of municipalities', () => {
  it('when every CSV row is valid, then 201 imports them all; the same file again changes nothing', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const res = await importList(wave, 'csv', THREE_MUNICIPALITIES);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ total: 3, created: 3, updated: 0, unchanged: 0 });
    const again = await importList(wave, 'csv', THREE_MUNICIPALITIES);
    expect(again.body).toEqual({ total: 3, created: 0, updated: 0, unchanged: 3 });
    expect(await InvitationModel.countDocuments({ waveCode: wave })).toBe(3);
  });

  it('when some CSV rows are bad, then 422 names each bad row by line and field, and nothing is imported', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const content = csv([
      'a1;Первый;RU-VLG;municipal_okrug;1000;a1@example.org',
      'a2;Второй;XX-ZZZ;municipal_okrug;1000;a2@example.org',
      'a3;Третий;RU-VLG;municipal_okrug;много;not-an-email',
      'a4;Четвёртый;RU-VLG;municipal_okrug;1000;a4@example.org',
    ]);
    const res = await importList(wave, 'csv', content);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('invalid_invitations');
    const names = (res.body.invalid_params as { name: string; code: string }[]).map((p) => `${p.name}:${p.code}`);
    expect(names.sort()).toEqual([
      'line 3.regionCode:unknown_region',
      'line 4.email:invalid_email',
      'line 4.population:not_a_number',
    ]);
    expect(await InvitationModel.countDocuments({ waveCode: wave })).toBe(0);
  });

  it('when an XLSX workbook is valid, then its rows are imported; with a bad row, 422 by line and nothing imported', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const head = ['id', 'name', 'region', 'type', 'population', 'email'];
    const bad = await xlsxBase64([
      head,
      ['x1', 'Первый', 'RU-VLG', 'municipal_okrug', 1000, 'x1@example.org'],
      ['x2', 'Второй', 'RU-VLG', 'no_such_type', 1000, 'x2@example.org'],
    ]);
    const refused = await importList(wave, 'xlsx', bad);
    expect(refused.status).toBe(422);
    expect(refused.body.invalid_params).toEqual([
      expect.objectContaining({ name: 'line 3.type', code: 'unknown_type' }),
    ]);
    expect(await InvitationModel.countDocuments({ waveCode: wave })).toBe(0);

    const good = await xlsxBase64([
      head,
      ['x1', 'Первый', 'RU-VLG', 'municipal_okrug', 1000, 'x1@example.org'],
      ['x2', 'Второй', 'RU-ARK', 'urban_okrug', 250000, 'x2@example.org'],
    ]);
    const res = await importList(wave, 'xlsx', good);
    expect(res.status).toBe(201);
    expect(res.body.created).toBe(2);
    const b = await board(wave);
    expect(b.totals).toMatchObject({ invited: 2, notStarted: 2, started: 0, completed: 0 });
  });

  it('when a file is not a workbook, then 422 and nothing imported', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const res = await importList(wave, 'xlsx', Buffer.from('not a zip').toString('base64'));
    expect(res.status).toBe(422);
    expect(res.body.invalid_params[0]).toMatchObject({ code: 'invalid_xlsx' });
  });
});

describe('links for mail merge', () => {
  it('the CSV export gives one unguessable link per municipality; only hashes are stored; a second export of unissued links is empty', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const links = await importAndIssue(coordinator, wave);
    expect([...links.keys()].sort()).toEqual(['kir', 'tot', 'vyt']);
    for (const l of links.values()) {
      // Built from PUBLIC_URL (its development default here), not from the address the request came to.
      expect(l.link).toMatch(/^http:\/\/localhost:\d+\/i\/[A-Za-z0-9_-]{22}$/);
      expect(await InvitationTokenModel.countDocuments({ _id: l.token })).toBe(0);
      expect(await InvitationTokenModel.countDocuments({ _id: hashToken(l.token) })).toBe(1);
    }
    const again = await coordinator
      .post(`/api/waves/${wave}/invitations/links`)
      .send({ format: 'csv', scope: 'unissued' })
      .buffer(true)
      .parse(binaryParser);
    expect(again.headers['x-links-issued']).toBe('0');
    expect(parseLinksCsv((again.body as Buffer).toString('utf8'))).toEqual([]);
  });

  it('the XLSX export is a workbook with a row per municipality and its link', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    expect((await importList(wave, 'csv', THREE_MUNICIPALITIES)).status).toBe(201);
    const res = await coordinator
      .post(`/api/waves/${wave}/invitations/links`)
      .send({ format: 'xlsx', scope: 'all' })
      .buffer(true)
      .parse(binaryParser);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.rowCount).toBe(4);
    expect(sheet.getRow(1).getCell(8).value).toBe('link');
    expect(String(sheet.getRow(2).getCell(8).value)).toMatch(/\/i\/[A-Za-z0-9_-]{22}$/);
  });
});

describe('the official opens a link, autosaves, resumes and submits', () => {
  it('opening a link gives the questionnaire with municipality and region fixed', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const links = await importAndIssue(coordinator, wave);
    const res = await open(links.get('tot')!.token);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.invitation).toMatchObject({
      status: 'not_started',
      municipality: { id: 'tot', name: 'Тотемский муниципальный округ', regionCode: 'RU-VLG' },
      region: { code: 'RU-VLG', names: { ru: expect.stringMatching(/Вологодская/) } },
    });
    expect(res.body.fixedAnswers).toEqual({ region: 'RU-VLG', municipality: 'Тотемский муниципальный округ' });
    expect(res.body.questionnaire.key).toBe('mini-barriers');
    expect(res.body.draft).toBeNull();
  });

  it('an unknown token answers 404 invitation_not_found', async () => {
    const res = await open('AAAAAAAAAAAAAAAAAAAAAA');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('invitation_not_found');
  });

  it('the autosaved draft comes back on reopening, also from a new app instance (server restart), with the fixed answers enforced', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const { token } = (await importAndIssue(coordinator, wave)).get('vyt')!;
    const saved = await saveDraft(token, { obstacles: ['legal'], region: 'RU-MOS', comment: 'пока так' }, 0);
    expect(saved.status).toBe(200);
    expect(Date.parse(saved.body.savedAt)).not.toBeNaN();

    const restarted = createApp({ store: { kind: storeKind() } });
    const res = await open(token, restarted);
    expect(res.status).toBe(200);
    expect(res.body.invitation.status).toBe('started');
    expect(res.body.draft).toMatchObject({
      answers: {
        obstacles: ['legal'],
        comment: 'пока так',
        region: 'RU-VLG',
        municipality: 'Вытегорский муниципальный район',
      },
      pageNo: 0,
      locale: 'ru',
      savedAt: saved.body.savedAt,
    });
    // A later save (from another device) replaces it.
    expect((await saveDraft(token, { obstacles: ['legal', 'staff'] }, 0, restarted)).status).toBe(200);
    expect((await open(token)).body.draft.answers.obstacles).toEqual(['legal', 'staff']);
    expect((await board(wave)).regions[0]).toMatchObject({ code: 'RU-VLG', started: 1, notStarted: 2 });
  });

  it('submitting stores one response with the fixed municipality and region; the draft is dropped; a retry with the same clientId answers 200', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const { token } = (await importAndIssue(coordinator, wave)).get('kir')!;
    await saveDraft(token, { obstacles: ['funding'] });
    const clientId = randomUUID();
    const first = await submit(token, clientId, { obstacles: ['funding', 'staff'], region: 'RU-MOS' });
    expect(first.status).toBe(201);
    const again = await submit(token, clientId, { obstacles: ['funding', 'staff'] });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const stored = await ResponseModel.find({ waveCode: wave }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      regionCode: 'RU-VLG',
      municipality: 'Кирилловский муниципальный округ',
      invitationId: `${wave}|kir`,
    });
    const view = await open(token);
    expect(view.body.invitation).toMatchObject({ status: 'completed', completedAt: first.body.submittedAt });
    expect(view.body.draft).toBeNull();
    const late = await saveDraft(token, { obstacles: ['legal'] });
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'already_submitted', submittedAt: first.body.submittedAt });
  });

  it('when one invitation is submitted twice at once (two tabs), then exactly one response is kept and the loser gets 409 already_submitted with the date', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const { token } = (await importAndIssue(coordinator, wave)).get('tot')!;
    const results = await Promise.all([
      submit(token, randomUUID(), { obstacles: ['funding'] }),
      submit(token, randomUUID(), { obstacles: ['legal'] }),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409]);
    const winner = results.find((r) => r.status === 201)!;
    const loser = results.find((r) => r.status === 409)!;
    expect(loser.body.code).toBe('already_submitted');
    expect(Date.parse(loser.body.submittedAt)).not.toBeNaN();
    expect(loser.body.detail).toMatch(/already submitted on \d{4}-\d\d-\d\dT/);
    expect(await ResponseModel.countDocuments({ waveCode: wave })).toBe(1);
    expect(await ResponseModel.countDocuments({ _id: winner.body.id })).toBe(1);
    // A third attempt later gets the stored date exactly.
    const later = await submit(token);
    expect(later.status).toBe(409);
    expect(later.body.submittedAt).toBe(winner.body.submittedAt);
    expect((await board(wave)).totals).toMatchObject({ invited: 3, completed: 1, started: 0, notStarted: 2 });
  });

  it('when the wave is closed, then drafts and submissions are refused with wave_not_open', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const { token } = (await importAndIssue(coordinator, wave)).get('tot')!;
    expect((await coordinator.post(`/api/waves/${wave}/lifecycle`).send({ action: 'close' })).status).toBe(200);
    const draft = await saveDraft(token, { obstacles: ['funding'] });
    expect(draft.status).toBe(409);
    expect(draft.body.code).toBe('wave_not_open');
    const sub = await submit(token);
    expect(sub.status).toBe(409);
    expect(sub.body.code).toBe('wave_not_open');
    expect((await open(token)).body.wave.acceptsAnswers).toBe(false);
  });
});

describe('revoking and re-issuing links', () => {
  it('a revoked link is refused; a re-issued link works, keeps the draft, and the old token stays refused', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const { token: old } = (await importAndIssue(coordinator, wave)).get('tot')!;
    expect((await saveDraft(old, { obstacles: ['staff'] })).status).toBe(200);

    const revoked = await coordinator.post(`/api/waves/${wave}/invitations/tot/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id: 'tot', status: 'revoked' });
    expect((await open(old)).status).toBe(404);
    expect((await board(wave)).totals).toMatchObject({ invited: 2, revoked: 1 });

    const re = await coordinator.post(`/api/waves/${wave}/invitations/tot/reissue`);
    expect(re.status).toBe(200);
    const fresh = (re.body.link as string).split('/i/')[1]!;
    expect(fresh).not.toBe(old);
    expect(re.body.invitation.status).toBe('started');
    expect((await open(old)).status).toBe(404);
    expect((await submit(old)).status).toBe(404);
    const view = await open(fresh);
    expect(view.status).toBe(200);
    expect(view.body.draft.answers.obstacles).toEqual(['staff']);

    // Re-issuing again replaces the fresh link too.
    const again = await coordinator.post(`/api/waves/${wave}/invitations/tot/reissue`);
    expect((await open(fresh)).status).toBe(404);
    expect((await open((again.body.link as string).split('/i/')[1]!)).status).toBe(200);
  });

  it('a completed invitation cannot be revoked or re-issued (409)', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const { token } = (await importAndIssue(coordinator, wave)).get('tot')!;
    expect((await submit(token)).status).toBe(201);
    const revoke = await coordinator.post(`/api/waves/${wave}/invitations/tot/revoke`);
    expect(revoke.status).toBe(409);
    expect(revoke.body.code).toBe('invitation_completed');
    expect((await coordinator.post(`/api/waves/${wave}/invitations/tot/reissue`)).status).toBe(409);
  });

  it('an unknown municipality id answers 404', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    await importAndIssue(coordinator, wave);
    expect((await coordinator.post(`/api/waves/${wave}/invitations/nobody/revoke`)).status).toBe(404);
  });
});

describe('anonymity', () => {
  it('in an anonymous wave the stored response names no invitation and the invitation no response', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId, { anonymous: true });
    const { token } = (await importAndIssue(coordinator, wave)).get('vyt')!;
    const res = await submit(token);
    expect(res.status).toBe(201);
    const stored = await ResponseModel.findById(res.body.id).lean();
    expect(stored!.invitationId ?? null).toBeNull();
    const inv = await InvitationModel.findById(`${wave}|vyt`).lean();
    expect(inv!.responseId ?? null).toBeNull();
    expect(inv!.status).toBe('completed');
    expect(JSON.stringify(inv)).not.toContain(res.body.id);
    // Still exactly once.
    expect((await submit(token)).status).toBe(409);
  });

  it('in a named wave the invitation keeps the response id', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId, { anonymous: false });
    const { token } = (await importAndIssue(coordinator, wave)).get('vyt')!;
    const res = await submit(token);
    expect((await InvitationModel.findById(`${wave}|vyt`).lean())!.responseId).toBe(res.body.id);
  });
});

describe('the response-rate board', () => {
  it('counts invited / not started / started / completed per region and shows each municipality with its last activity', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const content = csv([
      'tot;Тотемский муниципальный округ;RU-VLG;municipal_okrug;18500;tot@example.org',
      'vyt;Вытегорский муниципальный район;RU-VLG;municipal_district;22000;vyt@example.org',
      'kir;Кирилловский муниципальный округ;RU-VLG;municipal_okrug;14000;kir@example.org',
      'kot;Котлас;RU-ARK;urban_okrug;70000;kot@example.org',
    ]);
    const links = await importAndIssue(coordinator, wave, content);
    expect((await submit(links.get('tot')!.token)).status).toBe(201);
    expect((await saveDraft(links.get('kot')!.token, { obstacles: ['staff'] })).status).toBe(200);

    const res = await coordinator.get(`/api/waves/${wave}/invitations/board`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.totals).toEqual({
      invited: 4,
      notStarted: 2,
      started: 1,
      completed: 1,
      revoked: 0,
      // Nothing was mailed: the links went out by mail merge.
      mailed: 0,
      reminders: 0,
      mailFailed: 0,
      optedOut: 0,
    });
    const byCode = Object.fromEntries((res.body.regions as { code: string }[]).map((r) => [r.code, r])) as Record<
      string,
      unknown
    >;
    expect(byCode['RU-VLG']).toMatchObject({ invited: 3, notStarted: 2, started: 0, completed: 1 });
    expect(byCode['RU-ARK']).toMatchObject({ invited: 1, notStarted: 0, started: 1, completed: 0 });
    const tot = (res.body.invitations as { id: string; status: string; lastActivityAt: string | null }[]).find(
      (i) => i.id === 'tot',
    )!;
    expect(tot.status).toBe('completed');
    expect(Date.parse(tot.lastActivityAt!)).not.toBeNaN();
    // No tokens, hashes or drafts leak to the board.
    expect(JSON.stringify(res.body)).not.toMatch(/tokenHash|draftJson/);
  });

  it('only coordinators see the board and import lists', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const researcher = await agentAs(app, ['researcher']);
    expect((await researcher.get(`/api/waves/${wave}/invitations/board`)).status).toBe(403);
    expect((await request(app).get(`/api/waves/${wave}/invitations/board`)).status).toBe(401);
    expect(
      (await researcher.post(`/api/waves/${wave}/invitations/import`).send({ format: 'csv', content: 'x' })).status,
    ).toBe(403);
  });
});
