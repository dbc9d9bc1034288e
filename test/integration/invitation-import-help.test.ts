// What a coordinator gets to fix a refused list (line, column, bad value, allowed codes) and
// the template to start from (CSV, XLSX with code sheets, codes CSV), over HTTP on the real store.
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type request from 'supertest';
import { municipalityTypes, regions } from '../../server/src/reference/reference.service';
import { useAgent, useTestApp } from '../helpers/app';
import { agentAs } from '../helpers/auth';
import { registerMiniQuestionnaire } from '../helpers/fixtures';
import { createInvitationWave, csv } from '../helpers/invitations';

const app = useTestApp({ demo: false });
const coordinator = useAgent(app, ['coordinator']);
let questionnaireId: string;

beforeAll(async () => {
  questionnaireId = await registerMiniQuestionnaire();
});

type Param = { name: string; reason: string; code: string; column?: string; value?: string; allowed?: string[] };

function binaryParser(res: request.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  const stream = res as unknown as NodeJS.ReadableStream;
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

const ruTypes = municipalityTypes.filter((t) => t.country === 'RU').map((t) => t.code);

describe('a refused list names the line, the column, the bad value and what is allowed', () => {
  it('CSV: an unknown type, a region outside the scope, a bad population and a repeated id', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId, {
      scope: { countries: ['RU'], regions: ['RU-VLG', 'RU-ARK'] },
    });
    const res = await coordinator.post(`/api/waves/${wave}/invitations/import`).send({
      format: 'csv',
      content: csv([
        'a1;Первый;RU-VLG;urban_okrg;1000;a1@example.org',
        'a2;Второй;RU-KOS;municipal_okrug;1000;a2@example.org',
        'a3;Третий;RU-ARK;municipal_okrug;много;a3@example.org',
        'a1;Четвёртый;RU-VLG;municipal_okrug;1000;a4@example.org',
      ]),
    });
    expect(res.status).toBe(422);
    const params = res.body.invalid_params as Param[];
    const by = (name: string) => params.find((p) => p.name === name);
    expect(by('line 2.type')).toEqual(
      expect.objectContaining({ code: 'unknown_type', column: '4', value: 'urban_okrg', allowed: ruTypes }),
    );
    expect(by('line 3.regionCode')).toEqual(
      expect.objectContaining({
        code: 'region_outside_scope',
        column: '3',
        value: 'RU-KOS',
        allowed: ['RU-VLG', 'RU-ARK'],
      }),
    );
    expect(by('line 4.population')).toEqual(
      expect.objectContaining({ code: 'not_a_number', column: '5', value: 'много' }),
    );
    expect(by('line 5.id')).toEqual(expect.objectContaining({ code: 'duplicate', column: '1', value: 'a1' }));
    expect(by('line 5.id')!.reason).toMatch(/line 2/);
    expect(params).toHaveLength(4);
  });

  it('XLSX: the column is given as its letter; an unknown region lists every region of the scope', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId, {
      scope: { countries: ['UA'], regions: [] },
    });
    const wb = new ExcelJS.Workbook();
    const sheet = wb.addWorksheet('list');
    sheet.addRow(['name', 'email', 'region', 'type', 'population']);
    sheet.addRow(['Громада', 'h@example.org', 'UA-99', 'municipal_okrug', 5000]);
    const content = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer).toString('base64');
    const res = await coordinator.post(`/api/waves/${wave}/invitations/import`).send({ format: 'xlsx', content });
    expect(res.status).toBe(422);
    const params = res.body.invalid_params as Param[];
    const uaRegions = regions.filter((r) => r.country === 'UA').map((r) => r.code);
    expect(params.find((p) => p.name === 'line 2.regionCode')).toEqual(
      expect.objectContaining({ code: 'unknown_region', column: 'C', value: 'UA-99', allowed: uaRegions }),
    );
    // The region is unknown, so the type is checked against the scope's countries: UA types only.
    expect(params.find((p) => p.name === 'line 2.type')).toEqual(
      expect.objectContaining({
        code: 'type_country',
        column: 'D',
        value: 'municipal_okrug',
        allowed: municipalityTypes.filter((t) => t.country === 'UA').map((t) => t.code),
      }),
    );
  });

  it('a municipality already invited in another region names the new region and the one it is invited in', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const send = (content: string) =>
      coordinator.post(`/api/waves/${wave}/invitations/import`).send({ format: 'csv', content });
    expect((await send(csv(['m1;Первый;RU-VLG;municipal_okrug;1000;m1@example.org']))).status).toBe(201);
    const res = await send(csv(['m1;Первый;RU-ARK;municipal_okrug;1000;m1@example.org']));
    expect(res.status).toBe(422);
    expect(res.body.invalid_params).toEqual([
      expect.objectContaining({
        name: 'line 2.regionCode',
        code: 'region_changed',
        value: 'RU-ARK',
        allowed: ['RU-VLG'],
      }),
    ]);
  });

  it('a missing column lists the headings that would be recognised', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const res = await coordinator
      .post(`/api/waves/${wave}/invitations/import`)
      .send({ format: 'csv', content: 'name;region;population;email\nА;RU-VLG;1;a@example.org' });
    expect(res.status).toBe(422);
    expect(res.body.invalid_params).toEqual([
      expect.objectContaining({
        name: 'line 1.type',
        code: 'missing_column',
        allowed: expect.arrayContaining(['type', 'тип']),
      }),
    ]);
  });
});

