// Checks a set of answers against a questionnaire with survey-core: unknown keys, wrong
// types, values outside the choices, required questions, validators. Pure: no I/O.
import type { Question, ItemValue, Model } from 'survey-core';
import type { InvalidParam } from '../http/errors';
import { createModel } from './survey-model';

type Answers = Record<string, unknown>;

const MAX_DEPTH = 6;

/** Keys that cannot be stored safely in MongoDB documents or that smell of prototype pollution. */
export function unsafeKeys(value: unknown, prefix = '', depth = 0): string[] {
  if (depth > MAX_DEPTH) return [prefix || '(root)'];
  if (Array.isArray(value)) return value.flatMap((v, i) => unsafeKeys(v, `${prefix}[${i}]`, depth + 1));
  if (value === null || typeof value !== 'object') return [];
  const found: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const at = prefix ? `${prefix}.${k}` : k;
    if (
      k.includes('.') ||
      k.startsWith('$') ||
      k === '__proto__' ||
      k === 'constructor' ||
      k === 'prototype' ||
      k.length === 0 ||
      k.length > 200
    ) {
      found.push(at);
      continue;
    }
    found.push(...unsafeKeys(v, at, depth + 1));
  }
  return found;
}

function choiceValues(q: Question): Set<unknown> {
  const values = new Set<unknown>();
  const choices = (q as unknown as { choices?: ItemValue[] }).choices ?? [];
  for (const c of choices) values.add(c.value);
  const anyQ = q as unknown as Record<string, unknown>;
  if (anyQ.showOtherItem || anyQ.hasOther) values.add('other');
  if (anyQ.showNoneItem || anyQ.hasNone) values.add('none');
  if (anyQ.showRefuseItem) values.add('refused');
  if (anyQ.showDontKnowItem) values.add('dontknow');
  return values;
}

const isScalar = (v: unknown): v is string | number =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Returns a reason when the raw value has the wrong shape for the question type. */
function typeProblem(q: Question, value: unknown): string | undefined {
  const type = q.getType();
  const p = q as unknown as Record<string, unknown>;
  switch (type) {
    case 'text': {
      const inputType = String(p.inputType ?? 'text');
      if (inputType === 'number' || inputType === 'range') {
        if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
        return undefined;
      }
      if (typeof value !== 'string') return 'must be a string';
      const max = Number(p.maxLength ?? 0);
      if (max > 0 && value.length > max) return `must be at most ${max} characters`;
      return undefined;
    }
    case 'comment': {
      if (typeof value !== 'string') return 'must be a string';
      const max = Number(p.maxLength ?? 0);
      if (max > 0 && value.length > max) return `must be at most ${max} characters`;
      return undefined;
    }
    case 'radiogroup':
    case 'dropdown': {
      if (!isScalar(value)) return 'must be one of the choices';
      if (!p.choicesByUrl || !(p.choicesByUrl as { url?: string }).url) {
        if (!choiceValues(q).has(value)) return `"${String(value)}" is not one of the choices`;
      }
      return undefined;
    }
    case 'checkbox':
    case 'tagbox':
    case 'ranking': {
      if (!Array.isArray(value)) return 'must be a list of choices';
      const allowed = choiceValues(q);
      const bad = value.filter((v) => !isScalar(v) || !allowed.has(v));
      if (bad.length) return `${bad.map((v) => JSON.stringify(v)).join(', ')} not among the choices`;
      if (new Set(value).size !== value.length) return 'must not repeat a choice';
      const max = Number(p.maxSelectedChoices ?? 0);
      if (max > 0 && value.length > max) return `at most ${max} choices`;
      return undefined;
    }
    case 'imagepicker': {
      const allowed = choiceValues(q);
      const list = p.multiSelect ? value : [value];
      if (!Array.isArray(list) || list.some((v) => !isScalar(v) || !allowed.has(v))) return 'must be among the choices';
      return undefined;
    }
    case 'boolean': {
      const trueV = p.valueTrue ?? true;
      const falseV = p.valueFalse ?? false;
      if (value !== trueV && value !== falseV) return 'must be true or false';
      return undefined;
    }
    case 'rating': {
      const rateValues = (p.rateValues as ItemValue[] | undefined) ?? [];
      if (rateValues.length > 0) {
        if (!rateValues.some((r) => r.value === value)) return 'is not one of the rating values';
        return undefined;
      }
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
      const min = Number(p.rateMin ?? 1);
      const max = Number(p.rateMax ?? 5);
      if (value < min || value > max) return `must be between ${min} and ${max}`;
      return undefined;
    }
    case 'slider':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
    case 'matrix': {
      if (!isPlainObject(value)) return 'must be an object of row → column';
      const rows = new Set(((p.rows as ItemValue[]) ?? []).map((r) => String(r.value)));
      const cols = new Set(((p.columns as ItemValue[]) ?? []).map((c) => c.value));
      for (const [row, col] of Object.entries(value)) {
        if (!rows.has(row)) return `row "${row}" does not exist`;
        const cells = Array.isArray(col) ? col : [col];
        if (cells.some((c) => !cols.has(c))) return `value for row "${row}" is not one of the columns`;
      }
      return undefined;
    }
    case 'multipletext': {
      if (!isPlainObject(value)) return 'must be an object';
      const items = new Set(((p.items as { name: string }[]) ?? []).map((i) => i.name));
      for (const [k, v] of Object.entries(value)) {
        if (!items.has(k)) return `item "${k}" does not exist`;
        if (!isScalar(v)) return `item "${k}" must be text or a number`;
      }
      return undefined;
    }
    case 'matrixdropdown':
      return isPlainObject(value) ? undefined : 'must be an object';
    case 'matrixdynamic':
    case 'paneldynamic':
      return Array.isArray(value) && value.every(isPlainObject) ? undefined : 'must be a list of objects';
    case 'file':
      return Array.isArray(value) ? undefined : 'must be a list of files';
    case 'signaturepad':
      return typeof value === 'string' ? undefined : 'must be a string';
    case 'expression':
    case 'html':
    case 'image':
      return 'is not an answerable question';
    default:
      return undefined;
  }
}

