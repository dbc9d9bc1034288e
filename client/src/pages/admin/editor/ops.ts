// The editor's operations on a questionnaire definition (SurveyJS JSON). Each returns a new
// definition and leaves its input untouched, so undo/redo is a list of definitions.

import { collectTexts, usedLocales, type TextLocale } from '../../../../../server/src/questionnaires/texts';

export type Json = Record<string, unknown>;
export type Element = Json & { type: string; name: string };
export type Page = Json & { name: string; elements: Element[] };
export type Definition = Json & { pages: Page[] };
/**
 * Where a question is: page index and index in that page's elements; with `inner`, the index of
 * a question in the `templateElements` of the dynamic panel at (page, index).
 */
export type At = { page: number; index: number; inner?: number };

/** The question types the editor offers (those the project supports). */
export const QUESTION_TYPES = [
  'radiogroup',
  'checkbox',
  'dropdown',
  'text',
  'comment',
  'rating',
  'boolean',
  'matrix',
  'ranking',
  'paneldynamic',
  'html',
] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const CHOICE_TYPES = new Set(['radiogroup', 'checkbox', 'dropdown', 'ranking', 'tagbox']);

/** The safe-name rule of uploads (server/src/questionnaires/raw-checks.ts), for feedback while typing. */
export const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype).concat(['prototype']));
export function nameIsSafe(name: string): boolean {
  return SAFE_NAME.test(name) && !RESERVED.has(name) && !/-comment$/i.test(name);
}

const clone = <T>(v: T): T => structuredClone(v);

/** A definition with pages (one made for a definition that lists elements at the top). */
export function normalize(def: Json): Definition {
  const d = clone(def);
  if (!Array.isArray(d.pages)) {
    const elements = Array.isArray(d.elements) ? d.elements : Array.isArray(d.questions) ? d.questions : [];
    delete d.elements;
    delete d.questions;
    d.pages = [{ name: 'page1', elements }];
  }
  for (const [i, p] of (d.pages as Json[]).entries()) {
    if (typeof p.name !== 'string' || !p.name) p.name = `page${i + 1}`;
    if (!Array.isArray(p.elements)) p.elements = [];
  }
  return d as Definition;
}

/** Every name used by pages and elements (nested panels and dynamic panels too). */
export function allNames(def: Definition): Set<string> {
  const names = new Set<string>();
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const e of list as Json[]) {
      if (typeof e?.name === 'string') names.add(e.name);
      walk(e?.elements);
      walk(e?.templateElements);
    }
  };
  walk(def.pages);
  return names;
}

export function uniqueName(def: Definition, stem: string): string {
  const names = allNames(def);
  for (let n = 1; ; n++) if (!names.has(`${stem}${n}`)) return `${stem}${n}`;
}

/** A new question of `type` with a Russian title and sensible defaults. */
export function newQuestion(def: Definition, type: QuestionType, title: string): Element {
  const q: Element = { type, name: uniqueName(def, 'question'), title: { ru: title } };
  if (CHOICE_TYPES.has(type))
    q.choices = [
      { value: 'item1', text: { ru: '1' } },
      { value: 'item2', text: { ru: '2' } },
    ];
  if (type === 'dropdown') q.searchEnabled = true;
  if (type === 'rating') {
    q.rateMin = 1;
    q.rateMax = 5;
  }
  if (type === 'matrix') {
    q.columns = [
      { value: '1', text: { ru: '1' } },
      { value: '2', text: { ru: '2' } },
    ];
    q.rows = [{ value: 'row1', text: { ru: '1' } }];
  }
  if (type === 'paneldynamic') q.templateElements = [{ type: 'text', name: 'item', title: { ru: title } }];
  if (type === 'html') {
    delete q.title;
    q.html = { ru: `<p>${title}</p>` };
  }
  return q;
}

export function addPage(def: Definition, after: number, title: string): Definition {
  const d = clone(def);
  d.pages.splice(after + 1, 0, { name: uniqueName(d, 'page'), title: { ru: title }, elements: [] });
  return d;
}

export function removePage(def: Definition, index: number): Definition {
  if (def.pages.length <= 1) return def;
  const d = clone(def);
  d.pages.splice(index, 1);
  return d;
}

export function movePage(def: Definition, index: number, delta: -1 | 1): Definition {
  const to = index + delta;
  if (to < 0 || to >= def.pages.length) return def;
  const d = clone(def);
  const [p] = d.pages.splice(index, 1);
  d.pages.splice(to, 0, p!);
  return d;
}

