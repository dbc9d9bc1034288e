// Routes declare their input schemas once: the same zod schemas validate the request and
// describe it in the OpenAPI document. Handlers receive parsed, typed input.
import type { Request, RequestHandler, Response, Router } from 'express';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { AppError, BadRequestError, type InvalidParam } from './errors';
import { sessionFromCookie } from '../auth/session-cookie';
import { ForbiddenError, safeEqual, UnauthorizedError } from '../auth/auth.service';
import { hasRole, type AuthUser } from '../auth/roles';
import { buildLimiters, type LimitName, type RateLimits } from './rate-limit';
import { runWithSignal } from './request-context';

/**
 * Who may call a route. `public` and `respondent` need no account (a respondent's capability is
 * the invitation token in the request); `user` needs any session; the others need a session
 * whose user has that role (admins have every role). Mutations made with a session cookie must carry X-CSRF-Token.
 */
export type Access = 'public' | 'respondent' | 'user' | 'researcher' | 'coordinator' | 'admin';

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
  /** Response descriptions for the OpenAPI document, by status. */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  handler: (
    input: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B>; user: AuthUser | undefined },
    req: Request,
    res: Response,
  ) => Promise<unknown> | unknown;
};

export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  code: z.string(),
  requestId: z.string(),
  invalid_params: z.array(z.object({ name: z.string(), reason: z.string(), code: z.string().optional() })).optional(),
});

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
  }

  /** The shared limiter of that name (counts live in the database, across instances). */
  limit(name: LimitName): RequestHandler {
    return this.limiters[name];
  }

  route<P extends AnyObject, Q extends AnyObject, B extends z.ZodType>(spec: RouteSpec<P, Q, B>): void {
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(spec.responses)) {
      responses[status] = {
        description: r.description,
        ...(r.schema ? { content: { [r.contentType ?? 'application/json']: { schema: r.schema } } } : {}),
      };
    }
    responses.default = {
      description: 'Problem details (RFC 9457)',
      content: { 'application/problem+json': { schema: problemSchema } },
    };
    this.registry.registerPath({
      method: spec.method,
      path: spec.path,
      summary: spec.summary,
      tags: spec.tags,
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
