// Checks a SurveyJS questionnaire definition: the raw JSON first (raw-checks.ts: safe names,
// property types, no remote sources, regexes RE2 can run), then it must load in survey-core
// without errors, name every question uniquely, and use obstacle codes in the question marked
// as the obstacle question. Markup is sanitized when a version is stored (markup.ts).
import { Serializer, type Question, type Model } from 'survey-core';
import type { InvalidParam } from '../http/errors';
import { createModel, definedQuestions, LSG_ROLES, questionsIn } from './survey-model';
import { rawChecks } from './raw-checks';
import { logger } from '../logger';

import type { Localized } from '../reference/reference.service';

export type { Localized };

export function checkDefinition(definition: unknown): InvalidParam[] {
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    return [{ name: '(root)', reason: 'a questionnaire must be a JSON object', code: 'not_object' }];
  }
  const raw = rawChecks(definition as Record<string, unknown>);
  // survey-core could crash on what the raw checks found: report that alone.
  if (raw.blocking) return raw.problems;
  const problems: InvalidParam[] = [...unknownTypes(definition), ...raw.problems];
  try {
    return modelProblems(definition, problems);
  } catch (err) {
    // Something the raw checks did not foresee: a refusal, not a crash.
    logger.warn({ err: (err as Error).message }, 'questionnaire check: survey-core failed on an upload');
    return [
      ...problems,
      {
        name: '(definition)',
        reason: 'survey-core cannot load this questionnaire (a property probably has a value of the wrong type)',
        code: 'unloadable',
      },
    ];
  }
}

function modelProblems(definition: object, problems: InvalidParam[]): InvalidParam[] {
  const model = createModel(definition);
  const unknownSeen = new Set<string>();
  for (const e of model.jsonErrors ?? []) {
    // survey-core reports an unknown element type without naming it; unknownTypes() names it.
    if ((e as { type?: string }).type === 'incorrecttypeproperty' && problems.length) continue;
    if ((e as { type?: string }).type === 'unknownproperty') {
      // One message per property and question, however many choices or columns carry it.
      const u = e as unknown as { propertyName: string; className: string; element?: unknown };
      const { owner, where } = ownerOf(u.element, u.className);
      const key = `${owner}\u0000${where}\u0000${u.propertyName}`;
      if (unknownSeen.has(key)) continue;
      unknownSeen.add(key);
      problems.push({
        name: owner,
        reason:
          `the property "${u.propertyName}"${where ? ` (on ${where})` : ''} is not a SurveyJS property and not one of ` +
          `the extensions this tool supports, so it would have no effect: remove it from the file ` +
          `(supported extensions: see docs/questionnaires.md)`,
        code: 'unknown_property',
      });
      continue;
    }
    problems.push({
      name: (e as { element?: { name?: string } }).element?.name ?? '(definition)',
      reason: e.message,
      code: 'json_error',
    });
  }
  const questions = questionsIn(model);
  if (questions.length === 0)
    problems.push({ name: '(definition)', reason: 'the questionnaire has no questions', code: 'empty' });
  // Names are unique within their scope (the survey, or one dynamic panel's template). Two
  // questions sharing a `valueName` is SurveyJS's documented way to share one answer (e.g. two
  // dynamic panels over the same list), not a duplicate.
  // A dynamic panel's questions are checked once, as its template defines them (survey-core
  // also makes a copy of them for each entry the panel starts with, all in the same scope).
  const seen = new Map<unknown, Set<string>>();
  const defined = definedQuestions(model);
  for (const { question: q, panel } of defined) {
    const scope = panel ?? (q as unknown as { parentQuestion?: unknown }).parentQuestion ?? null;
    const names = seen.get(scope) ?? new Set<string>();
    seen.set(scope, names);
    const name = q.name;
    if (names.has(name))
      problems.push({
        name,
        reason: 'two questions have this name; give each question its own name (use "valueName" to share an answer)',
        code: 'duplicate_name',
      });
    names.add(name);
    const role = (q as unknown as { lsgRole?: string }).lsgRole;
    if (role && !(LSG_ROLES as readonly string[]).includes(role)) {
      problems.push({ name, reason: `unknown lsgRole "${role}"`, code: 'unknown_role' });
    }
  }
  problems.push(...expressionProblems(model, questions, defined));
  return problems;
}

