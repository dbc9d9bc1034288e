// Invitations and reminders by e-mail.
//
// A campaign is a persisted job (kind `mail.campaign`, run by jobs.runner.ts on any instance).
// Each mail is sent at most once, whatever restarts or second instances do:
//   1. reserve a place under the wave's daily cap (a conditional $inc of one document);
//   2. claim the mail: insert `mail_sends/<wave>|<municipality>|<kind>|<campaign>` (state
//      `claimed`); a second claim of the same key fails on the unique _id, so only one sender
//      ever goes on;
//   3. issue the personal link, hand the mail to SMTP (retrying 4xx and broken connections with
//      back-off; a 5xx is final and recorded);
//   4. mark the claim `sent` (or `failed`) and note it on the invitation (the board).
// A claim still `claimed` when its campaign runs again means the instance died between 2 and 4:
// the mail may or may not have left. We resolve it conservatively: it is NOT sent again, it is
// marked `uncertain` on the board, and the coordinator can send to that municipality explicitly
// (a campaign on a selection has its own key). Better one missing mail than two.
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError, ConflictError, NotFoundError } from '../http/errors';
import { beginAudit, prepareAudit } from '../audit/outbox';
import type { AuthUser } from '../auth/roles';
import { findRegion } from '../reference/reference.service';
import { getWave, type Wave } from '../waves/waves.service';
import { InvitationModel } from '../invitations/invitation.model';
import {
  findInvitation,
  type InvitationDoc,
  type LastMail,
  type MailLanguage,
} from '../invitations/invitations.service';
import { issueLink } from '../invitations/invitation-links.service';
import { JobModel } from '../jobs/job.model';
import { insertJob, jobView, type JobDoc } from '../jobs/jobs.service';
import type { JobView } from '../jobs/jobs.schema';
import { MailDayModel, MailSendModel, MailSettingsModel, OptOutTokenModel } from './mail.model';
import type { CampaignParams, MailSettings } from './mail.schema';
import { permanentReason, transientReason, type Mailer } from './mailer';
import {
  closingText,
  contactText,
  DEFAULT_TEMPLATES,
  languageFor,
  renderMail,
  type MailKind,
  type MailTemplate,
  type RenderedMail,
} from './templates';

export const DEFAULT_DAILY_CAP = 1000;
const DAY_MS = 86_400_000;

// ------------------------------------------------------------------------------------------
// Settings

export async function getMailSettings(waveCode: string): Promise<MailSettings> {
  await getWave(waveCode);
  const doc = await MailSettingsModel.findById(waveCode).lean<MailSettings & { _id: string }>();
  if (!doc) return { templates: structuredClone(DEFAULT_TEMPLATES), contact: '', dailyCap: DEFAULT_DAILY_CAP };
  return { templates: doc.templates, contact: doc.contact ?? '', dailyCap: doc.dailyCap };
}

/** Saves a wave's mail settings, recorded with them (`mail.settings`). */
export async function saveMailSettings(waveCode: string, s: MailSettings, user: AuthUser): Promise<MailSettings> {
  await getWave(waveCode);
  const now = new Date();
  const audit = await prepareAudit(MailSettingsModel, waveCode, {
    at: now,
    actor: user.email,
    action: 'mail.settings',
    target: waveCode,
    details: { dailyCap: s.dailyCap },
  });
  await MailSettingsModel.updateOne(
    { _id: waveCode },
    {
      $set: {
        templates: s.templates,
        contact: s.contact,
        dailyCap: s.dailyCap,
        updatedAt: now,
        updatedBy: user.email,
        ...audit.set,
      },
    },
    { upsert: true },
  );
  await audit.flush();
  return getMailSettings(waveCode);
}

const dayKey = (waveCode: string, at: Date) => `${waveCode}|${at.toISOString().slice(0, 10)}`;

export async function sentToday(waveCode: string, now = new Date()): Promise<number> {
  const d = await MailDayModel.findById(dayKey(waveCode, now)).lean<{ n: number }>();
  return d?.n ?? 0;
}

/** Takes one place under today's cap; false when the cap is reached. */
async function reserveSlot(waveCode: string, cap: number, now: Date): Promise<boolean> {
  const _id = dayKey(waveCode, now);
  await MailDayModel.updateOne({ _id }, { $setOnInsert: { waveCode, n: 0 } }, { upsert: true });
  const res = await MailDayModel.updateOne({ _id, n: { $lt: cap } }, { $inc: { n: 1 } });
  return res.modifiedCount === 1;
}

