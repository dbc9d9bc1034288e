// Checks an API response against the app's OpenAPI document (app.locals.openapi, built from the
// zod schemas the routes declare): the response documented for its method, path and status.
// A JSON body must match that schema exactly: a member the schema does not name is a mismatch
// unless the schema allows more (`additionalProperties`), since the client's generated types
// would not know it. A problem+json body is checked against the status's problem schema, else
// ProblemDetails. Other bodies must have a media type the response documents.
//
// The validator covers the JSON Schema the document uses (zod-to-openapi, OpenAPI 3.1): type
// (with type arrays), enum, const, properties, required, additionalProperties, items,
// prefixItems, min/maxItems, anyOf, oneOf, allOf, $ref, minimum, maximum, exclusive bounds,
// min/maxLength, pattern. Formats are not checked.

/** A JSON Schema as the document holds it. */
export type Schema = { [keyword: string]: unknown } | boolean;

type MediaType = { schema?: Schema };
type DocResponse = { description?: string; content?: Record<string, MediaType> };
type Operation = { responses?: Record<string, DocResponse> };
export type OpenApiDocument = {
  servers?: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);

type Template = { path: string; regex: RegExp; params: number };
const templates = new WeakMap<OpenApiDocument, Template[]>();

function templatesOf(doc: OpenApiDocument): Template[] {
  let list = templates.get(doc);
  if (!list) {
    list = Object.keys(doc.paths).map((p) => {
      const parts = p.split(/(\{[^}]+\})/).filter(Boolean);
      const source = parts
        .map((part) => (/^\{[^}]+\}$/.test(part) ? '([^/]+)' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
        .join('');
      return { path: p, regex: new RegExp(`^${source}$`), params: parts.filter((x) => x.startsWith('{')).length };
    });
    templates.set(doc, list);
  }
  return list;
}

/** The documented path a request path (without the server prefix) falls under; literal segments win over parameters. */
export function matchPath(doc: OpenApiDocument, pathname: string): string | undefined {
  const hits = templatesOf(doc).filter((t) => t.regex.test(pathname));
  hits.sort((a, b) => a.params - b.params);
  return hits[0]?.path;
}

function resolve(doc: OpenApiDocument, schema: Schema): Schema {
  let s = schema;
  for (let i = 0; typeof s === 'object' && typeof s.$ref === 'string' && i < 20; i++) {
    const m = /^#\/components\/schemas\/(.+)$/.exec(s.$ref as string);
    const target = m ? doc.components?.schemas?.[decodeURIComponent(m[1])] : undefined;
    if (target === undefined) throw new Error(`The API document has no schema ${String(s.$ref)}.`);
    s = target;
  }
  return s;
}

const typeOf = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;

function hasType(value: unknown, type: string): boolean {
  const actual = typeOf(value);
  return type === actual || (type === 'number' && actual === 'integer');
}

