// Invitations: the municipalities invited to a wave, their personal links and where each one is.
//
// Links: a token is 128 random bits (base64url, 22 characters). Only sha256(token) is stored,
// as the _id of an invitation_tokens document; the invitation names its current token hash.
// A token is honoured only while both agree (compared in constant time), so revoking or
// re-issuing is safe at any point of its few steps. The plain token exists only in the answer
// that issues it (the links export or a re-issue): it cannot be recovered from the database, so
// exporting links issues them, and "all links" replaces the links issued before.
import { createHash, randomBytes } from 'node:crypto';
import { AppError, ConflictError, NotFoundError, ValidationError } from '../http/errors';
import { safeEqual } from '../auth/auth.service';
import { getWave, type Wave } from '../waves/waves.service';
import { findRegion, type Localized } from '../reference/reference.service';
import { InvitationModel, InvitationTokenModel } from './invitation.model';
import { parseCsv, parseXlsx, type MunicipalityRow, type ParsedImport } from './invitation-import';

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
const newToken = () => randomBytes(16).toString('base64url');
const invitationId = (waveCode: string, municipalityId: string) => `${waveCode}|${municipalityId}`;
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

// Never read the draft for admin lists (it can be large and is the respondent's business).
const ADMIN_FIELDS = {
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

function assertWaveTakesChanges(wave: Wave, what: string): void {
  if (wave.status === 'archived') {
    throw new ConflictError('wave_archived', `The wave "${wave.code}" is archived: ${what} is not possible.`, {
      waveStatus: wave.status,
    });
  }
}

// ------------------------------------------------------------------------------------------
// Import

export type ImportInput = { format: 'csv' | 'xlsx'; content: string };
export type ImportResult = { total: number; created: number; updated: number; unchanged: number };

/** Parses and checks every row; throws 422 listing every bad row; writes nothing unless all are valid. */
export async function parseImport(wave: Wave, input: ImportInput): Promise<MunicipalityRow[]> {
  let parsed: ParsedImport;
  if (input.format === 'csv') parsed = parseCsv(input.content, wave.scope);
  else {
    const data = Buffer.from(input.content, 'base64');
    parsed = await parseXlsx(data, wave.scope);
  }
  if (parsed.problems.length) {
    const lines = new Set(parsed.problems.map((p) => p.name.split('.')[0]));
    throw new ValidationError(
      `${lines.size} line(s) of the list have problems; nothing was imported.`,
      parsed.problems,
      'invalid_invitations',
    );
  }
  return parsed.rows;
}

/**
 * Adds the municipalities of a list to a wave. Idempotent: each row is an upsert by the stable
 * `<wave>|<municipality id>`, so replaying the same file (after a crash half-way, say) completes
 * it without duplicates. A known municipality keeps its status and link; its contact details are
 * updated. Moving a known municipality to another region is refused (revoke it and import it
 * under a new id), so the board counts never shift under a respondent.
 */
export async function importInvitations(waveCode: string, input: ImportInput, now = new Date()): Promise<ImportResult> {
  const wave = await getWave(waveCode);
  if (wave.status !== 'draft' && wave.status !== 'open') {
    throw new ConflictError(
      'wave_not_editable',
      `The wave "${wave.code}" is ${wave.status}: municipalities can be added to draft and open waves only.`,
      { waveStatus: wave.status },
    );
  }
  const rows = await parseImport(wave, input);
  const existing = new Map(
    (
      await InvitationModel.find({ waveCode }, { municipality: 1, email: 1, language: 1 }).lean<
        Pick<InvitationDoc, '_id' | 'municipality' | 'email' | 'language'>[]
      >()
    ).map((d) => [d._id, d]),
  );
  const moved = rows.filter((r) => {
    const e = existing.get(invitationId(waveCode, r.id));
    return e && e.municipality.regionCode !== r.regionCode;
  });
  if (moved.length) {
    throw new ValidationError(
      'Some municipalities are already invited in another region; nothing was imported.',
      moved.map((r) => ({
        name: `line ${r.line}.regionCode`,
        reason: `municipality "${r.id}" is already invited in ${existing.get(invitationId(waveCode, r.id))!.municipality.regionCode}`,
        code: 'region_changed',
        value: r.regionCode,
        allowed: [existing.get(invitationId(waveCode, r.id))!.municipality.regionCode],
      })),
      'invalid_invitations',
    );
  }
  const result: ImportResult = { total: rows.length, created: 0, updated: 0, unchanged: 0 };
  for (const r of rows) {
    const _id = invitationId(waveCode, r.id);
    const municipality = { id: r.id, name: r.name, regionCode: r.regionCode, type: r.type, population: r.population };
    const before = existing.get(_id);
    if (before) {
      const same =
        before.email === r.email &&
        (before.language ?? null) === r.language &&
        JSON.stringify({ ...before.municipality }) === JSON.stringify(municipality);
      if (same) {
        result.unchanged++;
        continue;
      }
      await InvitationModel.updateOne({ _id }, { $set: { municipality, email: r.email, language: r.language } });
      result.updated++;
      continue;
    }
    const res = await InvitationModel.updateOne(
      { _id },
      {
        $setOnInsert: {
          waveCode,
          municipality,
          email: r.email,
          status: 'not_started',
          boardKey: boardKey(r.regionCode, 'not_started'),
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
          language: r.language,
        },
      },
      { upsert: true },
    );
    if (res.upsertedCount === 1) result.created++;
    else result.unchanged++;
  }
  return result;
}

/** Copies a wave's invitation list (municipalities and contacts, no links, no progress) to another wave. */
export async function copyInvitations(fromWave: string, toWave: string, now = new Date()): Promise<number> {
  const docs = await InvitationModel.find({ waveCode: fromWave }, { municipality: 1, email: 1, language: 1 }).lean<
    Pick<InvitationDoc, '_id' | 'municipality' | 'email' | 'language'>[]
  >();
  let copied = 0;
  for (const d of docs) {
    const res = await InvitationModel.updateOne(
      { _id: invitationId(toWave, d.municipality.id) },
      {
        $setOnInsert: {
          waveCode: toWave,
          municipality: d.municipality,
          email: d.email,
          status: 'not_started',
          boardKey: boardKey(d.municipality.regionCode, 'not_started'),
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
          language: d.language ?? null,
        },
      },
      { upsert: true },
    );
    if (res.upsertedCount === 1) copied++;
  }
  return copied;
}

// ------------------------------------------------------------------------------------------
// Links

export async function findInvitation(waveCode: string, municipalityId: string): Promise<InvitationDoc> {
  const doc = await InvitationModel.findById(
    invitationId(waveCode, municipalityId),
    ADMIN_FIELDS,
  ).lean<InvitationDoc>();
  if (!doc || doc.waveCode !== waveCode) throw new NotFoundError('invitation', municipalityId);
  return doc;
}

/** The status an invitation has when it has a working link, given its progress. */
const liveStatus = (d: Pick<InvitationDoc, 'startedAt'>): InvitationStatus => (d.startedAt ? 'started' : 'not_started');

/**
 * Gives the invitation a new link; the previous one (if any) stops working. Steps, each safe to
 * interrupt: (1) store the new token hash; (2) point the invitation at it, on the condition that
 * nothing changed since it was read; (3) delete the old token document. After (1) alone the new
 * token is refused (the invitation names another hash); after (2) the old one is refused.
 */
export async function issueLink(doc: InvitationDoc, now: Date): Promise<{ token: string; invitation: Invitation }> {
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
        },
      },
    );
    if (res.matchedCount === 1) {
      if (doc.tokenHash) await InvitationTokenModel.deleteOne({ _id: doc.tokenHash });
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
 * old links stop working; drafts are kept); `selected` does that for the given ids.
 */
