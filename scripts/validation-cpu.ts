// CPU per answer check, in process: `npx tsx scripts/validation-cpu.ts [checks]` times the
// benchmark's answer sets of the default questionnaire (scripts/bench/submission.ts) through the
// answer check, on the fast path (the plan) and on the full survey-core check, and prints CPU
// and wall time per check. For a profile:
// `node --import tsx --cpu-prof --cpu-prof-dir=.cache/prof scripts/validation-cpu.ts`.
import fs from 'node:fs';
import path from 'node:path';
import { checkAnswers, type CheckOptions } from '../server/src/questionnaires/answers';
import { answerSet } from './bench/submission';
import { DEFAULT_QUESTIONNAIRE } from '../server/src/bootstrap';

const checks = Number(process.argv[2] ?? 2000);
const definition = JSON.parse(
  fs.readFileSync(path.join(__dirname, '..', 'surveys', DEFAULT_QUESTIONNAIRE, 'v1.json'), 'utf8'),
) as object;
const sets = Array.from({ length: checks }, (_x, i) => answerSet(i, 'cpu'));

function measure(label: string, options: CheckOptions, n: number): void {
  for (let i = 0; i < Math.min(200, n); i++) checkAnswers(definition, sets[i % sets.length]!, options); // warm-up
  const paths = new Map<string, number>();
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const check = checkAnswers(definition, sets[i % sets.length]!, options);
    if (check.problems.length) throw new Error(`set ${i} refused: ${JSON.stringify(check.problems)}`);
    paths.set(check.path, (paths.get(check.path) ?? 0) + 1);
  }
  const wall = (performance.now() - started) / n;
  const used = process.cpuUsage(cpu);
  const perCheck = (used.user + used.system) / 1000 / n;
  process.stdout.write(
    `${label}: ${perCheck.toFixed(3)} ms CPU, ${wall.toFixed(3)} ms wall per check (${n} checks; ${[...paths]
      .map(([p, k]) => `${k} by ${p}`)
      .join(', ')})\n`,
  );
}

measure('answer check (plan where it applies)', {}, checks);
measure('full survey-core check, reused model', { plan: false }, checks);
measure('full survey-core check, model built per check', { fresh: true }, Math.max(20, Math.round(checks / 20)));
