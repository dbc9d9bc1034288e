import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { parse } from 'csv-parse/sync';
import { createApp } from '../../server/src/app';
import { useTestDatabase, storeKind } from '../helpers/db';
import { createFixtureWave } from '../helpers/fixtures';
import { agentAs, type TestAgent } from '../helpers/auth';
import { findRegion, obstacles } from '../../server/src/reference/reference.service';
import { setMinCell } from '../../server/src/analytics/coding.service';

useTestDatabase();
const app = createApp({ store: { kind: storeKind() } });
let wave: string;
let researcher: TestAgent;
const ids = [randomUUID(), randomUUID()];

beforeAll(async () => {
  researcher = await agentAs(app, ['researcher']);
  wave = await createFixtureWave();
  // Two responses only: switch small-cell protection off so the table shows them.
  await setMinCell(wave, 1);
  const rows = [
    {
      region: 'RU-VLG',
      municipality: 'Великий Устюг',
      obstacles: ['funding', 'other'],
      'obstacles-Comment': '=HYPERLINK("http://x")',
      severity: { funding: 4 },
      population: 30000,
    },
    {
      region: 'UA-05',
      municipality: 'Жмеринська громада',
      obstacles: ['legal'],
      comment: 'Усе гаразд; "лапки"\nі новий рядок',
    },
  ];
  for (let i = 0; i < rows.length; i++) {
    const res = await request(app)
      .post(`/api/waves/${wave}/responses`)
      .send({ clientId: ids[i], locale: i ? 'uk' : 'ru', answers: rows[i] });
    expect(res.status).toBe(201);
  }
});

function csvOf(res: request.Response): { text: string; records: Record<string, string>[] } {
  const text = (res.body as Buffer).toString('utf8');
  return {
    text,
    records: parse(text.replace(/^\uFEFF/, ''), { columns: true, delimiter: ';', comment: '#' }) as Record<
      string,
      string
    >[],
  };
}
const binary = (r: request.Test) =>
  r.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

describe('CSV exports', () => {
  it('raw responses: UTF-8 with BOM, one row per response, one 0/1 column per obstacle, Cyrillic intact', async () => {
    const res = await binary(researcher.get(`/api/waves/${wave}/exports/responses.csv`));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv; charset=utf-8/);
    expect(res.headers['content-disposition']).toContain(`${wave}-responses.csv`);
    const { text, records } = csvOf(res);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(records).toHaveLength(2);
    expect(Object.keys(records[0])).toEqual(
      expect.arrayContaining([
        'response_id',
        'wave',
        'region_code',
        'region_name',
        'municipality',
        'obstacles_funding',
        'obstacles_other',
        'obstacles_other_text',
        'severity_funding',
        'population',
        'comment',
      ]),
    );
    const byId = new Map(records.map((r) => [r.response_id, r]));
    const a = byId.get(ids[0])!;
    expect(a).toMatchObject({
      wave,
      region_code: 'RU-VLG',
      region_name: 'Вологодская область',
      municipality: 'Великий Устюг',
      obstacles_funding: '1',
      obstacles_legal: '0',
      obstacles_other: '1',
      severity_funding: '4',
      population: '30000',
    });
    // A formula typed by a respondent is shown as text, never evaluated.
    expect(a.obstacles_other_text).toBe('\'=HYPERLINK("http://x")');
    const b = byId.get(ids[1])!;
    expect(b).toMatchObject({
      region_code: 'UA-05',
      municipality: 'Жмеринська громада',
      obstacles_legal: '1',
      obstacles_funding: '0',
      // One line per response (PSPP and SPSS read a record per line): a line break became a space.
      comment: 'Усе гаразд; "лапки" і новий рядок',
    });
  });

  it('tally: regions with counts and percentages, labels in the requested language', async () => {
    const res = await binary(researcher.get(`/api/waves/${wave}/exports/tally.csv?locale=ru`));
    expect(res.status).toBe(200);
    const { records } = csvOf(res);
    expect(records.map((r) => r['Регион'])).toEqual(['Вологодская область', findRegion('UA-05')!.names.ru, 'Всего']);
    const funding = obstacles.find((o) => o.code === 'funding')!.labels.ru;
    const vlg = records[0];
    expect(vlg['Респондентов']).toBe('1');
    expect(vlg[`${funding}, чел.`]).toBe('1');
    expect(vlg[`${funding}, %`]).toBe('100');
    expect(records[2]['Респондентов']).toBe('2');
    expect(records[2][`${funding}, %`]).toBe('50');
  });

  it('when the delimiter is not one of the offered ones, then 400 names the parameter', async () => {
    const res = await researcher.get(`/api/waves/${wave}/exports/responses.csv?delimiter=pipe`);
    expect(res.status).toBe(400);
    expect(res.body.invalid_params[0].name).toBe('query.delimiter');
  });
});
