// Throttling of failed log-ins, so that nobody can lock an official out of their account.
//
// Per account and client address: the first FREE_PER_ADDRESS attempts are free; after that each
// further attempt from that address must wait BASE × 2^(n − FREE) (capped), counted from the last
// one. An attempt is reserved (counted as a failure) before the password is checked, with a
// conditional single-document update, so a burst of parallel guesses from one address gets one
// through at a time; a success deletes the address's record. Another address is never held up by
// these failures.
// Per account, whatever the address: a much higher threshold (GLOBAL_FREE failures) guards
// against guessing from many addresses; past it, attempts are delayed (at most GLOBAL_MAX_MS),
// never locked. Records are forgotten some time after the last failure and swept.
import { model } from 'mongoose';
import { keyedSchema, required, sweptBy } from '../db/schema';
import { AppError } from '../http/errors';

export const FREE_PER_ADDRESS = 5;
export const ADDRESS_BASE_MS = 15_000;
export const ADDRESS_MAX_MS = 15 * 60_000;
export const ADDRESS_FORGET_MS = 60 * 60_000;
export const GLOBAL_FREE = 100;
export const GLOBAL_BASE_MS = 1_000;
export const GLOBAL_MAX_MS = 60_000;
export const GLOBAL_FORGET_MS = 24 * 60 * 60_000;

// The hourly sweep removes forgotten entries by forgetAt.
const throttleSchema = keyedSchema(
  { failures: required(Number), lastFailureAt: required(Date), forgetAt: required(Date) },
  { indexes: [sweptBy('forgetAt')] },
);
export const LoginThrottleModel = model('LoginThrottle', throttleSchema, 'login_throttles');

type ThrottleDoc = { _id: string; failures: number; lastFailureAt: Date; forgetAt: Date };

export class ThrottledError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      'Too Many Requests',
      'login_throttled',
      `Too many failed log-ins. Try again in ${retryAfterSeconds} s.`,
      undefined,
      { retryAfter: retryAfterSeconds },
    );
  }
}

const addressDelay = (failures: number) =>
  failures < FREE_PER_ADDRESS ? 0 : Math.min(ADDRESS_BASE_MS * 2 ** (failures - FREE_PER_ADDRESS), ADDRESS_MAX_MS);
const globalDelay = (failures: number) =>
  failures < GLOBAL_FREE ? 0 : Math.min(GLOBAL_BASE_MS * 2 ** Math.min(failures - GLOBAL_FREE, 30), GLOBAL_MAX_MS);

/** Failures still remembered (a record past its forgetAt counts as none). */
const live = (d: ThrottleDoc | null, now: Date) => (d && d.forgetAt > now ? d.failures : 0);

function waitMs(d: ThrottleDoc | null, delay: (n: number) => number, now: Date): number {
  const n = live(d, now);
  if (!d || n === 0) return 0;
  return Math.max(0, d.lastFailureAt.getTime() + delay(n) - now.getTime());
}

const throttled = (ms: number) => new ThrottledError(Math.max(1, Math.ceil(ms / 1000)));

export type Attempt = { addressKey: string; accountKey: string };

/**
 * Reserves one log-in attempt for the account from this address, or throws 429 with Retry-After.
 * The attempt counts as a failure until `succeeded` clears it.
 */
export async function reserveAttempt(email: string, address: string, now = new Date()): Promise<Attempt> {
  const addressKey = `addr|${email}|${address}`;
  const accountKey = `acct|${email}`;
  const [mine, all] = await Promise.all([
    LoginThrottleModel.findById(addressKey).lean<ThrottleDoc>(),
    LoginThrottleModel.findById(accountKey).lean<ThrottleDoc>(),
  ]);
  const wait = Math.max(waitMs(mine, addressDelay, now), waitMs(all, globalDelay, now));
  if (wait > 0) throw throttled(wait);

  const failures = live(mine, now) + 1;
  const next = { failures, lastFailureAt: now, forgetAt: new Date(now.getTime() + ADDRESS_FORGET_MS) };
  if (!mine) {
    try {
      await LoginThrottleModel.create({ _id: addressKey, ...next });
    } catch {
      throw throttled(1000); // a parallel attempt from the same address got there first
    }
  } else {
    // Conditional on the count read: of parallel attempts from one address only one goes on.
    const res = await LoginThrottleModel.updateOne({ _id: addressKey, failures: mine.failures }, { $set: next });
    if (res.modifiedCount !== 1) throw throttled(1000);
  }
  return { addressKey, accountKey };
}

/** The password was right: the address's record goes (the account-wide count stays, to decay). */
export async function succeeded(attempt: Attempt): Promise<void> {
  await LoginThrottleModel.deleteOne({ _id: attempt.addressKey });
}

/** The password was wrong: the account-wide count grows too. */
export async function failed(attempt: Attempt, now = new Date()): Promise<void> {
  const forgetAt = new Date(now.getTime() + GLOBAL_FORGET_MS);
  // A record past its forgetAt starts again from zero.
  await LoginThrottleModel.deleteOne({ _id: attempt.accountKey, forgetAt: { $lte: now } });
  for (let attempt_ = 0; ; attempt_++) {
    try {
      await LoginThrottleModel.updateOne(
        { _id: attempt.accountKey },
        { $inc: { failures: 1 }, $set: { lastFailureAt: now, forgetAt } },
        { upsert: true },
      );
      return;
    } catch (err) {
      if (attempt_ >= 2) throw err; // two first failures at once: the loser retries as an update
    }
  }
}

export async function sweepLoginThrottles(now = new Date()): Promise<number> {
  return (await LoginThrottleModel.deleteMany({ forgetAt: { $lte: now } })).deletedCount ?? 0;
}
