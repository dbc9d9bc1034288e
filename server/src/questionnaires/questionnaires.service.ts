import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError, NotFoundError, ValidationError } from '../http/errors';
import { QuestionnaireModel } from './questionnaire.model';
import { prepareAudit } from '../audit/outbox';
import { checkDefinition, localizedText, titleOf, type Localized } from './definition';
import { parseJsonText } from './json-text';
import { sanitizeDefinition } from './markup';
import type { InvalidParam } from '../http/errors';
import { createModel, definedQuestions, questionsIn } from './survey-model';
import type { Question } from 'survey-core';
import { LSG_ROLES, roleProblems, rolesFromDefinition, roleWarnings, type Roles } from './roles';
import { ConflictError } from '../http/errors';
import { checkAnswers } from './answers';
import { missingTranslations, type MissingTranslations } from './texts';

export type QuestionnaireVersion = {
  id: string;
  key: string;
  version: number;
  title: Localized;
  definition: Record<string, unknown>;
  source: 'file' | 'upload';
  createdAt: Date;
  /** The roles of questions (roles.ts), as stored with the version. */
  roles: Roles;
  /** Set when a wave opened on this version: the roles can no longer change. */
  rolesLocked: boolean;
};

type Doc = {
  _id: string;
  key: string;
  version: number;
  title?: Partial<Localized>;
  definitionJson: string;
  source: 'file' | 'upload';
  createdAt: Date;
  roles?: Roles | null;
  rolesLocked?: boolean;
};

/** Only known roles naming a question: what the store holds is read defensively. */
function cleanRoles(raw: unknown): Roles {
  const out: Roles = {};
  if (!raw || typeof raw !== 'object') return out;
  for (const role of LSG_ROLES) {
    const v = (raw as Record<string, unknown>)[role];
    if (typeof v === 'string' && v) out[role] = v;
  }
  return out;
}

function toVersion(d: Doc): QuestionnaireVersion {
  const definition = JSON.parse(d.definitionJson) as Record<string, unknown>;
  return {
    id: d._id,
    key: d.key,
    version: d.version,
    title: titleOf(definition, d.key),
    definition,
    source: d.source,
    createdAt: d.createdAt,
    // Versions stored before roles were stored keep what their file proposed.
    roles: d.roles ? cleanRoles(d.roles) : rolesFromDefinition(definition),
    rolesLocked: Boolean(d.rolesLocked),
  };
}

/** Canonical hash: the same questions in the same order hash the same, whatever the whitespace. */
export function definitionHash(definition: unknown): string {
  return createHash('sha256').update(JSON.stringify(definition)).digest('hex');
}

// Definitions never change once stored, so caching them in-process is safe across instances.
// Roles can change until they are locked (when a wave opens on the version): until then a hit
// re-reads them, one lookup by _id, so another instance's change is seen.
const cache = new Map<string, QuestionnaireVersion>();

export async function getQuestionnaire(
  id: string,
  /** Roles just read with the version (e.g. by the library list): no need to read them again. */
  known?: Pick<QuestionnaireVersion, 'roles' | 'rolesLocked'>,
): Promise<QuestionnaireVersion> {
  const hit = cache.get(id);
  if (hit?.rolesLocked) return hit;
  if (hit && known) {
    const v = { ...hit, roles: known.roles, rolesLocked: known.rolesLocked };
    cache.set(id, v);
    return v;
  }
  if (hit) {
    const fresh = await QuestionnaireModel.findById(id, { roles: 1, rolesLocked: 1 })
      .maxTimeMS(10_000)
      .lean<Pick<Doc, 'roles' | 'rolesLocked'>>();
    if (!fresh) throw new NotFoundError('questionnaire', id);
    const v = {
      ...hit,
      roles: fresh.roles ? cleanRoles(fresh.roles) : hit.roles,
      rolesLocked: Boolean(fresh.rolesLocked),
    };
    cache.set(id, v);
    return v;
  }
  const doc = await QuestionnaireModel.findById(id).lean<Doc>();
  if (!doc) throw new NotFoundError('questionnaire', id);
  const v = toVersion(doc);
  cache.set(id, v);
  return v;
}

export async function listQuestionnaires(): Promise<Omit<QuestionnaireVersion, 'definition'>[]> {
  const docs = await QuestionnaireModel.find(
    {},
    { definitionJson: 1, key: 1, version: 1, source: 1, createdAt: 1, roles: 1, rolesLocked: 1 },
  )
    .sort({ key: 1, version: 1 })
    .lean<Doc[]>();
  return docs.map((d) => {
    const { definition: _definition, ...rest } = toVersion(d);
    return rest;
  });
}

export type Registered = {
  version: QuestionnaireVersion;
  created: boolean;
  /** The texts whose markup the sanitizer changed (JSON paths), as stored. */
  sanitized: InvalidParam[];
  /** Plain-word warnings (e.g. no region question); the version is stored anyway. */
  warnings: string[];
};

