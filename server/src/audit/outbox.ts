// The audit record of a change is written with the change, through one outbox for every feature.
//
// Before a change, the service puts an entry into the `audit_outbox` collection (`prepareAudit`,
// `prepareDeletionAudit`, `beginAudit`); if that fails, nothing has changed yet. Then:
// - a change of one document carries its record in the same update, in the document's own
//   `auditOutbox` (`step.set` for a `$set`, `step.doc` for a document being created), so a crash
//   cannot leave the change unaudited;
// - a deletion keeps the record in the outbox entry; it counts once the document is gone;
// - a change of several documents (an import, issuing links) marks the entry ready with its
//   result when done (`commit`); one cut short is recorded as `interrupted` (its steps are
//   idempotent: a retry finishes them and is recorded on its own).
// Then `flush` moves the record to the audit log. Moving is idempotent (each entry keeps its id),
// and a failure only delays it: the sweep (`sweepOutbox`, at start-up and every minute) finishes
// it. So the caller never answers 500 for a change that happened because the audit write failed.
import { randomUUID } from 'node:crypto';
import mongoose, { type Model } from 'mongoose';
import { AuditModel, AuditOutboxModel } from './audit.model';
import type { AuditAction, AuditEntry } from './audit.service';
import { logger } from '../logger';

/** An audit record still to be written: an entry of the log before it has an id. */
export type PendingAudit = Omit<AuditEntry, 'id' | 'action'> & { action: AuditAction };

/** Outbox entries by id (uuids: no `.`, no `$`), as stored in a document. */
export type AuditOutbox = Record<string, PendingAudit>;

// Any model whose documents have `_id: string` and an `auditOutbox` path.
type OutboxModel = Model<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

type OutboxRow = {
  _id: string;
  at: Date;
  kind: 'doc' | 'gone' | 'steps';
  modelKey: string | null;
  docId: string | null;
  state: 'pending' | 'ready' | 'interrupted' | null;
  entry: PendingAudit | null;
};

/** How long an outbox entry whose change is not (yet) seen is kept before it counts as never made. */
export const OUTBOX_GRACE_MS = 10 * 60 * 1000;

/**
 * The `$set` members that add an entry to a document's outbox. `id` makes the entry's identity
 * (and its audit record's `_id`) stable when the same step may be replayed.
 */
export function outboxSet(entry: PendingAudit, id: string = randomUUID()): Record<string, PendingAudit> {
  return { [`auditOutbox.${id}`]: entry };
}

/** The same entry as a whole outbox, for a document written with `$setOnInsert`. */
export function outboxOf(entry: PendingAudit, id: string = randomUUID()): AuditOutbox {
  return { [id]: entry };
}

export type AuditStep = {
  id: string;
  /** `$set` members for the update that makes the change. */
  set: Record<string, PendingAudit>;
  /** The `auditOutbox` of a document the change creates. */
  doc: AuditOutbox;
  /** Moves the record to the audit log; never throws. */
  flush: () => Promise<void>;
  /** The change was refused (nothing written): drops the announcement; never throws. */
  cancel: () => Promise<void>;
};

/** Drops an outbox entry whose change did not happen (else the sweep drops it after the grace time). */
async function drop(id: string): Promise<void> {
  try {
    await AuditOutboxModel.deleteOne({ _id: id });
  } catch (err) {
    logger.warn({ err, id }, 'audit outbox entry of a change that did not happen not removed; the sweep will');
  }
}

/**
 * Announces the audited change of one document (`docId` of `model`); the change then writes
 * `set` (or `doc`) in its own update, and calls `flush`. `id` fixes the record's identity for a
 * step that may be replayed.
 */
export async function prepareAudit(
  model: OutboxModel,
  docId: string,
  entry: PendingAudit,
  id: string = randomUUID(),
): Promise<AuditStep> {
  await AuditOutboxModel.updateOne(
    { _id: id },
    { $setOnInsert: { at: new Date(), kind: 'doc', modelKey: model.modelName, docId, state: null, entry: null } },
    { upsert: true },
  );
  return {
    id,
    set: outboxSet(entry, id),
    doc: outboxOf(entry, id),
    flush: () => flushOutbox(model, docId),
    cancel: () => drop(id),
  };
}

/**
 * Announces the deletion of one document: its record counts once the document is gone. `cancel`
 * when nothing was deleted (so a later deletion is not recorded twice); it never throws.
 */
