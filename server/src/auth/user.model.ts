import { Schema, model } from 'mongoose';

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
  },
  { versionKey: false },
);

export const UserModel = model('User', userSchema, 'users');
