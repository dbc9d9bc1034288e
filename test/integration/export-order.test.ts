// The raw export's row order (db/connection.ts scanOrder): an order the store walks without
// holding the wave in memory. On the embedded FerretDB v1 that is no sort at all, i.e. the order
// the responses were first stored in; on MongoDB the `_id` index. Either way the same on every
// export of the same data, and not the submission time (a sort FerretDB does in memory).
import { randomUUID } from 'node:crypto';
import { text } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import { useTestDatabase } from '../helpers/db';
import { answers, createFixtureWave } from '../helpers/fixtures';
import { scanOrder, storeVersion } from '../../server/src/db/connection';
import { waveCatalogue } from '../../server/src/analytics/catalogue';
import { responsesCsv } from '../../server/src/exports/exports.service';
import { ResponseModel } from '../../server/src/responses/response.model';

useTestDatabase({ demo: false });

let wave: string;
const ids: string[] = [];

beforeAll(async () => {
  wave = await createFixtureWave();
  const { questionnaire } = await waveCatalogue(wave);
  const at = Date.parse('2026-03-01T10:00:00Z');
  // Stored one by one with submission times going backwards, and ids in no particular order.
  for (let k = 0; k < 12; k++) {
    const id = randomUUID();
    ids.push(id);
    await ResponseModel.collection.insertOne({
      _id: id,
      waveCode: wave,
      questionnaireId: questionnaire.id,
      status: 'complete',
      answers: answers({ region: 'RU-VLG', municipality: `М-${k}` }),
      regionCode: 'RU-VLG',
      municipality: `М-${k}`,
      municipalityType: '',
      sizeClass: '',
      respondentRole: '',
      obstacles: [],
      regionObstacles: [],
      locale: 'ru',
      startedAt: new Date(at - k * 60_000),
      submittedAt: new Date(at - k * 60_000),
      talliedAt: null,
    } as never);
  }
  // A later save of an early response (an update in place) does not move it.
  await ResponseModel.collection.updateOne({ _id: ids[2] } as never, { $set: { municipality: 'М-2 (исправлено)' } });
});

async function exportedIds(): Promise<string[]> {
  const csv = await text(await responsesCsv(wave, ';', 'ru'));
  const rows = parse(csv.replace(/^\uFEFF/, ''), { columns: true, delimiter: ';' }) as { response_id: string }[];
  return rows.map((r) => r.response_id);
}

describe('raw export row order', () => {
  it('is the order the store walks cheaply, the same on every export', async () => {
    const order = await scanOrder();
    const { ferretdb } = await storeVersion();
    // FerretDB v1 sorts any sort in memory: the export must not ask it to.
    if (ferretdb) expect(order).toBeUndefined();
    else expect(order).toEqual({ _id: 1 });
    const expected = order ? [...ids].sort() : ids;
    const first = await exportedIds();
    expect(first).toEqual(expected);
    expect(await exportedIds()).toEqual(first);
  });
});
