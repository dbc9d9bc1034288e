import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';
import { createWaveIfAbsent, type NewWave } from '../../server/src/waves/waves.service';
import { ResponseModel } from '../../server/src/responses/response.model';
import { waveCatalogue } from '../../server/src/analytics/catalogue';
import { rebuildCounters } from '../../server/src/analytics/counters.service';

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8')) as Record<string, unknown>;
}

/**
 * Creates a wave straight through the service: open, public, in Russia and Ukraine, on
 * `questionnaireId`, titled after its code unless `overrides` say otherwise; returns its code.
 */
export async function createOpenWave(questionnaireId: string, overrides: Partial<NewWave> = {}): Promise<string> {
  const code = overrides.code ?? `w-${randomUUID().slice(0, 8)}`;
  await createWaveIfAbsent({
    code,
    title: { ru: `Волна ${code}`, en: `Wave ${code}`, uk: `Хвиля ${code}` },
    questionnaireId,
    status: 'open',
    opensAt: null,
    closesAt: null,
    scope: { countries: ['RU', 'UA'], regions: [] },
    access: 'public',
    anonymous: false,
    ...overrides,
  });
  return code;
}

/** Registers the mini fixture questionnaire (fixtures/mini-barriers.json) if new; returns its version id. */
export async function registerMiniQuestionnaire(): Promise<string> {
  return (await registerVersion('mini-barriers', fixture('mini-barriers.json'), 'upload')).version.id;
}

/** Creates a wave on the mini fixture questionnaire; returns its code. */
export async function createFixtureWave(overrides: Partial<NewWave> = {}): Promise<string> {
  return createOpenWave(await registerMiniQuestionnaire(), {
    title: { ru: 'Тестовая волна', en: 'Test wave', uk: 'Тестова хвиля' },
    ...overrides,
  });
}

export function answers(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { region: 'RU-VLG', municipality: 'Тотьма', obstacles: ['funding'], ...over };
}

/**
 * A one-page questionnaire of a regional monitor: the region (a dropdown of `regions`) and the
 * municipality (text), with their roles, then `elements`.
 */
export function regionalQuestionnaire(
  title: Record<string, string>,
  regions: string[],
  elements: Record<string, unknown>[],
): Record<string, unknown> {
  const region = { type: 'dropdown', name: 'region', lsgRole: 'region', isRequired: true, choices: regions };
  const municipality = {
    type: 'text',
    name: 'municipality',
    lsgRole: 'municipality',
    isRequired: true,
    maxLength: 100,
  };
  return { title, pages: [{ name: 'p1', elements: [region, municipality, ...elements] }] };
}

/** The wave's one stored response: fails the test unless exactly one is stored. */
export async function theOnlyResponse(wave: string) {
  const stored = await ResponseModel.find({ waveCode: wave }).lean();
  expect(stored).toHaveLength(1);
  return stored[0];
}

/** A response as stored, in the fields the export tests compare with the files. */
export type StoredResponse = {
  _id: string;
  regionCode: string;
  municipality: string;
  submittedAt: Date;
  answers: Record<string, unknown>;
};

/** The wave's stored responses, oldest first. */
export async function storedResponses(wave: string): Promise<StoredResponse[]> {
  return ResponseModel.find({ waveCode: wave }).sort({ submittedAt: 1, _id: 1 }).lean<StoredResponse[]>();
}

/**
 * Inserts `n` complete responses to a wave of the mini questionnaire straight into the collection,
 * 2,000 at a time (far faster than submitting them), the i-th with the answers `answersOf(i)`
 * (see answers()), a millisecond apart from 2026-03-01; `tallied` marks them counted. Then rebuilds
 * the wave's kept counts from them, unless `keptCounts` is false (the counts then miss them).
 */
export async function insertResponses(
  wave: string,
  n: number,
  answersOf: (i: number) => Record<string, unknown>,
  { tallied, keptCounts = true }: { tallied: boolean; keptCounts?: boolean },
): Promise<void> {
  const { questionnaire } = await waveCatalogue(wave);
  const at = new Date('2026-03-01T10:00:00Z');
  for (let i = 0; i < n; i += 2000) {
    const docs = Array.from({ length: Math.min(2000, n - i) }, (_x, k) => {
      const a = answersOf(i + k);
      const region = a.region as string;
      const obstacles = a.obstacles as string[];
      return {
        _id: randomUUID(),
        waveCode: wave,
        questionnaireId: questionnaire.id,
        status: 'complete',
        answers: a,
        regionCode: region,
        municipality: a.municipality as string,
        municipalityType: '',
        sizeClass: '',
        respondentRole: '',
        obstacles,
        regionObstacles: obstacles.map((o) => `${region}|${o}`),
        locale: 'ru',
        startedAt: at,
        submittedAt: new Date(at.getTime() + i + k),
        talliedAt: tallied ? at : null,
      };
    });
    await ResponseModel.collection.insertMany(docs as never[], { ordered: false });
  }
  if (keptCounts) await rebuildCounters(wave);
}
