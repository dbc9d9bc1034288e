import { Schema, model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';
import { keyedSchema, required } from '../db/schema';

// A wave's published results: one document per wave (`_id` = wave code). `snapshot` holds the
// public aggregates as JSON text (question names are not safe as field names) with the cube
// version they were built from (`stamp`), so a read serves it as long as no answer has changed.
const publicationSchema = keyedSchema({
  k: required(Number),
  publishedAt: required(Date),
  publishedBy: required(String),
  questionnaireKey: required(String),
  snapshot: {
    type: new Schema({ stamp: required(String), builtAt: required(Date), json: String }, { _id: false }),
    default: null,
  },
  // Audit records of its publication on their way to the audit log (audit/outbox.ts).
  auditOutbox: auditOutboxPath,
});
export const PublicationModel = model('Publication', publicationSchema, 'publications');