async function releaseSlot(waveCode: string, now: Date): Promise<void> {
  await MailDayModel.updateOne({ _id: dayKey(waveCode, now), n: { $gt: 0 } }, { $inc: { n: -1 } });
}

// ------------------------------------------------------------------------------------------
// Rendering

export type MailLinks = { publicUrl: string };

function varsFor(inv: InvitationDoc, wave: Wave, lang: MailLanguage, link: string, contact: string) {
  const region = findRegion(inv.municipality.regionCode);
  return {
    municipality: inv.municipality.name,
    region: region ? region.names[lang] : inv.municipality.regionCode,
    link,
    closes: closingText(wave.closesAt, lang),
    contact: contactText(contact, lang),
  };
}

/** The mail a municipality would get, with a stand-in link (no link is issued for a preview). */
export async function previewMail(
  waveCode: string,
  input: {
    kind: MailKind;
    language?: MailLanguage;
    municipalityId?: string;
    template?: MailTemplate;
    contact?: string;
  },
  publicUrl: string,
): Promise<RenderedMail & { to: string; municipality: string; language: MailLanguage }> {
  const wave = await getWave(waveCode);
  const settings = await getMailSettings(waveCode);
  let inv: InvitationDoc | null;
  if (input.municipalityId) inv = await findInvitation(waveCode, input.municipalityId);
  else {
    inv = await InvitationModel.findOne({ waveCode }, { draftJson: 0 }).sort({ _id: 1 }).lean<InvitationDoc>();
  }
  if (!inv)
    throw new ConflictError('no_invitations', 'Import the municipalities first: a preview uses a real invitation.');
  const lang = input.language ?? languageFor(inv.municipality.regionCode, inv.language);
  const template = input.template ?? settings.templates[input.kind][lang];
  const rendered = renderMail(
    template,
    varsFor(inv, wave, lang, `${publicUrl}/i/••••••••`, input.contact ?? settings.contact),
    lang,
    `${publicUrl}/o/••••••••`,
  );
  return { ...rendered, to: inv.email, municipality: inv.municipality.name, language: lang };
}

export function mailOff(): AppError {
  return new AppError(
    409,
    'Conflict',
    'mail_not_configured',
    'Mail is not configured on this server: set SMTP_URL (see docs/deploy.md).',
  );
}

/** Sends the preview to the coordinator themself (nothing is recorded on the invitations). */
export async function sendTestMail(
  waveCode: string,
  input: { kind: MailKind; language?: MailLanguage; template?: MailTemplate; contact?: string },
  user: AuthUser,
  publicUrl: string,
  mailer: Mailer | undefined,
): Promise<{ to: string }> {
  if (!mailer) throw mailOff();
  const p = await previewMail(waveCode, input, publicUrl);
  // Announced before the mail goes out, recorded once it went (nothing recorded when refused).
  const audit = await beginAudit({
    at: new Date(),
    actor: user.email,
    action: 'mail.test',
    target: waveCode,
    details: { kind: input.kind },
  });
  try {
    await mailer.send({
      to: user.email,
      subject: `[TEST] ${p.subject}`,
      text: p.text,
      html: p.html,
      language: p.language,
    });
  } catch (err) {
    await audit.cancel();
    throw new AppError(
      502,
      'Bad Gateway',
      'mail_failed',
      `The mail server refused the test mail: ${permanentReason(err) ?? transientReason(err)}`,
    );
  }
  await audit.commit();
  return { to: user.email };
}

// ------------------------------------------------------------------------------------------
// Campaigns (jobs)

export async function startCampaign(
  waveCode: string,
  params: CampaignParams,
  user: AuthUser,
  mailer: Mailer | undefined,
): Promise<JobView> {
  if (!mailer) throw mailOff();
  const wave = await getWave(waveCode);
  if (wave.status !== 'open') {
    throw new ConflictError(
      'wave_not_open',
      `The wave "${wave.code}" is ${wave.status}: mails go out for open waves only.`,
    );
  }
  if (params.ids) {
    const docs = await InvitationModel.find({ waveCode }, { municipality: 1 }).lean<
      Pick<InvitationDoc, 'municipality'>[]
    >();
    const known = new Set(docs.map((d) => d.municipality.id));
    const unknown = params.ids.filter((id) => !known.has(id));
    if (unknown.length) throw new NotFoundError('invitation', unknown.join(', '));
  }
  const summary = {
    mail: params.kind,
    scope: params.ids ? 'selected' : 'all',
    ...(params.ids ? { selected: params.ids.length } : {}),
  };
  const doc = await insertJob('mail.campaign', waveCode, { ...params }, summary, user, (jobId) => ({
    action: 'mail.campaign',
    target: waveCode,
    details: { jobId, ...summary },
  }));
  return jobView(doc);
}