/** A chosen value whose choice is hidden by its `visibleIf` (e.g. a region of another country). */
function hiddenChoice(q: Question, value: unknown): unknown {
  const visible = (q as unknown as { visibleChoices?: ItemValue[] }).visibleChoices;
  const all = (q as unknown as { choices?: ItemValue[] }).choices;
  if (!visible || !all || value === undefined || value === null) return undefined;
  const shown = new Set(visible.map((c) => c.value));
  const listed = new Set(all.map((c) => c.value));
  const chosen = Array.isArray(value) ? value : [value];
  return chosen.find((v) => listed.has(v) && !shown.has(v));
}

/** For a matrix with `rowsVisibleIf`, drops the values of rows hidden by the other answers. */
function visibleRowsOnly(q: Question, value: unknown): unknown {
  if (q.getType() !== 'matrix' || !isPlainObject(value)) return value;
  const rows = (q as unknown as { visibleRows?: { name: string }[] }).visibleRows;
  if (!rows) return value;
  const shown = new Set(rows.map((r) => String(r.name)));
  return Object.fromEntries(Object.entries(value).filter(([row]) => shown.has(row)));
}

export type AnswerCheck = { problems: InvalidParam[]; answers: Answers; model: Model };

// Building a survey-core model from a definition is about half of the cost of a check (the
// default questionnaire has 110 region choices, each with a `visibleIf`). Checks are
// synchronous, so one model per definition can be reused: `model.data = answers` replaces every
// value and re-runs every condition, and `validate(true)` recomputes every error, so nothing of
// the previous check survives into the next. The cache is keyed by the definition's text (a new
// version is a new key) and holds a few definitions at most.
const MODEL_CACHE_SIZE = 8;
const models = new Map<string, Model>();

function modelFor(definition: object): Model {
  const key = JSON.stringify(definition);
  let model = models.get(key);
  if (model) {
    models.delete(key); // most recently used last
  } else {
    model = createModel(definition);
    model.locale = 'en';
    if (models.size >= MODEL_CACHE_SIZE) models.delete(models.keys().next().value!);
  }
  models.set(key, model);
  return model;
}

/**
 * Validates `answers` against the questionnaire `definition`. Returns the problems (empty when
 * valid) and the answers restricted to questions that are visible given the answers. The model
 * returned is shared with later checks: read its structure only, and before the next check.
 */
export function checkAnswers(definition: object, answers: Answers): AnswerCheck {
  const problems: InvalidParam[] = [];
  for (const key of unsafeKeys(answers)) {
    problems.push({ name: key, reason: 'this key is not allowed', code: 'unsafe_key' });
  }
  const model = modelFor(definition);
  if (problems.length) return { problems, answers: {}, model };

  const commentSuffix = '-Comment';
  for (const [key, value] of Object.entries(answers)) {
    const q = model.getQuestionByValueName(key) as Question | null;
    if (q) {
      if (value === null || value === undefined) continue;
      const reason = typeProblem(q, value);
      if (reason) problems.push({ name: key, reason, code: 'wrong_type' });
      continue;
    }
    if (key.endsWith(commentSuffix)) {
      const base = model.getQuestionByValueName(key.slice(0, -commentSuffix.length)) as Question | null;
      const p = base as unknown as Record<string, unknown> | null;
      if (base && p && (p.showOtherItem || p.hasOther || p.showCommentArea || p.hasComment)) {
        if (typeof value !== 'string') problems.push({ name: key, reason: 'must be a string', code: 'wrong_type' });
        else if (value.length > 2000)
          problems.push({ name: key, reason: 'must be at most 2000 characters', code: 'wrong_type' });
        continue;
      }
    }
    problems.push({ name: key, reason: 'no such question in this questionnaire', code: 'unknown_question' });
  }
  if (problems.length) return { problems, answers: {}, model };

  model.data = answers;
  const kept: Answers = {};
  for (const q of model.getAllQuestions(true) as Question[]) {
    const valueName = q.getValueName();
    // survey-core silently clears a value whose choice is hidden and then reports "required";
    // say what really happened instead.
    const hidden = hiddenChoice(q, answers[valueName]);
    if (hidden !== undefined) {
      problems.push({
        name: q.name,
        reason: `"${String(hidden)}" is not available given the other answers`,
        code: 'invalid',
      });
      continue;
    }
    q.validate(true);
    for (const e of q.errors) {
      const required = e.getErrorType() === 'required' || e.getErrorType() === 'requireoneanswer';
      problems.push({ name: q.name, reason: e.getText(), code: required ? 'required' : 'invalid' });
    }
    if (valueName in answers) kept[valueName] = visibleRowsOnly(q, answers[valueName]);
    if (`${valueName}${commentSuffix}` in answers)
      kept[`${valueName}${commentSuffix}`] = answers[`${valueName}${commentSuffix}`];
  }
  return { problems, answers: kept, model };
}
