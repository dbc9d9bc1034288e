// Start: config → connect (MONGODB_URI or the embedded store) → prepare → listen → graceful shutdown.
// With WORKERS > 1 this process is the cluster's primary: it starts (or connects to) the store,
// prepares the database once, and forks the workers, which join the same store and share the port.
// Sessions, rate limits, kept counts and jobs live in the database, so any worker may answer any
// request; the wave cache of each worker expires within 2 s (waves/wave-cache.ts).
import cluster from 'node:cluster';
import http from 'node:http';
import path from 'node:path';
import { config, ConfigError } from './config';
import { logger } from './logger';
import { openDatabase } from './db/connection';
import { prepareDatabase } from './bootstrap';
import { createApp } from './app';
import { listWaves } from './waves/waves.service';
import { flushRateLimits, sweepRateLimits } from './http/rate-limit';
import { sweepLoginThrottles } from './auth/login-throttle';
import { countUsers, sweepExpiredSessions, upsertUser } from './auth/auth.service';
import { randomBytes } from 'node:crypto';
import { startJobRunner } from './jobs/jobs.runner';
import { startOutboxSweep } from './audit/outbox';
import { drainTally, startTallyMaintenance } from './analytics/counters.service';
import { warmCubes } from './analytics/cube.service';
import { folderMailbox, startMailCatcher, type MailCatcher } from './mail/catcher';
import { createMailer } from './mail/mailer';
import type { MailDeps } from './mail/mail.routes';

type Config = ReturnType<typeof config>;
type Say = (msg: string) => void;

/**
 * Outgoing mail: the configured SMTP server; or, without one outside production, the local
 * catcher (started here by the first process, joined by cluster workers); or none.
 */
async function setUpMail(cfg: Config): Promise<{ deps: MailDeps; catcher?: MailCatcher }> {
  const m = cfg.mail;
  const mailer = (smtp: NonNullable<Config['mail']['smtp']>) =>
    createMailer({ smtp, from: m.from, ratePerMin: m.ratePerMin, retries: m.retries, retryBaseMs: m.retryBaseMs });
  if (m.smtp) return { deps: { transport: 'smtp', mailer: mailer(m.smtp) } };
  if (!m.catcher) return { deps: { transport: 'off' } };
  if (m.catcherUrl) {
    return {
      deps: { transport: 'catcher', mailer: mailer({ url: m.catcherUrl }), mailbox: folderMailbox(m.catcherDir) },
    };
  }
  const catcher = await startMailCatcher({ port: m.catcherPort, dir: m.catcherDir });
  return {
    deps: { transport: 'catcher', mailer: mailer({ url: catcher.url }), mailbox: folderMailbox(m.catcherDir) },
    catcher,
  };
}

/** The address lines, and the demo admin on an empty demo database. */
async function printBanner(cfg: Config, say: Say, base: string, storeKind: string, started: number, workers = 1) {
  const waves = await listWaves();
  say('');
  say(
    `lsg-barometer is up in ${((Date.now() - started) / 1000).toFixed(1)} s (store: ${storeKind === 'embedded' ? `embedded FerretDB, data in ${cfg.dataDir}` : 'MONGODB_URI'}${workers > 1 ? `; ${workers} worker processes` : ''})`,
  );
  say(`  App:        ${base}/`);
  for (const w of waves.filter((w) => w.status === 'open').slice(0, 3)) {
    say(`  Answer:     ${base}/w/${w.code}`);
    say(`  Results:    ${base}/w/${w.code}/results`);
  }
  say(`  API docs:   ${base}/api/openapi.json`);
  say(`  Health:     ${base}/api/health`);
  if (cfg.mail.smtp) say('  Mail:       sent through the configured SMTP server');
  else if (cfg.mail.catcher)
    say(`  Mail inbox: ${base}/dev/mail   (local catcher: no mail leaves this machine; set SMTP_URL to send)`);
  else say('  Mail:       off (set SMTP_URL to send invitations by e-mail)');
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
}

