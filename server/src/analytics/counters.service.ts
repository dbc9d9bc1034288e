// Kept per-wave counts, updated as responses arrive, so reading a wave's tally does not slow
// down as responses grow (FerretDB filters in memory; only `_id` lookups are pushed down).
//
// Exactly-once without transactions. A response contributes `$inc`s to the counter document
// of its wave × region. Each step is a single-document write, and every step is safe to replay:
//
//   1. the response is stored (responses.service) — it has no `talliedAt` yet;
//   2. apply: ONE update of the counter document, conditional on the response id not being in
//      its `recent` list: `$inc` the counts and `$push` the id, atomically. A replay of step 2
//      finds the id in `recent` and changes nothing;
//   3. the response is marked `talliedAt` (a replay sets it again); for a group of responses
//      counted at once (TallyBatcher) the marks are first written as ONE document listing them
//      (TallyMarkModel), and set on the responses by the maintenance (flushMarks) within a
//      minute or so: a group of 500 is one insert on the submissions' path instead of 500
//      document updates. Until then such a response looks unmarked: the catch-up would apply it
//      again and find its id in `recent` ('already'), and prune keeps its id, since it prunes only
//      ids of responses marked PRUNE_AFTER_MS ago;
//   4. prune (periodic): ids whose response was marked more than PRUNE_AFTER_MS ago leave
//      `recent`, so the list holds only the last minutes of arrivals, not the whole wave.
//
// A crash between 1 and 2, or 2 and 3, leaves a response without `talliedAt`; the catch-up pass
// (a full pass over the responses at start and every TALLY_FULL_PASS_MS, an hour by default, on
// one instance at a time, a retry by `_id` of the responses whose counting failed in this process
// every TALLY_MAINTENANCE_MS, and in `npm run tally -- rebuild`) re-runs 2–3 for it: applied
// once whether step 2 had happened or not. The only way to double-count would be a step 2 for an
// id already pruned, i.e. running more than PRUNE_AFTER_MS after that response was marked; a
// worker therefore gives up on step 2 once APPLY_DEADLINE_MS (half of it) has passed since it saw
// the response unmarked (clocks of app instances must agree to within the other half).
//
// Why not a marker per response on the counter document forever: the list would grow with the
// wave (1,000,000 ids in a document). Why not one counter document per response ("sharding by
// response") folded later: reading would again scan a growing collection on FerretDB.
import { logger } from '../logger';
import { claimLease, INSTANCE_ID, releaseLease } from '../db/lease';
import { ResponseModel } from '../responses/response.model';
import { randomUUID } from 'node:crypto';
import { CounterModel, TallyMarkModel } from './counter.model';
import { contributionOf, variablesById } from './catalogue';
import { applyGuarded, eachLimited, groupBy, type KeptUpdate, type Outcome } from './guarded-batch';
import {
  addToRecount,
  applyBatchToCube,
  CUBE_FORMAT,
  CUBE_SOURCE_FIELDS,
  cubeMissing,
  cubeRecentLists,
  eachSource,
  newRecount,
  verifyCube,
  writeCube,
  type CubeRecount,
  type CubeSource,
  type RecountOptions,
} from './cube.service';
import { keyed } from '../db/schema';
import { abortable } from '../db/abortable';
import { longCursorOptions, longRead } from '../db/long-reads';
import { currentSignal, outsideRequest } from '../http/request-context';
import { config } from '../config';
import { backlog, noteCounted, noteQueued, tallySettled } from './tally-pending';

export const PRUNE_AFTER_MS = 10 * 60_000;
export const APPLY_DEADLINE_MS = PRUNE_AFTER_MS / 2;
const CATCH_UP_GRACE_MS = 60_000;

/** A stored response as the counters and the cube read it (cube.service.ts). */
export type TallySource = CubeSource;

export const counterId = (wave: string, region: string) => `${wave}|${region}`;

/**
 * Applies one stored response to its wave's counters and to its cell of the wave's cube
 * (cube.service.ts), each with its own `recent` guard, then marks it (steps 2–3 above).
 * Idempotent. Returns
 * 'applied', 'already' (step 2 had happened) or 'late' (deadline passed: left for catch-up).
 */
