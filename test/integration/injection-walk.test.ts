// Operator injection against EVERY operation of the API, found by walking the OpenAPI document:
// no body key and no query parameter can carry a query operator to the store.
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { ResponseModel } from '../../server/src/responses/response.model';
import { useTestDatabase, storeKind } from '../helpers/db';
import { agentAs, type TestAgent } from '../helpers/auth';
import { createFixtureWave } from '../helpers/fixtures';

useTestDatabase({ demo: false });
const app = createApp({ store: { kind: storeKind() } });

type Param = { in: string; name: string };
type Op = { 'x-access': string; parameters?: Param[]; requestBody?: unknown };
let ops: { method: string; path: string; op: Op }[] = [];
let admin: TestAgent;
let wave: string;

beforeAll(async () => {
  wave = await createFixtureWave();
  admin = await agentAs(app, ['admin', 'coordinator', 'researcher']);
  const doc = (await request(app).get('/api/openapi.json')).body as { paths: Record<string, Record<string, Op>> };
  ops = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path, op })),
  );
});

/** Real-looking path values, so a request gets past path validation to the body and query. */
const urlOf = (path: string) =>
  `/api${path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    if (name === 'code') return wave;
    if (name === 'email') return 'someone@example.org';
    if (name === 'token') return 'AAAAAAAAAAAAAAAAAAAAAA';
    if (name === 'version') return '1';
    if (name === 'region') return 'RU-VLG';
    return `x-${name}`;
  })}`;

const send = (method: string, url: string, body?: unknown) => {
  const r = (admin as unknown as Record<string, (u: string) => request.Test>)[method](url);
  return body === undefined ? r : r.send(body as object);
};

const PAYLOADS: [string, unknown][] = [
  ['a top-level $where', { $where: 'sleep(1000) || true' }],
  ['an operator as a value', { email: { $ne: null }, code: { $gt: '' } }],
  ['an operator deep inside', { answers: { a: [{ b: { $inc: { n: 1 } } }] }, content: 'x' }],
];

describe('every operation that takes a body', () => {
  it('the walk finds them', () => {
    expect(ops.filter((o) => o.op.requestBody).length).toBeGreaterThanOrEqual(15);
  });

  it.each(PAYLOADS)('refuses %s with 400 unsafe_key, before any handler runs', async (_label, payload) => {
    const before = await ResponseModel.countDocuments({});
    for (const { method, path } of ops.filter((o) => o.op.requestBody)) {
      const res = await send(method, urlOf(path), payload);
      expect({ op: `${method} ${path}`, status: res.status, code: res.body.code }).toEqual({
        op: `${method} ${path}`,
        status: 400,
        code: 'unsafe_body',
      });
      expect(res.body.invalid_params.map((p: { code: string }) => p.code)).toContain('unsafe_key');
    }
    expect(await ResponseModel.countDocuments({})).toBe(before);
  });
});

describe('every operation that takes query parameters', () => {
  it('refuses an operator in any of them with 400 invalid_query naming it', async () => {
    const withQuery = ops.filter((o) => (o.op.parameters ?? []).some((p) => p.in === 'query'));
    expect(withQuery.length).toBeGreaterThanOrEqual(5);
    for (const { method, path, op } of withQuery) {
      for (const p of (op.parameters ?? []).filter((q) => q.in === 'query')) {
        for (const q of [`${p.name}[$ne]=x`, `${p.name}[$gt]=`]) {
          const res = await send(method, `${urlOf(path)}?${q}`);
          expect({ op: `${method} ${path}?${q}`, status: res.status, code: res.body.code }).toEqual({
            op: `${method} ${path}?${q}`,
            status: 400,
            code: 'invalid_query',
          });
        }
      }
    }
  });
});
