// `npm run lint:openapi`: builds the app (no database is touched: createApp does no I/O), takes
// the OpenAPI document it serves at /api/openapi.json, writes it to a temporary file and lints it
// with Redocly CLI's recommended rules. Exits non-zero on any error or warning.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';

type Report = {
  version: string;
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer?: string }[] }[];
};

async function main(): Promise<number> {
  process.env.LOG_LEVEL ??= 'silent';
  const { createApp } = await import('../server/src/app');
  const app = createApp({ store: { kind: 'external' } });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  let doc: unknown;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/openapi.json`);
    if (!res.ok) throw new Error(`GET /api/openapi.json answered ${res.status}`);
    doc = await res.json();
  } finally {
    server.close();
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-openapi-'));
  const file = path.join(dir, 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  try {
    const bin = path.join(__dirname, '..', 'node_modules', '.bin', 'redocly');
    const r = spawnSync(bin, ['lint', '--extends', 'recommended', '--format', 'json', '--max-problems', '1000', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    });
    let report: Report;
    try {
      report = JSON.parse(r.stdout) as Report;
    } catch {
      process.stderr.write(`${r.stdout}${r.stderr}`);
      return 1;
    }
    for (const p of report.problems)
      console.log(`${p.severity.padEnd(7)} ${p.ruleId}  ${p.location[0]?.pointer ?? ''}  ${p.message}`);
    const { errors, warnings, ignored } = report.totals;
    console.log(
      `redocly lint (recommended, Redocly CLI ${report.version}): ${errors} errors, ${warnings} warnings, ${ignored} ignored`,
    );
    // Redocly exits 0 on warnings; the project wants none.
    return errors === 0 && warnings === 0 ? 0 : 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
