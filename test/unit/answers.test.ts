import fs from 'node:fs';
import path from 'node:path';
import { checkAnswers, unsafeKeys } from '../../server/src/questionnaires/answers';
import { roleProblems, rolesFromDefinition } from '../../server/src/questionnaires/roles';
import { checkDefinition } from '../../server/src/questionnaires/definition';
import { sanitizeDefinition } from '../../server/src/questionnaires/markup';
import { IMC_PROFILE } from '../helpers/imc-profile';

const mini = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'mini-barriers.json'), 'utf8'));
const ok = { region: 'RU-VLG', municipality: 'Тотьма', obstacles: ['funding'] };

describe('checkAnswers', () => {
  it('accepts a complete, well-typed answer set', () => {
    const { problems, answers } = checkAnswers(mini, {
      ...ok,
      severity: { funding: 4 },
      has_experience: true,
      satisfaction: 3,
      population: 12000,
      comment: 'ok',
    });
    expect(problems).toEqual([]);
    expect(answers).toMatchObject({ region: 'RU-VLG', severity: { funding: 4 } });
  });

  it('reports every problem at once, not just the first', () => {
    const { problems } = checkAnswers(mini, { region: 'RU-VLG', obstacles: 'funding', population: 'x', nope: 1 });
    expect(problems.map((p) => `${p.name}:${p.code}`).sort()).toEqual([
      'nope:unknown_question',
      'obstacles:wrong_type',
      'population:wrong_type',
    ]);
  });

  it('accepts the "other" text only for a question that offers "other"', () => {
    expect(checkAnswers(mini, { ...ok, obstacles: ['other'], 'obstacles-Comment': 'x' }).problems).toEqual([]);
    expect(checkAnswers(mini, { ...ok, 'region-Comment': 'x' }).problems[0]).toMatchObject({
      name: 'region-Comment',
      code: 'unknown_question',
    });
  });

  it('treats null answers as unanswered', () => {
    const { problems } = checkAnswers(mini, { ...ok, region: null });
    expect(problems).toEqual([expect.objectContaining({ name: 'region', code: 'required' })]);
  });
});

describe('unsafeKeys', () => {
  it('finds dotted, $-prefixed and prototype keys at any depth', () => {
    expect(
      unsafeKeys({ a: { 'b.c': 1 }, $x: 1, ok: [{ __proto__x: 1 }], d: JSON.parse('{"__proto__": {"y": 1}}') }),
    ).toEqual(['a.b.c', '$x', 'd.__proto__']);
  });
});

describe('checkDefinition', () => {
  it('accepts the fixture questionnaire', () => {
    expect(checkDefinition(mini)).toEqual([]);
  });
  it.each([
    ['a script element in HTML', { type: 'html', name: 'h', html: '<p>x</p><script>alert(1)</script>' }, 'html'],
    ['an event handler in a title', { type: 'text', name: 't', title: 'A <img src=x onerror="alert(1)">' }, 'title'],
    [
      'a javascript: link in a description',
      { type: 'text', name: 't', description: '<a href="JavaScript:alert(1)">x</a>' },
      'description',
    ],
    [
      'an iframe in an html question',
      { type: 'html', name: 'h', html: '<p>x</p><iframe src="https://x"></iframe>' },
      'html',
    ],
  ])('removes %s when stored, naming where', (_l, element, where) => {
    const definition = { pages: [{ name: 'p', elements: [element] }] };
    expect(checkDefinition(definition)).toEqual([]);
    const { definition: clean, changed } = sanitizeDefinition(definition);
    expect(changed).toEqual([
      expect.objectContaining({ name: `pages[0].elements[0].${where}`, code: 'markup_removed' }),
    ]);
    expect(JSON.stringify(clean)).not.toMatch(/script>|onerror|javascript:|iframe/i);
  });

  it('keeps ordinary markup and plain text byte for byte: emphasis, lists, links to web pages, "Q&A", "a < b"', () => {
    const ok = {
      pages: [
        {
          name: 'p',
          elements: [
            {
              type: 'html',
              name: 'h',
              html: '<p><b>Важно:</b> см. <a href="https://example.org/script">описание</a></p><ul><li>onion=1</li></ul><br>',
            },
            { type: 'text', name: 't', title: 'Q&A: a < b', visibleIf: '{h} < 3' },
          ],
        },
      ],
    };
    expect(sanitizeDefinition(ok)).toEqual({ definition: ok, changed: [] });
  });

  it('rejects unknown question types, duplicate names and non-obstacle codes in the obstacle question', () => {
    const bad = {
      elements: [
        { type: 'starfield', name: 'x' },
        { type: 'text', name: 'a' },
        { type: 'text', name: 'a' },
        { type: 'checkbox', name: 'obs', lsgRole: 'obstacles', choices: ['funding', 'weather'] },
      ],
    };
    const codes = checkDefinition(bad).map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['unknown_type', 'duplicate_name']));
    // The obstacle codes are checked on the roles (proposed by lsgRole, stored with the version).
    const roles = rolesFromDefinition(bad);
    expect(roles).toEqual({ obstacles: 'obs' });
    expect(roleProblems(bad, roles).map((p) => [p.code, p.reason])).toEqual([
      ['unknown_obstacle', '"weather" is not an obstacle code'],
    ]);
  });
});

describe('checkAnswers on the default questionnaire', () => {
  const imc = JSON.parse(
    fs.readFileSync(path.join(__dirname, '..', '..', 'surveys', 'imc-barriers', 'v1.json'), 'utf8'),
  );
  const base = {
    ...IMC_PROFILE,
    imc_experience: 'no',
    obstacles: ['funding', 'legal'],
  };
  it('keeps severity only for the obstacles that were chosen', () => {
    const { problems, answers } = checkAnswers(imc, { ...base, obstacle_severity: { funding: 5, staff: 3 } });
    expect(problems).toEqual([]);
    expect(answers.obstacle_severity).toEqual({ funding: 5 });
  });
  it('refuses a region of the other country', () => {
    const { problems } = checkAnswers(imc, { ...base, region: 'UA-05' });
    expect(problems).toEqual([expect.objectContaining({ name: 'region' })]);
  });
  it('drops answers to questions hidden by the other answers', () => {
    const { problems, answers } = checkAnswers(imc, { ...base, imc_forms: ['council_association'] });
    expect(problems).toEqual([]);
    expect(answers).not.toHaveProperty('imc_forms');
  });
});
