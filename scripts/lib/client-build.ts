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

export function ensureClientBuilt(root: string, log: (msg: string) => void = () => {}): string {
  const outDir = path.join(root, 'dist', 'client');
  const index = path.join(outDir, 'index.html');
  const stale = !fs.existsSync(index) || fs.statSync(index).mtimeMs < newestMtime(path.join(root, 'client'));
  if (stale) {
    log('Building the web client (vite)...');
    execFileSync(
      process.execPath,
      [
        path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        'client/vite.config.ts',
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
  }
  return outDir;
}
