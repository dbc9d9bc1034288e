// The signal of the request being served: aborted when its deadline passes (it has been answered
// 503) or its client disconnects before the answer is complete. Route handlers run inside this
// context (http/route.ts), so services reach it without threading it through every call, and long
// reads stop with the request (db/abortable.ts). Work outside a request (maintenance, jobs) has none.
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<{ signal: AbortSignal }>();

export function runWithSignal<T>(signal: AbortSignal | undefined, fn: () => T): T {
  return signal ? storage.run({ signal }, fn) : fn();
}

/** Runs `fn` outside any request: work a request starts but does not own (e.g. the counting of a group). */
export function outsideRequest<T>(fn: () => T): T {
  return storage.exit(fn);
}

/** The current request's signal, if the caller runs inside a request. */
export function currentSignal(): AbortSignal | undefined {
  return storage.getStore()?.signal;
}

/** Why a request's work was stopped. Its answer has gone already (503) or nobody is listening. */
export class RequestAbortedError extends Error {
  constructor(readonly reason: 'deadline' | 'client_gone') {
    super(reason === 'deadline' ? 'request deadline passed' : 'client disconnected');
    this.name = 'RequestAbortedError';
  }
}
