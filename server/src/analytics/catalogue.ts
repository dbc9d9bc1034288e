// A wave's questionnaire and its analysis variables. Questionnaire versions never change, so
// their variables are computed once per process.
import { getWaveWithQuestionnaire, type Wave } from '../waves/waves.service';
import { getQuestionnaire, type QuestionnaireVersion } from '../questionnaires/questionnaires.service';
import { variablesOf, type Variable } from './variables';
import { roleOf } from '../questionnaires/roles';

const cache = new Map<string, Variable[]>();

/** The variables of a version, each with the role stored for its question (roles can change until a wave opens). */
export function variablesOfQuestionnaire(q: QuestionnaireVersion): Variable[] {
  const key = `${q.id}|${JSON.stringify(q.roles)}`;
  let vars = cache.get(key);
  if (!vars) {
    vars = variablesOf(q.definition).map((v) => {
      const role = v.question === v.name ? roleOf(q.roles, v.question) : undefined;
      return role ? { ...v, role } : v;
    });
    if (cache.size >= 200) cache.clear();
    cache.set(key, vars);
  }
  return vars;
}

export async function variablesById(questionnaireId: string): Promise<Variable[]> {
  return variablesOfQuestionnaire(await getQuestionnaire(questionnaireId));
}

export type WaveCatalogue = { wave: Wave; questionnaire: QuestionnaireVersion; variables: Variable[] };

export async function waveCatalogue(code: string): Promise<WaveCatalogue> {
  const { wave, questionnaire } = await getWaveWithQuestionnaire(code);
  return { wave, questionnaire, variables: variablesOfQuestionnaire(questionnaire) };
}

/** Counter keys are field names: escape what MongoDB forbids there ('.', a leading '$') and our separators. */
export function escapeKey(s: string): string {
  return s.replace(/[%.$=#]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
export function unescapeKey(s: string): string {
  return s.replace(/%([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
export const choiceKey = (variable: string, value: string) => `${escapeKey(variable)}=${escapeKey(value)}`;
export const answeredKey = (variable: string) => `${escapeKey(variable)}#`;

/** The counter increments one response contributes: its chosen values and the variables it answered. */
export function contributionOf(variables: Variable[], answers: Record<string, unknown>): Record<string, number> {
  const inc: Record<string, number> = {};
  for (const v of variables) {
    if (v.kind !== 'single' && v.kind !== 'multi') continue;
    const values = v.values(answers);
    if (!values || values.length === 0) continue;
    inc[answeredKey(v.name)] = 1;
    for (const value of new Set(values)) inc[choiceKey(v.name, value)] = 1;
  }
  return inc;
}