export async function applyToCounters(r: TallySource, seenUnmarkedAt = Date.now()): Promise<Outcome> {
  return (await applyBatch([r], seenUnmarkedAt)).get(r._id) ?? 'already';
}

/**
 * Steps 2–3 for several stored responses at once (a group commit, see TallyBatcher): per counter
 * document, cube cell and municipality document ONE guarded update for all the responses it gets
 * (guarded-batch.ts), one version bump, one mark. The same exactly-once guarantees as one by one;
 * a single response makes exactly the one-response writes. Returns each response's outcome.
 */
export async function applyBatch(rs: TallySource[], seenUnmarkedAt = Date.now()): Promise<Map<string, Outcome>> {
  const late = () => Date.now() - seenUnmarkedAt > APPLY_DEADLINE_MS;
  const unique = [...new Map(rs.map((r) => [r._id, r])).values()]; // a response counts once per batch
  const out = new Map<string, Outcome>();
  const inFlight = groupWritesInFlight();
  await eachLimited(
    [...groupBy(unique, (r) => counterId(r.waveCode, r.regionCode))],
    async ([_id, members]) => {
      const items = await Promise.all(members.map(async (r) => ({ id: r._id, update: await counterUpdateOf(r) })));
      const first = members[0];
      const base = { wave: first.waveCode, region: first.regionCode, f: CUBE_FORMAT };
      for (const [id, o] of await applyGuarded(CounterModel, _id, items, late, base)) out.set(id, o);
    },
    inFlight,
  );
  const onward = unique.filter((r) => out.get(r._id) !== 'late' && !late());
  for (const r of unique) if (!onward.includes(r)) out.set(r._id, 'late');
  if (!onward.length) return out;
  const cube = await applyBatchToCube(onward, late, inFlight);
  const done: string[] = [];
  for (const r of onward) {
    const c = cube.get(r._id) ?? 'already';
    if (c === 'late') out.set(r._id, 'late');
    else {
      if (c === 'applied') out.set(r._id, 'applied');
      done.push(r._id);
    }
  }
  if (done.length === 1) await keyed(ResponseModel).updateOne({ _id: done[0] }, { $set: { talliedAt: new Date() } });
  else if (done.length) await keyed(TallyMarkModel).insertOne({ _id: randomUUID(), ids: done, at: new Date() });
  return out;
}

/** Responses marked per write when the marks of groups are set on them (a short hold of the store's write lock). */
const MARKS_PER_WRITE = 50;

/**
 * Step 3 for the groups counted since the last call: sets `talliedAt` on their responses and
 * deletes their mark documents. Idempotent (two instances doing it at once mark twice). Returns
 * how many responses it marked.
 */
export async function flushMarks(): Promise<number> {
  const docs = await TallyMarkModel.find({}, { ids: 1 }).lean<{ _id: string; ids: string[] }[]>();
  let marked = 0;
  for (const d of docs) {
    for (let i = 0; i < d.ids.length; i += MARKS_PER_WRITE) {
      const ids = d.ids.slice(i, i + MARKS_PER_WRITE);
      await keyed(ResponseModel).updateMany({ _id: { $in: ids } }, { $set: { talliedAt: new Date() } });
    }
    await TallyMarkModel.deleteOne({ _id: d._id });
    marked += d.ids.length;
  }
  return marked;
}

/** The writes of a counting group in flight at once while the backlog is small (groupWritesInFlight). */
export const GROUP_WRITES_IN_FLIGHT = 6;

/**
 * How many of a group's writes go to the store at once. The embedded store lets one write through
 * at a time, first come first served (scripts/store/proxy.go): a group that sent all its writes at
 * once (a thousand for 500 answers in different cells) put every submission arriving meanwhile
 * behind them, hundreds of ms each. So while the backlog is small the group sends a few at a time
 * and the answers pass between them (a burst: p99 ~0.5 s -> ~0.27 s, docs/performance.md); once
 * the backlog passes half of TALLY_DEFER_MAX, all at once, so that counting keeps up under a
 * sustained load (and with TALLY_DEFER_MAX=0, where every answer waits for its count).
 */
export function groupWritesInFlight(bound = config().tallyDeferMax, waiting = backlog()): number {
  return bound > 0 && waiting <= bound / 2 ? GROUP_WRITES_IN_FLIGHT : Infinity;
}

