import { AppError, ConflictError, NotFoundError, ValidationError, type InvalidParam } from '../http/errors';
import { WaveModel } from './wave.model';
import { cachedWave } from './wave-cache';
import { getQuestionnaire, lockRoles, type QuestionnaireVersion } from '../questionnaires/questionnaires.service';
import type { Localized } from '../questionnaires/definition';
import { findRegion } from '../reference/reference.service';
import type { CloneWaveBody, CreateWaveBody, LifecycleBody, UpdateWaveBody, WaveFieldsPatch } from './waves.schema';
import { missingTranslations } from '../questionnaires/texts';
import { prepareAudit } from '../audit/outbox';

export type WaveStatus = 'draft' | 'open' | 'closed' | 'archived';

export type Wave = {
  code: string;
  title: Localized;
  questionnaireId: string;
  status: WaveStatus;
  opensAt: Date | null;
  closesAt: Date | null;
  scope: { countries: string[]; regions: string[] };
  access: 'public' | 'invitation';
  anonymous: boolean;
  /** No regional breakdown: answers need no region (see checkSubmission). */
  noRegionalBreakdown: boolean;
  createdAt: Date;
};

type Doc = Omit<Wave, 'code' | 'noRegionalBreakdown'> & { _id: string; noRegionalBreakdown?: boolean };

function toWave(d: Doc): Wave {
  return {
    code: d._id,
    title: { ru: d.title?.ru ?? d._id, en: d.title?.en ?? d._id, uk: d.title?.uk ?? d._id },
    questionnaireId: d.questionnaireId,
    status: d.status,
    opensAt: d.opensAt ?? null,
    closesAt: d.closesAt ?? null,
    scope: { countries: d.scope?.countries ?? [], regions: d.scope?.regions ?? [] },
    access: d.access,
    anonymous: d.anonymous,
    noRegionalBreakdown: Boolean(d.noRegionalBreakdown),
    createdAt: d.createdAt,
  };
}

const FIELDS = {
  title: 1,
  questionnaireId: 1,
  status: 1,
  opensAt: 1,
  closesAt: 1,
  scope: 1,
  access: 1,
  anonymous: 1,
  noRegionalBreakdown: 1,
  createdAt: 1,
} as const;

export async function getWave(code: string): Promise<Wave> {
  const doc = await WaveModel.findById(code, FIELDS).lean<Doc>();
  if (!doc) throw new NotFoundError('wave', code);
  return toWave(doc);
}

export async function listWaves(): Promise<Wave[]> {
  const docs = await WaveModel.find({}, FIELDS).sort({ createdAt: -1 }).lean<Doc[]>();
  return docs.map(toWave);
}

/** The waves anyone may see without a staff session: open and public (`/w/<code>` links). */
export async function listPublicWaves(): Promise<Wave[]> {
  const docs = await WaveModel.find({ status: 'open', access: 'public' }, FIELDS).sort({ createdAt: -1 }).lean<Doc[]>();
  return docs.map(toWave);
}

/**
 * What someone without a staff session may learn of a wave: everything when it is open and
 * public; that it is answered through personal links when it is open and invitation-only; that
 * it has closed (no title, no questionnaire); nothing at all about drafts and archived waves.
 */
export function assertPubliclyVisible(wave: Wave): void {
  if (wave.status === 'draft' || wave.status === 'archived') throw new NotFoundError('wave', wave.code);
  if (wave.status === 'closed') throw new WaveClosedError(wave.code);
  if (wave.access === 'invitation') throw new InvitationRequiredError(wave.code);
}

export async function getWaveWithQuestionnaire(
  code: string,
  opts: { cached?: boolean } = {},
): Promise<{ wave: Wave; questionnaire: QuestionnaireVersion }> {
  // The submission path may use a wave read up to WAVE_CACHE_TTL_MS ago (wave-cache.ts).
  const wave = opts.cached ? await cachedWave(code, () => getWave(code)) : await getWave(code);
  return { wave, questionnaire: await getQuestionnaire(wave.questionnaireId) };
}

