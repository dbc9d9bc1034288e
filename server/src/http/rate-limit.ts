// Rate limits that hold across app instances: hits are counted in the database, one document
// per key and window (`$inc` with upsert, a single-document atomic write), swept when old.
import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator, type Store, type IncrementResponse, type Options } from 'express-rate-limit';
import { model } from 'mongoose';
import { keyed, keyedSchema, required, sweptBy } from '../db/schema';
import { config } from '../config';

export const RateLimitModel = model(
  'RateLimit',
  keyedSchema({ hits: required(Number), resetAt: required(Date) }, { indexes: [sweptBy('resetAt')] }),
  'rate_limits',
);

export class DatabaseStore implements Store {
  private windowMs = 60_000;
  readonly localKeys = false;

  constructor(readonly prefix: string) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  private slot(key: string): { id: string; resetAt: Date } {
    const window = Math.floor(Date.now() / this.windowMs);
    return { id: `${this.prefix}|${key}|${window}`, resetAt: new Date((window + 1) * this.windowMs) };
  }

  async increment(key: string): Promise<IncrementResponse> {
    const { id, resetAt } = this.slot(key);
    for (let attempt = 0; ; attempt++) {
      try {
        // Through the driver's collection (one per request on the public surface: no casting).
        const doc = await keyed<{ hits: number; resetAt: Date }>(RateLimitModel).findOneAndUpdate(
          { _id: id },
          { $inc: { hits: 1 }, $setOnInsert: { resetAt } },
          { upsert: true, returnDocument: 'after', maxTimeMS: config().dbOpTimeoutMs },
        );
        return { totalHits: doc?.hits ?? 1, resetTime: resetAt };
      } catch (err) {
        // Two first hits in the same window may both try to insert: the loser retries as an update.
        if (attempt >= 2) throw err;
      }
    }
  }

  async decrement(key: string): Promise<void> {
    await RateLimitModel.updateOne({ _id: this.slot(key).id }, { $inc: { hits: -1 } });
  }

  async resetKey(key: string): Promise<void> {
    await RateLimitModel.deleteOne({ _id: this.slot(key).id });
  }
}

export async function sweepRateLimits(now = new Date()): Promise<number> {
  return (await RateLimitModel.deleteMany({ resetAt: { $lte: now } })).deletedCount ?? 0;
}

type LimitSpec = { name: string; windowMs: number; limit: number; key?: (req: Request) => string | undefined };

/** A limiter answering 429 problem+json with Retry-After; `limit` 0 turns it off. */
export function limiter(spec: LimitSpec): RequestHandler {
  if (spec.limit <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: spec.windowMs,
    limit: spec.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: new DatabaseStore(spec.name),
    keyGenerator: (req) => spec.key?.(req) ?? ipKeyGenerator(req.ip ?? 'unknown'),
    // The limiter must never make the API fail: if the store is away, the request goes on
    // (and meets the store's own 503 if it needs it).
    passOnStoreError: true,
    handler: (req, res, _next, options) => {
      res
        .status(429)
        .type('application/problem+json')
        .send(
          JSON.stringify({
            type: 'about:blank',
            title: 'Too Many Requests',
            status: 429,
            code: 'rate_limited',
            detail: `Too many requests; try again in ${Math.ceil(options.windowMs / 1000)} s at the latest.`,
            instance: req.originalUrl,
            requestId: String(req.id ?? ''),
          }),
        );
    },
  });
}

export type RateLimits = {
  loginPer15Min: number;
  tokenLookupsPerMin: number;
  submissionsPerMin: number;
  /** Requests per minute on one invitation token, whatever the address (default 120). */
  perTokenPerMin?: number;
};
export type LimitName = 'login' | 'tokenLookup' | 'submissions' | 'perToken';

/** Keys a limiter by the invitation token in the path, hashed so no token is ever stored in clear. */
function tokenKey(req: Request): string | undefined {
  const token = (req.params as Record<string, string | undefined>).token;
  return typeof token === 'string' ? `t:${createHash('sha256').update(token).digest('base64url')}` : undefined;
}

/** The limiters of the public surface, built from the numbers in config (or a test's own). */
export function buildLimiters(l: RateLimits): Record<LimitName, RequestHandler> {
  return {
    login: limiter({ name: 'login', windowMs: 15 * 60_000, limit: l.loginPer15Min }),
    tokenLookup: limiter({ name: 'token', windowMs: 60_000, limit: l.tokenLookupsPerMin }),
    submissions: limiter({ name: 'submit', windowMs: 60_000, limit: l.submissionsPerMin }),
    perToken: limiter({ name: 'token-each', windowMs: 60_000, limit: l.perTokenPerMin ?? 120, key: tokenKey }),
  };
}
