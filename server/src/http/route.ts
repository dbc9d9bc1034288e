// Routes declare their input schemas once: the same zod schemas validate the request and
// describe it in the OpenAPI document. Handlers receive parsed, typed input.
import type { Request, RequestHandler, Response, Router } from 'express';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { AppError, BadRequestError, type InvalidParam } from './errors';
import { SESSION_COOKIE, sessionFromCookie } from '../auth/session-cookie';
import { ForbiddenError, safeEqual, UnauthorizedError } from '../auth/auth.service';
import { hasRole, type AuthUser } from '../auth/roles';
import { buildLimiters, type LimitName, type RateLimits } from './rate-limit';
import { runWithSignal } from './request-context';

/**
 * Who may call a route. `public` and `respondent` need no account (a respondent's capability is
 * the invitation token in the request); `user` needs any session; the others need a session
 * whose user has that role (admins have every role). Mutations made with a session cookie must carry X-CSRF-Token.
 */
export type Access = 'public' | 'respondent' | 'user' | 'researcher' | 'coordinator' | 'editor' | 'admin';

type AnyObject = z.ZodType<Record<string, unknown>>;

export type RouteSpec<P extends AnyObject, Q extends AnyObject, B extends z.ZodType> = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI-style path, e.g. `/waves/{code}/responses` (relative to /api). */
  path: string;
  summary: string;
  access: Access;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  /** Rate limiters run before anything else (see http/rate-limit.ts). */
  rateLimits?: RequestHandler[];
  /**
   * Response descriptions for the OpenAPI document, by status (the 4xx ones are added from the rest
   * of the spec): one body (`schema`, as `contentType`, JSON by default), or `content` by media type
   * for a route that answers in the format asked for.
   */
  responses: Record<
    number,
    { description: string; schema?: z.ZodType; contentType?: string; content?: Record<string, z.ZodType> }
  >;
  /** camelCase name of the operation in the API document; derived from the method and path when absent. */
  operationId?: string;
  handler: (
    input: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B>; user: AuthUser | undefined },
    req: Request,
    res: Response,
  ) => Promise<unknown> | unknown;
};

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    requestId: z.string(),
    invalid_params: z
      .array(
        z.object({
          name: z.string(),
          reason: z.string(),
          code: z.string().optional(),
          value: z.string().optional(),
          column: z.string().optional(),
          allowed: z.array(z.string()).optional(),
        }),
      )
      .optional(),
    // Extension members particular problems add (RFC 9457 §3.2).
    retryAfter: z.number().int().optional().describe('429 and the store’s 503s: seconds to wait before a retry'),
    waveStatus: z.string().optional().describe('wave_not_open, wave_locked, invalid_transition...: the wave’s status'),
    reason: z.string().optional().describe('wave_not_open: why (not yet open, closed...)'),
    action: z.string().optional().describe('invalid_transition: the refused lifecycle action'),
    fields: z.array(z.string()).optional().describe('wave_locked: the fields that can no longer change'),
    submittedAt: z.string().optional().describe('already_submitted: when the response was stored'),
    respondents: z.number().int().optional().describe('crosstab_needs_job: respondents passing the filters'),
    limit: z.number().int().optional().describe('crosstab_needs_job: the most a request counts'),
    version: z.number().int().optional().describe('practice_changed: the practice’s current version'),
    jsonError: z
      .object({ line: z.number().int(), column: z.number().int(), message: z.string() })
      .optional()
      .describe('invalid_json: where the questionnaire’s JSON text breaks'),
  })
  .meta({ id: 'ProblemDetails', description: 'Problem details (RFC 9457) with a machine-readable code' });

/** A file download (XLSX, ZIP...): bytes, not text. */
export const binarySchema = z.string().meta({ format: 'binary' });

/** The bodies of a table a route gives as CSV or XLSX (by its `format`). */
export const CSV_OR_XLSX = {
  'text/csv': z.string(),
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': binarySchema,
};

/** Names of the security schemes in the API document. */
export const SESSION_SCHEME = 'sessionCookie';
export const CSRF_SCHEME = 'csrfHeader';

/** `get /waves/{code}/exports/responses.csv` → `getWavesByCodeExportsResponsesCsv`. */
export function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter(Boolean)
    .flatMap((seg) => {
      const param = /^\{(\w+)\}$/.exec(seg);
      return param ? ['by', ...param[1].split(/[^A-Za-z0-9]+/)] : seg.split(/[^A-Za-z0-9]+/);
    })
    .filter(Boolean);
  return [method, ...words].map((w, i) => (i ? w[0].toUpperCase() + w.slice(1) : w.toLowerCase())).join('');
}

/** Who may call it, as OpenAPI security requirements: none, the session cookie, or the cookie and the CSRF header. */
export function securityOf(access: Access, method: string): Record<string, string[]>[] {
  if (access === 'public' || access === 'respondent') return [];
  return method === 'get' ? [{ [SESSION_SCHEME]: [] }] : [{ [SESSION_SCHEME]: [], [CSRF_SCHEME]: [] }];
}