export async function issueLinks(
  waveCode: string,
  which: { scope: 'unissued' | 'all' | 'selected'; ids?: string[] },
  now = new Date(),
): Promise<IssuedLink[]> {
  const wave = await getWave(waveCode);
  assertWaveTakesChanges(wave, 'issuing links');
  const docs = await InvitationModel.find({ waveCode }, ADMIN_FIELDS).lean<InvitationDoc[]>();
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
  const out: IssuedLink[] = [];
  for (const d of sortForList(chosen)) out.push(await issueLink(d, now));
  return out;
}

export async function reissueInvitation(
  waveCode: string,
  municipalityId: string,
  now = new Date(),
): Promise<IssuedLink> {
  const wave = await getWave(waveCode);
  assertWaveTakesChanges(wave, 'issuing links');
  return issueLink(await findInvitation(waveCode, municipalityId), now);
}

/** The link stops working at once; the draft is kept in case a new link is issued later. */
export async function revokeInvitation(
  waveCode: string,
  municipalityId: string,
  now = new Date(),
): Promise<Invitation> {
  const wave = await getWave(waveCode);
  assertWaveTakesChanges(wave, 'revoking a link');
  for (let attempt = 0; attempt < 5; attempt++) {
    const doc = await findInvitation(waveCode, municipalityId);
    if (doc.completedAt) {
      throw new ConflictError(
        'invitation_completed',
        `"${doc.municipality.name}" has already answered; the link cannot be revoked.`,
      );
    }
    if (doc.status === 'revoked') return toInvitation(doc);
    const res = await InvitationModel.updateOne(
      { _id: doc._id, completedAt: null, status: doc.status, tokenHash: doc.tokenHash },
      {
        $set: {
          tokenHash: null,
          revokedAt: now,
          status: 'revoked',
          boardKey: boardKey(doc.municipality.regionCode, 'revoked'),
        },
      },
    );
    if (res.matchedCount === 1) {
      if (doc.tokenHash) await InvitationTokenModel.deleteOne({ _id: doc.tokenHash });
      return toInvitation({ ...doc, tokenHash: null, revokedAt: now, status: 'revoked' });
    }
  }
  throw new ConflictError('invitation_busy', 'The invitation keeps changing; try again in a moment.');
}

