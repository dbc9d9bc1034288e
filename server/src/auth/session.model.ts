import { model } from 'mongoose';
import { keyedSchema, required, sweptBy } from '../db/schema';

// _id is the sha256 of the session cookie value: the cookie alone is useless in a database dump.
// Expiry is enforced by the app on every read and by a periodic sweep (no TTL index: the
// embedded store has none).
const sessionSchema = keyedSchema(
  {
    userId: required(String),
    csrfToken: required(String),
    createdAt: required(Date),
    expiresAt: required(Date),
    // The user's passwordChangedAt when the session began: a password change ends the session.
    passwordAt: { type: Date, default: null },
  },
  // Ending a user's sessions (password change, disable) and the expiry sweep query by these.
  { indexes: [{ userId: 1 }, sweptBy('expiresAt')] },
);

export const SessionModel = model('Session', sessionSchema, 'sessions');
