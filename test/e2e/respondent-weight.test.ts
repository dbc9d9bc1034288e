// The weight of the respondent's routes. From the production build's manifest of the respondent
// entry (client/respond.html): the JS /w/:code and /i/:token load before the questionnaire shows,
// brotli (what the server sends a browser) and gzip (for clients without brotli). Then in
// Chromium against the real server: the JS bytes actually received, and that they came as .br.
import fs from 'node:fs';
import path from 'node:path';
import { ensureClientBuilt } from '../../scripts/lib/client-build';
import {
  kib,
  RESPONDENT_JS_GZIP_CEILING_KIB,
  RESPONDENT_JS_TARGET_KIB,
  RESPONDENT_ROUTES,
  routeJs,
  type RespondentRoute,
} from '../../scripts/lib/respondent-js';
import ru from '../../client/src/i18n/locales/ru';
import { useBrowserApp } from '../helpers/e2e';
import { useTestDatabase } from '../helpers/db';

useTestDatabase();

const ROOT = path.join(__dirname, '..', '..');
let dist: string;
const js = new Map<RespondentRoute, ReturnType<typeof routeJs>>();
const e2e = useBrowserApp();

beforeAll(async () => {
  dist = ensureClientBuilt(ROOT);
  for (const route of Object.keys(RESPONDENT_ROUTES) as RespondentRoute[]) js.set(route, routeJs(dist, route));
}, 240_000);

const listOf = (files: ReturnType<typeof routeJs>, key: 'gzip' | 'br') =>
  files
    .sort((a, b) => b[key] - a[key])
    .map((f) => `${f.file} ${(f[key] / 1024).toFixed(1)} KiB`)
    .join(', ');

describe.each(Object.keys(RESPONDENT_ROUTES) as RespondentRoute[])('%s', (route) => {
  it(`loads at most ${RESPONDENT_JS_TARGET_KIB} KiB of JS as sent (brotli)`, () => {
    const files = js.get(route)!;
    const total = kib(files, 'br');
    if (total > RESPONDENT_JS_TARGET_KIB)
      throw new Error(
        `${route} loads ${total.toFixed(1)} KiB brotli of JS (${listOf(files, 'br')}); allowed ${RESPONDENT_JS_TARGET_KIB}`,
      );
    expect(total).toBeGreaterThan(50); // the manifest walk found the chunks
  });

  it(`loads at most ${RESPONDENT_JS_GZIP_CEILING_KIB} KiB of JS in gzip`, () => {
    const files = js.get(route)!;
    const total = kib(files, 'gzip');
    if (total > RESPONDENT_JS_GZIP_CEILING_KIB)
      throw new Error(
        `${route} loads ${total.toFixed(1)} KiB gzip of JS (${listOf(files, 'gzip')}); allowed ${RESPONDENT_JS_GZIP_CEILING_KIB}`,
      );
    expect(total).toBeGreaterThan(50);
  });
});

it('carries nothing of the staff app: no React DOM, router, i18next or staff strings', () => {
  const code = js
    .get('/w/:code')!
    .map((f) => fs.readFileSync(path.join(dist, f.file), 'utf8'))
    .join('\n');
  expect(code).toContain('sd-root-modern'); // SurveyJS is there
  expect(code).not.toContain('__reactFiber'); // react-dom's internals
  expect(code).not.toContain('hasLoadedNamespace'); // i18next
  expect(code).not.toContain('useNavigate() may be used only'); // react-router
  for (const staff of [ru.admin.nav, ru.settings.users.intro, ru.auth.title, ru.analysis.crosstab.title])
    expect(code).not.toContain(staff);
  expect(code).toContain(ru.respond.progress);
});

it.each(['/w/no-such-wave', '/i/no-such-token'])(
  '%s: Chromium receives the respondent JS as brotli, within the target',
  async (address) => {
    const context = await e2e.browser.newContext();
    try {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      const scripts = new Map<string, { url: string; encoding: string }>();
      let bytes = 0;
      cdp.on(
        'Network.responseReceived',
        (e: { requestId: string; type: string; response: { url: string; headers: Record<string, string> } }) => {
          if (e.type === 'Script')
            scripts.set(e.requestId, {
              url: e.response.url,
              encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? '',
            });
        },
      );
      const done = new Promise<void>((resolve) => {
        cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
          if (scripts.has(e.requestId)) bytes += e.encodedDataLength;
        });
        page.once('load', () => resolve());
      });
      await page.goto(`${e2e.baseUrl}${address}`);
      await done;
      await page.getByRole('heading', { level: 1 }).waitFor({ timeout: 30_000 });
      const received = [...scripts.values()];
      expect(received.length).toBeGreaterThan(0);
      expect(received.map((s) => path.basename(s.url))).toEqual(
        expect.arrayContaining([expect.stringMatching(/^respond-/)]),
      );
      expect(received.filter((s) => s.encoding !== 'br')).toEqual([]);
      expect(bytes / 1024).toBeLessThanOrEqual(RESPONDENT_JS_TARGET_KIB);
      expect(bytes / 1024).toBeGreaterThan(50);
    } finally {
      await context.close();
    }
  },
  60_000,
);
