// The kept cube: per wave, counts per cell = region × municipality type × size class × respondent
// role × completion status (only the combinations that occur), so that every filter over those
// dimensions, every per-dimension table of any question, the region page and the wave comparison
// are sums over a few thousand cells at most, whatever the number of responses.
//
// Per cell (cube.model.ts): respondents; per choice variable the respondents who answered and per
// value those who chose it; per numeric/rating variable n, sum, sum of squares, min, max and a
// value → count distribution:
//   - integers in [-INT_EXACT, INT_EXACT] are kept exactly (`i<value>`): ratings, matrix columns,
//     counts, years, populations up to 100,000 — their medians are exact;
//   - any other number goes to a fixed log-scale bin (`p<k>` for v > 0, `m<k>` for v < 0) covering
//     [BIN_RATIO^k, BIN_RATIO^(k+1)) in absolute value, read back as its geometric middle
//     BIN_RATIO^(k+0.5). A median taken from the bins is within MEDIAN_REL_ERROR (1%) of the true
//     median: the middle value(s) lie in the bin(s) picked, whose representative is within 0.5% of
//     every value in it, and bins interleave with exact integers only within one bin's width.
//     The summary says `approximate: true` when any binned value took part. n, sum, mean, min and
//     max are always exact.
//
// "Other" answers coded by researchers: the cube keeps what respondents chose; each coding carries
// the cell of its response, and every read moves the coded respondents from "other" to the code
// in that cell (a coding is a small overlay, so coding or re-coding an answer shows at once and
// needs no replay guard).
//
// Exactly-once maintenance is the counters' (counters.service.ts): one conditional update of the
// cell document per response with the id pushed into its `recent` guard (and, for an answer through
// the public link, the same of its region's municipality document), replayed by the catch-up,
// pruned to the replay window, compared and repaired by verify and rebuild.
//
// Readers in any process see every change through a bounded stamp (cube.model.ts): per response
// one update of the cell, of the municipality document, of one version document and of the stamp,
// none of which grows with the number of cells.
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { ResponseModel } from '../responses/response.model';
import { keyed } from '../db/schema';
import { tallySettled } from './tally-pending';
import { CubeCellModel, CubeMunicipalitiesModel, CubeStampModel, CubeVersionsModel } from './cube.model';
import { applyGuarded, eachLimited, groupBy, type KeptUpdate, type Outcome } from './guarded-batch';
import { contributionOf, escapeKey, unescapeKey, variablesById, waveCatalogue } from './catalogue';
import type { CodingIndex } from './coding.service';
import { DIMENSIONS, type Dimension, type Filters } from './filters';
import type { Variable } from './variables';
import type { Summary } from './stats';
import { abortable, closeCursor } from '../db/abortable';
import { longCursorOptions, longRead, yielder } from '../db/long-reads';
import { currentSignal } from '../http/request-context';

/**
 * The layout of the cube; a wave whose stamp has an older one is rebuilt (cubeMissing). 2: `m` in
 * the cells; 3: municipality documents, version documents and a bounded stamp.
 */
export const CUBE_FORMAT = 3;
export const INT_EXACT = 100_000;
export const BIN_RATIO = 1.01;
export const MEDIAN_REL_ERROR = 0.01;
const LOG_RATIO = Math.log(BIN_RATIO);

export type CellDims = {
  region: string;
  municipalityType: string;
  sizeClass: string;
  respondentRole: string;
  status: string;
};

export type CubeSource = {
  _id: string;
  waveCode: string;
  questionnaireId: string;
  regionCode: string;
  municipalityType?: string;
  sizeClass?: string;
  respondentRole?: string;
  status?: string;
  answers: Record<string, unknown>;
  /** For the region page's list of municipalities that answered through the public link. */
  municipality?: string;
  invitationId?: string | null;
  submittedAt?: Date | null;
};

export const CUBE_SOURCE_FIELDS = {
  waveCode: 1,
  questionnaireId: 1,
  regionCode: 1,
  municipalityType: 1,
  sizeClass: 1,
  respondentRole: 1,
  status: 1,
  answers: 1,
  municipality: 1,
  invitationId: 1,
  submittedAt: 1,
} as const;

/** How many municipality documents a region has per wave (cube.model.ts). */
export const MUNI_BUCKETS = 32;
/** How many version groups a wave's stamp counts (cube.model.ts): the stamp's size is bounded by it. */
export const VERSION_GROUPS = 64;

/** FNV-1a (32 bits): the same number in every process. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The version group of a region's documents (its cells and its municipality buckets). */
export const versionGroup = (region: string) => hash(region) % VERSION_GROUPS;

/** The municipality document a municipality of a region is kept in. */
export const municipalityDocId = (wave: string, region: string, name: string) =>
  [wave, region, String(hash(name) % MUNI_BUCKETS)].map(encodeURIComponent).join('|');

/** The key of a municipality × cell in its document's `m` (never empty, no `.` or `$`). */
export const municipalityKey = (name: string, d: CellDims) =>
  `k${escapeKey([name, d.municipalityType, d.sizeClass, d.respondentRole, d.status].map(encodeURIComponent).join('|'))}`;

export type MunicipalityRow = CellDims & { name: string; n: number; t: number };

export function municipalityRow(key: string, region: string, e: { n?: number; t?: number }): MunicipalityRow {
  const [name, municipalityType, sizeClass, respondentRole, status] = unescapeKey(key.slice(1))
    .split('|')
    .map(decodeURIComponent);
  return {
    name,
    region,
    municipalityType: municipalityType ?? '',
    sizeClass: sizeClass ?? '',
    respondentRole: respondentRole ?? '',
    status: status ?? 'complete',
    n: e.n ?? 0,
    t: e.t ?? 0,
  };
}

/**
 * What a response adds to its region's list of municipalities that answered through the public
 * link (`m.<key>.n` respondents, `m.<key>.t` the latest answer time in ms); nothing for a response
 * through an invitation (the region page lists it by its invitation).
 */
function municipalityContribution(r: CubeSource): { id: string; key: string; t: number } | undefined {
  if (r.invitationId) return undefined;
  const t = r.submittedAt ? new Date(r.submittedAt).getTime() : 0;
  const name = r.municipality ?? '';
  return {
    id: municipalityDocId(r.waveCode, r.regionCode ?? '', name),
    key: municipalityKey(name, dimsOf(r)),
    t: Number.isFinite(t) ? t : 0,
  };
}

