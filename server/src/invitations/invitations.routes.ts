// POST /api/waves/{code}/invitations/import        coordinator: add municipalities from CSV or XLSX (all rows valid, or 422 by line and nothing imported)
// GET  /api/waves/{code}/invitations/template      coordinator: the import template (CSV or XLSX columns; XLSX also lists the wave's codes) or the codes as CSV
// GET  /api/waves/{code}/invitations/board         coordinator: response rate per region and every municipality's status and last activity
// GET  /api/waves/{code}/invitations/board/export  coordinator: the board per municipality (status, mails, opt-out) as CSV or XLSX
// POST /api/waves/{code}/invitations/links         coordinator: issue links and download them as CSV/XLSX for mail merge
//                                                  (unissued: new invitations only; all: replaces every open link; selected: the given ids)
// POST /api/waves/{code}/invitations/{id}/revoke   coordinator: the link stops working
// POST /api/waves/{code}/invitations/{id}/reissue  coordinator: a new link (shown once); the old one stops working
import type { Response } from 'express';
import ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { CSV_OR_XLSX, type Api } from '../http/route';
import { safeCell, UTF8_BOM } from '../exports/csv';
import { findRegion } from '../reference/reference.service';
import { WaveParams } from '../responses/responses.schema';
import { getWave } from '../waves/waves.service';
import type { Invitation } from './invitations.service';
import { importInvitations } from './invitation-import.service';
import { issueLinks, reissueInvitation, revokeInvitation, type IssuedLink } from './invitation-links.service';
import { responseBoard } from './invitation-board.service';
import {
  BoardExportQuery,
  BoardOut,
  ImportBody,
  ImportResultOut,
  InvitationOut,
  InvitationParams,
  LinksBody,
  TemplateQuery,
} from './invitations.schema';
import { codesCsv, templateCsv, templateXlsx } from './invitation-template';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function out(i: Invitation) {
  return {
    ...i,
    linkIssuedAt: iso(i.linkIssuedAt),
    revokedAt: iso(i.revokedAt),
    startedAt: iso(i.startedAt),
    lastActivityAt: iso(i.lastActivityAt),
    completedAt: iso(i.completedAt),
    invitedAt: iso(i.invitedAt),
    optedOutAt: iso(i.optedOutAt),
    lastMail: i.lastMail ? { ...i.lastMail, at: i.lastMail.at.toISOString() } : null,
  };
}

const BOARD_HEADINGS = [
  'id',
  'name',
  'region',
  'region_name',
  'email',
  'language',
  'status',
  'invited_at',
  'reminders_sent',
  'last_mail_at',
  'last_mail_kind',
  'last_mail_status',
  'last_mail_error',
  'opted_out_at',
  'last_activity_at',
  'completed_at',
];

function boardRows(invitations: Invitation[], lang: 'ru' | 'uk' | 'en'): (string | number)[][] {
  return invitations.map((i) =>
    [
      i.municipality.id,
      i.municipality.name,
      i.municipality.regionCode,
      findRegion(i.municipality.regionCode)?.names[lang] ?? '',
      i.email,
      i.language ?? '',
      i.status,
      iso(i.invitedAt) ?? '',
      i.remindersSent,
      i.lastMail ? i.lastMail.at.toISOString() : '',
      i.lastMail?.kind ?? '',
      i.lastMail?.status ?? '',
      i.lastMail?.error ?? '',
      iso(i.optedOutAt) ?? '',
      iso(i.lastActivityAt) ?? '',
      iso(i.completedAt) ?? '',
    ].map(safeCell),
  );
}

/** Where respondents open their link: the configured PUBLIC_URL, never the request's Host header. */
function linkFor(publicUrl: string, token: string): string {
  return `${publicUrl}/i/${token}`;
}

const HEADINGS = ['id', 'name', 'region', 'region_name', 'type', 'population', 'email', 'link'];

function linkRows(publicUrl: string, links: IssuedLink[]): (string | number)[][] {
  return links.map(({ invitation: i, token }) =>
    [
      i.municipality.id,
      i.municipality.name,
      i.municipality.regionCode,
      findRegion(i.municipality.regionCode)?.names.ru ?? '',
      i.municipality.type,
      i.municipality.population ?? '',
      i.email,
      linkFor(publicUrl, token),
    ].map(safeCell),
  );
}

async function sendLinks(publicUrl: string, res: Response, wave: string, format: 'csv' | 'xlsx', links: IssuedLink[]) {
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Links-Issued', String(links.length));
  if (format === 'csv') {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${wave}-links.csv"`);
    res.send(
      UTF8_BOM + stringify([HEADINGS, ...linkRows(publicUrl, links)], { delimiter: ';', record_delimiter: 'windows' }),
    );
    return;
  }
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('links');
  sheet.addRow(HEADINGS).font = { bold: true };
  for (const row of linkRows(publicUrl, links)) sheet.addRow(row);
  sheet.columns.forEach((c, i) => (c.width = [14, 36, 10, 28, 20, 12, 30, 60][i]));
  const buffer = await workbook.xlsx.writeBuffer();
  res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  res.setHeader('Content-Disposition', `attachment; filename="${wave}-links.xlsx"`);
  res.send(Buffer.from(buffer as ArrayBuffer));
}

