// GET /api/reference/regions             public: regions with ru/en/uk names, optionally by country
// GET /api/reference/municipality-types  public: municipality types
// GET /api/reference/size-classes        public: city size classes
// GET /api/reference/respondent-roles    public: respondent roles
// GET /api/reference/obstacles           public: obstacle codes and labels
import { z } from 'zod';
import type { Api } from '../http/route';
import { NamedCodeSchema, ObstacleSchema, RegionSchema, SizeClassSchema } from '../http/shared-schemas';
import * as reference from './reference.service';

export function referenceRoutes(api: Api): void {
  api.route({
    method: 'get',
    path: '/reference/regions',
    summary: 'Regions (ISO 3166-2 codes) with names in ru/en/uk',
    access: 'public',
    tags: ['reference'],
    query: z.object({ country: z.enum(['RU', 'UA']).optional() }).strict(),
    responses: {
      200: {
        description: 'Regions',
        schema: z.object({ items: z.array(RegionSchema) }),
      },
    },
    handler: ({ query }) => ({
      items: reference.regions.filter((r) => !query.country || r.country === query.country),
    }),
  });
  const simple = [
    ['municipality-types', 'Municipality types', NamedCodeSchema, () => reference.municipalityTypes],
    ['size-classes', 'City size classes', SizeClassSchema, () => reference.sizeClasses],
    ['respondent-roles', 'Respondent roles', NamedCodeSchema, () => reference.respondentRoles],
    ['obstacles', 'Obstacles to inter-municipal cooperation', ObstacleSchema, () => reference.obstacles],
  ] as const;
  for (const [path, summary, schema, items] of simple) {
    api.route({
      method: 'get',
      path: `/reference/${path}`,
      summary,
      access: 'public',
      tags: ['reference'],
      responses: {
        200: { description: summary, schema: z.object({ items: z.array(schema) }) },
      },
      handler: () => ({ items: items() }),
    });
  }
}
