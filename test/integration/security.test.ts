// Attacks on the public surface, each with the specific safe outcome it must meet.
import { randomUUID } from 'node:crypto';
import express from 'express';
import mongoose from 'mongoose';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { FLUSH_MS, flushRateLimits, limiter, RateLimitModel } from '../../server/src/http/rate-limit';
import { errorHandler } from '../../server/src/http/problem';
import { ResponseModel } from '../../server/src/responses/response.model';
import { connectMongoose } from '../../server/src/db/connection';
import { useTestDatabase, storeKind, storeUri } from '../helpers/db';
import { answers, createFixtureWave } from '../helpers/fixtures';
import { agentAs, createUser } from '../helpers/auth';

const { dbName } = useTestDatabase();
const app = createApp({ store: { kind: storeKind() } });
let wave: string;
beforeAll(async () => {
  wave = await createFixtureWave();
});

beforeAll(async () => {
  await createUser('a@b.org', 'real password 12', ['admin']);
});

const submit = (body: unknown) =>
  request(app)
    .post(`/api/waves/${wave}/responses`)
    .send(body as object);

describe('operator injection', () => {
  it.each([
    ['an operator as a login e-mail', { email: { $ne: null }, password: 'x' }],
    ['an operator as a login password', { email: 'a@b.org', password: { $gt: '' } }],
  ])('%s is refused with 400 before any lookup', async (_l, body) => {
    const res = await request(app).post('/api/auth/login').send(body);
    expect(res.status).toBe(400);
    expect(res.body.invalid_params.length).toBeGreaterThan(0);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it.each([
    ['an operator in an answer value', { region: { $gt: '' } }, 400],
    ['an operator key among the answers', { $where: 'sleep(1000)' }, 400],
    ['a dotted key that would write into a sub-document', { 'obstacles.0': 'x' }, 422],
    ['an operator nested in a matrix answer', { severity: { funding: { $inc: 1 } } }, 400],
  ])('%s in a submission is refused (%s, unsafe_key) and nothing is stored', async (_l, over, status) => {
    const code = 'unsafe_key';
    const res = await submit({ clientId: randomUUID(), locale: 'ru', answers: { ...answers(), ...over } });
    expect(res.status).toBe(status);
    expect(res.body.invalid_params.map((p: { code: string }) => p.code)).toContain(code);
    expect(await ResponseModel.countDocuments({})).toBe(0);
  });

  it('an operator as the clientId is refused with 400', async () => {
    const res = await submit({ clientId: { $ne: null }, locale: 'ru', answers: answers() });
    expect(res.status).toBe(400);
  });

  it.each([
    ['/api/waves/%24where', 'a $ path parameter'],
    ['/api/waves/a.b', 'a dotted path parameter'],
  ])('%s (%s) is refused with 400', async (url) => {
    const res = await request(app).get(url);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_params');
  });

  it('an operator in a query string is refused with 400 naming the parameter', async () => {
    const researcher = await agentAs(app, ['researcher']);
    const res = await researcher.get(`/api/waves/${wave}/exports/tally.csv?locale[$ne]=x`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_query');
  });
});

describe('prototype pollution', () => {
  it('a __proto__ key in a login body is refused and pollutes nothing', async () => {
    const res = await request(app)
      .post('/api/auth/login')
      .set('Content-Type', 'application/json')
      .send('{"email":"a@b.org","password":"x","__proto__":{"polluted":true}}');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('unsafe_body');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a __proto__ key inside answers is refused and pollutes nothing', async () => {
    const body = `{"clientId":"${randomUUID()}","locale":"ru","answers":{"region":"RU-VLG","municipality":"M","obstacles":["funding"],"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}`;
    const res = await request(app)
      .post(`/api/waves/${wave}/responses`)
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      code: 'unsafe_body',
      invalid_params: [{ name: 'body.answers.__proto__', code: 'unsafe_key' }],
    });
    expect(await ResponseModel.countDocuments({})).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('oversized, deep and malformed bodies', () => {
  it('a body over 256 KB is refused with 413 problem details', async () => {
    const res = await submit({
      clientId: randomUUID(),
      locale: 'ru',
      answers: { ...answers(), comment: 'x'.repeat(300_000) },
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'body_too_large', status: 413 });
  });

  it('a deeply nested body is refused with 400, not a crash', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 2000; i++) deep = { a: deep };
    const res = await submit({ clientId: randomUUID(), locale: 'ru', answers: { ...answers(), severity: deep } });
    expect(res.status).toBe(400);
    expect(res.body.invalid_params[0].code).toBe('too_deep');
    expect((await request(app).get('/api/health')).status).toBe(200);
  });

  it.each([['{"clientId": '], ['not json'], ['{"a":1}}']])(
    'malformed JSON %j gets 400 problem details',
    async (text) => {
      const res = await request(app)
        .post(`/api/waves/${wave}/responses`)
        .set('Content-Type', 'application/json')
        .send(text);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('malformed_json');
    },
  );
});

describe('headers', () => {
  it('answers carry a content security policy that allows no inline script, and no CORS grant', async () => {
    const res = await request(app).get('/api/health').set('Origin', 'https://evil.example');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("'unsafe-inline' 'self'");
    expect(csp).toContain("script-src-attr 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('errors leak no internals', () => {
  it('an unexpected error becomes a generic 500 with a request id and no stack', async () => {
    const broken = express();
    broken.get('/boom', () => {
      throw new Error('secret internal detail at /srv/app/db.ts:42');
    });
    broken.use(errorHandler);
    const res = await request(broken).get('/boom');
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ code: 'internal_error', title: 'Internal Server Error' });
    expect(JSON.stringify(res.body)).not.toMatch(/secret|db\.ts|at /);
  });

  it('when the store is unreachable, the API answers 503 problem details at once and recovers when it returns', async () => {
    await mongoose.disconnect();
    const started = Date.now();
    const res = await request(app).get('/api/waves');
    expect(Date.now() - started).toBeLessThan(3000);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'store_unavailable' });
    expect(res.body.detail).toMatch(/not reachable/);
    expect(res.headers['retry-after']).toBe('5');
    expect(JSON.stringify(res.body)).not.toMatch(/Mongo|ECONN|127\.0\.0\.1/);
    await connectMongoose(storeUri(), dbName, storeKind() === 'external');
    expect((await request(app).get('/api/waves')).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('count hits across app instances in the database and answer 429 problem details past the limit', async () => {
    const name = `t-${randomUUID().slice(0, 6)}`;
    const make = () => {
      const a = express();
      a.get('/x', limiter({ name, windowMs: 60_000, limit: 3 }), (_req, res) => {
        res.json({ ok: true });
      });
      return a;
    };
    const [one, two] = [make(), make()];
    // Each hit is written within FLUSH_MS; flushing after each one stands for that time passing.
    const hit = async (app: express.Express) => {
      const res = await request(app).get('/x');
      await flushRateLimits();
      return res;
    };
    expect((await hit(one)).status).toBe(200);
    expect((await hit(two)).status).toBe(200);
    expect((await hit(one)).status).toBe(200);
    const limited = await hit(two);
    expect(limited.status).toBe(429);
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
    expect(limited.body.code).toBe('rate_limited');
    expect(limited.headers['ratelimit-policy'] ?? limited.headers['ratelimit']).toBeDefined();
    // One document per limiter object (a process's), holding its hits per hashed key: 2 + 2.
    const docs = await RateLimitModel.find({ p: name }).lean<{ h: Record<string, number> }[]>();
    expect(docs).toHaveLength(2);
    expect(docs.flatMap((d) => Object.values(d.h)).sort()).toEqual([2, 2]);
  });

  it('a process counts its own hits exactly without waiting for the database, and writes them in one go', async () => {
    const name = `t-${randomUUID().slice(0, 6)}`;
    const a = express();
    a.get('/x', limiter({ name, windowMs: 60_000, limit: 5 }), (_req, res) => {
      res.json({ ok: true });
    });
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () =>
        request(a)
          .get('/x')
          .then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(3);
    // Written later, all at once: one document, 8 hits under one hashed key.
    await flushRateLimits();
    const docs = await RateLimitModel.find({ p: name }).lean<{ h: Record<string, number> }[]>();
    expect(docs.map((d) => Object.values(d.h))).toEqual([[8]]);
    // And written by the timer alone, within FLUSH_MS.
    await request(a).get('/x');
    await new Promise((r) => setTimeout(r, FLUSH_MS * 3));
    const after = await RateLimitModel.find({ p: name }).lean<{ h: Record<string, number> }[]>();
    expect(after.map((d) => Object.values(d.h))).toEqual([[9]]);
  });

  it('the login route is limited per client address', async () => {
    const limited = createApp({
      store: { kind: storeKind() },
      rateLimits: { loginPer15Min: 5, tokenLookupsPerMin: 5, submissionsPerMin: 5 },
    });
    await RateLimitModel.deleteMany({});
    for (let i = 0; i < 5; i++)
      await request(limited)
        .post('/api/auth/login')
        .send({ email: `nobody${i}@x.org`, password: 'whatever-pass' });
    // The 6th is refused without even checking the (right) password.
    const res = await request(limited).post('/api/auth/login').send({ email: 'a@b.org', password: 'real password 12' });
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('rate_limited');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('submissions are limited per client address', async () => {
    const limited = createApp({
      store: { kind: storeKind() },
      rateLimits: { loginPer15Min: 5, tokenLookupsPerMin: 5, submissionsPerMin: 2 },
    });
    await RateLimitModel.deleteMany({});
    const post = () =>
      request(limited)
        .post(`/api/waves/${wave}/responses`)
        .send({ clientId: randomUUID(), locale: 'ru', answers: answers() });
    expect((await post()).status).toBe(201);
    expect((await post()).status).toBe(201);
    expect((await post()).status).toBe(429);
  });
});
