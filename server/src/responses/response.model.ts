import { Schema, model } from 'mongoose';
import { keyedSchema, required } from '../db/schema';

// _id is the client-generated id of the submission: a retried submit finds the same _id and
// is stored once. The analysis dimensions are copied out of the answers at submit time so
// tallies never have to interpret answers again.
const responseSchema = keyedSchema(
  {
    waveCode: required(String),
    questionnaireId: required(String),
    status: { type: String, enum: ['complete'], required: true },
    answers: required(Schema.Types.Mixed),
    regionCode: required(String),
    municipality: { type: String, default: '' },
    municipalityType: { type: String, default: '' },
    sizeClass: { type: String, default: '' },
    respondentRole: { type: String, default: '' },
    obstacles: { type: [String], default: [] },
    locale: required(String),
    startedAt: { type: Date, default: null },
    submittedAt: required(Date),
    // The invitation answered through (invitation links of non-anonymous waves only).
    invitationId: { type: String, default: null },
    // Set once the response is counted in the kept tally counters (analytics/counters.service.ts).
    talliedAt: { type: Date, default: null },
  },
  {
    minimize: false,
    indexes: [
      { waveCode: 1, submittedAt: 1 },
      // The region page reads one region of a wave.
      { waveCode: 1, regionCode: 1 },
      // The tally catch-up looks for responses not yet counted (talliedAt null), oldest first.
      { talliedAt: 1, submittedAt: 1 },
    ],
  },
);

export const ResponseModel = model('Response', responseSchema, 'responses');