export async function listCampaigns(waveCode: string): Promise<JobView[]> {
  const docs = await JobModel.find({ waveCode, kind: 'mail.campaign' })
    .sort({ createdAt: -1 })
    .limit(20)
    .lean<JobDoc[]>();
  return docs.map(jobView);
}

/** pause: queued/running → paused (the runner notices at its next mail); resume: paused → queued; cancel. */
export async function campaignAction(
  waveCode: string,
  id: string,
  action: 'pause' | 'resume' | 'cancel',
  user: AuthUser,
): Promise<JobView> {
  const mine = { _id: id, waveCode, kind: 'mail.campaign' };
  const now = new Date();
  const change =
    action === 'pause'
      ? { from: ['queued', 'running'], set: { state: 'paused', owner: null, leaseUntil: null } }
      : action === 'resume'
        ? { from: ['paused'], set: { state: 'queued', owner: null, leaseUntil: null } }
        : {
            from: ['queued', 'running', 'paused'],
            set: { state: 'cancelled', finishedAt: now, owner: null, leaseUntil: null },
          };
  const audit = await prepareAudit(JobModel, id, {
    at: now,
    actor: user.email,
    action: `mail.campaign.${action}`,
    target: waveCode,
    details: { jobId: id },
  });
  const res = await JobModel.updateOne(
    { ...mine, state: { $in: change.from } },
    { $set: { ...change.set, ...audit.set } },
  );
  await (res.matchedCount ? audit.flush() : audit.cancel());
  const doc = await JobModel.findOne(mine).lean<JobDoc>();
  if (!doc) throw new NotFoundError('campaign', id);
  if (res.matchedCount === 0) {
    throw new ConflictError(
      'campaign_state',
      `The campaign is ${doc.state}: it cannot be ${action === 'pause' ? 'paused' : action === 'resume' ? 'resumed' : 'cancelled'}.`,
    );
  }
  return jobView(doc);
}

export type CampaignResult = {
  targets: number;
  sent: number;
  failed: number;
  skipped: number;
  uncertain: number;
  /** Left for another day: the daily cap was reached. */
  capped: number;
};

type Step = {
  signal: AbortSignal;
  onProgress: (rowsDone: number) => Promise<void>;
  setTotal: (n: number) => Promise<void>;
};

function qualifies(d: InvitationDoc, p: CampaignParams, now: Date): boolean {
  if (d.completedAt || d.status === 'completed' || d.status === 'revoked' || d.optedOutAt) return false;
  if (p.ids && !p.ids.includes(d.municipality.id)) return false;
  if (p.kind === 'invitation') return p.ids ? true : !d.invitedAt;
  // Reminders: invited before (by mail or by a link handed out), in a chosen status, quiet long enough.
  if (!d.invitedAt && !d.linkIssuedAt) return false;
  const statuses = p.statuses ?? ['not_started', 'started'];
  if (!(statuses as string[]).includes(d.status)) return false;
  const last = d.lastMail?.at ?? d.invitedAt ?? d.linkIssuedAt;
  const days = p.minDaysSinceLastMail ?? 0;
  return !last || now.getTime() - new Date(last).getTime() >= days * DAY_MS;
}

const sendKey = (waveCode: string, municipalityId: string, kind: MailKind, campaign: string) =>
  `${waveCode}|${municipalityId}|${kind}|${campaign}`;

async function noteOnInvitation(
  inv: InvitationDoc,
  kind: MailKind,
  status: LastMail['status'],
  error: string | null,
  at: Date,
) {
  const lastMail: LastMail = { at, kind, status, error };
  if (status === 'sent' && kind === 'invitation') {
    await InvitationModel.updateOne({ _id: inv._id }, { $set: { lastMail } });
    await InvitationModel.updateOne(
      { _id: inv._id, $or: [{ invitedAt: null }, { invitedAt: { $exists: false } }] },
      { $set: { invitedAt: at } },
    );
  } else if (status === 'sent') {
    await InvitationModel.updateOne({ _id: inv._id }, { $set: { lastMail }, $inc: { remindersSent: 1 } });
  } else {
    await InvitationModel.updateOne({ _id: inv._id }, { $set: { lastMail } });
  }
}

