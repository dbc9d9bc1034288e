import request from 'supertest';
import { createApp } from '../../server/src/app';
import { UserModel } from '../../server/src/auth/user.model';
import { SessionModel } from '../../server/src/auth/session.model';
import { sweepExpiredSessions } from '../../server/src/auth/auth.service';
import { listAudit } from '../../server/src/audit/audit.service';
import { useTestDatabase, storeKind } from '../helpers/db';
import { agentAs, createUser } from '../helpers/auth';

useTestDatabase();
const app = createApp({ store: { kind: storeKind() } });

describe('log in, sessions and roles', () => {
  it('when the password is right, then the session cookie is HttpOnly and SameSite and /me answers the user', async () => {
    await createUser('Head@Example.org', 'correct horse battery', ['researcher']);
    const agent = request.agent(app);
    const res = await agent
      .post('/api/auth/login')
      .send({ email: 'head@example.org', password: 'correct horse battery' });
    expect(res.status).toBe(200);
    expect(res.body.user).toEqual({
      id: 'head@example.org',
      email: 'head@example.org',
      name: '',
      roles: ['researcher'],
    });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/lsg_session=[A-Za-z0-9_-]{40,}/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const me = await agent.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.csrfToken).toBe(res.body.csrfToken);
    // The database keeps only a hash of the cookie.
    const token = /lsg_session=([^;]+)/.exec(cookie)![1];
    expect(await SessionModel.countDocuments({ _id: token })).toBe(0);
    expect(await SessionModel.countDocuments({ userId: 'head@example.org' })).toBe(1);
  });

  it('when the password is wrong or the user unknown, then the same 401 answer', async () => {
    await createUser('a@example.org', 'correct horse battery', ['researcher']);
    const wrong = await request(app)
      .post('/api/auth/login')
      .send({ email: 'a@example.org', password: 'nope-nope-nope' });
    const unknown = await request(app)
      .post('/api/auth/login')
      .send({ email: 'ghost@example.org', password: 'nope-nope-nope' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.code).toBe('invalid_credentials');
  });

  it('after five failed logins from one address, that address waits (429 with Retry-After) even with the right password', async () => {
    await createUser('lock@example.org', 'correct horse battery', ['coordinator']);
    for (let i = 0; i < 5; i++) {
      expect(
        (
          await request(app)
            .post('/api/auth/login')
            .send({ email: 'lock@example.org', password: `bad-${i}-xxxxx` })
        ).status,
      ).toBe(401);
    }
    const res = await request(app)
      .post('/api/auth/login')
      .send({ email: 'lock@example.org', password: 'correct horse battery' });
    expect(res.status).toBe(429);
    expect(res.body).toMatchObject({ code: 'login_throttled', retryAfter: expect.any(Number) });
    expect(Number(res.headers['retry-after'])).toBe(res.body.retryAfter);
    expect(
      (await listAudit({ limit: 50, action: 'user.login_failed' })).filter((e) => e.actor === 'lock@example.org')
        .length,
    ).toBeGreaterThanOrEqual(5);
  });

  it('after logout the cookie no longer works', async () => {
    const agent = await agentAs(app, ['researcher']);
    expect((await agent.get('/api/auth/me')).status).toBe(200);
    expect((await agent.post('/api/auth/logout')).status).toBe(204);
    expect((await agent.get('/api/auth/me')).status).toBe(401);
  });

  it('an expired session is refused and swept', async () => {
    const agent = await agentAs(app, ['researcher']);
    await SessionModel.updateMany({ userId: agent.email }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await agent.get('/api/auth/me')).status).toBe(401);
    expect(await sweepExpiredSessions()).toBeGreaterThanOrEqual(1);
    expect(await SessionModel.countDocuments({ userId: agent.email })).toBe(0);
  });

  it('a user changes their password; the old one stops working', async () => {
    await createUser('pw@example.org', 'old password 123', ['coordinator']);
    const agent = request.agent(app);
    const login = await agent.post('/api/auth/login').send({ email: 'pw@example.org', password: 'old password 123' });
    const weak = await agent
      .post('/api/auth/password')
      .set('X-CSRF-Token', login.body.csrfToken)
      .send({ currentPassword: 'old password 123', newPassword: 'short' });
    expect(weak.status).toBe(400);
    const ok = await agent
      .post('/api/auth/password')
      .set('X-CSRF-Token', login.body.csrfToken)
      .send({ currentPassword: 'old password 123', newPassword: 'new password 456' });
    expect(ok.status).toBe(204);
    expect(
      (await request(app).post('/api/auth/login').send({ email: 'pw@example.org', password: 'old password 123' }))
        .status,
    ).toBe(401);
    expect(
      (await request(app).post('/api/auth/login').send({ email: 'pw@example.org', password: 'new password 456' }))
        .status,
    ).toBe(200);
  });

  it('an admin creates a user, resets their password (ending their sessions) and disables them', async () => {
    const admin = await agentAs(app, ['admin']);
    const created = await admin
      .post('/api/users')
      .send({ email: 'new@example.org', password: 'first password 1', roles: ['researcher'] });
    expect(created.status).toBe(201);
    expect(
      (
        await admin
          .post('/api/users')
          .send({ email: 'new@example.org', password: 'first password 1', roles: ['researcher'] })
      ).status,
    ).toBe(409);
    const user = request.agent(app);
    await user.post('/api/auth/login').send({ email: 'new@example.org', password: 'first password 1' });
    expect(
      (await admin.post('/api/users/new@example.org/password-reset').send({ newPassword: 'second password 2' })).status,
    ).toBe(204);
    expect((await user.get('/api/auth/me')).status).toBe(401);
    expect((await admin.patch('/api/users/new@example.org').send({ disabled: true })).status).toBe(204);
    expect(
      (await request(app).post('/api/auth/login').send({ email: 'new@example.org', password: 'second password 2' }))
        .status,
    ).toBe(401);
    const audit = await admin.get('/api/audit?limit=50');
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['user.create', 'user.password_reset', 'user.update']),
    );
    expect((await UserModel.findById('new@example.org').lean())?.passwordHash).toMatch(/^\$2[aby]\$/);
  });

  it('a mutation with the session cookie but without the CSRF token is refused', async () => {
    const admin = await agentAs(app, ['admin']);
    const res = await admin
      .post('/api/users')
      .set('X-CSRF-Token', 'forged')
      .send({ email: 'x@example.org', password: 'first password 1', roles: ['researcher'] });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('csrf_failed');
    expect(await UserModel.countDocuments({ _id: 'x@example.org' })).toBe(0);
  });
});

