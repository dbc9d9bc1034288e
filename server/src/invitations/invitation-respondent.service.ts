// Invitations, the respondent's path: resolving a link and moving the invitation along (used by responses/).
import { AppError } from '../http/errors';
import { safeEqual } from '../auth/auth.service';
import { InvitationModel, InvitationTokenModel } from './invitation.model';
import { boardKey, hashToken, TOKEN_FORMAT, type InvitationDoc } from './invitations.service';

export class InvitationLinkError extends AppError {
  constructor() {
    super(
      404,
      'Not Found',
      'invitation_not_found',
      'This invitation link is not valid: it may have been mistyped, replaced by a newer link or withdrawn.',
    );
  }
}

/** The invitation a token opens, or 404 (unknown, revoked and replaced links look the same). */
export async function resolveToken(token: string): Promise<{ invitation: InvitationDoc; hash: string }> {
  if (!TOKEN_FORMAT.test(token)) throw new InvitationLinkError();
  const hash = hashToken(token);
  const link = await InvitationTokenModel.findById(hash).lean<{ _id: string; invitationId: string }>();
  if (!link) throw new InvitationLinkError();
  const invitation = await InvitationModel.findById(link.invitationId).lean<InvitationDoc>();
  if (!invitation || !invitation.tokenHash || invitation.revokedAt || !safeEqual(invitation.tokenHash, hash)) {
    throw new InvitationLinkError();
  }
  return { invitation: { ...invitation, submission: invitation.submission ?? null }, hash };
}

/** Matches the invitation while its draft is still at `revision` (a missing field is revision 0). */
const atRevision = (revision: number) =>
  revision === 0
    ? { $or: [{ draftRevision: 0 }, { draftRevision: { $exists: false } }, { draftRevision: null }] }
    : { draftRevision: revision };

/**
 * Stores the autosaved draft on top of revision `baseRevision`, in one conditional update of the
 * invitation: only while the invitation is not completed, the link is the same and the stored
 * draft is still at that revision. Returns the invitation as saved (revision + 1), or null when
 * any of these no longer holds (the caller reads it again to say which).
 */
export async function storeDraft(
  inv: InvitationDoc,
  hash: string,
  draft: { json: string; pageNo: number; locale: string; baseRevision: number },
  now: Date,
): Promise<InvitationDoc | null> {
  return InvitationModel.findOneAndUpdate(
    { _id: inv._id, tokenHash: hash, completedAt: null, ...atRevision(draft.baseRevision) },
    {
      $set: {
        draftJson: draft.json,
        draftPageNo: draft.pageNo,
        draftLocale: draft.locale,
        draftSavedAt: now,
        draftRevision: draft.baseRevision + 1,
        lastActivityAt: now,
        status: 'started',
        boardKey: boardKey(inv.municipality.regionCode, 'started'),
        startedAt: inv.startedAt ?? now,
      },
    },
    { new: true },
  ).lean<InvitationDoc>();
}

/** Claims the invitation for one submission (clientId); the claim is what makes "exactly one" hold. */
export async function claimSubmission(
  inv: InvitationDoc,
  hash: string,
  clientId: string,
  now: Date,
  staleClaim?: { clientId: string; at: Date },
): Promise<boolean> {
  const res = await InvitationModel.updateOne(
    {
      _id: inv._id,
      tokenHash: hash,
      completedAt: null,
      ...(staleClaim
        ? { 'submission.clientId': staleClaim.clientId, 'submission.at': staleClaim.at }
        : { submission: null }),
    },
    { $set: { submission: { clientId, at: now }, lastActivityAt: now } },
  );
  return res.modifiedCount === 1;
}

/** Marks the claimed submission complete; drops the draft and, for anonymous waves, every trace of the response. */
export async function completeSubmission(
  inv: InvitationDoc,
  clientId: string,
  completedAt: Date,
  anonymous: boolean,
): Promise<boolean> {
  const res = await InvitationModel.updateOne(
    { _id: inv._id, completedAt: null, 'submission.clientId': clientId },
    {
      $set: {
        completedAt,
        lastActivityAt: completedAt,
        status: 'completed',
        boardKey: boardKey(inv.municipality.regionCode, 'completed'),
        startedAt: inv.startedAt ?? completedAt,
        ...(anonymous ? {} : { responseId: clientId }),
      },
      $unset: { submission: 1, draftJson: 1, draftLocale: 1, draftSavedAt: 1 },
    },
  );
  return res.modifiedCount === 1;
}

export async function readInvitation(id: string): Promise<InvitationDoc | null> {
  const doc = await InvitationModel.findById(id).lean<InvitationDoc>();
  return doc ? { ...doc, submission: doc.submission ?? null } : null;
}