const newOptOutToken = () => randomBytes(16).toString('base64url');
export const hashOptOut = (token: string) => createHash('sha256').update(token).digest('hex');

/** Runs (or resumes) a campaign job; every step is safe to replay after a crash (see the top). */
export async function runCampaign(
  job: JobDoc,
  step: Step,
  mailer: Mailer | undefined,
  publicUrl: string,
): Promise<CampaignResult> {
  if (!mailer) throw mailOff();
  const p = job.params as CampaignParams;
  const wave = await getWave(job.waveCode);
  if (wave.status !== 'open')
    throw new ConflictError('wave_not_open', `The wave "${wave.code}" is ${wave.status} now: the campaign stopped.`);
  const settings = await getMailSettings(job.waveCode);
  const started = new Date();
  const all = await InvitationModel.find({ waveCode: job.waveCode }, { draftJson: 0 }).lean<InvitationDoc[]>();
  // Those that qualify now, and those this campaign already handled in an earlier run (so a
  // resumed campaign counts them, though having been mailed they no longer qualify).
  const ours = new Set(
    (
      await MailSendModel.find({ waveCode: job.waveCode, campaignId: job._id }, { municipalityId: 1 }).lean<
        { municipalityId: string }[]
      >()
    ).map((m) => m.municipalityId),
  );
  const targets = all
    .filter((d) => qualifies(d, p, started) || ours.has(d.municipality.id))
    .sort((a, b) => a._id.localeCompare(b._id));
  await step.setTotal(targets.length);
  const result: CampaignResult = { targets: targets.length, sent: 0, failed: 0, skipped: 0, uncertain: 0, capped: 0 };
  const gapMs = Math.ceil(60_000 / mailer.ratePerMin);
  let lastSend = 0;

  for (let i = 0; i < targets.length; i++) {
    step.signal.throwIfAborted();
    const inv = await InvitationModel.findById(targets[i]!._id, { draftJson: 0 }).lean<InvitationDoc>();
    const campaign = p.kind === 'invitation' && !p.ids ? 'first' : job._id;
    const key = inv ? sendKey(job.waveCode, inv.municipality.id, p.kind, campaign) : '';
    const existing = inv ? await MailSendModel.findById(key).lean<{ state: string; campaignId: string }>() : null;
    if (!inv || (!existing && !qualifies(inv, p, new Date()))) {
      result.skipped++;
      await step.onProgress(i + 1);
      continue;
    }
    if (existing && !(existing.state === 'failed' && existing.campaignId !== job._id)) {
      if (existing.state === 'claimed') {
        // An earlier run of this campaign died between claiming and confirming: do not send twice.
        const res = await MailSendModel.updateOne({ _id: key, state: 'claimed' }, { $set: { state: 'uncertain' } });
        if (res.modifiedCount === 1) {
          await noteOnInvitation(
            inv,
            p.kind,
            'uncertain',
            'the app stopped while this mail was being sent; it may not have left',
            new Date(),
          );
          result.uncertain++;
        } else result.skipped++;
      } else if (existing.state === 'sent' && existing.campaignId === job._id) result.sent++;
      else if (existing.state === 'failed' && existing.campaignId === job._id) result.failed++;
      else result.skipped++;
      await step.onProgress(i + 1);
      continue;
    }
    // Pace the campaign (at most ratePerMin mails a minute); a pause or stop while waiting leaves nothing half-done.
    const wait = lastSend + gapMs - Date.now();
    if (wait > 0) await sleep(wait, undefined, { signal: step.signal });
    const now = new Date();
    if (!(await reserveSlot(job.waveCode, settings.dailyCap, now))) {
      result.capped = targets.length - i;
      break;
    }
    // Claim: a new key, or one whose earlier campaign failed for good (a new try is asked for).
    let claimed: boolean;
    const claim = {
      waveCode: job.waveCode,
      municipalityId: inv.municipality.id,
      kind: p.kind,
      campaignId: job._id,
      state: 'claimed',
      claimedAt: now,
      attempts: 0,
      error: null,
      sentAt: null,
    };
    if (existing) {
      const res = await MailSendModel.updateOne(
        { _id: key, state: 'failed', campaignId: existing.campaignId },
        { $set: claim },
      );
      claimed = res.modifiedCount === 1;
    } else {
      claimed = await MailSendModel.create({ _id: key, ...claim }).then(
        () => true,
        () => false,
      );
    }
    if (!claimed) {
      await releaseSlot(job.waveCode, now);
      result.skipped++;
      await step.onProgress(i + 1);
      continue;
    }

    let link: string;
    try {
      const issued = await issueLink(inv, now);
      link = `${publicUrl}/i/${issued.token}`;
    } catch (err) {
      // It was answered (or changed) meanwhile: nothing was sent, so the claim goes.
      await MailSendModel.deleteOne({ _id: key, state: 'claimed' });
      await releaseSlot(job.waveCode, now);
      if (err instanceof ConflictError) {
        result.skipped++;
        await step.onProgress(i + 1);
        continue;
      }
      throw err;
    }
    const optOut = newOptOutToken();
    await OptOutTokenModel.create({
      _id: hashOptOut(optOut),
      invitationId: inv._id,
      waveCode: job.waveCode,
      issuedAt: now,
    });
    const lang = languageFor(inv.municipality.regionCode, inv.language);
    const optOutUrl = `${publicUrl}/o/${optOut}`;
    const mail = renderMail(
      settings.templates[p.kind][lang],
      varsFor(inv, wave, lang, link, settings.contact),
      lang,
      optOutUrl,
    );

    let failure: string | null;
    for (let attempt = 0; ; attempt++) {
      try {
        lastSend = Date.now();
        await mailer.send({ to: inv.email, ...mail, language: lang, unsubscribeUrl: optOutUrl });
        failure = null;
        break;
      } catch (err) {
        failure = permanentReason(err);
        if (failure) break;
        failure = transientReason(err);
        if (attempt >= mailer.retries) break;
        await MailSendModel.updateOne({ _id: key }, { $set: { attempts: attempt + 1, error: failure } });
        try {
          await sleep(mailer.retryBaseMs * 2 ** attempt, undefined, { signal: step.signal });
        } catch (abort) {
          // Stopped or paused while waiting to try again: this mail has not left, so the claim goes.
          await MailSendModel.deleteOne({ _id: key, state: 'claimed' });
          await releaseSlot(job.waveCode, now);
          throw abort;
        }
      }
    }
    const at = new Date();
    if (failure === null) {
      await MailSendModel.updateOne({ _id: key }, { $set: { state: 'sent', sentAt: at, error: null } });
      await noteOnInvitation(inv, p.kind, 'sent', null, at);
      result.sent++;
    } else {
      await MailSendModel.updateOne({ _id: key }, { $set: { state: 'failed', error: failure } });
      await noteOnInvitation(inv, p.kind, 'failed', failure, at);
      result.failed++;
    }
    await step.onProgress(i + 1);
  }
  // Recorded on the campaign's job (a fixed id: a campaign run again after a takeover records it once).
  const audit = await prepareAudit(
    JobModel,
    job._id,
    {
      at: new Date(),
      actor: job.createdBy,
      action: 'mail.campaign.done',
      target: job.waveCode,
      details: { jobId: job._id, ...result },
    },
    `done-${job._id}`,
  );
  await JobModel.updateOne({ _id: job._id }, { $set: audit.set });
  await audit.flush();
  return result;
}

