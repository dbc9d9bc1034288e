// The audit contract of a change: when the audit log cannot be written, the change still answers
// 2xx, and its record reaches the log exactly once later (the outbox sweep, audit/outbox.ts).
// The failure is injected into the one store call that writes the audit log, as in
// waves-contract.test.ts; the database itself is real.
import { AuditModel, AuditOutboxModel } from '../../server/src/audit/audit.model';
import { sweepOutbox } from '../../server/src/audit/outbox';
import type { Role } from '../../server/src/auth/roles';
import { InvitationModel } from '../../server/src/invitations/invitation.model';
import { useAgent, useTestApp } from './app';
import type { TestAgent } from './auth';

export type AuditFilter = { action: string; target?: string; actor?: string };
export type AuditDoc = { _id: string; action: string; actor: string; target: string; details: Record<string, unknown> };

/**
 * The frame of an audit contract test: the app on a database of the file's own without demo data
 * (useTestApp), a caller signed in with `roles` (useAgent), and the faults injected by a test
 * (auditLogDown and any other jest spy) undone after it.
 */
export function useContractApp(roles: Role[]): { app: ReturnType<typeof useTestApp>; agent: TestAgent } {
  const app = useTestApp({ demo: false });
  const agent = useAgent(app, roles);
  afterEach(() => jest.restoreAllMocks());
  return { app, agent };
}

/**
 * From now on the store answers the first call of InvitationModel.updateOne and fails on the
 * second (a list of invitations written one by one is cut short after its first one).
 */
export function invitationWritesFailOnSecond(): void {
  const realUpdateOne = InvitationModel.updateOne.bind(InvitationModel);
  let calls = 0;
  jest.spyOn(InvitationModel, 'updateOne').mockImplementation(((...args: Parameters<typeof realUpdateOne>) => {
    if (++calls === 2) throw new Error('the store went away');
    return realUpdateOne(...args);
  }) as never);
}

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
