// The cheap answer check decides as the full one. Two shortcuts are checked here against a
// survey-core model built for each check alone ("fresh"):
// - the reused model (one per questionnaire version): over the conformance corpus and random
//   answer sets, checked one after another so that a previous set's answers would show if they
//   leaked into the next;
// - the plan (answer-plan.ts), which accepts the plain sets of plain questionnaires without
//   survey-core running its conditions: whenever it accepts, the full check accepts and keeps the
//   same answers, and on the sets it does not accept the full check's problems are returned.
import fs from 'node:fs';
import path from 'node:path';
import { checkAnswers, type AnswerCheck } from '../../server/src/questionnaires/answers';
import { loadCorpus, runSession } from '../helpers/conformance';
import { answerSet } from '../../scripts/bench/submission';
import { ConditionRunner } from 'survey-core';

type Answers = Record<string, unknown>;
const SURVEYS = path.join(__dirname, '..', '..', 'surveys');
const load = (key: string) => JSON.parse(fs.readFileSync(path.join(SURVEYS, key, 'v1.json'), 'utf8')) as object;

/** What a check decided, without the model. */
const verdict = (c: AnswerCheck) => ({ problems: c.problems, answers: c.answers });

function expectSameAsFresh(definition: object, sets: Answers[]): void {
  for (const answers of sets) {
    const reused = checkAnswers(definition, answers, { plan: false });
    const fresh = checkAnswers(definition, answers, { fresh: true });
    expect({ sent: answers, ...verdict(reused) }).toEqual({ sent: answers, ...verdict(fresh) });
  }
}

// A small seeded generator: the same sets on every run.
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Element = Record<string, unknown> & { name: string; type: string };

function questionsOf(definition: object): Element[] {
  const out: Element[] = [];
  const walk = (els: unknown) => {
    for (const el of (els as Element[]) ?? []) {
      if (el.type === 'panel') walk(el.elements);
      else out.push(el);
    }
  };
  for (const page of (definition as { pages: { elements: unknown }[] }).pages) walk(page.elements);
  return out;
}

/** A number within the question's min and max (as a number or as text). */
function inRange(q: Element, rnd: () => number): number | string {
  const min = typeof q.min === 'number' ? q.min : 1;
  const max = typeof q.max === 'number' ? q.max : 300_000;
  const n = min + Math.floor(rnd() * (max - min + 1));
  return rnd() < 0.8 ? n : String(n);
}

const valueOf = (item: unknown) => (item && typeof item === 'object' ? (item as { value: unknown }).value : item);

/**
 * Random answer sets for a questionnaire: mostly valid values (choices of either country, subsets,
 * numbers in range), mixed with what respondents and scripts get wrong: blanks, padded text,
 * numbers out of range or as text, unknown choices, "other" and "none" with or without the rest,
 * values of hidden questions and rows, comments, unknown keys.
 */
function answerSets(definition: object, count: number, seed: number): Answers[] {
  const rnd = random(seed);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)]!;
  const subset = <T>(list: T[]): T[] => list.filter(() => rnd() < 0.3);
  const questions = questionsOf(definition);
  const sets: Answers[] = [];
  for (let n = 0; n < count; n++) {
    const set: Answers = {};
    for (const q of questions) {
      // Required questions are answered more often, so that a good share of the sets is valid.
      const required = q.isRequired === true;
      if (rnd() < (required ? 0.02 : 0.15)) continue; // unanswered
      const odd = rnd() < (required ? 0.03 : 0.15);
      // Mostly the choices the answers so far show (the regions of the country chosen).
      const all = (q.choices as unknown[]) ?? [];
      const shown = all.filter((c) => {
        const cond = c && typeof c === 'object' ? (c as { visibleIf?: string }).visibleIf : undefined;
        return !cond || new ConditionRunner(cond).runValues(set);
      });
      const choices = (rnd() < 0.9 && shown.length ? shown : all).map(valueOf);
      switch (q.type) {
        case 'radiogroup':
        case 'dropdown':
          set[q.name] = odd ? pick(['other', 'none', 'zz', '', null, 5, ' ' + String(choices[0])]) : pick(choices);
          break;
        case 'checkbox': {
          const chosen = subset(choices);
          set[q.name] = odd
            ? pick([
                [],
                ['none'],
                ['none', choices[0]],
                ['other'],
                [choices[0], 'other'],
                ['zz'],
                choices[0],
                [choices[0], choices[0]],
              ])
            : chosen.length
              ? chosen
              : [pick(choices)];
          break;
        }
        case 'matrix': {
          const rows = ((q.rows as unknown[]) ?? []).map(valueOf);
          const columns = ((q.columns as unknown[]) ?? []).map(valueOf);
          const value = Object.fromEntries(subset(rows).map((r) => [String(r), pick(columns)]));
          set[q.name] = odd
            ? pick([{}, { zz: columns[0] }, { [String(rows[0])]: 99 }, { [String(rows[0])]: String(columns[1]) }])
            : value;
          break;
        }
        case 'text':
          set[q.name] =
            q.inputType === 'number'
              ? odd
                ? pick([0, -1, 20_000_001, 'abc', '1e3', '', '  ', 12.5, '  7', null])
                : inRange(q, rnd)
              : odd
                ? pick(['', '   ', ' padded ', 'x'.repeat(250), 42, ['a']])
                : `Муниципалитет ${n}`;
          break;
        case 'comment':
          set[q.name] = odd ? pick(['', '  ', 'x'.repeat(2500)]) : 'Нужны типовые соглашения.';
          break;
        default:
          break;
      }
    }
    if (rnd() < 0.05) set[`${pick(questions).name}-Comment`] = 'другое';
    if (rnd() < 0.03) set.no_such_question = 1;
    sets.push(set);
  }
  return sets;
}

