import type { ErrorRequestHandler, RequestHandler } from 'express';
import mongoose from 'mongoose';
import { AppError, type InvalidParam } from './errors';
import { logger } from '../logger';
import { RequestAbortedError } from './request-context';
import { storeFault } from '../db/store-errors';

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: string;
  requestId: string;
  invalid_params?: InvalidParam[];
  [key: string]: unknown;
};

function send(res: Parameters<RequestHandler>[1], problem: Problem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

function base(req: Parameters<RequestHandler>[0]): Pick<Problem, 'instance' | 'requestId'> {
  return { instance: req.originalUrl, requestId: String(req.id ?? '') };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  send(res, {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    code: 'route_not_found',
    detail: `No route ${req.method} ${req.path}.`,
    ...base(req),
  });
};

export const STORE_TIMEOUT_DETAIL =
  'The operation took too long and was stopped; the database is busy. Please retry shortly.';
export const STORE_UNREACHABLE_DETAIL = 'The database is not reachable right now. Please retry shortly.';
export const STORE_FAILOVER_DETAIL =
  'The database is switching to another server. Nothing was changed by this request; please retry shortly.';
export const STORE_WRITE_UNCONFIRMED_DETAIL =
  'The database did not confirm the change in time. Retrying is safe: a change already saved is not made twice.';

/** Seconds a client should wait before retrying a request the store could not serve. */
export const RETRY_AFTER_FAILOVER_S = 2;
export const RETRY_AFTER_STORE_S = 5;

/**
 * The store is there but the work did not finish in time: its time limit (maxTimeMS, code 50
 * MaxTimeMSExpired) or the driver's wait for an answer (socketTimeoutMS) ran out.
 */
function isStoreTimeout(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    code === 50 ||
    (err as { codeName?: unknown }).codeName === 'MaxTimeMSExpired' ||
    err.name === 'MongoOperationTimeoutError' ||
    (err.name === 'MongoNetworkTimeoutError' && mongoose.connection.readyState === 1)
  );
}

function isStoreDown(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  return (
    err.name === 'MongoServerSelectionError' ||
    err.name === 'MongoNetworkError' ||
    err.name === 'MongoNotConnectedError' ||
    err.name === 'MongoNetworkTimeoutError' ||
    storeFault(err) === 'network' ||
    (err.name === 'MongooseError' && /buffering timed out/i.test(err.message)) ||
    // The embedded store refused a write that waited too long for its turn (scripts/store/proxy.go).
    (err.name === 'MongoServerError' && (err as { codeName?: unknown }).codeName === 'LockTimeout') ||
    mongoose.connection.readyState !== 1
  );
}

/** One error shape for the whole API (RFC 9457). Internals never reach the client. */
export const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (res.headersSent || err instanceof RequestAbortedError) {
    // Answered already (the deadline's 503) or nobody is listening (the client went away).
    res.destroy();
    return;
  }
  if (err instanceof AppError) {
    send(res, {
      type: 'about:blank',
      title: err.title,
      status: err.status,
      code: err.code,
      detail: err.message,
      ...base(req),
      ...(err.invalidParams ? { invalid_params: err.invalidParams } : {}),
      ...(err.extra ?? {}),
    });
    return;
  }
  // A malformed percent-encoding in the path (`/api/waves/%E0%A4%A`): the router fails to decode it.
  if (err instanceof URIError) {
    send(res, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'malformed_path',
      detail: 'The address contains a malformed percent-encoding.',
      ...base(req),
    });
    return;
  }
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  // body-parser errors: malformed JSON, too large, wrong charset.
  if (e.type === 'entity.parse.failed') {
    send(res, {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      code: 'malformed_json',
      detail: 'The request body is not valid JSON.',
      ...base(req),
    });
    return;
  }
  if (e.type === 'entity.too.large') {
    send(res, {
      type: 'about:blank',
      title: 'Content Too Large',
      status: 413,
      code: 'body_too_large',
      detail: 'The request body is too large.',
      ...base(req),
    });
    return;
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    send(res, {
      type: 'about:blank',
      title: 'Bad Request',
      status: e.status,
      code: 'bad_request',
      detail: e.message ?? 'Bad request.',
      ...base(req),
    });
    return;
  }
  if (isStoreTimeout(err)) {
    logger.warn({ requestId: req.id, err: (err as Error).name }, 'store operation took too long');
    res.setHeader('Retry-After', String(RETRY_AFTER_STORE_S));
    send(res, {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      code: 'store_timeout',
      detail: STORE_TIMEOUT_DETAIL,
      retryAfter: RETRY_AFTER_STORE_S,
      ...base(req),
    });
    return;
  }
  // A replica set electing a new primary, or a write the majority did not confirm within wtimeoutMS.
  const fault = storeFault(err);
  if (fault === 'failover' || fault === 'write_concern') {
    logger.warn(
      { requestId: req.id, err: (err as Error).name, code: (err as { code?: unknown }).code },
      fault === 'failover' ? 'store primary changing' : 'write concern not satisfied',
    );
    res.setHeader('Retry-After', String(RETRY_AFTER_FAILOVER_S));
    send(res, {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      code: fault === 'failover' ? 'store_failover' : 'store_write_unconfirmed',
      detail: fault === 'failover' ? STORE_FAILOVER_DETAIL : STORE_WRITE_UNCONFIRMED_DETAIL,
      retryAfter: RETRY_AFTER_FAILOVER_S,
      ...base(req),
    });
    return;
  }
  if (isStoreDown(err)) {
    logger.warn({ requestId: req.id, err: (err as Error).name }, 'store unavailable');
    res.setHeader('Retry-After', String(RETRY_AFTER_STORE_S));
    send(res, {
      type: 'about:blank',
      title: 'Service Unavailable',
      status: 503,
      code: 'store_unavailable',
      detail: STORE_UNREACHABLE_DETAIL,
      retryAfter: RETRY_AFTER_STORE_S,
      ...base(req),
    });
    return;
  }
  logger.error({ requestId: req.id, err }, 'unhandled error');
  send(res, {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    code: 'internal_error',
    detail: 'An unexpected error occurred. It has been logged.',
    ...base(req),
  });
};
