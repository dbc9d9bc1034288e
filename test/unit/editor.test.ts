// The questionnaire editor's pure parts: the condition builder's expressions (built, parsed
// back, and run by survey-core), the editing operations, the translation keys and the XLSX
// round trip.
import ExcelJS from 'exceljs';
import { ConditionRunner } from 'survey-core';
import { buildExpression, parseExpression, type Condition } from '../../client/src/pages/admin/editor/conditions';
import {
  addQuestion,
  mergeChoices,
  moveQuestion,
  newQuestion,
  normalize,
  parseChoiceList,
  renameQuestion,
  nameIsSafe,
} from '../../client/src/pages/admin/editor/ops';
import { importTranslations, translationsWorkbook } from '../../client/src/pages/admin/editor/xlsx';
import { collectTexts, missingTranslations, setText } from '../../server/src/questionnaires/texts';
import { fixture } from '../helpers/fixtures';

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
