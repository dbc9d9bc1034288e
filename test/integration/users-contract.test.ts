// The user use cases own their audit record: creating a user, changing roles or disabling,
// resetting and changing a password, ending other sessions and logging in are each one auth
// service call whose record is written with the change, so a failed audit write never turns a
// change that happened into a 500, and the record arrives once later. Real store over the wire;
// faults injected into one store call.
import request from 'supertest';
import { AuditOutboxModel } from '../../server/src/audit/audit.model';
import { UserModel } from '../../server/src/auth/user.model';
import { auditLogDown, expectRecordedOnce, expectRecordedOnceLater, useContractApp } from '../helpers/audit-outbox';

const { app, agent: admin } = useContractApp(['admin']);

let n = 0;
async function newUser(): Promise<{ email: string; password: string }> {
  const email = `u${++n}-${Date.now()}@example.org`;
  const password = 'first password 1';
  const res = await admin.post('/api/users').send({ email, password, roles: ['researcher'] });
  expect(res.status).toBe(201);
  return { email, password };
}

describe('when the audit log cannot be written, the user change still answers 2xx and is recorded once later', () => {
  it('create', async () => {
    auditLogDown();
    const email = `created-${Date.now()}@example.org`;
    const res = await admin.post('/api/users').send({ email, password: 'first password 1', roles: ['coordinator'] });
    expect(res.status).toBe(201);
    // The record waits in the user document, written by the same insert.
    const kept = await UserModel.findById(email, { auditOutbox: 1 }).lean<{
      auditOutbox?: Record<string, { action: string }>;
    }>();
    expect(Object.values(kept?.auditOutbox ?? {}).map((e) => e.action)).toEqual(['user.create']);
    const rec = await expectRecordedOnceLater({ action: 'user.create', target: email });
    expect(rec.actor).toBe(admin.email);
    expect(rec.details).toEqual({ roles: ['coordinator'] });
  });

  it('change of roles and disabling', async () => {
    const { email } = await newUser();
    auditLogDown();
    const res = await admin.patch(`/api/users/${email}`).send({ roles: ['researcher', 'coordinator'], disabled: true });
    expect(res.status).toBe(204);
    const rec = await expectRecordedOnceLater({ action: 'user.update', target: email });
    expect(rec.details).toEqual({ roles: ['researcher', 'coordinator'], disabled: true });
  });

  it('password reset', async () => {
    const { email } = await newUser();
    auditLogDown();
    const res = await admin.post(`/api/users/${email}/password-reset`).send({ newPassword: 'second password 2' });
    expect(res.status).toBe(204);
    await expectRecordedOnceLater({ action: 'user.password_reset', target: email });
  });

  it('log-in, own password change and ending the other sessions', async () => {
    const { email, password } = await newUser();
    const user = request.agent(app);
    auditLogDown();
    const login = await user.post('/api/auth/login').send({ email, password });
    expect(login.status).toBe(200);
    await expectRecordedOnceLater({ action: 'user.login', actor: email });
    user.set('X-CSRF-Token', login.body.csrfToken as string);
    const other = request.agent(app);
    expect((await other.post('/api/auth/login').send({ email, password })).status).toBe(200);

    auditLogDown();
    const ended = await user.post('/api/auth/sessions/revoke-others');
    expect(ended.status).toBe(200);
    expect(ended.body.ended).toBe(1);
    const rec = await expectRecordedOnceLater({ action: 'user.sessions_revoked', target: email });
    expect(rec.details).toEqual({ ended: 1 });

    auditLogDown();
    const changed = await user
      .post('/api/auth/password')
      .send({ currentPassword: password, newPassword: 'a new password 3' });
    expect(changed.status).toBe(204);
    await expectRecordedOnceLater({ action: 'user.password_change', target: email });
  });

  it('a failed log-in still answers 401 (not 500), recorded once later', async () => {
    const { email } = await newUser();
    auditLogDown();
    const res = await request(app).post('/api/auth/login').send({ email, password: 'not the password 1' });
    expect(res.status).toBe(401);
    await expectRecordedOnceLater({ action: 'user.login_failed', actor: email });
  });
});

describe('with the audit log up', () => {
  it('each change is recorded once at once and nothing waits in the outbox', async () => {
    const { email } = await newUser();
    expect((await admin.patch(`/api/users/${email}`).send({ name: 'Someone' })).status).toBe(204);
    expect(
      (await admin.post(`/api/users/${email}/password-reset`).send({ newPassword: 'second password 2' })).status,
    ).toBe(204);
    for (const action of ['user.create', 'user.update', 'user.password_reset'])
      await expectRecordedOnce({ action, target: email });
    expect(await AuditOutboxModel.countDocuments({})).toBe(0);
  });

  it('changing an unknown user answers 404 and records nothing', async () => {
    const res = await admin.patch('/api/users/nobody@example.org').send({ name: 'x' });
    expect(res.status).toBe(404);
    expect(await AuditOutboxModel.countDocuments({ docId: 'nobody@example.org' })).toBe(0);
  });
});
