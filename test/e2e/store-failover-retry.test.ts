// The database changing its primary (MongoDB replica set): the server answers 503 with a short
// Retry-After (test/integration/store-readiness.test.ts). In the real browser: a read answered so
// is tried again by itself and the page loads without an error; a submission whose write landed
// but was answered 503 store_write_unconfirmed is sent again by itself and stored once.
// The 503s are injected at the browser's network layer; server and store are real.
import path from 'node:path';
import { useTestDatabase } from '../helpers/db';
import { answerMiniWave, question, SHOTS, useBrowserApp } from '../helpers/e2e';
import { createFixtureWave, theOnlyResponse } from '../helpers/fixtures';

useTestDatabase({ demo: false });

const e2e = useBrowserApp();

const failover = (code: string) => ({
  status: 503,
  headers: { 'Content-Type': 'application/problem+json', 'Retry-After': '1' },
  body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, code, retryAfter: 1 }),
});

it('a read answered 503 is retried; a submission answered 503 after it landed is kept once', async () => {
  const wave = await createFixtureWave();
  const { page } = await e2e.newPage({ viewport: { width: 1200, height: 900 } });

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

  await page.goto(`${e2e.baseUrl}/w/${wave}`);
  await question(page, 'region').waitFor({ state: 'visible', timeout: 30_000 });
  expect(reads[0]).toBe(503);
  expect(reads[1]).toBe(200);
  expect(await page.locator('.notice--error').count()).toBe(0);
  await answerMiniWave(page, 'Ответ, отправленный при смене сервера базы.');

  await page.locator('.sd-navigation__complete-btn').click();
  const confirmation = page.getByTestId('submit-confirmation');
  await confirmation.waitFor({ state: 'visible', timeout: 30_000 });
  await page.screenshot({ path: path.join(SHOTS, 'store-failover-submitted.png'), fullPage: true });
  // The retry carried the same clientId: recognised (200), not stored again.
  expect(submissions).toEqual([503, 200]);
  const stored = await theOnlyResponse(wave);
  expect(stored.answers).toMatchObject({ municipality: 'Тотьма', obstacles: ['funding', 'legal'] });
}, 120_000);
