// The questionnaire editor's server side over HTTP: a draft checked as an upload would be
// (nothing stored), "try it" answers checked by the submission's own check, the library's diff
// against a draft, and the rule that a wave refuses a version with missing translations unless
// the coordinator says so.
import { randomUUID } from 'node:crypto';
import { createApp } from '../../server/src/app';
import { QuestionnaireModel } from '../../server/src/questionnaires/questionnaire.model';
import { useTestDatabase, storeKind } from '../helpers/db';
import { agentAs, type TestAgent } from '../helpers/auth';
import { fixture } from '../helpers/fixtures';

useTestDatabase({ demo: false });
const app = createApp({ store: { kind: storeKind() } });
let coordinator: TestAgent;

beforeAll(async () => {
  coordinator = await agentAs(app, ['coordinator']);
});

type Def = { pages: { name: string; elements: Record<string, unknown>[] }[] } & Record<string, unknown>;
const base = () => fixture('mini-barriers.json') as Def;
const check = (definition: unknown, answers?: Record<string, unknown>) =>
  coordinator
    .post('/api/questionnaires/check')
    .send({ definition: JSON.stringify(definition), ...(answers ? { answers } : {}) });

describe('checking a draft', () => {
  it('when the draft is valid, then 200 with no problems, its languages and nothing stored', async () => {
    const before = await QuestionnaireModel.countDocuments({});
    const res = await check(base());
    expect(res.status).toBe(200);
    expect(res.body.problems).toEqual([]);
    expect(res.body.translations).toEqual({ locales: ['ru', 'uk', 'en'], missing: { ru: 0, uk: 0, en: 0 }, keys: [] });
    expect(res.body.answerProblems).toBeNull();
    expect(await QuestionnaireModel.countDocuments({})).toBe(before);
  });

  it('when a question has an unsafe name and a regex RE2 cannot run, then each problem names its question', async () => {
    const d = base();
    d.pages[0]!.elements.push(
      { type: 'text', name: 'bad name', title: { ru: 'А', uk: 'А', en: 'A' } },
      {
        type: 'text',
        name: 'code',
        title: { ru: 'Код', uk: 'Код', en: 'Code' },
        validators: [{ type: 'regex', regex: '(a)\\1' }],
      },
    );
    const res = await check(d);
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(
      (res.body.problems as { name: string; code: string }[]).map((p) => [p.name, p.code]),
    );
    expect(byName['bad name']).toBe('unsafe_name');
    expect(Object.keys(byName)).toContain('code');
  });

  it('counts the texts missing a language per language', async () => {
    const d = base();
    d.pages[0]!.elements.push({ type: 'rating', name: 'trust', title: { ru: 'Доверие' } });
    const res = await check(d);
    expect(res.body.translations.missing).toEqual({ ru: 0, uk: 1, en: 1 });
    expect(res.body.translations.keys).toContain(`${d.pages[0]!.name}.trust.title`);
  });

  it('"try it": answers are checked by the submission check (a required question unanswered is named)', async () => {
    const res = await check(base(), {});
    expect(res.status).toBe(200);
    expect(res.body.problems).toEqual([]);
    const names = (res.body.answerProblems as { name: string }[]).map((p) => p.name);
    expect(names.length).toBeGreaterThan(0);
    const unknown = await check(base(), { no_such_question: 1 });
    expect((unknown.body.answerProblems as { name: string }[]).map((p) => p.name)).toContain('no_such_question');
  });

  it('when the text is not a JSON object, then 422 problem details', async () => {
    const res = await coordinator.post('/api/questionnaires/check').send({ definition: '[1, 2' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('refuses everyone but coordinators', async () => {
    const researcher = await agentAs(app, ['researcher']);
    const res = await researcher.post('/api/questionnaires/check').send({ definition: JSON.stringify(base()) });
    expect(res.status).toBe(403);
  });
});

describe('diff of a draft against the version it started from', () => {
  it('names the added, removed and changed questions as the library diff does', async () => {
    const key = `ed-${randomUUID().slice(0, 6)}`;
    const up = await coordinator.post('/api/questionnaires').send({ key, definition: JSON.stringify(base()) });
    expect(up.status).toBe(201);
    const d = base();
    const page = d.pages[0]!;
    const removed = page.elements.pop()!;
    page.elements[0] = { ...page.elements[0], visibleIf: '{municipality} notempty' };
    page.elements.push({ type: 'rating', name: 'trust', title: { ru: 'Доверие', uk: 'Довіра', en: 'Trust' } });
    const res = await coordinator
      .post(`/api/questionnaires/${key}/diff-draft`)
      .send({ from: 1, definition: JSON.stringify(d) });
    expect(res.status).toBe(200);
    expect(res.body.added.map((q: { name: string }) => q.name)).toEqual(['trust']);
    expect(res.body.removed.map((q: { name: string }) => q.name)).toEqual([removed.name]);
    expect(res.body.changed.map((q: { name: string }) => q.name)).toEqual([page.elements[0]!.name]);
    const missing = await coordinator
      .post(`/api/questionnaires/${key}/diff-draft`)
      .send({ from: 9, definition: JSON.stringify(d) });
    expect(missing.status).toBe(404);
  });
});

describe('a draft with a dynamic panel', () => {
  type Panel = Record<string, unknown> & { templateElements: Record<string, unknown>[] };
  const panelDef = (panelCount: number) => {
    const d = fixture('joint-projects.json') as Def;
    (d.pages[0]!.elements[1] as Panel).panelCount = panelCount;
    return d;
  };

  it('its inner questions are checked once, as the panel defines them, whatever the panel starts with', async () => {
    for (const panelCount of [0, 2]) {
      const ok = await check(panelDef(panelCount));
      expect(ok.body.problems).toEqual([]);
      const d = panelDef(panelCount);
      const inner = (d.pages[0]!.elements[1] as Panel).templateElements;
      inner.push({ type: 'text', name: 'sector', title: { ru: 'Ещё', uk: 'Ще', en: 'More' } });
      inner[2]!.visibleIf = '{panel.no_such} notempty';
      const bad = await check(d);
      expect(bad.body.problems).toEqual([
        expect.objectContaining({ name: 'sector', code: 'duplicate_name' }),
        expect.objectContaining({ name: 'project_note', code: 'invalid_expression' }),
      ]);
    }
  });

  it('the diff names inner questions <panel>.<question>, each once', async () => {
    const key = `ed-${randomUUID().slice(0, 6)}`;
    const up = await coordinator.post('/api/questionnaires').send({ key, definition: JSON.stringify(panelDef(2)) });
    expect(up.status).toBe(201);
    const d = panelDef(2);
    const inner = (d.pages[0]!.elements[1] as Panel).templateElements;
    inner[1] = { ...inner[1], title: { ru: 'Отрасль', uk: 'Галузь', en: 'Field' } };
    inner.splice(2, 1);
    inner.push({ type: 'text', name: 'budget', title: { ru: 'Бюджет', uk: 'Бюджет', en: 'Budget' } });
    const res = await coordinator
      .post(`/api/questionnaires/${key}/diff-draft`)
      .send({ from: 1, definition: JSON.stringify(d) });
    expect(res.status).toBe(200);
    const names = (list: { name: string }[]) => list.map((q) => q.name);
    expect(names(res.body.added)).toEqual(['projects.budget']);
    expect(names(res.body.removed)).toEqual(['projects.project_note']);
    expect(names(res.body.changed)).toEqual(['projects', 'projects.sector']);
    expect(res.body.unchanged).toEqual(['has_projects', 'projects.project_name', 'partners_count']);
  });
});

describe('a version with a missing language and waves', () => {
  const wave = (questionnaireId: string, over: Record<string, unknown> = {}) => ({
    code: `w-${randomUUID().slice(0, 8)}`,
    title: { ru: 'Волна', uk: 'Хвиля', en: 'Wave' },
    questionnaireId,
    opensAt: null,
    closesAt: null,
    scope: { countries: ['RU'], regions: [] },
    access: 'public',
    anonymous: false,
    ...over,
  });

  it('refuses the version (422 missing_translations) unless the coordinator says so; a complete version is used', async () => {
    const key = `tr-${randomUUID().slice(0, 6)}`;
    const complete = await coordinator.post('/api/questionnaires').send({ key, definition: JSON.stringify(base()) });
    const d = base();
    d.pages[0]!.elements.push({ type: 'rating', name: 'trust', title: { ru: 'Доверие', en: 'Trust' } });
    const partial = await coordinator.post('/api/questionnaires').send({ key, definition: JSON.stringify(d) });
    expect(partial.status).toBe(201);

    const refused = await coordinator.post('/api/waves').send(wave(partial.body.id));
    expect(refused.status).toBe(422);
    expect(refused.body.invalid_params).toEqual([
      expect.objectContaining({ name: 'body.questionnaireId', code: 'missing_translations' }),
    ]);
    expect(refused.body.invalid_params[0].reason).toMatch(/uk 1/);

    const source = await coordinator.post('/api/waves').send(wave(complete.body.id));
    expect(source.status).toBe(201);
    const clone = {
      code: `c-${randomUUID().slice(0, 8)}`,
      title: { ru: 'Клон', uk: '', en: '' },
      opensAt: null,
      closesAt: null,
    };
    const cloneRefused = await coordinator
      .post(`/api/waves/${source.body.code}/clone`)
      .send({ ...clone, questionnaireId: partial.body.id });
    expect(cloneRefused.status).toBe(422);
    expect(cloneRefused.body.invalid_params[0].code).toBe('missing_translations');
    const update = await coordinator.patch(`/api/waves/${source.body.code}`).send({ questionnaireId: partial.body.id });
    expect(update.status).toBe(422);

    const allowed = await coordinator
      .post(`/api/waves/${source.body.code}/clone`)
      .send({ ...clone, questionnaireId: partial.body.id, allowMissingTranslations: true });
    expect(allowed.status).toBe(201);
    expect(allowed.body.questionnaireId).toBe(partial.body.id);
    const created = await coordinator
      .post('/api/waves')
      .send(wave(partial.body.id, { allowMissingTranslations: true }));
    expect(created.status).toBe(201);
    expect(created.body.allowMissingTranslations).toBeUndefined();
  });
});