// ------------------------------------------------------------------------------------------
// Opt-out (the link in every mail)

export async function optOutTarget(token: string): Promise<{ invitation: InvitationDoc; wave: Wave } | null> {
  const t = await OptOutTokenModel.findById(hashOptOut(token)).lean<{ invitationId: string }>();
  if (!t) return null;
  const invitation = await InvitationModel.findById(t.invitationId, { draftJson: 0 }).lean<InvitationDoc>();
  if (!invitation) return null;
  return { invitation, wave: await getWave(invitation.waveCode) };
}

/** No more mails to this municipality for this wave (idempotent). */
export async function optOut(
  token: string,
  now = new Date(),
): Promise<{ invitation: InvitationDoc; wave: Wave } | null> {
  const target = await optOutTarget(token);
  if (!target) return null;
  if (target.invitation.optedOutAt) return target;
  const audit = await prepareAudit(InvitationModel, target.invitation._id, {
    at: now,
    actor: 'official',
    action: 'mail.opt_out',
    target: target.wave.code,
    details: { municipality: target.invitation.municipality.id },
  });
  await InvitationModel.updateOne(
    { _id: target.invitation._id, $or: [{ optedOutAt: null }, { optedOutAt: { $exists: false } }] },
    { $set: { optedOutAt: now, ...audit.set } },
  );
  await audit.flush();
  return target;
}