async function counterUpdateOf(r: TallySource): Promise<KeptUpdate> {
  const variables = await variablesById(r.questionnaireId);
  const inc: Record<string, number> = { n: 1 };
  for (const [k, v] of Object.entries(contributionOf(variables, r.answers ?? {}))) inc[`c.${k}`] = v;
  return { $inc: inc };
}

/**
 * Responses whose counting failed in this process (keepTally), retried by this process's
 * maintenance ticks (retryFailed) whether or not it holds the maintenance lease: the catch-up's
 * full pass over the responses then only has to run rarely (a process that dies loses this list;
 * the full pass at the next start, or the periodic one on another instance, counts them).
 */
const failed = new Set<string>();
/** Above this many, a failure is left to the full pass (the list stays small whatever happens). */
const FAILED_MAX = 10_000;

/**
 * Counts stored responses in group commits: see TallyBatcher. Large groups share more documents
 * (the bench's burst of 500: store CPU per submission 22-24 ms with groups of 100, 7-10 ms with 500).
 */
const MAX_BATCH = 500;

/**
 * Group commit of the counting step within one process: a response stored while an earlier
 * group is being counted waits (its request too) and is counted with the others that arrived
 * meanwhile, in one applyBatch. Under no load a group is one response (no added wait); under
 * load the writes per response fall, because responses share counter and municipality documents
 * and the version bump and mark are one write per group. A response the group could not count
 * (an error, or 'late') goes to the retry list. The promise settles when its group is done.
 */
class TallyBatcher {
  private queue: { r: TallySource; done: () => void }[] = [];
  private running = false;
  private idle: (() => void)[] = [];

  /** Resolves when the queue is empty and no group is being counted (or after `maxMs`). */
  drained(maxMs: number): Promise<void> {
    if (!this.running && !this.queue.length) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, maxMs);
      timer.unref();
      this.idle.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  add(r: TallySource): Promise<void> {
    return new Promise((done) => {
      this.queue.push({ r, done });
      // The group is not the request's: it outlives the answer, and the request's deadline or
      // disconnect must not reach its writes.
      if (!this.running) void outsideRequest(() => this.run());
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length) {
        const group = this.queue.splice(0, MAX_BATCH);
        let outcomes: Map<string, Outcome> | undefined;
        try {
          outcomes = await applyBatch(group.map((g) => g.r));
        } catch (err) {
          logger.warn({ responses: group.length, err: (err as Error).name }, 'tally counters not updated; will retry');
        }
        for (const g of group) {
          if (!outcomes || outcomes.get(g.r._id) === 'late') {
            if (failed.size < FAILED_MAX) failed.add(g.r._id);
          }
          noteCounted(g.r.waveCode);
          g.done();
        }
      }
    } finally {
      this.running = false;
      for (const done of this.idle.splice(0)) done();
    }
  }
}
const batcher = new TallyBatcher();

/**
 * Called right after a response is stored. Never throws: a failure is retried later. Resolves at
 * once while fewer than TALLY_DEFER_MAX responses of this process wait for their count (the
 * count follows in the next group; readers in this process wait for it, tally-pending.ts), and
 * when the response is counted otherwise (backpressure: under a sustained overload submissions
 * slow down to the pace of counting instead of the backlog growing).
 */
export function keepTally(r: TallySource, deferMax = config().tallyDeferMax): Promise<void> {
  noteQueued(r.waveCode);
  const counted = batcher.add(r);
  return deferMax > 0 && backlog() <= deferMax ? Promise.resolve() : counted;
}

/**
 * Waits (at most `maxMs`) until every response this process stored is counted: at shutdown, so
 * that a stopping instance leaves nothing to the next full catch-up pass.
 */
export function drainTally(maxMs: number): Promise<void> {
  return batcher.drained(maxMs);
}

/**
 * Counts the responses whose counting failed in this process (each read by `_id`): applied once
 * whether or not the failed attempt had got through (the same steps as the catch-up). Returns how
 * many it applied.
 */
