// Starts one store for the test run: MONGODB_URI when set, else the embedded FerretDB
// (built on first use) with its data in a fresh temporary folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureStoreBuilt, startEmbeddedStore, type EmbeddedStore } from '../../server/src/db/embedded-store';

declare global {
  var __LSG_STORE__: { store?: EmbeddedStore; dataDir?: string } | undefined;
}

export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.LSG_TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const root = path.resolve(__dirname, '..', '..');
  const bin = process.env.STORE_BIN ?? path.join(root, '.cache', 'store-bin', 'lsg-store');
  ensureStoreBuilt(root, bin, (m) => process.stdout.write(`${m}\n`));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-test-store-'));
  const store = await startEmbeddedStore(bin, dataDir);
  globalThis.__LSG_STORE__ = { store, dataDir };
  process.env.LSG_TEST_MONGODB_URI = store.uri;
  process.env.LSG_TEST_STORE_KIND = 'embedded';
}
