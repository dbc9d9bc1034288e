// The audit contract of a change: when the audit log cannot be written, the change still answers
// 2xx, and its record reaches the log exactly once later (the outbox sweep, audit/outbox.ts).
// The failure is injected into the one store call that writes the audit log, as in
// waves-contract.test.ts; the database itself is real.
import { AuditModel, AuditOutboxModel } from '../../server/src/audit/audit.model';
import { sweepOutbox } from '../../server/src/audit/outbox';

export type AuditFilter = { action: string; target?: string; actor?: string };
export type AuditDoc = { _id: string; action: string; actor: string; target: string; details: Record<string, unknown> };

/** From now until `auditLogBack`, every write to the audit log fails. */
export function auditLogDown(): void {
  jest.spyOn(AuditModel, 'updateOne').mockImplementation((() => {
    throw new Error('the audit collection is unavailable');
  }) as never);
}

/**
 * The audit log is back: the record of the change made meanwhile is not in it yet, the sweep
 * brings it, exactly once (a second sweep adds nothing), and the outbox is empty after.
 */
export async function expectRecordedOnceLater(filter: AuditFilter): Promise<AuditDoc> {
  jest.restoreAllMocks();
  expect(await AuditModel.countDocuments(filter)).toBe(0);
  expect(await sweepOutbox()).toBeGreaterThanOrEqual(1);
  expect(await sweepOutbox()).toBe(0);
  const docs = await AuditModel.find(filter).lean<AuditDoc[]>();
  expect(docs).toHaveLength(1);
  expect(await AuditOutboxModel.countDocuments({ _id: docs[0]._id })).toBe(0);
  return docs[0];
}

/** With the audit log up: the change left exactly one record at once (no sweep needed). */
export async function expectRecordedOnce(filter: AuditFilter): Promise<AuditDoc> {
  const docs = await AuditModel.find(filter).lean<AuditDoc[]>();
  expect(docs).toHaveLength(1);
  return docs[0];
}
