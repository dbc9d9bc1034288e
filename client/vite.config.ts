import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, transformWithOxc, type Plugin, type UserConfig } from 'vite';

const clientDir = fileURLToPath(new URL('.', import.meta.url));
const outDir = fileURLToPath(new URL('../dist/client', import.meta.url));
const apiProxy = { '/api': { target: 'http://127.0.0.1:3000', changeOrigin: false } };

/**
 * Writes .gz and .br next to each text asset, so the server can send them pre-compressed
 * (the respondent entry is ~1.5 MB of JS raw, ~0.37 MB gzip, ~0.29 MB brotli).
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
 * The respondent's entry (respond.html) is what slow connections open. A few lines in its head
 * set the saved language on <html> before the first paint (for the server's first-page preview,
 * server/src/waves/first-page.ts), hide the preview when the browser holds a draft of the wave
 * (the form then opens where the respondent left it, not on the first page), and on /w/:code
 * start the wave's JSON in parallel with the scripts. Links start the pages' chunk
 * (client/src/respondent/pages.ts: SurveyJS) and its CSS with the entry instead of after it,
 * without making that CSS block the first paint.
 */
function respondentHead(): Plugin {
  const code =
    `(function(){var m=/^\\/w\\/([^/]+)\\/?$/.exec(location.pathname);` +
    `try{var s=localStorage,g=s.getItem("lsg-barometer:lang"),h=document.documentElement;` +
    `if(g==="ru"||g==="uk"||g==="en")h.lang=g;` +
    `if(m&&s.getItem("lsg-barometer:draft:"+decodeURIComponent(m[1])))h.className+=" prerender-off"}catch(e){}` +
    `if(m){var l=document.createElement("link");l.href="/api/waves/"+m[1];l.rel="preload";l.as="fetch";` +
    `l.crossOrigin="anonymous";document.head.appendChild(l)}})();`;
  return {
    name: 'lsg-respondent-head',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle ?? {};
        const pages = Object.values(bundle).find(
          (c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/src/respondent/pages.ts'),
        );
        if (!pages || pages.type !== 'chunk') throw new Error('lsg-respondent-head: no chunk for respondent/pages.ts');
        const links: { tag: string; attrs: Record<string, string | boolean>; injectTo: 'head' }[] = [];
        const seen = new Set<string>();
        const walk = (fileName: string) => {
          const c = bundle[fileName];
          if (!c || c.type !== 'chunk' || seen.has(fileName) || c.isEntry) return;
          seen.add(fileName);
          links.push({
            tag: 'link',
            attrs: { rel: 'modulepreload', crossorigin: true, href: `/${fileName}` },
            injectTo: 'head',
          });
          for (const css of c.viteMetadata?.importedCss ?? [])
            links.push({
              tag: 'link',
              attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `/${css}` },
              injectTo: 'head',
            });
          for (const i of c.imports) walk(i);
        };
        walk(pages.fileName);
        return [{ tag: 'script', children: code, injectTo: 'head' }, ...links];
      },
    },
  };
}

/** The sections of the app's locales the respondent's pages use (keys as in client/src/i18n/locales). */
const RESPONDENT_SECTIONS = ['app', 'respond', 'errors', 'admin.invite', 'practices.nav', 'practices.suggestions'];
const MESSAGES_ID = 'virtual:lsg-respondent-messages/';

/**
 * `virtual:lsg-respondent-messages/<lng>`: the respondent's strings in one language, taken from
 * client/src/i18n/locales/<lng>.ts at build time, so the respondent entry carries a few KiB of
 * strings instead of the staff app's ~40 KiB per language, and the locales stay the one source.
 */
