// GET /api/health   public: status and the store the app talks to (503 when the store is away)
import mongoose from 'mongoose';
import { z } from 'zod';
import type { Api } from '../http/route';
import { storeVersion } from '../db/connection';
import { ServiceUnavailableError } from '../http/errors';

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
      const v = await storeVersion();
      return { status: 'ok' as const, store: { kind: store.kind, ...v }, uptimeSeconds: Math.round(process.uptime()) };
    },
  });
}
