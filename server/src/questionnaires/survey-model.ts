// survey-core runs on the server too: questionnaires and answers are checked by the same
// library that renders them in the browser.
import { Model, Serializer, type Question } from 'survey-core';

/**
 * `lsgRole` marks the questions that carry the analysis dimensions (region, municipality,
 * municipality type, size class, respondent role) and the obstacles. Any questionnaire can
 * feed the tally by marking its questions. `country` marks the question that narrows the
 * region list (filled in from an invitation's region).
 */
export const LSG_ROLES = [
  'country',
  'region',
  'municipality',
  'municipalityType',
  'sizeClass',
  'respondentRole',
  'obstacles',
  'obstacleSeverity',
] as const;
export type LsgRole = (typeof LSG_ROLES)[number];

if (!Serializer.findProperty('question', 'lsgRole')) {
  Serializer.addProperty('question', { name: 'lsgRole', visible: false });
}

export function createModel(definition: object): Model {
  return new Model(definition);
}

/**
 * Every question a respondent answers, inside panels and dynamic panels too, but not the cell
 * questions survey-core builds for matrix columns (their names are scoped to the matrix).
 */
export function questionsIn(model: Model): Question[] {
  return (model.getAllQuestions(false, false, true) as Question[]).filter((q) => {
    const parent = (q as unknown as { parentQuestion?: Question | null }).parentQuestion;
    return !(parent && parent.getType().startsWith('matrix'));
  });
}
