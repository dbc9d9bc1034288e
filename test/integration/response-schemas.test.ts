// The main reads of a seeded wave answer exactly what the API document (built from the zod
// schemas) says for their method, path and status — the shapes the client's types are generated
// from. check-responses.ts checks every supertest response of every integration test the same
// way; this file walks the reads on purpose, and shows that a wrong schema fails the check.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';
import { useTestDatabase, storeKind } from '../helpers/db';
import { agentAs, type TestAgent } from '../helpers/auth';
import { answers, createFixtureWave, fixture } from '../helpers/fixtures';
import { createInvitationWave, THREE_MUNICIPALITIES } from '../helpers/invitations';
import { checkResponse, validate, type OpenApiDocument, type Schema } from '../helpers/openapi-check';

useTestDatabase({ demo: false });
const app = createApp({ store: { kind: storeKind() } });
const doc = app.locals.openapi as OpenApiDocument;
let admin: TestAgent;
let wave: string;
let later: string;
let invitationWave: string;
let jobId: string;

type Got = { status: number; text: string; headers: Record<string, string>; body: unknown };

/** The check a GET answer must pass: documented, 200, and matching its schema. */
function expectDocumented(path: string, res: Got): void {
  const result = checkResponse(doc, {
    method: 'GET',
    url: path,
    status: res.status,
    contentType: res.headers['content-type'],
    text: res.text,
  });
  expect({ path, status: res.status, result }).toEqual({
    path,
    status: 200,
    result: { checked: true, operation: expect.stringContaining('GET /'), errors: [] },
  });
}

const RESPONSES = [
  { region: 'RU-VLG', municipality_type: 'urban_okrug', obstacles: ['funding'], has_experience: true, satisfaction: 4 },
  {
    region: 'RU-VLG',
    municipality_type: 'rural_settlement',
    obstacles: ['legal'],
    has_experience: false,
    satisfaction: 2,
  },
  {
    region: 'RU-MOS',
    municipality_type: 'urban_okrug',
    obstacles: ['funding', 'staff'],
    has_experience: false,
    satisfaction: 5,
  },
  {
    region: 'UA-05',
    municipality_type: 'municipal_district',
    obstacles: ['experience'],
    has_experience: true,
    satisfaction: 3,
  },
];

beforeAll(async () => {
  admin = await agentAs(app, ['admin']);
  wave = await createFixtureWave();
  later = await createFixtureWave();
  for (const code of [wave, later]) {
    for (const a of RESPONSES) {
      await request(app)
        .post(`/api/waves/${code}/responses`)
        .send({ clientId: randomUUID(), locale: 'ru', answers: answers({ population: 1000, ...a }) })
        .expect(201);
    }
  }
  const { version } = await registerVersion('mini-barriers', fixture('mini-barriers.json'), 'upload');
  invitationWave = await createInvitationWave(admin, version.id);
  await admin
    .post(`/api/waves/${invitationWave}/invitations/import`)
    .send({ format: 'csv', content: THREE_MUNICIPALITIES })
    .expect(201);
  const job = await admin.post(`/api/waves/${wave}/jobs`).send({ kind: 'tally.verify' }).expect(202);
  jobId = job.body.id;
});

