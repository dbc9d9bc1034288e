// Respondent page: size of the JavaScript the respondent routes load (/w/:code and /i/:token,
// from the respondent entry's Vite manifest: scripts/lib/respondent-js.ts), brotli (as the server
// sends it to a browser) against the 300 KiB target, and gzip; the JS bytes Chromium received;
// the time until the first question is visible (in the server's static preview of the first page)
// and until SurveyJS's form shows it (answerable), in Chromium on an emulated slow link (1.6 Mbps
// down, 750 kbps up, 150 ms RTT), median of several cold loads. Baseline: the same measure for the app's 404 page (same
// entry bundle, no questionnaire), so the ratio says what the questionnaire itself costs.
import { chromium, type Browser } from 'playwright-core';
import { ensureClientBuilt } from '../lib/client-build';
import { kib, RESPONDENT_JS_TARGET_KIB, routeJs } from '../lib/respondent-js';
import { ROOT, type Benchmark, type BenchContext, type Result } from './context';
import { startServerProcess } from './server-process';

const LOADS = Number(process.env.BENCH_PAGE_LOADS ?? 5);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SLOW_LINK = {
  offline: false,
  latency: 150,
  downloadThroughput: 1_600_000 / 8,
  uploadThroughput: 750_000 / 8,
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * ms from navigation start until each of `selectors` is visible (in order), on a fresh (cold)
 * browser context, and the bytes received meanwhile.
 */
async function coldLoad(
  browser: Browser,
  url: string,
  selectors: string[],
): Promise<{ ms: number[]; bytes: number; jsBytes: number }> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', SLOW_LINK);
    let bytes = 0;
    let jsBytes = 0;
    const scripts = new Set<string>();
    cdp.on('Network.responseReceived', (e: { requestId: string; type: string }) => {
      if (e.type === 'Script') scripts.add(e.requestId);
    });
    cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => {
      bytes += e.encodedDataLength;
      if (scripts.has(e.requestId)) jsBytes += e.encodedDataLength;
    });
    const started = performance.now();
    await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    const ms: number[] = [];
    for (const selector of selectors) {
      await page.locator(selector).first().waitFor({ state: 'visible', timeout: 60_000 });
      ms.push(performance.now() - started);
    }
    return { ms, bytes, jsBytes };
  } finally {
    await context.close();
  }
}

/** The first question in the server's static preview, then in SurveyJS's form. */
const PREVIEW = '[data-prerender-question="country"]';
const FORM = '.sd-question[data-name="country"]';

async function measure(ctx: BenchContext, size: number): Promise<Result[]> {
  const dist = ensureClientBuilt(ROOT);
  const files = routeJs(dist, '/w/:code');
  const gzipKb = kib(files);
  const brKb = kib(files, 'br');
  const rawKb = kib(files, 'raw');
  const inviteBrKb = kib(routeJs(dist, '/i/:token'), 'br');
  for (const f of [...files].sort((a, b) => b.gzip - a.gzip))
    ctx.log(
      `  page: /w/:code loads ${f.file} ${(f.br / 1024).toFixed(1)} KiB brotli, ${(f.gzip / 1024).toFixed(1)} KiB gzip`,
    );

  const server = await startServerProcess(ctx.uri, ctx.dbName);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-dev-shm-usage'],
  });
  const preview: number[] = [];
  const respond: number[] = [];
  const notFound: number[] = [];
  let respondBytes = 0;
  let respondJsBytes = 0;
  try {
    // One unmeasured load each, so the server's first-request costs do not count.
    await coldLoad(browser, `${server.url}/w/${ctx.wave}`, [PREVIEW, FORM]);
    await coldLoad(browser, `${server.url}/no-such-page`, ['h1']);
    for (let i = 0; i < LOADS; i++) {
      const r = await coldLoad(browser, `${server.url}/w/${ctx.wave}`, [PREVIEW, FORM]);
      preview.push(r.ms[0]);
      respond.push(r.ms[1]);
      respondBytes = r.bytes;
      respondJsBytes = r.jsBytes;
      notFound.push((await coldLoad(browser, `${server.url}/no-such-page`, ['h1'])).ms[0]);
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  ctx.log(
    `  page: preview ${preview.map((x) => Math.round(x)).join(', ')} ms; form ${respond.map((x) => Math.round(x)).join(', ')} ms; 404 loads ${notFound.map((x) => Math.round(x)).join(', ')} ms`,
  );
  const r = (metric: string, value: number, unit: string, note?: string): Result => ({
    benchmark: 'page',
    size,
    metric,
    value,
    unit,
    ...(note ? { note } : {}),
  });
  return [
    r('respondent JS brotli', brKb, 'KiB', `/w/:code, as sent to a browser; target ≤ ${RESPONDENT_JS_TARGET_KIB}`),
    r('respondent JS gzip', gzipKb, 'KiB', '/w/:code, for clients without brotli'),
    r('respondent JS raw', rawKb, 'KiB'),
    r('invitation JS brotli', inviteBrKb, 'KiB', `/i/:token; target ≤ ${RESPONDENT_JS_TARGET_KIB}`),
    r('JS on the wire', respondJsBytes / 1024, 'KiB', 'one cold load of /w/:code, scripts as received by Chromium'),
    r('bytes on the wire', respondBytes / 1024, 'KiB', 'one cold load, all resources, as sent (br/gzip)'),
    r(
      'first question (median)',
      median(preview),
      'ms',
      `in the server's static preview; ${LOADS} cold loads, 1.6 Mbps / 150 ms RTT; target ≤ 3000`,
    ),
    r('form ready (median)', median(respond), 'ms', 'the same question in SurveyJS form, answerable'),
    r('404 page (median)', median(notFound), 'ms', 'baseline: same entry bundle, no questionnaire'),
    r('form ready / 404', median(respond) / median(notFound), 'ratio'),
  ];
}

export const page: Benchmark = {
  name: 'page',
  sizes: () => [1000],
  measure,
};
