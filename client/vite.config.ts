import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const clientDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/client', import.meta.url));
const apiProxy = { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } };

/**
 * Writes .gz and .br next to each text asset, so the server can send them pre-compressed
 * (the respondent route is ~1.8 MB of JS raw, ~0.47 MB gzip, ~0.37 MB brotli).
 */
function precompress(): Plugin {
  return {
    name: 'lsg-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? outDir;
      for (const fileName of Object.keys(bundle)) {
        if (!/\.(js|css|html|svg|json)$/.test(fileName)) continue;
        const file = path.join(dir, fileName);
        const data = fs.readFileSync(file);
        if (data.length < 1024) continue;
        fs.writeFileSync(`${file}.gz`, zlib.gzipSync(data, { level: 9 }));
        fs.writeFileSync(
          `${file}.br`,
          zlib.brotliCompressSync(data, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

/**
 * The respondent's pages are what slow connections open. A few lines in index.html start their
 * chunks, their CSS and (on /w/:code) the wave's JSON right away, in parallel with the entry
 * script, instead of after it.
 */
function respondentPreload(): Plugin {
  return {
    name: 'lsg-respondent-preload',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle ?? {};
        const pageChunk = (page: string) =>
          Object.values(bundle).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith(page));
        // The page's chunk and every chunk it imports statically (survey-core is one of them,
        // the largest), minus those the entry already loads: all start with the entry, instead
        // of one round trip after another.
        const walk = (fileName: string, into: Set<string>) => {
          const c = bundle[fileName];
          if (!c || c.type !== 'chunk' || into.has(fileName)) return;
          into.add(fileName);
          for (const i of c.imports) walk(i, into);
        };
        const byEntry = new Set<string>();
        for (const c of Object.values(bundle)) if (c.type === 'chunk' && c.isEntry) walk(c.fileName, byEntry);
        const base = '/';
        const linksFor = (page: string) => {
          const chunk = pageChunk(page);
          if (!chunk) throw new Error(`lsg-respondent-preload: no chunk for ${page}`);
          const needed = new Set<string>();
          walk(chunk.fileName, needed);
          const links: [string, string, string?][] = [];
          for (const fileName of needed) {
            if (byEntry.has(fileName)) continue;
            links.push([`${base}${fileName}`, 'modulepreload']);
            const c = bundle[fileName];
            for (const css of (c.type === 'chunk' && c.viteMetadata?.importedCss) || [])
              links.push([`${base}${css}`, 'preload', 'style']);
          }
          return links;
        };
        const respond = linksFor('/pages/respond/RespondPage.tsx');
        // The invitation page (/i/:token) loads the same form: its chunks start early too.
        const invite = linksFor('/pages/invite/InvitePage.tsx');
        const add =
          `function a(l){l.forEach(function(a){var e=document.createElement("link");e.href=a[0];e.rel=a[1];` +
          `if(a[2]){e.as=a[2];e.crossOrigin="anonymous"}document.head.appendChild(e)})}`;
        // Also for the server's first-page preview (server/src/waves/first-page.ts): the saved
        // language on <html> before the first paint, and no preview over a draft (the form then
        // opens where the respondent left it, not on the first page).
        const code =
          `(function(){${add}if(/^\\/i\\/[^/]+\\/?$/.test(location.pathname))return a(${JSON.stringify(invite)});` +
          `var m=/^\\/w\\/([^/]+)\\/?$/.exec(location.pathname);if(!m)return;` +
          `try{var s=localStorage,g=s.getItem("lsg-barometer:lang"),h=document.documentElement;` +
          `if(g==="ru"||g==="uk"||g==="en")h.lang=g;` +
          `if(s.getItem("lsg-barometer:draft:"+decodeURIComponent(m[1])))h.className+=" prerender-off"}catch(e){}` +
          `a(${JSON.stringify(respond)}.concat([["/api/waves/"+m[1],"preload","fetch"]]))})();`;
        return [{ tag: 'script', children: code, injectTo: 'head' }];
      },
    },
  };
}

const SURVEY_CORE_ESM = /[\\/]survey-core[\\/]fesm[\\/]survey-core\.mjs$/;
const BASE_THEME_CSS_ID = 'virtual:lsg-survey-base-theme.css';
const BASE_THEME_DECL = 'var baseTheme = {';

/** The literal of survey-core's `baseTheme` object: where it is in `code` and what it holds. */
function findBaseTheme(code: string): { start: number; end: number; theme: Record<string, unknown> } {
  const decl = code.indexOf(BASE_THEME_DECL);
  const end = decl < 0 ? -1 : code.indexOf('\n};\n', decl) + 2;
  if (decl < 0 || end < 2 || code.indexOf(BASE_THEME_DECL, decl + 1) >= 0)
    throw new Error('lsg-survey-base-theme: survey-core has no single `var baseTheme = {…};`; check the plugin');
  const start = decl + BASE_THEME_DECL.length - 1;
  return { start, end, theme: JSON.parse(code.slice(start, end)) as Record<string, unknown> };
}

/**
 * survey-core 3 carries its base theme, 1,638 CSS custom properties, as a JS object (~184 KB raw,
 * ~11 KiB gzip of the respondent's JS) and writes it into a <style> inside the survey at run
 * time. The build moves those variables into a static stylesheet (`BASE_THEME_CSS_ID`, imported
 * after survey-core's CSS by client/src/pages/respond/survey.ts) with the very rule survey-core
 * would write (`:where(.sd-theme-root) { … }`), and leaves survey-core an empty variable list, so
 * its <style> stays empty. In dev the library is pre-bundled untouched; the variables are then
 * simply declared twice.
 */
function surveyBaseThemeCss(): Plugin {
  const surveyCoreFile = fileURLToPath(new URL('../node_modules/survey-core/fesm/survey-core.mjs', import.meta.url));
  return {
    name: 'lsg-survey-base-theme',
    resolveId(id) {
      return id === BASE_THEME_CSS_ID ? `\0${BASE_THEME_CSS_ID}` : undefined;
    },
    load(id) {
      if (id !== `\0${BASE_THEME_CSS_ID}`) return undefined;
      const { theme } = findBaseTheme(fs.readFileSync(surveyCoreFile, 'utf8'));
      const vars = theme.cssVariables as Record<string, string>;
      const decls = Object.entries(vars).map(([name, value]) => `  ${name}: ${value};`);
      return `:where(.sd-theme-root) {\n${decls.join('\n')}\n}\n`;
    },
    transform: {
      filter: { id: SURVEY_CORE_ESM },
      handler(code, id) {
        if (!SURVEY_CORE_ESM.test(id)) return undefined;
        const { start, end, theme } = findBaseTheme(code);
        const stub = JSON.stringify({ ...theme, cssVariables: {} });
        return { code: code.slice(0, start) + stub + code.slice(end), map: null };
      },
    },
  };
}

// Paths are resolved from this file, so the config works from the repo root
// (`npm run build:client`) and from inside client/.
export default defineConfig({
  root: clientDir,
  // Keep the dev pre-bundle cache out of client/ (it would otherwise live in client/node_modules).
  cacheDir: fileURLToPath(new URL('../node_modules/.vite', import.meta.url)),
  plugins: [react(), surveyBaseThemeCss(), respondentPreload(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    // Read by scripts/lib/respondent-js.ts to sum the JS the respondent routes load.
    manifest: true,
    // survey-core alone is ~1.2 MB minified; the respondent routes are held in gzip by
    // test/e2e/respondent-weight.test.ts.
    chunkSizeWarningLimit: 1700,
  },
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy },
});