/**
 * Stores a definition as a version of `key`, idempotently: the same content already stored
 * returns that version; new content becomes the next version. Safe to run concurrently and
 * to replay (the version id is the _id, so two racers cannot both create it). Markup outside
 * the allow-list is removed before the version is stored (and hashed). A new version uploaded
 * `by` a coordinator is recorded with it (`questionnaire.upload`); shipped files are not.
 */
export async function registerVersion(
  key: string,
  raw: Record<string, unknown>,
  source: 'file' | 'upload',
  by?: string,
): Promise<Registered> {
  const problems = checkDefinition(raw);
  let proposed: Roles = {};
  if (!problems.length) {
    const model = createModel(raw);
    proposed = rolesFromDefinition(model);
    problems.push(...roleProblems(model, proposed));
  }
  if (problems.length)
    throw new ValidationError(`The questionnaire "${key}" is not valid.`, problems, 'invalid_questionnaire');
  const { definition, changed: sanitized } = sanitizeDefinition(raw);
  const hash = definitionHash(definition);
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await QuestionnaireModel.find({ key }, { _id: 1, version: 1, hash: 1 }).lean<
      { _id: string; version: number; hash: string }[]
    >();
    const same = existing.find((e) => e.hash === hash);
    if (same) {
      const version = await getQuestionnaire(same._id);
      return { version, created: false, sanitized, warnings: roleWarnings(version.roles) };
    }
    const next = existing.reduce((m, e) => Math.max(m, e.version), 0) + 1;
    const id = `${key}@${next}`;
    const now = new Date();
    const audit = by
      ? await prepareAudit(QuestionnaireModel, id, {
          at: now,
          actor: by,
          action: 'questionnaire.upload',
          target: id,
          details: {},
        })
      : undefined;
    const res = await QuestionnaireModel.updateOne(
      { _id: id },
      {
        $setOnInsert: {
          key,
          version: next,
          title: titleOf(definition, key),
          definitionJson: JSON.stringify(definition),
          hash,
          source,
          createdAt: now,
          roles: proposed,
          rolesLocked: false,
          ...(audit ? { auditOutbox: audit.doc } : {}),
        },
      },
      { upsert: true },
    );
    if (res.upsertedCount === 1) {
      await audit?.flush();
      return { version: await getQuestionnaire(id), created: true, sanitized, warnings: roleWarnings(proposed) };
    }
    await audit?.cancel();
    // Someone else took this version number: look again.
  }
  throw new Error(`Could not allocate a version for questionnaire ${key}`);
}

/**
 * Chooses the roles of a version's questions (the library UI). Refused with 409 once a wave has
 * opened on the version: its answers were counted with the roles then in force. Recorded with
 * the change (`questionnaire.roles`).
 */
export async function setRoles(id: string, roles: Roles, by: string): Promise<QuestionnaireVersion> {
  const v = await getQuestionnaire(id);
  const problems = roleProblems(v.definition, roles);
  if (problems.length) throw new ValidationError('These roles cannot be used.', problems, 'invalid_roles');
  const audit = await prepareAudit(QuestionnaireModel, id, {
    at: new Date(),
    actor: by,
    action: 'questionnaire.roles',
    target: id,
    details: {},
  });
  const res = await QuestionnaireModel.updateOne(
    { _id: id, rolesLocked: { $ne: true } },
    { $set: { roles: cleanRoles(roles), ...audit.set } },
  );
  if (res.matchedCount === 0) {
    await audit.cancel();
    throw new ConflictError(
      'roles_locked',
      `A wave has been opened on ${id}: its roles can no longer change. Upload the questionnaire again as a new version to use other roles.`,
    );
  }
  await audit.flush();
  return getQuestionnaire(id);
}

/** Freezes the roles of a version (called when a wave opens on it). Idempotent. */
export async function lockRoles(id: string): Promise<void> {
  await QuestionnaireModel.updateOne({ _id: id, rolesLocked: { $ne: true } }, { $set: { rolesLocked: true } });
  cache.delete(id);
}

const FILE_RE = /^v(\d+)\.json$/;