function respondentMessages(): Plugin {
  return {
    name: 'lsg-respondent-messages',
    resolveId(id) {
      return id.startsWith(MESSAGES_ID) ? `\0${id}` : undefined;
    },
    async load(id) {
      if (!id.startsWith(`\0${MESSAGES_ID}`)) return undefined;
      const lng = id.slice(MESSAGES_ID.length + 1);
      if (!/^(ru|uk|en)$/.test(lng)) throw new Error(`lsg-respondent-messages: no locale ${lng}`);
      const file = path.join(clientDir, 'src', 'i18n', 'locales', `${lng}.ts`);
      this.addWatchFile(file);
      const { code } = await transformWithOxc(fs.readFileSync(file, 'utf8'), file, { lang: 'ts' });
      const all = (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as {
        default: Record<string, unknown>;
      };
      const picked: Record<string, unknown> = {};
      for (const key of RESPONDENT_SECTIONS) {
        const [section, sub] = key.split('.');
        const value = sub ? (all.default[section] as Record<string, unknown> | undefined)?.[sub] : all.default[section];
        if (value === undefined) throw new Error(`lsg-respondent-messages: ${lng} has no ${key}`);
        if (sub) picked[section] = { ...(picked[section] as object), [sub]: value };
        else picked[section] = value;
      }
      return `export default ${JSON.stringify(picked)};`;
    },
  };
}

/** In the respondent entry, client/src/i18n/index.ts is replaced by client/src/respondent/i18n.ts. */
function respondentI18n(): Plugin {
  const appI18n = path.join(clientDir, 'src', 'i18n', 'index.ts');
  const own = path.join(clientDir, 'src', 'respondent', 'i18n.ts');
  return {
    name: 'lsg-respondent-i18n',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!importer || !/(^|\/)i18n(\/index)?$/.test(source)) return undefined;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      return resolved && path.normalize(resolved.id) === appI18n ? own : undefined;
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

/** `vite build --mode respondent` builds the respondent's entry (respond.html) into the same folder. */
export const RESPONDENT_MODE = 'respondent';

const src = (file: string) => path.join(clientDir, 'src', file);

// Paths are resolved from this file, so the config works from the repo root
// (`npm run build:client`) and from inside client/.
const shared: UserConfig = {
  root: clientDir,
  // Keep the dev pre-bundle cache out of client/ (it would otherwise live in client/node_modules).
  cacheDir: fileURLToPath(new URL('../node_modules/.vite', import.meta.url)),
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy },
};

/** The staff app and the public pages (index.html); it also renders /w/:code after in-app navigation. */
const appConfig: UserConfig = {
  ...shared,
  plugins: [react(), surveyBaseThemeCss(), precompress()],
  build: {
    outDir,
    emptyOutDir: true,
    // Read by scripts/lib/respondent-js.ts.
    manifest: true,
    // survey-core alone is ~1.2 MB minified.
    chunkSizeWarningLimit: 1700,
  },
};

/**
 * The respondent's entry (respond.html, served at /w/:code and /i/:token): the same pages on
 * preact/compat instead of React (survey-react-ui runs on it, as SurveyJS's own preact build
 * does), with the respondent's strings only and no router. Built after the app, into the same
 * folder, with its own manifest; test/e2e/respondent-weight.test.ts holds its weight.
 */
const respondentConfig: UserConfig = {
  ...shared,
  resolve: {
    alias: [
      { find: /^react$/, replacement: 'preact/compat' },
      { find: /^react-dom$/, replacement: 'preact/compat' },
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react\/jsx-runtime$/, replacement: 'preact/jsx-runtime' },
      { find: /^react\/jsx-dev-runtime$/, replacement: 'preact/jsx-dev-runtime' },
      { find: /^react-i18next$/, replacement: src('respondent/react-i18next.ts') },
      { find: /^react-router$/, replacement: src('respondent/react-router.tsx') },
    ],
  },
  plugins: [react(), respondentI18n(), respondentMessages(), surveyBaseThemeCss(), respondentHead(), precompress()],
  build: {
    outDir,
    emptyOutDir: false,
    manifest: '.vite/respondent-manifest.json',
    chunkSizeWarningLimit: 1700,
    rolldownOptions: { input: path.join(clientDir, 'respond.html') },
  },
};

export default defineConfig(({ mode }) => (mode === RESPONDENT_MODE ? respondentConfig : appConfig));