describe('the main reads of a seeded wave match the API document', () => {
  const reads = (): string[] => [
    '/api/waves',
    `/api/waves/${wave}`,
    `/api/waves/${wave}/admin`,
    `/api/waves/${wave}/tally`,
    `/api/waves/${wave}/tally?region=RU-VLG&status=all`,
    `/api/waves/${wave}/questions`,
    `/api/waves/${wave}/questions/satisfaction/tally`,
    `/api/waves/${wave}/questions/obstacles/tally?by=municipalityType`,
    `/api/waves/${wave}/regions/RU-VLG`,
    `/api/waves/${wave}/crosstab?row=municipality_type&col=has_experience`,
    `/api/waves/${wave}/crosstab?row=@region&col=obstacles`,
    `/api/waves/${wave}/texts`,
    `/api/waves/${wave}/codes`,
    `/api/waves/${wave}/analysis-settings`,
    `/api/compare?a=${wave}&b=${later}&question=satisfaction`,
    `/api/trends?waves=${wave},${later}&question=satisfaction`,
    `/api/trends/questions?waves=${wave},${later}`,
    `/api/waves/${wave}/publication`,
    `/api/waves/${wave}/report`,
    `/api/waves/${wave}/jobs`,
    `/api/jobs/${jobId}`,
    `/api/waves/${invitationWave}/invitations/board`,
    `/api/waves/${invitationWave}/admin`,
    `/api/waves/${invitationWave}/mail/settings`,
    '/api/questionnaires',
    '/api/questionnaires/mini-barriers/versions/1',
    '/api/reference/regions',
    '/api/reference/obstacles',
    '/api/audit',
    '/api/users',
    '/api/auth/me',
    '/api/auth/sessions',
  ];

  it('each read answers 200 with a body its documented schema accepts', async () => {
    const paths = reads();
    for (const path of paths) {
      const res = await admin.get(path);
      expectDocumented(path, res as unknown as Got);
    }
    expect(paths.length).toBeGreaterThanOrEqual(30);
  });
});

describe('a schema that disagrees with the response fails the check', () => {
  /** A copy of the document with one schema changed. */
  function withSchema(change: (schemas: Record<string, Record<string, unknown>>) => void): OpenApiDocument {
    const copy = structuredClone(doc) as OpenApiDocument;
    change(copy.components!.schemas as Record<string, Record<string, unknown>>);
    return copy;
  }

  it('a member of the wrong type, a member the schema lacks and a missing member are each named', async () => {
    const res = await admin.get(`/api/waves/${wave}/admin`).expect(200);
    const schema = { $ref: '#/components/schemas/WaveAdmin' } as Schema;
    expect(validate(doc, schema, res.body)).toEqual([]);

    const wrongType = withSchema((s) => {
      (s.WaveAdmin.properties as Record<string, unknown>).code = { type: 'integer' };
    });
    expect(validate(wrongType, schema, res.body)).toEqual([
      expect.stringMatching(/^\$\.code: expected integer, got string/),
    ]);

    const lacking = withSchema((s) => {
      delete (s.WaveAdmin.properties as Record<string, unknown>).title;
      s.WaveAdmin.required = (s.WaveAdmin.required as string[]).filter((n) => n !== 'title');
    });
    expect(validate(lacking, schema, res.body)).toEqual([
      expect.stringMatching(/^\$: the member title is not in the schema/),
    ]);

    const { title: _title, ...withoutTitle } = res.body as Record<string, unknown>;
    expect(validate(doc, schema, withoutTitle)).toEqual(['$: the required member title is missing']);
  });

  it('a status the operation does not document, or a JSON body where it documents none, is a mismatch', async () => {
    const res = await admin.get(`/api/waves/${wave}`).expect(200);
    const got = { method: 'GET', url: `/api/waves/${wave}`, contentType: 'application/json', text: res.text };
    const noDefault = structuredClone(doc) as OpenApiDocument;
    delete noDefault.paths['/waves/{code}'].get.responses!.default;
    expect(checkResponse(noDefault, { ...got, status: 299 })).toMatchObject({
      checked: true,
      errors: ['status 299 is not documented'],
    });
    // Without its own entry, a status falls to the default response: a problem, not this JSON.
    expect(checkResponse(doc, { ...got, status: 299 })).toMatchObject({
      checked: true,
      errors: [expect.stringContaining('does not give for this status')],
    });
  });

  it('a request made through supertest fails when its response disagrees with the app’s document', async () => {
    const strict = createApp({ store: { kind: storeKind() } });
    const wrong = withSchema((s) => {
      const status = (s.Wave.properties as Record<string, Record<string, unknown>>).status;
      status.enum = ['nothing-like-this'];
    });
    strict.locals.openapi = wrong;
    await expect(request(strict).get('/api/waves')).rejects.toThrow(
      /does not match the API document: GET \/waves → 200[\s\S]*\$\.items\[0\]\.status: expected one of "nothing-like-this"/,
    );
    // The same request against the true document passes.
    strict.locals.openapi = doc;
    await request(strict).get('/api/waves').expect(200);
  });
});
