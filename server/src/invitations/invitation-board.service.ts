// Invitations, the response-rate board: per region and per municipality, where each invitation is.
import { getWave } from '../waves/waves.service';
import { findRegion, type Localized } from '../reference/reference.service';
import { InvitationModel } from './invitation.model';
import { toInvitationList, waveInvitations, type Invitation, type InvitationStatus } from './invitations.service';

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

/** Per region invited / not started / started / completed (grouped on one string field), and every municipality's state. */
export async function responseBoard(waveCode: string): Promise<Board> {
  await getWave(waveCode);
  const [groups, docs] = await Promise.all([
    InvitationModel.aggregate<{ _id: string; n: number }>([
      { $match: { waveCode } },
      { $group: { _id: '$boardKey', n: { $sum: 1 } } },
    ]),
    waveInvitations(waveCode),
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
    invitations: toInvitationList(docs),
  };
}
