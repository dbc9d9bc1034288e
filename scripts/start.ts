// `npm start`: builds what is missing (the web client here, the embedded store in the server's
// launcher), then runs the server.
import path from 'node:path';
import { ensureClientBuilt } from './lib/client-build';

ensureClientBuilt(path.resolve(__dirname, '..'), (m) => process.stdout.write(`${m}\n`));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { main } = require('../server/src/index') as typeof import('../server/src/index');
main().catch((err: unknown) => {
  process.stderr.write(`lsg-barometer failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
