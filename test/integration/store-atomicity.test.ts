// The guarantees the app relies on, checked against the store in use through the app's own
// connection: a conditional single-document update is atomic, $inc loses nothing, an upsert
// with $setOnInsert inserts once. (FerretDB v1 needs the store's write-serialising proxy for all three:
// the app's pool spreads these over several connections.)
import mongoose from 'mongoose';
import { useTestDatabase } from '../helpers/db';

useTestDatabase({ demo: false });

describe('single-document atomicity through the app connection', () => {
  it('when eight conditional updates race for one document, then exactly one matches and no $inc is lost', async () => {
    const c = mongoose.connection.db!.collection<{ _id: string; status: string; n: number; hits: number }>('atomicity');
    for (let round = 0; round < 5; round++) {
      await c.deleteMany({});
      await c.insertOne({ _id: 'doc', status: 'open', n: 0, hits: 0 });
      const results = await Promise.all(
        Array.from({ length: 8 }, () =>
          Promise.all([
            c.updateOne({ _id: 'doc', status: 'open' }, { $set: { status: 'closed' }, $inc: { n: 1 } }),
            c.updateOne({ _id: 'doc' }, { $inc: { hits: 1 } }),
          ]),
        ),
      );
      expect(results.map(([conditional]) => conditional.modifiedCount).sort()).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
      expect(await c.findOne({ _id: 'doc' })).toMatchObject({ status: 'closed', n: 1, hits: 8 });
    }
  });

  it('when 200 $inc arrive at once over the connection pool, then none is lost', async () => {
    const c = mongoose.connection.db!.collection<{ _id: string; n: number }>('atomicity_inc');
    await c.insertOne({ _id: 'counter', n: 0 });
    await Promise.all(Array.from({ length: 200 }, () => c.updateOne({ _id: 'counter' }, { $inc: { n: 1 } })));
    expect((await c.findOne({ _id: 'counter' }))?.n).toBe(200);
  });

  it('when eight upserts race for one _id, then one inserts and the others match', async () => {
    const c = mongoose.connection.db!.collection<{ _id: string; i?: number }>('atomicity_upsert');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => c.updateOne({ _id: 'one' }, { $setOnInsert: { i } }, { upsert: true })),
    );
    expect(results.filter((r) => r.upsertedCount === 1)).toHaveLength(1);
    expect(await c.countDocuments({})).toBe(1);
  });
});
