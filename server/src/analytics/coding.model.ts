import { model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';
import { keyedSchema, localizedText, required } from '../db/schema';

// A researcher's code for one "other (specify)" answer. `_id` = `<wave>|<response>|<variable>`:
// one code per answer, set and changed by a single-document upsert. The response's region and
// chosen values are copied in (responses never change after submit), so the kept counts can be
// adjusted at read time without touching the responses.
const otherCodingSchema = keyedSchema(
  {
    wave: required(String),
    responseId: required(String),
    variable: required(String),
    region: required(String),
    chosen: { type: [String], default: [] },
    // The response's cube cell (the other dimensions; absent on codings made before the cube).
    municipalityType: { type: String },
    sizeClass: { type: String },
    respondentRole: { type: String },
    status: { type: String },
    code: required(String),
    codedBy: { type: String, default: '' },
    codedAt: required(Date),
  },
  { indexes: [{ wave: 1 }] },
);
export const OtherCodingModel = model('OtherCoding', otherCodingSchema, 'othercodings');

// Codes researchers add for a variable when an "other" answer fits none of the offered ones.
// `_id` = `<wave>|<variable>|<code>`.
const customCodeSchema = keyedSchema(
  {
    wave: required(String),
    variable: required(String),
    code: required(String),
    labels: localizedText(),
    createdAt: required(Date),
  },
  { indexes: [{ wave: 1 }] },
);
export const CustomCodeModel = model('CustomCode', customCodeSchema, 'customcodes');

// Analysis settings of a wave, `_id` = wave code. minCell: tables shared or exported suppress any
// cell based on fewer respondents than this (small-cell protection).
const analysisSettingsSchema = keyedSchema({
  minCell: required(Number),
  updatedAt: required(Date),
  auditOutbox: auditOutboxPath,
});
export const AnalysisSettingsModel = model('AnalysisSettings', analysisSettingsSchema, 'analysissettings');
