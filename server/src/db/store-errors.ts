// Which store errors are worth retrying: a replica set changing its primary, a write the
// majority did not confirm in time, a connection that broke. The API answers them with a
// retryable 503 (http/problem.ts) and the client tries again (every write it retries is
// idempotent: submissions carry a clientId, drafts a revision).

/** MongoDB's "not primary" and "shutting down" codes: the replica set is electing a new primary. */
const FAILOVER_CODES = new Set([
  10107, // NotWritablePrimary
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
  189, // PrimarySteppedDown
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  91, // ShutdownInProgress
]);
const FAILOVER_CODE_NAMES = new Set([
  'NotWritablePrimary',
  'NotPrimaryNoSecondaryOk',
  'NotPrimaryOrSecondary',
  'PrimarySteppedDown',
  'InterruptedAtShutdown',
  'InterruptedDueToReplStateChange',
  'ShutdownInProgress',
]);

/** Server-side network failures (between members, or of a mongos to its shards). */
const NETWORK_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  89, // NetworkTimeout
  9001, // SocketException
]);

/** The write concern was not satisfied in time (wtimeoutMS): the write may or may not persist. */
const WRITE_CONCERN_CODES = new Set([
  64, // WriteConcernFailed (wtimeout)
  79, // UnknownReplWriteConcern
  100, // UnsatisfiableWriteConcern (too few members up for w: majority)
]);

export type StoreFault = 'failover' | 'write_concern' | 'network';

type MaybeMongoError = {
  name?: unknown;
  code?: unknown;
  codeName?: unknown;
  errorLabels?: unknown;
  errorLabelSet?: unknown;
  writeConcernError?: { code?: unknown; codeName?: unknown };
  writeConcernErrors?: unknown;
  result?: { writeConcernErrors?: unknown; getWriteConcernError?: () => unknown };
  cause?: unknown;
};

function labels(err: MaybeMongoError): string[] {
  if (Array.isArray(err.errorLabels)) return err.errorLabels.map(String);
  if (err.errorLabelSet instanceof Set) return [...(err.errorLabelSet as Set<unknown>)].map(String);
  return [];
}

function codeOf(err: { code?: unknown }): number | undefined {
  return typeof err.code === 'number' ? err.code : undefined;
}

function hasWriteConcernError(err: MaybeMongoError): boolean {
  if (err.name === 'MongoWriteConcernError') return true;
  if (err.writeConcernError && typeof err.writeConcernError === 'object') return true;
  if (Array.isArray(err.writeConcernErrors) && err.writeConcernErrors.length > 0) return true;
  if (err.name === 'MongoBulkWriteError') {
    const r = err.result;
    if (r && typeof r.getWriteConcernError === 'function' && r.getWriteConcernError()) return true;
    if (r && Array.isArray(r.writeConcernErrors) && r.writeConcernErrors.length > 0) return true;
  }
  return false;
}

/**
 * Classifies an error from the driver (or mongoose) as a transient store fault, or undefined.
 * Timeouts (maxTimeMS, code 50) are not classified here: the API reports them separately.
 */
export function storeFault(err: unknown, depth = 0): StoreFault | undefined {
  if (!err || typeof err !== 'object' || depth > 3) return undefined;
  const e = err as MaybeMongoError;
  const code = codeOf(e);
  if (hasWriteConcernError(e) || (code !== undefined && WRITE_CONCERN_CODES.has(code))) {
    // A write concern error that carries a failover code (the primary stepped down while waiting).
    const wc = e.writeConcernError && codeOf(e.writeConcernError);
    if ((wc !== undefined && FAILOVER_CODES.has(wc)) || (code !== undefined && FAILOVER_CODES.has(code))) {
      return 'failover';
    }
    return 'write_concern';
  }
  if (
    (code !== undefined && FAILOVER_CODES.has(code)) ||
    (typeof e.codeName === 'string' && FAILOVER_CODE_NAMES.has(e.codeName))
  ) {
    return 'failover';
  }
  if (
    e.name === 'MongoNetworkError' ||
    e.name === 'MongoNetworkTimeoutError' ||
    e.name === 'MongoPoolClearedError' ||
    e.name === 'MongoServerSelectionError' ||
    e.name === 'MongoNotConnectedError' ||
    (code !== undefined && NETWORK_CODES.has(code))
  ) {
    return 'network';
  }
  // The driver labels what it would retry itself (retryable writes) but gave up on.
  const l = labels(e);
  if (l.includes('RetryableWriteError') || l.includes('ResetPool')) return 'failover';
  return e.cause ? storeFault(e.cause, depth + 1) : undefined;
}
