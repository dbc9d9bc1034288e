import { Schema, model } from 'mongoose';

// _id is the client-generated id of the submission: a retried submit finds the same _id and
// is stored once. The analysis dimensions are copied out of the answers at submit time so
// tallies never have to interpret answers again.
const responseSchema = new Schema(
  {
    _id: { type: String, required: true },
    waveCode: { type: String, required: true },
    questionnaireId: { type: String, required: true },
    status: { type: String, enum: ['complete'], required: true },
    answers: { type: Schema.Types.Mixed, required: true },
    regionCode: { type: String, required: true },
    municipality: { type: String, default: '' },
    municipalityType: { type: String, default: '' },
    sizeClass: { type: String, default: '' },
    respondentRole: { type: String, default: '' },
    obstacles: { type: [String], default: [] },
    locale: { type: String, required: true },
    startedAt: { type: Date, default: null },
    submittedAt: { type: Date, required: true },
    // The invitation answered through (invitation links of non-anonymous waves only).
    invitationId: { type: String, default: null },
    // Set once the response is counted in the kept tally counters (analytics/counters.service.ts).
    talliedAt: { type: Date, default: null },
  },
  { versionKey: false, minimize: false },
);
responseSchema.index({ waveCode: 1, submittedAt: 1 });
// The region page reads one region of a wave.
responseSchema.index({ waveCode: 1, regionCode: 1 });
// The tally catch-up looks for responses not yet counted (talliedAt null), oldest first.
responseSchema.index({ talliedAt: 1, submittedAt: 1 });

export const ResponseModel = model('Response', responseSchema, 'responses');
