import { Schema, model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';
import { keyedSchema, required } from '../db/schema';
import { tokenSchema } from '../invitations/invitation.model';

// A wave's mail settings: the templates (kind → language → subject/body), the coordinator's
// contact shown in the mails and the daily cap. _id is the wave code. Absent: the defaults.
const mailSettingsSchema = keyedSchema(
  {
    templates: required(Schema.Types.Mixed),
    contact: { type: String, default: '' },
    dailyCap: required(Number),
    updatedAt: required(Date),
    updatedBy: required(String),
    // Audit records of its changes on their way to the audit log (audit/outbox.ts).
    auditOutbox: auditOutboxPath,
  },
  { minimize: false },
);
export const MailSettingsModel = model('MailSettings', mailSettingsSchema, 'mail_settings');

// One mail to one municipality: the exactly-once claim. _id is `<wave>|<municipality>|<kind>|<campaign>`
// (campaign: the job id, or `first` for the invitation sent to "all not yet invited"), created
// before the mail is handed to SMTP. state: claimed → sent | failed; a claim found still
// `claimed` when a campaign resumes (its instance died mid-send) becomes `uncertain` and is not
// sent again (see mail.service.ts).
const mailSendSchema = keyedSchema(
  {
    waveCode: required(String),
    municipalityId: required(String),
    kind: required(String),
    campaignId: required(String),
    state: required(String),
    claimedAt: required(Date),
    attempts: { type: Number, default: 0 },
    error: { type: String, default: null },
    sentAt: { type: Date, default: null },
  },
  { indexes: [{ waveCode: 1 }] },
);
export const MailSendModel = model('MailSend', mailSendSchema, 'mail_sends');

// Mails handed to SMTP per wave and UTC day (`<wave>|<yyyy-mm-dd>`): the daily cap is a
// conditional $inc of this one document.
export const MailDayModel = model(
  'MailDay',
  keyedSchema({ waveCode: required(String), n: required(Number) }),
  'mail_days',
);

// Opt-out links: _id is sha256 of the token in the mail (the token is not stored). Every mail
// carries a new one; all of a municipality's stay valid.
export const OptOutTokenModel = model('OptOutToken', tokenSchema(), 'mail_opt_out_tokens');