/** Whether the wave takes answers now; the reason when not. */
export function acceptsAnswers(
  wave: Wave,
  now = new Date(),
): { ok: true } | { ok: false; reason: 'not_open' | 'not_started' | 'ended' } {
  if (wave.status !== 'open') return { ok: false, reason: 'not_open' };
  if (wave.opensAt && now < wave.opensAt) return { ok: false, reason: 'not_started' };
  if (wave.closesAt && now >= wave.closesAt) return { ok: false, reason: 'ended' };
  return { ok: true };
}

export function assertAcceptsAnswers(wave: Wave, now = new Date()): void {
  const verdict = acceptsAnswers(wave, now);
  if (!verdict.ok) {
    const detail = {
      not_open: `The wave "${wave.code}" is ${wave.status} and does not accept answers.`,
      not_started: `The wave "${wave.code}" opens on ${wave.opensAt?.toISOString()}.`,
      ended: `The wave "${wave.code}" closed on ${wave.closesAt?.toISOString()}.`,
    }[verdict.reason];
    throw new ConflictError('wave_not_open', detail, { waveStatus: wave.status, reason: verdict.reason });
  }
}

export type NewWave = Omit<Wave, 'createdAt' | 'noRegionalBreakdown'> & {
  demo?: boolean;
  noRegionalBreakdown?: boolean;
};

/** Creates a wave unless one with that code exists (idempotent). Returns whether it created it. */
export async function createWaveIfAbsent(w: NewWave): Promise<boolean> {
  const { code, ...rest } = w;
  const res = await WaveModel.updateOne(
    { _id: code },
    { $setOnInsert: { ...rest, createdAt: new Date() } },
    { upsert: true },
  );
  // A wave created already open (demo data, scripts, tests) counts answers with today's roles.
  if (rest.status !== 'draft') await lockRoles(rest.questionnaireId);
  return res.upsertedCount === 1;
}

/** On an empty database, opens a demo wave with the default questionnaire so the app has something to show. */
export async function ensureDemoWave(
  questionnaireId: string,
  year = new Date().getFullYear(),
): Promise<string | undefined> {
  if ((await WaveModel.countDocuments({})) > 0) return undefined;
  const code = `demo-${year}`;
  await createWaveIfAbsent({
    code,
    title: {
      ru: `Барьеры межмуниципального сотрудничества — ${year} (демонстрационная волна)`,
      en: `Barriers to inter-municipal cooperation — ${year} (demo wave)`,
      uk: `Бар'єри міжмуніципального співробітництва — ${year} (демонстраційна хвиля)`,
    },
    questionnaireId,
    status: 'open',
    opensAt: null,
    closesAt: null,
    scope: { countries: ['RU', 'UA'], regions: [] },
    access: 'public',
    anonymous: false,
    demo: true,
  });
  await lockRoles(questionnaireId);
  return code;
}

// ---------------------------------------------------------------------------------------------
// Coordinator: create, edit, lifecycle, clone. Every change is one conditional single-document
// update that also appends its history entry, so a concurrent change cannot be overwritten
// silently (the condition on the status fails and the caller gets 409).

export type WaveHistoryEntry = {
  at: Date;
  by: string;
  action: string;
  from: string | null;
  to: string | null;
  fields?: string[];
};

export type WaveAdmin = Wave & {
  updatedAt: Date | null;
  clonedFrom: string | null;
  history: WaveHistoryEntry[];
  /** What a PATCH may change in the wave's current state (the client shows only these as editable). */
  editableFields: WaveField[];
  /** The lifecycle actions its current state allows (the client offers only these). */
  allowedTransitions: LifecycleAction[];
};

export type WaveField = keyof UpdateWaveBody;
export type LifecycleAction = LifecycleBody['action'];

