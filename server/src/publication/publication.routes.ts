// GET    /api/waves/{code}/publication          coordinator: whether and how the wave's results are published
// PUT    /api/waves/{code}/publication          coordinator: publish (or change the public k); audited
// DELETE /api/waves/{code}/publication          coordinator: unpublish; audited
// GET    /api/public/results/{code}             anyone: the published aggregates (cached snapshot, "data as of")
// GET    /api/public/results/{code}/trends      anyone: a question across the published waves of the questionnaire
import type { Api } from '../http/route';
import { TrendsSchema } from '../trends/trends.schema';
import {
  PublicationParams,
  PublicationSchema,
  PublicResultsSchema,
  PublicTrendsQuery,
  PublishBody,
} from './publication.schema';
import { getPublication, publicResults, publicTrends, publishWave, unpublishWave } from './publication.service';

export function publicationRoutes(api: Api): void {
  const tags = ['publication'];
  api.route({
    method: 'get',
    path: '/waves/{code}/publication',
    summary: "Whether the wave's results are published, with the public k and the data's date",
    access: 'coordinator',
    tags,
    params: PublicationParams,
    responses: { 200: { description: 'Publication', schema: PublicationSchema } },
    handler: ({ params }) => getPublication(params.code),
  });
  api.route({
    method: 'put',
    path: '/waves/{code}/publication',
    summary: "Publish the wave's aggregate results at /p/{code} (or change the public k)",
    access: 'coordinator',
    tags,
    params: PublicationParams,
    body: PublishBody,
    responses: { 200: { description: 'Publication', schema: PublicationSchema } },
    handler: ({ params, body, user }) => publishWave(params.code, body.k, user!.email),
  });
  api.route({
    method: 'delete',
    path: '/waves/{code}/publication',
    summary: 'Unpublish the wave’s results',
    access: 'coordinator',
    tags,
    params: PublicationParams,
    responses: { 200: { description: 'Publication', schema: PublicationSchema } },
    handler: ({ params, user }) => unpublishWave(params.code, user!.email),
  });
  api.route({
    method: 'get',
    path: '/public/results/{code}',
    summary: 'Published aggregate results of a wave (no account)',
    access: 'public',
    tags,
    params: PublicationParams,
    responses: { 200: { description: 'Public results', schema: PublicResultsSchema } },
    handler: async ({ params }, _req, res) => {
      const body = await publicResults(params.code);
      res.setHeader('Cache-Control', 'no-cache');
      return body;
    },
  });
  api.route({
    method: 'get',
    path: '/public/results/{code}/trends',
    summary: 'A question across the published waves of the same questionnaire (no account)',
    access: 'public',
    tags,
    params: PublicationParams,
    query: PublicTrendsQuery,
    responses: { 200: { description: 'Trend series', schema: TrendsSchema } },
    handler: ({ params, query }) => publicTrends(params.code, query.question, query),
  });
}
