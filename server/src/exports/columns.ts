// The columns of the raw export, with what the codebook, the SPSS/R syntax and the data package
// say about them. One column per answer variable: a checkbox becomes one 0/1 column per choice,
// a matrix one column per row, a ranking its first choice, "other" text (and a researcher's
// code for it) their own columns. Derived from the questionnaire, so every response of a wave
// has the same columns whatever it answered.
import { municipalityTypes, respondentRoles, sizeClasses, type Localized } from '../reference/reference.service';
import { variablesOf, type Variable } from '../analytics/variables';

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

export function answerColumns(definition: object): Column[] {
  const cols: Column[] = [];
  const seenOther = new Set<string>();
  for (const v of variablesOf(definition)) {
    const get = (ctx: RowContext) => ctx.answers[v.question];
    if (v.kind === 'multi') {
      for (const o of v.options) {
        cols.push({
          name: `${v.name}_${o.value}`,
          question: v.question,
          questionType: v.type,
          type: 'integer',
          title: suffix(v.title, o.labels),
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
        cols.push({
          name: v.question,
          question: v.question,
          questionType: v.type,
          type: 'string',
          title: v.title,
          value: (ctx) => {
            const a = get(ctx);
            return Array.isArray(a) ? a.join(' > ') : '';
          },
        });
      }
      cols.push({
        name: v.name,
        question: v.question,
        questionType: v.type,
        type,
        title: v.title,
        labels: labelsOf(v, type),
        value: (ctx) => {
          const values = v.values(ctx.answers);
          if (!values?.length) return '';
          return type === 'integer' ? Number(values[0]) : values[0];
        },
      });
    } else if (v.kind === 'numeric') {
      cols.push({
        name: v.name,
        question: v.question,
        questionType: v.type,
        type: 'number',
        title: v.title,
        value: (ctx) => v.number(ctx.answers) ?? '',
      });
    } else {
      cols.push({
        name: v.name,
        question: v.question,
        questionType: v.type,
        type: 'string',
        title: v.title,
        value: (ctx) => {
          const a = get(ctx);
          return typeof a === 'string' ? a : '';
        },
      });
    }
    if (v.hasOther && !seenOther.has(v.question)) {
      seenOther.add(v.question);
      cols.push({
        name: `${v.question}_other_text`,
        question: v.question,
        questionType: v.type,
        type: 'string',
        title: suffix(v.title, OTHER_TEXT),
        value: (ctx) => ctx.answers[`${v.question}-Comment`] ?? '',
      });
      if (v.kind === 'single' || v.kind === 'multi') {
        cols.push({
          name: `${v.question}_other_code`,
          question: v.question,
          questionType: v.type,
          type: 'string',
          title: suffix(v.title, OTHER_CODE),
          value: (ctx) => ctx.codes?.get(v.name) ?? '',
        });
      }
    }
  }
  // A question may share its name with a fixed column (`municipality`): keep names unique for SPSS/R.
  const fixed = new Set(FIXED_COLUMNS.map((c) => c.name));
  return cols.map((c) => (fixed.has(c.name) ? { ...c, name: `q_${c.name}` } : c));
}

/** All the columns of a raw export: the fixed ones (described) then the answers. */
export function allColumns(definition: object): Omit<Column, 'value'>[] {
  return [...FIXED_COLUMNS, ...answerColumns(definition)];
}
