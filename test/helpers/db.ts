// Each test file works in its own database on the run's store (real store, over the wire).
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectMongoose } from '../../server/src/db/connection';
import { prepareDatabase } from '../../server/src/bootstrap';

export const ROOT = path.resolve(__dirname, '..', '..');

export function storeUri(): string {
  const uri = process.env.LSG_TEST_MONGODB_URI;
  if (!uri) throw new Error('No store: the jest globalSetup did not run.');
  return uri;
}

export function storeKind(): 'embedded' | 'external' {
  return process.env.LSG_TEST_STORE_KIND === 'embedded' ? 'embedded' : 'external';
}

/** Connects to a fresh database for this file; registers cleanup with afterAll. */
export function useTestDatabase(opts: { demo?: boolean } = {}): { dbName: string } {
  const dbName = `t_${randomUUID().slice(0, 8)}`;
  beforeAll(async () => {
    await connectMongoose(storeUri(), dbName, storeKind() === 'external');
    await prepareDatabase({ rootDir: ROOT, demo: opts.demo ?? true });
  });
  afterAll(async () => {
    await mongoose.connection.db?.dropDatabase();
    await mongoose.disconnect();
  });
  return { dbName };
}

/** Empties the responses (and anything else listed) between tests. */
export async function resetCollections(...names: string[]): Promise<void> {
  const db = mongoose.connection.db!;
  for (const name of names) await db.collection(name).deleteMany({});
}
