// The roles of questions: which question of a questionnaire version holds the region, the
// municipality, its type and size class, the respondent's role and the obstacles. They are stored
// with the version (questionnaire.model.ts, `roles`), chosen in the library UI; the custom
// property `lsgRole` in the JSON file is only how a file proposes them at upload
// (docs/questionnaires.md). Everything that needs a role reads the stored roles, never `lsgRole`.
import { Model, type ItemValue, type Question } from 'survey-core';
import type { InvalidParam } from '../http/errors';
import { obstacleCodes } from '../reference/reference.service';
import { createModel, LSG_ROLES, questionsIn, type LsgRole } from './survey-model';

export { LSG_ROLES, type LsgRole };

/** Role → the value name of the question that has it. */
export type Roles = Partial<Record<LsgRole, string>>;

/** What a role means, in the words of the upload report. */
export const ROLE_LABELS: Record<LsgRole, string> = {
  country: 'country',
  region: 'region',
  municipality: 'municipality',
  municipalityType: 'municipality type',
  sizeClass: 'size class',
  respondentRole: 'respondent role',
  obstacles: 'obstacles',
  obstacleSeverity: 'obstacle severity',
};

// The question types each role may have: a single value for the dimensions, a list for obstacles.
const SINGLE = ['radiogroup', 'dropdown', 'imagepicker', 'rating', 'boolean'];
const ALLOWED_TYPES: Record<LsgRole, string[] | null> = {
  country: SINGLE,
  region: [...SINGLE, 'text'],
  municipality: [...SINGLE, 'text', 'comment'],
  municipalityType: SINGLE,
  sizeClass: SINGLE,
  respondentRole: [...SINGLE, 'text'],
  obstacles: ['checkbox', 'tagbox'],
  obstacleSeverity: null,
};

const roleOfQuestion = (q: Question) => (q as unknown as { lsgRole?: unknown }).lsgRole;

/** The roles a file proposes with `lsgRole`: the first question marked with each known role. */
export function rolesFromDefinition(definition: object | Model): Roles {
  const roles: Roles = {};
  const model = definition instanceof Model ? definition : createModel(definition);
  for (const q of questionsIn(model)) {
    const role = roleOfQuestion(q);
    if (typeof role === 'string' && (LSG_ROLES as readonly string[]).includes(role) && !roles[role as LsgRole])
      roles[role as LsgRole] = q.getValueName();
  }
  return roles;
}

/** Roles assigned to questions that do not exist or cannot carry them; obstacle codes checked. */
export function roleProblems(definition: object | Model, roles: Roles): InvalidParam[] {
  if (!LSG_ROLES.some((r) => roles[r])) return [];
  const model = definition instanceof Model ? definition : createModel(definition);
  const problems: InvalidParam[] = [];
  const used = new Map<string, LsgRole>();
  for (const role of LSG_ROLES) {
    const name = roles[role];
    if (!name) continue;
    const q = questionOf(model, name);
    if (!q) {
      problems.push({
        name: `roles.${role}`,
        reason: `no question "${name}" in this questionnaire`,
        code: 'no_question',
      });
      continue;
    }
    const other = used.get(name);
    if (other && !(role === 'obstacleSeverity' || other === 'obstacleSeverity')) {
      problems.push({
        name: `roles.${role}`,
        reason: `"${name}" is already the ${ROLE_LABELS[other]} question`,
        code: 'role_taken',
      });
    }
    used.set(name, role);
    const allowed = ALLOWED_TYPES[role];
    if (allowed && !allowed.includes(q.getType())) {
      problems.push({
        name: `roles.${role}`,
        reason: `"${name}" is a ${q.getType()} question; the ${ROLE_LABELS[role]} question must be one of: ${allowed.join(', ')}`,
        code: 'role_type',
      });
      continue;
    }
    if (role === 'obstacles') {
      const choices = ((q as unknown as { choices?: ItemValue[] }).choices ?? []).map((c) => String(c.value));
      for (const c of choices) {
        if (!obstacleCodes.includes(c))
          problems.push({ name, reason: `"${c}" is not an obstacle code`, code: 'unknown_obstacle' });
      }
    }
  }
  return problems;
}

/** Plain-word warnings about the roles of a version (shown after an upload and in the library). */
export function roleWarnings(roles: Roles): string[] {
  if (roles.region) return [];
  return [
    'No question is chosen as the region question. Answers on a public link cannot then be counted per region: ' +
      'choose the region question in the questionnaire library, or mark the waves that use this questionnaire ' +
      'as having no regional breakdown. Invitation waves take the region from the invitation.',
  ];
}

/** The question with this value name (top level or in a panel; not inside a dynamic panel or matrix). */
export function questionOf(model: Model, valueName: string): Question | undefined {
  return questionsIn(model).find(
    (q) => q.getValueName() === valueName && !(q as unknown as { parentQuestion?: unknown }).parentQuestion,
  );
}

/** The value of each role's question in a set of answers. */
export function roleValues(roles: Roles, answers: Record<string, unknown>): Partial<Record<LsgRole, unknown>> {
  const out: Partial<Record<LsgRole, unknown>> = {};
  for (const role of LSG_ROLES) {
    const name = roles[role];
    if (name) out[role] = answers[name];
  }
  return out;
}

/** The role of a question (by value name), if it has one. */
export function roleOf(roles: Roles, valueName: string): LsgRole | undefined {
  return LSG_ROLES.find((r) => roles[r] === valueName);
}
