import { Schema, model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';

// One municipal practice of inter-municipal cooperation: what was done, by whom, against which
// obstacles. _id is the practice's stable address (`/practices/<id>`). Every change is one
// single-document update guarded by `version`, which also $pushes its record into `history`.
const practiceSchema = new Schema(
  {
    _id: { type: String, required: true },
    version: { type: Number, required: true },
    status: { type: String, enum: ['draft', 'published'], required: true },
    /** Language the texts are written in (ru, uk or en). */
    language: { type: String, required: true },
    title: { type: String, required: true },
    problem: { type: String, default: '' },
    actions: { type: String, default: '' },
    results: { type: String, default: '' },
    municipalities: { type: [String], default: [] },
    municipalityCount: { type: Number, default: null },
    country: { type: String, default: '' },
    regions: { type: [String], default: [] },
    municipalityTypes: { type: [String], default: [] },
    sizeClasses: { type: [String], default: [] },
    obstacles: { type: [String], default: [] },
    forms: { type: [String], default: [] },
    fields: { type: [String], default: [] },
    yearFrom: { type: Number, default: null },
    yearTo: { type: Number, default: null },
    source: { type: String, default: '' },
    contact: { type: String, default: '' },
    attachments: { type: [{ _id: false, title: String, url: String }], default: [] },
    // The contest jury's criteria, scored 0–5 by an editor (null: not yet scored).
    review: {
      uniqueness: { type: Number, default: null },
      typicalProblem: { type: Number, default: null },
      replicability: { type: Number, default: null },
      note: { type: String, default: '' },
    },
    origin: {
      kind: { type: String, enum: ['manual', 'import', 'call'], required: true },
      waveCode: { type: String, default: null },
      responseId: { type: String, default: null },
    },
    /** Lower-case, normalised text of every searchable field (the embedded store's search). */
    searchText: { type: String, default: '' },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    publishedAt: { type: Date, default: null },
    history: {
      type: [
        {
          _id: false,
          at: { type: Date, required: true },
          by: { type: String, required: true },
          action: { type: String, required: true },
          version: { type: Number, required: true },
          /** The changed fields with their values before the change. */
          before: { type: Schema.Types.Mixed, default: {} },
        },
      ],
      default: [],
    },
    // Audit records of its changes on their way to the audit log (audit/outbox.ts).
    auditOutbox: auditOutboxPath,
  },
  { versionKey: false, minimize: false },
);

// The public list: published practices, newest first; the editors' list by last change.
practiceSchema.index({ status: 1, publishedAt: -1 });
practiceSchema.index({ updatedAt: -1 });

export const PracticeModel = model('Practice', practiceSchema, 'practices');
