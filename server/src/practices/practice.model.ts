import { Schema, model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';
import { changeLog, keyedSchema, required } from '../db/schema';

// One municipal practice of inter-municipal cooperation: what was done, by whom, against which
// obstacles. _id is the practice's stable address (`/practices/<id>`). Every change is one
// single-document update guarded by `version`, which also $pushes its record into `history`.
const practiceSchema = keyedSchema(
  {
    version: required(Number),
    status: { type: String, enum: ['draft', 'published'], required: true },
    /** Language the texts are written in (ru, uk or en). */
    language: required(String),
    title: required(String),
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
    createdAt: required(Date),
    updatedAt: required(Date),
    publishedAt: { type: Date, default: null },
    history: changeLog({
      version: required(Number),
      /** The changed fields with their values before the change. */
      before: { type: Schema.Types.Mixed, default: {} },
    }),
    // Audit records of its changes on their way to the audit log (audit/outbox.ts).
    auditOutbox: auditOutboxPath,
  },
  {
    minimize: false,
    // The public list: published practices, newest first; the editors' list by last change.
    indexes: [{ status: 1, publishedAt: -1 }, { updatedAt: -1 }],
  },
);

export const PracticeModel = model('Practice', practiceSchema, 'practices');
