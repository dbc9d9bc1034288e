import { Schema, model } from 'mongoose';
import { keyedSchema, required } from '../db/schema';

// Kept tally counts: one document per wave × region, `_id` = `<wave>|<region>`, so the hot read
// (a wave's tally) touches a few small documents whatever the number of responses.
//   n        completed responses counted
//   c        counts by key: `<variable>=<value>` (respondents who chose the value) and
//            `<variable>#` (respondents who answered the variable); keys are escaped (see keys.ts)
//   recent   ids of responses applied recently: the idempotency guard of apply (see counters.service.ts)
//   f        the cube format of the code that made the document (absent: made before the cube, or
//            by an older format): a wave whose counters all carry the current one and that has no
//            cube stamp yet is having its first response applied, not waiting for a rebuild
const counterSchema = keyedSchema(
  {
    wave: required(String),
    region: required(String),
    n: required(Number),
    c: required(Schema.Types.Mixed),
    recent: { type: [String], default: [] },
    f: { type: Number },
  },
  { minimize: false, indexes: [{ wave: 1 }] },
);

export const CounterModel = model('TallyCounter', counterSchema, 'tallycounters');

// The marks of a counted group not yet written on its responses (counters.service.ts): one
// insert per group instead of an update of each of its responses on the submissions' path.
// The maintenance writes them (`talliedAt`) and deletes the document within a minute or so.
//   ids      the responses the group counted
//   at       when the group was counted
const tallyMarkSchema = keyedSchema({ ids: { type: [String], default: [] }, at: required(Date) });
export const TallyMarkModel = model('TallyMark', tallyMarkSchema, 'tallymarks');
