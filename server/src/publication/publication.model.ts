import { Schema, model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';

// A wave's published results: one document per wave (`_id` = wave code). `snapshot` holds the
// public aggregates as JSON text (question names are not safe as field names) with the cube
// version they were built from (`stamp`), so a read serves it as long as no answer has changed.
const publicationSchema = new Schema(
  {
    _id: { type: String, required: true },
    k: { type: Number, required: true },
    publishedAt: { type: Date, required: true },
    publishedBy: { type: String, required: true },
    questionnaireKey: { type: String, required: true },
    snapshot: {
      type: new Schema(
        { stamp: { type: String, required: true }, builtAt: { type: Date, required: true }, json: String },
        { _id: false },
      ),
      default: null,
    },
    // Audit records of its publication on their way to the audit log (audit/outbox.ts).
    auditOutbox: auditOutboxPath,
  },
  { versionKey: false },
);
export const PublicationModel = model('Publication', publicationSchema, 'publications');
