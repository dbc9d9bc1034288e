// The JavaScript the respondent's routes load, read from the Vite manifest of the respondent's
// entry (client/respond.html, built by `vite build --mode respondent` into dist/client with
// .vite/respondent-manifest.json): the entry chunk, the pages' chunk it imports at once
// (client/src/respondent/pages.ts, preloaded by respond.html) and their static imports.
// /w/:code and /i/:token load the same files; Ukrainian or English strings add a ~2 KiB chunk
// when chosen. Sizes are
// gzip -9 and brotli q11, the two copies the build writes beside each file
// (client/vite.config.ts) and the server sends (express-static-gzip: .br when the browser
// accepts it, as every current browser does over HTTPS and to localhost, else .gz).
// Used by `npm run bench -- --only page`, `npx tsx scripts/respondent-size.ts` and
// test/e2e/respondent-weight.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/**
 * The target for each respondent route (issue 13): KiB of JS as sent to a browser, i.e. brotli
 * (test/e2e/respondent-weight.test.ts also checks in Chromium that the server sends .br and
 * counts the bytes received). In gzip the target is out of reach: survey-core alone is ~289 KiB.
 */
export const RESPONDENT_JS_TARGET_KIB = 300;
/**
 * What the gzip copy (for clients without brotli) is held to: the measured size plus a little
 * room. Lower it whenever a route gets lighter; never raise it without a figure in
 * docs/performance.md saying why.
 */
export const RESPONDENT_JS_GZIP_CEILING_KIB = 370;

export const RESPONDENT_MANIFEST = path.join('.vite', 'respondent-manifest.json');

/** The respondent's routes and the manifest key of the entry each loads. */
export const RESPONDENT_ROUTES = {
  '/w/:code': 'respond.html',
  '/i/:token': 'respond.html',
} as const;
export type RespondentRoute = keyof typeof RESPONDENT_ROUTES;

export type JsFile = { file: string; raw: number; gzip: number; br: number };

type ManifestChunk = { file: string; imports?: string[]; dynamicImports?: string[] };

/** The pages' chunk, imported by the entry before it renders anything. */
const PAGES = 'src/respondent/pages.ts';

/** The JS files of `route`, with raw, gzip -9 and brotli q11 sizes in bytes. */
export function routeJs(dist: string, route: RespondentRoute): JsFile[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dist, RESPONDENT_MANIFEST), 'utf8')) as Record<
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
  add(RESPONDENT_ROUTES[route]);
  if (!manifest[RESPONDENT_ROUTES[route]].dynamicImports?.includes(PAGES))
    throw new Error(`${RESPONDENT_ROUTES[route]} does not import ${PAGES}`);
  add(PAGES);
  return [...files].map((file) => {
    const bytes = fs.readFileSync(path.join(dist, file));
    return {
      file,
      raw: bytes.length,
      gzip: zlib.gzipSync(bytes, { level: 9 }).length,
      br: zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    };
  });
}

export const kib = (files: JsFile[], key: 'raw' | 'gzip' | 'br' = 'gzip') =>
  files.reduce((a, f) => a + f[key], 0) / 1024;
