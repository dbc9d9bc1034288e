// Security headers: helmet with a content security policy the SurveyJS pages work under.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** sha256 sources for the inline scripts of the built pages (respond.html's early lines). */
export function inlineScriptHashes(clientDir: string | undefined): string[] {
  if (!clientDir) return [];
  const hashes = new Set<string>();
  for (const page of ['index.html', 'respond.html']) {
    const file = path.join(clientDir, page);
    if (!fs.existsSync(file)) continue;
    const html = fs.readFileSync(file, 'utf8');
    for (const m of html.matchAll(/<script>([\s\S]*?)<\/script>/g))
      hashes.add(`'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`);
  }
  return [...hashes];
}

export function securityHeaders(opts: { scriptHashes: string[]; production: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        // No inline script runs except the build's own preload snippet (by hash): a questionnaire's
        // HTML or an answer shown to a researcher cannot execute script.
        scriptSrc: ["'self'", ...opts.scriptHashes],
        scriptSrcAttr: ["'none'"],
        // SurveyJS and chart.js set style attributes; styles cannot run script.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(opts.production ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: opts.production ? { maxAge: 15552000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
  });
}
