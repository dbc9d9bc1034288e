// `npm run build:store`: builds the embedded store binary (FerretDB + SQLite) if it is stale.
import path from 'node:path';
import { ensureStoreBuilt } from '../server/src/db/embedded-store';
import { config } from '../server/src/config';

const cfg = config();
const built = ensureStoreBuilt(cfg.rootDir, cfg.storeBin, (m) => process.stdout.write(`${m}\n`));
process.stdout.write(`${built ? 'Built' : 'Up to date'}: ${path.relative(process.cwd(), cfg.storeBin)}\n`);
