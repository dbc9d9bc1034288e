import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import type { Config } from '../config';
import { ensureStoreBuilt, startEmbeddedStore, type EmbeddedStore } from './embedded-store';

export type StoreInfo = { kind: 'embedded' | 'external'; uri: string };

export type Database = {
  store: StoreInfo;
  close: () => Promise<void>;
};

mongoose.set('strictQuery', true);
// Fail fast instead of queueing operations while the store is away: callers get a 503.
mongoose.set('bufferCommands', false);

/** Connects mongoose to MONGODB_URI, or to the embedded store it starts. */
export async function openDatabase(cfg: Config, log: (msg: string) => void = () => {}): Promise<Database> {
  let embedded: EmbeddedStore | undefined;
  let uri = cfg.mongodbUri;
  let joined = false;
  if (!uri) {
    // One store process per data folder: a second process (the demo script next to a running
    // app) joins the store that is already running instead of opening the same SQLite files.
    uri = runningStoreUri(cfg.dataDir);
    if (uri) log(`Using the embedded store already running on ${cfg.dataDir}.`);
    joined = !!uri;
  }
  if (!uri) {
    ensureStoreBuilt(cfg.rootDir, cfg.storeBin, log);
    embedded = await startEmbeddedStore(cfg.storeBin, cfg.dataDir);
    uri = embedded.uri;
    writeStoreFile(cfg.dataDir, embedded);
  }
  try {
    // A process joining the embedded store gets the embedded store's connection settings too.
    await connectMongoose(uri, cfg.dbName, !embedded && !joined);
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  return {
    store: { kind: embedded || joined ? 'embedded' : 'external', uri: redactUri(uri) },
    close: async () => {
      await mongoose.disconnect();
      if (embedded) {
        removeStoreFile(cfg.dataDir, embedded.pid);
        await embedded.stop();
      }
    },
  };
}

export async function connectMongoose(uri: string, dbName: string, external: boolean): Promise<void> {
  await mongoose.connect(uri, {
    dbName,
    // When the store is away, requests fail with 503 within this time instead of hanging.
    serverSelectionTimeoutMS: 2500,
    // Notice a store that went away (or came back) within seconds.
    heartbeatFrequencyMS: 2000,
    // Production MongoDB is a replica set: acknowledge writes once a majority has them.
    // The embedded FerretDB v1 runs an update as "query, then write the whole document" with
    // no transaction around the two (internal/handler/msg_update.go); the store's wire proxy
    // (scripts/store/proxy.go) lets one write command through at a time, from any connection
    // or process, which restores single-document atomicity (test/integration/store-atomicity.test.ts).
    // Reads go in parallel over a small pool (SQLite in WAL mode serves concurrent readers).
    ...(external ? { writeConcern: { w: 'majority' } } : { maxPoolSize: 8 }),
    autoIndex: false,
  });
}

function redactUri(uri: string): string {
  return uri.replace(/\/\/[^@/]*@/, '//***@');
}

/** Name and version the store reports (FerretDB reports the MongoDB version it emulates). */
export async function storeVersion(): Promise<{ version: string; ferretdb?: string }> {
  const db = mongoose.connection.db;
  if (!db) throw new Error('not connected');
  const info = (await db.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
  const ferretdb = info.ferretdbVersion && info.ferretdbVersion !== 'unknown' ? info.ferretdbVersion : undefined;
  return { version: String(info.version ?? 'unknown'), ...(ferretdb ? { ferretdb } : {}) };
}

const storeFile = (dataDir: string) => path.join(dataDir, 'store.json');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runningStoreUri(dataDir: string): string | undefined {
  try {
    const info = JSON.parse(fs.readFileSync(storeFile(dataDir), 'utf8')) as { pid: number; uri: string };
    return isAlive(info.pid) ? info.uri : undefined;
  } catch {
    return undefined;
  }
}

function writeStoreFile(dataDir: string, store: EmbeddedStore): void {
  fs.writeFileSync(storeFile(dataDir), JSON.stringify({ pid: store.pid, uri: store.uri }));
}

function removeStoreFile(dataDir: string, pid: number): void {
  try {
    const info = JSON.parse(fs.readFileSync(storeFile(dataDir), 'utf8')) as { pid: number };
    if (info.pid === pid) fs.rmSync(storeFile(dataDir));
  } catch {
    // already gone
  }
}
