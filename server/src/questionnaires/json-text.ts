// Parses questionnaire JSON text and, when it is not valid JSON, says where: line and column
// (1-based) of the first error. V8's JSON.parse messages name a position only sometimes, so a
// small strict RFC 8259 scanner finds it.

export type JsonSyntaxError = { line: number; column: number; message: string };

export type ParsedJson = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

/** No questionnaire nests deeper than this; deeper text is refused before it is parsed. */
export const MAX_JSON_DEPTH = 64;

/**
 * Offset of the bracket that opens level `max + 1`, or -1. A linear scan (strings skipped), run
 * before JSON.parse: a 10,000-level text would otherwise overflow the stack of every recursive
 * walk after the parse.
 */
export function tooDeepAt(s: string, max = MAX_JSON_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return i;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return -1;
}

export function parseJsonText(text: string): ParsedJson {
  // A UTF-8 BOM is common in files saved by Windows editors; it is not part of the JSON.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const deep = tooDeepAt(text);
  if (deep >= 0) {
    return {
      ok: false,
      error: { ...lineColumn(text, deep), message: `nested deeper than ${MAX_JSON_DEPTH} levels` },
    };
  }
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    const { offset, message } = locateJsonError(body);
    const offsetInText = offset + (body === text ? 0 : 1);
    return { ok: false, error: { ...lineColumn(text, offsetInText), message } };
  }
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Offset and description of the first syntax error in `s` (which JSON.parse refused). */
export function locateJsonError(s: string): { offset: number; message: string } {
  let i = 0;
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t' || s[i] === '\n' || s[i] === '\r')) i++;
  };
  const fail = (message: string): never => {
    throw new Stop(i, i >= s.length ? 'unexpected end of input' : message);
  };
  const describe = () => (i >= s.length ? 'end of input' : `"${s[i]}"`);
  const expect = (ch: string) => {
    if (s[i] !== ch) fail(`expected "${ch}" but found ${describe()}`);
    i++;
  };
  const string = () => {
    expect('"');
    while (i < s.length) {
      const c = s.charCodeAt(i);
      if (s[i] === '"') {
        i++;
        return;
      }
      if (c < 0x20) fail('a line break or control character inside a string (use \\n)');
      if (s[i] === '\\') {
        i++;
        const e = s[i];
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(s[i + k] ?? '')) {
              i += k;
              fail('a \\u escape needs four hex digits');
            }
          }
          i += 5;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) fail(`invalid escape "\\${e ?? ''}"`);
        i++;
        continue;
      }
      i++;
    }
    fail('unterminated string');
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(s.slice(i, i + 400));
    if (!m || m[0] === '-' || m[0] === '') fail(`unexpected ${describe()}`);
    i += m![0].length;
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (s[i] !== ch) fail(`unexpected ${describe()}`);
      i++;
    }
  };
  /** The members of an object or the elements of an array, from its opening bracket to `close`. */
  const items = (close: '}' | ']', item: () => void): void => {
    i++;
    ws();
    if (s[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      ws();
      if (s[i] === ',') {
        i++;
        ws();
        if (s[i] === close) fail(`a comma before "${close}" (trailing commas are not allowed)`);
        continue;
      }
      if (s[i] === close) {
        i++;
        return;
      }
      fail(`expected "," or "${close}" but found ${describe()}`);
    }
  };
  const value = (depth: number): void => {
    if (depth > 512) fail('nested too deeply');
    ws();
    const c = s[i];
    if (c === '{')
      return items('}', () => {
        ws();
        if (s[i] !== '"') fail(`expected a property name in double quotes but found ${describe()}`);
        string();
        ws();
        expect(':');
        value(depth + 1);
      });
    if (c === '[') return items(']', () => value(depth + 1));
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    if (c === "'") fail('strings must use double quotes');
    fail(`unexpected ${describe()}`);
  };
  try {
    value(0);
    ws();
    if (i < s.length) fail(`unexpected ${describe()} after the end of the JSON value`);
  } catch (err) {
    if (err instanceof Stop) return { offset: err.offset, message: err.message };
    throw err;
  }
  // JSON.parse refused what this scanner accepts (should not happen): point at the end.
  return { offset: s.length, message: 'invalid JSON' };
}
