// Only one app instance at a time runs a periodic pass: it claims the pass's lease document with
// one conditional findOneAndUpdate (no projection, as FerretDB v1 requires), which succeeds for
// exactly one caller while the lease is free or lapsed. A holder that dies frees it at `until`.
import { randomUUID } from 'node:crypto';
import { LeaseModel } from './lease.model';

/** This process's identity as a lease holder. */
export const INSTANCE_ID: string = randomUUID();

/** Claims the lease `name` for `forMs`; true when this holder has it now. */
export async function claimLease(
  name: string,
  forMs: number,
  holder = INSTANCE_ID,
  now = new Date(),
): Promise<boolean> {
  // Make sure the document exists (a lapsed, unheld lease) without relying on duplicate-key errors.
  await LeaseModel.updateOne({ _id: name }, { $setOnInsert: { holder: '', until: new Date(0) } }, { upsert: true });
  const doc = await LeaseModel.findOneAndUpdate(
    { _id: name, $or: [{ until: { $lte: now } }, { holder }] },
    { $set: { holder, until: new Date(now.getTime() + forMs) } },
    { new: true },
  ).lean<{ holder: string }>();
  return doc?.holder === holder;
}

/** Gives the lease up early (only if this holder still has it). */
export async function releaseLease(name: string, holder = INSTANCE_ID): Promise<void> {
  await LeaseModel.updateOne({ _id: name, holder }, { $set: { until: new Date(0) } });
}
