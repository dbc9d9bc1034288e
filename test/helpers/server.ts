// Serves the real app (API + built client) on a free loopback port for browser tests.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/src/app';
import { ensureClientBuilt } from '../../scripts/lib/client-build';
import { ROOT, storeKind } from './db';

export async function startServer(): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const clientDir = ensureClientBuilt(ROOT);
  const server = http.createServer(createApp({ store: { kind: storeKind() }, clientDir }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
