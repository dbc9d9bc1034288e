// The crosstab page with two questions over more respondents than a request counts (issue 20):
// the page starts a crosstab job, says the table is counted from the responses as a job, shows
// its progress, then the table. Screenshots (ru while counting, en when done) go to
// docs/screenshots/cube20-crosstab-job-*.png.
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { useTestDatabase, ROOT } from '../helpers/db';
import { launchChromium } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { createUser } from '../helpers/auth';
import { answers, createFixtureWave } from '../helpers/fixtures';
import { ResponseModel } from '../../server/src/responses/response.model';
import { waveCatalogue } from '../../server/src/analytics/catalogue';
import { setMinCell } from '../../server/src/analytics/coding.service';
import { rebuildCounters } from '../../server/src/analytics/counters.service';
import { INLINE_PAIR_LIMIT } from '../../server/src/analytics/crosstab.service';

useTestDatabase({ demo: false });

const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const EMAIL = 'pairs@e2e.local';
const PASSWORD = 'pairs password 1';
const N = INLINE_PAIR_LIMIT + 500;
let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;
let page: Page;
let wave: string;

beforeAll(async () => {
  wave = await createFixtureWave();
  await setMinCell(wave, 1);
  const { questionnaire } = await waveCatalogue(wave);
  const types = ['urban_okrug', 'municipal_district', 'rural_settlement'];
  const docs = Array.from({ length: N }, (_x, i) => ({
    _id: randomUUID(),
    waveCode: wave,
    questionnaireId: questionnaire.id,
    status: 'complete',
    answers: answers({ municipality_type: types[i % 3], has_experience: i % 4 === 0 }),
    regionCode: 'RU-VLG',
    municipality: `М-${i}`,
    municipalityType: types[i % 3],
    sizeClass: '',
    respondentRole: '',
    locale: 'ru',
    startedAt: null,
    submittedAt: new Date(Date.UTC(2026, 2, 1) + i),
    talliedAt: new Date(),
  }));
  await ResponseModel.collection.insertMany(docs as never[], { ordered: false });
  await rebuildCounters(wave);
  await createUser(EMAIL, PASSWORD, ['researcher']);
  // Slow batches, so that the progress can be seen (and photographed) before the table.
  server = await startServer({ jobs: { batchDelayMs: 400 } });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

it('two questions over many respondents: a job with progress, then the table', async () => {
  await page.goto(`${server.baseUrl}/w/${wave}/crosstab?row=municipality_type&col=has_experience`);
  await page.getByLabel('Электронная почта').fill(EMAIL);
  await page.getByLabel('Пароль').fill(PASSWORD);
  await page.getByRole('button', { name: 'Войти' }).click();
  const note = page.getByTestId('crosstab-job');
  await note.waitFor({ state: 'visible', timeout: 60_000 });
  await note.filter({ hasText: 'как задание на сервере' }).waitFor({ timeout: 15_000 });
  await note.filter({ hasText: /Посчитано [1-9][\d\s ]* из [\d\s ]+ анкет/ }).waitFor({ timeout: 60_000 });
  await page.screenshot({ path: path.join(SHOTS, 'cube20-crosstab-job-ru.png'), fullPage: true });
  await page.getByTestId('crosstab-table').waitFor({ state: 'visible', timeout: 120_000 });
  await page
    .getByTestId('crosstab-base')
    .filter({ hasText: /База: 2[\s ]?500/ })
    .waitFor({ timeout: 15_000 });
  await page.getByTestId('language-switcher').selectOption('en');
  await page.getByTestId('crosstab-job').filter({ hasText: 'counted from the responses as a job' }).waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'cube20-crosstab-job-en.png'), fullPage: true });
}, 240_000);
