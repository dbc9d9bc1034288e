// A separate app server process on a given store and database, as in production: its own event
// loop and memory, so the load generator does not share a core's time with the handlers.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '..', '..');

export type ServerProcess = { url: string; proc: ChildProcess; stop: () => Promise<void> };

/**
 * The server joins the embedded store at `uri` the way a second process on the same data folder
 * does (a store.json naming it; the store lives as long as this process), so it connects with
 * the embedded store's settings, as the app does in production on that store.
 */
export async function startServerProcess(
  uri: string,
  dbName: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-bench-app-'));
  fs.writeFileSync(path.join(dataDir, 'store.json'), JSON.stringify({ pid: process.pid, uri }));
  const { MONGODB_URI: _ignored, ...parentEnv } = process.env;
  // e.g. LSG_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
  const nodeArgs = (process.env.LSG_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, 'server', 'src', 'index.ts')], {
    cwd: ROOT,
    env: {
      ...parentEnv,
      DATA_DIR: dataDir,
      MONGODB_DB: dbName,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO: 'false',
      NODE_ENV: 'production',
      // Required in production; the benchmarks never follow an invitation link.
      PUBLIC_URL: 'http://127.0.0.1',
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server process did not start')), 60_000);
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /App:\s+(http:\/\/\S+?)\/?$/.exec(line.trim());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server process exited with ${code}`));
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => {
        fs.rmSync(dataDir, { recursive: true, force: true });
        resolve();
      });
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
    });
  return { url, proc, stop };
}
