import { Schema, model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';

// A researcher's code for one "other (specify)" answer. `_id` = `<wave>|<response>|<variable>`:
// one code per answer, set and changed by a single-document upsert. The response's region and
// chosen values are copied in (responses never change after submit), so the kept counts can be
// adjusted at read time without touching the responses.
const otherCodingSchema = new Schema(
  {
    _id: { type: String, required: true },
    wave: { type: String, required: true },
    responseId: { type: String, required: true },
    variable: { type: String, required: true },
    region: { type: String, required: true },
    chosen: { type: [String], default: [] },
    // The response's cube cell (the other dimensions; absent on codings made before the cube).
    municipalityType: { type: String },
    sizeClass: { type: String },
    respondentRole: { type: String },
    status: { type: String },
    code: { type: String, required: true },
    codedBy: { type: String, default: '' },
    codedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
otherCodingSchema.index({ wave: 1 });
export const OtherCodingModel = model('OtherCoding', otherCodingSchema, 'othercodings');

// Codes researchers add for a variable when an "other" answer fits none of the offered ones.
// `_id` = `<wave>|<variable>|<code>`.
const customCodeSchema = new Schema(
  {
    _id: { type: String, required: true },
    wave: { type: String, required: true },
    variable: { type: String, required: true },
    code: { type: String, required: true },
    labels: { ru: String, en: String, uk: String },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
);
customCodeSchema.index({ wave: 1 });
export const CustomCodeModel = model('CustomCode', customCodeSchema, 'customcodes');

// Analysis settings of a wave, `_id` = wave code. minCell: tables shared or exported suppress any
// cell based on fewer respondents than this (small-cell protection).
const analysisSettingsSchema = new Schema(
  {
    _id: { type: String, required: true },
    minCell: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    auditOutbox: auditOutboxPath,
  },
  { versionKey: false },
);
export const AnalysisSettingsModel = model('AnalysisSettings', analysisSettingsSchema, 'analysissettings');
