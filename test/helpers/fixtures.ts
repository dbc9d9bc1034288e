import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';
import { createWaveIfAbsent, type NewWave } from '../../server/src/waves/waves.service';

export function fixture(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', name), 'utf8')) as Record<string, unknown>;
}

/** Creates a wave on the mini fixture questionnaire; returns its code. */
export async function createFixtureWave(overrides: Partial<NewWave> = {}): Promise<string> {
  const { version } = await registerVersion('mini-barriers', fixture('mini-barriers.json'), 'upload');
  const code = overrides.code ?? `w-${randomUUID().slice(0, 8)}`;
  await createWaveIfAbsent({
    code,
    title: { ru: 'Тестовая волна', en: 'Test wave', uk: 'Тестова хвиля' },
    questionnaireId: version.id,
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

export function answers(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { region: 'RU-VLG', municipality: 'Тотьма', obstacles: ['funding'], ...over };
}
