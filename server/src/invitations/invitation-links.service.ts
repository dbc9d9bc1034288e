// Invitations, links: issuing, re-issuing and revoking the personal links.
//
// Links: a token is 128 random bits (base64url, 22 characters). Only sha256(token) is stored,
// as the _id of an invitation_tokens document; the invitation names its current token hash.
// A token is honoured only while both agree (compared in constant time), so revoking or
// re-issuing is safe at any point of its few steps. The plain token exists only in the answer
// that issues it (the links export or a re-issue): it cannot be recovered from the database, so
// exporting links issues them, and "all links" replaces the links issued before.
import { randomBytes } from 'node:crypto';
import { ConflictError, NotFoundError } from '../http/errors';
import { getWave } from '../waves/waves.service';
import { audited, prepareAudit, type AuditStep } from '../audit/outbox';
import { InvitationModel, InvitationTokenModel } from './invitation.model';
import {
  assertWaveTakesChanges,
  boardKey,
  findInvitation,
  hashToken,
  sortForList,
  toInvitation,
  type Invitation,
  type InvitationDoc,
  type InvitationStatus,
  waveInvitations,
} from './invitations.service';

const newToken = () => randomBytes(16).toString('base64url');

/** The status an invitation has when it has a working link, given its progress. */
const liveStatus = (d: Pick<InvitationDoc, 'startedAt'>): InvitationStatus => (d.startedAt ? 'started' : 'not_started');

/**
 * Gives the invitation a new link; the previous one (if any) stops working. Steps, each safe to
 * interrupt: (1) store the new token hash; (2) point the invitation at it, on the condition that
 * nothing changed since it was read; (3) delete the old token document. After (1) alone the new
 * token is refused (the invitation names another hash); after (2) the old one is refused.
 * `audit` (a re-issue) puts its record into the same update as (2).
 */
export async function issueLink(
  doc: InvitationDoc,
  now: Date,
  audit?: AuditStep,
): Promise<{ token: string; invitation: Invitation }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (doc.completedAt) {
      throw new ConflictError(
        'invitation_completed',
        `"${doc.municipality.name}" has already answered; no new link is needed.`,
      );
    }
    const token = newToken();
    const hash = hashToken(token);
    await InvitationTokenModel.create({ _id: hash, invitationId: doc._id, waveCode: doc.waveCode, issuedAt: now });
    const status = liveStatus(doc);
    const res = await InvitationModel.updateOne(
      { _id: doc._id, completedAt: null, status: doc.status, tokenHash: doc.tokenHash },
      {
        $set: {
          tokenHash: hash,
          linkIssuedAt: now,
          revokedAt: null,
          status,
          boardKey: boardKey(doc.municipality.regionCode, status),
          ...audit?.set,
        },
      },
    );
    if (res.matchedCount === 1) {
      if (doc.tokenHash) await InvitationTokenModel.deleteOne({ _id: doc.tokenHash });
      await audit?.flush();
      return {
        token,
        invitation: toInvitation({ ...doc, tokenHash: hash, linkIssuedAt: now, revokedAt: null, status }),
      };
    }
    // It changed meanwhile (the official started answering, say): drop this token and look again.
    await InvitationTokenModel.deleteOne({ _id: hash });
    doc = await findInvitation(doc.waveCode, doc.municipality.id);
  }
  throw new ConflictError('invitation_busy', 'The invitation keeps changing; try again in a moment.');
}

export type IssuedLink = { invitation: Invitation; token: string };

/**
 * Issues links for a wave's invitations: `unissued` gives links to those that have none yet
 * (the normal export after an import); `all` replaces every link of those not completed (the
 * old links stop working; drafts are kept); `selected` does that for the given ids. Audited as
 * one change (`invitations.export`: how many links were issued, in which format).
 */