/** Loads every `surveys/<key>/v<n>.json` in version order. Unchanged files create nothing. */
export async function loadShippedQuestionnaires(
  surveysDir: string,
): Promise<{ key: string; file: string; id: string; created: boolean }[]> {
  const out: { key: string; file: string; id: string; created: boolean }[] = [];
  if (!fs.existsSync(surveysDir)) return out;
  for (const key of fs.readdirSync(surveysDir).sort()) {
    const dir = path.join(surveysDir, key);
    if (!fs.statSync(dir).isDirectory() || !/^[a-z0-9][a-z0-9_-]{0,60}$/.test(key)) continue;
    const files = fs
      .readdirSync(dir)
      .filter((f) => FILE_RE.test(f))
      .sort((a, b) => Number(FILE_RE.exec(a)![1]) - Number(FILE_RE.exec(b)![1]));
    for (const file of files) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      let definition: Record<string, unknown>;
      try {
        definition = JSON.parse(text) as Record<string, unknown>;
      } catch (err) {
        throw new Error(`surveys/${key}/${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
      }
      const { version, created } = await registerVersion(key, definition, 'file');
      out.push({ key, file, id: version.id, created });
    }
  }
  return out;
}

/**
 * A coordinator's upload: the JSON text (so a syntax error can be reported by line and column),
 * checked by survey-core, stored as the next version of `key` in one single-document write.
 * Nothing is stored when anything is wrong.
 */
export async function uploadQuestionnaire(key: string, text: string, by: string): Promise<Registered> {
  return registerVersion(key, parseDefinitionText(text), 'upload', by);
}

export type QuestionSummary = { name: string; type: string; page: string; title: Localized };

/** Every question (including those inside panels and dynamic panels) in page order. */
export function questionsOf(definition: Record<string, unknown>): (QuestionSummary & { json: string })[] {
  const model = createModel(definition);
  return questionsIn(model).map((q) => {
    const json = q.toJSON() as Record<string, unknown>;
    return {
      name: q.getValueName(),
      type: q.getType(),
      page: q.page?.name ?? '',
      title: localizedText(json.title, q.name),
      json: JSON.stringify(json),
    };
  });
}

export async function getQuestionnaireVersion(key: string, version: number): Promise<QuestionnaireVersion> {
  return getQuestionnaire(`${key}@${version}`);
}

export type QuestionnaireDiff = {
  key: string;
  from: number;
  to: number;
  added: QuestionSummary[];
  removed: QuestionSummary[];
  changed: QuestionSummary[];
  unchanged: string[];
};

/** Which question names two versions share, add, drop or define differently. */
export async function diffVersions(key: string, from: number, to: number): Promise<QuestionnaireDiff> {
  const [a, b] = await Promise.all([getQuestionnaireVersion(key, from), getQuestionnaireVersion(key, to)]);
  return { key, from, to, ...diffDefinitions(a.definition, b.definition) };
}

/**
 * The questions a diff compares: as the definition writes them, a question inside a dynamic
 * panel once (from the panel's template) and named `<panel>.<question>`.
 */
function diffEntries(definition: Record<string, unknown>): (QuestionSummary & { json: string })[] {
  const model = createModel(definition);
  const pathOf = new Map<Question, string>();
  return definedQuestions(model).map(({ question: q, panel }) => {
    const name = panel ? `${pathOf.get(panel) ?? panel.getValueName()}.${q.getValueName()}` : q.getValueName();
    pathOf.set(q, name);
    const json = q.toJSON() as Record<string, unknown>;
    return {
      name,
      type: q.getType(),
      page: (q.page ?? panel?.page)?.name ?? '',
      title: localizedText(json.title, q.name),
      json: JSON.stringify(json),
    };
  });
}

/** The same comparison between two definitions (the editor compares its draft with the version it started from). */
export function diffDefinitions(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
): Omit<QuestionnaireDiff, 'key' | 'from' | 'to'> {
  const before = new Map(diffEntries(a).map((q) => [q.name, q]));
  const after = diffEntries(b);
  const afterNames = new Set(after.map((q) => q.name));
  const strip = ({ json: _json, ...q }: QuestionSummary & { json: string }) => q;
  return {
    added: after.filter((q) => !before.has(q.name)).map(strip),
    removed: [...before.values()].filter((q) => !afterNames.has(q.name)).map(strip),
    changed: after.filter((q) => before.has(q.name) && before.get(q.name)!.json !== q.json).map(strip),
    unchanged: after.filter((q) => before.has(q.name) && before.get(q.name)!.json === q.json).map((q) => q.name),
  };
}

export type DraftCheck = {
  /** What an upload of this draft would refuse (empty: it would be stored). */
  problems: InvalidParam[];
  /** Texts missing one of the questionnaire's languages. */
  translations: MissingTranslations;
  /** Problems of `answers` (the editor's "try it"), when answers were given and the draft is valid. */
  answerProblems: InvalidParam[] | null;
};

/**
 * Runs the upload's checks on a draft without storing anything, and optionally the server's
 * check of a set of answers against it (the same check a submission goes through).
 */
export function checkDraft(definition: Record<string, unknown>, answers?: Record<string, unknown>): DraftCheck {
  const problems = checkDefinition(definition);
  if (!problems.length) {
    const model = createModel(definition);
    problems.push(...roleProblems(model, rolesFromDefinition(model)));
  }
  const answerProblems = answers && !problems.length ? checkAnswers(definition, answers).problems : null;
  return { problems, translations: missingTranslations(definition), answerProblems };
}

/** Parses a draft's JSON text as an upload does (422 with line and column when it is not JSON). */
export function parseDefinitionText(text: string): Record<string, unknown> {
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    const { line, column, message } = parsed.error;
    throw new AppError(
      422,
      'Unprocessable Content',
      'invalid_questionnaire',
      `The file is not valid JSON (line ${line}, column ${column}).`,
      [{ name: '(json)', reason: `line ${line}, column ${column}: ${message}`, code: 'invalid_json' }],
      { jsonError: { line, column, message } },
    );
  }
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(
      'A questionnaire must be a JSON object.',
      [{ name: '(root)', reason: 'a questionnaire must be a JSON object', code: 'not_object' }],
      'invalid_questionnaire',
    );
  }
  return value as Record<string, unknown>;
}
