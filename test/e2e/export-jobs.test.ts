// A researcher presses an export on the results page in Chromium: the export runs as a job, a
// progress bar shows rows, percent and time left, the file downloads when it is ready, and the
// wave's recent exports are listed with who started them. Another export is cancelled from the
// page. Screenshots (Russian) go to test-results/screenshots/issue9-export-*.png.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { useTestDatabase, ROOT } from '../helpers/db';
import { launchChromium } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { createUser } from '../helpers/auth';
import { answers, createFixtureWave } from '../helpers/fixtures';
import { waveCatalogue } from '../../server/src/analytics/catalogue';
import { rebuildCounters } from '../../server/src/analytics/counters.service';
import { ResponseModel } from '../../server/src/responses/response.model';

useTestDatabase({ demo: false });

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const EMAIL = 'exporter@e2e.local';
const PASSWORD = 'exporter password 1';
const ROWS = 4000;

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let wave: string;
const errors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  wave = await createFixtureWave();
  const { questionnaire } = await waveCatalogue(wave);
  const at = new Date('2026-03-01T10:00:00Z');
  for (let i = 0; i < ROWS; i += 2000) {
    const docs = Array.from({ length: 2000 }, (_x, k) => ({
      _id: randomUUID(),
      waveCode: wave,
      questionnaireId: questionnaire.id,
      status: 'complete',
      // ~150 municipalities per region, as in a real region (each kept in its cube cell's list).
      answers: answers({ region: k % 2 ? 'RU-VLG' : 'UA-05', municipality: `М-${(i + k) % 300}` }),
      regionCode: k % 2 ? 'RU-VLG' : 'UA-05',
      municipality: `М-${(i + k) % 300}`,
      municipalityType: '',
      sizeClass: '',
      respondentRole: '',
      obstacles: ['funding'],
      regionObstacles: [`${k % 2 ? 'RU-VLG' : 'UA-05'}|funding`],
      locale: 'ru',
      startedAt: at,
      submittedAt: new Date(at.getTime() + i + k),
      talliedAt: null,
    }));
    await ResponseModel.collection.insertMany(docs as never[], { ordered: false });
  }
  await rebuildCounters(wave);
  await createUser(EMAIL, PASSWORD, ['researcher']);
  // Slowed batches: the progress bar is seen moving (and a cancel arrives in time).
  server = await startServer({ jobs: { batchDelayMs: 250, pollMs: 100 } });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
}, 400_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('exports as jobs in the results page', () => {
  it('an export shows its progress, then downloads; the recent list shows it; a second one is cancelled', async () => {
    await page.goto(`${server.baseUrl}/w/${wave}/results`);
    await page.getByLabel('Электронная почта').fill(EMAIL);
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL(new RegExp(`/w/${wave}/results$`));

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
