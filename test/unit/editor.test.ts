// The questionnaire editor's pure parts: the condition builder's expressions (built, parsed
// back, and run by survey-core), the editing operations, the translation keys and the XLSX
// round trip.
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import i18next from 'i18next';
import { ConditionRunner } from 'survey-core';
import { buildExpression, parseExpression, type Condition } from '../../client/src/pages/admin/editor/conditions';
import {
  addInnerQuestion,
  addQuestion,
  changeType,
  conditionQuestions,
  elementAt,
  findQuestion,
  innerQuestions,
  mergeChoices,
  missingTranslationsByQuestion,
  moveQuestion,
  newQuestion,
  normalize,
  parseChoiceList,
  removeQuestion,
  renameQuestion,
  nameIsSafe,
  typesFor,
  updateQuestion,
  type At,
  type Definition,
} from '../../client/src/pages/admin/editor/ops';
import { checkDefinition } from '../../server/src/questionnaires/definition';
import { importTranslations, translationsWorkbook } from '../../client/src/pages/admin/editor/xlsx';
import { collectTexts, missingTranslations, setText } from '../../server/src/questionnaires/texts';
import { fixture } from '../helpers/fixtures';
import { reasonText } from '../../client/src/pages/admin/reason-text';
import ru from '../../client/src/i18n/locales/ru';
import uk from '../../client/src/i18n/locales/uk';
import en from '../../client/src/i18n/locales/en';

const run = (expression: string, values: Record<string, unknown>) => new ConditionRunner(expression).runValues(values);

describe('condition builder: expressions', () => {
  const cases: [string, Condition, string][] = [
    [
      'one choice',
      { join: 'and', clauses: [{ question: 'obstacles', operator: 'contains', value: 'funding' }] },
      "{obstacles} contains 'funding'",
    ],
    [
      'any of a list, or not empty',
      {
        join: 'or',
        clauses: [
          { question: 'imc_experience', operator: 'anyof', value: ['yes_ongoing', 'yes_past'] },
          { question: 'comment', operator: 'notempty' },
        ],
      },
      "{imc_experience} anyof ['yes_ongoing', 'yes_past'] or {comment} notempty",
    ],
    [
      'numbers and quotes',
      {
        join: 'and',
        clauses: [
          { question: 'population', operator: 'greaterorequal', value: 5000 },
          { question: 'municipality', operator: 'notequal', value: "O'Hara" },
        ],
      },
      "{population} >= 5000 and {municipality} != 'O\\'Hara'",
    ],
    [
      'a yes/no answer',
      { join: 'and', clauses: [{ question: 'agree', operator: 'equal', value: true }] },
      '{agree} = true',
    ],
  ];

  it.each(cases)('%s: built, then parsed back to the same condition', (_name, condition, expression) => {
    expect(buildExpression(condition)).toBe(expression);
    expect(parseExpression(expression)).toEqual(condition);
  });

  it('what it builds runs in survey-core with the meaning chosen', () => {
    const e = buildExpression(cases[0]![1]);
    expect(run(e, { obstacles: ['funding', 'legal'] })).toBe(true);
    expect(run(e, { obstacles: ['legal'] })).toBe(false);
    const any = buildExpression(cases[1]![1]);
    expect(run(any, { imc_experience: 'yes_past' })).toBe(true);
    expect(run(any, { imc_experience: 'no' })).toBe(false);
    expect(run(any, { imc_experience: 'no', comment: 'x' })).toBe(true);
    expect(run(buildExpression(cases[2]![1]), { population: 6000, municipality: 'Vologda' })).toBe(true);
  });

  it('parses the existing expressions of the barriers questionnaire back', () => {
    expect(parseExpression('{country} notempty')).toEqual({
      join: 'and',
      clauses: [{ question: 'country', operator: 'notempty' }],
    });
    expect(parseExpression("{obstacles} notempty and {obstacles} notcontains 'none'")).toEqual({
      join: 'and',
      clauses: [
        { question: 'obstacles', operator: 'notempty' },
        { question: 'obstacles', operator: 'notcontains', value: 'none' },
      ],
    });
  });

  it.each([
    '({a} = 1 or {b} = 2) and {c} = 3',
    '{a} = 1 and {b} = 2 or {c} = 3',
    'age({birth}) > 18',
    "{a} = 'unterminated",
    '{a} anyof [1, 2',
    '{a}',
  ])('leaves %s to read-only text (null)', (expression) => {
    expect(parseExpression(expression)).toBeNull();
  });

  it('an empty expression is an empty condition, and an empty condition builds nothing', () => {
    expect(parseExpression('  ')).toEqual({ join: 'and', clauses: [] });
    expect(buildExpression({ join: 'or', clauses: [] })).toBe('');
  });
});