describe('role escalation', () => {
  it.each([['coordinator'], ['researcher']] as const)(
    'a %s cannot grant itself a role, create an admin, or smuggle roles into a password change',
    async (role) => {
      const agent = await agentAs(app, [role]);
      const self = agent.email;
      const grant = await agent.patch(`/api/users/${self}`).send({ roles: ['admin', role] });
      expect(grant.status).toBe(403);
      const create = await agent
        .post('/api/users')
        .send({ email: `evil-${role}@example.org`, password: 'first password 1', roles: ['admin'] });
      expect(create.status).toBe(403);
      const smuggle = await agent
        .post('/api/auth/password')
        .send({ currentPassword: 'x', newPassword: 'second password 2', roles: ['admin'] });
      expect(smuggle.status).toBe(400);
      expect((await agent.get('/api/auth/me')).body.user.roles).toEqual([role]);
      expect((await UserModel.findById(self).lean())?.roles).toEqual([role]);
      expect(await UserModel.countDocuments({ _id: `evil-${role}@example.org` })).toBe(0);
    },
  );

  it('a user with no role reaches only their own account', async () => {
    const agent = await agentAs(app, []);
    expect((await agent.get('/api/auth/me')).status).toBe(200);
    for (const url of ['/api/users', '/api/audit', '/api/waves/x/admin', '/api/questionnaires'])
      expect({ url, status: (await agent.get(url)).status }).toEqual({ url, status: 403 });
  });
});

type Op = { 'x-access': string; parameters?: { in: string; name: string }[] };

describe('every non-public operation in the OpenAPI document refuses the wrong caller', () => {
  let ops: { method: string; path: string; access: string }[] = [];
  beforeAll(async () => {
    const doc = (await request(app).get('/api/openapi.json')).body as { paths: Record<string, Record<string, Op>> };
    ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ method, path, access: op['x-access'] })),
    );
  });

  const urlOf = (path: string) =>
    `/api${path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'email' ? 'someone@example.org' : `x-${name}`))}`;
  const call = (agent: request.Agent | ReturnType<typeof request>, method: string, url: string) =>
    (agent as unknown as Record<string, (u: string) => request.Test>)[method](url).send({});

  it('lists protected operations (the walk is not empty)', () => {
    expect(ops.filter((o) => !['public', 'respondent'].includes(o.access)).length).toBeGreaterThanOrEqual(6);
  });

  it('an anonymous caller gets 401 from every protected operation', async () => {
    for (const op of ops.filter((o) => !['public', 'respondent'].includes(o.access))) {
      const res = await call(request(app), op.method, urlOf(op.path));
      expect({ op: `${op.method} ${op.path}`, status: res.status }).toEqual({
        op: `${op.method} ${op.path}`,
        status: 401,
      });
    }
  });

  it.each([
    ['researcher', ['coordinator']],
    ['coordinator', ['researcher']],
  ] as const)('a caller with only the wrong roles gets 403 from every %s operation', async (access, wrongRoles) => {
    for (const role of wrongRoles) {
      const agent = await agentAs(app, [role]);
      for (const op of ops.filter((o) => o.access === access)) {
        const res = await call(agent, op.method, urlOf(op.path));
        expect({ op: `${role} → ${op.method} ${op.path}`, status: res.status }).toEqual({
          op: `${role} → ${op.method} ${op.path}`,
          status: 403,
        });
      }
    }
  });

  it('admin operations refuse coordinators and researchers', async () => {
    for (const role of ['coordinator', 'researcher'] as const) {
      const agent = await agentAs(app, [role]);
      for (const op of ops.filter((o) => o.access === 'admin')) {
        expect((await call(agent, op.method, urlOf(op.path))).status).toBe(403);
      }
    }
  });
});
