// Every text of a questionnaire definition (SurveyJS JSON), keyed so that a translator's table
// and the stored JSON can be matched. Pure and dependency-free: the server reads it to find
// missing translations (a wave refuses a version with missing languages unless told otherwise),
// the questionnaire editor imports it for its translation table and XLSX round trip, so both
// count the same texts the same way.

/** The languages of the product, in the order the translation table shows them. */
export const TEXT_LOCALES = ['ru', 'uk', 'en'] as const;
export type TextLocale = (typeof TEXT_LOCALES)[number];

/** SurveyJS properties that hold a text shown to respondents (string or { locale: text }). */
export const LOCALIZABLE = [
  'title',
  'description',
  'placeholder',
  'otherText',
  'otherPlaceholder',
  'noneText',
  'selectAllText',
  'commentText',
  'requiredErrorText',
  'minRateDescription',
  'maxRateDescription',
  'labelTrue',
  'labelFalse',
  'html',
  'completeText',
  'completedHtml',
  'pagePrevText',
  'pageNextText',
  'startSurveyText',
  'panelAddText',
  'panelRemoveText',
  'templateTitle',
] as const;

/** Arrays of items (choices, rows, columns, rate values) whose members may carry a `text`. */
const ITEM_ARRAYS = ['choices', 'rows', 'columns', 'rateValues'] as const;
const ELEMENT_ARRAYS = ['pages', 'elements', 'questions', 'templateElements'] as const;

export type TextEntry = {
  /** Stable key: `survey.title`, `page1.title`, `q1.choices.yes`, `q1.validators.0.text`. */
  key: string;
  /** Where the text lives: JSON path segments from the root to the property holding it. */
  path: (string | number)[];
  /** The text in each language ('' when missing). A plain string counts as Russian (the default). */
  values: Record<TextLocale, string>;
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The per-language values of a text (string: the default language, Russian). */
export function textValues(value: unknown): Record<TextLocale, string> {
  const out: Record<TextLocale, string> = { ru: '', uk: '', en: '' };
  if (typeof value === 'string') out.ru = value;
  else if (isObject(value)) {
    for (const l of TEXT_LOCALES) if (typeof value[l] === 'string') out[l] = value[l];
    if (!out.ru && typeof value.default === 'string') out.ru = value.default;
  }
  return out;
}

/** Every text of the definition, in document order. */
export function collectTexts(definition: Json): TextEntry[] {
  const out: TextEntry[] = [];
  const add = (key: string, path: (string | number)[], value: unknown) => {
    if (value === undefined || value === null) return;
    if (typeof value !== 'string' && !isObject(value)) return;
    out.push({ key, path, values: textValues(value) });
  };
  const props = (node: Json, prefix: string, path: (string | number)[]) => {
    for (const p of LOCALIZABLE) add(`${prefix}.${p}`, [...path, p], node[p]);
    for (const arr of ITEM_ARRAYS) {
      const list = node[arr];
      if (!Array.isArray(list)) continue;
      list.forEach((item, i) => {
        if (!isObject(item)) return;
        const id = String(item.value ?? item.name ?? i);
        add(`${prefix}.${arr}.${id}`, [...path, arr, i, 'text'], item.text);
        if (arr === 'columns') add(`${prefix}.${arr}.${id}.title`, [...path, arr, i, 'title'], item.title);
      });
    }
    const validators = node.validators;
    if (Array.isArray(validators))
      validators.forEach((v, i) => {
        if (isObject(v)) add(`${prefix}.validators.${i}.text`, [...path, 'validators', i, 'text'], v.text);
      });
  };
  const walk = (node: Json, path: (string | number)[], depth: number, prefix: string) => {
    if (depth > 40) return;
    props(node, prefix, path);
    for (const arr of ELEMENT_ARRAYS) {
      const list = node[arr];
      if (!Array.isArray(list)) continue;
      list.forEach((child, i) => {
        if (!isObject(child)) return;
        const name = typeof child.name === 'string' && child.name ? child.name : `${arr}${i}`;
        walk(child, [...path, arr, i], depth + 1, prefix === 'survey' ? name : `${prefix}.${name}`);
      });
    }
  };
  walk(definition, [], 0, 'survey');
  return out;
}

/**
 * The languages the questionnaire is offered in: every product language at least one text has.
 * These are the required languages: a text without one of them is a missing translation.
 */
export function usedLocales(texts: TextEntry[]): TextLocale[] {
  return TEXT_LOCALES.filter((l) => texts.some((t) => t.values[l]));
}

export type MissingTranslations = {
  locales: TextLocale[];
  /** Count of missing texts per language. */
  missing: Record<TextLocale, number>;
  /** The keys of texts missing at least one language (first 50). */
  keys: string[];
};

/** Texts without a translation into one of `locales` (by default the languages the questionnaire uses). */
export function missingTranslations(definition: Json, locales?: readonly TextLocale[]): MissingTranslations {
  const texts = collectTexts(definition);
  const required = locales ? [...locales] : usedLocales(texts);
  const missing: Record<TextLocale, number> = { ru: 0, uk: 0, en: 0 };
  const keys: string[] = [];
  for (const t of texts) {
    let any = false;
    for (const l of required)
      if (!t.values[l].trim()) {
        missing[l]++;
        any = true;
      }
    if (any && keys.length < 50) keys.push(t.key);
  }
  return { locales: required, missing, keys };
}

/** Reads the value at a JSON path (undefined when any step is absent). */
function at(root: unknown, path: (string | number)[]): unknown {
  let node = root;
  for (const p of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[p];
  }
  return node;
}

/**
 * Sets the text at `path` in language `locale` (a copy of `definition` is returned). A plain
 * string becomes `{ ru: string }` first; an empty text removes that language.
 */
export function setText(definition: Json, path: (string | number)[], locale: TextLocale, text: string): Json {
  const copy = structuredClone(definition);
  const parent = at(copy, path.slice(0, -1)) as Record<string | number, unknown> | undefined;
  if (!parent || typeof parent !== 'object') return definition;
  const prop = path[path.length - 1]!;
  const values = textValues(parent[prop]);
  values[locale] = text;
  const next: Record<string, string> = {};
  for (const l of TEXT_LOCALES) if (values[l]) next[l] = values[l];
  if (Object.keys(next).length === 0) delete parent[prop];
  else parent[prop] = next;
  return copy;
}
