// The columns of the raw export, with what the codebook, the SPSS/R syntax and the data package
// say about them. One column per answer variable: a checkbox becomes one 0/1 column per choice,
// a matrix one column per row, a ranking its first choice, "other" text (and a researcher's
// code for it) their own columns. The cells of a matrixdropdown are `<q>__<row>__<cell>`, those
// of a matrixdynamic row or a dynamic panel `<q>__<i>__<cell>` (i from 1), each cell made into
// columns like a question of its own (a checkbox cell: 0/1 per choice). Derived from the
// questionnaire (and, for dynamic rows and panels, how many the wave's responses have), so every
// response of a wave has the same columns whatever it answered.
import { municipalityTypes, respondentRoles, sizeClasses, type Localized } from '../reference/reference.service';
import type { ItemValue, Question } from 'survey-core';
import { localized, variablesOf, type Variable } from '../analytics/variables';
import { createModel } from '../questionnaires/survey-model';

export type ColumnType = 'string' | 'integer' | 'number' | 'datetime';
export type ValueLabel = { value: string | number; labels: Localized };

export type RowContext = {
  answers: Record<string, unknown>;
  /** variable → a researcher's code of its "other" answer */
  codes?: Map<string, string>;
};

export type Column = {
  name: string;
  /** The question it comes from ('' for the response's own fields). */
  question: string;
  /** SurveyJS type of the question, or 'meta'. */
  questionType: string;
  type: ColumnType;
  title: Localized;
  labels?: ValueLabel[];
  value: (ctx: RowContext) => unknown;
};

const L = (ru: string, en: string, uk: string): Localized => ({ ru, en, uk });
const suffix = (t: Localized, s: Localized): Localized => ({
  ru: `${t.ru}: ${s.ru}`,
  en: `${t.en}: ${s.en}`,
  uk: `${t.uk}: ${s.uk}`,
});
const CHOSEN: ValueLabel[] = [
  { value: 0, labels: L('не выбрано', 'not chosen', 'не обрано') },
  { value: 1, labels: L('выбрано', 'chosen', 'обрано') },
];
const coded = (list: { code: string; names: Localized }[]): ValueLabel[] =>
  list.map((x) => ({ value: x.code, labels: x.names }));

/** The response's own fields, first in every row. */
export const FIXED_COLUMNS: Omit<Column, 'value'>[] = [
  {
    name: 'response_id',
    question: '',
    questionType: 'meta',
    type: 'string',
    title: L('Идентификатор ответа', 'Response id', 'Ідентифікатор відповіді'),
  },
  {
    name: 'wave',
    question: '',
    questionType: 'meta',
    type: 'string',
    title: L('Волна опроса', 'Survey wave', 'Хвиля опитування'),
  },
  {
    name: 'questionnaire',
    question: '',
    questionType: 'meta',
    type: 'string',
    title: L('Анкета (ключ@версия)', 'Questionnaire (key@version)', 'Анкета (ключ@версія)'),
  },
  {
    name: 'questionnaire_version',
    question: '',
    questionType: 'meta',
    type: 'integer',
    title: L('Версия анкеты', 'Questionnaire version', 'Версія анкети'),
  },
  {
    name: 'status',
    question: '',
    questionType: 'meta',
    type: 'string',
    title: L('Статус анкеты', 'Response status', 'Статус анкети'),
  },
  {
    name: 'submitted_at',
    question: '',
    questionType: 'meta',
    type: 'datetime',
    title: L('Время отправки (UTC)', 'Submitted at (UTC)', 'Час надсилання (UTC)'),
  },
  {
    name: 'started_at',
    question: '',
    questionType: 'meta',
    type: 'datetime',
    title: L('Время начала (UTC)', 'Started at (UTC)', 'Час початку (UTC)'),
  },
  {
    name: 'locale',
    question: '',
    questionType: 'meta',
    type: 'string',
    title: L('Язык анкеты', 'Questionnaire language', 'Мова анкети'),
  },
  {
    name: 'region_code',
    question: '',
    questionType: 'meta',
    type: 'string',
    title: L('Код региона (ISO 3166-2)', 'Region code (ISO 3166-2)', 'Код регіону (ISO 3166-2)'),
  },
  { name: 'region_name', question: '', questionType: 'meta', type: 'string', title: L('Регион', 'Region', 'Регіон') },
  {
    name: 'municipality',
    question: '',
    questionType: 'meta',
    type: 'string',
    title: L('Муниципальное образование', 'Municipality', 'Громада'),
  },
  {
    name: 'municipality_type',
    question: '',
    questionType: 'meta',
    type: 'string',
    title: L('Тип муниципального образования', 'Municipality type', 'Тип громади'),
    labels: coded(municipalityTypes),
  },
  {
    name: 'size_class',
    question: '',
    questionType: 'meta',
    type: 'string',
    title: L('Размер (численность населения)', 'Size class', 'Розмір (чисельність населення)'),
    labels: coded(sizeClasses),
  },
  {
    name: 'respondent_role',
    question: '',
    questionType: 'meta',
    type: 'string',
    title: L('Должность респондента', 'Respondent role', 'Посада респондента'),
    labels: coded(respondentRoles),
  },
];