export function addQuestion(def: Definition, page: number, q: Element, index?: number): Definition {
  const d = clone(def);
  const list = d.pages[page]!.elements;
  list.splice(index ?? list.length, 0, q);
  return d;
}

export const isDynamicPanel = (e: Json | undefined): boolean => e?.type === 'paneldynamic';

/** The question at `at` (undefined when there is none). */
export function elementAt(def: Definition, at: At): Element | undefined {
  const top = def.pages[at.page]?.elements[at.index];
  if (at.inner === undefined) return top;
  const inner = top && Array.isArray(top.templateElements) ? (top.templateElements as Element[]) : [];
  return inner[at.inner];
}

/** The list holding the question at `at` (a page's elements, or a dynamic panel's template), in `d`. */
function listOf(d: Definition, at: At): Element[] {
  const page = d.pages[at.page]!.elements;
  if (at.inner === undefined) return page;
  const panel = page[at.index]!;
  if (!Array.isArray(panel.templateElements)) panel.templateElements = [];
  return panel.templateElements as Element[];
}
const indexIn = (at: At) => at.inner ?? at.index;

/** The questions inside the dynamic panel at `panel` (empty for any other question). */
export function innerQuestions(def: Definition, panel: At): Element[] {
  const p = def.pages[panel.page]?.elements[panel.index];
  return isDynamicPanel(p) && Array.isArray(p!.templateElements) ? (p!.templateElements as Element[]) : [];
}

/** Adds a question inside the dynamic panel at `panel` (at `index`, by default at the end). */
export function addInnerQuestion(def: Definition, panel: At, q: Element, index?: number): Definition {
  if (!isDynamicPanel(def.pages[panel.page]?.elements[panel.index])) return def;
  const d = clone(def);
  const list = listOf(d, { page: panel.page, index: panel.index, inner: 0 });
  list.splice(index ?? list.length, 0, q);
  return d;
}

export function removeQuestion(def: Definition, at: At): Definition {
  const d = clone(def);
  listOf(d, at).splice(indexIn(at), 1);
  return d;
}

/**
 * Moves a question one place up or down; at the top or bottom of a page it moves to the end of
 * the previous page or the start of the next. Returns the new position too.
 */
export function moveQuestion(def: Definition, at: At, delta: -1 | 1): { def: Definition; at: At } {
  if (at.inner !== undefined) {
    // Inside a dynamic panel a question moves within the panel only.
    const to = at.inner + delta;
    if (to < 0 || to >= innerQuestions(def, at).length) return { def, at };
    const d = clone(def);
    const list = listOf(d, at);
    const [q] = list.splice(at.inner, 1);
    list.splice(to, 0, q!);
    return { def: d, at: { ...at, inner: to } };
  }
  const d = clone(def);
  const list = d.pages[at.page]!.elements;
  const to = at.index + delta;
  if (to >= 0 && to < list.length) {
    const [q] = list.splice(at.index, 1);
    list.splice(to, 0, q!);
    return { def: d, at: { page: at.page, index: to } };
  }
  const page = at.page + delta;
  if (page < 0 || page >= d.pages.length) return { def, at };
  const [q] = list.splice(at.index, 1);
  const target = d.pages[page]!.elements;
  if (delta < 0) {
    target.push(q!);
    return { def: d, at: { page, index: target.length - 1 } };
  }
  target.unshift(q!);
  return { def: d, at: { page, index: 0 } };
}

/** Moves a question to another position (drag and drop). */
export function moveQuestionTo(def: Definition, from: At, to: At): Definition {
  const d = clone(def);
  const [q] = d.pages[from.page]!.elements.splice(from.index, 1);
  const target = d.pages[to.page]!.elements;
  target.splice(Math.min(to.index, target.length), 0, q!);
  return d;
}

/** Sets (or with undefined removes) properties of a question. */
export function updateQuestion(def: Definition, at: At, patch: Json): Definition {
  const d = clone(def);
  const q = listOf(d, at)[indexIn(at)]!;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0 && k !== 'choices')) delete q[k];
    else q[k] = v;
  }
  return d;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** Replaces `re` by `to` in every expression (…If, expression) under `node`, and in `texts` too. */
