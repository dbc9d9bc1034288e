// A researcher presses an export on the results page in Chromium: the export runs as a job, a
// progress bar shows rows, percent and time left, the file downloads when it is ready, and the
// wave's recent exports are listed with who started them. Another export is cancelled from the
// page. Screenshots (Russian) go to test-results/screenshots/issue9-export-*.png.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/db';
import { type BrowserApp, SHOTS, signInAt, startBrowserApp } from '../helpers/e2e';
import { createUser } from '../helpers/auth';
import { answers, createFixtureWave, insertResponses } from '../helpers/fixtures';

useTestDatabase({ demo: false });

const EMAIL = 'exporter@e2e.local';
const PASSWORD = 'exporter password 1';
const ROWS = 4000;

let e2e: BrowserApp;
let page: Page;
let wave: string;
let errors: string[];

beforeAll(async () => {
  wave = await createFixtureWave();
  // ~150 municipalities per region, as in a real region (each kept in its cube cell's list).
  const region = (i: number) => (i % 2 ? 'RU-VLG' : 'UA-05');
  await insertResponses(wave, ROWS, (i) => answers({ region: region(i), municipality: `М-${i % 300}` }), {
    tallied: false,
  });
  await createUser(EMAIL, PASSWORD, ['researcher']);
  // Slowed batches: the progress bar is seen moving (and a cancel arrives in time).
  e2e = await startBrowserApp({ jobs: { batchDelayMs: 250, pollMs: 100 } });
  ({ page, errors } = await e2e.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true }));
}, 400_000);

afterAll(async () => {
  await e2e?.close();
});

describe('exports as jobs in the results page', () => {
  it('an export shows its progress, then downloads; the recent list shows it; a second one is cancelled', async () => {
    await signInAt(page, e2e.baseUrl, `/w/${wave}/results`, { email: EMAIL, password: PASSWORD });

    const csvButton = page.getByRole('link', { name: 'Ответы (CSV)' });
    await csvButton.waitFor({ state: 'visible', timeout: 30_000 });
    const downloaded = page.waitForEvent('download', { timeout: 90_000 });
    await csvButton.click();
    // The progress bar appears with rows of the total and a percentage.
    const item = page.getByTestId('export-progress').locator('li').first();
    await item.filter({ hasText: `из ${(4000).toLocaleString('ru-RU')} строк` }).waitFor({ timeout: 30_000 });
    await item.filter({ hasText: /осталось около/ }).waitFor({ timeout: 30_000 });
    const bar = page.getByTestId('export-progress-bar');
    expect(Number(await bar.getAttribute('value'))).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(SHOTS, 'issue9-export-progress.png'), fullPage: true });

    const download = await downloaded;
    expect(download.suggestedFilename()).toBe(`${wave}-responses.csv`);
    const text = fs.readFileSync((await download.path())!, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text.trim().split('\r\n')).toHaveLength(ROWS + 1);
    await item.filter({ hasText: 'Готово, скачивание началось.' }).waitFor({ timeout: 10_000 });

    // The wave's recent exports: who and when, the ready file as a link.
    const recent = page.getByTestId('recent-exports');
    await recent.locator('tr[data-state="done"]', { hasText: EMAIL }).first().waitFor({ timeout: 10_000 });
    await expect(recent.getByRole('link', { name: `${wave}-responses.csv` }).count()).resolves.toBeGreaterThan(0);

    // A second export, cancelled while it runs.
    await page.getByRole('link', { name: 'Ответы (XLSX)' }).click();
    const second = page.getByTestId('export-progress').locator('li[data-state="running"]');
    await second.waitFor({ timeout: 30_000 });
    await second.getByRole('button', { name: 'Отменить' }).click();
    await page.getByTestId('export-progress').locator('li[data-state="cancelled"]').waitFor({ timeout: 15_000 });
    await recent.locator('tr[data-state="cancelled"]').first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: path.join(SHOTS, 'issue9-export-list.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 180_000);
});
