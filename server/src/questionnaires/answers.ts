// Checks a set of answers against a questionnaire with survey-core: unknown keys, wrong
// types, values outside the choices, required questions, validators. Pure: no I/O.
import { Helpers, type Question, type ItemValue, type Model } from 'survey-core';
import type { InvalidParam } from '../http/errors';
import { createModel } from './survey-model';
import { acceptWithPlan, compilePlan, type AnswerPlan, type ValueRules } from './answer-plan';

type PreparedModel = { key: string; model: Model; reusable: boolean; plan: AnswerPlan | undefined };

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

// SurveyJS compares answer values loosely: "5" matches a choice or column whose value is 5,
// "true" matches true (Helpers.isTwoValueEquals). The server compares the same way, and stores the
// value as the questionnaire declares it (5, not "5"), so analysis sees one code per choice.
const same = (a: unknown, b: unknown) => Helpers.isTwoValueEquals(a, b, false, true, false);

function choiceValues(q: Question): unknown[] {
  const values: unknown[] = [];
  const choices = (q as unknown as { choices?: ItemValue[] }).choices ?? [];
  for (const c of choices) values.push(c.value);
  const anyQ = q as unknown as Record<string, unknown>;
  if (anyQ.showOtherItem || anyQ.hasOther) values.push('other');
  if (anyQ.showNoneItem || anyQ.hasNone) values.push('none');
  if (anyQ.showRefuseItem) values.push('refused');
  if (anyQ.showDontKnowItem) values.push('dontknow');
  return values;
}

/** The declared value matching `v` loosely, or undefined. */
function matching(allowed: unknown[], v: unknown): { value: unknown } | undefined {
  if (!isScalar(v) && typeof v !== 'boolean') return undefined;
  const hit = allowed.find((a) => a === v) ?? allowed.find((a) => same(a, v));
  return hit === undefined ? undefined : { value: hit };
}

/** With `storeOthersAsComment: false` the "other" text is stored as the value itself. */
function othersInValue(q: Question): boolean {
  const p = q as unknown as Record<string, unknown>;
  if (!(p.showOtherItem || p.hasOther)) return false;
  const own = p.storeOthersAsComment;
  if (own === false) return true;
  if (own === true) return false;
  return (q.survey as unknown as { storeOthersAsComment?: boolean } | undefined)?.storeOthersAsComment === false;
}

const isScalar = (v: unknown): v is string | number =>
  typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const numeric = (v: unknown): number | undefined => {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
};

