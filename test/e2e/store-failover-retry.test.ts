// The database changing its primary (MongoDB replica set): the server answers 503 with a short
// Retry-After (test/integration/store-readiness.test.ts). In the real browser: a read answered so
// is tried again by itself and the page loads without an error; a submission whose write landed
// but was answered 503 store_write_unconfirmed is sent again by itself and stored once.
// The 503s are injected at the browser's network layer; server and store are real.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase, ROOT } from '../helpers/db';
import { launchChromium } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { createFixtureWave } from '../helpers/fixtures';
import { ResponseModel } from '../../server/src/responses/response.model';

useTestDatabase({ demo: false });

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
let browser: Browser;
let server: { baseUrl: string; close: () => Promise<void> };
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const q = (name: string) => page.locator(`[data-name="${name}"]`);
const choose = (name: string, value: string) => q(name).locator(`label:has(input[value="${value}"])`).click();

const failover = (code: string) => ({
  status: 503,
  headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '1' },
  body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, code, retryAfter: 1 }),
});

it('a read answered 503 is retried; a submission answered 503 after it landed is kept once', async () => {
  const wave = await createFixtureWave();
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  page = await context.newPage();

  // The wave's first read fails over; the next one goes through.
  const reads: number[] = [];
  let failedRead = false;
  await page.route(`**/api/waves/${wave}`, async (route) => {
    if (route.request().method() !== 'GET') return route.continue();
    if (!failedRead) {
      failedRead = true;
      reads.push(503);
      return route.fulfill(failover('store_failover'));
    }
    const res = await route.fetch();
    reads.push(res.status());
    return route.fulfill({ response: res });
  });
  // The first submission reaches the server and is stored, but its answer is lost to a 503.
  const submissions: number[] = [];
  let failedWrite = false;
  await page.route(`**/api/waves/${wave}/responses`, async (route) => {
    const res = await route.fetch();
    if (!failedWrite) {
      failedWrite = true;
      expect(res.status()).toBe(201);
      submissions.push(503);
      return route.fulfill(failover('store_write_unconfirmed'));
    }
    submissions.push(res.status());
    return route.fulfill({ response: res });
  });

  await page.goto(`${server.baseUrl}/w/${wave}`);
  await q('region').waitFor({ state: 'visible', timeout: 30_000 });
  expect(reads[0]).toBe(503);
  expect(reads[1]).toBe(200);
  expect(await page.locator('.notice--error').count()).toBe(0);
  await q('region').locator('.sd-dropdown').click();
  await q('region').getByRole('combobox').focus();
  await page.keyboard.type('RU-VLG');
  const listId = await q('region').getByRole('combobox').getAttribute('aria-controls');
  await page.locator(`[id="${listId}"]`).getByRole('option').first().click();
  await q('municipality').locator('input').fill('Тотьма');
  await choose('obstacles', 'funding');
  await choose('obstacles', 'legal');
  await q('comment').locator('textarea').fill('Ответ, отправленный при смене сервера базы.');

  await page.locator('.sd-navigation__complete-btn').click();
  const confirmation = page.getByTestId('submit-confirmation');
  await confirmation.waitFor({ state: 'visible', timeout: 30_000 });
  await page.screenshot({ path: path.join(SHOTS, 'store-failover-submitted.png'), fullPage: true });
  // The retry carried the same clientId: recognised (200), not stored again.
  expect(submissions).toEqual([503, 200]);
  const stored = await ResponseModel.find({ waveCode: wave }).lean();
  expect(stored).toHaveLength(1);
  expect(stored[0].answers).toMatchObject({ municipality: 'Тотьма', obstacles: ['funding', 'legal'] });
  await context.close();
}, 120_000);
