// The knowledge base of practices over HTTP on the real store: editors' CRUD with roles, versions,
// history and audit; import (all or nothing, problems by line, column and value) and export;
// the public browse with filters and full-text search; links from obstacles; suggestions; coverage;
// a practice call's answers becoming drafts.
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { setMinCell } from '../../server/src/analytics/coding.service';
import { AuditModel } from '../../server/src/audit/audit.model';
import { PracticeModel } from '../../server/src/practices/practice.model';
import { resetSearchMode, searchMode } from '../../server/src/practices/practices.service';
import { useAgents, useTestApp } from '../helpers/app';
import { storeKind } from '../helpers/db';
import type { TestAgent } from '../helpers/auth';
import { createFixtureWave, answers } from '../helpers/fixtures';
import { practiceBody, practicesCsv } from '../helpers/practices';

const app = useTestApp({ demo: false });
const { editor, coordinator, researcher } = useAgents(app, 'editor', 'coordinator', 'researcher');

beforeAll(() => resetSearchMode());

async function create(agent: TestAgent, over: Record<string, unknown> = {}, status?: 'draft' | 'published') {
  const res = await agent
    .post('/api/practices/manage')
    .send({ practice: practiceBody(over), ...(status ? { status } : {}) });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; version: number; status: string };
}

function binaryParser(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('editing practices', () => {
  it('lets editors and coordinators create, edit and publish; researchers and the public may not; drafts stay hidden', async () => {
    const anon = await request(app).post('/api/practices/manage').send({ practice: practiceBody() });
    expect(anon.status).toBe(401);
    const forbidden = await researcher.post('/api/practices/manage').send({ practice: practiceBody() });
    expect(forbidden.status).toBe(403);

    const p = await create(editor);
    expect(p).toMatchObject({ status: 'draft', version: 1 });
    expect(p.id).toMatch(/^mezhmunitsipalnyy-poligon-tverdykh-otkhodov-[0-9a-f]{8}$/);
    expect((await request(app).get(`/api/practices/public/${p.id}`)).status).toBe(404);

    const edited = await coordinator
      .put(`/api/practices/manage/${p.id}`)
      .send({ version: 1, practice: practiceBody({ results: 'Затраты снизились вдвое.', obstacles: ['funding'] }) });
    expect(edited.status).toBe(200);
    expect(edited.body.version).toBe(2);

    const stale = await editor.put(`/api/practices/manage/${p.id}`).send({ version: 1, practice: practiceBody() });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'practice_changed', version: 2 });

    const reviewed = await editor
      .put(`/api/practices/manage/${p.id}`)
      .send({ version: 2, review: { uniqueness: 4, typicalProblem: 5, replicability: 3, note: 'Тиражируема' } });
    expect(reviewed.body.review).toEqual({ uniqueness: 4, typicalProblem: 5, replicability: 3, note: 'Тиражируема' });
    const badScore = await editor
      .put(`/api/practices/manage/${p.id}`)
      .send({ version: 3, review: { uniqueness: 9, typicalProblem: null, replicability: null, note: '' } });
    expect(badScore.status).toBe(400);

    const published = await editor.post(`/api/practices/manage/${p.id}/publish`).send({ version: 3 });
    expect(published.status).toBe(200);
    expect(published.body.status).toBe('published');
    expect(published.body.history.map((h: { action: string }) => h.action)).toEqual([
      'create',
      'edit',
      'review',
      'publish',
    ]);
    expect(published.body.history[1].fields.sort()).toEqual(['obstacles', 'results', 'searchText']);

    const pub = await request(app).get(`/api/practices/public/${p.id}`);
    expect(pub.status).toBe(200);
    expect(pub.body).toMatchObject({ id: p.id, results: 'Затраты снизились вдвое.', obstacles: ['funding'] });
    expect(pub.body.review).toBeUndefined();
    expect(pub.body.history).toBeUndefined();

    const stored = await PracticeModel.findById(p.id).lean<{ history: { before: Record<string, unknown> }[] }>();
    expect(stored!.history[1].before.results).toBe('Затраты на вывоз отходов снизились на треть.');

    const audit = await AuditModel.find({ target: p.id }).sort({ at: 1 }).lean<{ action: string; actor: string }[]>();
    expect(audit.map((a) => a.action)).toEqual([
      'practice.create',
      'practice.update',
      'practice.review',
      'practice.publish',
    ]);
    expect(audit[1].actor).toBe(coordinator.email);

    expect((await editor.delete(`/api/practices/manage/${p.id}`)).status).toBe(409);
    expect((await editor.post(`/api/practices/manage/${p.id}/unpublish`).send({ version: 4 })).status).toBe(200);
    expect((await request(app).get(`/api/practices/public/${p.id}`)).status).toBe(404);
    expect((await editor.delete(`/api/practices/manage/${p.id}`)).status).toBe(204);
    expect((await editor.get(`/api/practices/manage/${p.id}`)).status).toBe(404);
  });

  it('refuses unknown codes, regions of another country and bad links, naming each field', async () => {
    const res = await editor.post('/api/practices/manage').send({
      practice: practiceBody({
        obstacles: ['fundng'],
        regions: ['UA-05'],
        attachments: [{ title: '', url: 'javascript:x' }],
      }),
    });
    expect(res.status).toBe(400);
    const names = res.body.invalid_params.map((p: { name: string }) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'body.practice.obstacles.0',
        'body.practice.regions.0',
        'body.practice.attachments.0.url',
      ]),
    );
  });
});

