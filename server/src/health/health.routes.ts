// GET /api/health   public: status and the store the app talks to (503 when the store is away or
//                   does not answer within PROBE_TIMEOUT_MS)
import mongoose from 'mongoose';
import { z } from 'zod';
import type { Api } from '../http/route';
import { storeVersion } from '../db/connection';
import { AppError, ServiceUnavailableError } from '../http/errors';
import { STORE_TIMEOUT_DETAIL } from '../http/problem';

export function healthRoutes(api: Api, store: { kind: 'embedded' | 'external' }): void {
  api.route({
    method: 'get',
    path: '/health',
    summary: 'Health and store information',
    access: 'public',
    tags: ['health'],
    responses: {
      200: {
        description: 'Healthy',
        schema: z.object({
          status: z.literal('ok'),
          store: z.object({
            kind: z.enum(['embedded', 'external']),
            version: z.string(),
            ferretdb: z.string().optional(),
          }),
          uptimeSeconds: z.number(),
        }),
      },
    },
    handler: async () => {
      if (mongoose.connection.readyState !== 1) throw new ServiceUnavailableError('The database is not connected.');
      const v = await probeStore();
      return { status: 'ok' as const, store: { kind: store.kind, ...v }, uptimeSeconds: Math.round(process.uptime()) };
    },
  });
}

/** A store answer younger than this is reused: many probes at once ask the store once. */
export const PROBE_FRESH_MS = 250;
/** A probe the store has not answered by then is answered 503 "took too long". */
export const PROBE_TIMEOUT_MS = 2_000;

let lastProbe: { at: number; value: Awaited<ReturnType<typeof storeVersion>> } | undefined;
let probing: Promise<Awaited<ReturnType<typeof storeVersion>>> | undefined;

/**
 * The store's buildInfo, cheap and bounded: one round trip at a time on the main pool (never on
 * the long-read pool, db/long-reads.ts), shared by the probes that arrive meanwhile, reused for
 * PROBE_FRESH_MS, and given up after PROBE_TIMEOUT_MS (the round trip itself goes on and is
 * shared by the next probes, so a slow store is not asked again and again). Only answers are
 * kept: a store that fails is asked again by the next probe.
 */
function probeStore(): Promise<Awaited<ReturnType<typeof storeVersion>>> {
  if (lastProbe && performance.now() - lastProbe.at < PROBE_FRESH_MS) return Promise.resolve(lastProbe.value);
  probing ??= storeVersion()
    .then((value) => {
      lastProbe = { at: performance.now(), value };
      return value;
    })
    .finally(() => {
      probing = undefined;
    });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new AppError(503, 'Service Unavailable', 'store_timeout', STORE_TIMEOUT_DETAIL)),
      PROBE_TIMEOUT_MS,
    );
    timer.unref();
  });
  return Promise.race([probing, timeout]).finally(() => clearTimeout(timer));
}
