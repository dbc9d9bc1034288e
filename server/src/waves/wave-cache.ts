// The open wave a submission goes to, kept per process for a short time so that a submission does
// not read the wave from the store each time (issue 14: fewer round trips).
//
// Invalidation:
// - in this process: every write through WaveModel (wave.model.ts hooks) empties the cache at once,
//   so a wave closed, reopened or edited here is seen by the next request;
// - in other processes (WORKERS > 1, several instances behind a proxy): an entry lives at most
//   WAVE_CACHE_TTL_MS (2 s). A wave closed on one instance may take answers on another for up to
//   that long; a scheduled close (closesAt) is exact everywhere, as the dates are checked against
//   the clock on every submission. Questionnaire versions never change once a wave uses them and
//   are cached without expiry (questionnaires.service.ts).

export const WAVE_CACHE_TTL_MS = 2_000;
const MAX_ENTRIES = 500;

type Entry<T> = { value: T; until: number };
const entries = new Map<string, Entry<unknown>>();
/** Bumped on each invalidation, so a read that started before a write does not store what it read. */
let generation = 0;

export async function cachedWave<T>(code: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
  const hit = entries.get(code);
  if (hit && hit.until > now) return hit.value as T;
  const started = generation;
  const value = await load();
  if (started === generation) {
    if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
    entries.set(code, { value, until: now + WAVE_CACHE_TTL_MS });
  }
  return value;
}

/** Forgets every cached wave (called after any write to the waves collection in this process). */
export function invalidateWaveCache(): void {
  generation++;
  entries.clear();
}
