// The audit record of a change is written with the change: the service puts it into the changed
// document's `auditOutbox` in the same single-document update (so a crash cannot leave a change
// unaudited), then moves it to the audit log. Moving is idempotent (each entry keeps its id), and
// a failure only delays it: the next change of that document, or the sweep at start-up, finishes
// it. The caller never answers 500 for a change that happened because the audit write failed.
import { randomUUID } from 'node:crypto';
import type { Model } from 'mongoose';
import { AuditModel } from './audit.model';
import type { AuditAction } from './audit.service';
import { logger } from '../logger';

export type PendingAudit = {
  at: Date;
  actor: string;
  action: AuditAction;
  target: string;
  details: Record<string, unknown>;
};

/** Outbox entries by id (uuids: no `.`, no `$`), as stored in a document. */
export type AuditOutbox = Record<string, PendingAudit>;

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

// Any model whose documents have `_id: string` and an `auditOutbox` path.
type OutboxModel = Model<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Writes the pending entries into the audit log (by id, so twice is once), then removes them from the document. */
async function move(model: OutboxModel, docId: string, outbox: AuditOutbox): Promise<number> {
  const ids = Object.keys(outbox);
  for (const id of ids) {
    const e = outbox[id];
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
  if (ids.length) {
    await model.updateOne({ _id: docId }, { $unset: Object.fromEntries(ids.map((id) => [`auditOutbox.${id}`, ''])) });
  }
  return ids.length;
}

/**
 * Flushes one document's outbox. Never throws: a failure is logged and the entries wait for the
 * next flush (the change itself has been made and recorded in the document).
 */
export async function flushOutbox(model: OutboxModel, docId: string): Promise<void> {
  try {
    const doc = await model.findById(docId, { auditOutbox: 1 }).lean<{ auditOutbox?: AuditOutbox }>();
    if (doc?.auditOutbox) await move(model, docId, doc.auditOutbox);
  } catch (err) {
    logger.warn({ err, collection: model.collection.name, id: docId }, 'audit outbox not flushed yet; kept for later');
  }
}

/** At start-up (and whenever asked): flushes every outbox of a collection. Returns how many entries moved. */
export async function flushAllOutboxes(model: OutboxModel): Promise<number> {
  const docs = await model
    .find({ auditOutbox: { $exists: true } }, { auditOutbox: 1 })
    .lean<{ _id: string; auditOutbox?: AuditOutbox }[]>();
  let moved = 0;
  for (const d of docs) if (d.auditOutbox) moved += await move(model, d._id, d.auditOutbox);
  return moved;
}