/** The question (or page, panel, survey) an unknown property belongs to, and on what part of it. */
function ownerOf(element: unknown, className: string): { owner: string; where: string } {
  const el = element as Record<string, unknown> | undefined;
  const nameOf = (o: unknown): string | undefined => {
    const n = (o as { name?: unknown } | undefined)?.name;
    return typeof n === 'string' && n ? n : undefined;
  };
  if (!el) return { owner: '(survey)', where: '' };
  const parts: Record<string, string> = {
    itemvalue: 'its choices',
    choiceitem: 'its choices',
    imageitemvalue: 'its choices',
    matrixdropdowncolumn: 'its columns',
    multipletextitem: 'its items',
    calculatedvalue: 'a calculated value',
  };
  if (className === 'survey') return { owner: '(survey)', where: '' };
  if (className.endsWith('validator')) {
    const q = nameOf((el as { errorOwner?: unknown }).errorOwner);
    return { owner: q ?? '(survey)', where: 'its validators' };
  }
  if (className.endsWith('trigger')) return { owner: '(survey)', where: 'a trigger' };
  if (parts[className]) {
    const owner =
      nameOf((el as { locOwner?: unknown }).locOwner) ??
      nameOf((el as { colOwner?: unknown }).colOwner) ??
      nameOf((el as { editor?: unknown }).editor) ??
      (className === 'calculatedvalue' ? nameOf(el) : undefined) ??
      '(survey)';
    return { owner, where: parts[className] };
  }
  return { owner: nameOf(el) ?? '(survey)', where: '' };
}

const ELEMENT_ARRAYS = ['pages', 'elements', 'questions', 'templateElements', 'detailElements'] as const;

/** Element types survey-core does not know (it would silently drop those elements). */
function unknownTypes(definition: object): InvalidParam[] {
  const problems: InvalidParam[] = [];
  const isKnown = (type: string) =>
    Boolean(Serializer.findClass(type)) &&
    (Serializer.isDescendantOf(type, 'question') || Serializer.isDescendantOf(type, 'panelbase'));
  const walk = (node: unknown, depth: number, isPage: boolean) => {
    if (depth > 30 || typeof node !== 'object' || node === null) return;
    const el = node as Record<string, unknown>;
    const name = typeof el.name === 'string' ? el.name : '(unnamed)';
    if (!isPage && depth > 0) {
      if (typeof el.type !== 'string') {
        problems.push({ name, reason: 'an element without a "type"', code: 'unknown_type' });
      } else if (!isKnown(el.type)) {
        problems.push({ name, reason: `unknown question type "${el.type}"`, code: 'unknown_type' });
      }
    }
    // Matrix columns with an explicit cell type.
    if (Array.isArray(el.columns)) {
      for (const c of el.columns as unknown[]) {
        const col = c as Record<string, unknown> | null;
        if (col && typeof col === 'object' && typeof col.cellType === 'string' && col.cellType !== 'default') {
          if (!isKnown(col.cellType))
            problems.push({
              name: `${name}.${String(col.name ?? '')}`,
              reason: `unknown cell type "${col.cellType}"`,
              code: 'unknown_type',
            });
        }
      }
    }
    for (const key of ELEMENT_ARRAYS) {
      const list = el[key];
      if (Array.isArray(list)) for (const child of list) walk(child, depth + 1, key === 'pages');
    }
  };
  walk(definition, 0, false);
  return problems;
}

// Variables that survey-core resolves in context (dynamic panels, matrix rows, choice items)
// but that its validateExpressions() reports as unknown.
const CONTEXT_VARIABLES = new Set(['panel', 'parentpanel', 'row', 'item', 'choice', 'self', 'composite']);
const ERROR_TYPE = { syntax: 0, unknownFunction: 1, unknownVariable: 2 } as const;

