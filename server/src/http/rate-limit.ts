// Rate limits that hold across app instances. Each limiter of each process counts its hits in
// memory, exactly, and answers from them at once; it adds them to its own document in the
// database (one per limiter, process and window: `{ h: { <hashed key>: hits } }`) in one write
// every FLUSH_MS at most, and then reads the documents of the other processes for the same
// window. A key's total = this process's hits + the others' as last read. So a request never
// waits for the database, and the store sees one write per limiter and process per FLUSH_MS
// whatever the traffic (before: a `findAndModify` per request, the store's costliest write of a
// submission after the answers themselves, docs/performance.md). The price: hits on another
// instance count here up to FLUSH_MS (plus that instance's own flush) late. Within a process the
// limit is exact, and it holds with the store away (the counts wait in memory).
import { createHash, randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator, type Store, type IncrementResponse, type Options } from 'express-rate-limit';
import { model, Schema } from 'mongoose';
import type { UpdateFilter } from 'mongodb';
import { keyed, keyedSchema, required, sweptBy } from '../db/schema';
import { logger } from '../logger';

// `_id` = `<limiter>|<process's store id>|<window>`; `p` = limiter, `w` = window; `h` = hits per
// hashed key (sha-1, base64url: no `.` or `$`, and no token or address in clear).
export const RateLimitModel = model(
  'RateLimit',
  keyedSchema(
    { p: required(String), w: required(Number), h: { type: Schema.Types.Mixed, default: {} }, resetAt: required(Date) },
    { indexes: [sweptBy('resetAt')], minimize: false },
  ),
  'rate_limits',
);

/** At most this long between a hit and its write to the database (and the refresh of the others'). */
export const FLUSH_MS = 250;

type RateDoc = { _id: string; p: string; w: number; h?: Record<string, number>; resetAt: Date };
const hashKey = (key: string) => createHash('sha1').update(key).digest('base64url');

const stores = new Set<DatabaseStore>();

export class DatabaseStore implements Store {
  private windowMs = 60_000;
  readonly localKeys = false;
  /** This store object's part of the `_id`s: each limiter of each process counts in its own documents. */
  private readonly self = randomUUID().slice(0, 12);
  private window = -1;
  /** This process's hits per hashed key in the current window, and those not yet written. */
  private mine = new Map<string, number>();
  private pending = new Map<string, number>();
  /** The other processes' hits per hashed key in the current window, as last read. */
  private others = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(readonly prefix: string) {
    stores.add(this);
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  /** Whether it has counted anything yet. */
  get used(): boolean {
    return this.window !== -1;
  }

  private resetAt(window = this.window): Date {
    return new Date((window + 1) * this.windowMs);
  }

  /** Moves to the window of now (a new window starts from zero everywhere). */
  private roll(): void {
    const window = Math.floor(Date.now() / this.windowMs);
    if (window === this.window) return;
    this.window = window;
    this.mine.clear();
    this.pending.clear();
    this.others.clear();
  }

  private add(key: string, by: number): number {
    this.roll();
    const k = hashKey(key);
    const hits = (this.mine.get(k) ?? 0) + by;
    this.mine.set(k, hits);
    this.pending.set(k, (this.pending.get(k) ?? 0) + by);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, FLUSH_MS);
      this.timer.unref();
    }
    return hits + (this.others.get(k) ?? 0);
  }

  increment(key: string): Promise<IncrementResponse> {
    return Promise.resolve({ totalHits: this.add(key, 1), resetTime: this.resetAt() });
  }

  decrement(key: string): Promise<void> {
    this.add(key, -1);
    return Promise.resolve();
  }

  resetKey(key: string): Promise<void> {
    // This process's count of the key starts again (the others' documents keep theirs).
    this.roll();
    const k = hashKey(key);
    const hits = this.mine.get(k) ?? 0;
    if (hits) this.add(key, -hits);
    this.others.delete(k);
    return Promise.resolve();
  }

  /**
   * Writes the hits not yet written (one upsert of this store's document) and reads the other
   * processes' documents of the window. Never throws: on failure the hits stay pending.
   */
  flush(): Promise<void> {
    this.flushing ??= (async () => {
      if (await this.write()) await this.refresh();
    })().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private docId(window = this.window): string {
    return `${this.prefix}|${this.self}|${window}`;
  }

  /** Adds the pending hits to this store's document; false if that failed (they stay pending). */
  async write(): Promise<boolean> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.roll();
    const window = this.window;
    const pending = this.pending;
    if (!pending.size) return true;
    this.pending = new Map();
    const $inc: Record<string, number> = {};
    for (const [k, n] of pending) if (n) $inc[`h.${k}`] = n;
    try {
      await keyed<RateDoc>(RateLimitModel).updateOne(
        { _id: this.docId(window) },
        {
          ...(Object.keys($inc).length ? { $inc } : {}),
          $setOnInsert: { p: this.prefix, w: window, resetAt: this.resetAt(window) },
        } as UpdateFilter<RateDoc>,
        { upsert: true },
      );
      return true;
    } catch (err) {
      // Kept for the next flush (a hit is counted here in any case).
      if (window === this.window) for (const [k, n] of pending) this.pending.set(k, (this.pending.get(k) ?? 0) + n);
      if (!this.timer && this.pending.size) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          void this.flush();
        }, FLUSH_MS * 4);
        this.timer.unref();
      }
      logger.debug({ err: (err as Error).name, limiter: this.prefix }, 'rate-limit hits not written yet');
      return false;
    }
  }

  /** Reads the other processes' hits of the window (their documents: a few per process). */
  async refresh(): Promise<void> {
    this.roll();
    const window = this.window;
    const mine = this.docId(window);
    try {
      const docs = await keyed<RateDoc>(RateLimitModel)
        .find({ p: this.prefix, w: window }, { projection: { h: 1 } })
        .toArray();
      if (window !== this.window) return;
      const others = new Map<string, number>();
      for (const d of docs)
        if (d._id !== mine) for (const [k, n] of Object.entries(d.h ?? {})) others.set(k, (others.get(k) ?? 0) + n);
      this.others = others;
    } catch (err) {
      logger.debug({ err: (err as Error).name, limiter: this.prefix }, 'rate-limit hits of other processes not read');
    }
  }
}

/** Writes every limiter's pending hits and reads the others' (at shutdown, and in tests). */
export async function flushRateLimits(): Promise<void> {
  const used = [...stores].filter((s) => s.used);
  // Every store's hits first, then every store reads the others': all see all.
  await Promise.all(used.map((s) => s.write()));
  await Promise.all(used.map((s) => s.refresh()));
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
    // The counts are in memory (DatabaseStore): nothing here waits for or fails with the database.
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
