// `npm run tally -- verify|rebuild|catch-up [--wave CODE]`: maintenance of the kept tally counts.
//   verify    compares the kept counts with a recount from the raw responses (exit 1 when they differ)
//   rebuild   recounts from the raw responses and sets the kept counts (run when the wave is quiet)
//   catch-up  applies responses stored but not yet counted (after a crash); safe to run any time
import { parseArgs } from 'node:util';
import { config } from '../server/src/config';
import { openDatabase } from '../server/src/db/connection';
import { listWaves } from '../server/src/waves/waves.service';
import { catchUp, rebuildCounters, verifyCounters } from '../server/src/analytics/counters.service';

async function run(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { wave: { type: 'string' } }, allowPositionals: true });
  const command = positionals[0];
  if (!['verify', 'rebuild', 'catch-up'].includes(command ?? ''))
    throw new Error('usage: npm run tally -- verify|rebuild|catch-up [--wave CODE]');
  const cfg = config();
  const db = await openDatabase(cfg, (m) => process.stdout.write(`${m}\n`));
  let failed = false;
  try {
    const waves = values.wave ? [values.wave] : (await listWaves()).map((w) => w.code);
    if (command === 'catch-up') {
      process.stdout.write(`applied ${await catchUp({ wave: values.wave, graceMs: 0 })} response(s)\n`);
    }
    for (const wave of command === 'catch-up' ? [] : waves) {
      if (command === 'verify') {
        const v = await verifyCounters(wave);
        failed ||= !v.ok;
        process.stdout.write(
          `${wave}: ${v.ok ? 'kept counts equal a recount' : `differ in ${v.regions.join(', ')}`}\n`,
        );
      } else {
        const r = await rebuildCounters(wave);
        process.stdout.write(`${wave}: rebuilt ${r.regions} region(s) from ${r.responses} response(s)\n`);
      }
    }
  } finally {
    await db.close();
  }
  if (failed) process.exitCode = 1;
}

run().catch((err: unknown) => {
  process.stderr.write(`tally failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
