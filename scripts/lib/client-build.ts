// Builds the web client with Vite when dist/client is missing or older than client/.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** Server modules the client bundles too (shared, dependency-free). */
const SHARED_WITH_CLIENT = ['server/src/questionnaires/texts.ts'];

function isStale(outDir: string, root: string): boolean {
  const index = path.join(outDir, 'index.html');
  if (!fs.existsSync(index) || !fs.existsSync(path.join(outDir, 'respond.html'))) return true;
  const newest = Math.max(
    newestMtime(path.join(root, 'client')),
    ...SHARED_WITH_CLIENT.map((f) => fs.statSync(path.join(root, f)).mtimeMs),
  );
  return fs.statSync(index).mtimeMs < newest;
}

/** Waits (synchronously) for a lock directory, so parallel test runs do not build over each other. */
function withLock<T>(lockDir: string, fn: () => T): T {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock left by a killed build is stale after 3 minutes.
      if (Date.now() - fs.statSync(lockDir).mtimeMs > 180_000) fs.rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`client build lock ${lockDir} held for too long`, { cause: err });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

export function ensureClientBuilt(root: string, log: (msg: string) => void = () => {}): string {
  const outDir = path.join(root, 'dist', 'client');
  if (!isStale(outDir, root)) return outDir;
  fs.mkdirSync(path.dirname(outDir), { recursive: true });
  withLock(path.join(root, 'dist', '.client-build.lock'), () => {
    if (!isStale(outDir, root)) return; // built by whoever held the lock
    log('Building the web client (vite)...');
    // Build beside the live folder and swap it in, so a server reading dist/client never sees it half-built.
    const fresh = `${outDir}.build-${process.pid}`;
    // Two builds into one folder: the app (index.html), then the respondent's entry (respond.html,
    // client/vite.config.ts `--mode respondent`), which keeps what the first one wrote.
    for (const extra of [[], ['--mode', 'respondent']])
      execFileSync(
        process.execPath,
        [
          path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
          'build',
          '--config',
          'client/vite.config.ts',
          '--outDir',
          fresh,
          ...(extra.length ? extra : ['--emptyOutDir']),
          '--logLevel',
          'warn',
        ],
        {
          cwd: root,
          stdio: ['ignore', 'inherit', 'inherit'],
          // Always a production bundle, also when started from the tests (NODE_ENV=test would give React's dev build).
          env: { ...process.env, NODE_ENV: 'production' },
        },
      );
    const old = `${outDir}.old-${process.pid}`;
    if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
    fs.renameSync(fresh, outDir);
    fs.rmSync(old, { recursive: true, force: true });
  });
  return outDir;
}
