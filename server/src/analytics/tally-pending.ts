// Responses stored but not yet counted by this process. A submission's answer goes back once
// the response is stored; its count follows in a group commit (counters.service keepTally), so
// under a burst respondents do not wait for the kept counts. Readers of kept counts in the same
// process wait for the responses of their wave stored before them (read-your-writes within a
// process), at most SETTLE_MAX_MS; other processes (WORKERS > 1, several instances) see a count
// once its group is written, normally within a second.
//
// Groups are counted in arrival order (one group at a time, taken from the front of the queue),
// so "every response queued up to number k is done" is `counted >= k`.

/** The longest a reader waits for the counts of its wave (below the request deadline). */
export const SETTLE_MAX_MS = 3000;

type Wave = { queued: number; counted: number; waiters: { upTo: number; done: () => void }[] };
const waves = new Map<string, Wave>();
let total = 0;

/** A response of `wave` was queued for counting. */
export function noteQueued(wave: string): void {
  const w = waves.get(wave) ?? { queued: 0, counted: 0, waiters: [] };
  w.queued++;
  waves.set(wave, w);
  total++;
}

/** A response of `wave` left the queue: counted, or handed to the retry list. */
export function noteCounted(wave: string): void {
  const w = waves.get(wave);
  if (!w) return;
  w.counted++;
  total--;
  w.waiters = w.waiters.filter((x) => {
    if (w.counted < x.upTo) return true;
    x.done();
    return false;
  });
  if (w.counted >= w.queued && !w.waiters.length) waves.delete(wave);
}

/** How many responses this process has stored and not yet counted. */
export function backlog(): number {
  return total;
}

/**
 * Resolves once the responses of these waves queued before the call are counted (or gave up and
 * went to the retry list), or after `maxMs`, whichever comes first. At once when none are queued.
 */
export function tallySettled(wave: string | string[], maxMs = SETTLE_MAX_MS): Promise<void> {
  const pending = (Array.isArray(wave) ? wave : [wave])
    .map((code) => waves.get(code))
    .filter((w): w is Wave => !!w && w.counted < w.queued);
  if (!pending.length) return Promise.resolve();
  return new Promise((resolve) => {
    let left = pending.length;
    const timer = setTimeout(resolve, maxMs);
    timer.unref();
    const one = () => {
      if (--left === 0) {
        clearTimeout(timer);
        resolve();
      }
    };
    for (const w of pending) w.waiters.push({ upTo: w.queued, done: one });
  });
}