const typeOfOptions = (v: Variable): ColumnType =>
  v.options.length > 0 && v.options.every((o) => /^-?\d+$/.test(o.value)) ? 'integer' : 'string';
const labelsOf = (v: Variable, type: ColumnType): ValueLabel[] =>
  v.options.map((o) => ({ value: type === 'integer' ? Number(o.value) : o.value, labels: o.labels }));

const OTHER_TEXT = L('другое (текст)', 'other (text)', 'інше (текст)');
const OTHER_CODE = L('другое (код исследователя)', 'other (researcher’s code)', 'інше (код дослідника)');

/** Where a variable's answers are: the response's answers, or one matrix row's / dynamic panel's value. */
type Scope = (ctx: RowContext) => Record<string, unknown>;
const topLevel: Scope = (ctx) => ctx.answers;
/** Prefix of the names and titles of the columns of one cell (matrix row, dynamic row or panel). */
type Nesting = { question: string; name: string; title: Localized; scope: Scope };

/** The columns of one variable (see the head of this file). Nested cells have no researcher's codes. */
function variableColumns(v: Variable, cols: Column[], seenOther: Set<string>, nest?: Nesting): void {
  const at = nest?.scope ?? topLevel;
  const get = (ctx: RowContext) => at(ctx)[v.question];
  const named = (n: string) => (nest ? `${nest.name}${n}` : n);
  const title = nest ? suffix(nest.title, v.title) : v.title;
  const question = nest?.question ?? v.question;
  /** A text column of this variable's question. */
  const stringColumn = (name: string, colTitle: Localized, value: Column['value']): Column => ({
    name,
    question,
    questionType: v.type,
    type: 'string',
    title: colTitle,
    value,
  });
  if (v.kind === 'multi') {
    for (const o of v.options) {
      cols.push({
        name: named(`${v.name}_${o.value}`),
        question,
        questionType: v.type,
        type: 'integer',
        title: suffix(title, o.labels),
        labels: CHOSEN,
        value: (ctx) => {
          const a = get(ctx);
          return Array.isArray(a) ? (a.map(String).includes(o.value) ? 1 : 0) : '';
        },
      });
    }
  } else if (v.kind === 'single') {
    const type = typeOfOptions(v);
    if (v.type === 'ranking') {
      cols.push(
        stringColumn(named(v.question), title, (ctx) => {
          const a = get(ctx);
          return Array.isArray(a) ? a.join(' > ') : '';
        }),
      );
    }
    cols.push({
      name: named(v.name),
      question,
      questionType: v.type,
      type,
      title,
      labels: labelsOf(v, type),
      value: (ctx) => {
        const values = v.values(at(ctx));
        if (!values?.length) return '';
        return type === 'integer' ? Number(values[0]) : values[0];
      },
    });
  } else if (v.kind === 'numeric') {
    cols.push({
      name: named(v.name),
      question,
      questionType: v.type,
      type: 'number',
      title,
      value: (ctx) => v.number(at(ctx)) ?? '',
    });
  } else {
    cols.push(
      stringColumn(named(v.name), title, (ctx) => {
        const a = get(ctx);
        return typeof a === 'string' ? a : '';
      }),
    );
  }
  if (v.hasOther && !seenOther.has(named(v.question))) {
    seenOther.add(named(v.question));
    cols.push(
      stringColumn(
        named(`${v.question}_other_text`),
        suffix(title, OTHER_TEXT),
        (ctx) => at(ctx)[`${v.question}-Comment`] ?? '',
      ),
    );
    if (!nest && (v.kind === 'single' || v.kind === 'multi')) {
      cols.push(
        stringColumn(`${v.question}_other_code`, suffix(title, OTHER_CODE), (ctx) => ctx.codes?.get(v.name) ?? ''),
      );
    }
  }
}