/** Returns a reason when the raw value has the wrong shape for the question type. */
function typeProblem(q: Question, value: unknown): string | undefined {
  const type = q.getType();
  const p = q as unknown as Record<string, unknown>;
  switch (type) {
    case 'text': {
      const inputType = String(p.inputType ?? 'text');
      if (inputType === 'number' || inputType === 'range') {
        return numeric(value) === undefined ? 'must be a number' : undefined;
      }
      // A trigger or a copied value may put a number into a text question (SurveyJS accepts it).
      if (typeof value !== 'string' && !isScalar(value)) return 'must be a string';
      const max = Number(p.maxLength ?? 0);
      if (max > 0 && String(value).length > max) return `must be at most ${max} characters`;
      return undefined;
    }
    case 'comment': {
      if (typeof value !== 'string' && !isScalar(value)) return 'must be a string';
      const max = Number(p.maxLength ?? 0);
      if (max > 0 && String(value).length > max) return `must be at most ${max} characters`;
      return undefined;
    }
    case 'radiogroup':
    case 'dropdown': {
      if (!isScalar(value) && typeof value !== 'boolean') return 'must be one of the choices';
      if (!p.choicesByUrl || !(p.choicesByUrl as { url?: string }).url) {
        if (!matching(choiceValues(q), value) && !othersInValue(q))
          return `"${String(value)}" is not one of the choices`;
      }
      return undefined;
    }
    case 'checkbox':
    case 'tagbox':
    case 'ranking': {
      if (!Array.isArray(value)) return 'must be a list of choices';
      const allowed = choiceValues(q);
      const others = othersInValue(q);
      const bad = value.filter((v) => !matching(allowed, v) && !(others && typeof v === 'string'));
      if (bad.length) return `${bad.map((v) => JSON.stringify(v)).join(', ')} not among the choices`;
      const canonical = value.map((v) => matching(allowed, v)?.value ?? v);
      if (new Set(canonical).size !== canonical.length) return 'must not repeat a choice';
      const max = Number(p.maxSelectedChoices ?? 0);
      if (max > 0 && value.length > max) return `at most ${max} choices`;
      return undefined;
    }
    case 'imagepicker': {
      const allowed = choiceValues(q);
      const list = p.multiSelect ? value : [value];
      if (!Array.isArray(list) || list.some((v) => !matching(allowed, v))) return 'must be among the choices';
      return undefined;
    }
    case 'boolean': {
      const trueV = p.valueTrue ?? true;
      const falseV = p.valueFalse ?? false;
      if (!same(value, trueV) && !same(value, falseV)) return 'must be true or false';
      return undefined;
    }
    case 'rating': {
      const rateValues = (p.rateValues as ItemValue[] | undefined) ?? [];
      if (rateValues.length > 0) {
        if (
          !matching(
            rateValues.map((r) => r.value),
            value,
          )
        )
          return 'is not one of the rating values';
        return undefined;
      }
      const n = numeric(value);
      if (n === undefined) return 'must be a number';
      const min = Number(p.rateMin ?? 1);
      const max = Number(p.rateMax ?? 5);
      if (n < min || n > max) return `must be between ${min} and ${max}`;
      return undefined;
    }
    case 'slider':
      return numeric(value) !== undefined || (Array.isArray(value) && value.every((v) => numeric(v) !== undefined))
        ? undefined
        : 'must be a number';
    case 'matrix': {
      if (!isPlainObject(value)) return 'must be an object of row → column';
      const rows = ((p.rows as ItemValue[]) ?? []).map((r) => r.value);
      const cols = ((p.columns as ItemValue[]) ?? []).map((c) => c.value);
      for (const [row, col] of Object.entries(value)) {
        if (!matching(rows, row)) return `row "${row}" does not exist`;
        const cells = Array.isArray(col) ? col : [col];
        if (cells.some((c) => !matching(cols, c))) return `value for row "${row}" is not one of the columns`;
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
      // Computed by the questionnaire: whatever was sent is replaced by the computed value.
      return undefined;
    case 'html':
    case 'image':
      return 'is not an answerable question';
    default:
      return undefined;
  }
}

/** The value as the questionnaire declares it: "5" becomes 5 where the choice (or column) is 5. */
function canonical(q: Question, value: unknown): unknown {
  const p = q as unknown as Record<string, unknown>;
  switch (q.getType()) {
    case 'text': {
      const inputType = String(p.inputType ?? 'text');
      return inputType === 'number' || inputType === 'range' ? (numeric(value) ?? value) : value;
    }
    case 'radiogroup':
    case 'dropdown':
      return matching(choiceValues(q), value)?.value ?? value;
    case 'checkbox':
    case 'tagbox':
    case 'ranking':
    case 'imagepicker': {
      const allowed = choiceValues(q);
      return Array.isArray(value)
        ? value.map((v) => matching(allowed, v)?.value ?? v)
        : (matching(allowed, value)?.value ?? value);
    }
    case 'boolean': {
      const trueV = p.valueTrue ?? true;
      const falseV = p.valueFalse ?? false;
      return same(value, trueV) ? trueV : same(value, falseV) ? falseV : value;
    }
    case 'rating': {
      const rateValues = ((p.rateValues as ItemValue[] | undefined) ?? []).map((r) => r.value);
      return rateValues.length ? (matching(rateValues, value)?.value ?? value) : (numeric(value) ?? value);
    }
    case 'matrix': {
      if (!isPlainObject(value)) return value;
      const rows = ((p.rows as ItemValue[]) ?? []).map((r) => r.value);
      const cols = ((p.columns as ItemValue[]) ?? []).map((c) => c.value);
      const out: Record<string, unknown> = {};
      for (const [row, col] of Object.entries(value)) {
        const key = String(matching(rows, row)?.value ?? row);
        out[key] = Array.isArray(col)
          ? col.map((c) => matching(cols, c)?.value ?? c)
          : (matching(cols, col)?.value ?? col);
      }
      return out;
    }
    default:
      return value;
  }
}

/** A chosen value whose choice is hidden by its `visibleIf` (e.g. a region of another country). */
function hiddenChoice(q: Question, value: unknown): unknown {
  const visible = (q as unknown as { visibleChoices?: ItemValue[] }).visibleChoices;
  const all = (q as unknown as { choices?: ItemValue[] }).choices;
  if (!visible || !all || value === undefined || value === null) return undefined;
  const shown = visible.map((c) => c.value);
  const listed = all.map((c) => c.value);
  const chosen = Array.isArray(value) ? value : [value];
  return chosen.find((v) => matching(listed, v) && !matching(shown, v));
}

/** For a matrix with `rowsVisibleIf`, drops the values of rows hidden by the other answers. */
function visibleRowsOnly(q: Question, value: unknown): unknown {
  if (q.getType() !== 'matrix' || !isPlainObject(value)) return value;
  const rows = (q as unknown as { visibleRows?: { name: string }[] }).visibleRows;
  if (!rows) return value;
  const shown = new Set(rows.map((r) => String(r.name)));
  return Object.fromEntries(Object.entries(value).filter(([row]) => shown.has(row)));
}

/** `path`: whether the plan accepted the set (answer-plan.ts) or the survey-core model decided. */
export type AnswerCheck = { problems: InvalidParam[]; answers: Answers; model: Model; path: 'plan' | 'model' };
/**
 * For tests that compare the paths: `plan: false` always runs the survey-core check; `fresh: true`
 * runs it on a model built for this check alone instead of the reused one.
 */
export type CheckOptions = { plan?: boolean; fresh?: boolean };

const VALUE_RULES: ValueRules = {
  typeProblem: (q, value) => typeProblem(q, value),
  canonical: (q, value) => canonical(q, value),
  matches: (allowed, value) => matching(allowed, value) !== undefined,
};

// Building a survey-core model from a definition costs ~25 ms for the default questionnaire.
// Checks are synchronous, so one model per definition is reused: `model.data = answers` replaces
// every value and re-runs every condition, and `validate(true)` recomputes every error, so
// nothing of the previous check survives into the next (test/unit/answer-plan.test.ts compares
// with a fresh model) - except in dynamic panels and dynamic matrices, which keep the panel or
// row count of the previous answers when the next set has none (and would then ask for answers
// in panels that are not there): a questionnaire with those gets a model of its own per check.
// Next to the model, the plan of the fast path (answer-plan.ts), built once. The cache is keyed
// by the definition object (a version never changes; the wave cache keeps one object per
// version), then by its text (a new version is a new key), and holds a few definitions at most.
const MODEL_CACHE_SIZE = 8;
const DYNAMIC_TYPES = new Set(['paneldynamic', 'matrixdynamic']);
const models = new Map<string, PreparedModel>();
const byObject = new WeakMap<object, PreparedModel>();

function modelFor(definition: object): PreparedModel {
  const known = byObject.get(definition);
  const key = known && models.get(known.key) === known ? known.key : JSON.stringify(definition);
  let prepared = models.get(key);
  if (prepared) {
    models.delete(key); // most recently used last
  } else {
    const model = createModel(definition);
    model.locale = 'en';
    const plan = compilePlan(definition, (name) => model.getQuestionByName(name) as Question | null);
    const reusable = !(model.getAllQuestions(false, false, true) as Question[]).some((q) =>
      DYNAMIC_TYPES.has(q.getType()),
    );
    prepared = { key, model, reusable, plan };
    if (models.size >= MODEL_CACHE_SIZE) models.delete(models.keys().next().value!);
  }
  models.set(key, prepared);
  byObject.set(definition, prepared);
  return prepared;
}

/** survey-core's text of an error; some validators (regex) have none in English. */
function errorText(e: { getText(): string }): string {
  return e.getText() || 'the answer does not have the expected form';
}

/** Names that hold values without being questions: calculated values kept in the results, trigger targets. */
function extraValueNames(model: Model): Set<string> {
  const names = new Set<string>();
  for (const c of (model.calculatedValues ?? []) as { name: string; includeIntoResult?: boolean }[]) {
    if (c.includeIntoResult) names.add(c.name);
  }
  for (const t of (model.triggers ?? []) as unknown as { getType(): string; setToName?: string }[]) {
    const type = t.getType();
    if ((type === 'setvaluetrigger' || type === 'copyvaluetrigger' || type === 'runexpressiontrigger') && t.setToName)
      names.add(t.setToName);
  }
  return names;
}

/**
 * Validates `answers` against the questionnaire `definition` the way SurveyJS's own client
 * decides whether it can complete: loose value equality, shared `valueName`s, dynamic panels
 * and matrices validated by survey-core, calculated values and trigger targets accepted,
 * values of questions hidden by the other answers dropped (as survey-core clears them on
 * complete). Returns the problems (empty when valid) and the answers kept. The model returned
 * is shared with later checks: read its structure only, and before the next check.
 */
export function checkAnswers(definition: object, answers: Answers, options: CheckOptions = {}): AnswerCheck {
  const problems: InvalidParam[] = [];
  for (const key of unsafeKeys(answers)) {
    problems.push({ name: key, reason: 'this key is not allowed', code: 'unsafe_key' });
  }
  const prepared = modelFor(definition);
  if (prepared.plan && options.plan !== false && !options.fresh && !problems.length) {
    const accepted = acceptWithPlan(prepared.plan, answers, VALUE_RULES);
    if (accepted) return { problems, answers: accepted, model: prepared.model, path: 'plan' };
  }
  const fresh = options.fresh || !prepared.reusable;
  const model = fresh ? createModel(definition) : prepared.model;
  if (fresh) model.locale = 'en';
  const result = (problems: InvalidParam[], answers: Answers): AnswerCheck => ({
    problems,
    answers,
    model,
    path: 'model',
  });
  if (problems.length) return result(problems, {});

  const commentSuffix = String((model as unknown as { commentSuffix?: string }).commentSuffix || '-Comment');
  const extras = extraValueNames(model);
  // Type problems wait until the model knows which questions are visible: survey-core completes
  // with (and drops) a value of a question the other answers hide.
  const typeProblems = new Map<string, string>();
  for (const [key, value] of Object.entries(answers)) {
    const qs = (model.getQuestionsByValueName(key) ?? []) as Question[];
    if (qs.length) {
      if (value === null || value === undefined) continue;
      const reasons = qs.map((q) => typeProblem(q, value));
      if (reasons.every((r) => r !== undefined)) typeProblems.set(key, reasons[0]!);
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
    if (extras.has(key)) continue;
    problems.push({ name: key, reason: 'no such question in this questionnaire', code: 'unknown_question' });
  }

  const refused = new Set(problems.map((p) => p.name));
  const safe: Answers = {};
  for (const [key, value] of Object.entries(answers))
    if (!typeProblems.has(key) && !refused.has(key)) safe[key] = value;
  model.data = safe;
  for (const [key, reason] of typeProblems) {
    const visible = ((model.getQuestionsByValueName(key) ?? []) as Question[]).some((q) => q.isVisibleInSurvey);
    if (visible) problems.push({ name: key, reason, code: 'wrong_type' });
  }
  if (problems.length) return result(problems, {});

  const kept: Answers = {};
  for (const q of model.getAllQuestions(true) as Question[]) {
    if (!q.isVisibleInSurvey) continue;
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
    const valid = q.validate(true);
    for (const e of q.errors) {
      const required = e.getErrorType() === 'required' || e.getErrorType() === 'requireoneanswer';
      problems.push({ name: q.name, reason: errorText(e), code: required ? 'required' : 'invalid' });
    }
    // Matrices and dynamic panels keep the errors of their cells and inner questions there.
    if (!valid) {
      for (const inner of q.getNestedQuestions(true, true, false)) {
        for (const e of inner.errors) {
          const required = e.getErrorType() === 'required' || e.getErrorType() === 'requireoneanswer';
          problems.push({
            name: `${q.name}.${inner.name}`,
            reason: errorText(e),
            code: required ? 'required' : 'invalid',
          });
        }
      }
      if (!q.errors.length && !problems.some((p) => p.name.startsWith(`${q.name}.`)))
        problems.push({ name: q.name, reason: 'an answer inside this question is not valid', code: 'invalid' });
    }
    if (q.getType() === 'expression') {
      // The computed value, whatever was sent.
      const v = q.value as unknown;
      if (v !== undefined && v !== null && !(valueName in kept)) kept[valueName] = v;
      continue;
    }
    if (valueName in answers && !(valueName in kept))
      kept[valueName] = visibleRowsOnly(q, canonical(q, answers[valueName]));
    if (`${valueName}${commentSuffix}` in answers)
      kept[`${valueName}${commentSuffix}`] = answers[`${valueName}${commentSuffix}`];
  }
  for (const name of extras) {
    const calculated = model.getCalculatedValueByName(name) as { value?: unknown } | null;
    if (calculated) {
      if (calculated.value !== undefined && calculated.value !== null) kept[name] = calculated.value;
    } else if (name in answers && !(name in kept)) kept[name] = answers[name];
  }
  return result(problems, kept);
}
