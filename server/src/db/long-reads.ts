// Long reads (export jobs and direct export downloads, recounts and verify, the crosstab scan,
// the catch-up) go over a connection of their own with a small pool, so that short requests (a
// health check, a submission, a page's reads) never wait on the app's side for a connection that
// a long read's batch holds. Measured before (docs/performance.md, issue 9): after 50 abandoned
// long requests the store answered a ping at once while the app's own /api/health took up to
// 6.6 s, its single pool of 8 connections held by the abandoned reads' batches.
//
// A long read also gives the driver its AbortSignal (`longCursorOptions`): a read still waiting
// for a connection of this pool leaves the queue when its request or job is aborted, and a first
// batch in flight is dropped with its connection (the driver closes that socket) instead of
// holding the pool until the store answers. A getMore already in flight still finishes its batch
// before the cursor is killed (the driver does not pass the signal to getMore), hence the small
// batches below.
import mongoose from 'mongoose';

/** Connections of the long-read pool (per app instance). */
export const LONG_READ_POOL = 3;
/** Documents per round trip of a long read: small, so an abandoned batch lets go of its connection soon. */
export const LONG_READ_BATCH = 500;

let conn: mongoose.Connection | undefined;

/** Opens the long-read connection with the main connection's settings and a pool of `poolSize`. */
export async function openLongReads(uri: string, options: mongoose.ConnectOptions, poolSize = LONG_READ_POOL) {
  await closeLongReads();
  const c = mongoose.createConnection(uri, {
    ...options,
    maxPoolSize: poolSize,
    // Its models are copies of the main connection's: no index builds, no collection creation.
    autoIndex: false,
    autoCreate: false,
  });
  conn = c;
  try {
    await c.asPromise();
  } catch (err) {
    if (conn === c) conn = undefined;
    await c.close().catch(() => undefined);
    throw err;
  }
}

export async function closeLongReads(): Promise<void> {
  const c = conn;
  conn = undefined;
  if (c) await c.close().catch(() => undefined);
}

/** The long-read connection (tests watch its pool), if open. */
export function longReadConnection(): mongoose.Connection | undefined {
  return conn;
}

/**
 * `model` bound to the long-read connection (same schema, same collection). Falls back to the
 * model itself (the main pool) when there is no long-read connection or it is not connected, so a
 * script that connects only mongoose's default connection still works.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- models of every shape
export function longRead<M extends mongoose.Model<any>>(model: M): M {
  const c = conn;
  if (!c || c.readyState !== 1) return model;
  return (c.models[model.modelName] ?? c.model(model.modelName, model.schema, model.collection.collectionName)) as M;
}

/**
 * Options of a long read's cursor: small batches, and the signal that stops it (handed to the
 * driver, see above). No signal: the cursor runs until it is closed.
 */
export function longCursorOptions(signal?: AbortSignal): { batchSize: number; signal?: AbortSignal } {
  return signal ? { batchSize: LONG_READ_BATCH, signal } : { batchSize: LONG_READ_BATCH };
}

/**
 * Lets the event loop in during a long synchronous-looking loop: cursor documents of a batch
 * arrive as resolved promises, so a loop over them (and the streams it feeds) would otherwise
 * run a whole batch without letting a health check or a submission in. Call it per row; it
 * yields (setImmediate) once `everyMs` has passed since the last yield.
 */
export function yielder(everyMs = 10): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < everyMs) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        last = performance.now();
        resolve();
      }),
    );
  };
}

/** A signal that aborts when any of the given ones does (undefined when none is given). */
export function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const given = [...new Set(signals.filter((s): s is AbortSignal => !!s))];
  if (given.length <= 1) return given[0];
  return AbortSignal.any(given);
}