export async function issueLinks(
  waveCode: string,
  which: { scope: 'unissued' | 'all' | 'selected'; ids?: string[] },
  by: { actor: string; format: 'csv' | 'xlsx' },
  now = new Date(),
): Promise<IssuedLink[]> {
  const wave = await getWave(waveCode);
  assertWaveTakesChanges(wave, 'issuing links');
  const docs = await waveInvitations(waveCode);
  const wanted = new Set(which.ids ?? []);
  const chosen = docs.filter((d) => {
    if (d.completedAt) return false;
    if (which.scope === 'unissued') return !d.tokenHash && !d.revokedAt;
    if (which.scope === 'all') return !d.revokedAt;
    return wanted.has(d.municipality.id);
  });
  if (which.scope === 'selected') {
    const known = new Set(docs.map((d) => d.municipality.id));
    const unknown = [...wanted].filter((id) => !known.has(id));
    if (unknown.length) throw new NotFoundError('invitation', unknown.join(', '));
  }
  return audited(
    { at: now, actor: by.actor, action: 'invitations.export', target: waveCode, details: { scope: which.scope } },
    async () => {
      const out: IssuedLink[] = [];
      for (const d of sortForList(chosen)) out.push(await issueLink(d, now));
      return out;
    },
    (out) => ({ issued: out.length, format: by.format }),
  );
}

/** A new link for one municipality (the old one stops working), audited with the change. */
export async function reissueInvitation(
  waveCode: string,
  municipalityId: string,
  actor: string,
  now = new Date(),
): Promise<IssuedLink> {
  const wave = await getWave(waveCode);
  assertWaveTakesChanges(wave, 'issuing links');
  const doc = await findInvitation(waveCode, municipalityId);
  const audit = doc.completedAt
    ? undefined // refused by issueLink
    : await prepareAudit(InvitationModel, doc._id, {
        at: now,
        actor,
        action: 'invitations.reissue',
        target: waveCode,
        details: { municipality: municipalityId },
      });
  return issueLink(doc, now, audit);
}

/**
 * The link stops working at once; the draft is kept in case a new link is issued later. Audited
 * with the change; revoking a revoked link changes nothing and records nothing.
 */
export async function revokeInvitation(
  waveCode: string,
  municipalityId: string,
  actor: string,
  now = new Date(),
): Promise<Invitation> {
  let audit: AuditStep | undefined;
  const wave = await getWave(waveCode);
  assertWaveTakesChanges(wave, 'revoking a link');
  for (let attempt = 0; attempt < 5; attempt++) {
    const doc = await findInvitation(waveCode, municipalityId);
    // (An announcement made for an earlier attempt is dropped: that attempt's update matched nothing.)
    if (doc.completedAt) {
      await audit?.cancel();
      throw new ConflictError(
        'invitation_completed',
        `"${doc.municipality.name}" has already answered; the link cannot be revoked.`,
      );
    }
    if (doc.status === 'revoked') {
      await audit?.cancel();
      return toInvitation(doc);
    }
    audit ??= await prepareAudit(InvitationModel, doc._id, {
      at: now,
      actor,
      action: 'invitations.revoke',
      target: waveCode,
      details: { municipality: municipalityId },
    });
    const res = await InvitationModel.updateOne(
      { _id: doc._id, completedAt: null, status: doc.status, tokenHash: doc.tokenHash },
      {
        $set: {
          tokenHash: null,
          revokedAt: now,
          status: 'revoked',
          boardKey: boardKey(doc.municipality.regionCode, 'revoked'),
          ...audit.set,
        },
      },
    );
    if (res.matchedCount === 1) {
      if (doc.tokenHash) await InvitationTokenModel.deleteOne({ _id: doc.tokenHash });
      await audit.flush();
      return toInvitation({ ...doc, tokenHash: null, revokedAt: now, status: 'revoked' });
    }
  }
  await audit?.cancel();
  throw new ConflictError('invitation_busy', 'The invitation keeps changing; try again in a moment.');
}
