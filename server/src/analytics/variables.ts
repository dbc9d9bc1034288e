// The analysis variables of a questionnaire: every choice-type question (radio, dropdown,
// checkbox, boolean, rating, each matrix row, the first choice of a ranking) becomes a
// categorical variable with its value codes and labels in ru/en/uk; number inputs become numeric
// variables; text questions and "other (specify)" fields are text. The tally, crosstab,
// comparison, codebook and the syntax files all read this one description.
import type { ItemValue, LocalizableString, Question } from 'survey-core';
import { createModel } from '../questionnaires/survey-model';
import { findRegion, type Localized } from '../reference/reference.service';

export type Kind = 'single' | 'multi' | 'numeric' | 'text';
export type Option = { value: string; labels: Localized };

export type Variable = {
  /** Variable name (a column of the raw export): the question name, or `<matrix>_<row>`, `<ranking>_first`. */
  name: string;
  /** The question's value name in the answers. */
  question: string;
  /** SurveyJS question type. */
  type: string;
  kind: Kind;
  title: Localized;
  /** Value codes with labels (single and multi). */
  options: Option[];
  /** The role of the question (stored with the questionnaire version, see catalogue.ts), if any. */
  role?: string;
  /** The question offers "other (specify)": its text is in `<question>-Comment`. */
  hasOther: boolean;
  /** Rating questions are categorical but also summarised as numbers. */
  numeric: boolean;
  /** The chosen value codes (single, multi) or undefined when unanswered. */
  values: (answers: Record<string, unknown>) => string[] | undefined;
  /** The number given (numeric and rating), or undefined. */
  number: (answers: Record<string, unknown>) => number | undefined;
};

const LOCALES = ['ru', 'en', 'uk'] as const;
const OTHER: Localized = { ru: 'Другое', en: 'Other', uk: 'Інше' };
const NONE: Localized = { ru: 'Ничего из перечисленного', en: 'None of these', uk: 'Нічого з переліченого' };
const YES: Localized = { ru: 'Да', en: 'Yes', uk: 'Так' };
const NO: Localized = { ru: 'Нет', en: 'No', uk: 'Ні' };
const FIRST: Localized = { ru: 'первый выбор', en: 'first choice', uk: 'перший вибір' };

export function localized(s: LocalizableString | undefined, fallback: Localized | string): Localized {
  const fb = typeof fallback === 'string' ? { ru: fallback, en: fallback, uk: fallback } : fallback;
  const any = s ? s.getLocaleText('') || s.getLocaleText('ru') || s.getLocaleText('en') || s.getLocaleText('uk') : '';
  const out = {} as Localized;
  for (const l of LOCALES) out[l] = (s?.getLocaleText(l) || any || fb[l]).trim();
  return out;
}

const prop = <T>(q: Question, name: string) => (q as unknown as Record<string, unknown>)[name] as T;

function itemOptions(items: ItemValue[] | undefined): Option[] {
  return (items ?? []).map((c) => {
    const value = String(c.value);
    const region = findRegion(value);
    return { value, labels: localized(c.locText, region?.names ?? value) };
  });
}

function choiceOptions(q: Question): Option[] {
  const options = itemOptions(prop<ItemValue[]>(q, 'choices'));
  if (prop(q, 'showOtherItem') || prop(q, 'hasOther')) {
    options.push({ value: 'other', labels: localized(prop<ItemValue>(q, 'otherItem')?.locText, OTHER) });
  }
  if (prop(q, 'showNoneItem') || prop(q, 'hasNone')) {
    options.push({ value: 'none', labels: localized(prop<ItemValue>(q, 'noneItem')?.locText, NONE) });
  }
  return options;
}

const asValues = (v: unknown): string[] | undefined => {
  if (v === undefined || v === null || v === '') return undefined;
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'object') return undefined;
  return [String(v)];
};
const asNumber = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const noNumber = () => undefined;

