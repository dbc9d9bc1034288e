// Start: config → connect (MONGODB_URI or the embedded store) → prepare → listen → graceful shutdown.
import http from 'node:http';
import path from 'node:path';
import { config, ConfigError } from './config';
import { logger } from './logger';
import { openDatabase } from './db/connection';
import { prepareDatabase } from './bootstrap';
import { createApp } from './app';
import { listWaves } from './waves/waves.service';
import { sweepRateLimits } from './http/rate-limit';
import { sweepLoginThrottles } from './auth/login-throttle';
import { countUsers, sweepExpiredSessions, upsertUser } from './auth/auth.service';
import { randomBytes } from 'node:crypto';
import { startJobRunner } from './jobs/jobs.runner';
import { startTallyMaintenance } from './analytics/counters.service';
import { warmCubes } from './analytics/cube.service';

export async function main(): Promise<void> {
  const cfg = config();
  const say = (msg: string) => process.stdout.write(`${msg}\n`);
  const started = Date.now();
  const db = await openDatabase(cfg, say);
  await prepareDatabase({ rootDir: cfg.rootDir, demo: cfg.demo });
  const app = createApp({
    store: db.store,
    clientDir: path.join(cfg.rootDir, 'dist', 'client'),
    production: cfg.env === 'production',
  });
  const server = http.createServer(app);
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve) => server.listen(cfg.port, cfg.host, resolve));
  const port = (server.address() as { port: number }).port;
  const base = `http://localhost:${port}`;
  const waves = await listWaves();
  say('');
  say(
    `lsg-barometer is up in ${((Date.now() - started) / 1000).toFixed(1)} s (store: ${db.store.kind === 'embedded' ? `embedded FerretDB, data in ${cfg.dataDir}` : 'MONGODB_URI'})`,
  );
  say(`  App:        ${base}/`);
  for (const w of waves.filter((w) => w.status === 'open').slice(0, 3)) {
    say(`  Answer:     ${base}/w/${w.code}`);
    say(`  Results:    ${base}/w/${w.code}/results`);
  }
  say(`  API docs:   ${base}/api/openapi.json`);
  say(`  Health:     ${base}/api/health`);
  if ((await countUsers()) === 0) {
    if (cfg.demo && cfg.env !== 'production') {
      // Demo mode only: an admin to look around with, printed here and nowhere else.
      const password = randomBytes(9).toString('base64url');
      await upsertUser({
        email: 'admin@demo.local',
        password,
        roles: ['admin', 'coordinator', 'researcher'],
        name: 'Demo admin',
      });
      say(`  Demo admin: admin@demo.local / ${password}   (demo mode; never created in production)`);
    } else {
      say('  No users yet. Create the first admin with:');
      say("    npm run create-admin -- --email you@example.org --password 'a long passphrase'");
    }
  }
  say('Press Ctrl+C to stop.');

  // Sessions expire in the app, not by TTL index (the embedded store has none): sweep hourly.
  // Any number of instances may sweep; deleting expired sessions twice is harmless.
  const sweeper = setInterval(
    () => {
      sweepExpiredSessions().catch((err: unknown) => logger.warn({ err }, 'session sweep failed'));
      sweepRateLimits().catch((err: unknown) => logger.warn({ err }, 'rate-limit sweep failed'));
      sweepLoginThrottles().catch((err: unknown) => logger.warn({ err }, 'log-in throttle sweep failed'));
    },
    60 * 60 * 1000,
  );
  sweeper.unref();
  // Exports and recounts run here, outside any request; any instance may take any job.
  const jobs = startJobRunner({ retentionMs: cfg.exportRetentionMs });

  // Kept tally counts heal themselves: responses whose counter update failed are counted, and
  // the counters' `recent` guard lists are pruned (one instance at a time, see counters.service.ts).
  const stopTallyMaintenance = startTallyMaintenance(cfg.tallyMaintenanceMs);
  // Each instance holds the waves' cubes in memory: load them now rather than on a first read.
  void warmCubes().catch((err: unknown) =>
    logger.warn({ err: (err as Error).name }, 'cubes not loaded at start; the first reads will'),
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(sweeper);
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await jobs.stop(); // a running job is given back to the queue for another instance
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stopTallyMaintenance();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`lsg-barometer failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
