import { Schema, model } from 'mongoose';
import { auditOutboxPath } from '../audit/audit.model';
import { keyedSchema, required } from '../db/schema';

// One invitation per municipality and wave. _id is `<wave>|<municipality id>`: stable across
// re-issued links, so an import replayed after a crash finds the same documents, and a
// respondent's draft survives a new link. Every state change is a conditional update of this
// one document.
//
// `status` is one of not_started | started | completed | revoked, and `boardKey` is
// `<region>|<status>`, kept in the same $set: the response-rate board groups on that single
// string field (FerretDB v1 keeps only one field of a compound $group _id).
const invitationSchema = keyedSchema(
  {
    waveCode: required(String),
    municipality: {
      id: required(String),
      name: required(String),
      regionCode: required(String),
      type: required(String),
      population: { type: Number, default: null },
    },
    email: required(String),
    status: { type: String, enum: ['not_started', 'started', 'completed', 'revoked'], required: true },
    boardKey: required(String),
    // sha256 of the current link's token; null until a link is issued and after revocation.
    tokenHash: { type: String, default: null },
    linkIssuedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    startedAt: { type: Date, default: null },
    lastActivityAt: { type: Date, default: null },
    completedAt: { type: Date, default: null },
    // The stored response; never set for an anonymous wave.
    responseId: { type: String, default: null },
    // A submission in progress (claim before the response is stored); removed when it completes.
    submission: {
      type: new Schema({ clientId: required(String), at: required(Date) }, { _id: false }),
      default: null,
    },
    // The autosaved answers as JSON text: answer keys are question names, which need no escaping then.
    draftJson: { type: String, default: null },
    draftPageNo: { type: Number, default: 0 },
    draftLocale: { type: String, default: null },
    draftSavedAt: { type: Date, default: null },
    // Grows by one with each saved draft; a save names the revision it was based on and is
    // refused (409 with the current draft) unless that is still the current one.
    draftRevision: { type: Number, default: 0 },
    createdAt: required(Date),
    // Mail (server/src/mail): the language of its mails (null: from the country), when the
    // invitation went out, how many reminders followed, the last mail's outcome, the opt-out.
    language: { type: String, default: null },
    invitedAt: { type: Date, default: null },
    remindersSent: { type: Number, default: 0 },
    lastMail: {
      type: new Schema(
        {
          at: required(Date),
          kind: required(String),
          status: required(String),
          error: { type: String, default: null },
        },
        { _id: false },
      ),
      default: null,
    },
    optedOutAt: { type: Date, default: null },
    // Audit records of revocations and re-issues on their way to the audit log (audit/outbox.ts).
    auditOutbox: auditOutboxPath,
  },
  { indexes: [{ waveCode: 1 }] },
);

export const InvitationModel = model('Invitation', invitationSchema, 'invitations');

/**
 * A token that leads to an invitation, keyed by `_id` = sha256(token) (the token itself is never
 * stored): the invitation link's, and the opt-out link's of each mail (mail.model.ts).
 */
export const tokenSchema = () =>
  keyedSchema({ invitationId: required(String), waveCode: required(String), issuedAt: required(Date) });

// Lookup of a link. A token is valid only while its invitation's tokenHash names it, so a
// half-finished re-issue or revocation can never leave two working links.
export const InvitationTokenModel = model('InvitationToken', tokenSchema(), 'invitation_tokens');
