import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { config, type Config } from '../config';
import { ensureStoreBuilt, startEmbeddedStore, type EmbeddedStore } from './embedded-store';
import { openLongReads } from './long-reads';

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
    await connectMongoose(uri, cfg.dbName, !embedded && !joined, cfg.dbOpTimeoutMs);
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

/**
 * No single round trip to the store waits longer than this (a getMore of a cursor, a write, an index build).
 * A backstop for a dead connection only: server work is bounded by maxTimeMS and requests by their deadline
 * (which closes their cursors). It must outlast the first batch of an export's sorted cursor, which the
 * embedded store sorts in memory: at 100,000 responses on a busy 2-core machine that took longer than the
 * 30 s this used to be, and the export job failed.
 */
export function socketTimeoutFor(opTimeoutMs: number): number {
  return Math.max(10 * 60_000, 5 * opTimeoutMs);
}

/** `w: majority`, waiting for the majority no longer than a query may run (DB_OP_TIMEOUT_MS). */
export function writeConcernFor(opTimeoutMs: number): { w: 'majority'; wtimeoutMS: number } {
  return { w: 'majority', wtimeoutMS: opTimeoutMs };
}

/**
 * Time limits on everything sent to the store:
 * - every find, findOne, count, aggregate and findOneAndUpdate carries `maxTimeMS` = opTimeoutMs
 *   (DB_OP_TIMEOUT_MS; mongoose adds it unless the call sets its own): the store stops the work
 *   and answers code 50 MaxTimeMSExpired, which the API reports as "took too long". Both MongoDB
 *   and the embedded FerretDB v1 honour it (FerretDB refuses it on `distinct`, which the app does
 *   not use; writes ignore it on FerretDB);
 * - cursors (long reads: exports, recounts, scans) are not limited by maxTimeMS, which MongoDB
 *   counts over the cursor's whole life; each of their round trips is limited by socketTimeoutMS,
 *   and a request's cursors close when the request ends (db/abortable.ts). They run over a second
 *   connection with a small pool (db/long-reads.ts);
 * - the driver gives up finding the store after serverSelectionTimeoutMS ("unreachable").
 */
export async function connectMongoose(
  uri: string,
  dbName: string,
  external: boolean,
  opTimeoutMs = config().dbOpTimeoutMs,
  /** Further driver options (tests turn on command monitoring with it). */
  extra: mongoose.ConnectOptions = {},
): Promise<void> {
  mongoose.set('maxTimeMS', opTimeoutMs);
  // Mongoose keeps `new Error().stack` of every query it runs, only to name the first call in a
  // "query was already executed" error; with source maps on (tsx) that stack costs ~0.1 ms a
  // query, several per submission.
  mongoose.set('skipOriginalStackTraces', true);
  scanOrderCache = undefined; // a new store may be of another kind
  const options: mongoose.ConnectOptions = {
    ...extra,
    dbName,
    // When the store is away, requests fail with 503 within this time instead of hanging.
    serverSelectionTimeoutMS: 2500,
    socketTimeoutMS: socketTimeoutFor(opTimeoutMs),
    // Notice a store that went away (or came back) within seconds.
    heartbeatFrequencyMS: 2000,
    // Production MongoDB is a replica set: a write is acknowledged once a majority of the members
    // has it (so it survives a failover), and waits at most wtimeoutMS for them (error code 64
    // WriteConcernFailed, answered as a retryable 503: the write may or may not have landed, and
    // every write the API retries is idempotent). The embedded FerretDB accepts the same write
    // concern (a single node: nothing to wait for), checked by test/integration/store-readiness.test.ts.
    writeConcern: writeConcernFor(opTimeoutMs),
    // The driver retries a write or read once on a new primary after a step-down or a network
    // error (replica sets only; on a standalone store such as the embedded one this does nothing).
    retryWrites: true,
    retryReads: true,
    // The embedded FerretDB v1 runs an update as "query, then write the whole document" with
    // no transaction around the two (internal/handler/msg_update.go); the store's wire proxy
    // (scripts/store/proxy.go) lets one write command through at a time, from any connection
    // or process, which restores single-document atomicity (test/integration/store-atomicity.test.ts).
    // Reads go in parallel over a small pool (SQLite in WAL mode serves concurrent readers).
    ...(external ? {} : { maxPoolSize: 8 }),
    autoIndex: false,
  };
  await mongoose.connect(uri, options);
  // Long reads (exports, recounts, scans) on a connection of their own with a small pool, so a
  // health check or a submission never waits behind their batches (db/long-reads.ts).
  try {
    await openLongReads(uri, options);
  } catch (err) {
    await mongoose.disconnect().catch(() => undefined);
    throw err;
  }
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

let scanOrderCache: Promise<Record<string, 1> | undefined> | undefined;

/**
 * The order in which a long read (an export of every response of a wave) can walk a collection
 * without the store holding it all in memory:
 * - MongoDB: `{ _id: 1 }`, a walk of the `_id` index;
 * - FerretDB v1 (the embedded store): no sort at all. FerretDB v1 sorts every `sort` (also on
 *   `_id`) in memory after reading the whole result (internal/handler/msg_find.go pushes down
 *   only `$natural` on capped collections), which at 100,000 responses took the store to 1.6 GB
 *   and the first batch past any time limit. Unsorted, its SQLite backend reads the table in
 *   rowid order: the order the documents were first stored in (a response is stored once, when it
 *   is submitted; a later update, e.g. marking it counted, keeps its place), the same on every
 *   read of the same data.
 * `undefined` means "do not sort". Decided once per connection from the store's buildInfo.
 */
export function scanOrder(): Promise<Record<string, 1> | undefined> {
  scanOrderCache ??= storeVersion().then(
    (v) => (v.ferretdb ? undefined : { _id: 1 }),
    (err: unknown) => {
      scanOrderCache = undefined;
      throw err;
    },
  );
  return scanOrderCache;
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
