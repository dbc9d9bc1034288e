import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApp } from '../../server/src/app';
import { ResponseModel } from '../../server/src/responses/response.model';
import { WaveModel } from '../../server/src/waves/wave.model';
import { useTestDatabase, resetCollections, storeKind } from '../helpers/db';
import { answers, createFixtureWave } from '../helpers/fixtures';

useTestDatabase();
const app = createApp({ store: { kind: storeKind() } });
let wave: string;

beforeAll(async () => {
  wave = await createFixtureWave();
});
beforeEach(() => resetCollections('responses'));

const submit = (body: Record<string, unknown>, code = wave) =>
  request(app).post(`/api/waves/${code}/responses`).send(body);
const body = (over: Record<string, unknown> = {}) => ({
  clientId: randomUUID(),
  locale: 'ru',
  answers: answers(),
  ...over,
});

describe('POST /api/waves/:code/responses', () => {
  it('when the answers are valid, then 201 stores them with wave, version, region and locale', async () => {
    const b = body({
      answers: answers({ obstacles: ['funding', 'legal'], severity: { funding: 5, legal: 3 }, population: 9500 }),
    });
    const res = await submit(b);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: b.clientId, submittedAt: expect.any(String) });
    const doc = await ResponseModel.findById(b.clientId).lean();
    expect(doc).toMatchObject({
      waveCode: wave,
      questionnaireId: 'mini-barriers@1',
      regionCode: 'RU-VLG',
      municipality: 'Тотьма',
      obstacles: ['funding', 'legal'],
      locale: 'ru',
      answers: {
        region: 'RU-VLG',
        obstacles: ['funding', 'legal'],
        severity: { funding: 5, legal: 3 },
        population: 9500,
      },
    });
  });

  it('when the same clientId is submitted again, then 200 returns the first result and one response is stored', async () => {
    const b = body();
    const first = await submit(b);
    const again = await submit(b);
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await ResponseModel.countDocuments({ _id: b.clientId })).toBe(1);
  });

  it('when ten copies of one submission race, then exactly one response is stored', async () => {
    const b = body();
    const results = await Promise.all(Array.from({ length: 10 }, () => submit(b)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201].sort());
    expect(await ResponseModel.countDocuments({ waveCode: wave })).toBe(1);
  });

  it('when an answer names no question, then 422 names it', async () => {
    const res = await submit(body({ answers: answers({ favourite_colour: 'blue' }) }));
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.invalid_params).toEqual([
      expect.objectContaining({ name: 'favourite_colour', code: 'unknown_question' }),
    ]);
    expect(await ResponseModel.countDocuments({})).toBe(0);
  });

  it.each([
    ['a number question given text', { population: 'many' }, 'population'],
    ['a checkbox given a string', { obstacles: 'funding' }, 'obstacles'],
    ['a checkbox given a value outside its choices', { obstacles: ['funding', 'weather'] }, 'obstacles'],
    ['a dropdown given an unknown region', { region: 'XX-YY' }, 'region'],
    ['a boolean given a string', { has_experience: 'yes' }, 'has_experience'],
    ['a rating out of range', { satisfaction: 9 }, 'satisfaction'],
    ['a matrix with an unknown row', { severity: { weather: 3 } }, 'severity'],
    ['a matrix with a value outside the columns', { severity: { funding: 7 } }, 'severity'],
    ['a text longer than its maxLength', { municipality: 'x'.repeat(101) }, 'municipality'],
  ])('when %s, then 422 names the question', async (_label, over, name) => {
    const res = await submit(body({ answers: answers(over) }));
    expect(res.status).toBe(422);
    expect(res.body.invalid_params).toEqual(
      expect.arrayContaining([expect.objectContaining({ name, code: 'wrong_type' })]),
    );
  });

  it('when required questions are unanswered, then 422 lists each of them', async () => {
    const res = await submit(body({ answers: { obstacles: ['funding'] } }));
    expect(res.status).toBe(422);
    const names = (res.body.invalid_params as { name: string; code: string }[])
      .filter((p) => p.code === 'required')
      .map((p) => p.name);
    expect(names.sort()).toEqual(['municipality', 'region']);
  });

  it('when "other" is chosen without saying what, then 422; with the text, then 201 and the text is kept', async () => {
    const missing = await submit(body({ answers: answers({ obstacles: ['other'] }) }));
    expect(missing.status).toBe(422);
    expect(missing.body.invalid_params[0].name).toBe('obstacles');
    const b = body({ answers: answers({ obstacles: ['other'], 'obstacles-Comment': 'Дороги' }) });
    expect((await submit(b)).status).toBe(201);
    expect((await ResponseModel.findById(b.clientId).lean())?.answers).toMatchObject({ 'obstacles-Comment': 'Дороги' });
  });

  it.each([
    // A dotted key is an answer problem (422); a $ key is refused for any body at the boundary (400).
    ['a dotted key', { 'a.b': 1 }, 422],
    ['an operator key', { $where: '1' }, 400],
    ['a nested operator', { severity: { $gt: '' } }, 400],
  ])('when the answers contain %s, then %s unsafe_key and nothing is stored', async (_l, over, status) => {
    const res = await submit(body({ answers: { ...answers(), ...over } }));
    expect(res.status).toBe(status);
    expect(res.body.invalid_params[0].code).toBe('unsafe_key');
    expect(await ResponseModel.countDocuments({})).toBe(0);
  });

  it.each([
    ['clientId is not a UUID', { clientId: 'abc' }, 'body.clientId'],
    ['the locale is unknown', { locale: 'de' }, 'body.locale'],
    ['an unknown top-level field is sent', { extra: 1 }, 'body'],
  ])('when %s, then 400 names the field', async (_l, over, name) => {
    const res = await submit(body(over));
    expect(res.status).toBe(400);
    expect(res.body.invalid_params.map((p: { name: string }) => p.name)).toContain(name);
  });

  it('when the body is not JSON, then 400 problem details', async () => {
    const res = await request(app)
      .post(`/api/waves/${wave}/responses`)
      .set('Content-Type', 'application/json')
      .send('{"clientId": ');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: 400, code: 'malformed_json', requestId: expect.any(String) });
  });

  it('when the wave does not exist, then 404', async () => {
    const res = await submit(body(), 'no-such-wave');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('wave_not_found');
  });

  it('when the wave is closed, then 409 says so and stores nothing', async () => {
    const closed = await createFixtureWave({ status: 'closed' });
    const res = await submit(body(), closed);
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'wave_not_open', reason: 'not_open' });
    expect(await ResponseModel.countDocuments({})).toBe(0);
  });

  it('when the wave closing date has passed, then 409 with reason ended', async () => {
    const ended = await createFixtureWave({ closesAt: new Date(Date.now() - 1000) });
    const res = await submit(body(), ended);
    expect(res.status).toBe(409);
    expect(res.body.reason).toBe('ended');
  });

  it('when a stored submission is retried after the wave closed, then it still answers 200', async () => {
    const code = await createFixtureWave();
    const b = body();
    expect((await submit(b, code)).status).toBe(201);
    await WaveModel.updateOne({ _id: code }, { $set: { status: 'closed' } });
    expect((await submit(b, code)).status).toBe(200);
  });
});
