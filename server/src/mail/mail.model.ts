import { Schema, model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';

// A wave's mail settings: the templates (kind → language → subject/body), the coordinator's
// contact shown in the mails and the daily cap. _id is the wave code. Absent: the defaults.
const mailSettingsSchema = new Schema(
  {
    _id: { type: String, required: true },
    templates: { type: Schema.Types.Mixed, required: true },
    contact: { type: String, default: '' },
    dailyCap: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },

    // Audit records of its changes on their way to the audit log (audit/outbox.ts).
    auditOutbox: auditOutboxPath,
  },
  { versionKey: false, minimize: false },
);
export const MailSettingsModel = model('MailSettings', mailSettingsSchema, 'mail_settings');

// One mail to one municipality: the exactly-once claim. _id is `<wave>|<municipality>|<kind>|<campaign>`
// (campaign: the job id, or `first` for the invitation sent to "all not yet invited"), created
// before the mail is handed to SMTP. state: claimed → sent | failed; a claim found still
// `claimed` when a campaign resumes (its instance died mid-send) becomes `uncertain` and is not
// sent again (see mail.service.ts).
const mailSendSchema = new Schema(
  {
    _id: { type: String, required: true },
    waveCode: { type: String, required: true },
    municipalityId: { type: String, required: true },
    kind: { type: String, required: true },
    campaignId: { type: String, required: true },
    state: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    attempts: { type: Number, default: 0 },
    error: { type: String, default: null },
    sentAt: { type: Date, default: null },
  },
  { versionKey: false },
);
mailSendSchema.index({ waveCode: 1 });
export const MailSendModel = model('MailSend', mailSendSchema, 'mail_sends');

// Mails handed to SMTP per wave and UTC day (`<wave>|<yyyy-mm-dd>`): the daily cap is a
// conditional $inc of this one document.
const mailDaySchema = new Schema(
  {
    _id: { type: String, required: true },
    waveCode: { type: String, required: true },
    n: { type: Number, required: true },
  },
  { versionKey: false },
);
export const MailDayModel = model('MailDay', mailDaySchema, 'mail_days');

// Opt-out links: _id is sha256 of the token in the mail (the token is not stored). Every mail
// carries a new one; all of a municipality's stay valid.
const optOutTokenSchema = new Schema(
  {
    _id: { type: String, required: true },
    invitationId: { type: String, required: true },
    waveCode: { type: String, required: true },
    issuedAt: { type: Date, required: true },
  },
  { versionKey: false },
);
export const OptOutTokenModel = model('OptOutToken', optOutTokenSchema, 'mail_opt_out_tokens');
