// Drafts that cannot be overwritten by stale saves, submissions whose retries always find the
// original, and invitation links that neither follow the Host header nor leak into logs or
// Referer headers — each attack performed over HTTP on the real app and store.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { ResponseModel } from '../../server/src/responses/response.model';
import { useTestDatabase, storeKind } from '../helpers/db';
import { asText } from '../helpers/app';
import { agentAs, type TestAgent } from '../helpers/auth';
import { answers, createFixtureWave, registerMiniQuestionnaire } from '../helpers/fixtures';
import { createInvitationWave, csv, importAndIssue, type LinkRow } from '../helpers/invitations';

useTestDatabase({ demo: false });

const PUBLIC_URL = 'https://survey.example.org';
const logLines: string[] = [];
const logStream = new Writable({
  write(chunk: Buffer, _enc, done) {
    logLines.push(chunk.toString('utf8'));
    done();
  },
});
// A minimal built client, so /i/<token> is served as the app shell is in production.
const clientDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-client-'));
fs.writeFileSync(path.join(clientDir, 'index.html'), '<!doctype html><title>lsg</title><div id="root"></div>');

const app = createApp({
  store: { kind: storeKind() },
  clientDir,
  publicUrl: PUBLIC_URL,
  logger: pino({ level: 'info', base: undefined }, logStream),
  rateLimits: { loginPer15Min: 0, tokenLookupsPerMin: 0, submissionsPerMin: 0, perTokenPerMin: 0 },
  // 50 submissions at once on a shared test machine may take longer than the production deadline;
  // what is tested here is what they answer, not how fast.
  requestDeadlineMs: 60_000,
});

let coordinator: TestAgent;
let questionnaireId: string;

afterAll(() => fs.rmSync(clientDir, { recursive: true, force: true }));

beforeAll(async () => {
  coordinator = await agentAs(app, ['coordinator']);
  questionnaireId = await registerMiniQuestionnaire();
});

const LIST = csv([
  'tot;Тотемский муниципальный округ;RU-VLG;municipal_okrug;18500;tot@example.org',
  'vyt;Вытегорский муниципальный район;RU-VLG;municipal_district;22000;vyt@example.org',
]);

async function invitationLinks(over: Record<string, unknown> = {}): Promise<Map<string, LinkRow>> {
  const wave = await createInvitationWave(coordinator, questionnaireId, over);
  return importAndIssue(coordinator, wave, LIST);
}

const put = (token: string, body: Record<string, unknown>) =>
  request(app)
    .put(`/api/invitations/${token}/draft`)
    .send({ pageNo: 0, locale: 'ru', ...body });