export async function prepareDeletionAudit(
  model: OutboxModel,
  docId: string,
  entry: PendingAudit,
): Promise<{ flush: () => Promise<void>; cancel: () => Promise<void> }> {
  const id = randomUUID();
  await AuditOutboxModel.create({ _id: id, at: new Date(), kind: 'gone', modelKey: model.modelName, docId, entry });
  return { flush: () => flushOutbox(model, docId), cancel: () => drop(id) };
}

export type AuditSteps = {
  /** The change is done: its record (with these details added) goes to the audit log. Never throws. */
  commit: (details?: Record<string, unknown>) => Promise<void>;
  /** The change was cut short after some of its steps: recorded as interrupted. Never throws. */
  interrupted: () => Promise<void>;
  /** The change was undone (or never began): no record. Never throws. */
  cancel: () => Promise<void>;
};

/** Announces a change of several documents; `commit` it when done (or use `audited`). */
export async function beginAudit(entry: PendingAudit): Promise<AuditSteps> {
  const id = randomUUID();
  await AuditOutboxModel.create({ _id: id, at: new Date(), kind: 'steps', state: 'pending', entry });
  const settle = async (state: 'ready' | 'interrupted', details: Record<string, unknown>) => {
    try {
      await AuditOutboxModel.updateOne(
        { _id: id, state: 'pending' },
        { $set: { state, entry: { ...entry, details: { ...entry.details, ...details } } } },
      );
      await moveFree(id);
    } catch (err) {
      logger.warn({ err, id }, 'audit outbox entry not settled yet; kept for the sweep');
    }
  };
  const cancel = async () => {
    try {
      await AuditOutboxModel.deleteOne({ _id: id, state: 'pending' });
    } catch (err) {
      logger.warn(
        { err, id },
        'audit outbox entry of an undone change not removed; the sweep records it as interrupted',
      );
    }
  };
  return {
    commit: (details = {}) => settle('ready', details),
    interrupted: () => settle('interrupted', { interrupted: true }),
    cancel,
  };
}

/**
 * Runs a change of several documents with its audit record: the record says what `run` returned
 * (`details` picks the members), or that it was interrupted when `run` threw.
 */
export async function audited<T>(
  entry: PendingAudit,
  run: () => Promise<T>,
  details: (result: T) => Record<string, unknown>,
): Promise<T> {
  const steps = await beginAudit(entry);
  let result: T;
  try {
    result = await run();
  } catch (err) {
    await steps.interrupted();
    throw err;
  }
  await steps.commit(details(result));
  return result;
}

/**
 * An audited event that changes no document of its own (a failed log-in, a mail's outcome): into
 * the outbox, then to the audit log; a failed move waits for the sweep.
 */
export async function recordEvent(entry: PendingAudit): Promise<void> {
  const id = randomUUID();
  await AuditOutboxModel.create({ _id: id, at: new Date(), kind: 'steps', state: 'ready', entry });
  try {
    await moveFree(id);
  } catch (err) {
    logger.warn({ err, id }, 'audit record not moved yet; kept for the sweep');
  }
}

/** Writes one record into the audit log by its id: twice is once. */
async function writeRecord(id: string, e: PendingAudit): Promise<void> {
  await AuditModel.updateOne(
    { _id: id },
    {
      $setOnInsert: {
        at: e.at,
        actor: e.actor,
        action: e.action,
        target: e.target ?? '',
        details: e.details ?? {},
      },
    },
    { upsert: true },
  );
}

/** Moves a ready (or interrupted) entry of a change of several documents. */
async function moveFree(id: string): Promise<number> {
  const row = await AuditOutboxModel.findById(id).lean<OutboxRow>();
  if (!row?.entry || (row.state !== 'ready' && row.state !== 'interrupted')) return 0;
  await writeRecord(id, row.entry);
  await AuditOutboxModel.deleteOne({ _id: id });
  return 1;
}

/** Writes the pending entries into the audit log, then removes them from the document and the outbox. */
async function move(model: OutboxModel, docId: string, outbox: AuditOutbox): Promise<number> {
  const ids = Object.keys(outbox);
  for (const id of ids) await writeRecord(id, outbox[id]);
  if (ids.length) {
    await model.updateOne({ _id: docId }, { $unset: Object.fromEntries(ids.map((id) => [`auditOutbox.${id}`, ''])) });
    await AuditOutboxModel.deleteMany({ _id: { $in: ids } });
  }
  return ids.length;
}

