import { model } from 'mongoose';
import { keyedSchema, required } from './schema';

// A lease: one document per periodic task (`_id` = the task's name) claimed by one app instance
// at a time with a conditional findOneAndUpdate (see lease.ts). `until` is when the claim lapses
// if its holder dies without releasing it.
export const LeaseModel = model('Lease', keyedSchema({ holder: required(String), until: required(Date) }), 'leases');
