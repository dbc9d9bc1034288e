// The questionnaire editor in Chromium (issue 19): the coordinator's journey (open the barriers
// questionnaire, add a rating question shown only when "funding" is an obstacle, translate it
// into Ukrainian in the table and into English by an XLSX round trip, preview it at phone width,
// save it as a new version and clone a wave onto that version), keyboard-only editing of one
// question, and the server's refusal of an unsafe name shown next to the question.
// A questionnaire with a dynamic panel (uploaded through the API): its inner questions edited,
// a question's type changed, a missing translation named in Russian, saved as a new version.
// Screenshots: docs/screenshots/editor-*.png.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { useTestDatabase, ROOT } from '../helpers/db';
import { launchChromium } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { createUser } from '../helpers/auth';
import { axeViolations, describeFindings } from '../helpers/axe';
import { QuestionnaireModel } from '../../server/src/questionnaires/questionnaire.model';
import { getQuestionnaire, registerVersion } from '../../server/src/questionnaires/questionnaires.service';
import { createWave, getWave } from '../../server/src/waves/waves.service';
import { fixture } from '../helpers/fixtures';

useTestDatabase({ demo: false });

const SHOTS = path.join(ROOT, 'docs', 'screenshots');
let browser: Browser;
let server: { baseUrl: string; close: () => Promise<void> };
const contexts: BrowserContext[] = [];
const EMAIL = 'editor@e2e.local';
const PASSWORD = 'editor password 1';

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  server = await startServer();
  browser = await launchChromium();
  await createUser(EMAIL, PASSWORD, ['coordinator']);
  await createWave(
    {
      code: 'barometer-2026',
      title: { ru: 'Барометр 2026', uk: 'Барометр 2026', en: 'Barometer 2026' },
      questionnaireId: 'imc-barriers@1',
      opensAt: null,
      closesAt: null,
      scope: { countries: ['RU'], regions: [] },
      access: 'public',
      anonymous: false,
    },
    'e2e',
  );
}, 300_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.close();
});

async function signedIn(lang: 'ru' | 'en', width = 1440): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 1000 }, acceptDownloads: true });
  contexts.push(context);
  await context.addInitScript((l) => localStorage.setItem('lsg-barometer:lang', l), lang);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  await page.goto(`${server.baseUrl}/login`);
  await page.locator('input[type="email"]').fill(EMAIL);
  await page.locator('input[type="password"]').fill(PASSWORD);
  await page.locator('form button[type="submit"]').click();
  await page.getByTestId('admin-link').waitFor();
  return { page, errors };
}

async function openEditor(page: Page, label: string): Promise<void> {
  await page.goto(`${server.baseUrl}/admin/questionnaires`);
  await page.getByRole('link', { name: label }).click();
  await page.getByTestId('outline').waitFor();
  await page.locator('.editor-preview .sd-root-modern, .editor-preview .sv-root-modern').first().waitFor();
}

/** Waits until `read` returns `expected` (the UI settles after a render or a debounce). */
async function poll<T>(read: () => Promise<T>, expected: T, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    last = await read();
  }
  expect(last).toEqual(expected);
}

const versions = () => QuestionnaireModel.countDocuments({ key: 'imc-barriers' });

it('refuses an unsafe question name: shown while typing, and the save names the problem next to the question', async () => {
  const { page, errors } = await signedIn('en');
  await openEditor(page, 'Edit imc-barriers, version 1');
  const before = await versions();
  await page
    .getByTestId('q-municipality')
    .getByRole('button', { name: /municipality —/ })
    .click();
  const form = page.getByTestId('question-form');
  await form.getByLabel('Question name (code)').fill('head of town');
  await form.getByText('Not an allowed name').waitFor();
  await form.getByLabel('Question name (code)').press('Tab');
  // The server's check (debounced) marks the question in the outline and in its form.
  await page.getByTestId('q-head of town').locator('.badge').waitFor();
  await page.getByRole('button', { name: 'Save as new version…' }).click();
  await page.getByTestId('save-review').getByRole('button', { name: 'Check and save' }).click();
  await page.getByTestId('save-error').waitFor();
  const problems = await form.getByTestId('question-problems').innerText();
  expect(problems).toMatch(/name/i);
  expect(await versions()).toBe(before); // nothing stored
  expect(errors).toEqual([]);
}, 120_000);

