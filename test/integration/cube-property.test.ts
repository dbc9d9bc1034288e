// The kept cube answers exactly what a recount of the raw responses answers: property-based, over
// generated responses (every question type of the fixture plus "other" choices, a ranking and
// fractional / large numbers; partly answered responses), researchers' codes of "other" answers,
// replays, responses whose apply was interrupted at each step, and a store killed mid-stream.
// The reference is computed here, in memory, from the generated answers, not from the store.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import mongoose from 'mongoose';
import { connectMongoose } from '../../server/src/db/connection';
import { startEmbeddedStore, type EmbeddedStore } from '../../server/src/db/embedded-store';
import { prepareDatabase } from '../../server/src/bootstrap';
import { useTestDatabase, ROOT, storeKind } from '../helpers/db';
import { createOpenWave, fixture } from '../helpers/fixtures';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';
import { ResponseModel } from '../../server/src/responses/response.model';
import {
  applyToCounters,
  buildMissingCubes,
  catchUp,
  rebuildCounters,
  verifyCounters,
} from '../../server/src/analytics/counters.service';
import {
  applyToCube,
  cellId,
  CUBE_FORMAT,
  dimsOf,
  MEDIAN_REL_ERROR,
  municipalityDocId,
  VERSION_GROUPS,
} from '../../server/src/analytics/cube.service';
import { CubeCellModel, CubeMunicipalitiesModel, CubeStampModel } from '../../server/src/analytics/cube.model';
import { collect, ALL, type By } from '../../server/src/analytics/collect.service';
import {
  addCustomCode,
  codeOtherAnswer,
  loadCodings,
  recoded,
  uncodeOtherAnswer,
} from '../../server/src/analytics/coding.service';
import { waveCatalogue } from '../../server/src/analytics/catalogue';
import { summarizeAgg } from '../../server/src/analytics/cube.service';
import { isCategorical, type Variable } from '../../server/src/analytics/variables';
import type { Filters } from '../../server/src/analytics/filters';
import { crosstab } from '../../server/src/analytics/crosstab.service';
import { publicMunicipalities, regionProfile } from '../../server/src/analytics/region.service';

const REGIONS = ['RU-VLG', 'RU-ARK', 'UA-05'];
const TYPES = ['', 'urban', 'rural'];
const SIZES = ['', 'small', 'large'];
const ROLES = ['', 'head', 'deputy'];

function definition(): Record<string, unknown> {
  const def = fixture('all-question-types.json') as { pages: { elements: unknown[] }[] };
  def.pages[1].elements.push(
    { type: 'radiogroup', name: 'mode', choices: ['a', 'b', 'c'], showOtherItem: true },
    { type: 'ranking', name: 'prio', choices: ['x', 'y', 'z'] },
    { type: 'text', name: 'spend', inputType: 'number' },
  );
  return def;
}

type Gen = {
  regionCode: string;
  municipalityType: string;
  sizeClass: string;
  respondentRole: string;
  answers: Record<string, unknown>;
  /** The municipality named (awkward names too) and whether it came through an invitation. */
  municipality: string;
  viaInvitation: boolean;
  /** Seconds after a base time it was submitted at. */
  second: number;
  /** How its apply goes: normally, twice (replay), concurrently twice, or interrupted. */
  fate: 'normal' | 'replay' | 'race' | 'lost' | 'late' | 'cube-only' | 'cell-only' | 'unmarked';
};

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 3 });
const subset = (xs: string[]) => fc.subarray(xs, { minLength: 1 });

const answersArb = fc
  .record({
    country: opt(fc.constantFrom('RU', 'UA')),
    population: opt(fc.integer({ min: 0, max: 300_000 })),
    may_contact: opt(fc.boolean()),
    obstacles: opt(subset(['funding', 'experience', 'legal', 'staff', 'other'])),
    severity: opt(
      fc.dictionary(fc.constantFrom('funding', 'experience', 'legal', 'staff'), fc.integer({ min: 1, max: 5 }), {
        minKeys: 1,
      }),
    ),
    satisfaction: opt(fc.integer({ min: 1, max: 10 })),
    partners: opt(subset(['neighbours', 'region', 'ngo'])),
    mode: opt(fc.constantFrom('a', 'b', 'c', 'other')),
    prio: opt(fc.shuffledSubarray(['x', 'y', 'z'], { minLength: 3, maxLength: 3 })),
    spend: opt(
      fc.oneof(
        fc.integer({ min: -2_000_000, max: 2_000_000 }).map((n) => n / 100),
        fc.integer({ min: 100_001, max: 50_000_000 }),
      ),
    ),
  })
  .map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => v !== undefined)));

