import { model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';
import { keyedSchema, required } from '../db/schema';

// _id is the normalised (lower-case) e-mail: logins look users up by _id.
const userSchema = keyedSchema({
  name: { type: String, default: '' },
  roles: { type: [String], required: true },
  passwordHash: required(String),
  disabled: { type: Boolean, default: false },
  createdAt: required(Date),
  passwordChangedAt: required(Date),
  // Audit records of changes to this user on their way to the audit log (audit/outbox.ts).
  auditOutbox: auditOutboxPath,
});

export const UserModel = model('User', userSchema, 'users');
