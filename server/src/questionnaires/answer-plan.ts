// The fast path of the answer check: for a questionnaire made only of plain questions (text,
// comment, single and multiple choice, a simple matrix; conditions on pages, panels, questions,
// choices and rows without functions), a plan built once per version says which questions and
// choices the answers make visible, with survey-core's own expression engine: each distinct
// condition text runs once per check (the 121 region and type choices of the default
// questionnaire have three), instead of survey-core re-running every condition of its model.
//
// The plan only ever ACCEPTS. It returns the answers to keep when the set is certainly valid
// (every key a question, every value of the right type and among the visible choices, every
// visible required question answered, numbers within min/max); anything else - a refusal, an
// "other" text, a comment, a blank string - returns undefined and the caller runs the full
// survey-core check, which also writes the problems. test/unit/answer-plan.test.ts checks that
// whenever the plan accepts, the survey-core check accepts and keeps the same answers.
import { ConditionRunner, type Question } from 'survey-core';

type Answers = Record<string, unknown>;

export type ValueRules = {
  typeProblem(q: Question, value: unknown): string | undefined;
  canonical(q: Question, value: unknown): unknown;
  matches(allowed: unknown[], value: unknown): boolean;
};

type Item = { value: unknown; visibleIf?: string };
type PlanQuestion = {
  q: Question;
  name: string;
  type: string;
  required: boolean;
  /** Conditions of the question and of every page and panel around it: all must hold. */
  visibleIf: string[];
  choices: Item[];
  hasNone: boolean;
  min?: number;
  max?: number;
  rows: Item[];
  rowsVisibleIf?: string;
};

export type AnswerPlan = {
  questions: PlanQuestion[];
  byName: Map<string, PlanQuestion>;
  /** One parsed runner per distinct condition text (they run synchronously: no functions). */
  runners: Map<string, ConditionRunner>;
};