/** Moves every record waiting for one document: in its outbox, or (once it is gone) for its deletion. */
async function settleDoc(model: OutboxModel, docId: string): Promise<number> {
  const doc = await model.findById(docId, { auditOutbox: 1 }).lean<{ auditOutbox?: AuditOutbox }>();
  if (doc) return doc.auditOutbox ? move(model, docId, doc.auditOutbox) : 0;
  const gone = await AuditOutboxModel.find({ kind: 'gone', modelKey: model.modelName, docId }).lean<OutboxRow[]>();
  for (const row of gone) {
    await writeRecord(row._id, row.entry!);
    await AuditOutboxModel.deleteOne({ _id: row._id });
  }
  return gone.length;
}

/**
 * Flushes what waits for one document. Never throws: a failure is logged and the records wait for
 * the sweep (the change itself has been made and recorded with it).
 */
export async function flushOutbox(model: OutboxModel, docId: string): Promise<void> {
  try {
    await settleDoc(model, docId);
  } catch (err) {
    logger.warn({ err, collection: model.collection.name, id: docId }, 'audit outbox not flushed yet; kept for later');
  }
}

/**
 * Every entry of the outbox reaches the audit log: at start-up and on a schedule. An entry whose
 * change is still not seen after OUTBOX_GRACE_MS (the change failed before it was written) is
 * dropped; a change of several documents still pending then is recorded as interrupted. Returns
 * how many records moved. Any instance may sweep at any time: every step is idempotent.
 */
export async function sweepOutbox(now = new Date()): Promise<number> {
  const rows = await AuditOutboxModel.find({}).lean<OutboxRow[]>();
  const old = (r: OutboxRow) => now.getTime() - r.at.getTime() > OUTBOX_GRACE_MS;
  let moved = 0;
  const docs = new Map<string, { model: OutboxModel; docId: string }>();
  for (const r of rows) {
    try {
      if (r.kind === 'steps') {
        if (r.state === 'pending' && old(r)) {
          await AuditOutboxModel.updateOne(
            { _id: r._id, state: 'pending' },
            { $set: { state: 'interrupted', 'entry.details.interrupted': true } },
          );
        }
        moved += await moveFree(r._id);
        continue;
      }
      const model = r.modelKey ? mongoose.models[r.modelKey] : undefined;
      if (!model || !r.docId) {
        logger.warn({ id: r._id, model: r.modelKey }, 'audit outbox entry for an unknown model; left as it is');
        continue;
      }
      docs.set(`${r.modelKey}\u0000${r.docId}`, { model, docId: r.docId });
    } catch (err) {
      logger.warn({ err, id: r._id }, 'audit outbox entry not moved yet; kept for the next sweep');
    }
  }
  for (const { model, docId } of docs.values()) {
    try {
      moved += await settleDoc(model, docId);
    } catch (err) {
      logger.warn({ err, collection: model.collection.name, id: docId }, 'audit outbox not flushed yet');
    }
  }
  // What is left of `doc` and `gone` entries is for changes not (yet) made: kept for a while, then dropped.
  const stale = rows.filter((r) => r.kind !== 'steps' && old(r)).map((r) => r._id);
  if (stale.length) {
    const left = await AuditOutboxModel.find({ _id: { $in: stale } }, { _id: 1 }).lean<{ _id: string }[]>();
    for (const { _id } of left) {
      const r = rows.find((x) => x._id === _id)!;
      const model = mongoose.models[r.modelKey!];
      const doc = await model?.findById(r.docId, { auditOutbox: 1 }).lean<{ auditOutbox?: AuditOutbox }>();
      // Still in the document's outbox, or its document gone: a failed move, kept for the next sweep.
      if (r.kind === 'doc' ? doc?.auditOutbox?.[_id] : !doc) continue;
      await AuditOutboxModel.deleteOne({ _id });
    }
  }
  return moved;
}

/** Sweeps the outbox every `everyMs` (unref'd); returns the stop function. */
export function startOutboxSweep(everyMs = 60_000): () => void {
  const timer = setInterval(() => {
    sweepOutbox().catch((err: unknown) => logger.warn({ err }, 'audit outbox sweep failed'));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * Flushes every document outbox of a collection by reading the collection (records written
 * before the outbox entries existed; tests). Returns how many records moved.
 */
export async function flushAllOutboxes(model: OutboxModel): Promise<number> {
  const docs = await model
    .find({ auditOutbox: { $exists: true } }, { auditOutbox: 1 })
    .lean<{ _id: string; auditOutbox?: AuditOutbox }[]>();
  let moved = 0;
  for (const d of docs) if (d.auditOutbox) moved += await move(model, d._id, d.auditOutbox);
  return moved;
}