describe('editing operations', () => {
  const def = () => normalize(fixture('mini-barriers.json'));

  it('moves a question across a page boundary and back', () => {
    const d = def();
    const last = d.pages[0]!.elements.length - 1;
    const name = d.pages[0]!.elements[last]!.name;
    if (d.pages.length < 2) d.pages.push({ name: 'p2', elements: [] });
    const down = moveQuestion(d, { page: 0, index: last }, 1);
    expect(down.at).toEqual({ page: 1, index: 0 });
    expect(down.def.pages[1]!.elements[0]!.name).toBe(name);
    const up = moveQuestion(down.def, down.at, -1);
    expect(up.def.pages[0]!.elements.at(-1)!.name).toBe(name);
    expect(d.pages[0]!.elements[last]!.name).toBe(name); // the input is untouched
  });

  it('renaming a question renames the references to it in conditions', () => {
    let d = def();
    const first = d.pages[0]!.elements[0]!.name;
    d = addQuestion(d, 0, { ...newQuestion(d, 'rating', 'Доверие'), visibleIf: `{${first}} notempty` });
    d = renameQuestion(d, { page: 0, index: 0 }, 'renamed');
    expect(d.pages[0]!.elements.at(-1)!.visibleIf).toBe('{renamed} notempty');
  });

  it('a pasted list becomes choices; a re-paste keeps the other languages of the codes it keeps', () => {
    const pasted = parseChoiceList('funding | Нет денег\nlegal\tПробелы в законе\n\nЕщё', 'ru');
    expect(pasted).toEqual([
      { value: 'funding', text: { ru: 'Нет денег' } },
      { value: 'legal', text: { ru: 'Пробелы в законе' } },
      { value: '3', text: { ru: 'Ещё' } },
    ]);
    const merged = mergeChoices([{ value: 'funding', text: { ru: 'x', en: 'No money' } }], pasted.slice(0, 1), 'ru');
    expect(merged).toEqual([{ value: 'funding', text: { ru: 'Нет денег', en: 'No money' } }]);
  });

  it('the safe-name rule', () => {
    expect(nameIsSafe('trust_rating')).toBe(true);
    for (const bad of ['bad name', '1st', 'constructor', 'q-Comment', 'имя', '']) expect(nameIsSafe(bad)).toBe(false);
  });
});

describe('translations', () => {
  it('every text has a stable key, and missing languages are counted', () => {
    const d = normalize(fixture('mini-barriers.json'));
    d.pages[0]!.elements.push({
      type: 'radiogroup',
      name: 'trust',
      title: { ru: 'Доверие' },
      choices: [{ value: 'hi', text: { ru: 'Высокое', en: 'High' } }, 'plain'],
    });
    const keys = collectTexts(d).map((t) => t.key);
    const page = d.pages[0]!.name;
    expect(keys).toEqual(expect.arrayContaining([`${page}.trust.title`, `${page}.trust.choices.hi`]));
    expect(new Set(keys).size).toBe(keys.length);
    expect(missingTranslations(d).missing).toEqual({ ru: 0, uk: 2, en: 1 });
  });

  it('setText turns a plain string into Russian and removes an emptied language', () => {
    const d = { title: 'Анкета' };
    expect(setText(d, ['title'], 'en', 'Questionnaire')).toEqual({ title: { ru: 'Анкета', en: 'Questionnaire' } });
    expect(setText({ title: { ru: 'А', en: 'B' } }, ['title'], 'en', '')).toEqual({ title: { ru: 'А' } });
  });

  it('XLSX round trip: exported, filled in by a translator, imported by key with a report of the changes', async () => {
    const d = normalize(fixture('mini-barriers.json'));
    d.pages[0]!.elements.push({ type: 'rating', name: 'trust', title: { ru: 'Доверие' } });
    const key = `${d.pages[0]!.name}.trust.title`;
    const file = await translationsWorkbook(d);

    // The translator's work: fill uk and en of the new text, add a row nobody asked for.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file);
    const ws = wb.getWorksheet('translations')!;
    expect(ws.getRow(1).values).toEqual([undefined, 'key', 'ru', 'uk', 'en']);
    ws.eachRow((row) => {
      if (row.getCell(1).value === key) {
        row.getCell(3).value = 'Довіра';
        row.getCell(4).value = 'Trust';
      }
    });
    ws.addRow(['no.such.key', 'x', 'y', 'z']);
    const back = (await wb.xlsx.writeBuffer()) as ArrayBuffer;

    const result = await importTranslations(d, back);
    expect(result.changes).toEqual([
      { key, locale: 'uk', before: '', after: 'Довіра' },
      { key, locale: 'en', before: '', after: 'Trust' },
    ]);
    expect(result.unknownKeys).toEqual(['no.such.key']);
    expect(result.absentKeys).toEqual([]);
    expect(missingTranslations(result.definition).missing).toEqual({ ru: 0, uk: 0, en: 0 });
    expect(missingTranslations(d).missing.uk).toBe(1); // the input is untouched
  });
});

