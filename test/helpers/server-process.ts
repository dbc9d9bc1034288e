// A separate app process (its own mongoose, its own memory) on the test store, as a second
// instance behind a load balancer or an app restarted in production would be.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { ROOT, storeUri } from './db';

/** `output`: every line the process wrote to stdout and stderr (its logs), as they come. */
export type ServerProcess = { url: string; proc: ChildProcess; output: string[] };

/** Starts `server/src/index.ts` on `dbName`; `env` adds or overrides settings (e.g. TALLY_MAINTENANCE_MS). */
export async function startServerProcess(dbName: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'src', 'index.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      MONGODB_URI: storeUri(),
      MONGODB_DB: dbName,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO: 'false',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  // stderr is still shown (as it was when inherited), and kept.
  proc.stderr!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  readline.createInterface({ input: proc.stderr! }).on('line', (line) => output.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server process did not start')), 60_000);
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      output.push(line);
      const m = /App:\s+(http:\/\/\S+?)\/?$/.exec(line.trim());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
  });
  return { url, proc, output };
}
