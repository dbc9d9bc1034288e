// The editor's operations on a questionnaire definition (SurveyJS JSON). Each returns a new
// definition and leaves its input untouched, so undo/redo is a list of definitions.

export type Json = Record<string, unknown>;
export type Element = Json & { type: string; name: string };
export type Page = Json & { name: string; elements: Element[] };
export type Definition = Json & { pages: Page[] };
/** Where a question is: page index and index in that page's elements. */
export type At = { page: number; index: number };

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

export function removeQuestion(def: Definition, at: At): Definition {
  const d = clone(def);
  d.pages[at.page]!.elements.splice(at.index, 1);
  return d;
}

/**
 * Moves a question one place up or down; at the top or bottom of a page it moves to the end of
 * the previous page or the start of the next. Returns the new position too.
 */
export function moveQuestion(def: Definition, at: At, delta: -1 | 1): { def: Definition; at: At } {
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
  const q = d.pages[at.page]!.elements[at.index]!;
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0 && k !== 'choices')) delete q[k];
    else q[k] = v;
  }
  return d;
}

/** Renames a question and every `{old}` reference to it in the expressions of the definition. */
export function renameQuestion(def: Definition, at: At, name: string): Definition {
  const old = def.pages[at.page]!.elements[at.index]!.name;
  const d = updateQuestion(def, at, { name });
  if (!old || old === name) return d;
  const re = new RegExp(`\\{${old.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}([.[}])`, 'g');
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Json;
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === 'string' && /If$|^expression$/.test(k)) o[k] = v.replace(re, `{${name}$1`);
        else walk(v);
      }
    }
  };
  walk(d);
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

/** Where the question named `name` is (top-level elements of pages). */
export function findQuestion(def: Definition, name: string): At | null {
  for (const [page, p] of def.pages.entries()) {
    const index = p.elements.findIndex((e) => e.name === name);
    if (index >= 0) return { page, index };
  }
  return null;
}
