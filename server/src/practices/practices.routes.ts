// GET    /api/practices                         public: published practices, filters and full-text search
// GET    /api/practices/vocabulary              public: fields and forms of cooperation (codes, ru/en/uk names)
// GET    /api/practices/suggestions             public: up to five published practices for some obstacle codes (nothing stored)
// GET    /api/practices/by-obstacle             public: per obstacle, how many published practices and the nearest three
// GET    /api/practices/coverage                any staff user: obstacles × practices with the gap list (JSON, CSV, XLSX)
// GET    /api/practices/public/{id}             public: one published practice
// GET    /api/practices/manage                  editor: every practice (drafts too)
// POST   /api/practices/manage                  editor: create
// GET    /api/practices/manage/export           editor: export CSV/XLSX/JSON
// POST   /api/practices/manage/import           editor: import CSV/XLSX (every row valid, or 422 by line and column; nothing imported)
// GET    /api/practices/manage/calls            editor: the practice-call waves
// POST   /api/practices/manage/calls/{code}/drafts  editor: make draft practices of a practice call's completed answers
// GET    /api/practices/manage/{id}             editor: one practice with review scores and history
// PUT    /api/practices/manage/{id}             editor: change the fields and/or the jury review (version-checked)
// POST   /api/practices/manage/{id}/publish     editor: publish
// POST   /api/practices/manage/{id}/unpublish   editor: back to draft
// DELETE /api/practices/manage/{id}             editor: delete a draft
// Editors are users with the editor role, coordinators and admins (auth/roles.ts).
import { z } from 'zod';
import type { Api } from '../http/route';
import { CSV_OR_XLSX } from '../http/route';
import { LocalizedText } from '../http/shared-schemas';
import { ValidationError } from '../http/errors';
import { practicesCsv, practicesXlsx, parsePracticesCsv, parsePracticesXlsx, tableCsv, tableXlsx } from './practice-io';
import {
  BrowseOut,
  BrowseQuery,
  CoverageOut,
  PracticesExportOut,
  CoverageQuery,
  CreatePracticeBody,
  EditorListQuery,
  ExportQuery,
  FromWaveParams,
  ImportBody,
  ObstacleLinksOut,
  ObstacleLinksQuery,
  PracticeEditorOut,
  PracticeOut,
  PracticeParams,
  PracticeSummaryOut,
  StatusBody,
  SuggestionsQuery,
  UpdatePracticeBody,
  VocabularyOut,
} from './practices.schema';
import * as svc from './practices.service';
import { practiceFields, practiceForms } from './vocabulary';

const tags = ['practices'];

