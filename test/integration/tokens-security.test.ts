// Invitation tokens are the respondents' only credential: guessing, reuse, revocation, storage and
// rate limits, each with the specific safe outcome it must meet, on the real app and store.
import { randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { flushRateLimits, RateLimitModel } from '../../server/src/http/rate-limit';
import { useTestDatabase, storeKind } from '../helpers/db';
import { agentAs, type TestAgent } from '../helpers/auth';
import { answers, registerMiniQuestionnaire } from '../helpers/fixtures';
import { createInvitationWave, importAndIssue, type LinkRow } from '../helpers/invitations';

useTestDatabase({ demo: false });
const app = createApp({ store: { kind: storeKind() } });
let coordinator: TestAgent;
let wave: string;
let links: Map<string, LinkRow>;

/** A well-formed token nobody was given: 16 random bytes, as the server makes them. */
const guess = () => randomBytes(16).toString('base64url');
const open = (token: string) => request(app).get(`/api/invitations/${token}`);
const submitWith = (token: string, clientId = randomUUID()) =>
  request(app)
    .post(`/api/invitations/${token}/responses`)
    .send({ clientId, locale: 'ru', answers: answers({ region: 'RU-VLG', municipality: 'Тотьма' }) });

beforeAll(async () => {
  coordinator = await agentAs(app, ['coordinator']);
  const q = await registerMiniQuestionnaire();
  wave = await createInvitationWave(coordinator, q);
  links = await importAndIssue(coordinator, wave);
});

describe('invitation tokens', () => {
  it('carry 128 random bits: 22 base64url characters, all distinct', () => {
    const tokens = [...links.values()].map((l) => l.token);
    expect(tokens).toHaveLength(3);
    for (const t of tokens) {
      expect(t).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(Buffer.from(t, 'base64url')).toHaveLength(16);
    }
    expect(new Set(tokens).size).toBe(3);
  });

  it('are stored only as hashes: no document in the database contains a plain token', async () => {
    const db = mongoose.connection.db!;
    const everything: string[] = [];
    for (const c of await db.listCollections().toArray())
      everything.push(JSON.stringify(await db.collection(c.name).find({}).toArray()));
    const dump = everything.join('\n');
    for (const { token } of links.values()) expect(dump).not.toContain(token);
  });

  it('a guessed token gets 404 invitation_not_found and reveals nothing, whatever the guess', async () => {
    for (let i = 0; i < 25; i++) {
      const res = await open(guess());
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('invitation_not_found');
      expect(JSON.stringify(res.body)).not.toMatch(/municipality|region|wave/i);
    }
  });

  it('a malformed token is refused by validation before any lookup (400)', async () => {
    for (const bad of ['short', 'x'.repeat(23), '%24where%24where%24where1', 'a.b.c.d.e.f.g.h.i.j.k.l']) {
      const res = await open(bad);
      expect(res.status).toBe(400);
    }
  });

  it('a revoked token gets exactly the answer of a guessed one, in comparable time', async () => {
    const row = links.get('kir')!;
    expect((await open(row.token)).status).toBe(200);
    const revoked = await coordinator.post(`/api/waves/${wave}/invitations/${row.id}/revoke`).send({});
    expect(revoked.status).toBe(200);

    const strip = (b: Record<string, unknown>) => ({ ...b, instance: undefined, requestId: undefined });
    const afterRevoke = await open(row.token);
    const unknown = await open(guess());
    expect(afterRevoke.status).toBe(404);
    expect(strip(afterRevoke.body)).toEqual(strip(unknown.body));
    // Draft and submit with the revoked token are refused the same way, and nothing is stored.
    expect(
      (
        await request(app)
          .put(`/api/invitations/${row.token}/draft`)
          .send({ answers: {}, pageNo: 0, locale: 'ru', baseRevision: 0 })
      ).body.code,
    ).toBe('invitation_not_found');
    expect((await submitWith(row.token)).body.code).toBe('invitation_not_found');

    // Both paths do the same single lookup by hash; medians of interleaved samples stay close.
    const time = async (token: () => string) => {
      const t0 = process.hrtime.bigint();
      await open(token());
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 30; i++) {
      a.push(await time(() => row.token));
      b.push(await time(guess));
    }
    const median = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1];
    const ratio = median(a) / median(b);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('re-issuing a link makes the old token worthless and the new one work, keeping the draft', async () => {
    const row = links.get('vyt')!;
    const saved = await request(app)
      .put(`/api/invitations/${row.token}/draft`)
      .send({ answers: { obstacles: ['legal'] }, pageNo: 0, locale: 'ru', baseRevision: 0 });
    expect(saved.status).toBe(200);
    const re = await coordinator.post(`/api/waves/${wave}/invitations/${row.id}/reissue`).send({});
    expect(re.status).toBe(200);
    const fresh = String(re.body.link).split('/i/')[1];
    expect(fresh).not.toBe(row.token);
    expect((await open(row.token)).status).toBe(404);
    const opened = await open(fresh);
    expect(opened.status).toBe(200);
    expect(opened.body.draft.answers.obstacles).toEqual(['legal']);
  });

  it('a used token cannot submit a second answer set: 409 already_submitted with the date; the retry of the same submit is 200', async () => {
    const row = links.get('tot')!;
    const clientId = randomUUID();
    const first = await submitWith(row.token, clientId);
    expect(first.status).toBe(201);
    const retry = await submitWith(row.token, clientId);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    const again = await submitWith(row.token);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_submitted');
    expect(again.body.submittedAt).toBe(first.body.submittedAt);
    const draft = await request(app)
      .put(`/api/invitations/${row.token}/draft`)
      .send({ answers: { obstacles: ['staff'] }, pageNo: 0, locale: 'ru', baseRevision: 0 });
    expect(draft.status).toBe(409);
    expect(draft.body.code).toBe('already_submitted');
  });

  it('cannot be used on the public submission route of the wave (invitation-only wave refuses it)', async () => {
    const res = await request(app)
      .post(`/api/waves/${wave}/responses`)
      .send({ clientId: randomUUID(), locale: 'ru', answers: answers() });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('invitation_required');
  });
});

describe('token rate limits', () => {
  it('lookups are limited per client address: guessing runs into 429 quickly', async () => {
    const limited = createApp({
      store: { kind: storeKind() },
      rateLimits: { loginPer15Min: 5, tokenLookupsPerMin: 5, submissionsPerMin: 5, perTokenPerMin: 100 },
    });
    await RateLimitModel.deleteMany({});
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await request(limited).get(`/api/invitations/${guess()}`)).status);
    expect(statuses.slice(0, 5)).toEqual([404, 404, 404, 404, 404]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });

  it('one token is limited whatever the address it comes from, and other tokens are not affected', async () => {
    const limited = createApp({
      store: { kind: storeKind() },
      rateLimits: { loginPer15Min: 5, tokenLookupsPerMin: 100, submissionsPerMin: 100, perTokenPerMin: 3 },
    });
    await RateLimitModel.deleteMany({});
    const token = guess();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(limited).get(`/api/invitations/${token}`)).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
    expect((await request(limited).get(`/api/invitations/${guess()}`)).status).toBe(404);
    // The limiter's keys are hashes: the token itself is not stored.
    await flushRateLimits();
    const docs = await RateLimitModel.find({}).lean();
    expect(docs.length).toBeGreaterThan(0);
    const keys = docs.flatMap((d) => [String(d._id), ...Object.keys((d.h ?? {}) as object)]);
    expect(keys.some((k) => k.includes(token))).toBe(false);
  });
});