export async function retryFailed(): Promise<number> {
  let applied = 0;
  for (const id of [...failed]) {
    try {
      const r = await ResponseModel.findById(id, { ...SOURCE_FIELDS, talliedAt: 1 }).lean<
        TallySource & { talliedAt?: Date | null }
      >();
      // Gone, marked by now (another instance's catch-up), or not yet complete: nothing to do here.
      if (!r || r.talliedAt || (r.status ?? 'complete') !== 'complete') {
        failed.delete(id);
        continue;
      }
      const outcome = await applyToCounters(r);
      if (outcome === 'late') continue;
      if (outcome === 'applied') applied++;
      failed.delete(id);
    } catch {
      // still failing: kept for the next tick (and the full pass finds it too)
    }
  }
  return applied;
}

const SOURCE_FIELDS = CUBE_SOURCE_FIELDS;

/**
 * Applies every completed response not yet marked (older than the grace period). Returns how many
 * it applied. A full pass: on FerretDB its filter reads every response of the store, so the
 * maintenance runs it at start and every TALLY_FULL_PASS_MS only; in between, the
 * responses whose counting failed live are retried by `_id` (retryFailed).
 */
export async function catchUp(opts: { wave?: string; graceMs?: number } = {}): Promise<number> {
  // Responses of counted groups are marked first: otherwise each would be applied again for nothing.
  await flushMarks();
  const cutoff = new Date(Date.now() - (opts.graceMs ?? CATCH_UP_GRACE_MS));
  const filter = {
    status: 'complete',
    talliedAt: null,
    submittedAt: { $lte: cutoff },
    ...(opts.wave ? { waveCode: opts.wave } : {}),
  };
  let applied = 0;
  // The scan on the long-read pool (db/long-reads.ts); the writes of each response on the main one.
  const cursor = longRead(ResponseModel)
    .find(filter, SOURCE_FIELDS)
    .lean<TallySource>()
    .cursor({ ...longCursorOptions(currentSignal()), batchSize: 200 });
  for await (const r of abortable(cursor)) {
    if ((await applyToCounters(r)) === 'applied') applied++;
  }
  return applied;
}

/**
 * Step 4: drops from `recent` the ids of responses marked long enough ago (and of responses that
 * no longer exist), so a counter document holds only the ids of the last PRUNE_AFTER_MS.
 */
export async function prune(now = Date.now()): Promise<number> {
  const counters = await CounterModel.find({}, { recent: 1 }).lean<{ _id: string; recent?: string[] }[]>();
  const pruned = await pruneLists(counters, now, (id, done) =>
    CounterModel.updateOne({ _id: id }, { $pullAll: { recent: done } }).then(() => undefined),
  );
  // The cube's guards are pruned the same way (not counted in the result: same responses).
  const cube = await cubeRecentLists();
  const pulls = new Map(cube.map((d) => [d._id, d.pull]));
  await pruneLists(cube, now, (id, done) => pulls.get(id)!(done));
  return pruned;
}

async function pruneLists(
  docs: { _id: string; recent?: string[] }[],
  now: number,
  pull: (id: string, done: string[]) => Promise<void>,
): Promise<number> {
  const cutoff = now - PRUNE_AFTER_MS;
  let pruned = 0;
  // The counters collection is small (waves × regions): read it whole rather than query into arrays.
  for (const doc of docs) {
    if (!doc.recent?.length) continue;
    const marked = new Map(
      (
        await ResponseModel.find({ _id: { $in: doc.recent } }, { talliedAt: 1 }).lean<
          { _id: string; talliedAt: Date | null }[]
        >()
      ).map((r) => [r._id, r.talliedAt]),
    );
    const done = doc.recent.filter((id) => {
      if (!marked.has(id)) return true; // the response is gone
      const at = marked.get(id);
      return !!at && at.getTime() <= cutoff;
    });
    if (!done.length) continue;
    // $pullAll, not `$pull: { recent: { $in } }`: FerretDB v1 takes the latter as a literal value
    // and silently removes nothing (test/integration/tally-maintenance.test.ts).
    await pull(doc._id, done);
    pruned += done.length;
  }
  return pruned;
}

type Counts = Map<string, { n: number; c: Record<string, number> }>;

