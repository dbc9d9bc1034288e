// Prepares a connected database for the app: indexes, shipped questionnaires, demo wave.
// Every step is idempotent, so any number of instances may run it at start.
import path from 'node:path';
import { QuestionnaireModel } from './questionnaires/questionnaire.model';
import { WaveModel } from './waves/wave.model';
import { ResponseModel } from './responses/response.model';
import { JobChunkModel, JobModel } from './jobs/job.model';
import { loadShippedQuestionnaires } from './questionnaires/questionnaires.service';
import { ensureDemoWave } from './waves/waves.service';

export const DEFAULT_QUESTIONNAIRE = 'imc-barriers';

export async function prepareDatabase(opts: {
  rootDir: string;
  demo: boolean;
}): Promise<{ loaded: number; demoWave?: string }> {
  await Promise.all([
    QuestionnaireModel.createIndexes(),
    WaveModel.createIndexes(),
    ResponseModel.createIndexes(),
    JobModel.createIndexes(),
    JobChunkModel.createIndexes(),
  ]);
  const loaded = await loadShippedQuestionnaires(path.join(opts.rootDir, 'surveys'));
  let demoWave: string | undefined;
  if (opts.demo) {
    const latest = loaded.filter((l) => l.key === DEFAULT_QUESTIONNAIRE).at(-1);
    if (latest) demoWave = await ensureDemoWave(latest.id);
  }
  return { loaded: loaded.length, demoWave };
}