describe('import and export', () => {
  it('imports nothing when any row is bad, and reports every problem by line, column and value', async () => {
    const before = await PracticeModel.countDocuments();
    const csv = practicesCsv([
      'Общий автобусный маршрут,ru,RU,RU-VLG,municipal_district,funding;legal,transport_roads,2020,Нет транспорта',
      'Спільний ЦНАП,uk,UA,UA-05,,fundng;trust,digital_services,2021,Немає послуг',
      ',en,RU,XX-YY,,staff,tourism,20x0,',
    ]);
    const res = await editor.post('/api/practices/manage/import').send({ format: 'csv', data: csv });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('import_invalid');
    const params = res.body.invalid_params as { name: string; reason: string }[];
    const at = (name: string) => params.find((p) => p.name === name)?.reason ?? '';
    expect(at('line 3.obstacles')).toContain('"fundng"');
    expect(at('line 4.title')).toContain('required');
    expect(at('line 4.regions')).toContain('"XX-YY"');
    expect(at('line 4.year_from')).toContain('"20x0"');
    expect(params.some((p) => p.name.startsWith('line 2'))).toBe(false);
    expect(await PracticeModel.countDocuments()).toBe(before);
  });

  it('imports every valid row of a CSV and of an XLSX, and exports them as CSV, XLSX and JSON', async () => {
    const csv = practicesCsv([
      '"Общий автобусный маршрут",ru,RU,RU-VLG,municipal_district,"funding;legal",transport_roads,2020,"Нет транспорта между сёлами"',
      'Спільний ЦНАП громад,uk,UA,UA-05,,"staff; digital",digital_services,2021,Немає адміністративних послуг',
    ]);
    const res = await editor
      .post('/api/practices/manage/import')
      .send({ format: 'csv', data: csv, status: 'published' });
    expect(res.status).toBe(201);
    expect(res.body.imported).toBe(2);

    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('p');
    sheet.addRow(['title', 'language', 'country', 'obstacles', 'fields']);
    sheet.addRow(['Joint tourist route', 'en', 'UA', 'motivation;information', 'tourism']);
    const data = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer).toString('base64');
    const x = await editor.post('/api/practices/manage/import').send({ format: 'xlsx', data });
    expect(x.status).toBe(201);
    const draft = await editor.get(`/api/practices/manage/${x.body.ids[0]}`);
    expect(draft.body).toMatchObject({
      status: 'draft',
      obstacles: ['motivation', 'information'],
      origin: { kind: 'import' },
    });

    const out = await editor.get('/api/practices/manage/export?format=csv');
    expect(out.status).toBe(200);
    expect(out.headers['content-disposition']).toContain('practices.csv');
    expect(out.text).toContain('Общий автобусный маршрут');
    expect(out.text).toContain('funding; legal');
    // An export reads back in as an import (export-only columns are ignored).
    const again = await editor.post('/api/practices/manage/import').send({ format: 'csv', data: out.text });
    expect(again.status).toBe(201);
    expect(again.body.imported).toBe(3);

    const json = await editor.get('/api/practices/manage/export?format=json&status=published');
    expect(
      JSON.parse(json.text)
        .items.map((p: { title: string }) => p.title)
        .sort(),
    ).toEqual(['Общий автобусный маршрут', 'Спільний ЦНАП громад']);

    const xlsx = await editor.get('/api/practices/manage/export?format=xlsx').buffer(true).parse(binaryParser);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ArrayBuffer);
    expect(book.worksheets[0].getRow(1).getCell(3).value).toBe('title');
    expect(book.worksheets[0].rowCount).toBeGreaterThanOrEqual(7);

    expect((await researcher.get('/api/practices/manage/export?format=csv')).status).toBe(403);
    expect(await AuditModel.countDocuments({ action: 'practices.import' })).toBe(3);
    expect(await AuditModel.countDocuments({ action: 'practices.export' })).toBe(3);
  });
});