export function practicesRoutes(api: Api): void {
  // ---- public ----
  api.route({
    method: 'get',
    path: '/practices',
    summary:
      'Published practices, filtered by obstacle, field, country, region, municipality type, size; full-text search',
    access: 'public',
    tags,
    query: BrowseQuery,
    responses: { 200: { description: 'A page of published practices', schema: BrowseOut } },
    handler: ({ query }) => svc.browsePractices(query),
  });

  api.route({
    method: 'get',
    path: '/practices/vocabulary',
    summary: 'Fields and forms of cooperation',
    access: 'public',
    tags,
    responses: { 200: { description: 'Vocabularies', schema: VocabularyOut } },
    handler: () => ({ fields: practiceFields, forms: practiceForms }),
  });

  api.route({
    method: 'get',
    path: '/practices/suggestions',
    summary: 'Up to five published practices that addressed the given obstacles (nothing is stored)',
    access: 'public',
    tags,
    query: SuggestionsQuery,
    responses: {
      200: {
        description: 'Suggested practices',
        schema: z.object({
          items: z.array(z.object({ id: z.string(), title: z.string(), obstacles: z.array(z.string()) })),
        }),
      },
    },
    handler: ({ query }, _req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      return svc.suggestPractices(query.obstacles);
    },
  });

  api.route({
    method: 'get',
    path: '/practices/by-obstacle',
    summary: 'Per obstacle: the number of published practices and the nearest three (region, country, type)',
    access: 'public',
    tags,
    query: ObstacleLinksQuery,
    responses: { 200: { description: 'Links from obstacles to practices', schema: ObstacleLinksOut } },
    handler: ({ query }) => svc.obstacleLinks(query),
  });

  api.route({
    method: 'get',
    path: '/practices/coverage',
    summary: 'Obstacles × practices: how often each obstacle is named and how many practices address it; the gaps',
    access: 'user',
    tags,
    query: CoverageQuery,
    responses: {
      200: {
        description: 'Coverage (JSON), or the same table as CSV or XLSX',
        content: { 'application/json': CoverageOut, ...CSV_OR_XLSX },
      },
    },
    handler: async ({ query }, _req, res) => {
      const result = await svc.coverage(query.wave);
      if (query.format === 'json') return result;
      const rows: (string | number)[][] = [
        ['obstacle', 'label_ru', 'label_en', 'named', 'share', 'published_practices', 'draft_practices', 'gap'],
        ...result.rows.map((r) => [
          r.obstacle,
          r.labels.ru,
          r.labels.en,
          r.suppressed ? '[c]' : (r.named ?? ''),
          r.share === null ? '' : Math.round(r.share * 1000) / 1000,
          r.published,
          r.drafts,
          r.gap ? 'yes' : 'no',
        ]),
      ];
      const name = `practice-coverage${result.wave ? `-${result.wave.code}` : ''}`;
      res.setHeader('Cache-Control', 'no-store');
      if (query.format === 'csv') {
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
        res.send(tableCsv(rows));
        return;
      }
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename="${name}.xlsx"`);
      res.send(await tableXlsx(rows, 'coverage'));
    },
  });

  api.route({
    method: 'get',
    path: '/practices/public/{id}',
    summary: 'One published practice',
    access: 'public',
    tags,
    params: PracticeParams,
    responses: { 200: { description: 'The practice', schema: PracticeOut } },
    handler: async ({ params }) => svc.publicView(await svc.getPublishedPractice(params.id)),
  });

  // ---- editors ----
  api.route({
    method: 'get',
    path: '/practices/manage',
    summary: 'Every practice, drafts too',
    access: 'editor',
    tags,
    query: EditorListQuery,
    responses: { 200: { description: 'Practices', schema: z.object({ items: z.array(PracticeSummaryOut) }) } },
    handler: async ({ query }, _req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      return { items: await svc.listPracticesForEditors(query) };
    },
  });

  api.route({
    method: 'post',
    path: '/practices/manage',
    summary: 'Create a practice',
    access: 'editor',
    tags,
    body: CreatePracticeBody,
    responses: { 201: { description: 'Created', schema: PracticeEditorOut } },
    handler: async ({ body, user }, _req, res) => {
      const doc = await svc.createPractice(body.practice, body.status ?? 'draft', user!.email);
      res.status(201);
      return svc.editorView(doc);
    },
  });

  api.route({
    method: 'get',
    path: '/practices/manage/export',
    summary: 'Export practices as CSV, XLSX or JSON',
    access: 'editor',
    tags,
    query: ExportQuery,
    responses: {
      200: {
        description: 'The practices as CSV, XLSX or JSON',
        content: { 'application/json': PracticesExportOut, ...CSV_OR_XLSX },
      },
    },
    handler: async ({ query, user }, _req, res) => {
      const list = await svc.practicesForExport(query.status, { actor: user!.email, format: query.format });
      res.setHeader('Cache-Control', 'no-store');
      const file = `practices.${query.format}`;
      res.setHeader('Content-Disposition', `attachment; filename="${file}"`);
      if (query.format === 'json') {
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.send(JSON.stringify({ items: list }, null, 2));
      } else if (query.format === 'csv') {
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.send(practicesCsv(list));
      } else {
        res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        res.send(await practicesXlsx(list));
      }
    },
  });

  api.route({
    method: 'post',
    path: '/practices/manage/import',
    summary: 'Import practices from CSV or XLSX (one practice a row; obstacle codes separated by ;)',
    access: 'editor',
    tags,
    body: ImportBody,
    responses: {
      201: { description: 'Imported', schema: z.object({ imported: z.number(), ids: z.array(z.string()) }) },
      422: { description: 'Bad rows: invalid_params names each by line and column with the value; nothing imported' },
    },
    handler: async ({ body, user }, _req, res) => {
      const parsed =
        body.format === 'csv'
          ? parsePracticesCsv(body.data)
          : await parsePracticesXlsx(Buffer.from(body.data, 'base64'));
      if (parsed.problems.length) {
        throw new ValidationError(
          `${parsed.problems.length} problem(s) in the file; nothing was imported.`,
          parsed.problems.slice(0, 500),
          'import_invalid',
        );
      }
      const ids = await svc.importPractices(parsed.rows, body.status, user!.email, body.format);
      res.status(201);
      return { imported: ids.length, ids };
    },
  });

  api.route({
    method: 'get',
    path: '/practices/manage/calls',
    summary: 'Practice-call waves (their questionnaire is imc-practices)',
    access: 'editor',
    tags,
    responses: {
      200: {
        description: 'Waves',
        schema: z.object({
          items: z.array(
            z.object({
              code: z.string(),
              title: LocalizedText,
              status: z.string(),
            }),
          ),
        }),
      },
    },
    handler: async () => ({ items: await svc.practiceCallWaves() }),
  });

  api.route({
    method: 'post',
    path: '/practices/manage/calls/{code}/drafts',
    summary: "Make draft practices of a practice call's completed answers (idempotent)",
    access: 'editor',
    tags,
    params: FromWaveParams,
    responses: {
      200: { description: 'Drafts made', schema: z.object({ created: z.number(), existing: z.number() }) },
      422: { description: 'The wave is not a practice call' },
    },
    handler: async ({ params, user }) => {
      return svc.draftsFromWave(params.code, user!.email);
    },
  });

  api.route({
    method: 'get',
    path: '/practices/manage/{id}',
    summary: 'One practice with its review and history',
    access: 'editor',
    tags,
    params: PracticeParams,
    responses: { 200: { description: 'The practice', schema: PracticeEditorOut } },
    handler: async ({ params }, _req, res) => {
      res.setHeader('Cache-Control', 'no-store');
      return svc.editorView(await svc.getPracticeForEditor(params.id));
    },
  });

  api.route({
    method: 'put',
    path: '/practices/manage/{id}',
    summary: 'Change a practice and/or its jury review (send the version you edited)',
    access: 'editor',
    tags,
    params: PracticeParams,
    body: UpdatePracticeBody,
    responses: {
      200: { description: 'Changed', schema: PracticeEditorOut },
      409: { description: 'Changed by someone else since that version' },
    },
    handler: async ({ params, body, user }) => {
      return svc.editorView(await svc.updatePractice(params.id, body, user!.email));
    },
  });

  for (const [action, status] of [
    ['publish', 'published'],
    ['unpublish', 'draft'],
  ] as const) {
    api.route({
      method: 'post',
      path: `/practices/manage/{id}/${action}`,
      summary: action === 'publish' ? 'Publish a practice' : 'Take a practice back to draft',
      access: 'editor',
      tags,
      params: PracticeParams,
      body: StatusBody,
      responses: {
        200: { description: 'Done', schema: PracticeEditorOut },
        409: { description: 'Changed by someone else since that version' },
      },
      handler: async ({ params, body, user }) => {
        return svc.editorView(await svc.setPracticeStatus(params.id, body.version, status, user!.email));
      },
    });
  }

  api.route({
    method: 'delete',
    path: '/practices/manage/{id}',
    summary: 'Delete a draft practice',
    access: 'editor',
    tags,
    params: PracticeParams,
    responses: { 204: { description: 'Deleted' }, 409: { description: 'Published practices cannot be deleted' } },
    handler: async ({ params, user }, _req, res) => {
      await svc.deletePractice(params.id, user!.email);
      res.status(204).end();
    },
  });
}
