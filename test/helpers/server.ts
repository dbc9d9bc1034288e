// Serves the real app (API + built client) on a free loopback port for browser tests, with the
// job runner running as in the server (exports and recounts are jobs).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../server/src/app';
import { startJobRunner, type RunnerOptions } from '../../server/src/jobs/jobs.runner';
import { ensureClientBuilt } from '../../scripts/lib/client-build';
import { ROOT, storeKind } from './db';
import type { MailDeps } from '../../server/src/mail/mail.routes';
import { rememberDocument, type OpenApiDocument } from './openapi-check';

export async function startServer(
  opts: { jobs?: Partial<RunnerOptions>; mail?: MailDeps } = {},
): Promise<{ baseUrl: string; close: () => Promise<void> }> {
  const clientDir = ensureClientBuilt(ROOT);
  const app = createApp({ store: { kind: storeKind() }, clientDir, mail: opts.mail });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Responses that tests fetch from this server by URL are checked against its document (check-responses.ts).
  rememberDocument(`http://127.0.0.1:${port}`, app.locals.openapi as OpenApiDocument);
  const jobs = startJobRunner({ pollMs: 200, retentionMs: 3_600_000, mailer: opts.mail?.mailer, ...opts.jobs });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      await jobs.stop();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}
