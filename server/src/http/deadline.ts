// No hanging requests: an API request that has not started its answer within the deadline
// (typically because the store is away and the driver is waiting for it) gets 503 problem
// details with Retry-After. Submissions are idempotent, so the client's retry is safe even if
// the late operation still completes.
import type { RequestHandler } from 'express';

export function deadline(ms: number): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
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
            code: 'store_unavailable',
            detail:
              'The request took too long, most likely because the database is not reachable. Please retry shortly.',
            instance: req.originalUrl,
            requestId: String(req.id ?? ''),
          }),
        );
    }, ms);
    timer.unref();
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}
