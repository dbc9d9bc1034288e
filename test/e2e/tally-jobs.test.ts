// An admin checks a wave's kept counts from the wave's admin page in Chromium: the check runs as
// a job with a progress bar, reports the region whose kept count is off, the rebuild repairs it,
// and a second check agrees. A coordinator without the researcher role is not offered the buttons
// (the job routes would refuse them). Screenshots (ru, en) go to
// test-results/screenshots/tally-jobs-*.png.
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
import { counterId, rebuildCounters } from '../../server/src/analytics/counters.service';
import { CounterModel } from '../../server/src/analytics/counter.model';
import { ResponseModel } from '../../server/src/responses/response.model';

useTestDatabase({ demo: false });

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const ADMIN = { email: 'tally-admin@e2e.local', password: 'tally admin password 1' };
const COORD = { email: 'tally-coord@e2e.local', password: 'tally coord password 1' };
const ROWS = 3000;

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let wave: string;
const errors: string[] = [];

async function signIn(p: Page, who: { email: string; password: string }) {
  await p.goto(`${server.baseUrl}/admin/waves/${wave}`);
  await p.getByLabel('Электронная почта').fill(who.email);
  await p.getByLabel('Пароль').fill(who.password);
  await p.getByRole('button', { name: 'Войти' }).click();
  await p.waitForURL(new RegExp(`/admin/waves/${wave}$`));
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  wave = await createFixtureWave();
  const { questionnaire } = await waveCatalogue(wave);
  const at = new Date('2026-03-01T10:00:00Z');
  const docs = Array.from({ length: ROWS }, (_x, k) => ({
    _id: randomUUID(),
    waveCode: wave,
    questionnaireId: questionnaire.id,
    status: 'complete',
    answers: answers({ region: k % 2 ? 'RU-VLG' : 'UA-05', municipality: `М-${k}` }),
    regionCode: k % 2 ? 'RU-VLG' : 'UA-05',
    municipality: `М-${k}`,
    municipalityType: '',
    sizeClass: '',
    respondentRole: '',
    obstacles: ['funding'],
    regionObstacles: [`${k % 2 ? 'RU-VLG' : 'UA-05'}|funding`],
    locale: 'ru',
    startedAt: at,
    submittedAt: new Date(at.getTime() + k),
    // Marked counted, so the rebuild below sets the counts from one recount (no catch-up of each).
    talliedAt: at,
  }));
  await ResponseModel.collection.insertMany(docs as never[], { ordered: false });
  await rebuildCounters(wave);
  // A kept count gone wrong in one region: the check must name it.
  await CounterModel.updateOne({ _id: counterId(wave, 'RU-VLG') }, { $inc: { n: 7 } });
  await createUser(ADMIN.email, ADMIN.password, ['admin']);
  await createUser(COORD.email, COORD.password, ['coordinator']);
  // Slowed batches: the progress bar is seen while the recount runs.
  server = await startServer({ jobs: { batchDelayMs: 1000, pollMs: 100 } });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
}, 400_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.close();
});

describe('kept counts on the wave admin page', () => {
  it('check shows progress and names the wrong region; rebuild repairs it; a second check agrees', async () => {
    await signIn(page, ADMIN);
    const section = page.getByTestId('tally-jobs');
    await section.getByRole('button', { name: 'Проверить подсчёты' }).click();
    await section.getByTestId('tally-progress').waitFor({ timeout: 30_000 });
    // The total comes from the kept counts (3,000 + the 7 too many in RU-VLG).
    await page.waitForFunction(
      () => /из 3[\s\u00a0]007 анкет/.test(document.querySelector('[data-testid="tally-job"]')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'tally-jobs-progress-ru.png'), fullPage: true });
    const result = section.getByTestId('tally-result');
    await result.waitFor({ timeout: 120_000 });
    expect(await result.textContent()).toContain('расходятся с пересчётом в 1 регионе: RU-VLG');
    await page.screenshot({ path: path.join(SHOTS, 'tally-jobs-differs-ru.png'), fullPage: true });

    await section.getByRole('button', { name: 'Пересобрать подсчёты' }).click();
    await page.waitForFunction(
      () => /пересобраны/.test(document.querySelector('[data-testid="tally-result"]')?.textContent ?? ''),
      undefined,
      { timeout: 120_000 },
    );
    expect(await result.textContent()).toMatch(/пересобраны: 3\s000 анкет, регионов: 2/);
    const kept = await CounterModel.findById(counterId(wave, 'RU-VLG')).lean<{ n: number }>();
    expect(kept?.n).toBe(ROWS / 2);

    await page.getByTestId('language-switcher').selectOption('en');
    await section.getByRole('button', { name: 'Check the counts' }).click();
    await page.waitForFunction(
      () => /match the recount/.test(document.querySelector('[data-testid="tally-result"]')?.textContent ?? ''),
      undefined,
      { timeout: 120_000 },
    );
    expect(await result.textContent()).toBe('The counts match the recount (3,000 questionnaires).');
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'tally-jobs-ok-en.png'), fullPage: true });
    await page.getByTestId('language-switcher').selectOption('ru');
    expect(errors).toEqual([]);
  }, 400_000);

  it('a coordinator without the researcher role is not offered the buttons', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const p = await other.newPage();
      await signIn(p, COORD);
      await p.getByTestId('wave-status').waitFor();
      expect(await p.getByTestId('tally-jobs').count()).toBe(0);
    } finally {
      await other.close();
    }
  }, 120_000);
});
