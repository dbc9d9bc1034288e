import { Schema, model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';

// _id is the normalised (lower-case) e-mail: logins look users up by _id.
const userSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, default: '' },
    roles: { type: [String], required: true },
    passwordHash: { type: String, required: true },
    disabled: { type: Boolean, default: false },
    createdAt: { type: Date, required: true },
    passwordChangedAt: { type: Date, required: true },
    // Audit records of changes to this user on their way to the audit log (audit/outbox.ts).
    auditOutbox: auditOutboxPath,
  },
  { versionKey: false },
);

export const UserModel = model('User', userSchema, 'users');