function replaceInExpressions(node: unknown, re: RegExp, to: string, texts: readonly string[] = []): void {
  if (Array.isArray(node)) node.forEach((n) => replaceInExpressions(n, re, to, texts));
  else if (node && typeof node === 'object') {
    const o = node as Json;
    for (const [k, v] of Object.entries(o)) {
      if (typeof v === 'string' && /If$|^expression$/.test(k)) o[k] = v.replace(re, to);
      else if (texts.includes(k) && v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [l, x] of Object.entries(v as Json)) if (typeof x === 'string') (v as Json)[l] = x.replace(re, to);
      } else if (texts.includes(k) && typeof v === 'string') o[k] = v.replace(re, to);
      else replaceInExpressions(v, re, to, texts);
    }
  }
}

/**
 * Renames a question and every reference to it: `{old}` in the expressions of the definition;
 * for a question inside a dynamic panel, `{panel.old}` in the panel's own expressions and
 * template title (that is how SurveyJS names a question of the same panel entry).
 */
export function renameQuestion(def: Definition, at: At, name: string): Definition {
  const old = elementAt(def, at)?.name;
  const d = updateQuestion(def, at, { name });
  if (!old || old === name) return d;
  if (at.inner !== undefined) {
    const panel = d.pages[at.page]!.elements[at.index]!;
    const re = new RegExp(`\\{(panel|parentpanel)\\.${escapeRe(old)}([.[}])`, 'g');
    replaceInExpressions(panel, re, `{$1.${name}$2`, ['templateTitle', 'templateTabTitle']);
    return d;
  }
  replaceInExpressions(d, new RegExp(`\\{${escapeRe(old)}([.[}])`, 'g'), `{${name}$1`);
  return d;
}

/** The text of a localized value in one language (falls back to Russian, then to any text). */
export function textIn(value: unknown, locale: string): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const v = o[locale] ?? o.ru ?? o.default ?? Object.values(o)[0];
    return typeof v === 'string' ? v : '';
  }
  return '';
}

/** Sets one language of a localized value (a plain string counts as Russian). */
export function withText(value: unknown, locale: string, text: string): Record<string, string> | undefined {
  const o: Record<string, string> = {};
  if (typeof value === 'string') o.ru = value;
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value as Json)) if (typeof v === 'string') o[k === 'default' ? 'ru' : k] = v;
  if (text) o[locale] = text;
  else delete o[locale];
  return Object.keys(o).length ? o : undefined;
}

export type Choice = { value: string | number; text?: unknown };

export function choicesOf(q: Json, prop = 'choices'): Choice[] {
  const list = q[prop];
  if (!Array.isArray(list)) return [];
  return list.map((c) =>
    c && typeof c === 'object'
      ? ({ ...(c as Json), value: (c as Json).value as string } as Choice)
      : { value: c as string },
  );
}

/**
 * A pasted list, one item a line: `code | text` (or `code<TAB>text`, as copied from a
 * spreadsheet), or just the text (its code is then its line number). The text goes to `locale`.
 */
export function parseChoiceList(text: string, locale: string): Choice[] {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.map((line, i) => {
    const m = /^([^|\t]+?)\s*[|\t]\s*(.+)$/.exec(line);
    if (m) return { value: m[1]!.trim(), text: { [locale]: m[2]!.trim() } };
    return { value: String(i + 1), text: { [locale]: line } };
  });
}

/** The choices as the paste box shows them (`code | text` in `locale`). */
export function choiceListText(choices: Choice[], locale: string): string {
  return choices.map((c) => `${c.value} | ${textIn(c.text, locale) || String(c.value)}`).join('\n');
}

/** Merges pasted choices into existing ones by code, keeping the other languages of kept codes. */
export function mergeChoices(old: Choice[], pasted: Choice[], locale: string): Choice[] {
  const byValue = new Map(old.map((c) => [String(c.value), c]));
  return pasted.map((p) => {
    const before = byValue.get(String(p.value));
    const text = withText(before?.text, locale, textIn(p.text, locale));
    return text ? { value: p.value, text } : { value: p.value };
  });
}

/** Every question (value name and choices) an expression may refer to, in page order. */
export function questionList(def: Definition): Element[] {
  const out: Element[] = [];
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const e of list as Element[]) {
      if (e?.type === 'panel') walk(e.elements);
      else if (e?.type && e.type !== 'html') out.push(e);
    }
  };
  for (const p of def.pages) walk(p.elements);
  return out;
}

/** Where the question named `name` is (top-level elements of pages, then questions inside dynamic panels). */
export function findQuestion(def: Definition, name: string): At | null {
  for (const [page, p] of def.pages.entries()) {
    const index = p.elements.findIndex((e) => e.name === name);
    if (index >= 0) return { page, index };
  }
  for (const [page, p] of def.pages.entries())
    for (let index = 0; index < p.elements.length; index++) {
      const inner = innerQuestions(def, { page, index }).findIndex((x) => x.name === name);
      if (inner >= 0) return { page, index, inner };
    }
  return null;
}

