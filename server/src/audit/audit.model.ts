import { Schema, model } from 'mongoose';
import { keyedSchema, required } from '../db/schema';

const auditSchema = keyedSchema(
  {
    at: required(Date),
    actor: required(String),
    action: required(String),
    target: { type: String, default: '' },
    details: { type: Schema.Types.Mixed, default: {} },
  },
  {
    minimize: false,
    // The audit list newest first, and filtered by action.
    indexes: [{ at: -1 }, { action: 1, at: -1 }],
  },
);

export const AuditModel = model('AuditEntry', auditSchema, 'audit');

/** The `auditOutbox` path of a document whose changes are audited (audit/outbox.ts). */
export const auditOutboxPath = { type: Schema.Types.Mixed, default: undefined };

// The audit outbox (audit/outbox.ts): one entry per audited change that may not have reached the
// audit log yet. `kind` says where the record waits: `doc` in the changed document's own
// `auditOutbox` (written by the change itself; `modelKey` names the mongoose model), `gone` here until the document is deleted,
// `steps` here for a change of several documents (`state` pending → ready, or interrupted).
const outboxSchema = keyedSchema(
  {
    at: required(Date),
    kind: { type: String, enum: ['doc', 'gone', 'steps'], required: true },
    modelKey: { type: String, default: null },
    docId: { type: String, default: null },
    state: { type: String, default: null },
    entry: { type: Schema.Types.Mixed, default: null },
  },
  { minimize: false },
);

export const AuditOutboxModel = model('AuditOutboxEntry', outboxSchema, 'audit_outbox');
