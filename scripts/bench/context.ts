// Shared set-up of the benchmarks: an embedded store of its own (temporary folder), one wave on
// the default questionnaire, and a seeder that grows that wave to N realistic responses with bulk
// inserts (not through HTTP) while keeping its tally counters as submissions would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { connectMongoose } from '../../server/src/db/connection';
import { ensureStoreBuilt, startEmbeddedStore, type EmbeddedStore } from '../../server/src/db/embedded-store';
import { prepareDatabase, DEFAULT_QUESTIONNAIRE } from '../../server/src/bootstrap';
import { createWaveIfAbsent } from '../../server/src/waves/waves.service';
import { ResponseModel } from '../../server/src/responses/response.model';
import { CounterModel } from '../../server/src/analytics/counter.model';
import { contributionOf, waveCatalogue } from '../../server/src/analytics/catalogue';
import { counterId } from '../../server/src/analytics/counters.service';
import { addRecountToCube, addToRecount, newRecount } from '../../server/src/analytics/cube.service';

export const ROOT = path.resolve(__dirname, '..', '..');

export type Result = { benchmark: string; size: number; metric: string; value: number; unit: string; note?: string };

export type BenchContext = {
  uri: string;
  dbName: string;
  wave: string;
  /** Grows the wave to at least n completed responses. */
  ensureResponses: (n: number) => Promise<void>;
  count: () => number;
  log: (msg: string) => void;
  /** The embedded store's process (for its memory), when the bench started one. */
  storePid?: number;
};

export type Benchmark = {
  name: string;
  /** Wave sizes at which it measures (the runner seeds the shared wave up to each in turn). */
  sizes: (opts: { million: boolean }) => number[];
  measure: (ctx: BenchContext, size: number) => Promise<Result[]>;
};

