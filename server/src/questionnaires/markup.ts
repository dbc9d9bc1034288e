// Questionnaire text may carry HTML (an html question, completedHtml, a title with <b>...). It is
// passed through an allow-list sanitizer (sanitize-html) when a version is stored: only basic
// formatting, links to http/https/mailto and images from https or data: URLs survive; script,
// style, forms, frames, event handlers and every other attribute are dropped. The respondent
// pages sanitize again with DOMPurify where survey-core renders HTML, and the CSP stays.
import sanitizeHtml from 'sanitize-html';
import type { InvalidParam } from '../http/errors';

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'b',
    'strong',
    'i',
    'em',
    'u',
    's',
    'sub',
    'sup',
    'small',
    'mark',
    'span',
    'div',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'img',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
    'caption',
  ],
  allowedAttributes: {
    a: ['href', 'title'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    th: ['colspan', 'rowspan'],
    td: ['colspan', 'rowspan'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https', 'data'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
};

// The same parse and serialisation with nothing removed: when the allow-list result equals this,
// the sanitizer found nothing to remove and the author's text is kept byte for byte (plain text
// such as "Q&A" or "a < b" is not re-encoded, and a version's hash does not change).
const NOTHING_REMOVED: sanitizeHtml.IOptions = {
  allowedTags: false,
  allowedAttributes: false,
  allowVulnerableTags: true,
  allowedSchemesAppliedToAttributes: [],
  nonTextTags: [],
  disallowedTagsMode: 'discard',
};

/** The text with everything outside the allow-list removed, or undefined when nothing had to go. */
export function sanitizeMarkup(text: string): string | undefined {
  if (!/[<&]/.test(text)) return undefined;
  const clean = sanitizeHtml(text, ALLOWED);
  return clean === sanitizeHtml(text, NOTHING_REMOVED) ? undefined : clean;
}

// Subtrees that are not text shown to people: identifiers, values, expressions, patterns.
// Rewriting them would change data or logic, and none of them is rendered as HTML.
const NOT_TEXT = new Set([
  'name',
  'valueName',
  'type',
  'value',
  'defaultValue',
  'correctAnswer',
  'defaultRowValue',
  'defaultPanelValue',
  'regex',
  'expression',
  'runExpression',
  'setValue',
  'setToName',
  'fromName',
  'gotoName',
  'maskSettings',
  'inputType',
  'locale',
]);
const isLogic = (key: string) => NOT_TEXT.has(key) || /If$|Expression$/.test(key);

export type SanitizedDefinition = { definition: Record<string, unknown>; changed: InvalidParam[] };

/**
 * Sanitizes every text in a questionnaire definition. Returns a copy with the changed texts
 * replaced and the JSON paths of those texts (for the coordinator to see what was removed).
 */
export function sanitizeDefinition(definition: Record<string, unknown>): SanitizedDefinition {
  const changed: InvalidParam[] = [];
  const walk = (value: unknown, path: string, depth: number): unknown => {
    if (typeof value === 'string') {
      const clean = sanitizeMarkup(value);
      if (clean === undefined) return value;
      changed.push({
        name: path || '(root)',
        reason: 'markup outside the allowed set (script, style, forms, event handlers, unsafe links) was removed',
        code: 'markup_removed',
      });
      return clean;
    }
    if (depth > 64 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const next = isLogic(k) ? v : walk(v, path ? `${path}.${k}` : k, depth + 1);
      // defineProperty: a "__proto__" key stays an ordinary property (such keys are refused anyway).
      Object.defineProperty(out, k, { value: next, enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  const result = walk(definition, '', 0) as Record<string, unknown>;
  return { definition: changed.length ? result : definition, changed };
}