describe('questions inside a dynamic panel', () => {
  const def = () => normalize(fixture('joint-projects.json'));
  const panel: At = { page: 0, index: 1 };
  const names = (d: Definition) => innerQuestions(d, panel).map((q) => q.name);

  it('the fixture is a valid questionnaire whose panel holds three questions', () => {
    expect(checkDefinition(def())).toEqual([]);
    expect(names(def())).toEqual(['project_name', 'sector', 'project_note']);
  });

  it('adds, edits, moves within the panel only, and removes an inner question', () => {
    const d0 = def();
    const q = newQuestion(d0, 'checkbox', 'Партнёры');
    let d = addInnerQuestion(d0, panel, q, 1);
    expect(names(d)).toEqual(['project_name', q.name, 'sector', 'project_note']);
    const at: At = { ...panel, inner: 1 };
    d = updateQuestion(d, at, { title: { ru: 'Партнёры проекта', en: 'Partners' }, isRequired: true });
    expect(elementAt(d, at)).toMatchObject({ name: q.name, title: { ru: 'Партнёры проекта' }, isRequired: true });
    // Moving stays inside the panel: at its first place an up move does nothing.
    const up = moveQuestion(d, at, -1);
    expect(up.at).toEqual({ ...panel, inner: 0 });
    expect(names(up.def)[0]).toBe(q.name);
    expect(moveQuestion(up.def, up.at, -1).def).toBe(up.def);
    const last = moveQuestion(d, { ...panel, inner: 3 }, 1);
    expect(last.def).toBe(d);
    d = removeQuestion(up.def, up.at);
    expect(names(d)).toEqual(['project_name', 'sector', 'project_note']);
    // The page's own list never changed, and the inputs are untouched.
    expect(d.pages[0]!.elements.map((e) => e.name)).toEqual(['has_projects', 'projects', 'partners_count']);
    expect(names(d0)).toEqual(['project_name', 'sector', 'project_note']);
    expect(checkDefinition(up.def)).toEqual([]);
  });

  it('does not add inside a question that is not a dynamic panel', () => {
    const d = def();
    expect(addInnerQuestion(d, { page: 0, index: 0 }, newQuestion(d, 'text', 'x'))).toBe(d);
  });

  it('renaming an inner question renames {panel.<name>} in the panel, not a same-named outside question', () => {
    let d = def();
    d = addQuestion(d, 0, { type: 'text', name: 'outside', visibleIf: '{project_name} notempty' });
    d = renameQuestion(d, { ...panel, inner: 0 }, 'title_of_project');
    expect(elementAt(d, { ...panel, inner: 0 })!.name).toBe('title_of_project');
    expect(elementAt(d, { ...panel, inner: 2 })!.visibleIf).toBe('{panel.title_of_project} notempty');
    expect(d.pages[0]!.elements.at(-1)!.visibleIf).toBe('{project_name} notempty');
    expect(findQuestion(d, 'title_of_project')).toEqual({ ...panel, inner: 0 });
  });

  it('an inner question may ask about its panel siblings as panel.<name> and about outside questions', () => {
    const d = def();
    const list = conditionQuestions(d, { ...panel, inner: 2 }).map((q) => q.name);
    expect(list).toEqual(['panel.project_name', 'panel.sector', 'has_projects', 'partners_count']);
    // The builder builds and parses such a condition back.
    const c: Condition = { join: 'and', clauses: [{ question: 'panel.sector', operator: 'equal', value: 'waste' }] };
    expect(buildExpression(c)).toBe("{panel.sector} = 'waste'");
    expect(parseExpression("{panel.sector} = 'waste'")).toEqual(c);
    expect(typesFor({ ...panel, inner: 0 })).not.toContain('paneldynamic');
    expect(typesFor(panel)).toContain('paneldynamic');
  });

  it('inner texts are in the translation table, and a missing one is attributed to its inner question', () => {
    let d = def();
    const keys = collectTexts(d).map((x) => x.key);
    expect(keys).toEqual(
      expect.arrayContaining(['projects_page.projects.sector.title', 'projects_page.projects.sector.choices.waste']),
    );
    expect(missingTranslationsByQuestion(d).size).toBe(0);
    const sector: At = { ...panel, inner: 1 };
    const choices = [...(elementAt(d, sector)!.choices as unknown[]), { value: 'water', text: { ru: 'Вода' } }];
    d = updateQuestion(d, sector, { choices });
    expect(missingTranslationsByQuestion(d)).toEqual(new Map([['sector', { uk: 1, en: 1 }]]));
    expect(missingTranslations(d).missing).toEqual({ ru: 0, uk: 1, en: 1 });
  });

  it('the server refuses a duplicate name inside one panel, whatever its panelCount, and not across panel entries', () => {
    for (const panelCount of [0, 1, 3]) {
      const d = updateQuestion(def(), panel, { panelCount });
      expect(checkDefinition(d)).toEqual([]);
      const dup = addInnerQuestion(d, panel, { type: 'text', name: 'sector' });
      expect(checkDefinition(dup)).toEqual([expect.objectContaining({ name: 'sector', code: 'duplicate_name' })]);
    }
  });

  it('the server refuses {panel.<name>} naming no question of the panel, and an unsafe inner name', () => {
    const d = updateQuestion(def(), { ...panel, inner: 2 }, { visibleIf: '{panel.nothing} notempty' });
    expect(checkDefinition(d)).toEqual([expect.objectContaining({ name: 'project_note', code: 'invalid_expression' })]);
    const unsafe = updateQuestion(def(), { ...panel, inner: 0 }, { name: 'project name' });
    expect(checkDefinition(unsafe)).toEqual([expect.objectContaining({ name: 'project name', code: 'unsafe_name' })]);
  });
});