export async function getWaveAdmin(code: string): Promise<WaveAdmin> {
  const doc = await WaveModel.findById(code, { ...FIELDS, updatedAt: 1, clonedFrom: 1, history: 1 }).lean<
    Doc & { updatedAt?: Date | null; clonedFrom?: string | null; history?: WaveHistoryEntry[] }
  >();
  if (!doc) throw new NotFoundError('wave', code);
  return {
    ...toWave(doc),
    updatedAt: doc.updatedAt ?? null,
    clonedFrom: doc.clonedFrom ?? null,
    editableFields: [...EDITABLE[doc.status]],
    allowedTransitions: allowedTransitions(doc.status),
    history: (doc.history ?? []).map((h) => ({
      at: h.at,
      by: h.by,
      action: h.action,
      from: h.from ?? null,
      to: h.to ?? null,
      ...(h.fields?.length ? { fields: h.fields } : {}),
    })),
  };
}

const date = (iso: string | null | undefined): Date | null => (iso ? new Date(iso) : null);

function fillTitle(t: { ru: string; uk: string; en: string }): Localized {
  return { ru: t.ru, uk: t.uk || t.ru, en: t.en || t.ru };
}

/** Field-level checks that zod cannot do: dates in order, regions inside the countries, questionnaire exists. */
async function checkWaveFields(w: {
  questionnaireId?: string;
  allowMissingTranslations?: boolean;
  opensAt?: string | null;
  closesAt?: string | null;
  scope?: { countries: string[]; regions: string[] };
}): Promise<void> {
  const problems: InvalidParam[] = [];
  const opens = date(w.opensAt);
  const closes = date(w.closesAt);
  if (opens && closes && closes <= opens) {
    problems.push({ name: 'body.closesAt', reason: 'must be after the opening date', code: 'date_order' });
  }
  if (w.scope) {
    w.scope.regions.forEach((code, i) => {
      const region = findRegion(code);
      if (!region)
        problems.push({ name: `body.scope.regions.${i}`, reason: `unknown region "${code}"`, code: 'unknown_region' });
      else if (!w.scope!.countries.includes(region.country))
        problems.push({
          name: `body.scope.regions.${i}`,
          reason: `"${code}" is not in the wave's countries`,
          code: 'region_outside_scope',
        });
    });
    if (new Set(w.scope.regions).size !== w.scope.regions.length)
      problems.push({ name: 'body.scope.regions', reason: 'a region is listed twice', code: 'duplicate' });
  }
  if (w.questionnaireId) {
    try {
      const q = await getQuestionnaire(w.questionnaireId);
      if (!w.allowMissingTranslations) problems.push(...translationProblems(q));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      problems.push({
        name: 'body.questionnaireId',
        reason: `no questionnaire version "${w.questionnaireId}"`,
        code: 'unknown_questionnaire',
      });
    }
  }
  if (problems.length) throw new ValidationError('The wave is not valid.', problems, 'invalid_wave');
}

/**
 * A version whose texts lack one of the languages the questionnaire is offered in cannot be
 * used by a wave unless the coordinator says so (allowMissingTranslations).
 */
function translationProblems(q: QuestionnaireVersion): InvalidParam[] {
  const m = missingTranslations(q.definition);
  const short = m.locales.filter((l) => m.missing[l] > 0);
  if (!short.length) return [];
  return [
    {
      name: 'body.questionnaireId',
      reason:
        `${q.id} has texts without a translation: ${short.map((l) => `${l} ${m.missing[l]}`).join(', ')} ` +
        `(e.g. ${m.keys.slice(0, 3).join(', ')}). Translate them in the editor, or confirm with allowMissingTranslations.`,
      code: 'missing_translations',
    },
  ];
}