export function dimsOf(r: Omit<CubeSource, '_id' | 'waveCode' | 'questionnaireId' | 'answers'>): CellDims {
  return {
    region: r.regionCode ?? '',
    municipalityType: r.municipalityType ?? '',
    sizeClass: r.sizeClass ?? '',
    respondentRole: r.respondentRole ?? '',
    status: r.status ?? 'complete',
  };
}

export const cellId = (wave: string, d: CellDims) =>
  [wave, d.region, d.municipalityType, d.sizeClass, d.respondentRole, d.status].map(encodeURIComponent).join('|');

/** The distribution key of a number (see the header). */
export function numberKey(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) <= INT_EXACT) return `i${v}`;
  const k = Math.floor(Math.log(Math.abs(v)) / LOG_RATIO);
  return `${v > 0 ? 'p' : 'm'}${k}`;
}

/** The value a distribution key stands for, and whether it is exact. */
export function keyValue(key: string): { value: number; exact: boolean } {
  const num = Number(key.slice(1));
  if (key[0] === 'i') return { value: num, exact: true };
  const mid = Math.exp((num + 0.5) * LOG_RATIO);
  return { value: key[0] === 'p' ? mid : -mid, exact: false };
}

type NumberContribution = { v: number; key: string };

/** What one response adds to its cell: choice counts (as the counters) and numbers. */
export function cubeContributionOf(
  variables: Variable[],
  answers: Record<string, unknown>,
): { c: Record<string, number>; x: Map<string, NumberContribution> } {
  const c = contributionOf(variables, answers);
  const x = new Map<string, NumberContribution>();
  for (const v of variables) {
    if (!v.numeric) continue;
    const n = v.number(answers);
    if (n === undefined || !Number.isFinite(n)) continue;
    x.set(escapeKey(v.name), { v: n, key: numberKey(n) });
  }
  return { c, x };
}

function updateOf(variables: Variable[], r: CubeSource): KeptUpdate {
  const { c, x } = cubeContributionOf(variables, r.answers ?? {});
  const inc: Record<string, number> = { n: 1 };
  const min: Record<string, number> = {};
  const max: Record<string, number> = {};
  for (const [k, v] of Object.entries(c)) inc[`c.${k}`] = v;
  for (const [name, { v, key }] of x) {
    inc[`x.${name}.n`] = 1;
    inc[`x.${name}.s`] = v;
    inc[`x.${name}.q`] = v * v;
    inc[`x.${name}.d.${key}`] = 1;
    min[`lo.${name}`] = v;
    max[`hi.${name}`] = v;
  }
  return {
    $inc: inc,
    ...(x.size ? { $min: min } : {}),
    ...(x.size ? { $max: max } : {}),
  };
}

/** A kept document whose change readers must see: a cell (`c`) or a municipality document (`m`). */
export type Changed = { kind: 'c' | 'm'; id: string; region: string };
const versionKey = (d: Changed) => `${d.kind}${escapeKey(d.id)}`;
const versionsId = (wave: string, group: number) => `${wave}|${group}`;

/**
 * Tells readers holding the cube in memory that documents changed (after the change): their
 * versions in the version documents of their groups, then the groups' counters and `g` in the
 * wave's stamp (cube.model.ts). One update of a version document per group and one of the stamp,
 * whatever the number of cells.
 */
export async function bumpVersions(wave: string, docs: Changed[]): Promise<void> {
  if (!docs.length) return;
  const groups = new Map<number, Record<string, number>>();
  for (const d of docs) {
    const k = versionGroup(d.region);
    const inc = groups.get(k) ?? {};
    inc[`v.${versionKey(d)}`] = 1;
    groups.set(k, inc);
  }
  // Through the driver's collections (no casting of the dotted keys; see applyGuarded).
  for (const [k, inc] of groups)
    await keyed(CubeVersionsModel).updateOne(
      { _id: versionsId(wave, k) },
      { $inc: inc, $setOnInsert: { wave } },
      { upsert: true },
    );
  const b: Record<string, number> = {};
  for (const k of groups.keys()) b[`b.${k}`] = 1;
  // `g` moves with every bump (in the same single-document update), `e` names this stamp document
  // (a wave deleted and made again starts a new one): a reader whose held cube carries the same
  // (e, g) knows that nothing changed.
  await keyed(CubeStampModel).updateOne(
    { _id: wave },
    { $inc: { ...b, g: 1 }, $setOnInsert: { e: randomUUID(), f: CUBE_FORMAT } },
    { upsert: true },
  );
}

/**
 * Applies one stored response to its cube cell and, for an answer through the public link, to its
 * municipality document: each one conditional update (the id not yet in the document's `recent`),
 * the same exactly-once step as the counters'. Idempotent; 'late' past the deadline the caller
 * passes (left for the catch-up).
 */
export async function applyToCube(r: CubeSource, late: () => boolean): Promise<Outcome> {
  return (await applyBatchToCube([r], late)).get(r._id) ?? 'already';
}

/**
 * Applies stored responses (distinct ids) to the cube: per cell and per municipality document ONE
 * guarded update for all of the responses it gets (guarded-batch.ts), then one version bump per
 * wave for every document touched. A single response makes exactly the one-response writes.
 */
