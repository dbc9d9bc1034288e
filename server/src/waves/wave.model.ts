import { model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';
import { changeLog, keyedSchema, localizedText, required } from '../db/schema';
import { invalidateWaveCache } from './wave-cache';

// _id is the wave code (short, URL-safe): every respondent request looks the wave up by _id.
const waveSchema = keyedSchema(
  {
    title: localizedText(),
    questionnaireId: required(String),
    status: { type: String, enum: ['draft', 'open', 'closed', 'archived'], required: true },
    opensAt: { type: Date, default: null },
    closesAt: { type: Date, default: null },
    scope: { countries: [String], regions: [String] },
    access: { type: String, enum: ['public', 'invitation'], required: true },
    anonymous: required(Boolean),
    // The coordinator said this wave has no regional breakdown: answers without a region are
    // accepted (and a public wave may open on a questionnaire without a region question).
    noRegionalBreakdown: { type: Boolean, default: false },
    demo: { type: Boolean, default: false },
    createdAt: required(Date),
    updatedAt: { type: Date, default: null },
    clonedFrom: { type: String, default: null },
    // A clone whose invitation list is still being copied: the source's code (null when done).
    // A retry of the clone sees it and finishes the copy (waves/clone-wave.ts).
    pendingClone: { type: String, default: null },
    // Audit records of changes to this wave, written in the same update as the change and moved
    // to the audit log right after (audit/outbox.ts). Keyed by the audit record's id.
    auditOutbox: auditOutboxPath,
    // Lifecycle and edit log (a status change: from → to; an edit: the fields changed).
    history: changeLog({
      from: { type: String, default: null },
      to: { type: String, default: null },
      fields: { type: [String], default: undefined },
    }),
  },
  // Wave lists are newest first.
  { indexes: [{ createdAt: -1 }] },
);

// Any write to a wave through this model empties the per-process wave cache (wave-cache.ts), before
// and after the write, so no request of this process sees a wave older than the write.
const WRITES = [
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'findOneAndReplace',
  'findOneAndDelete',
  'replaceOne',
  'deleteOne',
  'deleteMany',
] as const;
waveSchema.pre([...WRITES], () => invalidateWaveCache());
waveSchema.post([...WRITES], () => invalidateWaveCache());
waveSchema.pre('save', () => invalidateWaveCache());
waveSchema.post('save', () => invalidateWaveCache());
waveSchema.pre('insertMany', () => invalidateWaveCache());

export const WaveModel = model('Wave', waveSchema, 'waves');
