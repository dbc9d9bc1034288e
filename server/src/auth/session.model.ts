import { Schema, model } from 'mongoose';

// _id is the sha256 of the session cookie value: the cookie alone is useless in a database dump.
// Expiry is enforced by the app on every read and by a periodic sweep (no TTL index: the
// embedded store has none).
const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: String, required: true },
    csrfToken: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    // The user's passwordChangedAt when the session began: a password change ends the session.
    passwordAt: { type: Date, default: null },
  },
  { versionKey: false },
);

// Ending a user's sessions (password change, disable) and the expiry sweep query by these.
sessionSchema.index({ userId: 1 });
sessionSchema.index({ expiresAt: 1 });

export const SessionModel = model('Session', sessionSchema, 'sessions');
