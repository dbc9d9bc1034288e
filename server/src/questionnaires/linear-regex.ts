// Regular expressions from questionnaires are data from a stranger: on the server they run in
// RE2 (re2js, a pure-JS port), whose matching time is linear in the input, so no pattern and no
// answer can stall the event loop. Patterns RE2 cannot run (backreferences, lookaround) are
// refused at upload; the browser still runs the same pattern natively for the respondent's own
// instant feedback, which can only slow down that respondent's own page.
import { RE2JS } from 're2js';

/** Longest pattern a questionnaire may carry (RE2 compile time and memory grow with it). */
export const MAX_PATTERN_LENGTH = 1000;

/**
 * Rewrites the JavaScript escapes RE2 spells differently: `\uXXXX` → `\x{XXXX}`. Everything else
 * common in form validation (classes, \d \w \s, quantifiers, groups, anchors, named groups) is
 * the same in both.
 */
export function toRe2Syntax(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = pattern[i + 1];
    const hex = pattern.slice(i + 2, i + 6);
    if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(hex)) {
      out += `\\x{${hex}}`;
      i += 5;
      continue;
    }
    // Any other escape is copied as a pair, so `\\u0041` stays an escaped backslash + "u0041".
    out += c + (next ?? '');
    i++;
  }
  return out;
}

export type LinearRegex = { test(value: unknown): boolean };

/** Compiles a questionnaire pattern for RE2; throws an Error saying why when it cannot run. */
export function compileLinear(pattern: string, caseInsensitive = false): LinearRegex {
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new Error(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  let re: RE2JS;
  try {
    re = RE2JS.compile(toRe2Syntax(pattern), caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (err) {
    const message = (err as Error).message.replace(/^error parsing regexp: /, '');
    throw new Error(
      `the pattern cannot run in linear time (${message}); backreferences and lookahead/lookbehind are not supported`,
      { cause: err },
    );
  }
  // RegExp.prototype.test semantics: the value as a string, a match anywhere in it.
  return { test: (value: unknown) => re.matcher(String(value)).find() };
}

/** Why a questionnaire pattern cannot be used, or undefined when it can. */
export function regexProblem(pattern: unknown, caseInsensitive = false): string | undefined {
  if (typeof pattern !== 'string') return 'the pattern must be a string';
  try {
    // The browser runs it natively: it must be a valid JavaScript pattern too.
    new RegExp(pattern, caseInsensitive ? 'i' : '');
  } catch {
    return 'the pattern is not a valid regular expression';
  }
  try {
    compileLinear(pattern, caseInsensitive);
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}
