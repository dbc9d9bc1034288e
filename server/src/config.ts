// The only module that reads process.env. Parsed once at start-up; a bad value stops the
// process with a message naming the variable.
import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';

const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
    .optional(),
  MONGODB_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,60}$/, 'letters, digits, _ and - only')
    .default('lsg_barometer'),
  DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  DEMO: boolish.optional(),
  STORE_BIN: z.string().min(1).optional(),
  BCRYPT_COST: z.coerce.number().int().min(10).max(15).optional(),
  REQUEST_DEADLINE_MS: z.coerce.number().int().min(500).max(600_000).default(5000),
  DB_OP_TIMEOUT_MS: z.coerce.number().int().min(10).max(600_000).optional(),
  TALLY_MAINTENANCE_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  TALLY_FULL_PASS_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(7 * 86_400_000)
    .default(3_600_000),
  TALLY_DEFER_MAX: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  RATE_LIMIT_LOGIN_PER_15MIN: z.coerce.number().int().min(0).default(20),
  RATE_LIMIT_TOKEN_LOOKUPS_PER_MIN: z.coerce.number().int().min(0).default(120),
  RATE_LIMIT_SUBMISSIONS_PER_MIN: z.coerce.number().int().min(0).default(120),
  RATE_LIMIT_PER_TOKEN_PER_MIN: z.coerce.number().int().min(0).default(120),
  EXPORT_RETENTION_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 365)
    .default(24),
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  PUBLIC_URL: z.string().optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps:// (e.g. smtps://user:pass@mail.example.org:465)')
    .optional(),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SMTP_USER: z.string().min(1).optional(),
  SMTP_PASSWORD: z.string().min(1).optional(),
  SMTP_SECURE: boolish.optional(),
  MAIL_FROM: z
    .string()
    .regex(/^[^\r\n]+$/, 'one line')
    .default('lsg-barometer <noreply@localhost>'),
  MAIL_RATE_PER_MIN: z.coerce.number().int().min(1).max(100_000).default(120),
  MAIL_RETRIES: z.coerce.number().int().min(0).max(10).default(4),
  MAIL_RETRY_BASE_MS: z.coerce.number().int().min(1).max(3_600_000).default(5000),
  MAIL_CATCHER_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  // Set by the cluster's primary for its workers: the catcher it runs (not for people to set).
  MAIL_CATCHER_URL: z
    .string()
    .regex(/^smtp:\/\/127\.0\.0\.1:\d+$/)
    .optional(),
  TRUST_PROXY: z.string().default('loopback'),
});

/** Express's `trust proxy` value: a hop count, true/false, or a list of addresses, subnets and preset names. */
export type TrustProxy = boolean | number | string[];

const PROXY_PRESETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isAddressOrSubnet(entry: string): boolean {
  if (PROXY_PRESETS.has(entry) || net.isIP(entry)) return true;
  const m = /^(.+)\/(\d{1,3})$/.exec(entry);
  if (!m) return false;
  const kind = net.isIP(m[1]!);
  const bits = Number(m[2]);
  return (kind === 4 && bits <= 32) || (kind === 6 && bits <= 128);
}

/** Parses TRUST_PROXY; returns a message naming the problem instead of a value when it is not valid. */
export function parseTrustProxy(raw: string): TrustProxy | { error: string } {
  const v = raw.trim();
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops <= 10 ? hops : { error: 'a hop count is at most 10' };
  }
  const entries = v
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !isAddressOrSubnet(e));
  if (bad.length) {
    return {
      error: `not an address, subnet or one of loopback/linklocal/uniquelocal: ${bad.join(', ')} (or use a hop count, true or false)`,
    };
  }
  return entries;
}

/** PUBLIC_URL without a trailing slash; http(s) only, no query or fragment. */
export function parsePublicUrl(raw: string): string | { error: string } {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { error: 'not a URL (e.g. https://survey.example.org)' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'must start with http:// or https://' };
  if (url.search || url.hash || url.username || url.password)
    return { error: 'no query, fragment or credentials (e.g. https://survey.example.org)' };
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  mongodbUri: string | undefined;
  dbName: string;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Create an open demo wave on an empty database. Defaults to on outside production. */
  demo: boolean;
  storeBin: string;
  /** bcrypt work factor for passwords (12 by default, 10 in tests to keep them quick). */
  bcryptCost: number;
  /** API requests not answered within this many ms get 503 (never hang while the store is away). */
  requestDeadlineMs: number;
  /**
   * Server-side time limit (maxTimeMS) of every query, count and aggregation; below the request
   * deadline so a slow read fails as "took too long" before the request is abandoned.
   */
  dbOpTimeoutMs: number;
  /** How often the kept tally counters are caught up and pruned (one instance at a time). */
  tallyMaintenanceMs: number;
  /** How often the full catch-up pass over the responses runs (also once at start). */
  tallyFullPassMs: number;
  /**
   * A submission is answered before its kept counts are updated while fewer than this many
   * responses of this process wait to be counted; above it, each waits for its count
   * (backpressure). 0: every submission waits for its count.
   */
  tallyDeferMax: number;
  /** Per client IP; 0 turns a limit off (benchmarks). */
  rateLimits: { loginPer15Min: number; tokenLookupsPerMin: number; submissionsPerMin: number; perTokenPerMin: number };
  /** Files of finished export jobs are removed this long after the job finished. */
  exportRetentionMs: number;
  /** Where officials open their invitation links (links are built from this, never from the request's Host). */
  publicUrl: string;
  /**
   * Outgoing mail. `smtp` is the server to send through (SMTP_URL, or SMTP_HOST and friends);
   * without one, outside production, `npm start` runs the local mail catcher (mail/catcher.ts)
   * on 127.0.0.1:`catcherPort` and sends there; in production without one, mail is off.
   */
  mail: {
    smtp: { url: string } | { host: string; port: number; secure: boolean; user?: string; password?: string } | null;
    catcher: boolean;
    catcherPort: number;
    /** In a worker process: the primary's catcher. */
    catcherUrl: string | undefined;
    /** Where the catcher keeps the mails (under DATA_DIR). */
    catcherDir: string;
    from: string;
    ratePerMin: number;
    retries: number;
    retryBaseMs: number;
  };
  /** Which proxies in front of the app are trusted to say the client's address (X-Forwarded-For). */
  trustProxy: TrustProxy;
  /** App processes serving requests (Node's cluster); 1 runs the app in this process. */
  workers: number;
  rootDir: string;
};

