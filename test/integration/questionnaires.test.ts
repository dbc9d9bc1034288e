// The coordinator's questionnaire library over HTTP: list, upload (with every kind of problem
// reported and nothing stored), identical uploads, new versions, diff, access.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { QuestionnaireModel } from '../../server/src/questionnaires/questionnaire.model';
import { useTestDatabase, storeKind, ROOT } from '../helpers/db';
import { agentAs, type TestAgent } from '../helpers/auth';
import { createFixtureWave, fixture } from '../helpers/fixtures';

useTestDatabase({ demo: false });
const app = createApp({ store: { kind: storeKind() } });
let coordinator: TestAgent;

beforeAll(async () => {
  coordinator = await agentAs(app, ['coordinator']);
});

const upload = (key: string, definition: string) => coordinator.post('/api/questionnaires').send({ key, definition });
const valid = () => JSON.stringify(fixture('mini-barriers.json'), null, 2);
const withElements = (elements: unknown[]) => JSON.stringify({ pages: [{ name: 'p1', elements }] }, null, 2);

describe('questionnaire library', () => {
  it('lists the questionnaires shipped in surveys/ with their versions, languages and question counts', async () => {
    const res = await coordinator.get('/api/questionnaires');
    expect(res.status).toBe(200);
    const shipped = res.body.items.find((q: { id: string }) => q.id === 'imc-barriers@1');
    expect(shipped).toMatchObject({
      key: 'imc-barriers',
      version: 1,
      source: 'file',
      locales: ['ru', 'uk', 'en'],
      usedBy: [],
    });
    expect(shipped.questionCount).toBeGreaterThan(10);
  });

  it('when a valid questionnaire is uploaded, then 201 stores it as version 1; the same again answers 200 with no new version', async () => {
    const first = await upload('lib-valid', valid());
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      id: 'lib-valid@1',
      key: 'lib-valid',
      version: 1,
      created: true,
      sanitized: [],
      roles: {
        region: 'region',
        municipality: 'municipality',
        municipalityType: 'municipality_type',
        obstacles: 'obstacles',
        obstacleSeverity: 'severity',
      },
      warnings: [],
    });
    const again = await upload('lib-valid', JSON.stringify(fixture('mini-barriers.json'))); // other whitespace
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: 'lib-valid@1', created: false });
    expect(await QuestionnaireModel.countDocuments({ key: 'lib-valid' })).toBe(1);
  });

  it('when an edited definition is uploaded under the same key, then it becomes version 2 and version 1 stays unchanged', async () => {
    const v1 = await upload('lib-edit', valid());
    expect(v1.status).toBe(201);
    const edited = fixture('mini-barriers.json') as { pages: { elements: Record<string, unknown>[] }[] };
    edited.pages[0].elements = edited.pages[0].elements.filter((e) => e.name !== 'satisfaction');
    edited.pages[0].elements.push({ type: 'text', name: 'head_name', title: { ru: 'ФИО главы' } });
    const comment = edited.pages[0].elements.find((e) => e.name === 'comment')!;
    comment.maxLength = 1000;
    const v2 = await upload('lib-edit', JSON.stringify(edited));
    expect(v2.status).toBe(201);
    expect(v2.body.version).toBe(2);

    const one = await coordinator.get('/api/questionnaires/lib-edit/versions/1');
    expect(one.status).toBe(200);
    expect(one.body.definition).toEqual(fixture('mini-barriers.json'));
    expect(one.body.questions.map((q: { name: string }) => q.name)).toContain('satisfaction');

    const diff = await coordinator.get('/api/questionnaires/lib-edit/diff?from=1&to=2');
    expect(diff.status).toBe(200);
    expect(diff.body.added.map((q: { name: string }) => q.name)).toEqual(['head_name']);
    expect(diff.body.removed.map((q: { name: string }) => q.name)).toEqual(['satisfaction']);
    expect(diff.body.changed.map((q: { name: string }) => q.name)).toEqual(['comment']);
    expect(diff.body.unchanged).toEqual(expect.arrayContaining(['region', 'municipality', 'obstacles']));
  });

  it('when a version is used by a wave, then the library says so', async () => {
    await upload('mini-barriers', valid());
    const code = await createFixtureWave();
    const res = await coordinator.get('/api/questionnaires');
    const used = res.body.items.find((q: { id: string }) => q.id === 'mini-barriers@1');
    expect(used.usedBy).toContain(code);
  });

  it('when the file is not valid JSON, then 422 gives the line and column and nothing is stored', async () => {
    const text = '{\n  "pages": [\n    { "name": "p1", "elements": [ { "type": "text", "name": "a" }, ] }\n  ]\n}';
    const res = await upload('lib-badjson', text);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('invalid_questionnaire');
    expect(res.body.jsonError).toMatchObject({ line: 3, column: 68 });
    expect(res.body.invalid_params[0]).toMatchObject({ name: '(json)', code: 'invalid_json' });
    expect(res.body.invalid_params[0].reason).toMatch(/^line 3, column 68: /);
    expect(await QuestionnaireModel.countDocuments({ key: 'lib-badjson' })).toBe(0);
  });

  it.each([
    ['an unknown question type', [{ type: 'magic', name: 'a' }], { name: 'a', code: 'unknown_type' }],
    [
      'duplicate question names',
      [
        { type: 'text', name: 'a' },
        { type: 'comment', name: 'a' },
      ],
      { name: 'a', code: 'duplicate_name' },
    ],
    [
      'a visibleIf that cannot be parsed',
      [
        { type: 'text', name: 'a' },
        { type: 'text', name: 'b', visibleIf: "{a} = 'x' and" },
      ],
      { name: 'b', code: 'invalid_expression' },
    ],
    [
      'an enableIf naming no question',
      [
        { type: 'text', name: 'a' },
        { type: 'text', name: 'b', enableIf: '{nobody} notempty' },
      ],
      { name: 'b', code: 'invalid_expression' },
    ],
    [
      'an obstacle question whose choices are not obstacle codes',
      [{ type: 'checkbox', name: 'obs', lsgRole: 'obstacles', choices: ['funding', 'bad_weather'] }],
      { name: 'obs', code: 'unknown_obstacle' },
    ],
  ])(
    'when the questionnaire has %s, then 422 names the question and nothing is stored',
    async (_l, elements, problem) => {
      const key = `lib-bad-${Math.random().toString(36).slice(2, 8)}`;
      const res = await upload(key, withElements(elements));
      expect(res.status).toBe(422);
      expect(res.body.invalid_params).toEqual(expect.arrayContaining([expect.objectContaining(problem)]));
      expect(await QuestionnaireModel.countDocuments({ key })).toBe(0);
    },
  );

  it('when questionnaire text carries script, then it is stored without it and each place is named', async () => {
    const res = await upload(
      'lib-script',
      withElements([
        { type: 'html', name: 'h', html: '<p>Текст</p><script>fetch("/api/users")</script>' },
        { type: 'text', name: 'b', title: { ru: 'Вопрос <img src=x onerror="alert(1)">', en: 'Q' } },
      ]),
    );
    expect(res.status).toBe(201);
    expect(res.body.sanitized).toEqual([
      expect.objectContaining({ name: 'pages[0].elements[0].html', code: 'markup_removed' }),
      expect.objectContaining({ name: 'pages[0].elements[1].title.ru', code: 'markup_removed' }),
    ]);
    const stored = await coordinator.get('/api/questionnaires/lib-script/versions/1');
    const [h, b] = stored.body.definition.pages[0].elements;
    expect(h.html).toBe('<p>Текст</p>');
    expect(b.title).toEqual({ ru: 'Вопрос <img src="x" />', en: 'Q' });
  });

  it('when a questionnaire has several problems, then each is listed', async () => {
    const res = await upload(
      'lib-many',
      withElements([
        { type: 'magic', name: 'a' },
        { type: 'text', name: 'b' },
        { type: 'text', name: 'b', visibleIf: '{b} =' },
      ]),
    );
    expect(res.status).toBe(422);
    expect(res.body.invalid_params.map((p: { code: string }) => p.code).sort()).toEqual([
      'duplicate_name',
      'invalid_expression',
      'unknown_type',
    ]);
  });

  it('accepts every kind of question: choice, checkbox, dropdown, boolean, rating, matrix, text, comment, number, panels, dynamic panels, pages', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'all-question-types.json'), 'utf8');
    const res = await upload('lib-all-types', text);
    expect(res.body.invalid_params ?? []).toEqual([]);
    expect(res.status).toBe(201);
    const detail = await coordinator.get('/api/questionnaires/lib-all-types/versions/1');
    expect(new Set(detail.body.questions.map((q: { type: string }) => q.type))).toEqual(
      new Set([
        'radiogroup',
        'checkbox',
        'dropdown',
        'boolean',
        'rating',
        'matrix',
        'text',
        'comment',
        'paneldynamic',
        'matrixdropdown',
        'tagbox',
      ]),
    );
  });

  it.each([
    ['a key with capitals', { key: 'Bad Key', definition: '{}' }, 'body.key'],
    ['no definition', { key: 'ok' }, 'body.definition'],
    ['an unknown field', { key: 'ok', definition: '{}', extra: 1 }, 'body'],
  ])('when the upload has %s, then 400 names the field', async (_l, body, name) => {
    const res = await coordinator.post('/api/questionnaires').send(body);
    expect(res.status).toBe(400);
    expect(res.body.invalid_params.map((p: { name: string }) => p.name)).toContain(name);
  });

  it('when the version does not exist, then 404', async () => {
    const res = await coordinator.get('/api/questionnaires/imc-barriers/versions/99');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('questionnaire_not_found');
  });

  it('only coordinators (and admins) use the library: anonymous 401, researcher 403', async () => {
    expect((await request(app).get('/api/questionnaires')).status).toBe(401);
    const researcher = await agentAs(app, ['researcher']);
    expect((await researcher.get('/api/questionnaires')).status).toBe(403);
    expect((await researcher.post('/api/questionnaires').send({ key: 'x', definition: valid() })).status).toBe(403);
    const admin = await agentAs(app, ['admin']);
    expect((await admin.get('/api/questionnaires')).status).toBe(200);
  });
});
