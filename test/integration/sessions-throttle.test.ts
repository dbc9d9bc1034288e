// Sessions that cannot be turned against their owner, and log-in throttling that a stranger
// cannot use to lock an official out — each performed over HTTP on the real app and store.
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { SessionModel } from '../../server/src/auth/session.model';
import { FREE_PER_ADDRESS, GLOBAL_FREE, GLOBAL_MAX_MS, LoginThrottleModel } from '../../server/src/auth/login-throttle';
import { listWaves } from '../../server/src/waves/waves.service';
import { useTestDatabase, storeKind } from '../helpers/db';
import { agentAs, createUser } from '../helpers/auth';

useTestDatabase({ demo: true });
// Clients reach the app through one trusted proxy that names them in X-Forwarded-For; the
// per-address log-in limiter is set high so the throttle itself is what is tested.
const app = createApp({
  store: { kind: storeKind() },
  trustProxy: ['loopback'],
  rateLimits: { loginPer15Min: 1000, tokenLookupsPerMin: 0, submissionsPerMin: 0, perTokenPerMin: 0 },
  // Bursts of bcrypt on a shared test machine may outlast the production deadline.
  requestDeadlineMs: 60_000,
});

let wave: string;
beforeAll(async () => {
  wave = (await listWaves())[0]!.code;
});

async function loginAs(email: string, password: string, from = '198.51.100.7') {
  const agent = request.agent(app);
  const res = await agent.post('/api/auth/login').set('X-Forwarded-For', from).send({ email, password });
  if (res.status !== 200) throw new Error(`login ${res.status} ${JSON.stringify(res.body)}`);
  agent.set('X-CSRF-Token', res.body.csrfToken);
  return agent;
}

const exportCsv = (agent: request.Agent) => agent.get(`/api/waves/${wave}/exports/responses.csv`);

describe('sessions end with the password', () => {
  it('changing the password ends every other session of the user: the other one gets 401 on an export', async () => {
    await createUser('two@example.org', 'first password 1', ['researcher']);
    const laptop = await loginAs('two@example.org', 'first password 1');
    const stolen = await loginAs('two@example.org', 'first password 1', '203.0.113.66');
    expect((await exportCsv(stolen)).status).toBe(200);

    const change = await laptop
      .post('/api/auth/password')
      .send({ currentPassword: 'first password 1', newPassword: 'second password 2' });
    expect(change.status).toBe(204);

    const after = await exportCsv(stolen);
    expect(after.status).toBe(401);
    expect(after.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await stolen.get('/api/auth/me')).status).toBe(401);
    // The session that changed it goes on.
    expect((await exportCsv(laptop)).status).toBe(200);
    expect(await SessionModel.countDocuments({ userId: 'two@example.org' })).toBe(1);
  });

  it('a session made with the old password after the change began is refused too (no race leaves one behind)', async () => {
    await createUser('race@example.org', 'first password 1', ['researcher']);
    const a = await loginAs('race@example.org', 'first password 1');
    const before = new Set((await SessionModel.find({ userId: 'race@example.org' }).lean()).map((d) => d._id));
    const b = await loginAs('race@example.org', 'first password 1');
    // As if b's log-in had checked the old password on another instance just before the change
    // and stored its session just after the other sessions were deleted.
    const bDoc = (await SessionModel.find({ userId: 'race@example.org' }).lean()).find((d) => !before.has(d._id));
    await a.post('/api/auth/password').send({ currentPassword: 'first password 1', newPassword: 'second password 2' });
    expect(await SessionModel.countDocuments({ _id: bDoc!._id })).toBe(0);
    await SessionModel.create(bDoc!); // b's session, stored after the others were deleted
    expect((await b.get('/api/auth/me')).status).toBe(401);
    expect((await a.get('/api/auth/me')).status).toBe(200);
  });

  it("an admin's reset ends every session of that user", async () => {
    const admin = await agentAs(app, ['admin']);
    await createUser('reset@example.org', 'first password 1', ['researcher']);
    const one = await loginAs('reset@example.org', 'first password 1');
    const two = await loginAs('reset@example.org', 'first password 1', '203.0.113.9');
    expect(
      (await admin.post('/api/users/reset@example.org/password-reset').send({ newPassword: 'second password 2' }))
        .status,
    ).toBe(204);
    expect((await exportCsv(one)).status).toBe(401);
    expect((await exportCsv(two)).status).toBe(401);
    expect((await admin.get('/api/users')).status).toBe(200);
  });

  it('a user ends all their other sessions from /account; this one stays', async () => {
    await createUser('many@example.org', 'first password 1', ['researcher']);
    const here = await loginAs('many@example.org', 'first password 1');
    const others = [
      await loginAs('many@example.org', 'first password 1', '203.0.113.1'),
      await loginAs('many@example.org', 'first password 1', '203.0.113.2'),
    ];
    const list = await here.get('/api/auth/sessions');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(3);
    expect(list.body.items.filter((s: { current: boolean }) => s.current)).toHaveLength(1);

    const res = await here.post('/api/auth/sessions/revoke-others').send({});
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ended: 2 });
    for (const o of others) expect((await exportCsv(o)).status).toBe(401);
    expect((await exportCsv(here)).status).toBe(200);
    expect((await here.get('/api/auth/sessions')).body.items).toHaveLength(1);
  });

  it('ending other sessions needs a session and the CSRF token', async () => {
    expect((await request(app).post('/api/auth/sessions/revoke-others').send({})).status).toBe(401);
    await createUser('csrf@example.org', 'first password 1', ['researcher']);
    const agent = await loginAs('csrf@example.org', 'first password 1');
    const forged = await agent.post('/api/auth/sessions/revoke-others').set('X-CSRF-Token', 'nope').send({});
    expect(forged.status).toBe(403);
  });
});