const genArb: fc.Arbitrary<Gen> = fc.record({
  regionCode: fc.constantFrom(...REGIONS),
  municipalityType: fc.constantFrom(...TYPES),
  sizeClass: fc.constantFrom(...SIZES),
  respondentRole: fc.constantFrom(...ROLES),
  answers: answersArb,
  municipality: fc.constantFrom('Вологда', 'St. Pete', '$x%2E', '', 'Ёлкино'),
  viaInvitation: fc.constantFrom(false, false, true),
  second: fc.nat(100),
  fate: fc.constantFrom(
    'normal',
    'normal',
    'normal',
    'replay',
    'race',
    'lost',
    'late',
    'cube-only',
    'cell-only',
    'unmarked',
  ),
});

const filtersArb: fc.Arbitrary<Filters> = fc
  .record({
    region: opt(fc.subarray([...REGIONS, 'RU-MOS'], { minLength: 1 })),
    municipalityType: opt(fc.subarray(['urban', 'rural', 'village'], { minLength: 1 })),
    sizeClass: opt(fc.subarray(['small', 'large'], { minLength: 1 })),
    respondentRole: opt(fc.subarray(['head', 'deputy'], { minLength: 1 })),
    status: fc.constantFrom('complete' as const, 'all' as const),
  })
  .map((f) => Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as Filters);

const byArb = fc.constantFrom<By>('none', 'region', 'municipalityType', 'sizeClass', 'respondentRole');

type Stored = Gen & { _id: string };

/** The reference: counts per group straight from the generated responses and the codings. */
function recount(
  stored: Stored[],
  codes: Map<string, Map<string, string>>,
  v: Variable,
  by: By,
  f: Filters,
): Map<string, { respondents: number; answered: number; counts: Map<string, number>; numbers: number[] }> {
  type G = { respondents: number; answered: number; counts: Map<string, number>; numbers: number[] };
  const out = new Map<string, G>();
  for (const r of stored) {
    if (f.region?.length && !f.region.includes(r.regionCode)) continue;
    if (f.municipalityType?.length && !f.municipalityType.includes(r.municipalityType)) continue;
    if (f.sizeClass?.length && !f.sizeClass.includes(r.sizeClass)) continue;
    if (f.respondentRole?.length && !f.respondentRole.includes(r.respondentRole)) continue;
    const key = by === 'none' ? ALL : by === 'region' ? r.regionCode : r[by];
    const g: G = out.get(key) ?? { respondents: 0, answered: 0, counts: new Map<string, number>(), numbers: [] };
    out.set(key, g);
    g.respondents++;
    if (isCategorical(v)) {
      const values = v.values(r.answers);
      if (values?.length) {
        g.answered++;
        for (const x of new Set(recoded([...new Set(values)], codes.get(r._id)?.get(v.name))))
          g.counts.set(x, (g.counts.get(x) ?? 0) + 1);
      }
    }
    if (v.numeric) {
      const n = v.number(r.answers);
      if (n !== undefined) {
        g.numbers.push(n);
        if (!isCategorical(v)) g.answered++;
      }
    }
  }
  return out;
}

function trueMedian(values: number[]): { median: number; middle: number[] } {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const middle = s.length % 2 ? [s[mid]] : [s[mid - 1], s[mid]];
  return { median: middle.reduce((a, b) => a + b, 0) / middle.length, middle };
}