export const ROOT_DIR = path.resolve(__dirname, '..', '..');

export class ConfigError extends Error {}

export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];
  let publicUrl = `http://localhost:${e.PORT}`;
  if (e.PUBLIC_URL !== undefined && e.PUBLIC_URL.trim() !== '') {
    const u = parsePublicUrl(e.PUBLIC_URL);
    if (typeof u === 'string') publicUrl = u;
    else problems.push(`  PUBLIC_URL: ${u.error}`);
  } else if (e.NODE_ENV === 'production') {
    problems.push(
      '  PUBLIC_URL: required when NODE_ENV=production: the address officials open invitation links at, e.g. https://survey.example.org',
    );
  }
  const trustProxy = parseTrustProxy(e.TRUST_PROXY);
  if (typeof trustProxy === 'object' && !Array.isArray(trustProxy)) problems.push(`  TRUST_PROXY: ${trustProxy.error}`);
  if (e.DB_OP_TIMEOUT_MS !== undefined && e.DB_OP_TIMEOUT_MS >= e.REQUEST_DEADLINE_MS)
    problems.push(`  DB_OP_TIMEOUT_MS: must be lower than REQUEST_DEADLINE_MS (${e.REQUEST_DEADLINE_MS})`);
  let smtp: Config['mail']['smtp'] = null;
  if (e.SMTP_URL) smtp = { url: e.SMTP_URL };
  else if (e.SMTP_HOST) {
    const secure = e.SMTP_SECURE ?? e.SMTP_PORT === 465;
    smtp = { host: e.SMTP_HOST, port: e.SMTP_PORT ?? (secure ? 465 : 587), secure };
    if (e.SMTP_USER) smtp = { ...smtp, user: e.SMTP_USER, password: e.SMTP_PASSWORD };
  }
  if (problems.length) throw new ConfigError(`Invalid environment:\n${problems.join('\n')}`);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    mongodbUri: e.MONGODB_URI,
    dbName: e.MONGODB_DB,
    dataDir: path.resolve(ROOT_DIR, e.DATA_DIR),
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'silent' : 'info'),
    demo: e.DEMO ?? e.NODE_ENV !== 'production',
    storeBin: e.STORE_BIN ? path.resolve(e.STORE_BIN) : path.join(ROOT_DIR, '.cache', 'store-bin', 'lsg-store'),
    rootDir: ROOT_DIR,
    workers: e.WORKERS,
    bcryptCost: e.BCRYPT_COST ?? (e.NODE_ENV === 'test' ? 10 : 12),
    requestDeadlineMs: e.REQUEST_DEADLINE_MS,
    exportRetentionMs: Math.round(e.EXPORT_RETENTION_HOURS * 3_600_000),
    dbOpTimeoutMs: e.DB_OP_TIMEOUT_MS ?? Math.min(4000, Math.floor(e.REQUEST_DEADLINE_MS * 0.8)),
    tallyMaintenanceMs: e.TALLY_MAINTENANCE_MS,
    tallyFullPassMs: e.TALLY_FULL_PASS_MS,
    tallyDeferMax: e.TALLY_DEFER_MAX,
    rateLimits: {
      loginPer15Min: e.RATE_LIMIT_LOGIN_PER_15MIN,
      tokenLookupsPerMin: e.RATE_LIMIT_TOKEN_LOOKUPS_PER_MIN,
      submissionsPerMin: e.RATE_LIMIT_SUBMISSIONS_PER_MIN,
      perTokenPerMin: e.RATE_LIMIT_PER_TOKEN_PER_MIN,
    },
    publicUrl,
    mail: {
      smtp,
      catcher: !smtp && e.NODE_ENV !== 'production',
      catcherPort: e.MAIL_CATCHER_PORT,
      catcherUrl: e.MAIL_CATCHER_URL,
      catcherDir: path.join(path.resolve(ROOT_DIR, e.DATA_DIR), 'mail-catcher'),
      from: e.MAIL_FROM,
      ratePerMin: e.MAIL_RATE_PER_MIN,
      retries: e.MAIL_RETRIES,
      retryBaseMs: e.MAIL_RETRY_BASE_MS,
    },
    trustProxy: trustProxy as TrustProxy,
  };
}

let cached: Config | undefined;
/** The process-wide configuration (parsed on first use). */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
