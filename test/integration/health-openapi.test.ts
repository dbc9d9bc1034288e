import request from 'supertest';
import { createApp } from '../../server/src/app';
import { useTestDatabase, storeKind } from '../helpers/db';
import { listWaves } from '../../server/src/waves/waves.service';
import { listQuestionnaires } from '../../server/src/questionnaires/questionnaires.service';
import { prepareDatabase } from '../../server/src/bootstrap';
import { ROOT } from '../helpers/db';

useTestDatabase({ demo: true });

type Operation = {
  operationId: string;
  security: Record<string, string[]>[];
  'x-access': string;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
};
const app = createApp({ store: { kind: storeKind() } });

describe('start-up and service endpoints', () => {
  it('GET /api/health reports ok and the store it talks to', async () => {
    const res = await request(app).get('/api/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      store: { kind: storeKind(), version: expect.stringMatching(/^\d+\.\d+/) },
    });
    if (storeKind() === 'embedded') expect(res.body.store.ferretdb).toMatch(/1\.24/);
  });

  it('on an empty database, start-up loads the default questionnaire and opens one demo wave', async () => {
    const waves = await listWaves();
    expect(waves).toHaveLength(1);
    expect(waves[0]).toMatchObject({ status: 'open', questionnaireId: 'imc-barriers@1', access: 'public' });
    const res = await request(app).get(`/api/waves/${waves[0].code}`);
    expect(res.status).toBe(200);
    expect(res.body.questionnaire).toMatchObject({ key: 'imc-barriers', version: 1 });
    expect(res.body.questionnaire.definition.pages.length).toBeGreaterThan(2);
  });

  it('running start-up again creates no new questionnaire version and no second demo wave', async () => {
    const before = await listQuestionnaires();
    await prepareDatabase({ rootDir: ROOT, demo: true });
    await prepareDatabase({ rootDir: ROOT, demo: true });
    expect(await listQuestionnaires()).toEqual(before);
    expect(await listWaves()).toHaveLength(1);
  });

  it('GET /api/openapi.json documents every API route with its access rule', async () => {
    const res = await request(app).get('/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const paths = Object.keys(res.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/health',
        '/waves',
        '/waves/{code}',
        '/waves/{code}/responses',
        '/waves/{code}/tally',
        '/waves/{code}/exports/responses.csv',
        '/reference/regions',
      ]),
    );
    for (const p of paths) {
      for (const op of Object.values(res.body.paths[p]) as { 'x-access'?: string }[])
        expect(op['x-access']).toMatch(/^(public|respondent|user|researcher|coordinator|editor|admin)$/);
    }
    const submit = res.body.paths['/waves/{code}/responses'].post;
    expect(submit.requestBody.content['application/json'].schema.properties).toHaveProperty('clientId');
  });

  it('every operation has a unique camelCase operationId, security from its access rule, 4xx answers and typed bodies', async () => {
    const doc = (await request(app).get('/api/openapi.json')).body;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['csrfHeader', 'sessionCookie']);
    expect(doc.components.securitySchemes.sessionCookie).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'lsg_session',
    });
    expect(doc.components.securitySchemes.csrfHeader).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-CSRF-Token',
    });
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['ProblemDetails', 'LocalizedText', 'Region', 'Wave']),
    );
    const ids = new Set<string>();
    let count = 0;
    for (const [p, methods] of Object.entries(doc.paths as Record<string, Record<string, Operation>>)) {
      for (const [method, op] of Object.entries(methods)) {
        count++;
        const where = `${method} ${p}`;
        expect([where, op.operationId]).toEqual([where, expect.stringMatching(/^[a-z][A-Za-z0-9]*$/)]);
        expect(ids.has(op.operationId)).toBe(false);
        ids.add(op.operationId);
        const open = op['x-access'] === 'public' || op['x-access'] === 'respondent';
        const want = open ? [] : method === 'get' ? [{ sessionCookie: [] }] : [{ sessionCookie: [], csrfHeader: [] }];
        expect([where, op.security]).toEqual([where, want]);
        expect([where, Object.keys(op.responses).some((s) => /^4\d\d$/.test(s))]).toEqual([where, true]);
        // Any signed-in user may call a `user` GET: no role and no CSRF header to fail, so no 403.
        const anyUserRead = op['x-access'] === 'user' && method === 'get';
        const denied = open ? [] : anyUserRead ? ['401'] : ['401', '403'];
        expect([where, Object.keys(op.responses)]).toEqual([where, expect.arrayContaining(denied)]);
        if (anyUserRead) expect([where, Object.keys(op.responses).includes('403')]).toEqual([where, false]);
        for (const [status, r] of Object.entries(op.responses)) {
          if (!/^2/.test(status)) continue;
          for (const [type, c] of Object.entries(r.content ?? {})) {
            const schema = c.schema as Record<string, unknown>;
            // No loose objects: every JSON success body names its properties (or is a $ref to a component).
            if (type === 'application/json')
              expect([
                where,
                Boolean(schema.$ref || (schema.properties && Object.keys(schema.properties as object).length)),
              ]).toEqual([where, true]);
            if (type.includes('spreadsheetml')) expect([where, schema.format]).toEqual([where, 'binary']);
          }
        }
      }
    }
    expect(count).toBeGreaterThan(60);
    expect(doc.paths['/waves/{code}/exports/responses.xlsx'].get.operationId).toBe(
      'getWavesByCodeExportsResponsesXlsx',
    );
  });

  it('an unknown API route answers 404 problem details, not HTML', async () => {
    const res = await request(app).get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found', code: 'route_not_found' });
  });
});