it('edits one question with the keyboard only: reorder, title, required, undo', async () => {
  const { page, errors } = await signedIn('en');
  await openEditor(page, 'Edit imc-barriers, version 1');
  const help = page.getByTestId('page-help');
  const order = async () =>
    help.locator('.editor-q').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  expect(await order()).toEqual(['q-measures', 'q-comment']);

  // Move "comment" above "measures": focus its button as Tab would, press Enter.
  await page.getByRole('button', { name: 'Move comment up' }).focus();
  await page.keyboard.press('Enter');
  await poll(order, ['q-comment', 'q-measures']);
  // The focus follows the moved question: Enter again moves it on to the previous page.
  expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Move comment up');

  // Select it with Shift+Tab back to its row button and Enter; then Tab into the form.
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  const form = page.getByTestId('question-form');
  await form.waitFor();
  expect(await form.locator('h2 code').innerText()).toBe('comment');
  await form.getByLabel('Question text (en)').focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Anything else for the association?');
  await page.keyboard.press('Tab'); // description
  await page.keyboard.press('Tab'); // required
  await page.keyboard.press('Space');
  expect(await form.getByLabel('Required').isChecked()).toBe(true);
  expect(await help.getByTestId('q-comment').innerText()).toContain('Anything else for the association?');

  // Undo (Ctrl+Z outside a text field) takes back the last step: "required".
  await page.getByRole('button', { name: 'Move comment up' }).focus();
  await page.keyboard.press('Control+Z');
  await poll(() => form.getByLabel('Required').isChecked(), false);
  await page.keyboard.press('Control+Shift+Z');
  await poll(() => form.getByLabel('Required').isChecked(), true);
  // The draft autosaves in this browser (a moment after the last change: wait for that save, not an
  // earlier one, before reloading).
  await page.getByTestId('draft-status').filter({ hasText: 'Draft saved' }).waitFor();
  const savedDraft = () =>
    page.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('lsg-editor:'));
      const draft = key
        ? (JSON.parse(localStorage.getItem(key)!) as { def: { pages: { elements: Record<string, unknown>[] }[] } })
        : null;
      const q = draft?.def.pages.flatMap((p) => p.elements).find((e) => e.name === 'comment');
      return q ? [JSON.stringify(q.title).includes('Anything else for the association?'), q.isRequired === true] : null;
    });
  await poll(savedDraft, [true, true]);
  // ... and comes back when the editor is opened again.
  await page.reload();
  await page.getByText('Your draft from').waitFor();
  expect(await page.getByTestId('page-help').getByTestId('q-comment').innerText()).toContain(
    'Anything else for the association?',
  );
  await page.getByRole('button', { name: 'Discard the draft' }).click();
  expect(await page.getByTestId('page-help').getByTestId('q-comment').innerText()).not.toContain('association');
  expect(errors).toEqual([]);
}, 120_000);

