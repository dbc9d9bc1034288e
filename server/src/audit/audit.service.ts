// Who did what, when: wave lifecycle, invitation imports, exports, user changes.
// Details carry ids and counts only, never answers, tokens or passwords. Records are written
// through the audit outbox (audit/outbox.ts), with the change they record.
import { AuditModel } from './audit.model';

export type AuditAction =
  | 'wave.create'
  | 'wave.update'
  | 'wave.open'
  | 'wave.close'
  | 'wave.reopen'
  | 'wave.archive'
  | 'wave.clone'
  | 'wave.min_cell'
  | 'invitations.import'
  | 'invitations.revoke'
  | 'invitations.reissue'
  | 'invitations.export'
  | 'questionnaire.upload'
  | 'questionnaire.roles'
  | 'data.export'
  | 'tally.rebuild'
  | 'user.create'
  | 'user.update'
  | 'user.password_reset'
  | 'user.login'
  | 'user.login_failed'
  | 'user.password_change'
  | 'user.sessions_revoked'
  | 'practice.create'
  | 'practice.update'
  | 'practice.review'
  | 'practice.publish'
  | 'practice.unpublish'
  | 'practice.delete'
  | 'practices.import'
  | 'practices.export'
  | 'practices.from_call'
  | 'results.publish'
  | 'results.unpublish'
  | 'mail.settings'
  | 'mail.test'
  | 'mail.campaign'
  | 'mail.campaign.done'
  | 'mail.campaign.pause'
  | 'mail.campaign.resume'
  | 'mail.campaign.cancel'
  | 'mail.opt_out';

export type AuditEntry = {
  id: string;
  at: Date;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
};

export async function listAudit(opts: { limit: number; before?: Date; action?: string }): Promise<AuditEntry[]> {
  const filter: Record<string, unknown> = {};
  if (opts.before) filter.at = { $lt: opts.before };
  if (opts.action) filter.action = opts.action;
  const docs = await AuditModel.find(filter)
    .sort({ at: -1 })
    .limit(opts.limit)
    .lean<(Omit<AuditEntry, 'id'> & { _id: string })[]>();
  return docs.map((d) => ({
    id: d._id,
    at: d.at,
    actor: d.actor,
    action: d.action,
    target: d.target,
    details: d.details ?? {},
  }));
}