describe('the import template', () => {
  it('XLSX: the first sheet has the columns the import reads, the others the codes of the scope with names', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId, {
      scope: { countries: ['RU'], regions: ['RU-VLG', 'RU-ARK'] },
    });
    const res = await coordinator
      .get(`/api/waves/${wave}/invitations/template?format=xlsx&lang=uk`)
      .buffer(true)
      .parse(binaryParser);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/spreadsheetml/);
    expect(res.headers['content-disposition']).toContain(`${wave}-import-template.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    const [list, regionSheet, typeSheet] = wb.worksheets;
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Громади', 'Коди регіонів', 'Типи громад']);
    expect((list.getRow(1).values as unknown[]).slice(1)).toEqual([
      'id',
      'name',
      'region',
      'type',
      'population',
      'email',
      'language',
    ]);
    expect(String(list.getCell('C1').note)).toMatch(/Коди регіонів/);
    expect(String(list.getCell('G1').note)).toMatch(/Мова листів/);
    expect(list.rowCount).toBe(1);
    const rows = (s: ExcelJS.Worksheet) =>
      s
        .getSheetValues()
        .slice(2)
        .map((r) => (r as unknown[]).slice(1, 4));
    expect(rows(regionSheet)).toEqual([
      ['RU-VLG', 'Вологодська область', 'RU'],
      ['RU-ARK', 'Архангельська область', 'RU'],
    ]);
    const ruTypeRows = municipalityTypes.filter((t) => t.country === 'RU').map((t) => [t.code, t.names.uk, 'RU']);
    expect(rows(typeSheet)).toEqual(ruTypeRows);

    // The template, filled in, imports as it is.
    list.addRow(['v1', 'Тотемский округ', 'RU-VLG', 'municipal_okrug', 18500, 'v1@example.org']);
    const content = Buffer.from((await wb.xlsx.writeBuffer()) as ArrayBuffer).toString('base64');
    const imported = await coordinator.post(`/api/waves/${wave}/invitations/import`).send({ format: 'xlsx', content });
    expect(imported.status).toBe(201);
    expect(imported.body.created).toBe(1);
  });

  it('CSV: the heading line, and a second file with the codes and their names in the chosen language', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const template = await coordinator.get(`/api/waves/${wave}/invitations/template?format=csv`);
    expect(template.status).toBe(200);
    expect(template.headers['content-type']).toMatch(/text\/csv/);
    expect(template.text.replace(/^\uFEFF/, '').trim()).toBe('id;name;region;type;population;email;language');

    const codes = await coordinator.get(`/api/waves/${wave}/invitations/template?format=codes-csv&lang=en`);
    expect(codes.status).toBe(200);
    const rows = parse(codes.text.replace(/^\uFEFF/, ''), { delimiter: ';' }) as string[][];
    expect(rows[0]).toEqual(['region / municipality type', 'Code', 'Name', 'Country']);
    expect(rows).toContainEqual(['region', 'RU-VLG', 'Vologda Oblast', 'RU']);
    expect(rows).toContainEqual(['region', 'UA-46', expect.stringMatching(/Lviv/), 'UA']);
    expect(rows).toContainEqual(['municipality type', 'hromada_rural', expect.any(String), 'UA']);
    expect(rows.filter((r) => r[0] === 'region')).toHaveLength(regions.length);
  });

  it('only coordinators get the template; an unknown format is a 400', async () => {
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const researcher = await agentAs(app, ['researcher']);
    expect((await researcher.get(`/api/waves/${wave}/invitations/template?format=csv`)).status).toBe(403);
    expect((await coordinator.get(`/api/waves/${wave}/invitations/template?format=pdf`)).status).toBe(400);
  });
});
