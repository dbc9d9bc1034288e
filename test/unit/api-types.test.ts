// The client's API types (client/src/api/schema.d.ts) are generated from the server's OpenAPI
// document by `npm run api:types`; `--check` (run in .ci/run) fails when a route or schema changed
// and the file was not regenerated. openapi-typescript is ESM-only, so the script runs as a child.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const schemaFile = path.join(root, 'client', 'src', 'api', 'schema.d.ts');

function check(file: string) {
  const r = spawnSync(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    ['scripts/api-types.ts', '--check', '--file', file],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'silent' },
    },
  );
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('generated client API types', () => {
  it('when nothing changed on the server, then the checked-in schema.d.ts matches a fresh generation', () => {
    const r = check(schemaFile);
    expect(r.output).toContain('matches');
    expect(r.status).toBe(0);
  }, 60000);

  it('when the file differs from the OpenAPI document (an operation missing), then the check fails', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-api-types-'));
    try {
      const stale = path.join(dir, 'schema.d.ts');
      const text = fs.readFileSync(schemaFile, 'utf8');
      expect(text).toContain("'/waves/{code}/clone'");
      fs.writeFileSync(stale, text.replace("'/waves/{code}/clone'", "'/waves/{code}/copy'"));
      const r = check(stale);
      expect(r.output).toContain('is stale');
      expect(r.status).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60000);
});
