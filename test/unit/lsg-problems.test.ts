// The monitor questionnaire (surveys/lsg-problems/v1.json): built from the problem areas and the
// barriers questionnaire's profile page, accepted by the same checks as any uploaded definition.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Model, Serializer, type ItemValue, type Question, type QuestionMatrixModel } from 'survey-core';
import { buildLsgProblems, problemAreas } from '../../scripts/authoring/build-lsg-problems';
import { buildImcBarriers } from '../../scripts/authoring/build-imc-barriers';
import { checkDefinition } from '../../server/src/questionnaires/definition';
import { rolesFromDefinition, roleProblems } from '../../server/src/questionnaires/roles';
import { variablesOf } from '../../server/src/analytics/variables';

if (!Serializer.findProperty('question', 'lsgRole')) {
  Serializer.addProperty('question', { name: 'lsgRole', visible: false });
}

const ROOT = path.resolve(__dirname, '..', '..');
const definition = JSON.parse(readFileSync(path.join(ROOT, 'surveys', 'lsg-problems', 'v1.json'), 'utf8')) as {
  pages: { name: string; elements: Record<string, unknown>[] }[];
} & Record<string, unknown>;
const areas = problemAreas();
const LOCALES = ['ru', 'en', 'uk'] as const;

describe('surveys/lsg-problems/v1.json', () => {
  it('is what the generator builds (run scripts/authoring/build-lsg-problems.ts)', () => {
    expect(definition).toEqual(buildLsgProblems());
  });

  it('passes the checks every uploaded questionnaire passes, with the roles of the profile page', () => {
    expect(checkDefinition(definition)).toEqual([]);
    const roles = rolesFromDefinition(definition);
    expect(roles).toEqual({
      region: 'region',
      municipality: 'municipality',
      municipalityType: 'municipality_type',
      sizeClass: 'size_class',
      respondentRole: 'role',
    });
    expect(roleProblems(definition, roles)).toEqual([]);
  });

  it('has the same profile page as the barriers questionnaire', () => {
    const barriers = buildImcBarriers() as { pages: { name: string }[] };
    expect(definition.pages[0]).toEqual(barriers.pages.find((p) => p.name === 'profile'));
  });

  it('rates each of the 25 problem areas from 1 to 5 or "not relevant"', () => {
    expect(areas).toHaveLength(25);
    const m = new Model(definition);
    const q = m.getQuestionByName('severity') as QuestionMatrixModel;
    expect(q.rows.map((r) => r.value)).toEqual(areas.map((a) => a.code));
    expect(q.columns.map((c) => c.value)).toEqual([1, 2, 3, 4, 5, 'na']);
  });

  it('ranks the three most pressing areas and offers a practice to share', () => {
    const m = new Model(definition);
    const ranking = m.getQuestionByName('top_priorities') as Question & Record<string, unknown>;
    expect(ranking.getType()).toBe('ranking');
    expect(ranking.maxSelectedChoices).toBe(3);
    expect((ranking.choices as ItemValue[]).map((c) => c.value)).toEqual(areas.map((a) => a.code));
    const summary = m.getQuestionByName('practice_summary');
    expect(summary.isVisible).toBe(false);
    m.setValue('practice_offer', 'yes');
    expect(summary.isVisible).toBe(true);
    expect(m.getQuestionByName('comment').getType()).toBe('comment');
    expect(m.getQuestionByName('help_needed').getType()).toBe('checkbox');
  });

  it('gives the analysis one variable per area, named severity_<area>, in each language', () => {
    const vars = variablesOf(definition);
    for (const a of areas) {
      const v = vars.find((x) => x.name === `severity_${a.code}`);
      expect(v?.kind).toBe('single');
      for (const l of LOCALES) expect(v?.title[l]).toContain(a.labels[l]);
    }
    expect(vars.find((x) => x.name === 'top_priorities_first')?.options).toHaveLength(25);
  });

  it('gives every area label in ru, en and uk', () => {
    for (const a of areas) for (const l of LOCALES) expect(a.labels[l].trim().length).toBeGreaterThan(3);
    const m = new Model(definition);
    for (const l of LOCALES) {
      m.locale = l;
      expect(m.title).toBe((definition.title as Record<string, string>)[l]);
    }
  });
});