/**
 * The questions a condition of the question at `at` may ask about. For a question inside a
 * dynamic panel: the other questions of the same panel entry, as `panel.<name>` (SurveyJS's
 * name for them there), then the questions outside the panel.
 */
export function conditionQuestions(def: Definition, at: At): Element[] {
  const self = elementAt(def, at);
  const outside = questionList(def).filter((q) => q !== self && q.name !== self?.name);
  if (at.inner === undefined) return outside;
  const siblings = innerQuestions(def, at)
    .filter((q, i) => i !== at.inner && q.type !== 'html' && q.type !== 'panel')
    .map((q) => ({ ...q, name: `panel.${q.name}` }));
  const panelName = def.pages[at.page]!.elements[at.index]!.name;
  return [...siblings, ...outside.filter((q) => q.name !== panelName)];
}

/** Other names in the scope of the question at `at` (a new name must differ from these). */
export function namesInScope(def: Definition, at: At): Set<string> {
  const self = elementAt(def, at);
  const names = allNames(def);
  if (self) names.delete(self.name);
  return names;
}

// Properties every question type (but html notes) understands: kept by a change of type.
const COMMON_PROPS = [
  'type',
  'name',
  'title',
  'description',
  'isRequired',
  'requiredErrorText',
  'visibleIf',
  'enableIf',
  'requiredIf',
  'valueName',
  'lsgRole',
  'visible',
  'readOnly',
  'startWithNewLine',
  'width',
  'minWidth',
  'maxWidth',
  'titleLocation',
  'descriptionLocation',
  'hideNumber',
  'state',
  'indent',
] as const;
const SELECT_PROPS = ['choices', 'choicesOrder', 'hasComment', 'commentText', 'commentPlaceholder'];
const OTHER_PROPS = ['showOtherItem', 'otherText', 'otherPlaceholder', 'otherErrorText'];
const NONE_PROPS = ['showNoneItem', 'noneText'];
/** What each type understands beyond COMMON_PROPS (and which validators apply to it). */
const TYPE_PROPS: Record<QuestionType, string[]> = {
  radiogroup: [...SELECT_PROPS, ...OTHER_PROPS, ...NONE_PROPS, 'colCount', 'showClearButton'],
  checkbox: [
    ...SELECT_PROPS,
    ...OTHER_PROPS,
    ...NONE_PROPS,
    'colCount',
    'showSelectAllItem',
    'selectAllText',
    'minSelectedChoices',
    'maxSelectedChoices',
  ],
  dropdown: [...SELECT_PROPS, ...OTHER_PROPS, ...NONE_PROPS, 'searchEnabled', 'placeholder', 'allowClear'],
  ranking: ['choices', 'choicesOrder', 'selectToRankEnabled'],
  text: ['inputType', 'min', 'max', 'step', 'placeholder', 'maxLength', 'size', 'autocomplete'],
  comment: ['placeholder', 'maxLength', 'rows', 'autoGrow', 'allowResize'],
  rating: [
    'rateMin',
    'rateMax',
    'rateStep',
    'rateValues',
    'rateType',
    'rateCount',
    'displayMode',
    'minRateDescription',
    'maxRateDescription',
  ],
  boolean: ['labelTrue', 'labelFalse', 'valueTrue', 'valueFalse', 'renderAs'],
  matrix: ['rows', 'columns', 'isAllRowRequired', 'rowsOrder'],
  paneldynamic: [
    'templateElements',
    'templateTitle',
    'templateDescription',
    'panelCount',
    'minPanelCount',
    'maxPanelCount',
    'panelAddText',
    'panelRemoveText',
    'renderMode',
    'displayMode',
  ],
  html: ['html'],
};
const VALIDATORS_OF: Record<string, readonly string[]> = {
  text: ['numeric', 'text', 'regex', 'email', 'expression'],
  comment: ['text', 'regex', 'expression'],
  rating: ['expression'],
  checkbox: ['answercount', 'expression'],
  ranking: ['answercount', 'expression'],
};

/**
 * Changes the type of the question at `at`, keeping what still applies: name, texts, required,
 * conditions and role always; choices between types that have choices; ranges between a rating
 * and a number field; the validators the new type can run. Whatever the new type needs and
 * lacks gets its default (as for a new question). Returns the properties dropped.
 */