/** The client errors an operation can answer, from what it declares: input, access, path, limits. */
function clientErrors(spec: RouteSpec<AnyObject, AnyObject, z.ZodType>): Record<number, string> {
  const out: Record<number, string> = {
    400: 'The request is invalid (a parameter, the query or the body; invalid_params names each problem)',
  };
  const session = spec.access !== 'public' && spec.access !== 'respondent';
  if (session) out[401] = 'Not signed in (no valid session cookie)';
  if (session && (spec.access !== 'user' || spec.method !== 'get'))
    out[403] = 'The signed-in user lacks the role, or the X-CSRF-Token header is missing or wrong';
  if (spec.params || spec.access === 'respondent') out[404] = 'Not found';
  if (spec.rateLimits?.length) out[429] = 'Too many requests: try again after the Retry-After delay';
  return out;
}

function toInvalidParams(where: string, error: z.ZodError): InvalidParam[] {
  return error.issues.map((i) => ({
    name: [where, ...i.path.map(String)].join('.'),
    reason: i.message,
    code: i.code,
  }));
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new BadRequestError(
      `The request ${where} is invalid.`,
      toInvalidParams(where, result.error),
      `invalid_${where}`,
    );
  }
  return result.data;
}

async function authorise(access: Access, method: string, req: Request): Promise<AuthUser | undefined> {
  if (access === 'public' || access === 'respondent') return undefined;
  const session = await sessionFromCookie(req);
  if (!session) throw new UnauthorizedError();
  if (access !== 'user' && !hasRole(session.user, access)) throw new ForbiddenError(`This needs the ${access} role.`);
  if (method !== 'get' && !safeEqual(String(req.get('x-csrf-token') ?? ''), session.csrfToken)) {
    throw new AppError(
      403,
      'Forbidden',
      'csrf_failed',
      'The X-CSRF-Token header is missing or wrong; reload the page and try again.',
    );
  }
  return session.user;
}

export class Api {
  readonly registry = new OpenAPIRegistry();

  private readonly limiters: Record<LimitName, RequestHandler>;

  constructor(
    private readonly router: Router,
    rateLimits: RateLimits,
  ) {
    this.limiters = buildLimiters(rateLimits);
    this.registry.registerComponent('securitySchemes', SESSION_SCHEME, {
      type: 'apiKey',
      in: 'cookie',
      name: SESSION_COOKIE,
      description: 'The session set by POST /auth/login (HttpOnly, SameSite=Lax).',
    });
    this.registry.registerComponent('securitySchemes', CSRF_SCHEME, {
      type: 'apiKey',
      in: 'header',
      name: 'X-CSRF-Token',
      description: 'The session’s CSRF token (given at log-in and by GET /auth/me); required on every change.',
    });
  }

  /** The shared limiter of that name (counts live in the database, across instances). */
  limit(name: LimitName): RequestHandler {
    return this.limiters[name];
  }

  private readonly operationIds = new Set<string>();

  route<P extends AnyObject, Q extends AnyObject, B extends z.ZodType>(spec: RouteSpec<P, Q, B>): void {
    const problem = (description: string) => ({
      description,
      content: { 'application/problem+json': { schema: problemSchema } },
    });
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      // An error a route names without a schema is a problem like any other (errorHandler sends it).
      if (!r.schema && !r.content && Number(status) >= 400) {
        responses[status] = problem(r.description);
        continue;
      }
      const bodies = r.content ?? (r.schema ? { [r.contentType ?? 'application/json']: r.schema } : {});
      const content = Object.fromEntries(Object.entries(bodies).map(([type, schema]) => [type, { schema }]));
      responses[status] = { description: r.description, ...(Object.keys(content).length ? { content } : {}) };
    }
    for (const [status, description] of Object.entries(clientErrors(spec as never)))
      responses[status] ??= problem(description);
    responses.default = problem('Problem details (RFC 9457)');
    const operationId = spec.operationId ?? operationIdOf(spec.method, spec.path);
    if (this.operationIds.has(operationId)) throw new Error(`Two API operations are named ${operationId}.`);
    this.operationIds.add(operationId);
    this.registry.registerPath({
      method: spec.method,
      path: spec.path,
      operationId,
      summary: spec.summary,
      tags: spec.tags,
      security: securityOf(spec.access, spec.method),
      'x-access': spec.access,
      request: {
        ...(spec.params ? { params: spec.params as never } : {}),
        ...(spec.query ? { query: spec.query as never } : {}),
        ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } }, required: true } } : {}),
      },
      responses: responses as never,
    } as never);

    const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    this.router[spec.method](expressPath, ...(spec.rateLimits ?? []), async (req: Request, res: Response) => {
      const user = await authorise(spec.access, spec.method, req);
      const params = parse(spec.params, req.params, 'params');
      const query = parse(spec.query, req.query, 'query');
      const body = parse(spec.body, req.body, 'body');
      // The handler's work runs under the request's signal (http/deadline.ts): long reads stop with the request.
      const signal = res.locals.signal as AbortSignal | undefined;
      const result = await runWithSignal(signal, () => spec.handler({ params, query, body, user }, req, res));
      if (result !== undefined && !res.headersSent) res.json(result);
    });
  }
}
