// SurveyJS parity over HTTP: for every questionnaire of the conformance corpus (test/conformance)
// and every answer set — produced by survey-core as the browser produces it (answers set on the
// questions, "next", "complete"), or written by hand (SurveyJS's published sample results,
// invalid sets) — the server accepts the set (201) exactly when survey-core completes with it,
// and refuses it (422) otherwise. The questionnaires have no region question: their waves are
// public waves marked as having no regional breakdown.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { useTestDatabase, storeKind } from '../helpers/db';
import { agentAs, type TestAgent } from '../helpers/auth';
import { loadCorpus, openCorpusWave, runSession, surveyCoreVerdict, type Case } from '../helpers/conformance';
import { ResponseModel } from '../../server/src/responses/response.model';

useTestDatabase({ demo: false });
const app = createApp({ store: { kind: storeKind() } });
const corpus = loadCorpus();

let coordinator: TestAgent;
const waves = new Map<string, string>();

async function openWave(c: Case): Promise<string> {
  const { code, upload } = await openCorpusWave(coordinator, c, 'conf');
  expect(upload.roles).toEqual({});
  expect((upload.warnings as string[]).join(' ')).toMatch(/No question is chosen as the region question/);
  return code;
}

beforeAll(async () => {
  coordinator = await agentAs(app, ['coordinator']);
  for (const c of corpus) waves.set(c.file, await openWave(c));
}, 120_000);

const submit = (code: string, answers: Record<string, unknown>) =>
  request(app).post(`/api/waves/${code}/responses`).send({ clientId: randomUUID(), locale: 'en', answers });

it('the corpus covers every question type and the SurveyJS features named in the issue', () => {
  const types = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.type === 'string') types.add(o.type);
      if (typeof o.cellType === 'string') types.add(o.cellType);
      Object.values(o).forEach(walk);
    }
  };
  corpus.forEach((c) => walk(c.definition));
  for (const t of [
    'text',
    'comment',
    'radiogroup',
    'dropdown',
    'checkbox',
    'tagbox',
    'ranking',
    'imagepicker',
    'boolean',
    'rating',
    'slider',
    'signaturepad',
    'file',
    'html',
    'image',
    'expression',
    'matrix',
    'matrixdropdown',
    'matrixdynamic',
    'multipletext',
    'paneldynamic',
    'panel',
    'setvalue',
    'copyvalue',
  ])
    expect([t, types.has(t)]).toEqual([t, true]);
  const text = JSON.stringify(corpus.map((c) => c.definition));
  expect(text).toContain('"valueName"');
  expect(text).toContain('"calculatedValues"');
  expect(text).toContain('"includeIntoResult":true');
  // Both verdicts are represented.
  const expects = corpus.flatMap((c) => [...c.sessions, ...c.answerSets].map((s) => s.expect));
  expect(new Set(expects)).toEqual(new Set(['complete', 'incomplete']));
});

describe.each(corpus.map((c) => [c.file, c] as const))('%s', (_file, c) => {
  it.each(c.sessions.map((s) => [s.name, s] as const))(
    'browser session "%s": the server decides as survey-core',
    async (_name, s) => {
      const { completed, data } = runSession(c.definition, s.steps);
      // The session does what the corpus says (guards the corpus itself).
      expect(completed).toBe(s.expect === 'complete');
      const verdict = surveyCoreVerdict(c.definition, data);
      expect(verdict).toBe(completed);
      const res = await submit(waves.get(c.file)!, data);
      expect({ status: res.status, problems: res.body.invalid_params }).toMatchObject({
        status: verdict ? 201 : 422,
      });
    },
  );

  it.each(c.answerSets.map((a) => [a.name, a] as const))(
    'answer set "%s": the server decides as survey-core',
    async (_name, a) => {
      const verdict = surveyCoreVerdict(c.definition, a.answers);
      expect(verdict).toBe(a.expect === 'complete');
      const res = await submit(waves.get(c.file)!, a.answers);
      expect({ status: res.status, problems: res.body.invalid_params }).toMatchObject({
        status: verdict ? 201 : 422,
      });
    },
  );
});

describe('what is stored', () => {
  it('stores loosely equal values as the questionnaire declares them, and the computed values', async () => {
    const c = corpus.find((x) => x.file === 'product-feedback.json')!;
    const sample = c.answerSets.find((a) => a.name.startsWith('sample results'))!;
    const res = await submit(waves.get(c.file)!, sample.answers);
    expect(res.status).toBe(201);
    const doc = await ResponseModel.findById(res.body.id).lean<{
      answers: Record<string, unknown>;
      regionCode: string;
    }>();
    expect(doc!.answers.Quality).toEqual({
      affordable: 5,
      'does what it claims': 5,
      'better then others': 5,
      'easy to use': 5,
    });
    expect(doc!.answers.satisfaction).toBe(5);
    expect(doc!.regionCode).toBe('');

    const logic = corpus.find((x) => x.file === 'logic.json')!;
    const sent = await submit(waves.get(logic.file)!, {
      staff_full: 3,
      staff_part: 2,
      has_partners: false,
      total_staff: 999,
    });
    expect(sent.status).toBe(201);
    const stored = await ResponseModel.findById(sent.body.id).lean<{ answers: Record<string, unknown> }>();
    expect(stored!.answers.total_staff).toBe(5);
  });
});
