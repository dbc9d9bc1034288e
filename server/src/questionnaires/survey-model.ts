// survey-core runs on the server too: questionnaires and answers are checked by the same
// library that renders them in the browser.
import { ChoicesRestful, Model, RegexValidator, Serializer, type Question } from 'survey-core';
import { logger } from '../logger';
import { compileLinear, type LinearRegex } from './linear-regex';

/**
 * `lsgRole` marks the questions that carry the analysis dimensions (region, municipality,
 * municipality type, size class, respondent role) and the obstacles. Any questionnaire can
 * feed the tally by marking its questions. `country` marks the question that narrows the
 * region list (filled in from an invitation's region).
 */
export const LSG_ROLES = [
  'country',
  'region',
  'municipality',
  'municipalityType',
  'sizeClass',
  'respondentRole',
  'obstacles',
  'obstacleSeverity',
] as const;
export type LsgRole = (typeof LSG_ROLES)[number];

if (!Serializer.findProperty('question', 'lsgRole')) {
  Serializer.addProperty('question', { name: 'lsgRole', visible: false });
}

// The server never fetches a URL named in a questionnaire. Uploads with `choicesByUrl` are refused
// (definition.ts); this makes sure nothing stored earlier can make survey-core fetch either (in
// Node it would use the global fetch while the model loads).
(ChoicesRestful.prototype as unknown as { sendRequest: () => void }).sendRequest = function sendRequest(): void {
  /* never on the server */
};

// survey-core's RegexValidator compiles its pattern with the native RegExp, whose backtracking
// can take exponential time on crafted input: on the server every regex validator runs in RE2.
// A stored pattern RE2 cannot run (only possible for versions stored before uploads checked
// patterns) is skipped on the server, never run natively; the browser still checks it.
const linearCache = new Map<string, LinearRegex | null>();
const SKIP: LinearRegex = { test: () => true };
(RegexValidator.prototype as unknown as { createRegExp: () => LinearRegex }).createRegExp = function createRegExp(
  this: RegexValidator,
) {
  const pattern = String(this.regex ?? '');
  const insensitive = Boolean((this as unknown as { caseInsensitive?: boolean }).caseInsensitive);
  const key = `${insensitive ? 'i' : '-'}${pattern}`;
  let re = linearCache.get(key);
  if (re === undefined) {
    try {
      re = compileLinear(pattern, insensitive);
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'regex validator skipped: its pattern cannot run in RE2');
      re = null;
    }
    if (linearCache.size >= 500) linearCache.clear();
    linearCache.set(key, re);
  }
  return re ?? SKIP;
};

export function createModel(definition: object): Model {
  return new Model(definition);
}

/**
 * Every question a respondent answers, inside panels and dynamic panels too, but not the cell
 * questions survey-core builds for matrix columns (their names are scoped to the matrix).
 */
export function questionsIn(model: Model): Question[] {
  return (model.getAllQuestions(false, false, true) as Question[]).filter((q) => {
    const parent = (q as unknown as { parentQuestion?: Question | null }).parentQuestion;
    return !(parent && parent.getType().startsWith('matrix'));
  });
}

const parentOf = (q: Question) => (q as unknown as { parentQuestion?: Question | null }).parentQuestion ?? null;

/** A question survey-core made for one entry of a dynamic panel (a copy of a template question). */
export function isPanelEntryQuestion(q: Question): boolean {
  return parentOf(q)?.getType() === 'paneldynamic';
}

/**
 * The questions as the definition writes them: every question of `questionsIn` but the copies
 * survey-core makes for each entry of a dynamic panel, and in their place the questions of the
 * panel's template (where they are defined), right after their panel, with `panel` set. This
 * does not depend on how many entries a panel starts with (`panelCount`).
 */
export function definedQuestions(model: Model): { question: Question; panel: Question | null }[] {
  const out: { question: Question; panel: Question | null }[] = [];
  const add = (q: Question, panel: Question | null, depth: number) => {
    out.push({ question: q, panel });
    if (q.getType() !== 'paneldynamic' || depth > 10) return;
    const template = (q as unknown as { template?: { questions?: Question[] } }).template;
    for (const inner of template?.questions ?? []) add(inner, q, depth + 1);
  };
  for (const q of questionsIn(model)) if (!isPanelEntryQuestion(q)) add(q, null, 0);
  return out;
}
