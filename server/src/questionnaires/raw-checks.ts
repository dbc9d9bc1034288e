// Checks on the raw questionnaire JSON, made before survey-core loads it: a questionnaire is
// data from a stranger, and some of what it may hold would crash survey-core (a name that is a
// property of every object, an object where a string belongs), make the server fetch a URL, put
// unsafe names into exports or run a regular expression that never finishes.
import { Serializer } from 'survey-core';
import type { InvalidParam } from '../http/errors';
import { regexProblem } from './linear-regex';

/** Names of questions, panels, pages, calculated values, matrix columns and multiple-text items. */
export const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype).concat(['prototype']));
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 64;

function describeChar(ch: string): string {
  if (ch === ' ') return 'a space';
  if (ch === '\n' || ch === '\r') return 'a line break';
  if (ch === '\t') return 'a tab';
  if (ch === '"' || ch === "'" || ch === '`') return 'a quote';
  const code = ch.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return 'a control character';
  return `"${ch}"`;
}

/** Why `name` may not name a question (or panel, page...), or undefined when it may. */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'a name must be a text';
  if (name.length === 0) return 'a name may not be empty';
  if (name.length > 64) return 'a name may have at most 64 characters';
  if (RESERVED.has(name)) return `"${name}" is reserved (every JavaScript object has a property of that name)`;
  if (!SAFE_NAME.test(name)) {
    if (!/^[A-Za-z_]/.test(name)) return 'a name must start with a Latin letter or "_"';
    const bad = [...name].find((ch) => !/[A-Za-z0-9_-]/.test(ch))!;
    return `a name may not contain ${describeChar(bad)}; use Latin letters, digits, "_" and "-"`;
  }
  if (/-comment$/i.test(name)) return 'a name may not end with "-Comment" (that is where comments are stored)';
  return undefined;
}

// The survey-core class of the objects in each array property (elements name their own type).
const ELEMENT_ARRAYS = new Set(['elements', 'questions', 'templateElements', 'detailElements']);

type Visit = (node: Record<string, unknown>, cls: string | undefined, path: string, label: string) => void;

/** Calls `visit` for the survey, every page, element, matrix column, text item and validator. */
function visitNodes(definition: Record<string, unknown>, visit: Visit): void {
  const walk = (node: unknown, cls: string | undefined, path: string, depth: number, owner: string) => {
    if (depth > MAX_DEPTH || node === null || typeof node !== 'object' || Array.isArray(node)) return;
    const el = node as Record<string, unknown>;
    // A validator is named by its question; anything else without a name by its JSON path.
    const label =
      typeof el.name === 'string' && el.name
        ? el.name
        : cls?.endsWith('validator') && owner
          ? owner
          : path || '(survey)';
    visit(el, cls, path, label);
    const type = typeof el.type === 'string' ? el.type : undefined;
    for (const [key, value] of Object.entries(el)) {
      if (!Array.isArray(value)) continue;
      let childClass: (child: Record<string, unknown>) => string | undefined;
      if (key === 'pages') childClass = () => 'page';
      else if (ELEMENT_ARRAYS.has(key))
        childClass = (c) => (typeof c.type === 'string' ? c.type.toLowerCase() : undefined);
      else if (key === 'columns' && type && /^matrixdropdown|^matrixdynamic/i.test(type))
        childClass = () => 'matrixdropdowncolumn';
      else if (key === 'items' && type === 'multipletext') childClass = () => 'multipletextitem';
      else if (key === 'calculatedValues') childClass = () => 'calculatedvalue';
      else if (key === 'validators')
        childClass = (c) =>
          typeof c.type === 'string' ? (c.type.endsWith('validator') ? c.type : `${c.type}validator`) : undefined;
      else childClass = () => undefined;
      value.forEach((child, i) => {
        if (child && typeof child === 'object' && !Array.isArray(child))
          walk(
            child,
            childClass(child as Record<string, unknown>),
            `${path ? `${path}.` : ''}${key}[${i}]`,
            depth + 1,
            label,
          );
      });
    }
  };
  walk(definition, 'survey', '', 0, '');
}

/** Keys that would turn into prototype pollution anywhere in the definition. */
function forbiddenKeys(value: unknown, path: string, depth: number, out: InvalidParam[]): void {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) {
    out.push({ name: path || '(root)', reason: `nested deeper than ${MAX_DEPTH} levels`, code: 'too_deep' });
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => forbiddenKeys(v, `${path}[${i}]`, depth + 1, out));
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (FORBIDDEN_KEYS.has(k)) out.push({ name: at, reason: `the key "${k}" is not allowed`, code: 'unsafe_key' });
    else forbiddenKeys(v, at, depth + 1, out);
  }
}