const prop = <T>(q: Question, name: string) => (q as unknown as Record<string, unknown>)[name] as T;
const CHOICE_CELLS = new Set(['dropdown', 'checkbox', 'radiogroup', 'tagbox']);
const objectAt = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** The questions of one matrix row / dynamic panel as a definition of their own (variablesOf reads it). */
function cellDefinition(q: Question): object {
  if (q.getType() === 'paneldynamic') {
    const template = prop<{ questions: Question[] }>(q, 'template');
    return { elements: template.questions.map((t) => ({ type: t.getType(), ...t.toJSON() })) };
  }
  // Matrix columns: the cell question survey-core builds for each; a choice cell without choices
  // of its own offers the matrix's.
  const matrixChoices = (q.toJSON() as { choices?: unknown[] }).choices;
  const columns = prop<{ templateQuestion: Question }[]>(q, 'columns') ?? [];
  return {
    elements: columns.map(({ templateQuestion: t }) => {
      const json: Record<string, unknown> = { type: t.getType(), ...t.toJSON() };
      if (CHOICE_CELLS.has(t.getType()) && !json.choices && matrixChoices?.length) json.choices = matrixChoices;
      return json;
    }),
  };
}

const DYNAMIC = new Set(['matrixdynamic', 'paneldynamic']);
const NESTED = new Set(['matrixdropdown', ...DYNAMIC]);

/** The value names of the matrixdynamic and paneldynamic questions of a definition. */
export function dynamicQuestions(definition: object): string[] {
  return (createModel(definition).getAllQuestions(false, false, true) as Question[])
    .filter((q) => DYNAMIC.has(q.getType()) && !prop(q, 'parentQuestion'))
    .map((q) => q.getValueName());
}

/**
 * The columns of the answers. `instances` gives, per matrixdynamic/paneldynamic question, how
 * many rows/panels get columns (`<q>__<i>__<cell>`, i from 1): the most a response of the wave
 * has; a question missing from it gets none. A matrixdropdown's cells are `<q>__<row>__<cell>`.
 */
export function answerColumns(definition: object, instances: Record<string, number> = {}): Column[] {
  const cols: Column[] = [];
  const seenOther = new Set<string>();
  const variables = variablesOf(definition);
  const done = new Set<string>();
  for (const q of createModel(definition).getAllQuestions(false, false, true) as Question[]) {
    if (prop(q, 'parentQuestion')) continue;
    const question = q.getValueName();
    const type = q.getType();
    if (NESTED.has(type)) {
      const cells = variablesOf(cellDefinition(q));
      const qTitle = localized(q.locTitle, q.name);
      const nests: Nesting[] = [];
      if (type === 'matrixdropdown') {
        for (const row of prop<ItemValue[]>(q, 'rows') ?? []) {
          const r = String(row.value);
          nests.push({
            question,
            name: `${question}__${r}__`,
            title: suffix(qTitle, localized(row.locText, r)),
            scope: (ctx) => objectAt(objectAt(ctx.answers[question])[r]),
          });
        }
      } else {
        const n = Math.min(
          instances[question] ?? 0,
          Number(prop(q, type === 'paneldynamic' ? 'maxPanelCount' : 'maxRowCount')) || Infinity,
        );
        for (let i = 1; i <= n; i++) {
          nests.push({
            question,
            name: `${question}__${i}__`,
            // `(2)`, not `#2`: a `#` starts a comment for many CSV readers of the codebook.
            title: { ru: `${qTitle.ru} (${i})`, en: `${qTitle.en} (${i})`, uk: `${qTitle.uk} (${i})` },
            scope: (ctx) => {
              const list = ctx.answers[question];
              return objectAt(Array.isArray(list) ? list[i - 1] : undefined);
            },
          });
        }
      }
      for (const nest of nests) for (const v of cells) variableColumns(v, cols, seenOther, nest);
      continue;
    }
    if (done.has(question)) continue;
    done.add(question);
    for (const v of variables) if (v.question === question) variableColumns(v, cols, seenOther);
  }
  // A question may share its name with a fixed column (`municipality`), or a question named
  // `a__1__b` with a cell: keep names unique for SPSS/R.
  const used = new Set(FIXED_COLUMNS.map((c) => c.name));
  return cols.map((c) => {
    let name = used.has(c.name) ? `q_${c.name}` : c.name;
    for (let i = 2; used.has(name); i++) name = `q_${c.name}_${i}`;
    used.add(name);
    return name === c.name ? c : { ...c, name };
  });
}

/** All the columns of a raw export: the fixed ones (described) then the answers. */
export function allColumns(definition: object, instances: Record<string, number> = {}): Omit<Column, 'value'>[] {
  return [...FIXED_COLUMNS, ...answerColumns(definition, instances)];
}
