// The embedded store's patch to FerretDB (server/src/db/store-overlay.ts): applied to the
// FerretDB source the build downloads, it replaces both `_id` pushdowns and nothing else, and it
// refuses a source it was not written for instead of building an unpatched store.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FERRETDB_MODULE, patchCollection } from '../../server/src/db/store-overlay';
import { ROOT } from '../helpers/db';

const moduleDir = execFileSync('go', ['list', '-m', '-f', '{{.Dir}}', FERRETDB_MODULE], {
  cwd: path.join(ROOT, 'scripts', 'store'),
  encoding: 'utf8',
}).trim();
const original = fs.readFileSync(path.join(moduleDir, 'internal', 'backends', 'sqlite', 'collection.go'), 'utf8');

describe("the store's FerretDB patch", () => {
  it('replaces the query and the explain pushdown with lsgIDPushdown, and only those lines', () => {
    const patched = patchCollection(original);
    expect(patched.match(/lsgIDPushdown\(params\.Filter\)/g)).toHaveLength(2);
    expect(patched).toContain('whereClause, args, filterPushdown = lsgIDPushdown(params.Filter)');
    expect(patched).not.toContain('if params.Filter.Len() == 1 {');
    // Every other line is kept as it was.
    const kept = original.split('\n').filter((l) => !patched.includes(l));
    expect(kept.every((l) => /Filter|switch v|case string|filterPushdown|whereClause|args = |^\t\t?}$/.test(l))).toBe(
      true,
    );
  });

  it('refuses a FerretDB source it was not written for', () => {
    expect(() => patchCollection(original.replace('params.Filter.Len() == 1', 'params.Filter.Len() >= 1'))).toThrow(
      /not the version the store's patch was written for/,
    );
    expect(() => patchCollection(`${original}\n${original}`)).toThrow(/found 2 query and 2 explain/);
  });
});
