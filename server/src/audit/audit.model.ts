import { Schema, model } from 'mongoose';

const auditSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    target: { type: String, default: '' },
    details: { type: Schema.Types.Mixed, default: {} },
  },
  { versionKey: false, minimize: false },
);
auditSchema.index({ at: -1 });
// The audit list filtered by action, newest first.
auditSchema.index({ action: 1, at: -1 });

export const AuditModel = model('AuditEntry', auditSchema, 'audit');