// ------------------------------------------------------------------------------------------
// Respondent side: resolving a link and moving the invitation along (used by responses/).

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

// ------------------------------------------------------------------------------------------
// Response-rate board

export type RegionRate = {
  code: string;
  names: Localized;
  invited: number;
  notStarted: number;
  started: number;
  completed: number;
  revoked: number;
  /** Mail: invitations sent, reminders sent, municipalities whose last mail failed, opted out. */
  mailed: number;
  reminders: number;
  mailFailed: number;
  optedOut: number;
};

export type Board = {
  totals: Omit<RegionRate, 'code' | 'names'>;
  regions: RegionRate[];
  invitations: Invitation[];
};

function sortForList<T extends Pick<InvitationDoc, 'municipality'>>(docs: T[]): T[] {
  return [...docs].sort(
    (a, b) =>
      a.municipality.regionCode.localeCompare(b.municipality.regionCode) ||
      a.municipality.name.localeCompare(b.municipality.name, 'ru'),
  );
}

/** Per region invited / not started / started / completed (grouped on one string field), and every municipality's state. */
export async function responseBoard(waveCode: string): Promise<Board> {
  await getWave(waveCode);
  const [groups, docs] = await Promise.all([
    InvitationModel.aggregate<{ _id: string; n: number }>([
      { $match: { waveCode } },
      { $group: { _id: '$boardKey', n: { $sum: 1 } } },
    ]),
    InvitationModel.find({ waveCode }, ADMIN_FIELDS).lean<InvitationDoc[]>(),
  ]);
  const byRegion = new Map<string, RegionRate>();
  const empty = () => ({
    invited: 0,
    notStarted: 0,
    started: 0,
    completed: 0,
    revoked: 0,
    mailed: 0,
    reminders: 0,
    mailFailed: 0,
    optedOut: 0,
  });
  const totals = empty();
  for (const g of groups) {
    const cut = g._id.lastIndexOf('|');
    const code = g._id.slice(0, cut);
    const status = g._id.slice(cut + 1) as InvitationStatus;
    const r =
      byRegion.get(code) ??
      byRegion
        .set(code, { code, names: findRegion(code)?.names ?? { ru: code, en: code, uk: code }, ...empty() })
        .get(code)!;
    const key = (
      { not_started: 'notStarted', started: 'started', completed: 'completed', revoked: 'revoked' } as const
    )[status];
    if (!key) continue;
    r[key] += g.n;
    totals[key] += g.n;
    if (status !== 'revoked') {
      r.invited += g.n;
      totals.invited += g.n;
    }
  }
  // Mail counts come from the documents read for the list anyway.
  for (const d of docs) {
    const r = byRegion.get(d.municipality.regionCode);
    const add = (key: 'mailed' | 'reminders' | 'mailFailed' | 'optedOut', n: number) => {
      if (r) r[key] += n;
      totals[key] += n;
    };
    if (d.invitedAt) add('mailed', 1);
    add('reminders', d.remindersSent ?? 0);
    if (d.lastMail?.status === 'failed') add('mailFailed', 1);
    if (d.optedOutAt) add('optedOut', 1);
  }
  return {
    totals,
    regions: [...byRegion.values()].sort((a, b) => a.names.ru.localeCompare(b.names.ru, 'ru')),
    invitations: sortForList(docs).map(toInvitation),
  };
}