export function changeType(def: Definition, at: At, type: QuestionType): { def: Definition; dropped: string[] } {
  const q = elementAt(def, at);
  if (!q || q.type === type) return { def, dropped: [] };
  const from = q.type;
  const next: Element = { type, name: q.name };
  const keep = new Set<string>(type === 'html' ? ['type', 'name', 'visibleIf'] : COMMON_PROPS);
  for (const p of TYPE_PROPS[type] ?? []) keep.add(p);
  const dropped: string[] = [];
  for (const [k, v] of Object.entries(q)) {
    if (k === 'type' || k === 'name') continue;
    if (k === 'validators' && Array.isArray(v) && type !== 'html') {
      const allowed = VALIDATORS_OF[type] ?? ['expression'];
      const kept = (v as Json[]).filter((x) => allowed.includes(String(x?.type)));
      if (kept.length) next.validators = kept;
      if (kept.length < v.length) dropped.push('validators');
      continue;
    }
    // A dropdown's search is on by default: nothing is lost when it goes.
    if (k === 'searchEnabled' && type !== 'dropdown') continue;
    if (keep.has(k)) next[k] = v;
    else dropped.push(k);
  }
  const undrop = (...props: string[]) => {
    for (const p of props) if (dropped.includes(p)) dropped.splice(dropped.indexOf(p), 1);
  };
  // Ranges carried between a rating and a number field.
  if (from === 'rating' && type === 'text') {
    next.inputType = 'number';
    next.min = typeof q.rateMin === 'number' ? q.rateMin : 1;
    next.max = typeof q.rateMax === 'number' ? q.rateMax : 5;
    undrop('rateMin', 'rateMax');
  }
  if (from === 'text' && type === 'rating' && q.inputType === 'number') {
    if (typeof q.min === 'number') next.rateMin = q.min;
    if (typeof q.max === 'number') next.rateMax = q.max;
    undrop('min', 'max', 'inputType');
  }
  // A note shows the title as its text; a question made of a note takes the note's text as title.
  if (type === 'html' && q.title !== undefined) {
    next.html = q.title;
    undrop('title');
  }
  if (from === 'html' && q.html !== undefined) {
    const strip = (x: string) => x.replace(/<[^>]*>/g, '').trim();
    if (typeof q.html === 'string') next.title = { ru: strip(q.html) };
    else if (q.html && typeof q.html === 'object')
      next.title = Object.fromEntries(
        Object.entries(q.html as Json).flatMap(([l, x]) => (typeof x === 'string' ? [[l, strip(x)]] : [])),
      );
    undrop('html');
  }
  // What the new type needs and the old one did not have: the defaults of a new question.
  const defaults = newQuestion(def, type, textIn(q.title, 'ru') || q.name);
  for (const [k, v] of Object.entries(defaults))
    if (k !== 'name' && k !== 'title' && next[k] === undefined) next[k] = v;
  const d = clone(def);
  listOf(d, at)[indexIn(at)] = next;
  return { def: d, dropped: [...new Set(dropped)] };
}

/** The types a question may change to (inside a dynamic panel: not another dynamic panel). */
export function typesFor(at: At): QuestionType[] {
  return QUESTION_TYPES.filter((t) => at.inner === undefined || t !== 'paneldynamic');
}

/**
 * For each question with texts (title, choices, ...) lacking one of the questionnaire's
 * languages: those languages and how many texts lack each, as the server's `missing_translations`
 * rule counts them (the same module), keyed by question name.
 */
export function missingTranslationsByQuestion(def: Json): Map<string, Partial<Record<TextLocale, number>>> {
  const texts = collectTexts(def);
  const required = usedLocales(texts);
  const out = new Map<string, Partial<Record<TextLocale, number>>>();
  for (const x of texts) {
    const short = required.filter((l) => !x.values[l].trim());
    if (!short.length) continue;
    // The question the text belongs to: the deepest element on its path.
    let node: unknown = def;
    let owner: string | undefined;
    for (const [i, step] of x.path.entries()) {
      node = (node as Record<string | number, unknown> | undefined)?.[step];
      const key = x.path[i - 1];
      if (
        (key === 'elements' || key === 'templateElements' || key === 'questions') &&
        typeof (node as Json | undefined)?.name === 'string'
      )
        owner = (node as Json).name as string;
    }
    if (!owner) continue;
    const m = out.get(owner) ?? {};
    for (const l of short) m[l] = (m[l] ?? 0) + 1;
    out.set(owner, m);
  }
  return out;
}