it('journey: a rating question with a condition on an obstacle, translated (one XLSX round trip), previewed on a phone, saved, used by a cloned wave', async () => {
  const { page, errors } = await signedIn('ru');
  await openEditor(page, 'Редактировать imc-barriers, версия 1');
  await page.getByTestId('question-form').waitFor();
  await page.screenshot({ path: path.join(SHOTS, 'editor-ru.png'), fullPage: true });

  // Add a rating question at the end of the obstacles page (page 3).
  await page.getByLabel('Тип нового вопроса').selectOption('rating');
  await page.getByRole('button', { name: 'Добавить вопрос (оценка по шкале) на страницу 3' }).click();
  const form = page.getByTestId('question-form');
  await form.waitFor();
  await form.getByLabel('Имя (код) вопроса').fill('trust_partners');
  await form.getByLabel('Имя (код) вопроса').press('Tab');
  await page.getByTestId('q-trust_partners').waitFor();
  await form.getByLabel('Текст вопроса (ru)').fill('Насколько вы доверяете соседним муниципалитетам?');
  await form.getByLabel('Обязательный вопрос').check();

  // Shown only when "funding" is among the obstacles.
  const visible = form.getByTestId('cond-visibleIf');
  await visible.getByRole('button', { name: '+ Условие' }).click();
  await visible.getByLabel('Условие 1: вопрос').selectOption('obstacles');
  await visible.getByLabel('Условие 1: оператор').selectOption('contains');
  await visible.getByLabel('Условие 1: значение').selectOption('funding');
  expect(await visible.getByTestId('cond-visibleIf-expr').innerText()).toBe("{obstacles} contains 'funding'");
  await form.screenshot({ path: path.join(SHOTS, 'editor-conditions-ru.png') });

  // Translations: Ukrainian typed in the table, English through an XLSX round trip.
  await page.getByRole('button', { name: 'Переводы' }).click();
  const table = page.getByTestId('translations');
  const key = 'obstacles.trust_partners.title';
  await table.getByTestId('missing-counts').filter({ hasText: 'uk 1, en 1' }).waitFor();
  await table.getByLabel(`${key}, uk`).fill('Наскільки ви довіряєте сусіднім громадам?');
  await table.getByTestId('missing-counts').filter({ hasText: 'uk 0, en 1' }).waitFor();
  await table.getByLabel('Только с недостающими переводами').check();
  expect(await table.locator('tbody tr').count()).toBe(1);
  await table.screenshot({ path: path.join(SHOTS, 'editor-translations-ru.png') });

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    table.getByRole('button', { name: 'Выгрузить в XLSX' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('imc-barriers-translations.xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile((await download.path())!);
  const ws = wb.getWorksheet('translations')!;
  let found = 0;
  ws.eachRow((row) => {
    if (row.getCell(1).value === key) {
      expect(row.getCell(3).value).toBe('Наскільки ви довіряєте сусіднім громадам?');
      row.getCell(4).value = 'How much do you trust the neighbouring municipalities?';
      found++;
    }
  });
  expect(found).toBe(1);
  const translated = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'editor-')), 'translated.xlsx');
  await wb.xlsx.writeFile(translated);
  await table.getByTestId('translations-import').setInputFiles(translated);
  const report = table.getByTestId('import-report');
  await report.waitFor();
  expect(await report.innerText()).toContain('изменено текстов — 1, неизвестных ключей — 0');
  await table.getByTestId('missing-counts').filter({ hasText: 'переведены на три языка' }).waitFor();

  // Preview at phone width, in English; "try it" asks the server.
  await page.getByRole('button', { name: 'Вопросы' }).click();
  const preview = page.getByTestId('editor-preview');
  await preview.getByText('телефон', { exact: true }).click();
  await preview.getByText('English', { exact: true }).click();
  const frame = preview.getByTestId('preview-frame');
  await poll(async () => Math.round((await frame.boundingBox())!.width), 375);
  await preview.getByText('Inter-municipal cooperation: experience and obstacles').first().waitFor();
  await preview.getByRole('button', { name: 'Проверить ответы на сервере' }).click();
  await preview.getByTestId('try-result').filter({ hasText: 'Сервер не принял бы ответы' }).waitFor();
  await preview.getByText('Русский', { exact: true }).click();
  // The preview is sticky beside the editor: the picture is what the viewport shows of it.
  await page.evaluate(() => window.scrollTo(0, 0));
  const box = (await page.locator('.editor-side').boundingBox())!;
  await page.screenshot({
    path: path.join(SHOTS, 'editor-preview-phone-ru.png'),
    clip: { x: box.x, y: box.y, width: box.width, height: Math.min(box.height, 1000 - box.y) },
  });

  // Save: the diff against version 1 first, then the server's checks.
  await page.getByRole('button', { name: 'Сохранить как новую версию…' }).click();
  const review = page.getByTestId('save-review');
  await review.waitFor();
  expect(await review.getByTestId('diff-added').innerText()).toContain('trust_partners');
  expect(await review.getByTestId('diff-removed').locator('li').count()).toBe(0);
  await review.getByRole('button', { name: 'Проверить и сохранить' }).click();
  await page.getByTestId('save-done').filter({ hasText: 'imc-barriers, версия 2' }).waitFor();

  const v2 = await getQuestionnaire('imc-barriers@2');
  const pages = v2.definition.pages as { name: string; elements: Record<string, unknown>[] }[];
  const added = pages.find((p) => p.name === 'obstacles')!.elements.at(-1)!;
  expect(added).toMatchObject({
    type: 'rating',
    name: 'trust_partners',
    isRequired: true,
    visibleIf: "{obstacles} contains 'funding'",
    title: {
      ru: 'Насколько вы доверяете соседним муниципалитетам?',
      uk: 'Наскільки ви довіряєте сусіднім громадам?',
      en: 'How much do you trust the neighbouring municipalities?',
    },
  });
  expect(v2.roles).toMatchObject({ region: 'region', obstacles: 'obstacles' });

  // A clone of last year's wave uses the new version.
  await page.goto(`${server.baseUrl}/admin/waves/barometer-2026`);
  const clone = page.locator('form').filter({ has: page.getByLabel('Версия анкеты') });
  await clone.getByLabel('Версия анкеты').selectOption('imc-barriers@2');
  await clone.getByLabel('Код волны').fill('barometer-2027');
  await clone.getByRole('button', { name: 'Создать копию' }).click();
  await clone.getByRole('link', { name: 'Перейти к новой волне' }).waitFor();
  expect((await getWave('barometer-2027')).questionnaireId).toBe('imc-barriers@2');
  expect(errors).toEqual([]);
}, 120_000);