/** WORKERS > 1: the primary keeps the store and the workers; a worker that dies is replaced. */
async function runPrimary(cfg: Config, say: Say): Promise<void> {
  const started = Date.now();
  const db = await openDatabase(cfg, say);
  await prepareDatabase({ rootDir: cfg.rootDir, demo: cfg.demo });
  cluster.setupPrimary({ exec: __filename });
  let stopping = false;
  const mail = await setUpMail(cfg);
  const fork = () => cluster.fork(mail.catcher ? { MAIL_CATCHER_URL: mail.catcher.url } : {});
  const first = new Promise<number>((resolve) =>
    cluster.once('listening', (_w, address) => resolve((address as { port: number }).port)),
  );
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.warn({ pid: worker.process.pid, code, signal }, 'worker exited; starting another');
    fork();
  });
  for (let i = 0; i < cfg.workers; i++) fork();
  const port = await first;
  await printBanner(cfg, say, `http://localhost:${port}`, db.store.kind, started, cfg.workers);

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down the workers');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            w.once('exit', () => resolve());
            w.process.kill('SIGTERM');
          }),
      ),
    );
    await mail.catcher?.close();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

export async function main(): Promise<void> {
  const cfg = config();
  const say = (msg: string) => process.stdout.write(`${msg}\n`);
  if (cfg.workers > 1 && cluster.isPrimary) return runPrimary(cfg, say);
  const worker = cluster.isWorker;
  const started = Date.now();
  // A worker joins the store its primary started (or MONGODB_URI); the primary prepared the database.
  const db = await openDatabase(cfg, worker ? () => {} : say);
  if (!worker) await prepareDatabase({ rootDir: cfg.rootDir, demo: cfg.demo });
  const mail = await setUpMail(cfg);
  const app = createApp({
    mail: mail.deps,
    store: db.store,
    clientDir: path.join(cfg.rootDir, 'dist', 'client'),
    production: cfg.env === 'production',
  });
  const server = http.createServer(app);
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  await new Promise<void>((resolve) => server.listen(cfg.port, cfg.host, resolve));
  if (!worker) {
    const port = (server.address() as { port: number }).port;
    await printBanner(cfg, say, `http://localhost:${port}`, db.store.kind, started);
  }

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
  // Audit records whose move to the audit log failed get there within a minute (audit/outbox.ts).
  const stopOutboxSweep = startOutboxSweep();
  // Exports and recounts run here, outside any request; any instance may take any job.
  const jobs = startJobRunner({ retentionMs: cfg.exportRetentionMs, mailer: mail.deps.mailer });

  // Each instance holds the waves' cubes in memory: load them now rather than on a first read.
  const warmStart = Date.now();
  const cubesWarm = warmCubes()
    .then((waves) => logger.info({ waves, ms: Date.now() - warmStart }, 'cubes loaded'))
    .catch((err: unknown) =>
      logger.warn({ err: (err as Error).name }, 'cubes not loaded at start; the first reads will'),
    );
  // Kept tally counts heal themselves: responses whose counter update failed are counted, and
  // the counters' `recent` guard lists are pruned (one instance at a time, see counters.service.ts).
  // The first pass (a full catch-up: on the embedded store a read of every response) starts once
  // the cubes are loaded, so that the researchers' first reads after a start do not wait behind it.
  const stopTallyMaintenance = startTallyMaintenance(cfg.tallyMaintenanceMs, cubesWarm, cfg.tallyFullPassMs);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    clearInterval(sweeper);
    stopOutboxSweep();
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    await jobs.stop(); // a running job is given back to the queue for another instance
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await stopTallyMaintenance();
    await drainTally(5000); // the answers already given have their counts written
    await flushRateLimits(); // and the limiters their last hits
    mail.deps.mailer?.close();
    await mail.catcher?.close();
    await db.close();
    process.exit(0);
  };
  // Ctrl+C reaches every process of the group: a worker waits for its primary's SIGTERM instead.
  if (worker) process.on('SIGINT', () => {});
  else process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`lsg-barometer failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