export function invitationsRoutes(api: Api, opts: { publicUrl: string }): void {
  api.route({
    method: 'post',
    path: '/waves/{code}/invitations/import',
    summary: 'Import the municipalities to invite (CSV or XLSX)',
    access: 'coordinator',
    tags: ['invitations'],
    params: WaveParams,
    body: ImportBody,
    responses: {
      201: { description: 'Imported', schema: ImportResultOut },
      409: { description: 'The wave is closed or archived' },
      422: { description: 'Bad rows: invalid_params names each by line and field; nothing imported' },
    },
    handler: async ({ params, body, user }, _req, res) => {
      const result = await importInvitations(params.code, body, user!.email);
      res.status(201);
      return result;
    },
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/invitations/template',
    summary: "The import template, with the region and municipality type codes of the wave's scope",
    access: 'coordinator',
    tags: ['invitations'],
    params: WaveParams,
    query: TemplateQuery,
    responses: {
      200: {
        description: 'CSV (columns, or the codes) or an XLSX workbook (columns and code sheets)',
        content: CSV_OR_XLSX,
      },
    },
    handler: async ({ params, query }, _req, res) => {
      const wave = await getWave(params.code);
      res.setHeader('Cache-Control', 'no-store');
      if (query.format === 'xlsx') {
        res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        res.setHeader('Content-Disposition', `attachment; filename="${wave.code}-import-template.xlsx"`);
        res.send(await templateXlsx(wave.scope, query.lang));
        return;
      }
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      const name = query.format === 'csv' ? 'import-template' : 'import-codes';
      res.setHeader('Content-Disposition', `attachment; filename="${wave.code}-${name}.csv"`);
      res.send(query.format === 'csv' ? templateCsv() : codesCsv(wave.scope, query.lang));
    },
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/invitations/board',
    summary: 'Response rate per region and per municipality',
    access: 'coordinator',
    tags: ['invitations'],
    params: WaveParams,
    responses: { 200: { description: 'The board', schema: BoardOut } },
    handler: async ({ params }, _req, res) => {
      const [wave, board] = await Promise.all([getWave(params.code), responseBoard(params.code)]);
      res.setHeader('Cache-Control', 'no-store');
      return {
        wave: { code: wave.code, status: wave.status, anonymous: wave.anonymous },
        generatedAt: new Date().toISOString(),
        totals: board.totals,
        regions: board.regions,
        invitations: board.invitations.map(out),
      };
    },
  });

  api.route({
    method: 'get',
    path: '/waves/{code}/invitations/board/export',
    summary: 'The board per municipality (status, mails, opt-out) as CSV or XLSX',
    access: 'coordinator',
    tags: ['invitations'],
    params: WaveParams,
    query: BoardExportQuery,
    responses: {
      200: { description: 'CSV or XLSX', content: CSV_OR_XLSX },
    },
    handler: async ({ params, query }, _req, res) => {
      const board = await responseBoard(params.code);
      const rows = boardRows(board.invitations, query.lang);
      res.setHeader('Cache-Control', 'no-store');
      if (query.format === 'csv') {
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', `attachment; filename="${params.code}-board.csv"`);
        res.send(UTF8_BOM + stringify([BOARD_HEADINGS, ...rows], { delimiter: ';', record_delimiter: 'windows' }));
        return;
      }
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet('board');
      sheet.addRow(BOARD_HEADINGS).font = { bold: true };
      for (const row of rows) sheet.addRow(row);
      const regions = workbook.addWorksheet('regions');
      const keys = [
        'invited',
        'notStarted',
        'started',
        'completed',
        'revoked',
        'mailed',
        'reminders',
        'mailFailed',
        'optedOut',
      ] as const;
      regions.addRow(['region', 'region_name', ...keys]).font = { bold: true };
      for (const r of board.regions)
        regions.addRow([r.code, r.names[query.lang], ...keys.map((k) => r[k])].map(safeCell));
      const buffer = await workbook.xlsx.writeBuffer();
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', `attachment; filename="${params.code}-board.xlsx"`);
      res.send(Buffer.from(buffer as ArrayBuffer));
    },
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/invitations/links',
    summary: 'Issue personal links and download them for mail merge (CSV or XLSX)',
    access: 'coordinator',
    tags: ['invitations'],
    params: WaveParams,
    body: LinksBody,
    responses: {
      200: {
        description: 'The links as CSV or XLSX (the tokens are not stored and cannot be shown again)',
        content: CSV_OR_XLSX,
      },
    },
    handler: async ({ params, body, user }, _req, res) => {
      const links = await issueLinks(
        params.code,
        { scope: body.scope, ids: body.ids },
        { actor: user!.email, format: body.format },
      );
      await sendLinks(opts.publicUrl, res, params.code, body.format, links);
    },
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/invitations/{id}/revoke',
    summary: "Revoke a municipality's link",
    access: 'coordinator',
    tags: ['invitations'],
    params: InvitationParams,
    responses: { 200: { description: 'Revoked', schema: InvitationOut }, 409: { description: 'Already answered' } },
    handler: async ({ params, user }) => {
      const inv = await revokeInvitation(params.code, params.id, user!.email);
      return out(inv);
    },
  });

  api.route({
    method: 'post',
    path: '/waves/{code}/invitations/{id}/reissue',
    summary: 'Issue a new link for a municipality (the old one stops working)',
    access: 'coordinator',
    tags: ['invitations'],
    params: InvitationParams,
    responses: {
      200: {
        description: 'The new link, shown once',
        schema: z.object({ invitation: InvitationOut, link: z.string() }),
      },
      409: { description: 'Already answered' },
    },
    handler: async ({ params, user }, _req, res) => {
      const { invitation, token } = await reissueInvitation(params.code, params.id, user!.email);
      res.setHeader('Cache-Control', 'no-store');
      return { invitation: out(invitation), link: linkFor(opts.publicUrl, token) };
    },
  });
}