describe('a stranger cannot lock an official out', () => {
  const attempt = (email: string, password: string, from: string) =>
    request(app).post('/api/auth/login').set('X-Forwarded-For', from).send({ email, password });

  it('20 wrong passwords from address A do not stop the owner logging in from address B; A gets 429 with Retry-After', async () => {
    await createUser('official@example.org', 'the real password 1', ['coordinator']);
    const statuses: number[] = [];
    let last: request.Response | undefined;
    for (let i = 0; i < 20; i++) {
      last = await attempt('official@example.org', `guess-${i}-xxxxx`, '192.0.2.10');
      statuses.push(last.status);
    }
    expect(statuses.slice(0, FREE_PER_ADDRESS)).toEqual(Array(FREE_PER_ADDRESS).fill(401));
    expect(statuses.slice(FREE_PER_ADDRESS)).toEqual(Array(20 - FREE_PER_ADDRESS).fill(429));
    expect(last!.body).toMatchObject({ code: 'login_throttled', status: 429 });
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect(last!.headers['content-type']).toMatch(/application\/problem\+json/);

    // The owner, elsewhere, logs in at once.
    const owner = await attempt('official@example.org', 'the real password 1', '198.51.100.20');
    expect(owner.status).toBe(200);
    // Even the right password waits at A: the throttle does not tell a guesser when they hit it.
    expect((await attempt('official@example.org', 'the real password 1', '192.0.2.10')).status).toBe(429);
  });

  it('the delay grows with each further failure from the same address', async () => {
    await createUser('grow@example.org', 'the real password 1', ['researcher']);
    for (let i = 0; i < FREE_PER_ADDRESS; i++) await attempt('grow@example.org', `bad-${i}-xxxx`, '192.0.2.30');
    const first = Number((await attempt('grow@example.org', 'bad-x-xxxx', '192.0.2.30')).headers['retry-after']);
    // Let the wait pass (in the store), then fail once more: the next wait is longer.
    await LoginThrottleModel.updateOne(
      { _id: 'addr|grow@example.org|192.0.2.30' },
      { $set: { lastFailureAt: new Date(Date.now() - 3_600_000 + 60_000) } },
    );
    expect((await attempt('grow@example.org', 'bad-y-xxxx', '192.0.2.30')).status).toBe(401);
    const second = Number((await attempt('grow@example.org', 'bad-z-xxxx', '192.0.2.30')).headers['retry-after']);
    expect(second).toBeGreaterThan(first);
  });

  it('a burst of parallel guesses from one address gets through one at a time', async () => {
    await createUser('burst@example.org', 'the real password 1', ['researcher']);
    const res = await Promise.all(
      Array.from({ length: 30 }, (_, i) => attempt('burst@example.org', `burst-${i}-xxxx`, '192.0.2.40')),
    );
    const wrong = res.filter((r) => r.status === 401).length;
    expect(res.map((r) => r.status).filter((st) => st !== 401 && st !== 429)).toEqual([]);
    expect(wrong).toBeGreaterThan(0);
    expect(wrong).toBeLessThanOrEqual(FREE_PER_ADDRESS);
    expect(res.filter((r) => r.status === 429)).toHaveLength(30 - wrong);
  });

  it('guessing from many addresses meets the account-wide cap: a delay of at most a minute, never a lock', async () => {
    await createUser('spread@example.org', 'the real password 1', ['researcher']);
    // 12 addresses, 2 wrong guesses each: no address is throttled, the account-wide count grows.
    for (let i = 0; i < 12; i++)
      for (const n of [1, 2])
        expect((await attempt('spread@example.org', `g-${i}-${n}-xx`, `198.18.0.${i}`)).status).toBe(401);
    const acct = await LoginThrottleModel.findById('acct|spread@example.org').lean<{ failures: number }>();
    expect(acct!.failures).toBe(24);
    // As if the botnet had gone on to GLOBAL_FREE failures: a fresh address now waits (a delay, not a lock).
    await LoginThrottleModel.updateOne(
      { _id: 'acct|spread@example.org' },
      { $set: { failures: GLOBAL_FREE + 20, lastFailureAt: new Date() } },
    );
    const held = await attempt('spread@example.org', 'the real password 1', '198.18.1.1');
    expect(held.status).toBe(429);
    expect(Number(held.headers['retry-after'])).toBeLessThanOrEqual(GLOBAL_MAX_MS / 1000);
    // Once that delay has passed, the owner gets in.
    await LoginThrottleModel.updateOne(
      { _id: 'acct|spread@example.org' },
      { $set: { lastFailureAt: new Date(Date.now() - GLOBAL_MAX_MS - 1000) } },
    );
    expect((await attempt('spread@example.org', 'the real password 1', '198.18.1.1')).status).toBe(200);
  });

  it('without a trusted proxy, X-Forwarded-For is ignored: a forged header does not buy fresh attempts', async () => {
    const direct = createApp({
      store: { kind: storeKind() },
      trustProxy: false,
      rateLimits: { loginPer15Min: 1000, tokenLookupsPerMin: 0, submissionsPerMin: 0, perTokenPerMin: 0 },
    });
    await createUser('forged@example.org', 'the real password 1', ['researcher']);
    const statuses: number[] = [];
    for (let i = 0; i < FREE_PER_ADDRESS + 2; i++) {
      const r = await request(direct)
        .post('/api/auth/login')
        .set('X-Forwarded-For', `192.0.2.${100 + i}`)
        .send({ email: 'forged@example.org', password: `bad-${i}-xxxxx` });
      statuses.push(r.status);
    }
    expect(statuses.slice(FREE_PER_ADDRESS)).toEqual([429, 429]);
  });
});
