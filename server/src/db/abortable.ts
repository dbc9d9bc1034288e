// Long reads stop when nobody waits for them any more: a cursor iterated through `abortable`
// is closed (killCursors on the store) as soon as its signal aborts, by default the signal of the
// request being served (request deadline or client disconnect), so an abandoned scan does not
// keep the store busy after its request is gone.
import { currentSignal, RequestAbortedError } from '../http/request-context';

type Closable<T> = AsyncIterable<T> & { close(): Promise<unknown> };

let open = 0;

/** How many abortable cursors are being read right now (tests and diagnostics). */
export function openCursors(): number {
  return open;
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new RequestAbortedError('client_gone');
}

const closing = new WeakMap<object, Promise<void>>();

/**
 * Closes a cursor once. A second close() while the driver is killing the cursor (killCursors)
 * ends the cursor's session under it, and the kill is then silently dropped (driver 6.x): the
 * store kept the cursor. So: one close per cursor, and none after the driver closed it itself
 * (it does on the signal it was given, db/long-reads.ts).
 */
export function closeCursor(cursor: { close(): Promise<unknown> }): Promise<void> {
  // A mongoose QueryCursor holds the driver's cursor in `.cursor`; a driver cursor is its own.
  const driver = ((cursor as { cursor?: unknown }).cursor ?? cursor) as { isClosed?: boolean };
  if (driver.isClosed === true) return closing.get(cursor) ?? Promise.resolve();
  let p = closing.get(cursor);
  if (!p) {
    p = cursor.close().then(
      () => undefined,
      () => undefined,
    );
    closing.set(cursor, p);
  }
  return p;
}

export async function* abortable<T>(cursor: Closable<T>, signal = currentSignal()): AsyncGenerator<T> {
  if (signal?.aborted) {
    await closeCursor(cursor);
    throw abortError(signal);
  }
  open++;
  // Deferred: when the driver was given the same signal, its own listener closes the cursor first.
  const onAbort = () => setImmediate(() => void closeCursor(cursor));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const doc of cursor) {
      if (signal?.aborted) break;
      yield doc;
    }
  } catch (err) {
    // A cursor closed under a pending read fails in its own way; report the real reason.
    if (signal?.aborted) throw abortError(signal);
    throw err;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    open--;
    await closeCursor(cursor);
  }
  if (signal?.aborted) throw abortError(signal);
}