describe('public browse and search', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    await PracticeModel.deleteMany({});
    ids.waste = (await create(editor, {}, 'published')).id;
    ids.bus = (
      await create(
        editor,
        {
          title: 'Общий школьный автобус',
          problem: 'Дети из малых сёл не могли добраться до школы.',
          actions: 'Поселения купили автобус вскладчину.',
          results: 'Все дети ездят в школу.',
          obstacles: ['funding', 'legal'],
          fields: ['transport_roads', 'education'],
          municipalityTypes: ['rural_settlement'],
          regions: ['RU-MOS'],
        },
        'published',
      )
    ).id;
    ids.ua = (
      await create(
        editor,
        {
          language: 'uk',
          title: 'Спільний центр надання адміністративних послуг',
          problem: 'Мешканці їздили до райцентру по довідки.',
          actions: 'Громади створили спільний ЦНАП.',
          results: 'Послуги поруч із домом.',
          country: 'UA',
          regions: ['UA-05'],
          municipalityTypes: ['hromada_rural'],
          obstacles: ['staff', 'digital'],
          fields: ['digital_services'],
          sizeClasses: ['small'],
        },
        'published',
      )
    ).id;
    ids.en = (
      await create(
        editor,
        {
          language: 'en',
          title: 'Cross-border tourist route',
          problem: 'Visitors skipped the small towns.',
          actions: 'A shared route and map.',
          results: 'More visitors.',
          obstacles: ['information'],
          fields: ['tourism'],
          country: 'UA',
          regions: [],
          sizeClasses: [],
          municipalityTypes: [],
        },
        'published',
      )
    ).id;
    ids.draft = (await create(editor, { title: 'Черновик про отходы' })).id;
  });

  const browse = async (qs: string) => {
    const res = await request(app).get(`/api/practices?${qs}`);
    expect(res.status).toBe(200);
    return res.body as { total: number; search: string | null; items: { id: string }[] };
  };
  const idsOf = (b: { items: { id: string }[] }) => b.items.map((i) => i.id).sort();

  it('lists published practices only, filtered by obstacle, field, country, region, municipality type and size', async () => {
    expect((await browse('')).total).toBe(4);
    expect(idsOf(await browse('obstacle=funding'))).toEqual([ids.waste, ids.bus].sort());
    expect(idsOf(await browse('field=education'))).toEqual([ids.bus]);
    expect(idsOf(await browse('country=UA'))).toEqual([ids.ua, ids.en].sort());
    expect(idsOf(await browse('region=RU-VLG'))).toEqual([ids.waste]);
    expect(idsOf(await browse('municipalityType=hromada_rural'))).toEqual([ids.ua]);
    expect(idsOf(await browse('sizeClass=small&country=UA'))).toEqual([ids.ua]);
    expect((await browse('limit=2')).items).toHaveLength(2);
    expect((await request(app).get('/api/practices?country=XX')).status).toBe(400);
  });

  it('finds words in Russian, Ukrainian and English, every word required, case and ё ignored, operators inert', async () => {
    const mode = await searchMode();
    expect(mode).toBe(storeKind() === 'embedded' ? 'regex' : 'text-index');
    const ru = await browse(`q=${encodeURIComponent('ТВЁРДЫХ отходов')}`);
    expect(ru.search).toBe(mode);
    expect(idsOf(ru)).toEqual([ids.waste]);
    expect(idsOf(await browse(`q=${encodeURIComponent('цнап')}`))).toEqual([ids.ua]);
    expect(idsOf(await browse(`q=${encodeURIComponent('послуг громади')}`))).toEqual([ids.ua]);
    expect(idsOf(await browse('q=tourist%20route'))).toEqual([ids.en]);
    expect(idsOf(await browse(`q=${encodeURIComponent('автобус отходов')}`))).toEqual([]);
    expect(idsOf(await browse(`q=${encodeURIComponent('.*')}`))).toEqual(idsOf(await browse('')));
    expect(idsOf(await browse(`q=${encodeURIComponent('отходы')}&obstacle=legal`))).toEqual([]);
    expect((await browse(`q=${encodeURIComponent('черновик')}`)).total).toBe(0);
  });

  it('links each obstacle to its practices, nearest first, and suggests up to five for named obstacles', async () => {
    const links = await request(app).get('/api/practices/by-obstacle?region=RU-MOS&municipalityType=rural_settlement');
    const funding = links.body.items.find((i: { obstacle: string }) => i.obstacle === 'funding');
    expect(funding.count).toBe(2);
    expect(funding.practices.map((p: { id: string; nearness: string }) => [p.id, p.nearness])).toEqual([
      [ids.bus, 'region'],
      [ids.waste, 'country'],
    ]);
    expect(links.body.items.find((i: { obstacle: string }) => i.obstacle === 'security').count).toBe(0);

    const s = await request(app).get('/api/practices/suggestions?obstacles=legal,funding,staff');
    expect(s.status).toBe(200);
    expect(s.body.items[0]).toMatchObject({ id: ids.bus, obstacles: ['funding', 'legal'] });
    expect(s.body.items.map((i: { id: string }) => i.id).sort()).toEqual([ids.bus, ids.waste, ids.ua].sort());
    expect((await request(app).get('/api/practices/suggestions?obstacles=nonsense')).body.items).toEqual([]);
  });
});