/** Broken visibleIf/enableIf/... expressions: syntax errors, unknown functions, unknown questions. */
function expressionProblems(
  model: Model,
  questions: Question[],
  defined: { question: Question; panel: Question | null }[],
): InvalidParam[] {
  // `{panel.x}` in a question of a dynamic panel's template must name a question of that panel.
  const panelOf = new Map<unknown, Question>();
  const panelNames = new Map<Question, Set<string>>();
  for (const { question, panel } of defined) {
    if (!panel) continue;
    panelOf.set(question, panel);
    const names = panelNames.get(panel) ?? new Set<string>();
    names.add(question.name.toLowerCase());
    names.add(question.getValueName().toLowerCase());
    panelNames.set(panel, names);
  }
  const known = new Set<string>();
  for (const q of questions) {
    known.add(q.getValueName().toLowerCase());
    known.add(q.name.toLowerCase());
  }
  for (const c of (model.calculatedValues ?? []) as { name: string }[]) known.add(c.name.toLowerCase());
  const isKnownVariable = (variable: string) => {
    const base = variable.split(/[.[]/)[0]!.toLowerCase();
    if (CONTEXT_VARIABLES.has(base) || known.has(base) || base.startsWith('$')) return true;
    return base.endsWith('-comment') && known.has(base.slice(0, -'-comment'.length));
  };
  const problems: InvalidParam[] = [];
  for (const r of model.validateExpressions()) {
    const owner = (r.obj as unknown as { name?: string }).name || '(survey)';
    for (const e of r.errors) {
      const expression = String((r.obj as unknown as Record<string, unknown>)[r.propertyName] ?? '');
      if (e.errorType === ERROR_TYPE.syntax) {
        problems.push({
          name: owner,
          reason: `${r.propertyName}: the expression "${expression}" cannot be parsed`,
          code: 'invalid_expression',
        });
      } else if (e.errorType === ERROR_TYPE.unknownFunction) {
        problems.push({
          name: owner,
          reason: `${r.propertyName}: unknown function "${e.functionName ?? ''}" in "${expression}"`,
          code: 'invalid_expression',
        });
      } else if (
        e.errorType === ERROR_TYPE.unknownVariable &&
        e.variableName &&
        /^panel\./i.test(e.variableName) &&
        panelOf.has(r.obj)
      ) {
        const inner = e.variableName.slice('panel.'.length).split(/[.[]/)[0]!.toLowerCase();
        const panel = panelOf.get(r.obj)!;
        if (!panelNames.get(panel)?.has(inner))
          problems.push({
            name: owner,
            reason: `${r.propertyName}: "${e.variableName}" names no question of the dynamic panel "${panel.name}" in "${expression}"`,
            code: 'invalid_expression',
          });
      } else if (e.errorType === ERROR_TYPE.unknownVariable && e.variableName && !isKnownVariable(e.variableName)) {
        problems.push({
          name: owner,
          reason: `${r.propertyName}: "${e.variableName}" names no question in "${expression}"`,
          code: 'invalid_expression',
        });
      }
    }
  }
  return problems;
}

/** A SurveyJS text (a string, or a `{ default, ru, en, uk }` object) as ru/en/uk, falling back to whatever text it has. */
export function localizedText(value: unknown, fallback: string): Localized {
  if (typeof value === 'string') return { ru: value, en: value, uk: value };
  if (value && typeof value === 'object') {
    const o = value as Record<string, string>;
    const any = o.default ?? o.ru ?? o.en ?? o.uk ?? fallback;
    return { ru: o.ru ?? any, en: o.en ?? o.default ?? any, uk: o.uk ?? any };
  }
  return { ru: fallback, en: fallback, uk: fallback };
}

/** The questionnaire title as ru/en/uk, falling back to whatever text it has. */
export function titleOf(definition: Record<string, unknown>, fallback: string): Localized {
  return localizedText(definition.title, fallback);
}
