// The knowledge base of municipal practices: editors' changes (each one versioned single-document
// update with its history record), the public browse and search, the links from obstacles to
// practices, the coverage of obstacles, and the drafts made from a practice call's answers.
import { createHash, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { ConflictError, NotFoundError, ValidationError } from '../http/errors';
import { storeVersion } from '../db/connection';
import { abortable } from '../db/abortable';
import { obstacles as referenceObstacles, findRegion } from '../reference/reference.service';
import { ResponseModel } from '../responses/response.model';
import { getWave, listWaves } from '../waves/waves.service';
import { obstacleTally } from '../analytics/tally.service';
import { NO_FILTERS } from '../analytics/filters';
import { PracticeModel } from './practice.model';
import { audited, beginAudit, prepareAudit, prepareDeletionAudit, recordEvent } from '../audit/outbox';
import type { AuditAction } from '../audit/audit.service';
import { PracticeFieldsSchema, type BrowseQuery, type PracticeFields, type Review } from './practices.schema';
import { OBSTACLE_CODES } from './vocabulary';
import type { ExportablePractice } from './practice-io';

export const PRACTICE_CALL_QUESTIONNAIRE = 'imc-practices';

export type Status = 'draft' | 'published';
type HistoryEntry = { at: Date; by: string; action: string; version: number; before: Record<string, unknown> };
export type PracticeDoc = PracticeFields & {
  _id: string;
  version: number;
  status: Status;
  review: Review;
  origin: { kind: 'manual' | 'import' | 'call'; waveCode: string | null; responseId: string | null };
  searchText: string;
  createdAt: Date;
  updatedAt: Date;
  publishedAt: Date | null;
  history: HistoryEntry[];
};

const REVIEW_EMPTY: Review = { uniqueness: null, typicalProblem: null, replicability: null, note: '' };

// ---- search text ----

/** Lower case, ё → е, every run of non-letters/digits one space: the same for stored text and queries. */
export function normaliseText(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFC')
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function searchTextOf(p: PracticeFields): string {
  return normaliseText(
    [p.title, p.problem, p.actions, p.results, p.municipalities.join(' '), p.source].filter(Boolean).join(' '),
  );
}

export type SearchMode = 'text-index' | 'regex';
let mode: Promise<SearchMode> | undefined;

/**
 * How a full-text query runs: MongoDB answers `$text` from a text index on `searchText`; the
 * embedded FerretDB v1 has no text indexes, so there every word of the query must occur in the
 * normalised `searchText` (an escaped, anchored-to-nothing regex per word).
 */
export function searchMode(): Promise<SearchMode> {
  mode ??= storeVersion().then(
    (v) => (v.ferretdb ? 'regex' : 'text-index'),
    (err: unknown) => {
      mode = undefined;
      throw err;
    },
  );
  return mode;
}

/** For tests: forget the detected mode (a new connection may be another store). */
export function resetSearchMode(): void {
  mode = undefined;
}

export const TEXT_INDEX_NAME = 'practice_search_text';

/** The text index on MongoDB (start-up; idempotent). The embedded store has none to build. */
export async function ensurePracticeTextIndex(): Promise<void> {
  if ((await searchMode()) !== 'text-index') return;
  await PracticeModel.collection.createIndex(
    { searchText: 'text' },
    { name: TEXT_INDEX_NAME, default_language: 'none', language_override: 'textLanguage' },
  );
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function textFilter(q: string): Promise<Record<string, unknown>[]> {
  const words = normaliseText(q).split(' ').filter(Boolean).slice(0, 10);
  if (!words.length) return [];
  if ((await searchMode()) === 'text-index') {
    // Every word must occur: quoted terms are ANDed by $text.
    return [{ $text: { $search: words.map((w) => `"${w}"`).join(' ') } }];
  }
  return words.map((w) => ({ searchText: { $regex: escapeRegex(w) } }));
}

// ---- shapes ----

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

function fieldsOf(d: PracticeDoc): PracticeFields {
  return {
    language: d.language,
    title: d.title,
    problem: d.problem ?? '',
    actions: d.actions ?? '',
    results: d.results ?? '',
    municipalities: d.municipalities ?? [],
    municipalityCount: d.municipalityCount ?? null,
    country: d.country ?? '',
    regions: d.regions ?? [],
    municipalityTypes: d.municipalityTypes ?? [],
    sizeClasses: d.sizeClasses ?? [],
    obstacles: d.obstacles ?? [],
    forms: d.forms ?? [],
    fields: d.fields ?? [],
    yearFrom: d.yearFrom ?? null,
    yearTo: d.yearTo ?? null,
    source: d.source ?? '',
    contact: d.contact ?? '',
    attachments: (d.attachments ?? []).map((a) => ({ title: a.title ?? '', url: a.url })),
  };
}

export function publicView(d: PracticeDoc) {
  return {
    id: d._id,
    version: d.version,
    status: d.status,
    ...fieldsOf(d),
    createdAt: iso(d.createdAt)!,
    updatedAt: iso(d.updatedAt)!,
    publishedAt: iso(d.publishedAt),
  };
}

export function editorView(d: PracticeDoc) {
  return {
    ...publicView(d),
    review: { ...REVIEW_EMPTY, ...(d.review ?? {}) },
    origin: { kind: d.origin?.kind ?? 'manual', waveCode: d.origin?.waveCode ?? null },
    history: (d.history ?? []).map((h) => ({
      at: iso(h.at)!,
      by: h.by,
      action: h.action,
      version: h.version,
      fields: Object.keys(h.before ?? {}),
    })),
  };
}

/** The fields of a practice a list shows, in this order. */
const LISTED_FIELDS = ['country', 'regions', 'obstacles', 'fields', 'municipalityTypes', 'yearFrom', 'yearTo'] as const;

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
}

export function summaryView(d: PracticeDoc) {
  return {
    id: d._id,
    title: d.title,
    status: d.status,
    ...pick(fieldsOf(d), LISTED_FIELDS),
    updatedAt: iso(d.updatedAt)!,
    publishedAt: iso(d.publishedAt),
  };
}

// ---- ids ----

const TRANSLIT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  ґ: 'g',
  д: 'd',
  е: 'e',
  ё: 'e',
  є: 'ye',
  ж: 'zh',
  з: 'z',
  и: 'i',
  і: 'i',
  ї: 'yi',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ъ: '',
  ы: 'y',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
};

/** A readable, stable address: the title transliterated, plus a random suffix. */
export function newPracticeId(title: string, seed?: string): string {
  const base = [...title.toLowerCase()]
    .map((ch) => TRANSLIT[ch] ?? ch)
    .join('')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  const suffix = seed ? createHash('sha256').update(seed).digest('hex').slice(0, 8) : randomBytes(4).toString('hex');
  return `${base || 'practice'}-${suffix}`;
}

// ---- editors' changes ----

type Origin = PracticeDoc['origin'];

function newDoc(fields: PracticeFields, status: Status, by: string, origin: Origin, id?: string): PracticeDoc {
  const now = new Date();
  return {
    _id: id ?? newPracticeId(fields.title),
    version: 1,
    status,
    ...fields,
    review: { ...REVIEW_EMPTY },
    origin,
    searchText: searchTextOf(fields),
    createdAt: now,
    updatedAt: now,
    publishedAt: status === 'published' ? now : null,
    history: [{ at: now, by, action: origin.kind === 'manual' ? 'create' : origin.kind, version: 1, before: {} }],
  };
}

/** Creates a practice, recorded with it (`practice.create`). */
export async function createPractice(fields: PracticeFields, status: Status, by: string): Promise<PracticeDoc> {
  const doc = newDoc(fields, status, by, { kind: 'manual', waveCode: null, responseId: null });
  const audit = await prepareAudit(PracticeModel, doc._id, {
    at: doc.createdAt,
    actor: by,
    action: 'practice.create',
    target: doc._id,
    details: { status: doc.status },
  });
  await PracticeModel.create({ ...doc, auditOutbox: audit.doc });
  await audit.flush();
  return doc;
}

async function load(id: string): Promise<PracticeDoc> {
  const doc = await PracticeModel.findById(id).lean<PracticeDoc>();
  if (!doc) throw new NotFoundError('practice', id);
  return doc;
}

export const getPracticeForEditor = load;

/** A published practice (drafts are not found by the public). */
export async function getPublishedPractice(id: string): Promise<PracticeDoc> {
  const doc = await PracticeModel.findOne({ _id: id, status: 'published' }).lean<PracticeDoc>();
  if (!doc) throw new NotFoundError('practice', id);
  return doc;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Applies a change made on `version`: one conditional update that sets the new values, bumps the
 * version and records the previous values of what changed, and its audit record (`audit`; the new
 * version and the changed fields). Someone else's change in between → 409. No change, no record.
 */
async function applyChange(
  current: PracticeDoc,
  version: number,
  set: Record<string, unknown>,
  action: string,
  by: string,
  audit: AuditAction,
): Promise<PracticeDoc> {
  if (current.version !== version) throw staleError(current.version);
  const before: Record<string, unknown> = {};
  const changes: Record<string, unknown> = {};
  // Compared with the defaults filled in, so a field the stored document lacks does not count as changed.
  const was: Record<string, unknown> = {
    ...current,
    ...fieldsOf(current),
    review: { ...REVIEW_EMPTY, ...(current.review ?? {}) },
  };
  for (const [k, v] of Object.entries(set)) {
    const old = was[k];
    if (!same(old, v)) {
      before[k] = old ?? null;
      changes[k] = v;
    }
  }
  if (!Object.keys(changes).length) return current;
  const now = new Date();
  const step = await prepareAudit(PracticeModel, current._id, {
    at: now,
    actor: by,
    action: audit,
    target: current._id,
    details:
      audit === 'practice.update' || audit === 'practice.review'
        ? { version: version + 1, fields: Object.keys(before) }
        : { version: version + 1 },
  });
  const updated = await PracticeModel.findOneAndUpdate(
    { _id: current._id, version },
    {
      $set: { ...changes, updatedAt: now, ...step.set },
      $inc: { version: 1 },
      $push: { history: { at: now, by, action, version: version + 1, before } },
    },
    { new: true },
  ).lean<PracticeDoc>();
  if (!updated) {
    await step.cancel();
    const latest = await load(current._id);
    throw staleError(latest.version);
  }
  await step.flush();
  return updated;
}

function staleError(version: number) {
  return new ConflictError(
    'practice_changed',
    'Someone else changed this practice since you opened it; reload it and make your change again.',
    { version },
  );
}

export async function updatePractice(
  id: string,
  input: { version: number; practice?: PracticeFields; review?: Review },
  by: string,
): Promise<PracticeDoc> {
  const current = await load(id);
  const set: Record<string, unknown> = {};
  if (input.practice) Object.assign(set, input.practice, { searchText: searchTextOf(input.practice) });
  if (input.review) set.review = input.review;
  return applyChange(
    current,
    input.version,
    set,
    input.review && !input.practice ? 'review' : 'edit',
    by,
    input.practice ? 'practice.update' : 'practice.review',
  );
}

export async function setPracticeStatus(id: string, version: number, status: Status, by: string): Promise<PracticeDoc> {
  const current = await load(id);
  if (current.status === status) return current;
  return applyChange(
    current,
    version,
    { status, publishedAt: status === 'published' ? new Date() : null },
    status === 'published' ? 'publish' : 'unpublish',
    by,
    status === 'published' ? 'practice.publish' : 'practice.unpublish',
  );
}

/** Deletes a draft; recorded once it is gone (`practice.delete`). */
export async function deletePractice(id: string, by: string): Promise<void> {
  await load(id); // 404 for an unknown practice
  const audit = await prepareDeletionAudit(PracticeModel, id, {
    at: new Date(),
    actor: by,
    action: 'practice.delete',
    target: id,
    details: {},
  });
  const res = await PracticeModel.deleteOne({ _id: id, status: 'draft' });
  if (res.deletedCount === 0) {
    await audit.cancel();
    await load(id);
    throw new ConflictError('practice_published', 'A published practice cannot be deleted; unpublish it first.');
  }
  await audit.flush();
}

// ---- lists ----

const SUMMARY_FIELDS = {
  title: 1,
  status: 1,
  country: 1,
  regions: 1,
  obstacles: 1,
  fields: 1,
  municipalityTypes: 1,
  yearFrom: 1,
  yearTo: 1,
  updatedAt: 1,
  publishedAt: 1,
} as const;

/** Published practices matching the filters and the words of `q`, newest first. */
export async function browsePractices(query: BrowseQuery) {
  const and: Record<string, unknown>[] = [{ status: 'published' }];
  if (query.obstacle) and.push({ obstacles: query.obstacle });
  if (query.field) and.push({ fields: query.field });
  if (query.country) and.push({ country: query.country });
  if (query.region) and.push({ regions: query.region });
  if (query.municipalityType) and.push({ municipalityTypes: query.municipalityType });
  if (query.sizeClass) and.push({ sizeClasses: query.sizeClass });
  const text = query.q ? await textFilter(query.q) : [];
  and.push(...text);
  const filter = { $and: and };
  const [total, docs] = await Promise.all([
    PracticeModel.countDocuments(filter),
    PracticeModel.find(filter, SUMMARY_FIELDS)
      .sort({ publishedAt: -1, _id: 1 })
      .skip(query.offset)
      .limit(query.limit)
      .lean<PracticeDoc[]>(),
  ]);
  return {
    total,
    search: text.length ? await searchMode() : null,
    items: docs.map(summaryView),
  };
}

/** Every practice for editors (drafts first by last change), optionally by status and words. */
export async function listPracticesForEditors(opts: { status?: Status; q?: string }) {
  const and: Record<string, unknown>[] = [];
  if (opts.status) and.push({ status: opts.status });
  if (opts.q) and.push(...(await textFilter(opts.q)));
  const docs = await PracticeModel.find(and.length ? { $and: and } : {}, SUMMARY_FIELDS)
    .sort({ updatedAt: -1 })
    .limit(2000)
    .lean<PracticeDoc[]>();
  return docs.map(summaryView);
}

/** Everything, for an export (streamed from a cursor; the list is small enough to build the file in memory). */
/** The practices an export carries; `by` (an editor's download) is recorded before the file goes out. */
export async function practicesForExport(
  status: Status | 'all',
  by?: { actor: string; format: string },
): Promise<ExportablePractice[]> {
  const out: ExportablePractice[] = [];
  const cursor = PracticeModel.find(status === 'all' ? {} : { status })
    .sort({ _id: 1 })
    .lean<PracticeDoc[]>()
    .cursor();
  for await (const d of abortable(cursor as never) as AsyncGenerator<PracticeDoc>) {
    out.push({
      id: d._id,
      status: d.status,
      ...fieldsOf(d),
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
      publishedAt: d.publishedAt ?? null,
    });
  }
  if (by) {
    await recordEvent({
      at: new Date(),
      actor: by.actor,
      action: 'practices.export',
      target: '',
      details: { format: by.format, status, rows: out.length },
    });
  }
  return out;
}

// ---- import ----

/**
 * Inserts every row or none: a failure part-way removes what this import inserted. Recorded as
 * one change (`practices.import`); an import undone leaves no record, one cut short (or whose
 * undoing failed) is recorded as interrupted.
 */
export async function importPractices(
  rows: { line: number; practice: PracticeFields }[],
  status: Status,
  by: string,
  format: string,
): Promise<string[]> {
  const docs = rows.map((r) => newDoc(r.practice, status, by, { kind: 'import', waveCode: null, responseId: null }));
  const audit = await beginAudit({
    at: new Date(),
    actor: by,
    action: 'practices.import',
    target: '',
    details: { format, imported: docs.length, status },
  });
  try {
    await PracticeModel.insertMany(docs, { ordered: true });
  } catch (err) {
    const undone = await PracticeModel.deleteMany({ _id: { $in: docs.map((d) => d._id) }, version: 1 }).then(
      () => true,
      () => false,
    );
    await (undone ? audit.cancel() : audit.interrupted());
    throw err;
  }
  await audit.commit();
  return docs.map((d) => d._id);
}

// ---- evidence meets remedy ----

type Light = Pick<
  PracticeDoc,
  '_id' | 'title' | 'obstacles' | 'country' | 'regions' | 'municipalityTypes' | 'publishedAt'
>;

async function publishedLight(filter: Record<string, unknown> = {}): Promise<Light[]> {
  return PracticeModel.find(
    { status: 'published', ...filter },
    { title: 1, obstacles: 1, country: 1, regions: 1, municipalityTypes: 1, publishedAt: 1 },
  )
    .sort({ publishedAt: -1 })
    .limit(5000)
    .lean<Light[]>();
}

export type Place = { region?: string; country?: string; municipalityType?: string };

/** How near a practice is to a place: same region, then same country; a similar municipality type breaks ties. */
export function nearness(p: Light, place: Place): { score: number; label: 'region' | 'country' | 'type' | 'other' } {
  const country = place.country ?? (place.region ? findRegion(place.region)?.country : undefined);
  const sameRegion = !!place.region && (p.regions ?? []).includes(place.region);
  const sameCountry =
    !!country && (p.country === country || (p.regions ?? []).some((r) => findRegion(r)?.country === country));
  const sameType = !!place.municipalityType && (p.municipalityTypes ?? []).includes(place.municipalityType);
  const score = (sameRegion ? 4 : 0) + (sameCountry ? 2 : 0) + (sameType ? 1 : 0);
  return { score, label: sameRegion ? 'region' : sameCountry ? 'country' : sameType ? 'type' : 'other' };
}

/** For every obstacle: how many published practices addressed it, and the nearest three. */
export async function obstacleLinks(place: Place) {
  const list = await publishedLight();
  return {
    items: OBSTACLE_CODES.map((code) => {
      const matching = list.filter((p) => (p.obstacles ?? []).includes(code));
      const ranked = matching
        .map((p) => ({ p, n: nearness(p, place) }))
        .sort((a, b) => b.n.score - a.n.score || Number(b.p.publishedAt ?? 0) - Number(a.p.publishedAt ?? 0));
      return {
        obstacle: code,
        count: matching.length,
        practices: ranked.slice(0, 3).map(({ p, n }) => ({ id: p._id, title: p.title, nearness: n.label })),
      };
    }),
  };
}

/** Up to five published practices addressing most of the given obstacles. Reads only; stores nothing. */
export async function suggestPractices(codes: string[]) {
  const wanted = codes.filter((c) => OBSTACLE_CODES.includes(c));
  if (!wanted.length) return { items: [] };
  const list = await publishedLight({ obstacles: { $in: wanted } });
  const ranked = list
    .map((p) => ({ p, overlap: (p.obstacles ?? []).filter((o) => wanted.includes(o)) }))
    .sort((a, b) => b.overlap.length - a.overlap.length || Number(b.p.publishedAt ?? 0) - Number(a.p.publishedAt ?? 0));
  return { items: ranked.slice(0, 5).map(({ p, overlap }) => ({ id: p._id, title: p.title, obstacles: overlap })) };
}

// ---- coverage ----

/** An obstacle named by at least this share of respondents is "frequent". */
export const FREQUENT_SHARE = 0.1;
/** "Few" practices: at most this many published. */
export const FEW_PRACTICES = 1;

async function countByObstacle(status: Status): Promise<Map<string, number>> {
  const rows = await PracticeModel.aggregate<{ _id: string; n: number }>([
    { $match: { status } },
    { $unwind: '$obstacles' },
    { $group: { _id: '$obstacles', n: { $sum: 1 } } },
  ]);
  return new Map(rows.map((r) => [r._id, r.n]));
}

/** The newest wave with an obstacle question that is not a practice call (the default evidence). */
async function defaultEvidenceWave(): Promise<string | undefined> {
  const waves = await listWaves();
  return waves.find((w) => !w.questionnaireId.startsWith(`${PRACTICE_CALL_QUESTIONNAIRE}@`) && w.status !== 'draft')
    ?.code;
}

/** Obstacles × practices: how often each obstacle was named (in a wave) and how many practices address it. */
export async function coverage(waveCode?: string) {
  const code = waveCode ?? (await defaultEvidenceWave());
  const [published, drafts, tally] = await Promise.all([
    countByObstacle('published'),
    countByObstacle('draft'),
    code ? obstacleTally(code, NO_FILTERS) : Promise.resolve(undefined),
  ]);
  const respondents = tally?.total.respondents ?? 0;
  const rows = referenceObstacles
    .filter((o) => OBSTACLE_CODES.includes(o.code))
    .map((o) => {
      // The counts follow the wave's disclosure rule (analytics/disclosure.ts), as on every table:
      // a hidden count (fewer than k respondents) is not shown, and so small it is never frequent.
      const cell = tally?.total.counts[o.code];
      const suppressed = !!cell?.suppressed;
      const named = !tally || suppressed ? null : (cell?.count ?? 0);
      const share = named !== null && respondents > 0 ? named / respondents : null;
      const pub = published.get(o.code) ?? 0;
      const frequent = !tally ? true : share !== null && share >= FREQUENT_SHARE;
      return {
        obstacle: o.code,
        labels: o.labels,
        named,
        ...(suppressed ? { suppressed: true as const } : {}),
        share,
        published: pub,
        drafts: drafts.get(o.code) ?? 0,
        gap: frequent && pub <= FEW_PRACTICES && (!tally ? pub === 0 : true),
      };
    });
  rows.sort((a, b) => (b.named ?? 0) - (a.named ?? 0) || a.published - b.published);
  return {
    wave: code && tally ? { code, respondents } : null,
    rows,
    gaps: rows.filter((r) => r.gap).map((r) => r.obstacle),
  };
}

// ---- practice call ----

type Answers = Record<string, unknown>;
const str = (v: unknown, max: number) => (typeof v === 'string' ? v.trim().slice(0, max) : '');
const arr = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const int = (v: unknown) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,9}$/.test(v.trim()) ? Number(v) : NaN;
  return Number.isInteger(n) ? n : null;
};
const lines = (v: unknown) =>
  str(v, 20000)
    .split(/\r?\n|;/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The practice a municipality described in a practice-call questionnaire (imc-practices). */
export function practiceFromAnswers(
  a: Answers,
  locale: string,
  response: { regionCode: string; municipality: string; municipalityType: string; sizeClass: string },
): PracticeFields {
  const municipalities = [response.municipality, ...lines(a.partners)].filter(Boolean).slice(0, 500);
  const region = response.regionCode;
  const country = findRegion(region)?.country ?? '';
  const candidate = {
    language: ['ru', 'uk', 'en'].includes(locale) ? locale : 'ru',
    title: str(a.practice_title, 300) || '—',
    problem: str(a.problem, 5000),
    actions: str(a.actions, 10000),
    results: str(a.results, 5000),
    municipalities,
    municipalityCount: int(a.municipality_count) ?? (municipalities.length || null),
    country: country === 'RU' || country === 'UA' ? country : '',
    regions: findRegion(region) ? [region] : [],
    municipalityTypes: response.municipalityType ? [response.municipalityType] : [],
    sizeClasses: response.sizeClass ? [response.sizeClass] : [],
    obstacles: arr(a.obstacles),
    forms: arr(a.practice_forms),
    fields: arr(a.practice_fields),
    yearFrom: int(a.year_from),
    yearTo: int(a.year_to),
    source: str(a.source, 1000),
    contact: str(a.contact, 500),
    attachments: lines(a.links)
      .filter((u) => /^https?:\/\/\S+$/i.test(u))
      .slice(0, 20)
      .map((url) => ({ title: '', url })),
  };
  const parsed = PracticeFieldsSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  // Keep what is valid: drop the fields the schema refuses (an answer the form allowed, a code gone since).
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  const fallback: Record<string, unknown> = { ...candidate };
  const empty: Record<string, unknown> = { yearFrom: null, yearTo: null, municipalityCount: null, country: '' };
  for (const k of bad) fallback[k] = k in empty ? empty[k] : Array.isArray(fallback[k]) ? [] : '';
  return PracticeFieldsSchema.parse(fallback);
}

/**
 * Makes a draft practice of every completed answer of a practice-call wave that has none yet.
 * Idempotent: the draft's id derives from the response, inserted with $setOnInsert. Recorded
 * as one change (`practices.from_call` with the counts).
 */
export async function draftsFromWave(waveCode: string, by: string): Promise<{ created: number; existing: number }> {
  const wave = await getWave(waveCode);
  if (!wave.questionnaireId.startsWith(`${PRACTICE_CALL_QUESTIONNAIRE}@`)) {
    throw new ValidationError(
      `Wave ${waveCode} is not a practice call (its questionnaire is not ${PRACTICE_CALL_QUESTIONNAIRE}).`,
      [{ name: 'params.code', reason: 'not a practice call', code: 'not_a_practice_call' }],
    );
  }
  return audited(
    { at: new Date(), actor: by, action: 'practices.from_call', target: waveCode, details: {} },
    () => draftEach(waveCode, by),
    (result) => ({ ...result }),
  );
}

async function draftEach(waveCode: string, by: string): Promise<{ created: number; existing: number }> {
  let created = 0;
  let existing = 0;
  const cursor = ResponseModel.find({ waveCode, status: 'complete' }).sort({ submittedAt: 1 }).lean().cursor();
  for await (const r of abortable(cursor as never) as AsyncGenerator<{
    _id: string;
    answers: Answers;
    locale: string;
    regionCode: string;
    municipality?: string;
    municipalityType?: string;
    sizeClass?: string;
  }>) {
    const fields = practiceFromAnswers(r.answers ?? {}, r.locale, {
      regionCode: r.regionCode,
      municipality: r.municipality ?? '',
      municipalityType: r.municipalityType ?? '',
      sizeClass: r.sizeClass ?? '',
    });
    const id = newPracticeId(fields.title, `${waveCode}|${r._id}`);
    const doc = newDoc(fields, 'draft', by, { kind: 'call', waveCode, responseId: null }, id);
    const res = await PracticeModel.updateOne({ _id: id }, { $setOnInsert: doc }, { upsert: true });
    if (res.upsertedCount) created++;
    else existing++;
  }
  return { created, existing };
}

/** Practice-call waves (their questionnaire is imc-practices), for the editors' page. */
export async function practiceCallWaves() {
  const waves = await listWaves();
  return waves
    .filter((w) => w.questionnaireId.startsWith(`${PRACTICE_CALL_QUESTIONNAIRE}@`))
    .map((w) => ({ code: w.code, title: w.title, status: w.status }));
}

/** For tests and tools. */
export const practicesCollection = () => mongoose.connection.db!.collection('practices');