/** Progress and cancellation of a recount run as a job (see jobs/). */
/** Counts computed from the raw responses of a wave, the way the counters should hold them. */
export async function countFromResponses(
  wave: string,
  opts: RecountOptions = {},
  /** When given, the wave's cube is recounted into it in the same pass. */
  cube?: CubeRecount,
): Promise<Counts> {
  const out: Counts = new Map();
  // A long read (a job's, or GET …/tally/verify's).
  const done = await eachSource(wave, cube ? {} : { status: 'complete' }, opts, (r, variables) => {
    if (cube) addToRecount(cube, wave, variables, r);
    if ((r.status ?? 'complete') !== 'complete') return;
    const row = out.get(r.regionCode) ?? { n: 0, c: {} };
    row.n++;
    for (const k of Object.keys(contributionOf(variables, r.answers ?? {}))) row.c[k] = (row.c[k] ?? 0) + 1;
    out.set(r.regionCode, row);
  });
  await opts.onProgress?.(done);
  return out;
}

/** Completed responses per wave from the kept counters (wave lists: no count over responses). */
export async function respondentCounts(waves: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (!waves.length) return out;
  await tallySettled(waves);
  const docs = await CounterModel.find({ wave: { $in: waves } }, { wave: 1, n: 1 }).lean<
    { wave: string; n: number }[]
  >();
  for (const d of docs) out.set(d.wave, (out.get(d.wave) ?? 0) + (d.n ?? 0));
  return out;
}

/** The kept counters of a wave (the hot path: a few small documents). */
export async function readCounters(wave: string): Promise<Counts> {
  await tallySettled(wave);
  const docs = await CounterModel.find({ wave }, { region: 1, n: 1, c: 1 }).lean<
    { region: string; n: number; c: Record<string, number> }[]
  >();
  const out: Counts = new Map();
  for (const d of docs) if (d.n > 0) out.set(d.region, { n: d.n, c: d.c ?? {} });
  return out;
}

function sameCounts(a: { n: number; c: Record<string, number> }, b: { n: number; c: Record<string, number> }) {
  if (a.n !== b.n) return false;
  const keys = new Set([...Object.keys(a.c), ...Object.keys(b.c)]);
  for (const k of keys) if ((a.c[k] ?? 0) !== (b.c[k] ?? 0)) return false;
  return true;
}

/** Compares the kept counters with a recount from the raw responses; lists the regions that differ. */
export async function verifyCounters(
  wave: string,
  opts: RecountOptions = {},
): Promise<{ ok: boolean; regions: string[] }> {
  const cube = newRecount();
  const [kept, fresh] = await Promise.all([readCounters(wave), countFromResponses(wave, opts, cube)]);
  const regions = [...new Set([...kept.keys(), ...fresh.keys()])].filter(
    (r) => !sameCounts(kept.get(r) ?? { n: 0, c: {} }, fresh.get(r) ?? { n: 0, c: {} }),
  );
  // The cube is checked in the same pass: a region with a differing cell is listed too.
  for (const r of await verifyCube(wave, cube)) if (!regions.includes(r)) regions.push(r);
  return { ok: regions.length === 0, regions };
}

/**
 * Rebuilds a wave's counters from its raw responses: catches up unmarked responses, recounts,
 * and sets each region's counts (keeping its `recent` guard). Run it when the wave is quiet (a
 * response stored while the recount runs could be counted twice or not at all); it is the
 * repair tool, `verifyCounters` tells whether it is needed.
 */
export async function rebuildCounters(
  wave: string,
  opts: RecountOptions = {},
): Promise<{ regions: number; responses: number }> {
  await catchUp({ wave, graceMs: 0 });
  const cube = newRecount();
  const fresh = await countFromResponses(wave, opts, cube);
  opts.signal?.throwIfAborted();
  await writeCube(wave, cube);
  let responses = 0;
  for (const [region, { n, c }] of fresh) {
    responses += n;
    await CounterModel.updateOne(
      { _id: counterId(wave, region) },
      { $set: { wave, region, n, c, f: CUBE_FORMAT }, $setOnInsert: { recent: [] } },
      { upsert: true },
    );
  }
  const stale = (await CounterModel.find({ wave }, { region: 1 }).lean<{ _id: string; region: string }[]>()).filter(
    (d) => !fresh.has(d.region),
  );
  for (const d of stale) await CounterModel.updateOne({ _id: d._id }, { $set: { n: 0, c: {}, f: CUBE_FORMAT } });
  return { regions: fresh.size, responses };
}