describe('the reused model decides as a fresh one', () => {
  const corpus = loadCorpus();
  it.each(corpus.map((c) => [c.file, c] as const))('%s: every set of the corpus, in order and reversed', (_f, c) => {
    const sets = [
      ...c.sessions.map((s) => runSession(c.definition, s.steps).data),
      ...c.answerSets.map((a) => a.answers),
    ];
    // Each set follows a different one in each order, and the empty set follows each.
    expectSameAsFresh(c.definition, sets);
    expectSameAsFresh(c.definition, [...sets].reverse());
    expectSameAsFresh(
      c.definition,
      sets.flatMap((s) => [s, {}]),
    );
  });

  it('after a full answer set, a set without the optional answers keeps none of them', () => {
    const imc = load('imc-barriers');
    const full = {
      country: 'RU',
      region: 'RU-VLG',
      municipality: 'Тотьма',
      municipality_type: 'municipal_okrug',
      population: 9000,
      size_class: 'small',
      role: 'head',
      imc_experience: 'yes_ongoing',
      imc_forms: ['council_association'],
      imc_fields: ['waste'],
      obstacles: ['funding', 'legal'],
      obstacle_severity: { funding: 5, legal: 3 },
      measures: ['cofinancing'],
      comment: 'Нужны типовые соглашения.',
    };
    expect(checkAnswers(imc, full, { plan: false }).problems).toEqual([]);
    const { country: _c, region: _r, imc_forms: _f, comment: _m, obstacle_severity: _s, ...rest } = full;
    const next = checkAnswers(imc, { ...rest, imc_experience: 'no' }, { plan: false });
    expect(next.problems.map((p) => [p.name, p.code])).toEqual([['country', 'required']]);
    for (const leaked of ['region', 'imc_forms', 'imc_fields', 'comment', 'obstacle_severity'])
      expect(next.answers).not.toHaveProperty(leaked);
    const without = checkAnswers(
      imc,
      { ...rest, country: 'UA', region: 'UA-05', municipality_type: 'hromada_rural', imc_experience: 'no' },
      { plan: false },
    );
    expect(without.problems).toEqual([]);
    expect(Object.keys(without.answers).sort()).toEqual(
      [
        'country',
        'region',
        'municipality',
        'municipality_type',
        'population',
        'size_class',
        'role',
        'imc_experience',
        'obstacles',
        'measures',
      ].sort(),
    );
  });

  it.each(['imc-barriers', 'imc-practices'])('%s: random answer sets one after another', (key) => {
    const definition = load(key);
    expectSameAsFresh(definition, answerSets(definition, 40, 14));
  });
});

describe('the plan accepts only what the full check accepts, and keeps the same answers', () => {
  it.each(['imc-barriers', 'imc-practices'])('%s: random answer sets', (key) => {
    const definition = load(key);
    const sets = answerSets(definition, 300, 2026);
    let byPlan = 0;
    let refused = 0;
    for (const answers of sets) {
      const cheap = checkAnswers(definition, answers);
      const full = checkAnswers(definition, answers, { plan: false });
      expect({ sent: answers, ...verdict(cheap) }).toEqual({ sent: answers, ...verdict(full) });
      if (cheap.path === 'plan') byPlan++;
      if (full.problems.length) refused++;
    }
    // Both kinds of sets are there, and the plan takes most of the valid ones.
    expect(refused).toBeGreaterThan(sets.length / 10);
    expect(byPlan).toBeGreaterThan((sets.length - refused) * 0.5);
  });

  it('the plan accepts the benchmark sets of the default questionnaire', () => {
    const imc = load('imc-barriers');
    for (let i = 0; i < 60; i++) {
      const cheap = checkAnswers(imc, answerSet(i, 'plan'));
      expect([i, cheap.path, cheap.problems]).toEqual([i, 'plan', []]);
      expect(cheap.answers).toEqual(checkAnswers(imc, answerSet(i, 'plan'), { plan: false }).answers);
    }
  });

  it('a questionnaire with what the plan does not cover is checked by survey-core alone', () => {
    for (const c of loadCorpus()) {
      const sets = c.answerSets.map((a) => a.answers);
      for (const answers of sets) expect([c.file, checkAnswers(c.definition, answers).path]).toEqual([c.file, 'model']);
    }
  });
});
