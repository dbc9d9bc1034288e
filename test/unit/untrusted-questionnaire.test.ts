// The pure pieces behind the upload checks for untrusted questionnaires.
import { compileLinear, regexProblem, toRe2Syntax } from '../../server/src/questionnaires/linear-regex';
import { parseJsonText, tooDeepAt } from '../../server/src/questionnaires/json-text';
import { nameProblem } from '../../server/src/questionnaires/raw-checks';

describe('linear regular expressions', () => {
  it('rewrites \\uXXXX for RE2 but leaves an escaped backslash alone', () => {
    expect(toRe2Syntax('^\\u0041\\d$')).toBe('^\\x{0041}\\d$');
    expect(toRe2Syntax('\\\\u0041')).toBe('\\\\u0041');
  });

  it.each([
    ['^\\d{6}$', '123456', true],
    ['^\\d{6}$', '12345x', false],
    ['^[а-яё]+$', 'Ёлка', false],
    ['^[а-яё]+$', 'ёлка', true],
    ['^(a+)+$', `${'a'.repeat(5000)}!`, false],
  ])('%s on %j gives the RegExp verdict (%s)', (pattern, value, expected) => {
    expect(compileLinear(pattern).test(value)).toBe(expected);
    if (value.length < 100) expect(new RegExp(pattern).test(value)).toBe(expected);
  });

  it('says why a pattern cannot run', () => {
    expect(regexProblem('(a)\\1')).toMatch(/linear time/);
    expect(regexProblem('(?=a)')).toMatch(/lookahead/);
    expect(regexProblem('(')).toBe('the pattern is not a valid regular expression');
    expect(regexProblem('x'.repeat(1001))).toMatch(/longer than 1000/);
    expect(regexProblem('^[\\w.+-]+@\\w+\\.\\w+$')).toBeUndefined();
  });
});

describe('JSON depth', () => {
  it('finds the bracket that goes too deep, ignoring brackets inside strings', () => {
    expect(tooDeepAt('[[["[[[[[[["]]]', 3)).toBe(-1);
    expect(tooDeepAt('{"a":[[{}]]}', 3)).toBe(7);
    expect(tooDeepAt('["\\"[[[[[["]', 1)).toBe(-1);
  });

  it('refuses deep text with its line and column, before parsing it', () => {
    const parsed = parseJsonText(`{\n"a": ${'['.repeat(100)}${']'.repeat(100)}}`);
    expect(parsed).toEqual({ ok: false, error: { line: 2, column: 69, message: 'nested deeper than 64 levels' } });
  });
});

describe('names', () => {
  it.each(['region', 'q_1', '_x', 'obstacle-severity', 'A'.repeat(64)])('accepts %s', (name) => {
    expect(nameProblem(name)).toBeUndefined();
  });
  it.each([
    ['', /empty/],
    ['1st', /start with/],
    ['имя', /start with/],
    ['a.b', /"\."/],
    ['a$b', /"\$"/],
    ['a\tb', /a tab/],
    ['hasOwnProperty', /reserved/],
    ['x-comment', /-Comment/],
  ])('refuses %j', (name, why) => {
    expect(nameProblem(name)).toMatch(why);
  });
});