export async function createWave(input: CreateWaveBody, actor: string, now = new Date()): Promise<WaveAdmin> {
  await checkWaveFields(input);
  const audit = await prepareAudit(WaveModel, input.code, {
    at: now,
    actor,
    action: 'wave.create',
    target: input.code,
    details: { questionnaireId: input.questionnaireId },
  });
  const res = await WaveModel.updateOne(
    { _id: input.code },
    {
      $setOnInsert: {
        title: fillTitle(input.title),
        questionnaireId: input.questionnaireId,
        status: 'draft',
        opensAt: date(input.opensAt),
        closesAt: date(input.closesAt),
        scope: input.scope,
        access: input.access,
        anonymous: input.anonymous,
        noRegionalBreakdown: input.noRegionalBreakdown ?? false,
        demo: false,
        createdAt: now,
        updatedAt: now,
        clonedFrom: null,
        history: [{ at: now, by: actor, action: 'create', from: null, to: 'draft' }],
        auditOutbox: audit.doc,
      },
    },
    { upsert: true },
  );
  if (res.upsertedCount !== 1) {
    await audit.cancel();
    throw new ConflictError('wave_exists', `A wave with the code "${input.code}" already exists.`);
  }
  await audit.flush();
  return getWaveAdmin(input.code);
}

/**
 * What may change in each state: a draft anything; an open wave its title and closing date (its
 * opening date has passed or is what respondents were told); a closed one its title. Sent with the
 * wave as `editableFields`: the page shows this rule, it does not keep a copy.
 */
const EDITABLE: Record<WaveStatus, readonly WaveField[]> = {
  draft: ['title', 'questionnaireId', 'opensAt', 'closesAt', 'scope', 'access', 'anonymous', 'noRegionalBreakdown'],
  open: ['title', 'closesAt'],
  closed: ['title'],
  archived: [],
};

const sameValue = (a: unknown, b: unknown) =>
  JSON.stringify(a instanceof Date ? a.toISOString() : a) === JSON.stringify(b instanceof Date ? b.toISOString() : b);

export async function updateWave(
  code: string,
  request: UpdateWaveBody,
  actor: string,
  now = new Date(),
): Promise<WaveAdmin> {
  const { allowMissingTranslations, ...patch } = request;
  const wave = await getWave(code);
  const current: Record<keyof WaveFieldsPatch, unknown> = {
    title: wave.title,
    questionnaireId: wave.questionnaireId,
    opensAt: wave.opensAt?.toISOString() ?? null,
    closesAt: wave.closesAt?.toISOString() ?? null,
    scope: wave.scope,
    access: wave.access,
    anonymous: wave.anonymous,
    noRegionalBreakdown: wave.noRegionalBreakdown,
  };
  const next = { ...patch, ...(patch.title ? { title: fillTitle(patch.title) } : {}) };
  const changed = (Object.keys(next) as (keyof WaveFieldsPatch)[]).filter((k) => {
    const v = next[k];
    if (k === 'opensAt' || k === 'closesAt')
      return !sameValue(date(v as string | null), date(current[k] as string | null));
    return !sameValue(v, current[k]);
  });
  if (changed.length === 0) return getWaveAdmin(code);
  const locked = changed.filter((k) => !EDITABLE[wave.status].includes(k));
  if (locked.length) {
    const detail =
      wave.status === 'open' && locked.includes('questionnaireId')
        ? `The wave "${code}" is open: its questionnaire cannot change. Close it and clone it into a new wave instead.`
        : wave.status === 'archived'
          ? `The wave "${code}" is archived and cannot change.`
          : `The wave "${code}" is ${wave.status}: ${locked.join(', ')} can no longer change.`;
    throw new ConflictError('wave_locked', detail, { waveStatus: wave.status, fields: locked });
  }
  await checkWaveFields({
    questionnaireId: changed.includes('questionnaireId') ? patch.questionnaireId : undefined,
    allowMissingTranslations,
    opensAt: patch.opensAt !== undefined ? patch.opensAt : (current.opensAt as string | null),
    closesAt: patch.closesAt !== undefined ? patch.closesAt : (current.closesAt as string | null),
    scope: patch.scope,
  });
  const audit = await prepareAudit(WaveModel, code, {
    at: now,
    actor,
    action: 'wave.update',
    target: code,
    details: { fields: changed },
  });
  const set: Record<string, unknown> = { updatedAt: now, ...audit.set };
  for (const k of changed) {
    const v = next[k];
    set[k] = k === 'opensAt' || k === 'closesAt' ? date(v as string | null) : v;
  }
  const res = await WaveModel.updateOne(
    { _id: code, status: wave.status },
    {
      $set: set,
      $push: {
        history: {
          $each: [{ at: now, by: actor, action: 'update', from: wave.status, to: wave.status, fields: changed }],
        },
      },
    },
  );
  if (res.matchedCount === 0) {
    await audit.cancel();
    throw new ConflictError('wave_changed', `The wave "${code}" changed meanwhile; reload and try again.`);
  }
  await audit.flush();
  return getWaveAdmin(code);
}

