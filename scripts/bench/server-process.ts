// A separate app server process on a given store and database, as in production: its own event
// loop and memory, so the load generator does not share a core's time with the handlers.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = path.resolve(__dirname, '..', '..');

export type ServerProcess = {
  url: string;
  proc: ChildProcess;
  stop: () => Promise<void>;
  /** Settles (never rejects) when the process exits on its own, with why and its last log lines. */
  died: Promise<string>;
  /** Why the process is gone (exit code or signal, and its last log lines), or null while it runs. */
  deathReport: () => string | null;
  /** The app's last log lines (warnings and errors), e.g. to explain a failed job. */
  logTail: () => string;
  /** Whether a line of the app's output has matched `re` since it started. */
  seen: (re: RegExp) => boolean;
  /** Resolves when a line of the app's output matches `re` (at once if one already did); rejects after `ms`. */
  waitFor: (re: RegExp, ms: number) => Promise<void>;
};

const TAIL_LINES = 40;

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
      // Warnings and errors only: kept in a tail (below) and printed if the process dies.
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The last lines of the app's stdout and stderr, so that a death can be explained.
  const tail: string[] = [];
  // Every line is offered to the patterns waited for (waitFor).
  const matched: string[] = [];
  const waiters = new Set<{ re: RegExp; done: () => void }>();
  const keep = (stream: string) => (line: string) => {
    tail.push(`[app ${stream}] ${line}`);
    if (tail.length > TAIL_LINES) tail.shift();
    for (const w of [...waiters])
      if (w.re.test(line)) {
        waiters.delete(w);
        w.done();
      }
    // Kept for seen(): the app's own messages, not its per-request log lines (bounded).
    if (!/"msg":"request (completed|errored)"/.test(line) && matched.length < 1000) matched.push(line);
  };
  const seen = (re: RegExp) => matched.some((l) => re.test(l));
  const waitFor = (re: RegExp, ms: number) =>
    seen(re)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            waiters.delete(w);
            reject(new Error(`no app output matching ${re} within ${ms} ms`));
          }, ms);
          const w = {
            re,
            done: () => {
              clearTimeout(timer);
              resolve();
            },
          };
          waiters.add(w);
        });
  readline.createInterface({ input: proc.stderr! }).on('line', keep('stderr'));
  let stopping = false;
  let report: string | null = null;
  const died = new Promise<string>((resolve) => {
    proc.once('exit', (code, signal) => {
      // Let the pipes drain so the last lines are in the tail.
      setTimeout(() => {
        const why = signal
          ? `killed by ${signal}${signal === 'SIGKILL' ? ' (the OOM killer? see dmesg)' : ''}`
          : `exit code ${code}`;
        report = `app server process (pid ${proc.pid}) ${stopping ? 'stopped' : 'died'}: ${why}\n${
          tail.length ? tail.join('\n') : '[app] (no output)'
        }`;
        // Said at once, not only when the bench next looks (a long raw read may be under way).
        if (!stopping) process.stderr.write(`${report}\n`);
        resolve(report);
      }, 100);
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server process did not start')), 60_000);
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => {
      keep('stdout')(line);
      const m = /App:\s+(http:\/\/\S+?)\/?$/.exec(line.trim());
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void died.then((why) => {
      clearTimeout(timer);
      reject(new Error(why));
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      stopping = true;
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => {
        fs.rmSync(dataDir, { recursive: true, force: true });
        resolve();
      });
      proc.kill('SIGTERM');
      setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
    });
  return { url, proc, stop, died, deathReport: () => report, logTail: () => tail.join('\n'), seen, waitFor };
}
