// GET /api/audit             admin: the audit log, newest first (paged by `before`)
// GET /api/audit/export.csv  admin: the audit log as CSV
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import type { Api } from '../http/route';
import { listAudit } from './audit.service';
import { recordEvent } from './outbox';
import { safeCell, UTF8_BOM } from '../exports/csv';

const AuditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    before: z.iso.datetime({ offset: true }).optional(),
    action: z
      .string()
      .regex(/^[a-z_.]{1,40}$/)
      .optional(),
  })
  .strict();

export function auditRoutes(api: Api): void {
  api.route({
    method: 'get',
    path: '/audit',
    summary: 'Audit log',
    access: 'admin',
    tags: ['audit'],
    query: AuditQuery,
    responses: {
      200: {
        description: 'Entries',
        schema: z.object({
          items: z.array(
            z.object({
              id: z.string(),
              at: z.string(),
              actor: z.string(),
              action: z.string(),
              target: z.string(),
              details: z.record(z.string(), z.unknown()),
            }),
          ),
        }),
      },
    },
    handler: async ({ query }) => {
      const items = await listAudit({
        limit: query.limit,
        before: query.before ? new Date(query.before) : undefined,
        action: query.action,
      });
      return { items: items.map((e) => ({ ...e, at: e.at.toISOString() })) };
    },
  });

  api.route({
    method: 'get',
    path: '/audit/export.csv',
    summary: 'Audit log as CSV',
    access: 'admin',
    tags: ['audit'],
    responses: { 200: { description: 'CSV', schema: z.string(), contentType: 'text/csv' } },
    handler: async ({ user }, _req, res) => {
      const items = await listAudit({ limit: 100_000 });
      await recordEvent({ at: new Date(), actor: user!.email, action: 'data.export', target: 'audit', details: {} });
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="audit.csv"');
      res.write(UTF8_BOM);
      const rows = [
        ['at', 'actor', 'action', 'target', 'details'],
        ...items.map((e) => [e.at.toISOString(), e.actor, e.action, e.target, JSON.stringify(e.details)].map(safeCell)),
      ];
      await pipeline(Readable.from(rows), stringify({ delimiter: ';', record_delimiter: 'windows' }), res);
    },
  });
}