/** The variables of a questionnaire definition, in questionnaire order. */
export function variablesOf(definition: object): Variable[] {
  const model = createModel(definition);
  const out: Variable[] = [];
  for (const q of model.getAllQuestions(false, false, true) as Question[]) {
    // The cell questions of a matrixdropdown/matrixdynamic and the template questions of a dynamic
    // panel are not answers of their own (their values live inside the parent's value): without
    // this they came out as duplicate, always-empty columns (`share`, `share`).
    if ((q as unknown as { parentQuestion?: unknown }).parentQuestion) continue;
    const question = q.getValueName();
    const type = q.getType();
    const title = localized(q.locTitle, q.name);
    const hasOther = Boolean(prop(q, 'showOtherItem') || prop(q, 'hasOther') || prop(q, 'showCommentArea'));
    const base = { question, type, title, role: undefined, hasOther, numeric: false, number: noNumber };
    const get = (a: Record<string, unknown>) => a[question];
    /** A choice question: one variable, its values the chosen options. */
    const choice = (kind: 'single' | 'multi'): Variable => ({
      ...base,
      name: question,
      kind,
      options: choiceOptions(q),
      values: (a) => asValues(get(a)),
    });
    /** A number question: one numeric variable, no options. */
    const numeric = (): Variable => ({
      ...base,
      name: question,
      kind: 'numeric',
      numeric: true,
      options: [],
      values: () => undefined,
      number: (a) => asNumber(get(a)),
    });
    switch (type) {
      case 'radiogroup':
      case 'dropdown':
        out.push(choice('single'));
        break;
      case 'checkbox':
      case 'tagbox':
        out.push(choice('multi'));
        break;
      case 'imagepicker':
        out.push(choice(prop(q, 'multiSelect') ? 'multi' : 'single'));
        break;
      case 'boolean': {
        const t = prop<unknown>(q, 'valueTrue') ?? true;
        const f = prop<unknown>(q, 'valueFalse') ?? false;
        out.push({
          ...base,
          name: question,
          kind: 'single',
          options: [
            { value: String(t), labels: localized(prop<LocalizableString>(q, 'locLabelTrue'), YES) },
            { value: String(f), labels: localized(prop<LocalizableString>(q, 'locLabelFalse'), NO) },
          ],
          values: (a) => asValues(get(a)),
        });
        break;
      }
      case 'rating': {
        const rateValues = prop<ItemValue[]>(q, 'visibleRateValues') ?? [];
        const options = itemOptions(rateValues);
        out.push({
          ...base,
          name: question,
          kind: 'single',
          numeric: true,
          options,
          values: (a) => asValues(get(a)),
          number: (a) => asNumber(get(a)),
        });
        break;
      }
      case 'matrix': {
        const columns = itemOptions(prop<ItemValue[]>(q, 'columns'));
        for (const row of prop<ItemValue[]>(q, 'rows') ?? []) {
          const r = String(row.value);
          const rowTitle = localized(row.locText, r);
          out.push({
            ...base,
            name: `${question}_${r}`,
            kind: 'single',
            title: {
              ru: `${title.ru}: ${rowTitle.ru}`,
              en: `${title.en}: ${rowTitle.en}`,
              uk: `${title.uk}: ${rowTitle.uk}`,
            },
            options: columns,
            hasOther: false,
            numeric: columns.every((c) => c.value !== '' && Number.isFinite(Number(c.value))),
            values: (a) => asValues((get(a) as Record<string, unknown> | undefined)?.[r]),
            number: (a) => {
              const v = (get(a) as Record<string, unknown> | undefined)?.[r];
              return asNumber(typeof v === 'string' && v !== '' ? Number(v) : v);
            },
          });
        }
        break;
      }
      case 'ranking':
        out.push({
          ...base,
          name: `${question}_first`,
          kind: 'single',
          title: { ru: `${title.ru} (${FIRST.ru})`, en: `${title.en} (${FIRST.en})`, uk: `${title.uk} (${FIRST.uk})` },
          options: choiceOptions(q),
          values: (a) => {
            const v = get(a);
            return Array.isArray(v) && v.length ? [String(v[0])] : undefined;
          },
        });
        break;
      case 'text': {
        const inputType = String(prop(q, 'inputType') ?? 'text');
        if (inputType === 'number' || inputType === 'range') {
          out.push(numeric());
        } else {
          out.push({ ...base, name: question, kind: 'text', options: [], values: () => undefined });
        }
        break;
      }
      case 'slider':
        out.push(numeric());
        break;
      case 'comment':
        out.push({ ...base, name: question, kind: 'text', options: [], values: () => undefined });
        break;
      default:
        // html, image, expression, panels of dynamic rows...: not analysed.
        break;
    }
  }
  return out;
}

/** Variables are matched by name across questionnaire versions (wave comparison). */
export function findVariable(variables: Variable[], name: string): Variable | undefined {
  return variables.find((v) => v.name === name);
}

/** Categorical variables (the ones the tally and the crosstab can count). */
export const isCategorical = (v: Variable) => v.kind === 'single' || v.kind === 'multi';