describe('changing the type of a question', () => {
  const base = (): Definition =>
    normalize({
      pages: [
        {
          name: 'p1',
          elements: [
            {
              type: 'radiogroup',
              name: 'size',
              title: { ru: 'Размер', en: 'Size' },
              description: { ru: 'Один ответ' },
              isRequired: true,
              visibleIf: '{agree} = true',
              colCount: 2,
              showOtherItem: true,
              choices: [
                { value: 'small', text: { ru: 'Малый' } },
                { value: 'big', text: { ru: 'Большой' } },
              ],
            },
            {
              type: 'checkbox',
              name: 'many',
              choices: ['a', 'b'],
              showSelectAllItem: true,
              maxSelectedChoices: 2,
              validators: [{ type: 'answercount', maxCount: 2 }],
            },
            { type: 'rating', name: 'score', title: { ru: 'Оценка' }, rateMin: 0, rateMax: 10 },
            {
              type: 'text',
              name: 'line',
              title: { ru: 'Строка' },
              placeholder: { ru: '…' },
              validators: [{ type: 'email' }, { type: 'text', maxLength: 20 }],
              inputType: 'email',
            },
            { type: 'boolean', name: 'agree', title: { ru: 'Согласны?' } },
          ],
        },
      ],
    });
  const at = (index: number): At => ({ page: 0, index });

  it('radiogroup → checkbox → dropdown keeps name, texts, required, condition and choices', () => {
    const d = base();
    const a = changeType(d, at(0), 'checkbox');
    expect(a.dropped).toEqual([]);
    expect(elementAt(a.def, at(0))).toEqual({ ...d.pages[0]!.elements[0]!, type: 'checkbox' });
    const b = changeType(a.def, at(0), 'dropdown');
    expect(b.dropped).toEqual(['colCount']);
    expect(elementAt(b.def, at(0))).toMatchObject({
      type: 'dropdown',
      name: 'size',
      title: { ru: 'Размер', en: 'Size' },
      isRequired: true,
      visibleIf: '{agree} = true',
      showOtherItem: true,
      searchEnabled: true,
      choices: d.pages[0]!.elements[0]!.choices,
    });
    expect(elementAt(d, at(0))!.type).toBe('radiogroup'); // the input is untouched
    expect(checkDefinition(b.def)).toEqual([]);
  });

  it("checkbox → radiogroup drops what only a checkbox has, and the checkbox's validators", () => {
    const r = changeType(base(), at(1), 'radiogroup');
    expect(r.dropped.sort()).toEqual(['maxSelectedChoices', 'showSelectAllItem', 'validators']);
    expect(elementAt(r.def, at(1))).toEqual({ type: 'radiogroup', name: 'many', choices: ['a', 'b'] });
  });

  it('a choice question becomes a text without its choices; a text becomes a choice question with two to start', () => {
    const toText = changeType(base(), at(0), 'text');
    expect(toText.dropped.sort()).toEqual(['choices', 'colCount', 'showOtherItem']);
    expect(elementAt(toText.def, at(0))).not.toHaveProperty('choices');
    const back = changeType(toText.def, at(0), 'radiogroup');
    expect((elementAt(back.def, at(0))!.choices as unknown[]).length).toBe(2);
    expect(checkDefinition(back.def)).toEqual([]);
  });

  it('text ↔ comment keeps the placeholder and the text checks, drops the input type and the e-mail check', () => {
    const r = changeType(base(), at(3), 'comment');
    expect(r.dropped.sort()).toEqual(['inputType', 'validators']);
    expect(elementAt(r.def, at(3))).toEqual({
      type: 'comment',
      name: 'line',
      title: { ru: 'Строка' },
      placeholder: { ru: '…' },
      validators: [{ type: 'text', maxLength: 20 }],
    });
    expect(changeType(r.def, at(3), 'text').dropped).toEqual([]);
  });

  it('rating ↔ number field carries the range', () => {
    const r = changeType(base(), at(2), 'text');
    expect(r.dropped).toEqual([]);
    expect(elementAt(r.def, at(2))).toEqual({
      type: 'text',
      name: 'score',
      title: { ru: 'Оценка' },
      inputType: 'number',
      min: 0,
      max: 10,
    });
    const back = changeType(r.def, at(2), 'rating');
    expect(back.dropped).toEqual([]);
    expect(elementAt(back.def, at(2))).toEqual(elementAt(base(), at(2)));
    expect(checkDefinition(back.def)).toEqual([]);
  });

  it('an inner question changes type in its panel; the same type changes nothing', () => {
    const d = normalize(fixture('joint-projects.json'));
    const sector: At = { page: 0, index: 1, inner: 1 };
    const r = changeType(d, sector, 'checkbox');
    expect(elementAt(r.def, sector)).toMatchObject({ type: 'checkbox', name: 'sector', title: { ru: 'Сфера' } });
    expect(r.def.pages[0]!.elements).toHaveLength(3);
    expect(checkDefinition(r.def)).toEqual([]);
    expect(changeType(d, sector, 'radiogroup').def).toBe(d);
  });
});