async function expectCubeEqualsRecount(
  wave: string,
  stored: Stored[],
  codes: Map<string, Map<string, string>>,
  queries: [Filters, By, number][],
): Promise<void> {
  const { variables } = await waveCatalogue(wave);
  const analysed = variables.filter((v) => v.kind !== 'text');
  const codings = await loadCodings(wave);
  for (const [filters, by, pick] of queries) {
    const v = analysed[pick % analysed.length];
    const got = await collect({ wave, variables: [v], by, filters, numbers: v.numeric, codings });
    expect(got.source).toBe('kept');
    const want = recount(stored, codes, v, by, filters);
    const where = `${v.name} by ${by} with ${JSON.stringify(filters)}`;
    const gotKeys = [...got.groups].filter(([, g]) => g.respondents > 0).map(([k]) => k);
    expect({ where, groups: gotKeys.sort() }).toEqual({ where, groups: [...want.keys()].sort() });
    if (by !== 'none' && isCategorical(v)) {
      // The profile dimension × question crosstab is the same sum, from the cube too.
      const x = await crosstab(wave, `@${by}`, v.name, filters, { k: 1, trusted: true });
      expect(x.source).toBe('kept');
      const table = Object.fromEntries(
        x.rows.map((r, i) => [
          r.value,
          {
            answered: x.rowTotals[i],
            counts: Object.fromEntries(x.cols.map((c, j) => [c.value, x.cells[i][j].count]).filter(([, n]) => n !== 0)),
          },
        ]),
      );
      const expected = Object.fromEntries(
        [...want]
          .filter(([, w]) => w.answered > 0)
          .map(([k, w]) => [k, { answered: w.answered, counts: Object.fromEntries(w.counts) }]),
      );
      expect({ where, table }).toEqual({ where, table: expected });
    }
    for (const [key, w] of want) {
      const g = got.groups.get(key)!;
      const counts = Object.fromEntries([...(g.counts.get(v.name) ?? [])].filter(([, n]) => n !== 0));
      expect({ where, key, respondents: g.respondents, answered: g.answered.get(v.name) ?? 0, counts }).toEqual({
        where,
        key,
        respondents: w.respondents,
        answered: w.answered,
        counts: Object.fromEntries(w.counts),
      });
      if (!v.numeric) continue;
      const s = summarizeAgg(g.stats.get(v.name));
      if (!w.numbers.length) {
        expect({ where, key, s }).toEqual({ where, key, s: undefined });
        continue;
      }
      expect(s).toBeDefined();
      const sum = w.numbers.reduce((a, b) => a + b, 0);
      expect({ where, key, n: s!.n, min: s!.min, max: s!.max }).toEqual({
        where,
        key,
        n: w.numbers.length,
        min: Math.min(...w.numbers),
        max: Math.max(...w.numbers),
      });
      expect(Math.abs(s!.sum - sum)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(sum)));
      const { median, middle } = trueMedian(w.numbers);
      if (w.numbers.every((n) => Number.isInteger(n) && Math.abs(n) <= 100_000)) {
        expect({ where, key, median: s!.median, approximate: s!.approximate }).toEqual({
          where,
          key,
          median,
          approximate: undefined,
        });
      } else {
        // The documented bound: within 1% of the middle values' magnitude.
        const bound = MEDIAN_REL_ERROR * Math.max(...middle.map(Math.abs)) + 1e-9;
        expect(Math.abs(s!.median - median)).toBeLessThanOrEqual(bound);
      }
    }
  }
}

const newWave = (questionnaireId: string) =>
  createOpenWave(questionnaireId, {
    code: `cube-${randomUUID().slice(0, 8)}`,
    title: { ru: 'Куб', en: 'Cube', uk: 'Куб' },
  });

const sourceOf = (wave: string, questionnaireId: string, r: Stored) => ({
  _id: r._id,
  waveCode: wave,
  questionnaireId,
  regionCode: r.regionCode,
  municipalityType: r.municipalityType,
  sizeClass: r.sizeClass,
  respondentRole: r.respondentRole,
  status: 'complete',
  answers: r.answers,
  municipality: r.municipality,
  invitationId: r.viaInvitation ? `inv-${r._id}` : null,
  submittedAt: new Date(BASE_TIME + r.second * 1000),
});

const BASE_TIME = Date.now() - 300_000;

