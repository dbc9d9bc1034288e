// One exactly-once update of a kept-count document (a counter or a cube cell) for several
// responses at once: their `$inc`s summed, `$min`/`$max` combined, all ids pushed to `recent`,
// conditional on none of them being there yet. The guard of counters.service.ts, for a group.
import type { UpdateFilter } from 'mongodb';
import { keyed } from '../db/schema';
import type { Model } from 'mongoose';

export type KeptUpdate = {
  $inc: Record<string, number>;
  $min?: Record<string, number>;
  $max?: Record<string, number>;
};
export type Outcome = 'applied' | 'already' | 'late';

/** The updates of several responses to one document, as one update (ids pushed separately). */
export function mergeKeptUpdates(list: KeptUpdate[]): KeptUpdate {
  const $inc: Record<string, number> = {};
  const $min: Record<string, number> = {};
  const $max: Record<string, number> = {};
  for (const u of list) {
    for (const [k, v] of Object.entries(u.$inc)) $inc[k] = ($inc[k] ?? 0) + v;
    for (const [k, v] of Object.entries(u.$min ?? {})) $min[k] = k in $min ? Math.min($min[k], v) : v;
    for (const [k, v] of Object.entries(u.$max ?? {})) $max[k] = k in $max ? Math.max($max[k], v) : v;
  }
  return {
    $inc,
    ...(Object.keys($min).length ? { $min } : {}),
    ...(Object.keys($max).length ? { $max } : {}),
  };
}

/** E11000: an insert (here: an upsert's) met a document with the same `_id`. */
export function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 11000;
}

/**
 * Applies the updates of `items` (distinct response ids) to the document `_id` of `model`:
 * one conditional update for all of them, an upsert (the document is created with `base` and the
 * update when it does not exist yet: one write for a new document too). If it applies nothing,
 * the document exists and one of the ids is already in `recent` (a replay, or the catch-up got
 * there first) — or another writer created the document at the same moment (the upsert's insert
 * met it: E11000), so the update is tried once more without upsert; if that matches nothing
 * either, each response is applied on its own with the same guard. A single item sends exactly
 * the one-response update. `base` must not touch the paths the updates change.
 * Written through the driver's collection, not the model: the kept-count updates have dozens of
 * dotted keys under Mixed fields, which mongoose would only cast and copy (CPU per submission).
 * Returns each id's outcome ('late' once `late()` says the deadline passed: left for the catch-up).
 */
export async function applyGuarded(
  model: Model<any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- counters and cube cells
  _id: string,
  items: { id: string; update: KeptUpdate }[],
  late: () => boolean,
  base: Record<string, unknown>,
): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  const ids = items.map((i) => i.id);
  const one = ids.length === 1;
  const settle = (o: Outcome) => {
    for (const id of ids) out.set(id, o);
    return out;
  };
  const update = {
    ...mergeKeptUpdates(items.map((i) => i.update)),
    $push: { recent: one ? ids[0] : { $each: ids } },
  };
  const guard = one ? { _id, recent: { $ne: ids[0] } } : { _id, recent: { $nin: ids } };
  const coll = keyed<{ recent: string[] }>(model);
  if (late()) return settle('late');
  try {
    const res = await coll.updateOne(
      guard,
      { ...update, $setOnInsert: base } as UpdateFilter<{ _id: string; recent: string[] }>,
      {
        upsert: true,
      },
    );
    if (res.matchedCount === 1 || res.upsertedCount === 1) return settle('applied');
  } catch (err) {
    if (!isDuplicateKey(err)) throw err;
  }
  if (late()) return settle('late');
  const again = await coll.updateOne(guard, update as UpdateFilter<{ _id: string; recent: string[] }>);
  if (again.matchedCount === 1) return settle('applied');
  if (one) return settle('already'); // the document exists, so the id was in `recent`
  for (const item of items) {
    for (const [id, o] of await applyGuarded(model, _id, [item], late, base)) out.set(id, o);
  }
  return out;
}

/** Groups items by a key, keeping their order. */
export function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const g = groups.get(k);
    if (g) g.push(t);
    else groups.set(k, [t]);
  }
  return groups;
}

/** Runs `fn` over `items`, at most `limit` at once (started in order; Infinity: all at once). */
export async function eachLimited<T>(items: T[], fn: (t: T) => Promise<void>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