const TRANSITIONS: Record<LifecycleAction, { from: WaveStatus[]; to: WaveStatus }> = {
  open: { from: ['draft'], to: 'open' },
  close: { from: ['open'], to: 'closed' },
  reopen: { from: ['closed'], to: 'open' },
  archive: { from: ['draft', 'closed'], to: 'archived' },
};

/** The lifecycle actions allowed from a state, in the order the page offers them. */
export function allowedTransitions(status: WaveStatus): LifecycleAction[] {
  return (Object.keys(TRANSITIONS) as LifecycleAction[]).filter((a) => TRANSITIONS[a].from.includes(status));
}

/** draft → open → closed → archived (and closed → open again, logged). Enforced here, not in the UI. */
export async function changeWaveStatus(
  code: string,
  input: LifecycleBody,
  actor: string,
  now = new Date(),
): Promise<{ wave: WaveAdmin; from: WaveStatus }> {
  const wave = await getWave(code);
  const rule = TRANSITIONS[input.action];
  if (!rule.from.includes(wave.status)) {
    throw new ConflictError(
      'invalid_transition',
      `A ${wave.status} wave cannot be ${
        { open: 'opened', close: 'closed', reopen: 'reopened', archive: 'archived' }[input.action]
      } (allowed from: ${rule.from.join(', ')}).`,
      { waveStatus: wave.status, action: input.action },
    );
  }
  const set: Record<string, unknown> = { status: rule.to, updatedAt: now };
  if (input.action === 'open' || input.action === 'reopen') {
    const closesAt = input.closesAt !== undefined ? date(input.closesAt) : wave.closesAt;
    if (closesAt && closesAt <= now) {
      throw new ValidationError(
        'The closing date has passed: give a new closing date to open the wave.',
        [{ name: 'body.closesAt', reason: 'must be in the future', code: 'closes_at_passed' }],
        'closes_at_passed',
      );
    }
    if (input.closesAt !== undefined) set.closesAt = closesAt;
    const questionnaire = await getQuestionnaire(wave.questionnaireId);
    if (wave.access === 'public' && !questionnaire.roles.region && !wave.noRegionalBreakdown) {
      throw new ValidationError(
        `The questionnaire ${questionnaire.id} has no region question, so the answers on this wave's public link ` +
          `could not be counted per region. Choose its region question in the questionnaire library, or mark ` +
          `the wave as having no regional breakdown, then open it.`,
        [
          {
            name: 'body.noRegionalBreakdown',
            reason: 'the questionnaire has no region question: mark the wave as having no regional breakdown',
            code: 'no_region_question',
          },
        ],
        'no_region_question',
      );
    }
    // Answers are counted with the roles in force now: from here on they cannot change.
    await lockRoles(questionnaire.id);
  } else if (input.closesAt !== undefined) {
    throw new ValidationError('closesAt can only be given when opening or reopening.', [
      { name: 'body.closesAt', reason: 'only with open or reopen', code: 'not_allowed' },
    ]);
  }
  const audit = await prepareAudit(WaveModel, code, {
    at: now,
    actor,
    action: `wave.${input.action}`,
    target: code,
    details: { from: wave.status, to: rule.to },
  });
  const res = await WaveModel.updateOne(
    { _id: code, status: wave.status },
    {
      $set: { ...set, ...audit.set },
      $push: {
        history: {
          $each: [
            {
              at: now,
              by: actor,
              action: input.action,
              from: wave.status,
              to: rule.to,
              ...(set.closesAt !== undefined ? { fields: ['closesAt'] } : {}),
            },
          ],
        },
      },
    },
  );
  if (res.matchedCount === 0) {
    await audit.cancel();
    throw new ConflictError('wave_changed', `The wave "${code}" changed meanwhile; reload and try again.`);
  }
  await audit.flush();
  return { wave: await getWaveAdmin(code), from: wave.status };
}

