// The official's answers for one invitation, kept in this browser as they are typed (the server
// keeps its own copy too). Keyed by the invitation id, never by the secret token.
export type LocalInviteDraft = {
  clientId: string;
  startedAt: string;
  data: Record<string, unknown>;
  pageNo: number;
  savedAt: string;
};

const key = (invitationId: string) => `lsg-barometer:invite:${invitationId}`;

export function loadInviteDraft(invitationId: string): LocalInviteDraft | null {
  try {
    const raw = localStorage.getItem(key(invitationId));
    const d = raw ? (JSON.parse(raw) as Partial<LocalInviteDraft>) : null;
    if (!d || typeof d.clientId !== 'string' || typeof d.savedAt !== 'string' || typeof d.data !== 'object' || !d.data)
      return null;
    return {
      clientId: d.clientId,
      startedAt: typeof d.startedAt === 'string' ? d.startedAt : d.savedAt,
      data: d.data,
      pageNo: typeof d.pageNo === 'number' && d.pageNo >= 0 ? d.pageNo : 0,
      savedAt: d.savedAt,
    };
  } catch {
    return null;
  }
}

export function saveInviteDraft(invitationId: string, draft: LocalInviteDraft): void {
  try {
    localStorage.setItem(key(invitationId), JSON.stringify(draft));
  } catch {
    // storage full or blocked: the server copy still autosaves
  }
}

export function clearInviteDraft(invitationId: string): void {
  try {
    localStorage.removeItem(key(invitationId));
  } catch {
    // nothing to do
  }
}

/**
 * When an autosave is refused because another tab or device saved first (409 draft_conflict),
 * the page keeps the newest answer of each question: the server's draft is the base and the
 * questions this page changed since its last confirmed save are laid over it (a question cleared
 * here is cleared there). The merged answers are shown and saved on the server's revision.
 */
export function mergeDrafts(
  server: Record<string, unknown>,
  mine: Record<string, unknown>,
  changedHere: Iterable<string>,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...server };
  for (const name of changedHere) {
    if (Object.prototype.hasOwnProperty.call(mine, name) && mine[name] !== undefined) merged[name] = mine[name];
    else delete merged[name];
  }
  return merged;
}
