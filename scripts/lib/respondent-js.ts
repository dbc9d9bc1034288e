// The JavaScript the respondent's routes load, read from the Vite manifest of a client build:
// the entry chunk and its static imports, plus the page the route imports lazily
// (/w/:code: RespondPage; /i/:token: InvitePage) with its static imports. Sizes are gzip -9.
// Used by `npm run bench -- --only page`, `npx tsx scripts/respondent-size.ts` and
// test/e2e/respondent-weight.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** The target for each respondent route, gzip KiB of JS (issue 13); not met yet, see docs/performance.md. */
export const RESPONDENT_JS_TARGET_KIB = 300;
/**
 * What the build is held to until the target is met (test/e2e/respondent-weight.test.ts): the
 * measured size plus a little room. Lower it whenever a route gets lighter; never raise it without
 * a figure in docs/performance.md saying why.
 */
export const RESPONDENT_JS_CEILING_KIB = 480;

/** The respondent's routes and the page module (manifest key) each loads lazily. */
export const RESPONDENT_ROUTES = {
  '/w/:code': 'src/pages/respond/RespondPage.tsx',
  '/i/:token': 'src/pages/invite/InvitePage.tsx',
} as const;
export type RespondentRoute = keyof typeof RESPONDENT_ROUTES;

export type JsFile = { file: string; raw: number; gzip: number };

type ManifestChunk = { file: string; imports?: string[] };

/** The JS files of `route`, with raw and gzip -9 sizes in bytes. */
export function routeJs(dist: string, route: RespondentRoute): JsFile[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  const files = new Set<string>();
  const add = (key: string) => {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`not in the manifest: ${key}`);
    if (files.has(chunk.file)) return;
    files.add(chunk.file);
    for (const dep of chunk.imports ?? []) add(dep);
  };
  add('index.html');
  add(RESPONDENT_ROUTES[route]);
  return [...files].map((file) => {
    const bytes = fs.readFileSync(path.join(dist, file));
    return { file, raw: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length };
  });
}

export const kib = (files: JsFile[], key: 'raw' | 'gzip' = 'gzip') => files.reduce((a, f) => a + f[key], 0) / 1024;