// Properties that make survey-core load something from a URL, or talk to the SurveyJS service.
const REMOTE_PROPERTIES: Record<string, string> = {
  choicesByUrl: 'loads choices from a web address; list the choices in the questionnaire instead',
  surveyId: 'loads the questionnaire from the SurveyJS service',
  surveyPostId: 'sends answers to the SurveyJS service',
  clientId: 'identifies respondents to the SurveyJS service',
  navigateToUrl: 'sends respondents to another web address after they finish',
  navigateToUrlOnCondition: 'sends respondents to another web address after they finish',
};

function isSet(value: unknown): boolean {
  if (value === undefined || value === null || value === '' || value === false) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.values(value).some(isSet);
  return true;
}

// Containers survey-core declares with a loose type (`elements` is a "string" property of a page).
const STRUCTURE = new Set(['pages', 'questions', 'elements', 'templateElements', 'detailElements']);
const STRINGS = new Set(['string', 'text', 'html', 'file', 'color', 'url']);
const CODE = new Set(['condition', 'expression']);
const NUMBERS = new Set(['number']);
const BOOLEANS = new Set(['boolean', 'switch']);

/** Why `value` cannot be the value of property `prop`, for the simple property types. */
function typeProblem(prop: { type: string; isLocalizable: boolean }, value: unknown): string | undefined {
  const type = prop.type;
  if (prop.isLocalizable && (STRINGS.has(type) || type === 'string')) {
    if (typeof value === 'string') return undefined;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const bad = Object.entries(value).find(([, v]) => typeof v !== 'string');
      return bad ? `the "${bad[0]}" text must be a string` : undefined;
    }
    return 'must be a text or an object of texts by language';
  }
  if (CODE.has(type)) return typeof value === 'string' ? undefined : 'must be an expression (a string)';
  if (STRINGS.has(type)) return typeof value === 'object' && value !== null ? 'must be a string' : undefined;
  if (NUMBERS.has(type)) return typeof value === 'number' || typeof value === 'string' ? undefined : 'must be a number';
  if (BOOLEANS.has(type))
    return typeof value === 'boolean' || value === 'true' || value === 'false' ? undefined : 'must be true or false';
  return undefined;
}

export type RawCheck = { problems: InvalidParam[]; blocking: boolean };

/**
 * Everything wrong with the raw definition that survey-core cannot be trusted to report. When
 * `blocking`, survey-core must not load the definition at all (it could crash on it).
 */
export function rawChecks(definition: Record<string, unknown>): RawCheck {
  const blockingProblems: InvalidParam[] = [];
  forbiddenKeys(definition, '', 0, blockingProblems);
  if (blockingProblems.length) return { problems: blockingProblems, blocking: true };

  const problems: InvalidParam[] = [];
  visitNodes(definition, (node, cls, path, label) => {
    const isPage = cls === 'page';
    const named = cls !== undefined && cls !== 'survey' && !cls.endsWith('validator');
    if (named && 'name' in node) {
      const why = nameProblem(node.name);
      if (why)
        blockingProblems.push({
          name: typeof node.name === 'string' ? node.name : path,
          reason: `${isPage ? 'page' : 'name'}: ${why}`,
          code: 'unsafe_name',
        });
    }
    if ('valueName' in node && node.valueName !== '' && node.valueName !== undefined) {
      const why = nameProblem(node.valueName);
      if (why) blockingProblems.push({ name: label, reason: `valueName: ${why}`, code: 'unsafe_name' });
    }
    if (cls === 'regexvalidator' || node.type === 'regex') {
      const why = regexProblem(node.regex, Boolean(node.caseInsensitive ?? node.insensitive));
      if (why)
        problems.push({ name: label, reason: `regex "${String(node.regex)}": ${why}`, code: 'unsupported_regex' });
    }
    if (!cls || !Serializer.findClass(cls)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'type' || STRUCTURE.has(key) || value === null || value === undefined) continue;
      const prop = Serializer.findProperty(cls, key);
      if (!prop) continue;
      const why = typeProblem({ type: prop.type, isLocalizable: prop.isLocalizable }, value);
      if (why) blockingProblems.push({ name: label, reason: `${key}: ${why}`, code: 'wrong_property_type' });
    }
  });
  // Anywhere in the definition (a matrix column, a dynamic panel's template...).
  for (const [key, what] of Object.entries(REMOTE_PROPERTIES)) {
    findKey(definition, key, '', 0, (name) =>
      problems.push({
        name,
        reason: `${key}: ${what}; a questionnaire may not load or send anything`,
        code: 'remote_source',
      }),
    );
  }
  return { problems: [...blockingProblems, ...problems], blocking: blockingProblems.length > 0 };
}

function findKey(value: unknown, key: string, path: string, depth: number, found: (path: string) => void): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => findKey(v, key, `${path}[${i}]`, depth + 1, found));
    return;
  }
  const node = value as Record<string, unknown>;
  if (key in node && isSet(node[key])) found(typeof node.name === 'string' && node.name ? node.name : path);
  for (const [k, v] of Object.entries(node)) findKey(v, key, path ? `${path}.${k}` : k, depth + 1, found);
}