const show = (v: unknown): string => {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** The member names an object schema documents, through allOf; null when it allows any member. */
function documentedMembers(doc: OpenApiDocument, schema: Schema, into = new Set<string>()): Set<string> | null {
  const s = resolve(doc, schema);
  if (typeof s === 'boolean') return s ? null : into;
  if (s.additionalProperties !== undefined && s.additionalProperties !== false) return null;
  if (s.patternProperties !== undefined) return null;
  for (const k of Object.keys((s.properties as Record<string, Schema> | undefined) ?? {})) into.add(k);
  for (const part of (s.allOf as Schema[] | undefined) ?? []) {
    if (documentedMembers(doc, part, into) === null) return null;
  }
  return into;
}

/**
 * The ways `value` differs from `schema`, each as "<where>: <what>"; empty when it matches.
 * `openParts`: called for an allOf member, whose siblings may document the other members.
 */
export function validate(doc: OpenApiDocument, schema: Schema, value: unknown, at = '$', openParts = false): string[] {
  const s = resolve(doc, schema);
  if (s === true) return [];
  if (s === false) return [`${at}: no value is allowed here`];
  const errors: string[] = [];

  const types = s.type === undefined ? undefined : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
  const nullable = s.nullable === true && value === null;
  if (types && !nullable && !types.some((t) => hasType(value, t))) {
    return [`${at}: expected ${types.join(' or ')}, got ${typeOf(value)} ${show(value)}`];
  }
  if (nullable) return [];
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    errors.push(`${at}: expected one of ${s.enum.map(show).join(', ')}, got ${show(value)}`);
  }
  if ('const' in s && JSON.stringify(s.const) !== JSON.stringify(value)) {
    errors.push(`${at}: expected ${show(s.const)}, got ${show(value)}`);
  }

  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) errors.push(`${at}: ${value} is below ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) errors.push(`${at}: ${value} is above ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum)
      errors.push(`${at}: ${value} is not above ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum)
      errors.push(`${at}: ${value} is not below ${s.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && [...value].length < s.minLength)
      errors.push(`${at}: shorter than ${s.minLength} characters`);
    if (typeof s.maxLength === 'number' && [...value].length > s.maxLength)
      errors.push(`${at}: longer than ${s.maxLength} characters`);
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(value))
      errors.push(`${at}: ${show(value)} does not match ${s.pattern}`);
  }

  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems)
      errors.push(`${at}: fewer than ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems)
      errors.push(`${at}: more than ${s.maxItems} items`);
    const prefix = (s.prefixItems as Schema[] | undefined) ?? [];
    value.forEach((item, i) => {
      const itemSchema = i < prefix.length ? prefix[i] : (s.items as Schema | undefined);
      if (itemSchema !== undefined) errors.push(...validate(doc, itemSchema, item, `${at}[${i}]`));
    });
  }

  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const obj = value as Record<string, unknown>;
    const properties = (s.properties as Record<string, Schema> | undefined) ?? {};
    for (const name of (s.required as string[] | undefined) ?? []) {
      if (!(name in obj)) errors.push(`${at}: the required member ${name} is missing`);
    }
    for (const [name, v] of Object.entries(obj)) {
      if (properties[name] !== undefined) errors.push(...validate(doc, properties[name], v, `${at}.${name}`));
      else if (typeof s.additionalProperties === 'object')
        errors.push(...validate(doc, s.additionalProperties as Schema, v, `${at}.${name}`));
    }
    const isObjectSchema = s.properties !== undefined || s.allOf !== undefined || types?.includes('object');
    if (isObjectSchema && !openParts) {
      const known = documentedMembers(doc, s);
      if (known) {
        for (const name of Object.keys(obj)) {
          if (!known.has(name)) errors.push(`${at}: the member ${name} is not in the schema (${show(obj[name])})`);
        }
      }
    }
  }

  for (const part of (s.allOf as Schema[] | undefined) ?? []) errors.push(...validate(doc, part, value, at, true));
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const options = s[keyword] as Schema[] | undefined;
    if (!options) continue;
    const results = options.map((o) => validate(doc, o, value, at));
    const passing = results.filter((r) => r.length === 0).length;
    if (passing === 0) {
      const closest = results.reduce((a, b) => (b.length < a.length ? b : a));
      errors.push(
        `${at}: matches none of the ${options.length} alternatives (${keyword}); the closest: ${closest.join('; ')}`,
      );
    } else if (keyword === 'oneOf' && passing > 1) {
      errors.push(`${at}: matches ${passing} of the oneOf alternatives, not exactly one`);
    }
  }
  return errors;
}

export type ResponseToCheck = {
  method: string;
  /** The request path with its query, or a whole URL. */
  url: string;
  status: number;
  /** The Content-Type header, if any. */
  contentType?: string;
  /** The raw body text. */
  text?: string;
};

export type CheckResult = { checked: false; reason: string } | { checked: true; operation: string; errors: string[] };

/** Checks a response against the document; `checked: false` for requests the document does not describe. */
export function checkResponse(doc: OpenApiDocument, r: ResponseToCheck): CheckResult {
  const method = r.method.toLowerCase();
  if (!METHODS.has(method)) return { checked: false, reason: `method ${r.method}` };
  const { pathname } = new URL(r.url, 'http://local');
  const base = doc.servers?.[0]?.url ?? '';
  if (base && !pathname.startsWith(`${base}/`)) return { checked: false, reason: `not under ${base}` };
  const template = matchPath(doc, pathname.slice(base.length));
  const operation = template ? doc.paths[template][method === 'head' ? 'get' : method] : undefined;
  if (!template || !operation) return { checked: false, reason: `${method} ${pathname} is not in the document` };
  const name = `${method.toUpperCase()} ${template} → ${r.status}`;
  if (method === 'head' || r.status === 204 || r.status === 304 || !r.text)
    return { checked: true, operation: name, errors: [] };

  const documented = operation.responses?.[String(r.status)];
  const response = documented ?? operation.responses?.default;
  if (!response) return { checked: true, operation: name, errors: [`status ${r.status} is not documented`] };
  const mediaType = (r.contentType ?? '').split(';')[0].trim().toLowerCase();
  const content = response.content ?? {};
  const isJson = mediaType === 'application/json' || mediaType.endsWith('+json');
  if (!isJson) {
    const types = Object.keys(content);
    const ok = types.length === 0 || types.some((t) => t.toLowerCase() === mediaType || t === '*/*');
    return {
      checked: true,
      operation: name,
      errors: ok ? [] : [`the body is ${mediaType || 'untyped'}; the document gives ${types.join(', ')}`],
    };
  }

  let schema = content[mediaType]?.schema;
  if (schema === undefined && mediaType === 'application/problem+json') {
    schema = doc.components?.schemas?.ProblemDetails;
  }
  if (schema === undefined) {
    const types = Object.keys(content);
    return {
      checked: true,
      operation: name,
      errors: [
        `the body is ${mediaType}, which the document does not give for this status (${types.join(', ') || 'no body'})`,
      ],
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(r.text);
  } catch {
    return { checked: true, operation: name, errors: [`the ${mediaType} body is not JSON`] };
  }
  return { checked: true, operation: name, errors: validate(doc, schema, body) };
}

/** An Error naming the operation and every difference, for a failed check. */
export function mismatchError(result: CheckResult, body?: string): Error | null {
  if (!result.checked || result.errors.length === 0) return null;
  const lines = result.errors.slice(0, 20).map((e) => `  - ${e}`);
  if (result.errors.length > 20) lines.push(`  ... and ${result.errors.length - 20} more`);
  const err = new Error(
    `The response does not match the API document: ${result.operation}\n${lines.join('\n')}` +
      (body ? `\nbody: ${body.slice(0, 500)}` : ''),
  );
  err.name = 'ResponseSchemaMismatch';
  return err;
}

// The documents of servers tests reach by URL (startServer registers its app's), by origin.
const byOrigin = new Map<string, OpenApiDocument>();

/** Remembers the API document of a server that tests reach at `baseUrl`. */
export function rememberDocument(baseUrl: string, doc: OpenApiDocument): void {
  byOrigin.set(new URL(baseUrl).origin, doc);
}

/** The document of the server a URL points at, if a test helper started it. */
export function documentFor(url: string): OpenApiDocument | undefined {
  try {
    return byOrigin.get(new URL(url).origin);
  } catch {
    return undefined;
  }
}