const SURVEY_KEYS = new Set([
  'title',
  'description',
  'pages',
  'elements',
  'showQuestionNumbers',
  'checkErrorsMode',
  'completeText',
  'completedHtml',
  'pagePrevText',
  'pageNextText',
  'showProgressBar',
  'progressBarType',
  'widthMode',
  'logo',
  'logoPosition',
]);
const CONTAINER_KEYS = new Set(['type', 'name', 'title', 'description', 'elements', 'visibleIf']);
const QUESTION_KEYS = new Set([
  'type',
  'name',
  'title',
  'description',
  'isRequired',
  'visibleIf',
  'lsgRole',
  'placeholder',
  'colCount',
  'startWithNewLine',
]);
const TYPE_KEYS: Record<string, Set<string>> = {
  text: new Set(['inputType', 'min', 'max', 'maxLength']),
  comment: new Set(['maxLength', 'rows', 'autoGrow']),
  radiogroup: new Set(['choices', 'showOtherItem', 'otherText', 'showNoneItem', 'noneText']),
  dropdown: new Set(['choices', 'showOtherItem', 'otherText', 'showNoneItem', 'noneText']),
  checkbox: new Set(['choices', 'showOtherItem', 'otherText', 'showNoneItem', 'noneText']),
  matrix: new Set(['rows', 'columns', 'rowsVisibleIf', 'eachRowRequired']),
};
const ITEM_KEYS = new Set(['value', 'text', 'visibleIf']);
// Values survey-core gives its own items: a declared choice may not use them while the item is shown.
const SPECIAL_VALUES: Record<string, string> = { other: 'showOtherItem', none: 'showNoneItem' };
// Names a condition may use that are not questions: the choice or row being checked.
const ITEM = 'item';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Builds the plan, or returns undefined when the questionnaire uses anything the plan does not cover. */
export function compilePlan(
  definition: object,
  questionByName: (name: string) => Question | null,
): AnswerPlan | undefined {
  const def = definition as Record<string, unknown>;
  if (!Object.keys(def).every((k) => SURVEY_KEYS.has(k))) return undefined;
  const questions: PlanQuestion[] = [];
  const conditions: { text: string; item: boolean }[] = [];
  const items = (list: unknown, withConditions: boolean, owner?: Record<string, unknown>): Item[] | undefined => {
    if (!Array.isArray(list)) return undefined;
    const out: Item[] = [];
    for (const c of list) {
      const value = isRecord(c) ? c.value : c;
      const special = SPECIAL_VALUES[String(value).toLowerCase()];
      if (owner && special && owner[special] !== false && owner[special] !== undefined) return undefined;
      if (typeof c === 'string' || typeof c === 'number') out.push({ value: c });
      else if (isRecord(c) && Object.keys(c).every((k) => ITEM_KEYS.has(k)) && 'value' in c) {
        if (c.visibleIf !== undefined && (!withConditions || typeof c.visibleIf !== 'string')) return undefined;
        if (typeof c.visibleIf === 'string') conditions.push({ text: c.visibleIf, item: false });
        out.push({ value: c.value, visibleIf: c.visibleIf as string | undefined });
      } else return undefined;
    }
    return out;
  };

  const walk = (elements: unknown, around: string[], depth: number): boolean => {
    if (!Array.isArray(elements) || depth > 8) return false;
    for (const el of elements) {
      if (!isRecord(el) || typeof el.name !== 'string') return false;
      if (el.visibleIf !== undefined && typeof el.visibleIf !== 'string') return false;
      const here = typeof el.visibleIf === 'string' ? [...around, el.visibleIf] : around;
      if (typeof el.visibleIf === 'string') conditions.push({ text: el.visibleIf, item: false });
      if (el.type === 'panel') {
        if (!Object.keys(el).every((k) => CONTAINER_KEYS.has(k)) || !walk(el.elements, here, depth + 1)) return false;
        continue;
      }
      const type = typeof el.type === 'string' ? el.type : '';
      const own = TYPE_KEYS[type];
      if (!own || !Object.keys(el).every((k) => QUESTION_KEYS.has(k) || own.has(k))) return false;
      const q = questionByName(el.name);
      if (!q || q.getValueName() !== el.name) return false;
      if (el.isRequired !== undefined && typeof el.isRequired !== 'boolean') return false;
      const pq: PlanQuestion = {
        q,
        name: el.name,
        type,
        required: el.isRequired === true,
        visibleIf: here,
        choices: [],
        hasNone: el.showNoneItem === true,
        rows: [],
      };
      if (type === 'text') {
        if (el.inputType !== undefined && el.inputType !== 'text' && el.inputType !== 'number') return false;
        for (const k of ['min', 'max'] as const) {
          if (el[k] === undefined) continue;
          if (el.inputType !== 'number' || typeof el[k] !== 'number') return false;
          pq[k] = el[k];
        }
      }
      if (type === 'radiogroup' || type === 'dropdown' || type === 'checkbox') {
        const choices = items(el.choices, true, el);
        if (!choices) return false;
        pq.choices = choices;
      }
      if (type === 'matrix') {
        const rows = items(el.rows, true);
        if (!rows || !items(el.columns, false)) return false;
        if (el.eachRowRequired === true || pq.required) return false;
        if (el.rowsVisibleIf !== undefined) {
          if (typeof el.rowsVisibleIf !== 'string') return false;
          pq.rowsVisibleIf = el.rowsVisibleIf;
          conditions.push({ text: el.rowsVisibleIf, item: true });
        }
        pq.rows = rows;
      }
      questions.push(pq);
    }
    return true;
  };
  const pages = def.pages ?? (def.elements ? [{ name: 'page1', elements: def.elements }] : undefined);
  if (!Array.isArray(pages)) return undefined;
  for (const page of pages) {
    if (!isRecord(page) || !Object.keys(page).every((k) => CONTAINER_KEYS.has(k) && k !== 'type')) return undefined;
    if (page.visibleIf !== undefined && typeof page.visibleIf !== 'string') return undefined;
    const around = typeof page.visibleIf === 'string' ? [page.visibleIf] : [];
    if (typeof page.visibleIf === 'string') conditions.push({ text: page.visibleIf, item: false });
    if (!walk(page.elements, around, 0)) return undefined;
  }
  const byName = new Map(questions.map((pq) => [pq.name, pq]));
  if (byName.has(ITEM)) return undefined;
  // Conditions read only questions whose values survey-core never changes on its own: not a
  // question with conditional choices or rows (survey-core clears a value that becomes hidden).
  const clearable = new Set(
    questions
      .filter((pq) => pq.rowsVisibleIf || [...pq.choices, ...pq.rows].some((i) => i.visibleIf))
      .map((pq) => pq.name),
  );
  const runners = new Map<string, ConditionRunner>();
  for (const { text, item } of conditions) {
    let runner = runners.get(text);
    try {
      runner ??= new ConditionRunner(text);
    } catch {
      return undefined;
    }
    runners.set(text, runner);
    if (runner.hasFunction()) return undefined;
    for (const v of runner.getVariables()) {
      const name = String(v);
      if (item && name === ITEM) continue;
      if (!byName.has(name) || clearable.has(name)) return undefined;
    }
  }
  return { questions, byName, runners };
}

