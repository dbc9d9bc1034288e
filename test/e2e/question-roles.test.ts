// The coordinator chooses the roles of questions in the library (Chromium, Russian then English):
// an upload without lsgRole reports that there is no region question; "Question roles" picks
// the region question and saves it; the library then shows it. Screenshots in
// test-results/screenshots/question-roles-*.png.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { useTestDatabase, ROOT } from '../helpers/db';
import { launchChromium } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { createUser } from '../helpers/auth';
import { getQuestionnaire } from '../../server/src/questionnaires/questionnaires.service';

useTestDatabase({ demo: false });

const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
let browser: Browser;
let server: { baseUrl: string; close: () => Promise<void> };
const contexts: BrowserContext[] = [];

const MONITOR = {
  title: { ru: 'Партнёры по регионам', en: 'Partners per region' },
  elements: [
    {
      type: 'dropdown',
      name: 'oblast',
      title: { ru: 'Регион', en: 'Region' },
      isRequired: true,
      choices: ['RU-VLG', 'RU-ARK'],
    },
    { type: 'text', name: 'partners', title: { ru: 'Число партнёров', en: 'Partners' }, inputType: 'number' },
  ],
};

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  await createUser('roles@e2e.local', 'roles password 1', ['coordinator']);
}, 300_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.close();
});

async function signedIn(lang: 'ru' | 'en'): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  contexts.push(context);
  await context.addInitScript((l) => localStorage.setItem('lsg-barometer:lang', l), lang);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  await page.goto(`${server.baseUrl}/login`);
  await page.locator('input[type="email"]').fill('roles@e2e.local');
  await page.locator('input[type="password"]').fill('roles password 1');
  await page.locator('form button[type="submit"]').click();
  await page.getByTestId('admin-link').waitFor();
  await page.goto(`${server.baseUrl}/admin/questionnaires`);
  return { page, errors };
}

it('uploads a questionnaire without a region question, is warned, and chooses the region question', async () => {
  const { page, errors } = await signedIn('ru');
  await page.locator('input[name="key"]').fill('roles-monitor');
  await page.locator('textarea[name="definition"]').fill(JSON.stringify(MONITOR, null, 2));
  await page.getByRole('button', { name: 'Проверить и загрузить' }).click();
  const report = page.getByTestId('upload-roles');
  await report.waitFor();
  expect(await report.innerText()).toMatch(/Выберите вопрос о регионе в библиотеке/);
  await page.getByTestId('roles-roles-monitor@1').filter({ hasText: 'нет вопроса о регионе' }).waitFor();
  await report.screenshot({ path: path.join(SHOTS, 'question-roles-upload-ru.png') });

  await page.getByRole('button', { name: 'Роли вопросов roles-monitor, версия 1' }).click();
  const editor = page.getByTestId('roles-editor');
  await editor.waitFor();
  await editor.getByLabel('Регион', { exact: true }).selectOption('oblast');
  await editor.getByRole('button', { name: 'Сохранить роли' }).click();
  await page.getByTestId('roles-saved').waitFor();
  await page.getByTestId('roles-roles-monitor@1').filter({ hasText: 'oblast' }).waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'question-roles-ru.png'), fullPage: true });
  expect((await getQuestionnaire('roles-monitor@1')).roles).toEqual({ region: 'oblast' });
  expect(errors).toEqual([]);
}, 120_000);

it('shows the same in English', async () => {
  const { page, errors } = await signedIn('en');
  await page.getByTestId('roles-roles-monitor@1').filter({ hasText: 'oblast' }).waitFor();
  await page.getByRole('button', { name: 'Question roles of roles-monitor, version 1' }).click();
  const editor = page.getByTestId('roles-editor');
  await editor.waitFor();
  expect(await editor.getByLabel('Region', { exact: true }).inputValue()).toBe('oblast');
  await editor.screenshot({ path: path.join(SHOTS, 'question-roles-editor-en.png') });
  expect(errors).toEqual([]);
}, 120_000);