/** The reference for the region page: municipalities that answered through the public link. */
function municipalityRecount(stored: Stored[], region: string, f: Filters) {
  const rows = new Map<string, { name: string; type: string; sizeClass: string; responses: number; t: number }>();
  for (const r of stored) {
    if (r.regionCode !== region || r.viaInvitation) continue;
    if (f.municipalityType?.length && !f.municipalityType.includes(r.municipalityType)) continue;
    if (f.sizeClass?.length && !f.sizeClass.includes(r.sizeClass)) continue;
    if (f.respondentRole?.length && !f.respondentRole.includes(r.respondentRole)) continue;
    const key = JSON.stringify([r.municipality, r.municipalityType, r.sizeClass]);
    const t = BASE_TIME + r.second * 1000;
    const row = rows.get(key) ?? {
      name: r.municipality,
      type: r.municipalityType,
      sizeClass: r.sizeClass,
      responses: 0,
      t,
    };
    row.responses++;
    row.t = Math.max(row.t, t);
    rows.set(key, row);
  }
  return [...rows.values()]
    .map((r) => ({ ...r, t: new Date(r.t).toISOString() }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

async function expectMunicipalitiesEqualRecount(wave: string, stored: Stored[], queries: [Filters, By, number][]) {
  for (const [filters, , pick] of queries) {
    const region = filters.region?.[0] ?? REGIONS[pick % REGIONS.length];
    const got = (await publicMunicipalities(wave, region, filters))
      .map((m) => ({ name: m.name, type: m.type, sizeClass: m.sizeClass, responses: m.responses, t: m.respondedAt }))
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const where = `${region} with ${JSON.stringify(filters)}`;
    expect({ where, got }).toEqual({ where, got: municipalityRecount(stored, region, filters) });
  }
}

/** The region page's list, read page by page, is the whole list in order, once. */
async function expectPagesMakeTheList(wave: string, queries: [Filters, By, number][]) {
  for (const [filters, , pick] of queries) {
    const region = REGIONS[pick % REGIONS.length];
    const all = await publicMunicipalities(wave, region, { ...filters, region: undefined });
    const pageSize = 1 + (pick % 3);
    const pages: unknown[] = [];
    for (let page = 1; ; page++) {
      const p = await regionProfile(wave, region, { ...filters, region: undefined }, {}, { page, pageSize });
      expect(p.municipalitiesPage).toEqual({ page, pageSize, total: all.length });
      expect(p.municipalities.length).toBeLessThanOrEqual(pageSize);
      if (!p.municipalities.length) break;
      pages.push(...p.municipalities);
    }
    expect(pages).toEqual(all);
  }
}

async function store(wave: string, questionnaireId: string, gens: Gen[]): Promise<Stored[]> {
  const stored = gens.map((g) => ({ ...g, _id: randomUUID() }));
  await ResponseModel.insertMany(
    stored.map((r) => ({
      ...sourceOf(wave, questionnaireId, r),
      locale: 'ru',
    })),
  );
  return stored;
}

/** Applies each response the way its fate says: the interrupted ones are left for the catch-up. */
async function apply(wave: string, questionnaireId: string, stored: Stored[]): Promise<void> {
  for (const r of stored) {
    const src = sourceOf(wave, questionnaireId, r);
    switch (r.fate) {
      case 'normal':
        expect(await applyToCounters(src)).toBe('applied');
        break;
      case 'replay':
        expect(await applyToCounters(src)).toBe('applied');
        expect(await applyToCounters(src)).toBe('already');
        break;
      case 'race':
        await Promise.all([applyToCounters(src), applyToCounters(src), applyToCounters(src)]);
        break;
      case 'lost': // the process died right after storing the response
        break;
      case 'late': // seen unmarked too long ago: the worker leaves it to the catch-up
        expect(await applyToCounters(src, Date.now() - 10 * 60_000)).toBe('late');
        break;
      case 'cube-only': // its cube cell updated, then the process died (counters and mark not done)
        expect(await applyToCube(src, () => false)).toBe('applied');
        break;
      case 'cell-only': {
        // the deadline passes after the first step of the cube's apply (its cell, or only the
        // making of the cell): the rest, e.g. its municipality document, is left to the catch-up
        let checks = 0;
        await applyToCube(src, () => checks++ > 0);
        break;
      }
      case 'unmarked': // counters and cube updated, the process died before the mark
        expect(await applyToCounters(src)).toBe('applied');
        await ResponseModel.updateOne({ _id: r._id }, { $set: { talliedAt: null } });
        break;
    }
  }
}

/** Codes some "other" answers (one re-coded, one uncoded); returns the codes in force. */
async function codeOthers(wave: string, stored: Stored[], seed: number): Promise<Map<string, Map<string, string>>> {
  await addCustomCode(wave, 'obstacles', 'corruption', { ru: 'Коррупция', en: 'Corruption', uk: 'Корупція' });
  const codes = new Map<string, Map<string, string>>();
  const set = (id: string, variable: string, code: string | undefined) => {
    const m = codes.get(id) ?? new Map<string, string>();
    if (code) m.set(variable, code);
    else m.delete(variable);
    codes.set(id, m);
  };
  let i = seed;
  for (const r of stored) {
    for (const [variable, choices] of [
      ['obstacles', ['funding', 'legal', 'corruption']],
      ['mode', ['a', 'b', 'c']],
    ] as const) {
      const chosen = r.answers[variable];
      const hasOther = Array.isArray(chosen) ? chosen.includes('other') : chosen === 'other';
      if (!hasOther || i++ % 3 === 0) continue;
      const code = choices[i % choices.length];
      await codeOtherAnswer(wave, r._id, variable, code, 'tester');
      set(r._id, variable, code);
      if (i % 4 === 0) {
        const again = choices[(i + 1) % choices.length];
        await codeOtherAnswer(wave, r._id, variable, again, 'tester');
        set(r._id, variable, again);
      } else if (i % 5 === 0) {
        await uncodeOtherAnswer(wave, r._id, variable);
        set(r._id, variable, undefined);
      }
    }
  }
  return codes;
}

describe('the kept cube equals a recount of the raw responses', () => {
  useTestDatabase({ demo: false });
  let questionnaireId: string;
  beforeAll(async () => {
    questionnaireId = (await registerVersion('cube-all-types', definition(), 'upload')).version.id;
  });

  it('for random filter combinations, groupings and questions; after replays, interruptions, catch-up and rebuild', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(genArb, { minLength: 1, maxLength: 40 }),
        fc.array(fc.tuple(filtersArb, byArb, fc.nat()), { minLength: 25, maxLength: 25 }),
        fc.nat(),
        async (gens, queries, seed) => {
          const wave = await newWave(questionnaireId);
          const stored = await store(wave, questionnaireId, gens);
          await apply(wave, questionnaireId, stored);
          // The catch-up finishes every interrupted apply, exactly once.
          await catchUp({ wave, graceMs: 0 });
          expect(await catchUp({ wave, graceMs: 0 })).toBe(0);
          const codes = await codeOthers(wave, stored, seed);
          await expectCubeEqualsRecount(wave, stored, codes, queries);
          await expectMunicipalitiesEqualRecount(wave, stored, queries);
          await expectPagesMakeTheList(wave, queries.slice(0, 3));
          expect(await verifyCounters(wave)).toEqual({ ok: true, regions: [] });
          // The stamp stays small: no version per cell, at most one counter per version group.
          const stamp = await CubeStampModel.findById(wave).lean<Record<string, unknown>>();
          expect(stamp!.v).toBeUndefined();
          expect(Object.keys((stamp!.b ?? {}) as object).length).toBeLessThanOrEqual(VERSION_GROUPS);

          // A damaged cell is found by verify; rebuild repairs it and the reads are exact again.
          const r0 = stored[0];
          await CubeCellModel.updateOne({ _id: cellId(wave, dimsOf(r0)) }, { $inc: { n: 3, 'c.mode=a': 1 } });
          expect(await verifyCounters(wave)).toEqual({ ok: false, regions: [r0.regionCode] });
          await rebuildCounters(wave);
          expect(await verifyCounters(wave)).toEqual({ ok: true, regions: [] });
          await expectCubeEqualsRecount(wave, stored, codes, queries.slice(0, 8));
          await expectMunicipalitiesEqualRecount(wave, stored, queries.slice(0, 8));

          // Damaged municipality documents are found too (the region page reads them): a count
          // changed and a municipality nobody named.
          await CubeMunicipalitiesModel.updateOne(
            { _id: municipalityDocId(wave, r0.regionCode, 'Intruder') },
            { $inc: { 'm.kIntruder.n': 1 }, $setOnInsert: { wave, region: r0.regionCode, recent: [] } },
            { upsert: true },
          );
          expect(await verifyCounters(wave)).toEqual({ ok: false, regions: [r0.regionCode] });
          await rebuildCounters(wave);
          expect(await verifyCounters(wave)).toEqual({ ok: true, regions: [] });
          await expectMunicipalitiesEqualRecount(wave, stored, queries.slice(0, 8));
        },
      ),
      { numRuns: 6, endOnFailure: true },
    );
  }, 600_000);

  it('a cube kept in the older format (municipalities in the cells, a version per cell in the stamp) is rebuilt by the maintenance', async () => {
    const wave = await newWave(questionnaireId);
    const gens = fc.sample(genArb, { numRuns: 30, seed: 11 }).map((g) => ({ ...g, fate: 'normal' as const }));
    const stored = await store(wave, questionnaireId, gens);
    await apply(wave, questionnaireId, stored);
    // What format 2 kept: `m` in every cell, `v` in the stamp, no municipality documents.
    const cells = await CubeCellModel.find({ wave }, { _id: 1 }).lean<{ _id: string }[]>();
    // (Through the driver: the schemas no longer know `m` and `v`.)
    for (const c of cells)
      await CubeCellModel.collection.updateOne({ _id: c._id as never }, { $set: { m: { kOld: { n: 1, t: 0 } } } });
    await CubeMunicipalitiesModel.deleteMany({ wave });
    await CubeStampModel.collection.updateOne(
      { _id: wave as never },
      { $set: { f: 2, v: Object.fromEntries(cells.map((c, i) => [`c${i}`, 1])) } },
    );
    expect(await CubeCellModel.collection.countDocuments({ wave, m: { $exists: true } })).toBe(cells.length);
    expect(await buildMissingCubes()).toContain(wave);
    const stamp = await CubeStampModel.findById(wave).lean<Record<string, unknown>>();
    expect(stamp!.f).toBe(CUBE_FORMAT);
    expect(stamp!.v).toBeUndefined();
    expect(await CubeCellModel.collection.countDocuments({ wave, m: { $exists: true } })).toBe(0);
    expect(await verifyCounters(wave)).toEqual({ ok: true, regions: [] });
    const queries = fc.sample(fc.tuple(filtersArb, byArb, fc.nat()), { numRuns: 10, seed: 3 });
    await expectMunicipalitiesEqualRecount(wave, stored, queries);
  }, 120_000);
});

