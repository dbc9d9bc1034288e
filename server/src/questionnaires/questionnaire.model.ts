import { Schema, model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';
import { keyedSchema, localizedText, required } from '../db/schema';

// _id is `<key>@<version>`: lookups by id are the hot path (FerretDB pushes down only _id).
// The definition is stored as the exact JSON text: immutable, and free of key restrictions.
const questionnaireSchema = keyedSchema(
  {
    key: required(String),
    version: required(Number),
    title: localizedText(),
    definitionJson: required(String),
    hash: required(String),
    source: { type: String, enum: ['file', 'upload'], required: true },
    createdAt: required(Date),
    // The roles of questions (roles.ts): role → question value name. Proposed by the file's
    // `lsgRole` properties at upload, changed in the library until a wave opens on the version;
    // then `rolesLocked` is set and they never change again.
    roles: { type: Schema.Types.Mixed, default: undefined },
    rolesLocked: { type: Boolean, default: false },
    // Audit records of its upload and role changes on their way to the audit log (audit/outbox.ts).
    auditOutbox: auditOutboxPath,
  },
  { indexes: [{ key: 1, version: -1 }] },
);

export const QuestionnaireModel = model('Questionnaire', questionnaireSchema, 'questionnaires');