/**
 * The first step of a clone (waves/clone-wave.ts runs the whole use case): a new draft wave from
 * an existing one, with the same scope, access and anonymity, the same or a newer version of the
 * same questionnaire, new code, title and dates, marked `pendingClone` until its invitation list
 * is copied. Replaying it (same code, same source) finds the wave instead of failing; `pending`
 * says whether the rest of the clone is still to do.
 */
export async function startClone(
  sourceCode: string,
  input: CloneWaveBody,
  actor: string,
  now = new Date(),
): Promise<{ wave: WaveAdmin; pending: boolean }> {
  const source = await getWave(sourceCode);
  const questionnaireId = input.questionnaireId ?? source.questionnaireId;
  const [sourceKey] = source.questionnaireId.split('@');
  const [key, version] = questionnaireId.split('@');
  if (key !== sourceKey || Number(version) < Number(source.questionnaireId.split('@')[1])) {
    throw new ValidationError(
      'A clone uses the same questionnaire or a newer version of it.',
      [
        {
          name: 'body.questionnaireId',
          reason: `must be ${sourceKey}@n with n ≥ the source's version`,
          code: 'not_newer',
        },
      ],
      'invalid_wave',
    );
  }
  await checkWaveFields({
    questionnaireId,
    opensAt: input.opensAt,
    closesAt: input.closesAt,
    allowMissingTranslations: input.allowMissingTranslations,
  });
  const res = await WaveModel.updateOne(
    { _id: input.code },
    {
      $setOnInsert: {
        title: fillTitle(input.title),
        questionnaireId,
        status: 'draft',
        opensAt: date(input.opensAt),
        closesAt: date(input.closesAt),
        scope: source.scope,
        access: source.access,
        anonymous: source.anonymous,
        noRegionalBreakdown: source.noRegionalBreakdown,
        demo: false,
        createdAt: now,
        updatedAt: now,
        clonedFrom: source.code,
        pendingClone: source.code,
        history: [{ at: now, by: actor, action: 'clone', from: source.code, to: 'draft' }],
      },
    },
    { upsert: true },
  );
  const created = await getWaveAdmin(input.code);
  if (res.upsertedCount !== 1 && (created.clonedFrom !== source.code || created.status !== 'draft')) {
    throw new ConflictError('wave_exists', `A wave with the code "${input.code}" already exists.`);
  }
  const mark = await WaveModel.findById(input.code, { pendingClone: 1 }).lean<{ pendingClone?: string | null }>();
  return { wave: created, pending: mark?.pendingClone === source.code };
}

/**
 * The last step of a clone: clears the pending mark and records the audit entry in the same
 * update (its id is fixed per clone, so a replay cannot record it twice), then flushes it.
 */
export async function finishClone(
  code: string,
  sourceCode: string,
  actor: string,
  invitationsCopied: number,
  now = new Date(),
): Promise<void> {
  const audit = await prepareAudit(
    WaveModel,
    code,
    { at: now, actor, action: 'wave.clone', target: code, details: { from: sourceCode, invitationsCopied } },
    `clone-${code}`,
  );
  await WaveModel.updateOne({ _id: code, pendingClone: sourceCode }, { $set: { pendingClone: null, ...audit.set } });
  await audit.flush();
}

/** Thrown by respondent routes of an invitation-only wave reached through the public link. */
export class WaveClosedError extends AppError {
  constructor(code: string) {
    super(410, 'Gone', 'wave_closed', `The wave "${code}" has closed and no longer accepts answers.`);
  }
}

export class InvitationRequiredError extends AppError {
  constructor(code: string) {
    super(
      403,
      'Forbidden',
      'invitation_required',
      `The wave "${code}" is answered through personal invitation links only.`,
    );
  }
}
