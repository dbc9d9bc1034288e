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

/** Sends the problem `code` (RFC 9457), with any extension members in `extra`. */
export function sendProblem(
  req: Parameters<RequestHandler>[0],
  res: Parameters<RequestHandler>[1],
  status: number,
  title: string,
  code: string,
  detail: string,
  extra: Record<string, unknown> = {},
): void {
  send(res, { type: 'about:blank', title, status, code, detail, ...base(req), ...extra });
}

/** A 503 the client should retry after `seconds` (the store could not serve the request). */
function sendRetryLater(
  req: Parameters<RequestHandler>[0],
  res: Parameters<RequestHandler>[1],
  code: string,
  detail: string,
  seconds: number,
): void {
  res.setHeader('Retry-After', String(seconds));
  sendProblem(req, res, 503, 'Service Unavailable', code, detail, { retryAfter: seconds });
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(req, res, 404, 'Not Found', 'route_not_found', `No route ${req.method} ${req.path}.`);
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
    sendProblem(req, res, err.status, err.title, err.code, err.message, {
      ...(err.invalidParams ? { invalid_params: err.invalidParams } : {}),
      ...(err.extra ?? {}),
    });
    return;
  }
  // A malformed percent-encoding in the path (`/api/waves/%E0%A4%A`): the router fails to decode it.
  if (err instanceof URIError) {
    sendProblem(req, res, 400, 'Bad Request', 'malformed_path', 'The address contains a malformed percent-encoding.');
    return;
  }
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  // body-parser errors: malformed JSON, too large, wrong charset.
  if (e.type === 'entity.parse.failed') {
    sendProblem(req, res, 400, 'Bad Request', 'malformed_json', 'The request body is not valid JSON.');
    return;
  }
  if (e.type === 'entity.too.large') {
    sendProblem(req, res, 413, 'Content Too Large', 'body_too_large', 'The request body is too large.');
    return;
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    sendProblem(req, res, e.status, 'Bad Request', 'bad_request', e.message ?? 'Bad request.');
    return;
  }
  if (isStoreTimeout(err)) {
    logger.warn({ requestId: req.id, err: (err as Error).name }, 'store operation took too long');
    sendRetryLater(req, res, 'store_timeout', STORE_TIMEOUT_DETAIL, RETRY_AFTER_STORE_S);
    return;
  }
  // A replica set electing a new primary, or a write the majority did not confirm within wtimeoutMS.
  const fault = storeFault(err);
  if (fault === 'failover' || fault === 'write_concern') {
    logger.warn(
      { requestId: req.id, err: (err as Error).name, code: (err as { code?: unknown }).code },
      fault === 'failover' ? 'store primary changing' : 'write concern not satisfied',
    );
    sendRetryLater(
      req,
      res,
      fault === 'failover' ? 'store_failover' : 'store_write_unconfirmed',
      fault === 'failover' ? STORE_FAILOVER_DETAIL : STORE_WRITE_UNCONFIRMED_DETAIL,
      RETRY_AFTER_FAILOVER_S,
    );
    return;
  }
  if (isStoreDown(err)) {
    logger.warn({ requestId: req.id, err: (err as Error).name }, 'store unavailable');
    sendRetryLater(req, res, 'store_unavailable', STORE_UNREACHABLE_DETAIL, RETRY_AFTER_STORE_S);
    return;
  }
  logger.error({ requestId: req.id, err }, 'unhandled error');
  const detail = 'An unexpected error occurred. It has been logged.';
  sendProblem(req, res, 500, 'Internal Server Error', 'internal_error', detail);
};
