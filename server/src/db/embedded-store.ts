// Launches the embedded store: FerretDB v1 (SQLite) wrapped by the Go program in scripts/store.
// The binary is built once with `go build` and rebuilt only when its sources change (storeSourceHash).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { OVERLAY_VERSION, prepareStoreModfile } from './store-overlay';

export type EmbeddedStore = {
  uri: string;
  version: string;
  pid: number;
  stop: () => Promise<void>;
  /** Kills the store without letting it shut down cleanly (fault tests). */
  kill: () => Promise<void>;
};

/**
 * Hash of everything the binary is built from: every Go source file under scripts/store (any
 * depth; `_test.go` files excluded, they are not in the binary), the FerretDB patch
 * (`*.go.in` and OVERLAY_VERSION, see store-overlay.ts) and go.mod/go.sum. Names are
 * hashed with contents, so adding, renaming or deleting a file counts as a change too.
 */
export function storeSourceHash(srcDir: string): string {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const rel = path.relative(srcDir, path.join(dir, entry.name));
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && entry.name !== 'testdata') walk(path.join(dir, entry.name));
      } else if (
        (entry.name.endsWith('.go') && !entry.name.endsWith('_test.go')) ||
        entry.name.endsWith('.go.in') ||
        rel === 'go.mod' ||
        rel === 'go.sum'
      ) {
        files.push(rel);
      }
    }
  };
  walk(srcDir);
  const hash = createHash('sha256');
  hash.update(`overlay ${OVERLAY_VERSION}\0`);
  for (const rel of files.sort()) {
    hash.update(`${rel.split(path.sep).join('/')}\0`);
    hash.update(fs.readFileSync(path.join(srcDir, rel)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** The file next to the binary that records the source hash it was built from. */
export const storeStampFile = (bin: string): string => `${bin}.sources.sha256`;

/** True if the binary is missing or was built from other sources than those in srcDir now. */
export function storeIsStale(srcDir: string, bin: string): boolean {
  if (!fs.existsSync(bin)) return true;
  try {
    return fs.readFileSync(storeStampFile(bin), 'utf8').trim() !== storeSourceHash(srcDir);
  } catch {
    return true; // no stamp: built by an older launcher, or by hand
  }
}

/** Builds the store binary if it is missing or stale (storeIsStale). Returns true if it built. */
export function ensureStoreBuilt(rootDir: string, bin: string, log: (msg: string) => void = () => {}): boolean {
  const srcDir = path.join(rootDir, 'scripts', 'store');
  if (!storeIsStale(srcDir, bin)) return false;
  const hash = storeSourceHash(srcDir);
  log(
    `Building the embedded store (FerretDB + SQLite) with Go into ${path.relative(rootDir, bin)}; the first build takes a minute or two...`,
  );
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  try {
    const modfile = prepareStoreModfile(srcDir, path.join(path.dirname(bin), 'patched'));
    execFileSync('go', ['build', '-trimpath', `-modfile=${modfile}`, '-o', bin, '.'], {
      cwd: srcDir,
      stdio: ['ignore', 'inherit', 'inherit'],
      // eslint-disable-next-line no-restricted-properties -- the Go toolchain needs the caller's environment
      env: { ...process.env, CGO_ENABLED: '0' },
    });
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'the `go` command was not found on PATH' : String(err);
    throw new Error(`Could not build the embedded store: ${reason}. Install Go 1.24+ or set MONGODB_URI.`, {
      cause: err,
    });
  }
  fs.writeFileSync(storeStampFile(bin), `${hash}\n`);
  return true;
}

/**
 * Starts the store on a free loopback port and resolves once it accepts connections.
 * The child watches its stdin: if this process dies, the pipe closes and the store exits,
 * so no orphan is left behind even when tests crash.
 */
export function startEmbeddedStore(
  bin: string,
  dataDir: string,
  timeoutMs = 60_000,
  listen = '127.0.0.1:0',
): Promise<EmbeddedStore> {
  fs.mkdirSync(dataDir, { recursive: true });
  const child: ChildProcess = spawn(bin, ['-data', dataDir, '-listen', listen], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  return new Promise<EmbeddedStore>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`The embedded store did not start within ${timeoutMs} ms. ${stderr}`));
    }, timeoutMs);
    const rl = readline.createInterface({ input: child.stdout! });
    rl.once('line', (line) => {
      clearTimeout(timer);
      try {
        const info = JSON.parse(line) as { uri: string; version: string };
        const kill = async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGKILL');
          await exited;
        };
        resolve({ uri: info.uri, version: info.version, pid: child.pid!, stop, kill });
      } catch {
        void stop();
        reject(new Error(`Unexpected output from the embedded store: ${line}`));
      }
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`Could not start the embedded store at ${bin}: ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`The embedded store exited early (code ${code}, signal ${signal}). ${stderr.trim()}`));
    });
  });
}