const MAINTENANCE_LEASE = 'tally-maintenance';
const cubesChecked = new Set<string>();

/**
 * Waves counted before the cube existed have counters but no cube: the maintenance builds their
 * cube once (a rebuild of the wave). Checked once per wave and process.
 */
export async function buildMissingCubes(): Promise<string[]> {
  const counters = await CounterModel.find({}, { wave: 1, f: 1 }).lean<{ wave: string; f?: number }[]>();
  // A wave whose counters were all made by this format's code has its cube kept from its first
  // response on: a missing stamp means that response is still being applied (not a rebuild).
  const current = new Map<string, boolean>();
  for (const d of counters) current.set(d.wave, (current.get(d.wave) ?? true) && (d.f ?? 0) >= CUBE_FORMAT);
  const waves = [...current.keys()].filter((w) => !cubesChecked.has(w));
  const built: string[] = [];
  for (const wave of waves) {
    try {
      if (!(await cubeMissing(wave, current.get(wave)!))) {
        cubesChecked.add(wave);
        continue;
      }
      cubesChecked.add(wave);
      await rebuildCounters(wave);
      built.push(wave);
      logger.info({ wave }, 'cube built for a wave counted before the cube existed');
    } catch (err) {
      logger.warn({ wave, err: (err as Error).name }, 'cube not built; `npm run tally -- rebuild` will');
    }
  }
  return built;
}

/**
 * One maintenance pass (catch-up, then prune) if this instance holds the maintenance lease;
 * 'skipped' while another instance holds it. Both steps are idempotent, so a pass that overlaps
 * another (a lease that lapsed while its holder was still busy) is harmless, only wasted work.
 */
export async function maintainTally(
  leaseMs: number,
  holder = INSTANCE_ID,
  /** false: no full catch-up pass over the responses in this pass (see catchUp). */
  full = true,
): Promise<{ applied: number; pruned: number } | 'skipped'> {
  if (!(await claimLease(MAINTENANCE_LEASE, leaseMs, holder))) return 'skipped';
  await buildMissingCubes();
  const started = Date.now();
  if (!full) await flushMarks(); // (the full catch-up does it first)
  const applied = full ? await catchUp() : 0;
  const pruned = await prune();
  if (full) logger.info({ applied, pruned, ms: Date.now() - started }, 'tally full maintenance pass done');
  return { applied, pruned };
}

/**
 * Runs the maintenance pass every `everyMs` (TALLY_MAINTENANCE_MS), on one instance at a time:
 * the holder renews its lease on each pass and keeps it while alive; if it dies, another
 * instance takes over within two intervals. The full catch-up over the responses runs in the
 * first pass and then every `fullEveryMs` (TALLY_FULL_PASS_MS): on the embedded store it reads
 * every response (about 30 s of the store's time at 100,000, minutes at 1,000,000), and the
 * retry by `_id` of each pass already counts what failed in this process. Returns a stop
 * function (gives the lease up).
 */
export function startTallyMaintenance(
  everyMs = 60_000,
  /** The first pass waits for this (at start-up: the cubes' load, so the two do not compete for the store). */
  after: Promise<unknown> = Promise.resolve(),
  fullEveryMs = 60 * 60_000,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  let stopped = false;
  let lastFull = -Infinity;
  const tick = () => {
    if (running || stopped) return;
    running = (async () => {
      try {
        const retried = await retryFailed();
        if (retried) logger.info({ retried }, 'tally: failed counts retried');
        const full = Date.now() - lastFull >= fullEveryMs;
        if (full) lastFull = Date.now();
        const outcome = await maintainTally(2 * everyMs, INSTANCE_ID, full);
        if (outcome !== 'skipped' && (outcome.applied || outcome.pruned))
          logger.info(outcome, 'tally counters maintained');
      } catch (err) {
        logger.warn({ err: (err as Error).name }, 'tally maintenance failed; will retry');
      } finally {
        running = undefined;
      }
    })();
  };
  void after.catch(() => undefined).then(tick);
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
    await releaseLease(MAINTENANCE_LEASE).catch(() => undefined);
  };
}