const BIN = path.join(ROOT, '.cache', 'store-bin', 'lsg-store');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

(storeKind() === 'embedded' ? describe : describe.skip)('the store is killed in the middle of cube updates', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-cube-fault-'));
  let storeProc: EmbeddedStore;
  beforeAll(async () => {
    storeProc = await startEmbeddedStore(BIN, dataDir);
    await connectMongoose(storeProc.uri, 'cubefaults', false);
    await prepareDatabase({ rootDir: ROOT, demo: false });
  }, 60_000);
  afterAll(async () => {
    await mongoose.disconnect();
    await storeProc.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('after a restart and the catch-up, the cube equals the recount', async () => {
    const questionnaireId = (await registerVersion('cube-all-types', definition(), 'upload')).version.id;
    const wave = await newWave(questionnaireId);
    const gens = fc.sample(genArb, { numRuns: 60, seed: 20 }).map((g) => ({ ...g, fate: 'normal' as const }));
    const stored = await store(wave, questionnaireId, gens);
    const listen = new URL(storeProc.uri).host;
    let failed = 0;
    // Apply in parallel streams; the store dies after a few and comes back 3 s later.
    const applying = Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        for (let i = lane; i < stored.length; i += 4) {
          try {
            await applyToCounters(sourceOf(wave, questionnaireId, stored[i]));
          } catch {
            failed++;
          }
        }
      }),
    );
    await sleep(150);
    await storeProc.kill();
    await sleep(3000);
    storeProc = await startEmbeddedStore(BIN, dataDir, 60_000, listen);
    await applying;
    // Applies that failed (or hung until the store was back) are finished by the catch-up.
    expect(failed).toBeGreaterThanOrEqual(0);
    await catchUp({ wave, graceMs: 0 });
    expect(await verifyCounters(wave)).toEqual({ ok: true, regions: [] });
    const queries = fc.sample(fc.tuple(filtersArb, byArb, fc.nat()), { numRuns: 30, seed: 7 });
    await expectCubeEqualsRecount(wave, stored, new Map(), queries);
    await expectMunicipalitiesEqualRecount(wave, stored, queries);
  }, 180_000);
});