describe('drafts carry a revision: a stale autosave never overwrites newer answers', () => {
  it('an autosave that arrives late (based on an older revision) is refused with 409 and the current draft', async () => {
    const { token } = (await invitationLinks()).get('tot')!;
    const opened = await request(app).get(`/api/invitations/${token}`);
    expect(opened.body.draft).toBeNull();

    const first = await put(token, { answers: { comment: 'first' }, baseRevision: 0 });
    expect(first.status).toBe(200);
    expect(first.body.revision).toBe(1);
    const second = await put(token, { answers: { comment: 'second', obstacles: ['legal'] }, baseRevision: 1 });
    expect(second.body.revision).toBe(2);

    // The first save's twin (sent before the second, delivered after it) and an even older one.
    for (const baseRevision of [1, 0]) {
      const late = await put(token, { answers: { comment: 'first' }, baseRevision });
      expect(late.status).toBe(409);
      expect(late.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(late.body.code).toBe('draft_conflict');
      expect(late.body.draft).toMatchObject({
        revision: 2,
        answers: { comment: 'second', obstacles: ['legal'] },
        pageNo: 0,
      });
    }
    // A save that does not say what it builds on is refused outright.
    expect((await put(token, { answers: { comment: 'blind' } })).status).toBe(400);

    const now = await request(app).get(`/api/invitations/${token}`);
    expect(now.body.draft).toMatchObject({ revision: 2, answers: { comment: 'second', obstacles: ['legal'] } });

    // On the 409 the client re-saves on the revision it was given: accepted.
    const resaved = await put(token, { answers: { comment: 'third' }, baseRevision: 2 });
    expect(resaved.body.revision).toBe(3);
  });

  it('of parallel autosaves on one revision exactly one wins, and the draft is the winner’s', async () => {
    const { token } = (await invitationLinks()).get('vyt')!;
    const res = await Promise.all(
      Array.from({ length: 12 }, (_, i) => put(token, { answers: { comment: `tab ${i}` }, baseRevision: 0 })),
    );
    const won = res.map((r, i) => ({ r, i })).filter(({ r }) => r.status === 200);
    expect(won).toHaveLength(1);
    expect(res.filter((r) => r.status === 409 && r.body.code === 'draft_conflict')).toHaveLength(11);
    for (const r of res.filter((x) => x.status === 409)) expect(r.body.draft.revision).toBe(1);
    const now = await request(app).get(`/api/invitations/${token}`);
    expect(now.body.draft).toMatchObject({ revision: 1, answers: { comment: `tab ${won[0]!.i}` } });
  });
});

describe('50 parallel retries of one submission all get the original response', () => {
  const fifty = <T>(fn: () => Promise<T>) => Promise.all(Array.from({ length: 50 }, fn));

  function expectOneOriginal(res: request.Response[], clientId: string) {
    const statuses = res.map((r) => r.status);
    expect(
      res.filter((r) => r.status !== 200 && r.status !== 201).map((r) => `${r.status} ${r.body.code} ${r.body.detail}`),
    ).toEqual([]);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(new Set(res.map((r) => r.body.id))).toEqual(new Set([clientId]));
    expect(new Set(res.map((r) => r.body.submittedAt)).size).toBe(1);
  }

  it.each([
    ['a named invitation wave', { anonymous: false }],
    ['an anonymous invitation wave', { anonymous: true }],
  ])('%s: all 200/201 with one id, stored once; another submission then gets 409', async (_name, over) => {
    const { token } = (await invitationLinks(over)).get('tot')!;
    const clientId = randomUUID();
    const body = { clientId, locale: 'ru', answers: answers({ obstacles: ['funding', 'legal'] }) };
    const res = await fifty(() => request(app).post(`/api/invitations/${token}/responses`).send(body));
    expectOneOriginal(res, clientId);
    expect(await ResponseModel.countDocuments({ _id: clientId })).toBe(1);

    // A later retry still gets the original; a different submission is refused.
    const retry = await request(app).post(`/api/invitations/${token}/responses`).send(body);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(clientId);
    const other = await request(app)
      .post(`/api/invitations/${token}/responses`)
      .send({ ...body, clientId: randomUUID() });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('already_submitted');
    const wave = (await ResponseModel.findById(clientId).lean<{ waveCode: string }>())!.waveCode;
    expect(await ResponseModel.countDocuments({ waveCode: wave })).toBe(1);
  });

  it('a public wave: all 200/201 with one id, stored once', async () => {
    const wave = await createFixtureWave();
    const clientId = randomUUID();
    const body = { clientId, locale: 'ru', answers: answers() };
    const res = await fifty(() => request(app).post(`/api/waves/${wave}/responses`).send(body));
    expectOneOriginal(res, clientId);
    expect(await ResponseModel.countDocuments({ waveCode: wave })).toBe(1);
  });
});

describe('invitation links and tokens', () => {
  it('links are built from PUBLIC_URL, never from a forged Host or X-Forwarded-Host header', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    await coordinator.post(`/api/waves/${wave}/invitations/import`).send({ format: 'csv', content: LIST });
    const exported = await asText(
      coordinator
        .post(`/api/waves/${wave}/invitations/links`)
        .set('Host', 'evil.example')
        .set('X-Forwarded-Host', 'evil.example')
        .set('X-Forwarded-Proto', 'http')
        .send({ format: 'csv', scope: 'unissued' }),
    );
    expect(exported.status).toBe(200);
    const text = exported.body as string;
    expect(text).not.toContain('evil.example');
    expect(text.match(/https:\/\/survey\.example\.org\/i\/[A-Za-z0-9_-]{22}/g)).toHaveLength(2);

    const re = await coordinator
      .post(`/api/waves/${wave}/invitations/tot/reissue`)
      .set('Host', 'evil.example')
      .send({});
    expect(re.status).toBe(200);
    expect(re.body.link).toMatch(/^https:\/\/survey\.example\.org\/i\/[A-Za-z0-9_-]{22}$/);
  });

  it('tokens never reach the request log, however the path is spelled', async () => {
    const { token } = (await invitationLinks()).get('tot')!;
    logLines.length = 0;
    await request(app).get(`/api/invitations/${token}`);
    await put(token, { answers: { comment: 'x' }, baseRevision: 0 });
    await request(app)
      .post(`/api/invitations/${token}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: answers() });
    for (const url of [
      `/i/${token}`,
      `/i/${token}?utm_source=mail`,
      `/I/${token}`,
      `//i/${token}`,
      `/%69/${token}`,
      `/API/Invitations/${token}`,
      `/api//invitations/${token}/draft`,
      `/api/invitations%2F${token}`,
    ])
      await request(app).get(url);
    await new Promise((r) => setTimeout(r, 50)); // let the logger flush
    const log = logLines.join('');
    expect(logLines.length).toBeGreaterThanOrEqual(11);
    expect(log).toContain(':token');
    expect(log).not.toContain(token);
  });

  it('/i/<token> and the API under a token are served with Referrer-Policy: no-referrer; other pages keep theirs', async () => {
    const { token } = (await invitationLinks()).get('vyt')!;
    const page = await request(app).get(`/i/${token}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root">');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    for (const res of [
      await request(app).get(`/api/invitations/${token}`),
      await put(token, { answers: {}, baseRevision: 0 }),
      await request(app).get(`/api/invitations/${'x'.repeat(22)}`),
    ])
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect((await request(app).get('/w/some-wave')).headers['referrer-policy']).toBe('same-origin');
  });
});