describe('coverage', () => {
  it('counts how often each obstacle is named and how many practices address it; frequent ones with few are gaps', async () => {
    const wave = await createFixtureWave();
    const named = [
      ...Array.from({ length: 6 }, () => ['funding', 'legal']),
      ['funding', 'legal', 'staff'],
      ['funding', 'legal'],
      ['funding', 'staff'],
      ['funding'],
    ];
    for (const obstacles of named) {
      const r = await request(app)
        .post(`/api/waves/${wave}/responses`)
        .send({ clientId: randomUUID(), locale: 'ru', answers: answers({ obstacles }) });
      expect(r.status).toBe(201);
    }
    expect((await request(app).get(`/api/practices/coverage?wave=${wave}`)).status).toBe(401);
    // At the wave's minimum k = 3 the count of 2 is hidden, as on every table (analytics/disclosure.ts).
    const hidden = await researcher.get(`/api/practices/coverage?wave=${wave}`);
    expect(hidden.status).toBe(200);
    const hiddenRow = (code: string) => hidden.body.rows.find((r: { obstacle: string }) => r.obstacle === code);
    expect(hiddenRow('staff')).toMatchObject({ named: null, suppressed: true, gap: false });
    expect(hiddenRow('legal')).toMatchObject({ named: 8, gap: true });
    expect(hidden.body.gaps).toEqual(['legal']);

    // With the coordinator's minimum k = 1 every count shows.
    await setMinCell(wave, 1);
    const res = await researcher.get(`/api/practices/coverage?wave=${wave}`);
    expect(res.status).toBe(200);
    expect(res.body.wave).toEqual({ code: wave, respondents: 10 });
    const row = (code: string) => res.body.rows.find((r: { obstacle: string }) => r.obstacle === code);
    expect(row('funding')).toMatchObject({ named: 10, published: 2, gap: false });
    expect(row('legal')).toMatchObject({ named: 8, published: 1, gap: true });
    expect(row('staff')).toMatchObject({ named: 2, published: 1, gap: true });
    expect(row('security')).toMatchObject({ named: 0, published: 0, gap: false });
    expect(res.body.gaps).toEqual(['legal', 'staff']);
    expect(res.body.rows[0].obstacle).toBe('funding');

    const csv = await editor.get(`/api/practices/coverage?wave=${wave}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.text.split('\r\n')[0]).toBe(
      '\uFEFFobstacle,label_ru,label_en,named,share,published_practices,draft_practices,gap',
    );
    expect(csv.text).toContain('legal,');
    const xlsx = await editor.get(`/api/practices/coverage?wave=${wave}&format=xlsx`).buffer(true).parse(binaryParser);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ArrayBuffer);
    expect(book.worksheets[0].getRow(2).getCell(1).value).toBe('funding');
  });
});

describe('practice call', () => {
  it('makes one draft practice of every completed answer of a practice-call wave, once', async () => {
    const wave = await createFixtureWave({ questionnaireId: 'imc-practices@1' });
    const submit = await request(app)
      .post(`/api/waves/${wave}/responses`)
      .send({
        clientId: randomUUID(),
        locale: 'uk',
        answers: {
          country: 'UA',
          region: 'UA-05',
          municipality: 'Громада А',
          municipality_type: 'hromada_rural',
          size_class: 'small',
          practice_title: 'Спільна служба вивезення відходів',
          partners: 'Громада Б\nГромада В',
          practice_fields: ['waste'],
          obstacles: ['funding', 'trust'],
          problem: 'Стихійні звалища',
          actions: 'Спільне КП',
          links: 'https://example.org/a\nnot a link',
        },
      });
    expect(submit.body).toMatchObject({ id: expect.any(String) });
    const notCall = await createFixtureWave();
    expect((await editor.post(`/api/practices/manage/calls/${notCall}/drafts`)).status).toBe(422);
    const calls = await editor.get('/api/practices/manage/calls');
    expect(calls.body.items.map((w: { code: string }) => w.code)).toContain(wave);

    const first = await editor.post(`/api/practices/manage/calls/${wave}/drafts`);
    expect(first.body).toEqual({ created: 1, existing: 0 });
    expect((await editor.post(`/api/practices/manage/calls/${wave}/drafts`)).body).toEqual({ created: 0, existing: 1 });
    const drafts = await editor.get(`/api/practices/manage?status=draft&q=${encodeURIComponent('вивезення')}`);
    expect(drafts.body.items).toHaveLength(1);
    const d = await editor.get(`/api/practices/manage/${drafts.body.items[0].id}`);
    expect(d.body).toMatchObject({
      status: 'draft',
      language: 'uk',
      municipalities: ['Громада А', 'Громада Б', 'Громада В'],
      municipalityCount: 3,
      country: 'UA',
      regions: ['UA-05'],
      obstacles: ['funding', 'trust'],
      attachments: [{ title: '', url: 'https://example.org/a' }],
      origin: { kind: 'call', waveCode: wave },
      review: { uniqueness: null, typicalProblem: null, replicability: null },
    });
  });
});
