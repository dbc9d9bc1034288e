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

export async function* abortable<T>(cursor: Closable<T>, signal = currentSignal()): AsyncGenerator<T> {
  if (signal?.aborted) {
    await cursor.close().catch(() => undefined);
    throw abortError(signal);
  }
  open++;
  const onAbort = () => void cursor.close().catch(() => undefined);
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
    await cursor.close().catch(() => undefined);
  }
  if (signal?.aborted) throw abortError(signal);
}