const blank = (v: unknown) =>
  v === undefined ||
  v === null ||
  (typeof v === 'string' && v.trim() === '') ||
  (Array.isArray(v) && v.length === 0) ||
  (isRecord(v) && Object.keys(v).length === 0);

/**
 * The answers to keep when the plan can tell the set is valid; undefined when the full check
 * must decide (it may still accept).
 */
export function acceptWithPlan(plan: AnswerPlan, answers: Answers, rules: ValueRules): Answers | undefined {
  for (const [key, value] of Object.entries(answers)) {
    const pq = plan.byName.get(key);
    if (!pq) return undefined;
    if (value !== null && value !== undefined && rules.typeProblem(pq.q, value) !== undefined) return undefined;
  }
  const results = new Map<string, boolean>();
  const holds = (text: string, item?: unknown): boolean => {
    const memo = item === undefined;
    if (memo && results.has(text)) return results.get(text)!;
    const runner = plan.runners.get(text)!;
    const result = runner.runValues(item === undefined ? answers : { ...answers, [ITEM]: item });
    if (memo) results.set(text, result);
    return result;
  };
  const visibleItems = (list: Item[]) => list.filter((i) => !i.visibleIf || holds(i.visibleIf)).map((i) => i.value);

  const kept: Answers = {};
  for (const pq of plan.questions) {
    if (!pq.visibleIf.every((c) => holds(c))) continue;
    const value = answers[pq.name];
    if (blank(value)) {
      if (pq.required) return undefined;
      if (pq.name in answers) kept[pq.name] = rules.canonical(pq.q, value);
      continue;
    }
    switch (pq.type) {
      case 'text':
      case 'comment': {
        if (typeof value === 'string' && value.trim() !== value) return undefined;
        if (pq.min !== undefined || pq.max !== undefined) {
          if (typeof value !== 'number' && !(typeof value === 'string' && /^-?\d{1,15}(\.\d{1,15})?$/.test(value)))
            return undefined;
          const n = Number(value);
          if ((pq.min !== undefined && !(n >= pq.min)) || (pq.max !== undefined && !(n <= pq.max))) return undefined;
        }
        break;
      }
      case 'radiogroup':
      case 'dropdown':
        if (!rules.matches(visibleItems(pq.choices), value)) return undefined;
        break;
      case 'checkbox': {
        const list = value as unknown[];
        const noneOnly = pq.hasNone && list.length === 1 && rules.matches(['none'], list[0]);
        if (!noneOnly) {
          const shown = visibleItems(pq.choices);
          if (!list.every((v) => rules.matches(shown, v))) return undefined;
        }
        break;
      }
      case 'matrix': {
        const rows = pq.rows
          .filter(
            (r) => (!r.visibleIf || holds(r.visibleIf)) && (!pq.rowsVisibleIf || holds(pq.rowsVisibleIf, r.value)),
          )
          .map((r) => String(r.value));
        const canonical = rules.canonical(pq.q, value) as Answers;
        kept[pq.name] = Object.fromEntries(Object.entries(canonical).filter(([row]) => rows.includes(row)));
        continue;
      }
      default:
        return undefined;
    }
    kept[pq.name] = rules.canonical(pq.q, value);
  }
  return kept;
}
