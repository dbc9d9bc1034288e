// createApp builds the Express app from its dependencies; it does no I/O (no connect, no listen).
import fs from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from 'pino';
import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { logger } from './logger';
import { Api } from './http/route';
import { requestId } from './http/request-id';
import { errorHandler, notFoundHandler } from './http/problem';
import { inlineScriptHashes, securityHeaders } from './http/security';
import { bodyGuard, requireJsonBody } from './http/body-guard';
import { deadline } from './http/deadline';
import type { RateLimits } from './http/rate-limit';
import { config, type TrustProxy } from './config';
import compression from 'compression';
import expressStaticGzip from 'express-static-gzip';
import { healthRoutes } from './health/health.routes';
import { authRoutes } from './auth/auth.routes';
import { auditRoutes } from './audit/audit.routes';
import { referenceRoutes } from './reference/reference.routes';
import { wavesRoutes } from './waves/waves.routes';
import { responsesRoutes } from './responses/responses.routes';
import { analyticsRoutes } from './analytics/analytics.routes';
import { exportsRoutes } from './exports/exports.routes';
import { jobsRoutes } from './jobs/jobs.routes';
import { questionnairesRoutes } from './questionnaires/questionnaires.routes';
import { invitationsRoutes } from './invitations/invitations.routes';
import { practicesRoutes } from './practices/practices.routes';
import { trendsRoutes } from './trends/trends.routes';
import { publicationRoutes } from './publication/publication.routes';
import { reportRoutes } from './report/report.routes';
import { carriesToken, redactUrl } from './http/redact';
import { previewFor } from './waves/first-page';
import { mailRoutes, type MailDeps } from './mail/mail.routes';
import { optOutPages } from './mail/opt-out.page';

export type AppDeps = {
  store: { kind: 'embedded' | 'external' };
  /** Folder of the built client to serve; omitted in API-only tests. */
  clientDir?: string;
  /** Requests per client address; defaults to the configured limits. */
  rateLimits?: RateLimits;
  /** An API request not answered by then gets 503 (defaults to the configured value). */
  requestDeadlineMs?: number;
  /** Production mode: HSTS and upgrade-insecure-requests. */
  production?: boolean;
  /** Proxies trusted to name the client's address (defaults to TRUST_PROXY). */
  trustProxy?: TrustProxy;
  /** Base of invitation links (defaults to PUBLIC_URL). */
  publicUrl?: string;
  /** Request logger (defaults to the process logger). */
  logger?: Logger;
  /** Outgoing mail and, in catcher mode, the local inbox (mail off when absent). */
  mail?: MailDeps;
};

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? config().trustProxy);
  app.set('query parser', 'simple');
  app.use(securityHeaders({ scriptHashes: inlineScriptHashes(deps.clientDir), production: deps.production ?? false }));
  // A page or API answer under an invitation token never hands the token on as a Referer.
  app.use((req, res, next) => {
    if (carriesToken(req.url)) res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  app.use(
    pinoHttp({
      logger: deps.logger ?? logger,
      genReqId: (req, res) => {
        const id = requestId(req);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  const router = Router();
  router.use(deadline(deps.requestDeadlineMs ?? config().requestDeadlineMs));
  // JSON answers compress well (a questionnaire definition ~5×); exports stream through it too.
  router.use(compression());
  router.use(requireJsonBody);
  // Uploads (a questionnaire, a list of municipalities) may be larger than any other body.
  router.use(
    ['/questionnaires', '/waves/:code/invitations/import', '/practices/manage/import'],
    express.json({ limit: '4mb', strict: true, type: ['application/json', 'application/*+json'] }),
  );
  router.use(express.json({ limit: '256kb', strict: true, type: ['application/json', 'application/*+json'] }));
  router.use(bodyGuard);
  const api = new Api(router, deps.rateLimits ?? config().rateLimits);
  healthRoutes(api, deps.store);
  authRoutes(api);
  auditRoutes(api);
  referenceRoutes(api);
  wavesRoutes(api);
  responsesRoutes(api);
  analyticsRoutes(api);
  exportsRoutes(api);
  jobsRoutes(api);
  questionnairesRoutes(api);
  invitationsRoutes(api, { publicUrl: deps.publicUrl ?? config().publicUrl });
  mailRoutes(api, { publicUrl: deps.publicUrl ?? config().publicUrl, mail: deps.mail ?? { transport: 'off' } });
  practicesRoutes(api);
  trendsRoutes(api);
  publicationRoutes(api);
  reportRoutes(api);

  const openapi = new OpenApiGeneratorV31(api.registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'lsg-barometer API',
      version: '0.1.0',
      description: 'Surveys of the obstacles to inter-municipal cooperation.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/api' }],
  });
  // Kept on the app too, so scripts (scripts/api-types.ts) read it without listening on a port.
  app.locals.openapi = openapi;
  router.get('/openapi.json', (_req, res) => {
    res.json(openapi);
  });
  router.use(notFoundHandler);

  app.use('/api', router);
  // The opt-out link of every mail (a small page of its own, before the client's routes).
  app.use(optOutPages());

  if (deps.clientDir && fs.existsSync(path.join(deps.clientDir, 'index.html'))) {
    const clientDir = deps.clientDir;
    // Hashed asset names never change: cache for a year; send the build's .br/.gz copies when accepted.
    app.use(
      '/assets',
      expressStaticGzip(path.join(clientDir, 'assets'), {
        enableBrotli: true,
        orderPreference: ['br', 'gz'],
        serveStatic: { immutable: true, maxAge: '1y', fallthrough: false },
      }),
    );
    app.use(express.static(clientDir, { index: false, maxAge: 0 }));
    // The respondent's addresses get their own, lighter entry (client/respond.html: no staff app),
    // when the build has it; /w/:code with a static preview of the first page (waves/first-page.ts).
    const respondentShell = () => (fs.existsSync(path.join(clientDir, 'respond.html')) ? 'respond.html' : 'index.html');
    app.get(/^\/w\/[^/]+\/?$/, compression(), async (req, res, next) => {
      try {
        const html = await fs.promises.readFile(path.join(clientDir, respondentShell()), 'utf8');
        const preview = await previewFor(req.path.split('/')[2]);
        res.setHeader('Cache-Control', 'no-cache');
        res
          .type('html')
          .send(preview ? html.replace('<div id="root"></div>', `${preview}<div id="root"></div>`) : html);
      } catch (err) {
        next(err);
      }
    });
    app.get(/^\/i\/[^/]+\/?$/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(clientDir, respondentShell()));
    });
    // Client-side routes: every other GET gets the app shell.
    app.get(/.*/, (_req, res) => {
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(path.join(clientDir, 'index.html'));
    });
  }
  app.use(notFoundHandler);
  app.use(errorHandler);
  return app;
}
