// Answers are shown to researchers as text: markup typed by a respondent never becomes markup,
// even with the content security policy switched off (so this checks escaping, not the CSP).
import type { Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/db';
import { submitAnswers, useBrowserApp } from '../helpers/e2e';
import { createUser } from '../helpers/auth';
import { answers, createFixtureWave } from '../helpers/fixtures';

useTestDatabase({ demo: false });

const PAYLOADS = {
  municipality: '<img src=x onerror="window.__pwned=1">Тотьма',
  comment: '<script>window.__pwned=2</script><b onmouseover="window.__pwned=3">жирный</b>',
  other: '"><svg onload="window.__pwned=4">иное',
};

const e2e = useBrowserApp();
let page: Page;
let wave: string;

beforeAll(async () => {
  wave = await createFixtureWave();
  await createUser('reader@example.org', 'reader password 1', ['researcher']);
  for (let i = 0; i < 3; i++) {
    const payload = { municipality: PAYLOADS.municipality, comment: PAYLOADS.comment, obstacles: ['funding', 'other'] };
    await submitAnswers(e2e.baseUrl, wave, answers({ ...payload, 'obstacles-Comment': PAYLOADS.other }));
  }
  // No CSP: if any page turned an answer into markup, its script would run here.
  const context = await e2e.browser.newContext({ bypassCSP: true, locale: 'ru-RU' });
  page = await context.newPage();
  await page.goto(`${e2e.baseUrl}/login?next=${encodeURIComponent(`/w/${wave}/texts`)}`);
  await page.locator('input[name="email"]').fill('reader@example.org');
  await page.locator('input[name="password"]').fill('reader password 1');
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL(`**/w/${wave}/texts`);
}, 180_000);

async function expectInert(): Promise<void> {
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator('img[src="x"], script:text("__pwned"), svg[onload], b[onmouseover]').count()).toBe(0);
}

it('the free-text page shows comments and "other" answers literally', async () => {
  const list = page.getByTestId('text-answers');
  await list.waitFor({ timeout: 15_000 });
  await list.getByText(PAYLOADS.comment).first().waitFor();
  await list.getByText(PAYLOADS.other).first().waitFor();
  await page.getByTestId('text-answer').first().hover();
  await expectInert();
}, 60_000);

it('the dashboard and the region page render with the same answers and run nothing', async () => {
  await page.goto(`${e2e.baseUrl}/w/${wave}/results`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.locator('table').first().waitFor({ timeout: 15_000 });
  await expectInert();
  await page.goto(`${e2e.baseUrl}/w/${wave}/regions/RU-VLG`);
  await page.getByRole('heading', { level: 1 }).waitFor();
  await page.locator('table').first().waitFor({ timeout: 15_000 });
  await expectInert();
}, 60_000);
