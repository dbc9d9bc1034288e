// The app as the server builds it, on the test file's own database, and callers signed in to it.
import express, { type Express } from 'express';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { errorHandler } from '../../server/src/http/problem';
import type { Role } from '../../server/src/auth/roles';
import { agentAs, type TestAgent } from './auth';
import { storeKind, useTestDatabase } from './db';

/** useTestDatabase(opts) and the app on it, as the server builds it (no job runner, no mail). */
export function useTestApp(opts: { demo?: boolean } = {}): Express {
  useTestDatabase(opts);
  return createApp({ store: { kind: storeKind() } });
}

/**
 * A caller signed in with `roles` (helpers/auth.ts agentAs), created in a beforeAll registered here:
 * the returned agent forwards to it, so it is used as is in the tests and in later beforeAll hooks.
 */
export function useAgent(app: Express | string, roles: Role[]): TestAgent {
  let agent: TestAgent | undefined;
  beforeAll(async () => {
    agent = await agentAs(app, roles);
  });
  return new Proxy({} as TestAgent, {
    get(_target, prop) {
      if (!agent) throw new Error(`the ${roles.join('+')} agent is not signed in yet (useAgent signs in in beforeAll)`);
      const value: unknown = Reflect.get(agent, prop, agent);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(agent) : value;
    },
  });
}

/** Keeps a response body whole as a Buffer (XLSX, DOCX, ZIP and the other files supertest would not buffer). */
export const asBuffer = (req: request.Test): request.Test =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

/** Keeps a response body whole as UTF-8 text (a CSV file). */
export const asText = (req: request.Test): request.Test =>
  req.buffer(true).parse((res, cb) => {
    let data = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (data += c));
    res.on('end', () => cb(null, data));
  });

/** GETs `path` as `agent`, expects 200 and returns the bytes of the file. */
export async function download(agent: TestAgent, path: string): Promise<Buffer> {
  const res = await asBuffer(agent.get(path));
  expect(res.status).toBe(200);
  return res.body as Buffer;
}

/** An app whose every request to /write throws `err`, answered by the server's real error handler. */
export function throwingApp(err: unknown): Express {
  const app = express();
  app.all('/write', () => {
    throw err;
  });
  app.use(errorHandler);
  return app;
}

/** One signed-in caller per role (see useAgent), by role: `const { researcher } = useAgents(app, 'researcher')`. */
export function useAgents<R extends Role>(app: Express | string, ...roles: R[]): Record<R, TestAgent> {
  return Object.fromEntries(roles.map((role) => [role, useAgent(app, [role])])) as Record<R, TestAgent>;
}
