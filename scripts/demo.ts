// `npm run demo -- --responses 500 [--wave CODE | --questionnaire KEY] [--seed N]`: fills a wave
// with plausible synthetic answers across regions, submitted through the same service as real
// ones. `--questionnaire lsg-problems` fills (and first opens, if absent) the demo wave of that
// shipped questionnaire's latest version, `demo-<key>-<year>`.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import type { ItemValue, Question } from 'survey-core';
import { config } from '../server/src/config';
import { openDatabase } from '../server/src/db/connection';
import { prepareDatabase } from '../server/src/bootstrap';
import { createWaveIfAbsent, getWaveWithQuestionnaire, listWaves } from '../server/src/waves/waves.service';
import { listQuestionnaires, lockRoles } from '../server/src/questionnaires/questionnaires.service';
import { submitResponse } from '../server/src/responses/responses.service';
import { createModel } from '../server/src/questionnaires/survey-model';
import { roleOf, type Roles } from '../server/src/questionnaires/roles';

// How often municipal heads name each obstacle (shaped after published regional surveys).
const OBSTACLE_WEIGHT: Record<string, number> = {
  funding: 0.72,
  experience: 0.46,
  legal: 0.34,
  staff: 0.41,
  capacity: 0.24,
  procedures: 0.29,
  coordination: 0.19,
  motivation: 0.14,
  conflict: 0.11,
  trust: 0.09,
  regional: 0.16,
  information: 0.27,
  digital: 0.21,
  security: 0.04,
  other: 0.03,
};
const RU_REGIONS = [
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
const UA_REGIONS = ['UA-05', 'UA-07', 'UA-18', 'UA-26', 'UA-46', 'UA-53', 'UA-56', 'UA-61', 'UA-68', 'UA-71'];
const TOWNS = [
  'Тотьма',
  'Кириллов',
  'Белозерск',
  'Вельск',
  'Кондопога',
  'Углич',
  'Галич',
  'Торжок',
  'Арзамас',
  'Елабуга',
  'Ирбит',
  'Бердск',
  'Ейск',
  'Кунгур',
  'Белорецк',
  'Ангарск',
  'Находка',
  'Жмеринка',
  'Ковель',
  'Бердичів',
  'Коломия',
  'Стрий',
  'Миргород',
  'Дубно',
  'Бучач',
  'Кам’янець',
  'Умань',
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

function fill(
  { definition, roles }: { definition: object; roles: Roles },
  rand: () => number,
  i: number,
): Record<string, unknown> {
  const model = createModel(definition);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const ua = rand() < 0.35;
  for (const q of model.getAllQuestions(false) as Question[]) {
    if (!q.isVisible) continue;
    const name = q.getValueName();
    const role = roleOf(roles, name);
    const choices = ((q as unknown as { visibleChoices?: ItemValue[] }).visibleChoices ?? [])
      .map((c) => c.value as string)
      .filter((v) => v !== 'other' && v !== 'none');
    const type = q.getType();
    if (name === 'country') model.setValue(name, ua ? 'UA' : 'RU');
    else if (role === 'region')
      model.setValue(name, pick((ua ? UA_REGIONS : RU_REGIONS).filter((r) => choices.includes(r))));
    else if (role === 'municipality') model.setValue(name, `${pick(TOWNS)} №${i}`);
    else if (type === 'ranking') {
      const max = Number((q as unknown as { maxSelectedChoices?: number }).maxSelectedChoices) || choices.length;
      const left = [...choices];
      const ranked: string[] = [];
      while (ranked.length < Math.min(max, left.length + ranked.length) && left.length)
        ranked.push(left.splice(Math.floor(rand() * rand() * left.length), 1)[0]);
      model.setValue(name, ranked);
    } else if (role === 'obstacles') {
      const chosen = choices.filter((c) => rand() < (c === 'security' && ua ? 0.55 : (OBSTACLE_WEIGHT[c] ?? 0.1)));
      model.setValue(name, chosen.length ? chosen : ['funding']);
    } else if (type === 'radiogroup' || type === 'dropdown') {
      if (choices.length && (q.isRequired || rand() < 0.8)) model.setValue(name, pick(choices));
    } else if (type === 'checkbox' || type === 'tagbox') {
      const max = Number((q as unknown as { maxSelectedChoices?: number }).maxSelectedChoices) || choices.length;
      const chosen = choices.filter(() => rand() < 0.3).slice(0, max);
      if (chosen.length || q.isRequired) model.setValue(name, chosen.length ? chosen : [choices[0]]);
    } else if (type === 'matrix') {
      const rows = ((q as unknown as { visibleRows?: { name: string }[] }).visibleRows ?? []).map((r) => r.name);
      const cols = ((q as unknown as { columns: ItemValue[] }).columns ?? []).map((c) => c.value);
      if (rows.length && cols.length) model.setValue(name, Object.fromEntries(rows.map((r) => [r, pick(cols)])));
    } else if (type === 'text' && (q as unknown as { inputType?: string }).inputType === 'number') {
      model.setValue(name, Math.round(2000 + rand() * rand() * 300000));
    } else if (type === 'boolean') model.setValue(name, rand() < 0.5);
    else if (type === 'rating') model.setValue(name, 1 + Math.floor(rand() * 5));
    else if (q.isRequired && (type === 'text' || type === 'comment')) model.setValue(name, 'Демо');
  }
  return model.data as Record<string, unknown>;
}

/** The open demo wave of a shipped questionnaire's latest version (created when absent). */
async function demoWaveOf(key: string): Promise<string> {
  const latest = (await listQuestionnaires()).filter((q) => q.key === key).sort((a, b) => b.version - a.version)[0];
  if (!latest) throw new Error(`No questionnaire "${key}" in the library.`);
  const year = new Date().getFullYear();
  const code = `demo-${key}-${year}`;
  const title = latest.title;
  await createWaveIfAbsent({
    code,
    title: {
      ru: `${title.ru} — ${year} (демонстрационная волна)`,
      en: `${title.en} — ${year} (demo wave)`,
      uk: `${title.uk} — ${year} (демонстраційна хвиля)`,
    },
    questionnaireId: latest.id,
    status: 'open',
    opensAt: null,
    closesAt: null,
    scope: { countries: ['RU', 'UA'], regions: [] },
    access: 'public',
    anonymous: false,
    demo: true,
  });
  await lockRoles(latest.id);
  return code;
}

async function run(): Promise<void> {
  const { values } = parseArgs({
    options: {
      responses: { type: 'string', default: '500' },
      wave: { type: 'string' },
      questionnaire: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
  });
  const n = Number(values.responses);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000)
    throw new Error('--responses must be a whole number from 1 to 1,000,000');
  const cfg = config();
  const db = await openDatabase(cfg, (m) => process.stdout.write(`${m}\n`));
  try {
    await prepareDatabase({ rootDir: cfg.rootDir, demo: true });
    const code =
      values.wave ??
      (values.questionnaire
        ? await demoWaveOf(values.questionnaire)
        : (await listWaves()).find((w) => w.status === 'open')?.code);
    if (!code) throw new Error('No open wave: pass --wave CODE.');
    const { questionnaire } = await getWaveWithQuestionnaire(code);
    const rand = rng(Number(values.seed));
    const started = Date.now();
    let stored = 0;
    for (let i = 1; i <= n; i++) {
      const answers = fill(questionnaire, rand, i);
      const r = await submitResponse(code, { clientId: randomUUID(), locale: rand() < 0.35 ? 'uk' : 'ru', answers });
      if (r.created) stored++;
      if (i % 100 === 0) process.stdout.write(`  ${i}/${n}\r`);
    }
    process.stdout.write(
      `Stored ${stored} demo responses in wave ${code} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
    );
  } finally {
    await db.close();
  }
}

run().catch((err: unknown) => {
  process.stderr.write(`demo failed: ${err instanceof Error ? err.message : String(err)}\n`);
  if (err && typeof err === 'object' && 'invalidParams' in err)
    process.stderr.write(`${JSON.stringify((err as { invalidParams: unknown }).invalidParams)}\n`);
  process.exit(1);
});
