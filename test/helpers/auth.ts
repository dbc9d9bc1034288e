// Signed-in test callers: a user with the given roles, logged in through the real login route,
// with the CSRF header set on every request of the agent.
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import { createUser as createUserInDb } from '../../server/src/auth/auth.service';
import type { Role } from '../../server/src/auth/roles';

export type TestAgent = ReturnType<typeof request.agent> & { email: string; csrfToken: string };

export async function createUser(
  email: string,
  password: string,
  roles: Role[],
): Promise<{ email: string; password: string }> {
  await createUserInDb({ email, password, roles });
  return { email, password };
}

export async function agentAs(app: Express | string, roles: Role[]): Promise<TestAgent> {
  const email = `${roles.join('-') || 'nobody'}-${randomUUID().slice(0, 8)}@test.local`;
  const password = `pw-${randomUUID()}`;
  await createUser(email, password, roles);
  const agent = request.agent(app);
  const res = await agent.post('/api/auth/login').send({ email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  agent.set('X-CSRF-Token', res.body.csrfToken);
  return Object.assign(agent, { email, csrfToken: res.body.csrfToken as string });
}
