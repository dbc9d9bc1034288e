/// <reference lib="dom" />
// The server's static preview of a public wave's first page (server/src/waves/first-page.ts):
// readable before any JavaScript has arrived, in the saved language, inert, and gone once the
// SurveyJS form shows; never over a draft, never for a wave the public may not answer.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/db';
import { SHOTS, useBrowserApp } from '../helpers/e2e';
import { listWaves } from '../../server/src/waves/waves.service';

useTestDatabase({ demo: true });

const e2e = useBrowserApp();
let wave: string;

beforeAll(async () => {
  wave = (await listWaves())[0].code;
});

/** A page whose scripts never arrive: what the respondent sees while the JavaScript loads. */
async function withoutScripts(width: number, lang?: string): Promise<Page> {
  const context = await e2e.browser.newContext({ viewport: { width, height: 844 } });
  const page = await context.newPage();
  if (lang) {
    await page.goto(`${e2e.baseUrl}/no-such-page`);
    await page.evaluate((l) => localStorage.setItem('lsg-barometer:lang', l), lang);
  }
  await page.route('**/assets/*.js', (route) => route.abort());
  await page.goto(`${e2e.baseUrl}/w/${wave}`);
  return page;
}

const question = (page: Page) => page.locator('[data-prerender-question="country"]:visible');

it('shows the first question before any script has run, in Russian by default, and inert', async () => {
  for (const width of [1280, 390]) {
    const page = await withoutScripts(width);
    await question(page).waitFor({ state: 'visible', timeout: 15_000 });
    expect(await question(page).innerText()).toMatch(/^1\. Страна \*\s+Россия\s+Украина$/);
    expect(await page.locator('h1:visible').count()).toBe(1);
    expect(await page.locator('#prerender').evaluate((el) => (el as HTMLElement).inert)).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await page.screenshot({ path: path.join(SHOTS, `first-page-preview-ru-${width}.png`) });
    await page.context().close();
  }
});

it('speaks the saved language', async () => {
  const page = await withoutScripts(1280, 'en');
  await question(page).waitFor({ state: 'visible', timeout: 15_000 });
  expect(await question(page).innerText()).toMatch(/^1\. Country \*\s+Russia\s+Ukraine$/);
  await page.context().close();
});

it('gives way to the SurveyJS form, and is not shown over a draft', async () => {
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${e2e.baseUrl}/w/${wave}`);
  const form = page.locator('.sd-question[data-name="country"]');
  await form.waitFor({ state: 'visible', timeout: 30_000 });
  expect(await page.locator('#prerender').count()).toBe(0);
  expect(await page.locator('h1:visible').count()).toBe(1);

  // An answer makes a draft: the next visit opens the form where it was left, without the preview.
  await form.locator('label:has(input[value="RU"])').click();
  await page.waitForFunction((code) => localStorage.getItem(`lsg-barometer:draft:${code}`), wave);
  await page.route('**/assets/*.js', (route) => route.abort());
  await page.goto(`${e2e.baseUrl}/w/${wave}`);
  expect(await page.evaluate(() => document.documentElement.classList.contains('prerender-off'))).toBe(true);
  expect(await question(page).count()).toBe(0);
  await context.close();
});

it('is only in the HTML of a wave the public may answer now', async () => {
  const html = async (p: string) => (await fetch(`${e2e.baseUrl}${p}`)).text();
  expect(await html(`/w/${wave}`)).toContain('id="prerender"');
  expect(await html('/w/no-such-wave')).not.toContain('id="prerender"');
  expect(await html(`/w/${wave}/results`)).not.toContain('id="prerender"');
  expect(await html('/w/%E0%A4%A')).not.toContain('id="prerender"');
});
