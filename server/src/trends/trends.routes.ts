// GET /api/trends              researcher: one question across 2–12 waves, per region and overall, with 95% intervals
// GET /api/trends.csv          researcher: the same in long format (wave, region, question, value, n, share, low, high)
// GET /api/trends.xlsx         researcher: the same as an XLSX workbook
// GET /api/trends/questions    researcher: the questions of a series of waves, matched by name
import { pipeline } from 'node:stream/promises';
import type { Api } from '../http/route';
import type { AuthUser } from '../auth/roles';
import { binarySchema } from '../http/route';
import { attachment } from '../http/download';
import { waveCatalogue } from '../analytics/catalogue';
import { filtersOf } from '../analytics/filters';
import { sheetCsv, sheetsXlsx } from '../exports/tables';
import { trendSeries, type Trends } from './trends.service';
import { trendSheet } from './trends.export';
import {
  TrendQuestionsQuery,
  TrendQuestionsSchema,
  TrendsDownloadQuery,
  TrendsQuery,
  TrendsSchema,
} from './trends.schema';

export function trendsRoutes(api: Api): void {
  const tags = ['analytics'];
  const series = (query: TrendsQuery, user: AuthUser | undefined): Promise<Trends> =>
    trendSeries(query.waves, query.question, {
      measure: query.measure,
      value: query.value,
      filters: filtersOf(query),
      k: query.k,
      user,
    });

  api.route({
    method: 'get',
    path: '/trends',
    summary: 'One question across a series of waves: share or mean per wave with 95% intervals, per region and overall',
    access: 'researcher',
    tags,
    query: TrendsQuery,
    responses: { 200: { description: 'Trend series', schema: TrendsSchema } },
    handler: ({ query, user }) => series(query, user),
  });

  api.route({
    method: 'get',
    path: '/trends/questions',
    summary: 'The questions of a series of waves, matched by name, with the waves that have each',
    access: 'researcher',
    tags,
    query: TrendQuestionsQuery,
    responses: { 200: { description: 'Questions', schema: TrendQuestionsSchema } },
    handler: async ({ query }) => {
      const cats = await Promise.all(query.waves.map((w) => waveCatalogue(w)));
      const items = new Map<
        string,
        { name: string; title: Trends['question']['title']; kind: string; waves: string[] }
      >();
      for (const c of [...cats].reverse())
        for (const v of c.variables) {
          if (v.kind === 'text') continue;
          const item = items.get(v.name) ?? { name: v.name, title: v.title, kind: v.kind, waves: [] };
          item.waves.unshift(c.wave.code);
          items.set(v.name, item);
        }
      return { items: [...items.values()] };
    },
  });

  for (const format of ['csv', 'xlsx'] as const)
    api.route({
      method: 'get',
      path: `/trends.${format}`,
      summary: `Trend series in long format as ${format.toUpperCase()}`,
      access: 'researcher',
      tags,
      query: TrendsDownloadQuery,
      responses: {
        200: {
          description: 'Long-format table',
          schema: binarySchema,
          contentType:
            format === 'csv' ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        },
      },
      handler: async ({ query, user }, _req, res) => {
        const t = await series(query, user);
        const sheet = trendSheet(t, query.lng);
        const file = `trends-${t.question.name}.${format}`;
        if (format === 'csv') {
          attachment(res, 'text/csv; charset=utf-8', file);
          await pipeline(sheetCsv(sheet, ','), res);
        } else {
          attachment(res, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', file);
          await sheetsXlsx([sheet], res, query.lng);
        }
        return undefined;
      },
    });
}