// Obstacle frequencies shaped after published regional surveys (as in scripts/demo.ts).
const OBSTACLES: [string, number][] = [
  ['funding', 0.72],
  ['experience', 0.46],
  ['legal', 0.34],
  ['staff', 0.41],
  ['capacity', 0.24],
  ['procedures', 0.29],
  ['coordination', 0.19],
  ['motivation', 0.14],
  ['conflict', 0.11],
  ['trust', 0.09],
  ['regional', 0.16],
  ['information', 0.27],
  ['digital', 0.21],
  ['security', 0.04],
];
const RU = [
  'RU-VLG',
  'RU-ARK',
  'RU-KR',
  'RU-YAR',
  'RU-KOS',
  'RU-TVE',
  'RU-NIZ',
  'RU-TA',
  'RU-SVE',
  'RU-NVS',
  'RU-KDA',
  'RU-PER',
  'RU-BA',
  'RU-IRK',
  'RU-PRI',
];
const UA = ['UA-05', 'UA-07', 'UA-18', 'UA-26', 'UA-46', 'UA-53', 'UA-56', 'UA-61', 'UA-68', 'UA-71'];
const RU_TYPES = ['urban_okrug', 'municipal_district', 'municipal_okrug', 'urban_settlement', 'rural_settlement'];
const UA_TYPES = ['hromada_urban', 'hromada_settlement', 'hromada_rural'];
const SIZES = ['small', 'medium', 'large', 'big', 'largest'];
const ROLES = ['head', 'deputy_head', 'specialist', 'council_member', 'other'];
/** Distinct municipality names the seeder uses (the municipality documents of the cube grow with them, not with responses). */
const MUNICIPALITIES = 20_000;
const MEASURES = [
  'cofinancing',
  'methodological_support',
  'knowledge_base',
  'staff_training',
  'coordination_body',
  'digital_platforms',
];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function createContext(
  log: (msg: string) => void,
): Promise<{ ctx: BenchContext; close: () => Promise<void> }> {
  const bin = process.env.STORE_BIN ?? path.join(ROOT, '.cache', 'store-bin', 'lsg-store');
  let store: EmbeddedStore | undefined;
  let dataDir: string | undefined;
  let uri = process.env.MONGODB_URI;
  if (!uri) {
    ensureStoreBuilt(ROOT, bin, log);
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-bench-'));
    store = await startEmbeddedStore(bin, dataDir);
    uri = store.uri;
  }
  const dbName = `bench_${randomUUID().slice(0, 8)}`;
  // The bench checks its results with reads over whole waves: no 4 s query limit for them.
  await connectMongoose(uri, dbName, !store, 600_000);
  await prepareDatabase({ rootDir: ROOT, demo: false });
  const wave = 'bench';
  const { version } = await import('../../server/src/questionnaires/questionnaires.service').then(async (m) => ({
    version: (await m.listQuestionnaires()).filter((q) => q.key === DEFAULT_QUESTIONNAIRE).at(-1)!,
  }));
  await createWaveIfAbsent({
    code: wave,
    title: { ru: 'Бенчмарк', en: 'Benchmark', uk: 'Бенчмарк' },
    questionnaireId: version.id,
    status: 'open',
    opensAt: null,
    closesAt: null,
    scope: { countries: ['RU', 'UA'], regions: [] },
    access: 'public',
    anonymous: false,
  });
  const { variables } = await waveCatalogue(wave);
  const rand = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  let seeded = 0;

  // A municipality lies in one region and has one type and size class: drawn once per name, from
  // its number (respondents, roles and answers vary per response).
  function municipalityOf(i: number) {
    const m = i % MUNICIPALITIES;
    const own = rng(0x5eed + m);
    const from = <T>(xs: T[]) => xs[Math.floor(own() * xs.length)];
    const ua = own() < 0.35;
    return {
      name: `Муниципалитет №${m}`,
      ua,
      region: from(ua ? UA : RU),
      type: from(ua ? UA_TYPES : RU_TYPES),
      size: from(SIZES),
    };
  }

  function makeDoc(i: number) {
    const { name, ua, region, type: municipalityType, size: sizeClass } = municipalityOf(i);
    let obstacles = OBSTACLES.filter(([, w]) => rand() < w).map(([o]) => o);
    if (!obstacles.length) obstacles = ['funding'];
    const role = pick(ROLES);
    const answers: Record<string, unknown> = {
      country: ua ? 'UA' : 'RU',
      region,
      // Russia and Ukraine have ~19,000 municipalities between them: a large wave has several
      // respondents per municipality, so names repeat after MUNICIPALITIES responses.
      municipality: name,
      municipality_type: municipalityType,
      population: Math.round(2000 + rand() * rand() * 300000),
      size_class: sizeClass,
      role,
      imc_experience: pick(['yes_ongoing', 'yes_past', 'planned', 'no']),
      obstacles,
      obstacle_severity: Object.fromEntries(obstacles.map((o) => [o, 1 + Math.floor(rand() * 5)])),
      measures: MEASURES.filter(() => rand() < 0.3),
      ...(rand() < 0.2 ? { comment: 'Нужны типовые соглашения и софинансирование.' } : {}),
    };
    const at = new Date(Date.UTC(2025, 2, 1) + i * 1000);
    return {
      _id: randomUUID(),
      waveCode: wave,
      questionnaireId: version.id,
      status: 'complete',
      answers,
      regionCode: region,
      municipality: answers.municipality as string,
      municipalityType,
      sizeClass,
      respondentRole: role,
      obstacles,
      locale: ua ? 'uk' : 'ru',
      startedAt: at,
      submittedAt: at,
      talliedAt: at,
    };
  }

  const ctx: BenchContext = {
    uri,
    dbName,
    storePid: store?.pid,
    wave,
    log,
    count: () => seeded,
    ensureResponses: async (n: number) => {
      if (seeded >= n) return;
      const started = Date.now();
      const BATCH = 2000;
      // The kept cube these responses would have produced: one update per cell at the end.
      const cube = newRecount();
      while (seeded < n) {
        const size = Math.min(BATCH, n - seeded);
        const docs = Array.from({ length: size }, (_x, k) => makeDoc(seeded + k));
        // The kept counts these responses would have produced, added per region in one $inc each.
        const perRegion = new Map<string, Record<string, number>>();
        for (const d of docs) {
          const inc = perRegion.get(d.regionCode) ?? { n: 0 };
          inc.n++;
          for (const k of Object.keys(contributionOf(variables, d.answers))) inc[`c.${k}`] = (inc[`c.${k}`] ?? 0) + 1;
          perRegion.set(d.regionCode, inc);
        }
        for (const d of docs) addToRecount(cube, wave, variables, d);
        await ResponseModel.collection.insertMany(docs as never[], { ordered: false });
        for (const [region, inc] of perRegion) {
          await CounterModel.updateOne(
            { _id: counterId(wave, region) },
            { $inc: inc, $setOnInsert: { wave, region, recent: [] } },
            { upsert: true },
          );
        }
        seeded += size;
        if (seeded % 20000 === 0 || seeded === n) log(`  seeded ${seeded.toLocaleString('en')} responses`);
      }
      await addRecountToCube(wave, cube);
      log(`  (seeding to ${n.toLocaleString('en')} took ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    },
  };
  return {
    ctx,
    close: async () => {
      await mongoose.connection.db?.dropDatabase();
      await mongoose.disconnect();
      await store?.stop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
