// The coordinator chooses the roles of questions in the library (Chromium, Russian then English):
// an upload without lsgRole reports that there is no region question; "Question roles" picks
// the region question and saves it; the library then shows it. Screenshots in
// test-results/screenshots/question-roles-*.png.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/db';
import { SHOTS, signIn, useBrowserApp } from '../helpers/e2e';
import { createUser } from '../helpers/auth';
import { getQuestionnaire } from '../../server/src/questionnaires/questionnaires.service';

useTestDatabase({ demo: false });

const USER = { email: 'roles@e2e.local', password: 'roles password 1' };
const e2e = useBrowserApp();

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
  await createUser(USER.email, USER.password, ['coordinator']);
});

async function signedIn(lang: 'ru' | 'en'): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await e2e.newPage({ viewport: { width: 1280, height: 1000 }, lang });
  await signIn(page, e2e.baseUrl, USER);
  await page.getByTestId('admin-link').waitFor();
  await page.goto(`${e2e.baseUrl}/admin/questionnaires`);
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
