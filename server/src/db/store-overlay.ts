// The embedded store's one change to FerretDB v1, applied at build time: the build uses a
// patched copy of FerretDB's module (one file changed, one added) through a `replace` in a
// generated go.mod (`go build -modfile`). See scripts/store/ferretdb-patch/lsg_pushdown.go.in.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
/** Bumped whenever patchCollection changes, so that a built binary counts as stale. */
export const OVERLAY_VERSION = 1;
const PACKAGE_DIR = path.join('internal', 'backends', 'sqlite');
const ADDED = 'lsg_pushdown.go';

// FerretDB's own `_id` pushdown in Query and Explain (internal/backends/sqlite/collection.go):
// only for a filter with `_id` as its single key.
const ONLY_ID_FILTER =
  /\tif params\.Filter\.Len\(\) == 1 \{\n\t\tv, _ := params\.Filter\.Get\("_id"\)\n\t\tswitch v\.\(type\) \{\n\t\tcase string, types\.ObjectID:\n(\t\t\tfilterPushdown = true\n)?\t\t\twhereClause = fmt\.Sprintf\(` WHERE %s = \?`, metadata\.IDColumn\)\n\t\t\targs = \[\]any\{string\(must\.NotFail\(sjson\.MarshalSingleValue\(v\)\)\)\}\n\t\t\}\n\t\}\n/g;

/**
 * FerretDB's collection.go with both `_id` pushdowns replaced by lsgIDPushdown (the added file),
 * which also applies when the filter has other keys and to `_id: {$in: [...]}`. Throws if the
 * source is not the one this patch was written for.
 */
export function patchCollection(src: string): string {
  let query = 0;
  let explain = 0;
  const out = src.replace(ONLY_ID_FILTER, (_m, explainFlag: string | undefined) => {
    if (explainFlag) {
      explain++;
      return '\twhereClause, args, filterPushdown = lsgIDPushdown(params.Filter)\n';
    }
    query++;
    return '\twhereClause, args, _ = lsgIDPushdown(params.Filter)\n';
  });
  if (query !== 1 || explain !== 1)
    throw new Error(
      `FerretDB's ${PACKAGE_DIR}/collection.go is not the version the store's patch was written for ` +
        `(found ${query} query and ${explain} explain pushdown blocks, expected one each); update ${path.basename(__filename)}.`,
    );
  return out;
}

/** Runs the Go tool in srcDir with the caller's environment. */
function go(srcDir: string, args: string[]): string {
  return execFileSync('go', args, {
    cwd: srcDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    // eslint-disable-next-line no-restricted-properties -- the Go toolchain needs the caller's environment
    env: { ...process.env, CGO_ENABLED: '0' },
  }).trim();
}

function makeWritable(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(p);
    else fs.chmodSync(p, 0o644);
  }
}

/**
 * Makes a patched copy of FerretDB's module in outDir (its collection.go patched, lsg_pushdown.go
 * added) and a go.mod beside it that is scripts/store/go.mod plus a `replace` of FerretDB by that
 * copy; returns the path of that go.mod, for `go build -modfile` and `go test -modfile`. (Go
 * refuses an overlay of files in the module cache, and the committed go.mod stays as it is, so
 * an editor or a plain `go build` still works, without the patch.)
 */
export function prepareStoreModfile(srcDir: string, outDir: string): string {
  let moduleDir = go(srcDir, ['list', '-m', '-f', '{{.Dir}}', FERRETDB_MODULE]);
  if (!moduleDir) {
    go(srcDir, ['mod', 'download', FERRETDB_MODULE]);
    moduleDir = go(srcDir, ['list', '-m', '-f', '{{.Dir}}', FERRETDB_MODULE]);
  }
  if (!moduleDir) throw new Error(`Go could not find the module ${FERRETDB_MODULE}`);
  const copy = path.join(path.resolve(outDir), 'ferretdb');
  fs.rmSync(copy, { recursive: true, force: true });
  fs.cpSync(moduleDir, copy, { recursive: true });
  makeWritable(copy); // the module cache's files are read-only, and so would be their copy
  const pkg = path.join(copy, PACKAGE_DIR);
  const target = path.join(pkg, 'collection.go');
  fs.writeFileSync(target, patchCollection(fs.readFileSync(target, 'utf8')));
  fs.copyFileSync(path.join(srcDir, 'ferretdb-patch', `${ADDED}.in`), path.join(pkg, ADDED));
  const modfile = path.join(path.resolve(outDir), 'go.mod');
  fs.writeFileSync(
    modfile,
    `${fs.readFileSync(path.join(srcDir, 'go.mod'), 'utf8')}\nreplace ${FERRETDB_MODULE} => ${copy}\n`,
  );
  fs.copyFileSync(path.join(srcDir, 'go.sum'), path.join(path.resolve(outDir), 'go.sum'));
  return modfile;
}
