// `npm run test:store`: the Go tests of the store wrapper (scripts/store), built with the same
// patched FerretDB as the binary (server/src/db/store-overlay.ts).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { prepareStoreModfile } from '../server/src/db/store-overlay';

const srcDir = path.resolve(__dirname, 'store');
const modfile = prepareStoreModfile(srcDir, path.resolve(__dirname, '..', '.cache', 'store-test-patched'));
try {
  execFileSync('go', ['test', `-modfile=${modfile}`, ...process.argv.slice(2), './...'], {
    cwd: srcDir,
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0' },
  });
} catch {
  process.exit(1);
}
