// Invitations: the municipalities invited to a wave, their personal links and where each one is.
// This module holds what the invitation use cases share (the stored shape, its API mapping, the
// lookups); each job has its own module:
//   invitation-import.service.ts      adding a list of municipalities to a wave, copying a list
//   invitation-links.service.ts       issuing, re-issuing and revoking personal links
//   invitation-respondent.service.ts  the respondent's path: a link opens, drafts, one submission
//   invitation-board.service.ts       the response-rate board
import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError } from '../http/errors';
import type { Wave } from '../waves/waves.service';
import { InvitationModel } from './invitation.model';

export type InvitationStatus = 'not_started' | 'started' | 'completed' | 'revoked';

export type Municipality = { id: string; name: string; regionCode: string; type: string; population: number | null };

export type InvitationDoc = {
  _id: string;
  waveCode: string;
  municipality: Municipality;
  email: string;
  status: InvitationStatus;
  tokenHash: string | null;
  linkIssuedAt: Date | null;
  revokedAt: Date | null;
  startedAt: Date | null;
  lastActivityAt: Date | null;
  completedAt: Date | null;
  responseId: string | null;
  submission: { clientId: string; at: Date } | null;
  draftJson: string | null;
  draftPageNo: number;
  draftLocale: string | null;
  draftSavedAt: Date | null;
  /** 0 (or absent, on invitations from before revisions) until the first draft is saved. */
  draftRevision?: number;
  createdAt: Date;
  language?: MailLanguage | null;
  invitedAt?: Date | null;
  remindersSent?: number;
  lastMail?: LastMail | null;
  optedOutAt?: Date | null;
};

export type MailLanguage = 'ru' | 'uk' | 'en';
/** The outcome of the last mail to a municipality: sent, failed (with the server's reason) or uncertain (see mail/). */
export type LastMail = {
  at: Date;
  kind: 'invitation' | 'reminder';
  status: 'sent' | 'failed' | 'uncertain';
  error: string | null;
};

export type Invitation = {
  id: string;
  municipality: Municipality;
  email: string;
  status: InvitationStatus;
  linkIssuedAt: Date | null;
  revokedAt: Date | null;
  startedAt: Date | null;
  lastActivityAt: Date | null;
  completedAt: Date | null;
  language: MailLanguage | null;
  invitedAt: Date | null;
  remindersSent: number;
  lastMail: LastMail | null;
  optedOutAt: Date | null;
};

export const TOKEN_FORMAT = /^[A-Za-z0-9_-]{22}$/;

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const invitationId = (waveCode: string, municipalityId: string) => `${waveCode}|${municipalityId}`;
export const boardKey = (regionCode: string, status: InvitationStatus) => `${regionCode}|${status}`;

export function toInvitation(d: InvitationDoc): Invitation {
  return {
    id: d.municipality.id,
    municipality: {
      id: d.municipality.id,
      name: d.municipality.name,
      regionCode: d.municipality.regionCode,
      type: d.municipality.type,
      population: d.municipality.population ?? null,
    },
    email: d.email,
    status: d.status,
    linkIssuedAt: d.linkIssuedAt ?? null,
    revokedAt: d.revokedAt ?? null,
    startedAt: d.startedAt ?? null,
    lastActivityAt: d.lastActivityAt ?? null,
    completedAt: d.completedAt ?? null,
    language: d.language ?? null,
    invitedAt: d.invitedAt ?? null,
    remindersSent: d.remindersSent ?? 0,
    lastMail: d.lastMail ?? null,
    optedOutAt: d.optedOutAt ?? null,
  };
}

/** The stored fields of a municipality newly invited to a wave: no link, no progress, no draft. */
export function newInvitation(
  waveCode: string,
  municipality: Municipality,
  email: string,
  language: MailLanguage | null,
  now: Date,
) {
  return {
    waveCode,
    municipality,
    email,
    status: 'not_started' as const,
    boardKey: boardKey(municipality.regionCode, 'not_started'),
    tokenHash: null,
    linkIssuedAt: null,
    revokedAt: null,
    startedAt: null,
    lastActivityAt: null,
    completedAt: null,
    responseId: null,
    submission: null,
    draftJson: null,
    draftPageNo: 0,
    draftLocale: null,
    draftSavedAt: null,
    createdAt: now,
    language,
  };
}

// Never read the draft for admin lists (it can be large and is the respondent's business).
export const ADMIN_FIELDS = {
  waveCode: 1,
  municipality: 1,
  email: 1,
  status: 1,
  tokenHash: 1,
  linkIssuedAt: 1,
  revokedAt: 1,
  startedAt: 1,
  lastActivityAt: 1,
  completedAt: 1,
  createdAt: 1,
  language: 1,
  invitedAt: 1,
  remindersSent: 1,
  lastMail: 1,
  optedOutAt: 1,
} as const;

export function assertWaveTakesChanges(wave: Wave, what: string): void {
  if (wave.status === 'archived') {
    throw new ConflictError('wave_archived', `The wave "${wave.code}" is archived: ${what} is not possible.`, {
      waveStatus: wave.status,
    });
  }
}

export async function findInvitation(waveCode: string, municipalityId: string): Promise<InvitationDoc> {
  const doc = await InvitationModel.findById(
    invitationId(waveCode, municipalityId),
    ADMIN_FIELDS,
  ).lean<InvitationDoc>();
  if (!doc || doc.waveCode !== waveCode) throw new NotFoundError('invitation', municipalityId);
  return doc;
}

/** Every invitation of a wave, with the fields staff see. */
export function waveInvitations(waveCode: string): Promise<InvitationDoc[]> {
  return InvitationModel.find({ waveCode }, ADMIN_FIELDS).lean<InvitationDoc[]>();
}

/** Invitations as the board lists them: by region, then by municipality name. */
export const toInvitationList = (docs: InvitationDoc[]): Invitation[] => sortForList(docs).map(toInvitation);

export function sortForList<T extends Pick<InvitationDoc, 'municipality'>>(docs: T[]): T[] {
  return [...docs].sort(
    (a, b) =>
      a.municipality.regionCode.localeCompare(b.municipality.regionCode) ||
      a.municipality.name.localeCompare(b.municipality.name, 'ru'),
  );
}
