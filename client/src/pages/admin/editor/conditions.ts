// The condition builder's model: a list of clauses (question, operator, value) joined by one
// "and" or "or", turned into a SurveyJS expression and parsed back from one. Only this simple
// shape is parsed; anything else (parentheses, functions, mixed and/or) returns null and the
// editor shows the expression as read-only text.

export const OPERATORS = [
  'equal',
  'notequal',
  'anyof',
  'allof',
  'contains',
  'notcontains',
  'empty',
  'notempty',
  'greater',
  'less',
  'greaterorequal',
  'lessorequal',
] as const;
export type Operator = (typeof OPERATORS)[number];

export type Scalar = string | number | boolean;
export type Clause = { question: string; operator: Operator; value?: Scalar | Scalar[] };
export type Condition = { join: 'and' | 'or'; clauses: Clause[] };

const SYMBOL: Partial<Record<Operator, string>> = {
  equal: '=',
  notequal: '!=',
  greater: '>',
  less: '<',
  greaterorequal: '>=',
  lessorequal: '<=',
};
const NO_VALUE = new Set<Operator>(['empty', 'notempty']);
const LIST = new Set<Operator>(['anyof', 'allof']);

export const needsValue = (op: Operator) => !NO_VALUE.has(op);
export const takesList = (op: Operator) => LIST.has(op);

function literal(v: Scalar): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function clauseExpression(c: Clause): string {
  const q = `{${c.question}}`;
  if (!needsValue(c.operator)) return `${q} ${c.operator}`;
  if (takesList(c.operator)) {
    const list = Array.isArray(c.value) ? c.value : c.value === undefined ? [] : [c.value];
    return `${q} ${c.operator} [${list.map(literal).join(', ')}]`;
  }
  const v = Array.isArray(c.value) ? c.value[0] : c.value;
  const op = SYMBOL[c.operator] ?? c.operator;
  return `${q} ${op} ${literal(v ?? '')}`;
}

/** The SurveyJS expression of a condition ('' when it has no clauses). */
export function buildExpression(c: Condition): string {
  return c.clauses.map(clauseExpression).join(` ${c.join} `);
}

type Token =
  | { t: 'var'; v: string }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'word'; v: string }
  | { t: 'sym'; v: string };

function tokenize(text: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '{') {
      const end = text.indexOf('}', i);
      if (end < 0) return null;
      const name = text.slice(i + 1, end).trim();
      // A question's name, or `panel.<name>`: another question of the same dynamic panel entry.
      if (!/^(panel\.)?[A-Za-z_][A-Za-z0-9_-]*$/.test(name)) return null;
      out.push({ t: 'var', v: name });
      i = end + 1;
    } else if (ch === "'" || ch === '"') {
      let s = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== ch; j++) {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        s += text[j];
      }
      if (j >= text.length) return null;
      out.push({ t: 'str', v: s });
      i = j + 1;
    } else if (/[0-9-]/.test(ch) && /^-?\d+(\.\d+)?/.test(text.slice(i))) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i))!;
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z]/.test(ch)) {
      const m = /^[A-Za-z]+/.exec(text.slice(i))!;
      out.push({ t: 'word', v: m[0].toLowerCase() });
      i += m[0].length;
    } else {
      const m = /^(!=|<>|>=|<=|==|=|>|<|\[|\]|,)/.exec(text.slice(i));
      if (!m) return null;
      out.push({ t: 'sym', v: m[0] });
      i += m[0].length;
    }
  }
  return out;
}

const SYMBOL_OPS: Record<string, Operator> = {
  '=': 'equal',
  '==': 'equal',
  '!=': 'notequal',
  '<>': 'notequal',
  '>': 'greater',
  '<': 'less',
  '>=': 'greaterorequal',
  '<=': 'lessorequal',
};
const WORD_OPS: Record<string, Operator> = {
  equal: 'equal',
  notequal: 'notequal',
  anyof: 'anyof',
  allof: 'allof',
  contains: 'contains',
  notcontains: 'notcontains',
  empty: 'empty',
  notempty: 'notempty',
  greater: 'greater',
  less: 'less',
  greaterorequal: 'greaterorequal',
  lessorequal: 'lessorequal',
};

/** Parses `{q} op value [and|or ...]`; null when the expression has any other shape. */
export function parseExpression(text: string): Condition | null {
  const trimmed = text.trim();
  if (!trimmed) return { join: 'and', clauses: [] };
  const tokens = tokenize(trimmed);
  if (!tokens) return null;
  let i = 0;
  const scalar = (): Scalar | undefined => {
    const tok = tokens[i];
    if (!tok) return undefined;
    if (tok.t === 'str' || tok.t === 'num') {
      i++;
      return tok.v;
    }
    if (tok.t === 'word' && (tok.v === 'true' || tok.v === 'false')) {
      i++;
      return tok.v === 'true';
    }
    return undefined;
  };
  const clauses: Clause[] = [];
  let join: 'and' | 'or' | null = null;
  for (;;) {
    const q = tokens[i++];
    if (!q || q.t !== 'var') return null;
    const opTok = tokens[i++];
    if (!opTok) return null;
    const operator = opTok.t === 'sym' ? SYMBOL_OPS[opTok.v] : opTok.t === 'word' ? WORD_OPS[opTok.v] : undefined;
    if (!operator) return null;
    const clause: Clause = { question: q.v, operator };
    if (takesList(operator)) {
      if (tokens[i]?.t !== 'sym' || tokens[i]!.v !== '[') return null;
      i++;
      const list: Scalar[] = [];
      while (!(tokens[i]?.t === 'sym' && tokens[i]!.v === ']')) {
        const v = scalar();
        if (v === undefined) return null;
        list.push(v);
        if (tokens[i]?.t === 'sym' && tokens[i]!.v === ',') i++;
        else if (!(tokens[i]?.t === 'sym' && tokens[i]!.v === ']')) return null;
      }
      i++;
      clause.value = list;
    } else if (needsValue(operator)) {
      const v = scalar();
      if (v === undefined) return null;
      clause.value = v;
    }
    clauses.push(clause);
    const next = tokens[i];
    if (!next) break;
    if (next.t !== 'word' || (next.v !== 'and' && next.v !== 'or')) return null;
    if (join && join !== next.v) return null; // mixed and/or needs parentheses: not this builder's shape
    join = next.v;
    i++;
  }
  return { join: join ?? 'and', clauses };
}