it('the editor in English: an existing condition parsed back into the builder; no serious axe findings', async () => {
  const { page, errors } = await signedIn('en');
  await openEditor(page, 'Edit imc-barriers, version 1');
  await page
    .getByTestId('q-obstacle_severity')
    .getByRole('button', { name: /obstacle_severity —/ })
    .click();
  await page.getByTestId('question-form').waitFor();
  // An existing two-clause condition is parsed back into the builder.
  expect(await page.getByTestId('cond-visibleIf').getByLabel('Condition 2: operator').inputValue()).toBe('notcontains');
  // 'none' is the value of the "None of these" item: shown as itself, not as another choice.
  expect(await page.getByTestId('cond-visibleIf').getByLabel('Condition 2: value').inputValue()).toBe('none');
  await page.getByTestId('question-form').getByText('Show if').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'editor-en.png') });
  // No serious or critical axe findings on either view of the editor.
  const findings = describeFindings('editor', await axeViolations(page));
  await page.getByRole('button', { name: 'Translations' }).click();
  await page.getByTestId('translations').waitFor();
  findings.push(...describeFindings('translations', await axeViolations(page)));
  expect(findings).toEqual([]);
  expect(errors).toEqual([]);
}, 120_000);

it('a new wave on a version with a missing language is refused until the coordinator says so', async () => {
  const definition = {
    title: { ru: 'Короткая анкета', uk: 'Коротка анкета', en: 'Short questionnaire' },
    pages: [
      {
        name: 'p1',
        elements: [
          { type: 'rating', name: 'trust', title: { ru: 'Доверие', en: 'Trust' } }, // no Ukrainian
        ],
      },
    ],
  };
  const { version } = await registerVersion('short-untranslated', definition, 'upload');
  const { page, errors } = await signedIn('ru');
  await page.goto(`${server.baseUrl}/admin/waves/new`);
  await page.getByLabel('Код волны').fill('short-2026');
  await page.getByLabel('Название по-русски').fill('Короткая волна');
  await page.getByLabel('Версия анкеты').selectOption(version.id);
  await page.getByLabel('Открытая ссылка: отвечает любой').check();
  await page.getByRole('button', { name: 'Создать волну' }).click();
  const problems = page.getByTestId('problems');
  await problems.waitFor();
  // The server's reason code in the user's language, with the languages and counts it gives.
  expect(await problems.innerText()).toContain('не все тексты переведены на языки анкеты: украинский — 1');
  expect(await problems.innerText()).not.toMatch(/without a translation/);
  await page.getByLabel('Использовать, даже если не хватает переводов').check();
  await page.getByRole('button', { name: 'Создать волну' }).click();
  await page.waitForURL(/\/admin\/waves\/short-2026$/);
  expect((await getWave('short-2026')).questionnaireId).toBe(version.id);
  expect(errors).toEqual([]);
}, 120_000);

