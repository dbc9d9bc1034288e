// One exactly-once update of a kept-count document (a counter or a cube cell) for several
// responses at once: their `$inc`s summed, `$min`/`$max` combined, all ids pushed to `recent`,
// conditional on none of them being there yet. The guard of counters.service.ts, for a group.
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

/**
 * Applies the updates of `items` (distinct response ids) to the document `_id` of `model`:
 * one conditional update for all of them; if it matches nothing, the document is made sure to
 * exist (`ensure`) and the update tried once more; if it still matches nothing, one of the ids is
 * already in `recent` (a replay, or the catch-up got there first), and each response is applied
 * on its own with the same guard. A single item sends exactly the one-response update.
 * Returns each id's outcome ('late' once `late()` says the deadline passed: left for the catch-up).
 */
export async function applyGuarded(
  model: Model<any>, // eslint-disable-line @typescript-eslint/no-explicit-any -- counters and cube cells
  _id: string,
  items: { id: string; update: KeptUpdate }[],
  late: () => boolean,
  ensure: () => Promise<unknown>,
): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  const ids = items.map((i) => i.id);
  const one = ids.length === 1;
  const update = {
    ...mergeKeptUpdates(items.map((i) => i.update)),
    $push: { recent: one ? ids[0] : { $each: ids } },
  };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (late()) {
      for (const id of ids) out.set(id, 'late');
      return out;
    }
    const res = await model.updateOne(one ? { _id, recent: { $ne: ids[0] } } : { _id, recent: { $nin: ids } }, update);
    if (res.matchedCount === 1) {
      for (const id of ids) out.set(id, 'applied');
      return out;
    }
    if (attempt === 1) break;
    // No match: the document does not exist yet, or an id is already in `recent`. Make sure it
    // exists (another instance may be creating it at the same moment) and try once more.
    await ensure();
  }
  if (one) {
    out.set(ids[0], 'already'); // the document exists, so the id was in `recent`
    return out;
  }
  for (const item of items) {
    for (const [id, o] of await applyGuarded(model, _id, [item], late, ensure)) out.set(id, o);
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
