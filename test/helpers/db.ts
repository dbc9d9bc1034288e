// Each test file works in its own database on the run's store (real store, over the wire).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { connectMongoose } from '../../server/src/db/connection';
import { startEmbeddedStore } from '../../server/src/db/embedded-store';
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

/** A store of the test's own, which it may kill and start again (see startOwnStore). */
export type OwnStore = {
  readonly uri: string;
  /** Kills the store process (no clean shutdown). */
  kill: () => Promise<void>;
  /** Starts the store again on its first address, over the same data. */
  restart: () => Promise<void>;
  /** Disconnects mongoose, stops the store and removes its data. */
  stop: () => Promise<void>;
};

/**
 * Starts an embedded store of the test's own (the built binary, data in a fresh folder), connects
 * mongoose to `dbName` on it and prepares the database (no demo): for the tests that take the store
 * away and bring it back.
 */
export async function startOwnStore(dbName: string): Promise<OwnStore> {
  const bin = path.join(ROOT, '.cache', 'store-bin', 'lsg-store');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-own-store-'));
  let store = await startEmbeddedStore(bin, dataDir);
  const listen = new URL(store.uri).host;
  await connectMongoose(store.uri, dbName, false);
  await prepareDatabase({ rootDir: ROOT, demo: false });
  return {
    get uri() {
      return store.uri;
    },
    kill: () => store.kill(),
    restart: async () => {
      store = await startEmbeddedStore(bin, dataDir, 60_000, listen);
    },
    stop: async () => {
      await mongoose.disconnect();
      await store.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