export async function applyBatchToCube(
  rs: CubeSource[],
  late: () => boolean,
  /** How many of its document writes at once (counters.service groupWritesInFlight). */
  inFlight = Infinity,
): Promise<Map<string, Outcome>> {
  const cells = new Map<string, Outcome>();
  const munis = new Map<string, Outcome>();
  await eachLimited(
    [...groupBy(rs, (r) => cellId(r.waveCode, dimsOf(r)))],
    async ([_id, members]) => {
      const items = await Promise.all(
        members.map(async (r) => ({ id: r._id, update: updateOf(await variablesById(r.questionnaireId), r) })),
      );
      const first = members[0];
      const base = { wave: first.waveCode, ...dimsOf(first) };
      for (const [id, o] of await applyGuarded(CubeCellModel, _id, items, late, base)) cells.set(id, o);
    },
    inFlight,
  );
  const publicLink = rs.filter((r) => cells.get(r._id) !== 'late' && municipalityContribution(r));
  await eachLimited(
    [...groupBy(publicLink, (r) => municipalityContribution(r)!.id)],
    async ([_id, members]) => {
      const items = members.map((r) => {
        const m = municipalityContribution(r)!;
        return { id: r._id, update: { $inc: { [`m.${m.key}.n`]: 1 }, $max: { [`m.${m.key}.t`]: m.t } } };
      });
      const first = members[0];
      const base = { wave: first.waveCode, region: dimsOf(first).region };
      for (const [id, o] of await applyGuarded(CubeMunicipalitiesModel, _id, items, late, base)) munis.set(id, o);
    },
    inFlight,
  );
  const out = new Map<string, Outcome>();
  for (const r of rs) {
    const c = cells.get(r._id) ?? 'already';
    const m = munis.get(r._id) ?? 'already';
    out.set(r._id, c === 'late' || m === 'late' ? 'late' : c === 'applied' || m === 'applied' ? 'applied' : 'already');
  }
  // Bumped on a replay too: a crash between the update and the bump is healed by the catch-up.
  for (const [wave, members] of groupBy(rs, (r) => r.waveCode)) {
    const changed = new Map<string, Changed>();
    for (const r of members) {
      const region = dimsOf(r).region;
      if (cells.get(r._id) !== 'late') {
        const id = cellId(wave, dimsOf(r));
        changed.set(`c${id}`, { kind: 'c', id, region });
      }
      const m = municipalityContribution(r);
      if (m && munis.has(r._id) && munis.get(r._id) !== 'late')
        changed.set(`m${m.id}`, { kind: 'm', id: m.id, region });
    }
    await bumpVersions(wave, [...changed.values()]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * A cell's distribution of one number variable, sorted by value: `cum[i]` numbers are ≤ `vals[i]`;
 * `inexact[i]` says `vals[i]` stands for a log-scale bin. Built once when the cell is read.
 */
export type SortedDist = { vals: Float64Array; cum: Float64Array; inexact: Uint8Array };

/**
 * Numbers of a group: exact n, sum, sum of squares, min and max, and the distributions of the cells
 * it sums (`parts`), never merged: the median is selected across them (`kthOf`), so a read costs
 * cells × log(distinct values) instead of a merge of every distinct value.
 */
export type NumAgg = {
  n: number;
  sum: number;
  sumsq: number;
  min: number;
  max: number;
  parts: SortedDist[];
  /**
   * Where the summary of exactly these numbers is kept once computed (set on sums held in a
   * wave's memo and shared by their copies; dropped by mergeNum, which changes the numbers).
   */
  kept?: Kept;
};

export type Kept = { id: number; summary?: ReturnType<typeof summarizeAgg> };
let keptSeq = 0;
export const newKept = (): Kept => ({ id: ++keptSeq });
const keptSums = new WeakMap<Kept, Map<string, Kept>>();

/**
 * The place to keep the summary of a sum of aggregates that each have one: the same inputs give
 * the same place (held as long as the first input's is, i.e. with the wave's memo).
 */
export function keptOfSum(list: NumAgg[]): Kept | undefined {
  if (!list.length || list.some((a) => !a.kept)) return undefined;
  if (list.length === 1) return list[0].kept;
  const key = list.map((a) => a.kept!.id).join(',');
  let sums = keptSums.get(list[0].kept!);
  if (!sums) keptSums.set(list[0].kept!, (sums = new Map()));
  let kept = sums.get(key);
  if (!kept) sums.set(key, (kept = newKept()));
  return kept;
}

/** The sorted distribution of a value → count map (distribution keys as `numberKey` makes them). */
export function sortedDist(d: Record<string, number> | Map<string, number>): SortedDist {
  const entries = (d instanceof Map ? [...d] : Object.entries(d))
    .filter(([, c]) => c > 0)
    .map(([k, c]) => ({ ...keyValue(k), c }))
    .sort((a, b) => a.value - b.value);
  const vals = new Float64Array(entries.length);
  const cum = new Float64Array(entries.length);
  const inexact = new Uint8Array(entries.length);
  let seen = 0;
  entries.forEach((e, i) => {
    seen += e.c;
    vals[i] = e.value;
    cum[i] = seen;
    inexact[i] = e.exact ? 0 : 1;
  });
  return { vals, cum, inexact };
}

export type CubeCell = CellDims & {
  id: string;
  n: number;
  c: Record<string, number>;
  /** escaped variable → numbers */
  x: Map<string, NumAgg>;
  /** escaped variable → [value, count] of its choice counts (parsed once from `c`) */
  choices: Map<string, [string, number][]>;
};

type CellDoc = CellDims & {
  _id: string;
  n: number;
  c?: Record<string, number>;
  x?: Record<string, { n: number; s: number; q: number; d?: Record<string, number> }>;
  lo?: Record<string, number>;
  hi?: Record<string, number>;
};

type MuniDoc = { _id: string; region?: string; m?: Record<string, { n?: number; t?: number }> };

/** A municipality document's rows with respondents. */
function muniRows(d: MuniDoc): MunicipalityRow[] {
  const out: MunicipalityRow[] = [];
  for (const [key, e] of Object.entries(d.m ?? {}))
    if ((e?.n ?? 0) > 0) out.push(municipalityRow(key, d.region ?? '', e));
  return out;
}

const CELL_FIELDS = {
  region: 1,
  municipalityType: 1,
  sizeClass: 1,
  respondentRole: 1,
  status: 1,
  n: 1,
  c: 1,
  x: 1,
  lo: 1,
  hi: 1,
} as const;
const MUNI_FIELDS = { region: 1, m: 1 } as const;

function toCell(d: CellDoc): CubeCell {
  const x = new Map<string, NumAgg>();
  for (const [name, s] of Object.entries(d.x ?? {})) {
    if (!s?.n) continue;
    x.set(name, {
      n: s.n,
      sum: s.s ?? 0,
      sumsq: s.q ?? 0,
      min: d.lo?.[name] ?? Number.NaN,
      max: d.hi?.[name] ?? Number.NaN,
      parts: [sortedDist(s.d ?? {})],
    });
  }
  const choices = new Map<string, [string, number][]>();
  for (const [key, count] of Object.entries(d.c ?? {})) {
    const eq = key.indexOf('=');
    if (eq < 0 || !count) continue;
    const name = key.slice(0, eq);
    const list = choices.get(name) ?? [];
    list.push([unescapeKey(key.slice(eq + 1)), count]);
    choices.set(name, list);
  }
  return {
    id: d._id,
    choices,
    region: d.region ?? '',
    municipalityType: d.municipalityType ?? '',
    sizeClass: d.sizeClass ?? '',
    respondentRole: d.respondentRole ?? '',
    status: d.status ?? 'complete',
    n: d.n ?? 0,
    c: d.c ?? {},
    x,
  };
}

type Entry<T> = { version: number; group: number; value: T };

type Held = {
  cells: Map<string, Entry<CubeCell>>;
  munis: Map<string, Entry<MunicipalityRow[]>>;
  /**
   * The stamp (e, g, b) the held documents are at least as new as: the same (e, g) means nothing
   * changed; a group whose `b` moved has its version document read.
   */
  e?: string;
  g?: number;
  b: Record<string, number>;
  /** The cells with respondents, as handed to readers (rebuilt when a cell changes). */
  list?: CubeCell[];
  /** Per region, the municipality rows (rebuilt when a municipality document changes). */
  byRegion?: Map<string, MunicipalityRow[]>;
  /** Results computed from exactly these documents (collect.service, region.service), dropped with them. */
  memo: Map<string, unknown>;
};
const cache = new Map<string, Held>();
/** Above this many changed documents, one read of the wave's cube beats reading them one by one. */
const REFETCH_ALL = 64;
/** Results kept per wave (the oldest go first). */
const MEMO_MAX = 256;

const loading = new Map<string, Promise<void>>();
/** How long a whole-cube load may take (it is shared by the requests waiting for it). */
const LOAD_ALL_MS = 5 * 60_000;
/** Municipality bucket documents per batch of a whole load (see loadAll). */
const MUNI_BATCH = 100;

const heldOf = (cacheKey: string): Held => {
  let held = cache.get(cacheKey);
  if (!held) {
    held = { cells: new Map(), munis: new Map(), b: {}, memo: new Map() };
    cache.set(cacheKey, held);
  }
  return held;
};

type StampDoc = { e?: string; g?: number; b?: Record<string, number> };
type VersionsDoc = { _id: string; v?: Record<string, number> };

/** The versions in some version documents: `c`/`m` + id → version and group. */
function versionsOf(docs: (VersionsDoc | null)[], groups: number[]) {
  const cells = new Map<string, { version: number; group: number }>();
  const munis = new Map<string, { version: number; group: number }>();
  docs.forEach((d, i) => {
    for (const [key, version] of Object.entries(d?.v ?? {})) {
      const to = key[0] === 'c' ? cells : key[0] === 'm' ? munis : undefined;
      to?.set(unescapeKey(key.slice(1)), { version, group: groups[i] });
    }
  });
  return { cells, munis };
}

/**
 * Reads every document of a wave's cube (the first read in a process, or after many changes)
 * through cursors. One load per wave at a time, shared by the requests that wait for it and not
 * tied to any of them: on a slow store a request may hit its deadline, the load still finishes and
 * fills the memory for the next ones (bounded by LOAD_ALL_MS).
 */
function loadAll(cacheKey: string, wave: string): Promise<void> {
  const running = loading.get(cacheKey);
  if (running) return running;
  const load = (async () => {
    const signal = AbortSignal.timeout(LOAD_ALL_MS);
    // Stamp, then versions, then documents: each read is at least as new as the one before, so
    // the held versions never claim more than the documents hold (a later change is read again).
    const stamp = await CubeStampModel.findById(wave, { e: 1, g: 1, b: 1 }).lean<StampDoc>();
    const groups = Object.keys(stamp?.b ?? {}).map(Number);
    const docs = await Promise.all(
      groups.map((k) => CubeVersionsModel.findById(versionsId(wave, k)).lean<VersionsDoc>()),
    );
    const versions = versionsOf(docs, groups);
    const cells = new Map<string, Entry<CubeCell>>();
    const munis = new Map<string, Entry<MunicipalityRow[]>>();
    const cellCursor = CubeCellModel.find({ wave }, CELL_FIELDS).lean<CellDoc>().cursor({ batchSize: 500 });
    for await (const d of abortable(cellCursor, signal)) {
      const v = versions.cells.get(d._id);
      cells.set(d._id, { version: v?.version ?? -1, group: v?.group ?? -1, value: toCell(d) });
    }
    // Municipality buckets run to tens of KB each: small batches keep every reply far below the
    // wire's message limit (48 MB; the embedded store does not cut a batch at 16 MB as MongoDB does).
    const muniCursor = CubeMunicipalitiesModel.find({ wave }, MUNI_FIELDS)
      .lean<MuniDoc>()
      .cursor({ batchSize: MUNI_BATCH });
    for await (const d of abortable(muniCursor, signal)) {
      const v = versions.munis.get(d._id);
      munis.set(d._id, { version: v?.version ?? -1, group: v?.group ?? -1, value: muniRows(d) });
    }
    const held = heldOf(cacheKey);
    held.cells = cells;
    held.munis = munis;
    held.list = held.byRegion = undefined;
    held.memo = new Map();
    held.e = stamp?.e;
    held.g = stamp?.g;
    held.b = { ...(stamp?.b ?? {}) };
  })().finally(() => loading.delete(cacheKey));
  loading.set(cacheKey, load);
  return load;
}

/** Loads the cube of every wave into this process's memory (at start, so first reads are quick). */
export async function warmCubes(): Promise<number> {
  const waves = (await CubeStampModel.find({}, { _id: 1 }).lean<{ _id: string }[]>()).map((d) => d._id);
  for (const wave of waves) await readCube(wave);
  return waves.length;
}

/**
 * Brings the held documents of some version groups up to date: reads those groups' version
 * documents, then the documents whose version moved (by `_id`); false when so many changed that a
 * whole load is cheaper.
 */
async function refreshGroups(wave: string, held: Held, groups: number[]): Promise<boolean> {
  const docs = await Promise.all(
    groups.map((k) => CubeVersionsModel.findById(versionsId(wave, k)).lean<VersionsDoc>()),
  );
  const versions = versionsOf(docs, groups);
  const inGroups = new Set(groups);
  const changedCells = [...versions.cells].filter(([id, v]) => held.cells.get(id)?.version !== v.version);
  const changedMunis = [...versions.munis].filter(([id, v]) => held.munis.get(id)?.version !== v.version);
  if (changedCells.length + changedMunis.length > REFETCH_ALL) return false;
  const [cellDocs, muniDocs] = await Promise.all([
    Promise.all(changedCells.map(([id]) => CubeCellModel.findById(id, CELL_FIELDS).lean<CellDoc>())),
    Promise.all(changedMunis.map(([id]) => CubeMunicipalitiesModel.findById(id, MUNI_FIELDS).lean<MuniDoc>())),
  ]);
  // Applied in one synchronous step (requests refreshing at the same time each leave a
  // consistent state: versions never newer than the documents held with them).
  changedCells.forEach(([id, v], i) => {
    const d = cellDocs[i];
    if (d) held.cells.set(id, { ...v, value: toCell(d) });
    else held.cells.delete(id);
  });
  changedMunis.forEach(([id, v], i) => {
    const d = muniDocs[i];
    if (d) held.munis.set(id, { ...v, value: muniRows(d) });
    else held.munis.delete(id);
  });
  // Held documents of these groups that their version documents no longer list are gone.
  for (const [id, e] of held.cells) if (inGroups.has(e.group) && !versions.cells.has(id)) held.cells.delete(id);
  for (const [id, e] of held.munis) if (inGroups.has(e.group) && !versions.munis.has(id)) held.munis.delete(id);
  if (changedCells.length) held.list = undefined;
  if (changedMunis.length) held.byRegion = undefined;
  if (changedCells.length || changedMunis.length) held.memo = new Map();
  return true;
}

export type CubeView = {
  cells: CubeCell[];
  /** Per region, the municipalities that answered through the public link (one row per cell). */
  municipalities: Map<string, MunicipalityRow[]>;
  memo: Map<string, unknown>;
};

/**
 * A wave's cube as this process holds it, brought up to date with the store: `cells` (those with
 * respondents), `municipalities` and `memo`, a map for results computed from exactly these
 * documents (emptied whenever one changes, so a result found there is as fresh as they are).
 * Several processes stay correct: each reads the wave's stamp from the store on every call.
 *
 * The stamp is one small document (bounded: see cube.model.ts): when its `e` and `g` equal what
 * the held documents were read at, nothing changed and nothing else is read; otherwise the version
 * documents of the groups whose counter `b` moved, and then only the documents whose version moved
 * (each by `_id`).
 */
export async function readCubeView(wave: string): Promise<CubeView> {
  // The responses this process stored and has not counted yet (tally-pending.ts).
  await tallySettled(wave);
  const cacheKey = `${mongoose.connection.name}|${wave}`;
  const held = heldOf(cacheKey);
  const stamp = await CubeStampModel.findById(wave, { e: 1, g: 1, b: 1 }).lean<StampDoc>();
  const unchanged = !!stamp?.e && stamp.e === held.e && stamp.g === held.g && !!held.list;
  if (!unchanged) {
    if (!stamp) {
      held.cells = new Map();
      held.munis = new Map();
      held.list = held.byRegion = undefined;
      held.memo = new Map();
      held.e = held.g = undefined;
      held.b = {};
    } else if (stamp.e !== held.e) {
      await loadAll(cacheKey, wave);
    } else {
      const b = stamp.b ?? {};
      const groups = Object.keys(b)
        .filter((k) => b[k] !== held.b[k])
        .map(Number);
      if (!(await refreshGroups(wave, held, groups))) await loadAll(cacheKey, wave);
      else {
        for (const k of groups) held.b[k] = b[k];
        held.g = stamp.g;
      }
    }
  }
  held.list ??= [...held.cells.values()].map((e) => e.value).filter((c) => c.n > 0);
  if (!held.byRegion) {
    const byRegion = new Map<string, MunicipalityRow[]>();
    for (const { value } of held.munis.values())
      for (const row of value) {
        const list = byRegion.get(row.region) ?? [];
        list.push(row);
        byRegion.set(row.region, list);
      }
    held.byRegion = byRegion;
  }
  return { cells: held.list, municipalities: held.byRegion, memo: held.memo };
}

/** Puts a result into a wave's memo (see readCubeView), dropping the oldest above MEMO_MAX. */
export function remember<T>(memo: Map<string, unknown>, key: string, value: T): T {
  if (memo.size >= MEMO_MAX) memo.delete(memo.keys().next().value!);
  memo.set(key, value);
  return value;
}

/**
 * The cells of a wave's cube (see readCubeView). `fresh` reads every cell from the store (verify).
 */
export async function readCube(wave: string, opts: { fresh?: boolean } = {}): Promise<CubeCell[]> {
  if (opts.fresh) {
    const docs = await CubeCellModel.find({ wave }, CELL_FIELDS).lean<CellDoc[]>();
    return docs.map(toCell).filter((c) => c.n > 0);
  }
  return (await readCubeView(wave)).cells;
}

export function passes(cell: CellDims, f: Filters): boolean {
  if (f.status === 'complete' && cell.status !== 'complete') return false;
  for (const d of DIMENSIONS) {
    const values = f[d];
    if (values?.length && !values.includes(cell[d])) return false;
  }
  return true;
}

export const dimensionOf = (cell: CellDims, d: Dimension) => cell[d];

/** Adds `add` into `into` (a new aggregate when `into` is undefined); `add` is never changed. */
export function mergeNum(into: NumAgg | undefined, add: NumAgg): NumAgg {
  if (!into) return { ...add, parts: [...add.parts], kept: undefined };
  into.kept = undefined;
  into.n += add.n;
  into.sum += add.sum;
  into.sumsq += add.sumsq;
  into.min = Math.min(into.min, add.min);
  into.max = Math.max(into.max, add.max);
  for (const p of add.parts) into.parts.push(p);
  return into;
}

/** Sample standard deviation from the kept sum of squares (0 for fewer than two numbers). */
export function sdOf(a: NumAgg): number {
  if (a.n < 2) return 0;
  const mean = a.sum / a.n;
  return Math.sqrt(Math.max(0, (a.sumsq - a.n * mean * mean) / (a.n - 1)));
}

/** First index in [lo, hi) whose value is ≥ x (`strict`: > x). */
function bound(vals: Float64Array, x: number, lo: number, hi: number, strict: boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strict ? vals[mid] <= x : vals[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The k-th smallest number (0-based) of the union of sorted distributions, without merging them:
 * a random pivot among the values still possible, its rank counted in every part by binary search,
 * and the possible range of every part narrowed to one side — O(parts × log(values)) per round,
 * O(log(values)) rounds expected. The answer is exact: it is one of the kept values.
 */
export function kthOf(parts: SortedDist[], k: number): { value: number; exact: boolean } {
  const lo = parts.map(() => 0);
  const hi = parts.map((p) => p.vals.length);
  const below = (p: SortedDist, i: number) => (i > 0 ? p.cum[i - 1] : 0);
  for (;;) {
    let open = 0;
    for (let i = 0; i < parts.length; i++) open += hi[i] - lo[i];
    if (open <= 0) throw new Error('kthOf: k is outside the distribution');
    let r = Math.floor(Math.random() * open);
    let pivot = Number.NaN;
    for (let i = 0; i < parts.length; i++) {
      const w = hi[i] - lo[i];
      if (r < w) {
        pivot = parts[i].vals[lo[i] + r];
        break;
      }
      r -= w;
    }
    // Entries left of lo are below every open value, entries from hi on above: search [lo, hi).
    let less = 0;
    let leq = 0;
    const ls: number[] = [];
    const us: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      const l = bound(p.vals, pivot, lo[i], hi[i], false);
      const u = bound(p.vals, pivot, l, hi[i], true);
      ls.push(l);
      us.push(u);
      less += below(p, l);
      leq += below(p, u);
    }
    if (k < less) for (let i = 0; i < parts.length; i++) hi[i] = ls[i];
    else if (k >= leq) for (let i = 0; i < parts.length; i++) lo[i] = us[i];
    else {
      let exact = true;
      for (let i = 0; i < parts.length && exact; i++)
        for (let j = ls[i]; j < us[i]; j++) if (parts[i].inexact[j]) exact = false;
      return { value: pivot, exact };
    }
  }
}

/**
 * n, sum, mean, min, max (exact) and the median from the distributions: exact for integers in
 * [-INT_EXACT, INT_EXACT], otherwise within MEDIAN_REL_ERROR (`approximate: true`).
 */
export function summarizeAgg(a: NumAgg | undefined): (Summary & { approximate?: true }) | undefined {
  if (!a || a.n <= 0) return undefined;
  if (a.kept?.summary) return a.kept.summary;
  const parts = a.parts.filter((p) => p.vals.length > 0);
  // n and the distributions agree unless a cell was written by hand: then the last value is read.
  const total = parts.reduce((s, p) => s + p.cum[p.cum.length - 1], 0);
  if (total <= 0) return undefined;
  const at = (k: number) => kthOf(parts, Math.min(k, total - 1));
  const mid = Math.floor(a.n / 2);
  const picked = a.n % 2 ? [at(mid)] : [at(mid - 1), at(mid)];
  const median = picked.reduce((s, e) => s + e.value, 0) / picked.length;
  const mean = a.sum / a.n;
  const approximate = picked.some((e) => !e.exact);
  const summary = {
    n: a.n,
    sum: a.sum,
    mean,
    median,
    min: a.min,
    max: a.max,
    ...(approximate ? { approximate: true as const } : {}),
  };
  if (a.kept) a.kept.summary = summary;
  return summary;
}

/** The cell of each coded response (codings made before the cube carry no cell: looked up once). */
export async function codingCells(codings: CodingIndex): Promise<Map<string, CellDims>> {
  const out = new Map<string, CellDims>();
  const missing: string[] = [];
  for (const c of codings.list) {
    if (c.cell) out.set(c.responseId, c.cell);
    else missing.push(c.responseId);
  }
  if (missing.length) {
    const docs = await ResponseModel.find(
      { _id: { $in: [...new Set(missing)] } },
      { regionCode: 1, municipalityType: 1, sizeClass: 1, respondentRole: 1, status: 1 },
    ).lean<(Omit<CubeSource, 'waveCode' | 'questionnaireId' | 'answers'> & { _id: string })[]>();
    for (const d of docs) out.set(d._id, dimsOf(d));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Recount, verify, rebuild

type FreshCell = CellDims & {
  n: number;
  c: Record<string, number>;
  x: Record<string, { n: number; s: number; q: number; d: Record<string, number> }>;
  lo: Record<string, number>;
  hi: Record<string, number>;
};

type FreshMunis = { region: string; m: Record<string, { n: number; t: number }> };

/** A wave's cube counted in memory: cells and municipality documents by `_id`. */
export type CubeRecount = { cells: Map<string, FreshCell>; munis: Map<string, FreshMunis> };
export const newRecount = (): CubeRecount => ({ cells: new Map(), munis: new Map() });

/** Adds one response to an in-memory recount of the cube (verify, rebuild, bench seeding). */
export function addToRecount(out: CubeRecount, wave: string, variables: Variable[], r: CubeSource): void {
  const dims = dimsOf(r);
  const id = cellId(wave, dims);
  let cell = out.cells.get(id);
  if (!cell) {
    cell = { ...dims, n: 0, c: {}, x: {}, lo: {}, hi: {} };
    out.cells.set(id, cell);
  }
  cell.n++;
  const m = municipalityContribution({ ...r, waveCode: wave });
  if (m) {
    let doc = out.munis.get(m.id);
    if (!doc) out.munis.set(m.id, (doc = { region: dims.region, m: {} }));
    const e = (doc.m[m.key] ??= { n: 0, t: m.t });
    e.n++;
    e.t = Math.max(e.t, m.t);
  }
  const { c, x } = cubeContributionOf(variables, r.answers ?? {});
  for (const k of Object.keys(c)) cell.c[k] = (cell.c[k] ?? 0) + 1;
  for (const [name, { v, key }] of x) {
    const s = (cell.x[name] ??= { n: 0, s: 0, q: 0, d: {} });
    s.n++;
    s.s += v;
    s.q += v * v;
    s.d[key] = (s.d[key] ?? 0) + 1;
    cell.lo[name] = Math.min(cell.lo[name] ?? v, v);
    cell.hi[name] = Math.max(cell.hi[name] ?? v, v);
  }
}

/** How a recount reports progress, and what stops it. */
export type RecountOptions = {
  onProgress?: (rowsDone: number) => Promise<void>;
  signal?: AbortSignal;
  maxTimeMS?: number;
};

/**
 * Reads the responses of `wave` that match `filter` as a long read (on the long-read pool,
 * db/long-reads.ts; stopped with its job or request — the driver gets the signal too — and
 * yielding to the event loop as it goes), giving each to `visit` with the variables of the
 * questionnaire version it answered. Returns how many it read.
 */
export async function eachSource(
  wave: string,
  filter: Record<string, unknown>,
  opts: RecountOptions,
  visit: (r: CubeSource, variables: Variable[]) => void,
): Promise<number> {
  const { questionnaire } = await waveCatalogue(wave);
  const signal = opts.signal ?? currentSignal();
  const cursor = longRead(ResponseModel)
    .find({ waveCode: wave, ...filter }, CUBE_SOURCE_FIELDS)
    .lean<CubeSource>()
    .maxTimeMS(opts.maxTimeMS ?? 60 * 60_000)
    .cursor(longCursorOptions(signal));
  const pause = yielder();
  let done = 0;
  try {
    // abortable closes the cursor, once (db/abortable.ts).
    for await (const r of abortable(cursor, signal)) {
      signal?.throwIfAborted();
      await pause();
      if (++done % 500 === 0) await opts.onProgress?.(done);
      // Responses keep the questionnaire version they answered (same for a wave, but be exact).
      visit(r, await variablesById(r.questionnaireId ?? questionnaire.id));
    }
    signal?.throwIfAborted();
  } finally {
    await closeCursor(cursor);
  }
  return done;
}

/** The cube of a wave recounted from its raw responses. */
export async function cubeFromResponses(wave: string, opts: RecountOptions = {}): Promise<CubeRecount> {
  const out = newRecount();
  await eachSource(wave, {}, opts, (r, variables) => addToRecount(out, wave, variables, r));
  return out;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

function sameCell(kept: CellDoc | undefined, fresh: FreshCell | undefined): boolean {
  const kn = kept?.n ?? 0;
  if (kn !== (fresh?.n ?? 0)) return false;
  if (kn === 0) return true;
  const kc = kept?.c ?? {};
  const fc = fresh?.c ?? {};
  for (const k of new Set([...Object.keys(kc), ...Object.keys(fc)])) if ((kc[k] ?? 0) !== (fc[k] ?? 0)) return false;
  const kx = kept?.x ?? {};
  const fx = fresh?.x ?? {};
  for (const name of new Set([...Object.keys(kx), ...Object.keys(fx)])) {
    const a = kx[name];
    const b = fx[name];
    if ((a?.n ?? 0) !== (b?.n ?? 0)) return false;
    if (!a?.n || !b) continue;
    if (!close(a.s, b.s) || !close(a.q, b.q)) return false;
    if (kept?.lo?.[name] !== fresh?.lo[name] || kept?.hi?.[name] !== fresh?.hi[name]) return false;
    const ad = a.d ?? {};
    for (const k of new Set([...Object.keys(ad), ...Object.keys(b.d)]))
      if ((ad[k] ?? 0) !== (b.d[k] ?? 0)) return false;
  }
  return true;
}

function sameMunis(kept: MuniDoc | undefined, fresh: FreshMunis | undefined): boolean {
  const km = kept?.m ?? {};
  const fm = fresh?.m ?? {};
  for (const k of new Set([...Object.keys(km), ...Object.keys(fm)])) {
    if ((km[k]?.n ?? 0) !== (fm[k]?.n ?? 0)) return false;
    if ((fm[k]?.n ?? 0) > 0 && (km[k]?.t ?? 0) !== fm[k].t) return false;
  }
  return true;
}

/** Compares the kept cube with a recount; lists the regions of the documents that differ. */
export async function verifyCube(wave: string, fresh: CubeRecount): Promise<string[]> {
  const kept = new Map(
    (await CubeCellModel.find({ wave }, CELL_FIELDS).lean<CellDoc[]>()).map((d) => [d._id, d] as const),
  );
  const regions = new Set<string>();
  for (const id of new Set([...kept.keys(), ...fresh.cells.keys()])) {
    if (!sameCell(kept.get(id), fresh.cells.get(id))) regions.add(kept.get(id)?.region ?? fresh.cells.get(id)!.region);
  }
  const keptMunis = new Map(
    (await CubeMunicipalitiesModel.find({ wave }, MUNI_FIELDS).lean<MuniDoc[]>()).map((d) => [d._id, d] as const),
  );
  for (const id of new Set([...keptMunis.keys(), ...fresh.munis.keys()])) {
    if (!sameMunis(keptMunis.get(id), fresh.munis.get(id)))
      regions.add(keptMunis.get(id)?.region ?? fresh.munis.get(id)!.region);
  }
  return [...regions];
}

/**
 * Sets every document of a wave's cube to a recount (keeping each one's `recent` guard), drops
 * what an older format kept (`m` in the cells, `v` in the stamp) and marks the current format.
 */
export async function writeCube(wave: string, fresh: CubeRecount): Promise<void> {
  const changed: Changed[] = [];
  for (const [_id, cell] of fresh.cells) {
    await CubeCellModel.updateOne(
      { _id },
      { $set: { wave, ...cell }, $unset: { m: 1 }, $setOnInsert: { recent: [] } },
      // strict: false, so that `m` (no longer in the schema) is removed, not left out of the update
      { upsert: true, strict: false },
    );
    changed.push({ kind: 'c', id: _id, region: cell.region });
  }
  const staleCells = (await CubeCellModel.find({ wave }, { _id: 1, region: 1 }).lean<CellDoc[]>()).filter(
    (d) => !fresh.cells.has(d._id),
  );
  for (const d of staleCells) {
    await CubeCellModel.updateOne(
      { _id: d._id },
      { $set: { n: 0, c: {}, x: {}, lo: {}, hi: {} }, $unset: { m: 1 } },
      { strict: false },
    );
    changed.push({ kind: 'c', id: d._id, region: d.region ?? '' });
  }
  for (const [_id, doc] of fresh.munis) {
    await CubeMunicipalitiesModel.updateOne(
      { _id },
      { $set: { wave, region: doc.region, m: doc.m }, $setOnInsert: { recent: [] } },
      { upsert: true },
    );
    changed.push({ kind: 'm', id: _id, region: doc.region });
  }
  const staleMunis = (await CubeMunicipalitiesModel.find({ wave }, { _id: 1, region: 1 }).lean<MuniDoc[]>()).filter(
    (d) => !fresh.munis.has(d._id),
  );
  for (const d of staleMunis) {
    await CubeMunicipalitiesModel.updateOne({ _id: d._id }, { $set: { m: {} } });
    changed.push({ kind: 'm', id: d._id, region: d.region ?? '' });
  }
  await bumpVersions(wave, changed);
  await CubeStampModel.updateOne(
    { _id: wave },
    { $set: { f: CUBE_FORMAT }, $unset: { v: 1 } },
    { upsert: true, strict: false },
  );
}

/**
 * What the prune saw of each wave in this process: the stamp's `g`, the version of each document
 * it read, and the documents whose `recent` still held ids (read again next time).
 */
const pruneSeen = new Map<string, { g?: number; versions: Map<string, number>; pending: Set<string> }>();

type RecentList = { _id: string; recent: string[]; pull: (done: string[]) => Promise<void> };

/**
 * The cube's documents with ids in their `recent` guard, and how to pull from each (see
 * counters.service `prune`). Found by kept keys, not by reading every cell: per wave the stamp,
 * then (when it moved, or a document still held ids) the version documents, then only the
 * documents whose version moved since this process last looked, or that still held ids. A
 * document changed without its version bump (a crash between the two) belongs to an unmarked
 * response, whose replay by the catch-up bumps it.
 */
export async function cubeRecentLists(): Promise<RecentList[]> {
  const conn = mongoose.connection.name;
  const stamps = await CubeStampModel.find({}, { g: 1, b: 1 }).lean<(StampDoc & { _id: string })[]>();
  const out: RecentList[] = [];
  for (const stamp of stamps) {
    const wave = stamp._id;
    let seen = pruneSeen.get(`${conn}|${wave}`);
    if (!seen) pruneSeen.set(`${conn}|${wave}`, (seen = { versions: new Map(), pending: new Set() }));
    if (seen.g === stamp.g && !seen.pending.size) continue;
    const groups = Object.keys(stamp.b ?? {}).map(Number);
    const docs = await Promise.all(
      groups.map((k) => CubeVersionsModel.findById(versionsId(wave, k)).lean<VersionsDoc>()),
    );
    const pending = new Set<string>();
    // The first look at a wave reads its documents' guards in two queries, not one by one.
    let first: Map<string, string[] | undefined> | undefined;
    if (!seen.versions.size) {
      first = new Map();
      const cells = await CubeCellModel.find({ wave }, { recent: 1 }).lean<{ _id: string; recent?: string[] }[]>();
      const munis = await CubeMunicipalitiesModel.find({ wave }, { recent: 1 }).lean<
        { _id: string; recent?: string[] }[]
      >();
      for (const d of cells) first.set(`c${escapeKey(d._id)}`, d.recent);
      for (const d of munis) first.set(`m${escapeKey(d._id)}`, d.recent);
    }
    for (const d of docs) {
      for (const [key, version] of Object.entries(d?.v ?? {})) {
        if (seen.versions.get(key) === version && !seen.pending.has(key)) continue;
        const id = unescapeKey(key.slice(1));
        const cell = key[0] === 'c';
        const doc = first
          ? { recent: first.get(key) }
          : cell
            ? await CubeCellModel.findById(id, { recent: 1 }).lean<{ recent?: string[] }>()
            : await CubeMunicipalitiesModel.findById(id, { recent: 1 }).lean<{ recent?: string[] }>();
        seen.versions.set(key, version);
        if (!doc?.recent?.length) continue;
        pending.add(key);
        out.push({
          _id: id,
          recent: doc.recent,
          pull: async (done) => {
            if (cell) await CubeCellModel.updateOne({ _id: id }, { $pullAll: { recent: done } });
            else await CubeMunicipalitiesModel.updateOne({ _id: id }, { $pullAll: { recent: done } });
          },
        });
      }
    }
    seen.pending = pending;
    seen.g = stamp.g;
  }
  return out;
}

/**
 * True when the wave has no cube yet (a wave counted before the cube existed) or one kept in an
 * older format (before CUBE_FORMAT: municipalities inside the cells, a version per cell in the
 * stamp): rebuilt from the responses.
 */
export async function cubeMissing(wave: string, countersCurrent = false): Promise<boolean> {
  const stamp = await CubeStampModel.findById(wave, { f: 1 }).lean<{ f?: number }>();
  // No stamp, counters made by this format: the wave's first response is being applied.
  if (!stamp) return !countersCurrent;
  return (stamp.f ?? 0) < CUBE_FORMAT;
}

/**
 * Adds a recount of responses not applied one by one (bulk-loaded, e.g. the benchmark's seeding)
 * to the kept cube: one update per document. Not guarded against replays: the caller adds each
 * response once.
 */
export async function addRecountToCube(wave: string, add: CubeRecount): Promise<void> {
  const changed: Changed[] = [];
  for (const [_id, cell] of add.cells) {
    const inc: Record<string, number> = { n: cell.n };
    const min: Record<string, number> = {};
    const max: Record<string, number> = {};
    for (const [k, v] of Object.entries(cell.c)) inc[`c.${k}`] = v;
    for (const [name, s] of Object.entries(cell.x)) {
      inc[`x.${name}.n`] = s.n;
      inc[`x.${name}.s`] = s.s;
      inc[`x.${name}.q`] = s.q;
      for (const [k, v] of Object.entries(s.d)) inc[`x.${name}.d.${k}`] = v;
      min[`lo.${name}`] = cell.lo[name];
      max[`hi.${name}`] = cell.hi[name];
    }
    const { region, municipalityType, sizeClass, respondentRole, status } = cell;
    await CubeCellModel.updateOne(
      { _id },
      {
        $inc: inc,
        ...(Object.keys(min).length ? { $min: min } : {}),
        ...(Object.keys(max).length ? { $max: max } : {}),
        $setOnInsert: { wave, region, municipalityType, sizeClass, respondentRole, status, recent: [] },
      },
      { upsert: true },
    );
    changed.push({ kind: 'c', id: _id, region });
  }
  for (const [_id, doc] of add.munis) {
    const inc: Record<string, number> = {};
    const max: Record<string, number> = {};
    for (const [key, e] of Object.entries(doc.m)) {
      inc[`m.${key}.n`] = e.n;
      max[`m.${key}.t`] = e.t;
    }
    await CubeMunicipalitiesModel.updateOne(
      { _id },
      { $inc: inc, $max: max, $setOnInsert: { wave, region: doc.region, recent: [] } },
      { upsert: true },
    );
    changed.push({ kind: 'm', id: _id, region: doc.region });
  }
  await bumpVersions(wave, changed);
}
