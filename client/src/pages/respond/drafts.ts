// In-progress answers and the attempt's client id, kept in localStorage so a respondent can close
// the tab and come back to the same link: per wave code for the public link, per invitation id
// (never the secret token) for a personal link, whose server keeps its own copy too.

export type QuestionnaireRef = { key: string; version: number | string };

export type Draft = {
  /** One per attempt; the server stores a response once per clientId, so retries never duplicate. */
  clientId: string;
  startedAt: string;
  questionnaire: QuestionnaireRef;
  data: Record<string, unknown>;
  pageNo: number;
};

export type LastSubmission = { id: string; submittedAt: string };

const draftKey = (code: string) => `lsg-barometer:draft:${code}`;
const submittedKey = (code: string) => `lsg-barometer:submitted:${code}`;

function read(key: string): unknown {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as unknown) : null;
  } catch {
    return null; // blocked storage or a corrupt value: start clean
  }
}

function write(key: string, value: unknown): void {
  try {
    localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // quota or privacy mode: the survey still works, only without autosave
  }
}

function remove(key: string): void {
  try {
    localStorage.removeItem(key);
  } catch {
    // nothing to do
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The saved draft, if there is one for this exact questionnaire version. */
export function loadDraft(code: string, questionnaire: QuestionnaireRef): Draft | null {
  const d = read(draftKey(code));
  if (!isObject(d) || typeof d.clientId !== 'string' || typeof d.startedAt !== 'string' || !isObject(d.data))
    return null;
  const q = d.questionnaire;
  if (!isObject(q) || q.key !== questionnaire.key || String(q.version) !== String(questionnaire.version)) return null;
  return {
    clientId: d.clientId,
    startedAt: d.startedAt,
    questionnaire,
    data: d.data,
    pageNo: typeof d.pageNo === 'number' && d.pageNo >= 0 ? d.pageNo : 0,
  };
}

export function newDraft(questionnaire: QuestionnaireRef): Draft {
  return { clientId: newClientId(), startedAt: new Date().toISOString(), questionnaire, data: {}, pageNo: 0 };
}

export function saveDraft(code: string, draft: Draft): void {
  write(draftKey(code), draft);
}

/** Removes the draft; with `clientId`, only if it is still that attempt's (not a newer one). */
export function clearDraft(code: string, clientId?: string): void {
  if (clientId !== undefined) {
    const d = read(draftKey(code));
    if (isObject(d) && d.clientId !== clientId) return;
  }
  remove(draftKey(code));
}

export function loadLastSubmission(code: string): LastSubmission | null {
  const s = read(submittedKey(code));
  return isObject(s) && typeof s.id === 'string' && typeof s.submittedAt === 'string'
    ? { id: s.id, submittedAt: s.submittedAt }
    : null;
}

export function saveLastSubmission(code: string, submission: LastSubmission): void {
  write(submittedKey(code), submission);
}

/** crypto.randomUUID needs a secure context; plain-HTTP intranet installs fall back to getRandomValues. */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// ---- a personal link's answers (keyed by the invitation id) ----

export type LocalInviteDraft = {
  clientId: string;
  startedAt: string;
  data: Record<string, unknown>;
  pageNo: number;
  savedAt: string;
};

const inviteKey = (invitationId: string) => `lsg-barometer:invite:${invitationId}`;

export function loadInviteDraft(invitationId: string): LocalInviteDraft | null {
  const d = read(inviteKey(invitationId));
  if (!isObject(d) || typeof d.clientId !== 'string' || typeof d.savedAt !== 'string' || !isObject(d.data)) return null;
  return {
    clientId: d.clientId,
    startedAt: typeof d.startedAt === 'string' ? d.startedAt : d.savedAt,
    data: d.data,
    pageNo: typeof d.pageNo === 'number' && d.pageNo >= 0 ? d.pageNo : 0,
    savedAt: d.savedAt,
  };
}

/** Storage full or blocked: the server copy still autosaves. */
export function saveInviteDraft(invitationId: string, draft: LocalInviteDraft): void {
  write(inviteKey(invitationId), draft);
}

export function clearInviteDraft(invitationId: string): void {
  remove(inviteKey(invitationId));
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
