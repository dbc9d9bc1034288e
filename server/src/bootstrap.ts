// Prepares a connected database for the app: indexes, shipped questionnaires, demo wave.
// Every step is idempotent, so any number of instances may run it at start.
import path from 'node:path';
import { allModels } from './db/models';
import { loadShippedQuestionnaires } from './questionnaires/questionnaires.service';
import { ensureDemoWave } from './waves/waves.service';
import { ensurePracticeTextIndex } from './practices/practices.service';
import { flushAllOutboxes, sweepOutbox } from './audit/outbox';
import { WaveModel } from './waves/wave.model';

export const DEFAULT_QUESTIONNAIRE = 'imc-barriers';

/**
 * Builds the declared indexes of every model (mongoose's autoIndex is off, so nothing else
 * does). createIndexes only adds what is missing: on an existing database it is quick and
 * changes nothing that is already there; it never drops an index.
 */
export async function ensureIndexes(): Promise<void> {
  for (const model of allModels()) await model.createIndexes();
}

export async function prepareDatabase(opts: {
  rootDir: string;
  demo: boolean;
}): Promise<{ loaded: number; demoWave?: string }> {
  await ensureIndexes();
  // The practices' full-text index exists on MongoDB only (the embedded store has none).
  await ensurePracticeTextIndex();
  // Audit records a crash or a failed audit write left in the outbox (audit/outbox.ts) reach the
  // audit log (and every minute after, see index.ts); waves' records from before the outbox
  // collection are found by reading the waves.
  await sweepOutbox();
  await flushAllOutboxes(WaveModel);
  const loaded = await loadShippedQuestionnaires(path.join(opts.rootDir, 'surveys'));
  let demoWave: string | undefined;
  if (opts.demo) {
    const latest = loaded.filter((l) => l.key === DEFAULT_QUESTIONNAIRE).at(-1);
    if (latest) demoWave = await ensureDemoWave(latest.id);
  }
  return { loaded: loaded.length, demoWave };
}
