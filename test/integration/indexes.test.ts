// Every index a model declares exists in the database after start-up preparation, for every
// model, and preparing again (an existing database, a second instance) changes nothing.
import mongoose from 'mongoose';
import { allModels } from '../../server/src/db/models';
import { ensureIndexes } from '../../server/src/bootstrap';
import { useTestDatabase } from '../helpers/db';

useTestDatabase({ demo: false });

const keyOf = (key: Record<string, unknown>) => JSON.stringify(Object.entries(key));

async function found(collection: string): Promise<string[]> {
  const list = await mongoose.connection.db!.collection(collection).indexes();
  // The practices' text index is built at start on MongoDB only (practices.service.ts), not declared on the model.
  return list
    .filter((i) => !('_fts' in i.key))
    .map((i) => keyOf(i.key))
    .sort();
}

function declared(model: ReturnType<typeof allModels>[number]): string[] {
  return [keyOf({ _id: 1 }), ...model.schema.indexes().map(([key]) => keyOf(key))].sort();
}

describe('indexes after prepareDatabase', () => {
  const models = allModels();

  it('covers every model of the app, including sessions, rate limits, invitations, audit, counters and coding', () => {
    const collections = models.map((m) => m.collection.collectionName);
    for (const c of [
      'sessions',
      'rate_limits',
      'invitations',
      'invitation_tokens',
      'audit',
      'tallycounters',
      'othercodings',
      'customcodes',
      'responses',
      'waves',
      'questionnaires',
      'users',
      'leases',
    ])
      expect(collections).toContain(c);
  });

  it.each(allModels().map((m) => [m.modelName, m] as const))(
    '%s: the indexes in the database equal the declared ones (+_id)',
    async (_name, model) => {
      expect(await found(model.collection.collectionName)).toEqual(declared(model));
    },
  );

  it('declares the indexes the hot reads need', () => {
    const idx = (name: string) =>
      mongoose
        .model(name)
        .schema.indexes()
        .map(([key]) => keyOf(key));
    expect(idx('Session')).toContain(keyOf({ userId: 1 }));
    expect(idx('RateLimit')).toContain(keyOf({ resetAt: 1 }));
    expect(idx('Response')).toContain(keyOf({ waveCode: 1, regionCode: 1 }));
    expect(idx('AuditEntry')).toContain(keyOf({ action: 1, at: -1 }));
  });

  it('is idempotent on an existing database, and rebuilds an index that went missing', async () => {
    await mongoose.connection.db!.collection('sessions').dropIndex('userId_1');
    expect(await found('sessions')).not.toContain(keyOf({ userId: 1 }));
    await ensureIndexes();
    await ensureIndexes();
    for (const model of allModels()) expect(await found(model.collection.collectionName)).toEqual(declared(model));
  });
});