/** A picture of the editor with the preview showing the panel's first entry (answered there). */
async function panelShot(page: Page, yes: string, nameLabel: RegExp, innerTitle: string, file: string) {
  const preview = page.getByTestId('editor-preview');
  await page.waitForTimeout(800); // the preview is rebuilt a moment after the last edit
  await preview.getByText(yes, { exact: true }).first().click();
  await preview.getByRole('textbox', { name: nameLabel }).fill('Полигон ТКО');
  // The preview scrolls within its column: bring the edited inner question into its view.
  await preview.getByText(innerTitle).first().scrollIntoViewIfNeeded();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.waitForTimeout(600); // SurveyJS fades in a question that has just become visible
  await page.screenshot({ path: path.join(SHOTS, file), fullPage: true });
}

it('a dynamic panel: an inner question retitled with a new choice, types changed, a missing translation in Russian, saved as version 2', async () => {
  const { page, errors } = await signedIn('ru');
  // The questionnaire comes in through the library's upload API, as a coordinator's file would.
  const status = await page.evaluate(
    async (definition) => {
      const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
      const res = await fetch('/api/questionnaires', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
        body: JSON.stringify({ key: 'joint-projects', definition }),
      });
      return res.status;
    },
    JSON.stringify(fixture('joint-projects.json')),
  );
  expect(status).toBe(201);
  await openEditor(page, 'Редактировать joint-projects, версия 1');

  // The panel's questions are listed under it and can be selected like any other.
  const inner = page.getByTestId('inner-projects');
  const innerOrder = () =>
    inner.locator(':scope > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
  expect(await innerOrder()).toEqual(['q-project_name', 'q-sector', 'q-project_note']);
  await inner.getByRole('button', { name: /sector —/ }).click();
  const form = page.getByTestId('question-form');
  expect(await form.locator('h2 code').innerText()).toBe('sector');
  await form.getByTestId('question-panel').filter({ hasText: 'Внутри динамической панели projects' }).waitFor();
  // No role selector inside a panel (roles name questions of the pages).
  expect(await form.getByLabel('Роль вопроса в анализе').count()).toBe(0);

  // Title in Russian, and one more choice pasted in Russian only.
  await form.getByLabel('Текст вопроса (ru)').fill('Сфера проекта');
  await inner.getByTestId('q-sector').filter({ hasText: 'Сфера проекта' }).waitFor();
  const choices = form.getByLabel('Варианты ответа');
  await choices.fill(`${await choices.inputValue()}\nwater | Вода`);
  await form.getByRole('button', { name: 'Применить список' }).click();
  // The missing translations of the new choice, worded from the locale file, next to the question.
  const missing = form.getByTestId('question-translations');
  await missing
    .filter({ hasText: 'не все тексты переведены на языки анкеты: украинский — 1, английский — 1' })
    .waitFor();

  // A condition inside the panel asks about another question of the same entry.
  const visible = form.getByTestId('cond-visibleIf');
  await visible.getByRole('button', { name: '+ Условие' }).click();
  await visible.getByLabel('Условие 1: вопрос').selectOption('panel.project_name');
  await visible.getByLabel('Условие 1: оператор').selectOption('notempty');
  expect(await visible.getByTestId('cond-visibleIf-expr').innerText()).toBe('{panel.project_name} notempty');

  // Type: one of a list → several of a list keeps the choices; the notice offers undo.
  await form.getByLabel('Тип вопроса').selectOption('checkbox');
  const changed = form.getByTestId('type-changed');
  await changed.filter({ hasText: '«один из списка» → «несколько из списка»' }).waitFor();
  expect(await changed.innerText()).toContain('Всё сохранено');
  expect(await choices.inputValue()).toContain('water | Вода');
  await panelShot(page, 'Да', /Название проекта/, 'Сфера проекта', 'editor-panel-ru.png');

  // A new inner question, moved up by the keyboard, inside the panel only.
  await page.getByLabel('Тип нового вопроса').selectOption('text');
  await page.getByRole('button', { name: 'Добавить вопрос (строка / число) в панель projects' }).click();
  await form.getByLabel('Имя (код) вопроса').fill('budget');
  await form.getByLabel('Имя (код) вопроса').press('Enter');
  await inner.getByTestId('q-budget').waitFor();
  await form.getByLabel('Текст вопроса (ru)').fill('Бюджет, тыс. руб.');
  await page.getByRole('button', { name: 'Вопрос budget выше' }).focus();
  await page.keyboard.press('Enter');
  await poll(innerOrder, ['q-project_name', 'q-budget', 'q-sector', 'q-project_note']);

  // A question of the page: number field → rating carries its range; undone, then done again.
  await page
    .getByTestId('q-partners_count')
    .getByRole('button', { name: /partners_count —/ })
    .click();
  await form.getByLabel('Тип вопроса').selectOption('rating');
  await form.getByTestId('type-changed').waitFor();
  expect(await form.getByLabel('Шкала до').inputValue()).toBe('100');
  await form.getByRole('button', { name: 'Вернуть прежний тип' }).click();
  await poll(() => form.getByLabel('Тип вопроса').inputValue(), 'text');
  expect(await form.getByTestId('type-changed').count()).toBe(0);
  await form.getByLabel('Тип вопроса').selectOption('comment');
  await form.getByTestId('type-changed').filter({ hasText: 'inputType, min, max' }).waitFor();

  // The new texts are rows of the translation table: translated there.
  await page.getByRole('button', { name: 'Переводы' }).click();
  const table = page.getByTestId('translations');
  await table.getByLabel('projects_page.projects.sector.choices.water, uk').fill('Вода');
  await table.getByLabel('projects_page.projects.sector.choices.water, en').fill('Water');
  await table.getByLabel('projects_page.projects.budget.title, uk').fill('Бюджет, тис. грн');
  await table.getByLabel('projects_page.projects.budget.title, en').fill('Budget, thousands');
  await table.getByTestId('missing-counts').filter({ hasText: 'переведены на три языка' }).waitFor();
  await page.getByRole('button', { name: 'Вопросы' }).click();
  await inner.getByRole('button', { name: /sector —/ }).click();
  expect(await form.getByTestId('question-translations').count()).toBe(0);

  // The preview renders the panel's entry with the edited question.
  const preview = page.getByTestId('editor-preview');
  await page.waitForTimeout(800); // the preview is rebuilt a moment after the last edit
  await preview.getByText('Да', { exact: true }).first().click();
  const projectName = preview.getByRole('textbox', { name: /Название проекта/ });
  await projectName.fill('Полигон');
  await projectName.press('Tab'); // SurveyJS takes a text's value when it loses the focus
  await preview.getByText('Сфера проекта').first().waitFor();
  await preview.getByText('Вода', { exact: true }).first().waitFor();

  // Save: the diff names the inner questions; then the stored JSON.
  await page.getByRole('button', { name: 'Сохранить как новую версию…' }).click();
  const review = page.getByTestId('save-review');
  await review.waitFor();
  expect(await review.getByTestId('diff-added').innerText()).toContain('projects.budget');
  const changedList = await review.getByTestId('diff-changed').innerText();
  expect(changedList).toContain('projects.sector');
  expect(changedList).toContain('partners_count');
  await review.getByRole('button', { name: 'Проверить и сохранить' }).click();
  await page.getByTestId('save-done').filter({ hasText: 'joint-projects, версия 2' }).waitFor();

  const v2 = await getQuestionnaire('joint-projects@2');
  const elements = (v2.definition.pages as { elements: Record<string, unknown>[] }[])[0]!.elements;
  const panel = elements.find((e) => e.name === 'projects')!;
  const template = panel.templateElements as Record<string, unknown>[];
  expect(template.map((e) => e.name)).toEqual(['project_name', 'budget', 'sector', 'project_note']);
  expect(template[1]).toMatchObject({
    type: 'text',
    title: { ru: 'Бюджет, тыс. руб.', uk: 'Бюджет, тис. грн', en: 'Budget, thousands' },
  });
  expect(template[2]).toEqual({
    type: 'checkbox',
    name: 'sector',
    title: { ru: 'Сфера проекта', uk: 'Сфера', en: 'Sector' },
    visibleIf: '{panel.project_name} notempty',
    choices: [
      { value: 'waste', text: { ru: 'Отходы', uk: 'Відходи', en: 'Waste' } },
      { value: 'transport', text: { ru: 'Транспорт', uk: 'Транспорт', en: 'Transport' } },
      { value: 'tourism', text: { ru: 'Туризм', uk: 'Туризм', en: 'Tourism' } },
      { value: 'water', text: { ru: 'Вода', uk: 'Вода', en: 'Water' } },
    ],
  });
  expect(elements.find((e) => e.name === 'partners_count')).toEqual({
    type: 'comment',
    name: 'partners_count',
    title: {
      ru: 'Сколько у вас муниципалитетов-партнёров?',
      uk: 'Скільки у вас громад-партнерів?',
      en: 'How many partner municipalities do you have?',
    },
  });
  expect(errors).toEqual([]);

  // The same editor in English, on the saved version.
  const en = await signedIn('en');
  await openEditor(en.page, 'Edit joint-projects, version 2');
  await en.page
    .getByTestId('inner-projects')
    .getByRole('button', { name: /sector —/ })
    .click();
  const enForm = en.page.getByTestId('question-form');
  await enForm.getByTestId('question-panel').filter({ hasText: 'Inside the dynamic panel projects' }).waitFor();
  expect(await enForm.getByLabel('Type of question').inputValue()).toBe('checkbox');
  await enForm.getByLabel('Question text (en)').fill('Sector of the project');
  // An unsafe inner name: the server's check is shown next to the inner question, in English.
  await enForm.getByLabel('Question name (code)').fill('sector 2');
  await enForm.getByLabel('Question name (code)').press('Tab');
  await en.page.getByTestId('inner-projects').getByTestId('q-sector 2').locator('.badge').waitFor();
  expect(await enForm.getByTestId('question-problems').innerText()).toContain('the name is not allowed');
  await enForm.getByLabel('Type of question').selectOption('dropdown');
  await enForm.getByTestId('type-changed').filter({ hasText: 'Type changed' }).waitFor();
  await panelShot(en.page, 'Yes', /Name of the project/, 'Sector of the project', 'editor-panel-en.png');
  expect(en.errors).toEqual([]);
}, 180_000);
