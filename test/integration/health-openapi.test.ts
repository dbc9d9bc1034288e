import request from 'supertest';
import { createApp } from '../../server/src/app';
import { useTestDatabase, storeKind } from '../helpers/db';
import { listWaves } from '../../server/src/waves/waves.service';
import { listQuestionnaires } from '../../server/src/questionnaires/questionnaires.service';
import { prepareDatabase } from '../../server/src/bootstrap';
import { ROOT } from '../helpers/db';

useTestDatabase({ demo: true });
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
        expect(op['x-access']).toMatch(/^(public|respondent|user|researcher|coordinator|admin)$/);
    }
    const submit = res.body.paths['/waves/{code}/responses'].post;
    expect(submit.requestBody.content['application/json'].schema.properties).toHaveProperty('clientId');
  });

  it('an unknown API route answers 404 problem details, not HTML', async () => {
    const res = await request(app).get('/api/nothing-here');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 404, title: 'Not Found', code: 'route_not_found' });
  });
});