const ROOT = path.resolve(__dirname, '..', '..');

/** An i18next `t` of the one language `lng`, with the client's locale file `translation`. */
function translator(lng: string, translation: typeof en) {
  const t = i18next.createInstance();
  void t.init({ lng, resources: { [lng]: { translation } }, initAsync: false });
  return t;
}

describe("the server's reason codes in the editor's problem lists", () => {
  // Every code the questionnaire checks (upload, the editor's check, "try it" answers) and a
  // wave's refusal of missing translations can give, read from the server's source.
  const sources = [
    ...fs
      .readdirSync(path.join(ROOT, 'server/src/questionnaires'))
      .map((f) => path.join('server/src/questionnaires', f)),
    'server/src/waves/waves.service.ts',
  ];
  const codes = new Set<string>();
  for (const file of sources)
    for (const m of fs
      .readFileSync(path.join(ROOT, file), 'utf8')
      .matchAll(/code: (?:\w+ \? )?'(\w+)'(?: : '(\w+)')?/g))
      for (const c of [m[1], m[2]]) if (c) codes.add(c);

  it.each([
    ['ru', ru],
    ['uk', uk],
    ['en', en],
  ])('each has a wording in %s', (_, locale) => {
    expect(codes.size).toBeGreaterThan(20);
    expect(codes).toContain('missing_translations');
    expect([...codes].filter((c) => !(c in locale.admin.reason))).toEqual([]);
  });

  it('a reason quoting what it concerns keeps that in the wording; an unknown code keeps the server text', () => {
    const t = translator('en', en);
    const unknownProperty = {
      code: 'unknown_property',
      reason: 'the property "rateColorMode" is not a SurveyJS property and not one of the extensions',
    };
    expect(reasonText(t.t, unknownProperty)).toBe(`${en.admin.reason.unknown_property} (rateColorMode)`);
    expect(reasonText(t.t, { code: 'no_such_code', reason: 'as the server says' })).toBe('as the server says');
  });

  it('missing_translations is worded from the locale file, with the languages and counts the server gives', () => {
    const t = translator('ru', ru);
    const p = {
      name: 'body.questionnaireId',
      code: 'missing_translations',
      reason:
        'q@2 has texts without a translation: uk 3, en 1 (e.g. p1.en 2.title). Translate them in the editor, or confirm with allowMissingTranslations.',
    };
    expect(reasonText(t.t, p)).toBe('не все тексты переведены на языки анкеты: украинский — 3, английский — 1');
  });
});
