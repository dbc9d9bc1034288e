// No hanging requests: an API request that has not started its answer within the deadline
// (typically because the store is away and the driver is waiting for it) gets 503 problem
// details with Retry-After. Submissions are idempotent, so the client's retry is safe even if
// the late operation still completes.
//
// Faster still when the store is known to be away: once the driver has reported the connection
// lost (its heartbeat notices within ~2 s), requests waiting for it are answered 503 at once, and
// new ones are not started until it is back (the driver reconnects by itself).
//
// Nothing runs on unseen: each request gets an AbortSignal (res.locals.signal, and the context of
// its handler, see request-context.ts) that aborts when the deadline answers it or when its
// client disconnects first; long reads close their cursors on it (db/abortable.ts).
import type { Request, RequestHandler, Response } from 'express';
import mongoose from 'mongoose';
import { RequestAbortedError } from './request-context';
import { STORE_TIMEOUT_DETAIL, STORE_UNREACHABLE_DETAIL } from './problem';

/** API paths that never touch the store, answered even while it is away. */
const STORE_FREE = new Set(['/openapi.json']);

let storeLost = false;
const waiting = new Set<() => void>();
let watching = false;

function watchStore(): void {
  if (watching) return;
  watching = true;
  mongoose.connection.on('disconnected', () => {
    storeLost = true;
    for (const refuse of [...waiting]) refuse();
  });
  const back = () => {
    storeLost = false;
  };
  mongoose.connection.on('connected', back);
  mongoose.connection.on('reconnected', back);
}

function unavailable(req: Request, res: Response): void {
  if (res.headersSent) return;
  res.setHeader('Retry-After', '5');
  res
    .status(503)
    .type('application/problem+json')
    .send(
      JSON.stringify({
        type: 'about:blank',
        title: 'Service Unavailable',
        status: 503,
        // Known lost: unreachable. Otherwise the store is there but the work did not finish in time.
        code: storeLost ? 'store_unavailable' : 'store_timeout',
        detail: storeLost ? STORE_UNREACHABLE_DETAIL : STORE_TIMEOUT_DETAIL,
        instance: req.originalUrl,
        requestId: String(req.id ?? ''),
      }),
    );
}

export function deadline(ms: number): RequestHandler {
  watchStore();
  return (req, res, next) => {
    if (STORE_FREE.has(req.path)) return next();
    if (storeLost) return unavailable(req, res);
    const controller = new AbortController();
    res.locals.signal = controller.signal;
    const refuse = () => {
      clear();
      // An answer already under way (a streamed file) is not cut; its client leaving still stops it.
      if (res.headersSent) return;
      unavailable(req, res);
      controller.abort(new RequestAbortedError('deadline'));
    };
    const timer = setTimeout(refuse, ms);
    timer.unref();
    waiting.add(refuse);
    const clear = () => {
      clearTimeout(timer);
      waiting.delete(refuse);
    };
    res.once('finish', clear);
    res.once('close', () => {
      clear();
      // Closed before the whole answer went out: the client is gone, stop its work.
      if (!res.writableFinished) controller.abort(new RequestAbortedError('client_gone'));
    });
    next();
  };
}
