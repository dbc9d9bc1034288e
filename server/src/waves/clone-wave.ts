// Use case: clone a wave for the next round. One call, idempotent and resumable:
//   1. the new draft wave, marked pendingClone (waves.service startClone; a replay finds it);
//   2. the source's invitation list copied (one upsert per municipality: a replay skips the done ones);
//   3. the mark cleared and the audit entry recorded in the same update, then moved to the log.
// A failure after any step leaves the wave marked; the same request again finishes the clone,
// and repeating a finished clone answers the same wave (no 409 for the caller's own retry).
import type { CloneWaveBody } from './waves.schema';
import { finishClone, getWaveAdmin, startClone, type WaveAdmin } from './waves.service';
import { copyInvitations } from '../invitations/invitation-import.service';
import { InvitationModel } from '../invitations/invitation.model';

export async function cloneWaveWithInvitations(
  sourceCode: string,
  input: CloneWaveBody,
  actor: string,
  now = new Date(),
): Promise<{ wave: WaveAdmin; invitationsCopied: number }> {
  const { wave, pending } = await startClone(sourceCode, input, actor, now);
  if (pending) await copyInvitations(sourceCode, wave.code, now);
  // The whole list of the new wave, whichever attempt copied each invitation.
  const invitationsCopied = await InvitationModel.countDocuments({ waveCode: wave.code });
  if (!pending) return { wave, invitationsCopied };
  await finishClone(wave.code, sourceCode, actor, invitationsCopied, now);
  return { wave: await getWaveAdmin(wave.code), invitationsCopied };
}
