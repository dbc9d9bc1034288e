import { Schema, model } from 'mongoose';

// A lease: one document per periodic task (`_id` = the task's name) claimed by one app instance
// at a time with a conditional findOneAndUpdate (see lease.ts). `until` is when the claim lapses
// if its holder dies without releasing it.
const leaseSchema = new Schema(
  {
    _id: { type: String, required: true },
    holder: { type: String, required: true },
    until: { type: Date, required: true },
  },
  { versionKey: false },
);

export const LeaseModel = model('Lease', leaseSchema, 'leases');
