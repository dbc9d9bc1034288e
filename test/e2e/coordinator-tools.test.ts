/// <reference lib="dom" />
// The coordinator's import and scope tools in Chromium: a refused list shows line, column, bad
// value and the allowed codes with names; the template links download; one link is copied to the
// clipboard from the board with a visible confirmation; the region picker filters by typing,
// ticks by keyboard, selects and clears a whole country and shows the number chosen. Also writes
// the screenshots of issue 13 into docs/screenshots (matrix page, import errors, dashboard).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { IMC_PROFILE } from '../helpers/imc-profile';
import { useTestDatabase, storeKind, ROOT } from '../helpers/db';
import { saveDraft, SHOTS, signIn, submitAnswers, useBrowserApp, visible } from '../helpers/e2e';
import { agentAs, createUser } from '../helpers/auth';
import { createInvitationWave, csv } from '../helpers/invitations';
import { axeViolations, describeFindings } from '../helpers/axe';
import { createApp } from '../../server/src/app';
import { getWave, listWaves } from '../../server/src/waves/waves.service';
import { regions } from '../../server/src/reference/reference.service';

useTestDatabase({ demo: true });

const DOCS_SHOTS = path.join(ROOT, 'docs', 'screenshots');
const USER = { email: 'tools@e2e.local', password: 'tools password 1' };
const e2e = useBrowserApp();
let demo: string;
let openWave: string;
let draftWave: string;

const OBSTACLES = ['funding', 'experience', 'legal', 'staff', 'procedures', 'information', 'digital'];

beforeAll(async () => {
  fs.mkdirSync(DOCS_SHOTS, { recursive: true });
  const wave = (await listWaves())[0];
  demo = wave.code;
  await createUser(USER.email, USER.password, ['coordinator', 'researcher']);
  const coordinator = await agentAs(createApp({ store: { kind: storeKind() } }), ['coordinator']);
  openWave = await createInvitationWave(coordinator, wave.questionnaireId, {
    scope: { countries: ['RU'], regions: ['RU-VLG', 'RU-ARK', 'RU-KOS'] },
  });
  draftWave = await createInvitationWave(coordinator, wave.questionnaireId, {}, false);
  // Answers for the dashboard screenshots.
  const where = ['RU-VLG', 'RU-ARK', 'RU-KOS', 'UA-46'];
  for (let i = 0; i < 24; i++) {
    const region = where[i % where.length];
    await submitAnswers(e2e.baseUrl, demo, {
      ...IMC_PROFILE,
      country: region.slice(0, 2),
      region,
      municipality: `Муниципалитет ${i + 1}`,
      municipality_type: region.startsWith('UA') ? 'hromada_rural' : i % 2 ? 'urban_okrug' : 'municipal_okrug',
      imc_experience: 'no',
      obstacles: OBSTACLES.filter((_, k) => (i + k) % 3 !== 0),
    });
  }
}, 300_000);

async function signedIn(width = 1280, height = 900, lang = 'ru'): Promise<Page> {
  const { context, page } = await e2e.newPage({
    viewport: { width, height },
    acceptDownloads: true,
    lang,
    acceptDialogs: true,
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: e2e.baseUrl });
  await signIn(page, e2e.baseUrl, USER);
  return page;
}

/** A PNG under 300 KB in docs/screenshots. */
async function shot(target: Page | ReturnType<Page['locator']>, name: string): Promise<void> {
  const file = path.join(DOCS_SHOTS, name);
  await target.screenshot({ path: file });
  expect(fs.statSync(file).size).toBeLessThan(300 * 1024);
}

/** Chooses a CSV file of these municipality rows in the import form and presses Import. */
async function importRows(form: ReturnType<Page['locator']>, name: string, rows: string[]): Promise<void> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-import-')), name);
  fs.writeFileSync(file, csv(rows));
  await form.locator('input[type="file"]').setInputFiles(file);
  await form.getByRole('button', { name: 'Импортировать' }).click();
}

describe('importing a list', () => {
  it('a refused file shows line, column, bad value and the allowed codes with names; nothing is imported', async () => {
    for (const width of [1280, 390]) {
      const page = await signedIn(width, width === 390 ? 844 : 900);
      await page.goto(`${e2e.baseUrl}/admin/waves/${openWave}`);
      const form = page.locator('form', { has: page.getByRole('button', { name: 'Импортировать' }) });
      await visible(form);
      // The template links point at the wave's template in the user's language.
      const links = page.getByTestId('import-template').getByRole('link');
      expect(await links.evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).getAttribute('href')))).toEqual([
        `/api/waves/${openWave}/invitations/template?format=xlsx&lang=ru`,
        `/api/waves/${openWave}/invitations/template?format=csv&lang=ru`,
        `/api/waves/${openWave}/invitations/template?format=codes-csv&lang=ru`,
      ]);
      const [download] = await Promise.all([page.waitForEvent('download'), links.first().click()]);
      expect(download.suggestedFilename()).toBe(`${openWave}-import-template.xlsx`);

      await importRows(form, 'list.csv', [
        'a1;Тотемский округ;RU-VLG;urban_okrg;18500;a1@example.org',
        'a2;Вытегорский район;RU-MOW;municipal_district;22000;a2@example.org',
      ]);
      const problems = form.getByTestId('problems');
      await visible(problems);
      const text = await problems.innerText();
      expect(text).toContain('Ничего не импортировано');
      expect(text).not.toMatch(/остались в форме/);
      expect(text).toMatch(/Строка 2, столбец 4 \(тип\)[^\n]*«urban_okrg»/i);
      expect(text).toContain('municipal_okrug (Муниципальный округ)');
      expect(text).toMatch(/Строка 3, столбец 3 \(регион\)[^\n]*«RU-MOW»/i);
      expect(text).toContain('RU-VLG (Вологодская область)');
      await shot(problems, `import-errors-ru-${width}.png`);
      // The long list of allowed regions folds into a disclosure; the problems pass axe.
      expect(describeFindings(`import problems ${width}`, await axeViolations(page))).toEqual([]);
      await page.context().close();
    }
  }, 180_000);
});

describe('copying one link from the board', () => {
  it('issues the first link, puts it on the clipboard and says so; the link opens the questionnaire', async () => {
    const page = await signedIn();
    await page.goto(`${e2e.baseUrl}/admin/waves/${openWave}`);
    const form = page.locator('form', { has: page.getByRole('button', { name: 'Импортировать' }) });
    await visible(form);
    await importRows(form, 'good.csv', [
      'c1;Тотемский округ;RU-VLG;municipal_okrug;18500;c1@example.org',
      'c2;Вытегорский район;RU-VLG;municipal_district;22000;c2@example.org',
    ]);
    await visible(page.getByTestId('import-done'));

    const copy = page.getByRole('button', { name: 'Выдать и скопировать ссылку для «Тотемский округ»' });
    await visible(copy, 30_000);
    await copy.focus();
    await page.keyboard.press('Enter');
    const message = page.getByTestId('board-message');
    await visible(message.getByText('Ссылка для «Тотемский округ» скопирована в буфер обмена.'));
    const shown = await message.getByTestId('issued-link').inputValue();
    expect(shown).toMatch(/\/i\/[A-Za-z0-9_-]+$/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
    expect(describeFindings('board with a copied link', await axeViolations(page))).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'board-copied-ru.png'), fullPage: true });
    // The link works, and the row no longer offers a first link.
    const token = shown.split('/i/')[1];
    expect((await fetch(`${e2e.baseUrl}/api/invitations/${token}`)).status).toBe(200);
    await page.getByRole('button', { name: 'Обновить' }).click();
    await copy.waitFor({ state: 'detached', timeout: 15_000 });
    await visible(page.getByRole('button', { name: 'Выдать и скопировать ссылку для «Вытегорский район»' }));
    // "Copy again" copies the same link.
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await message.getByRole('button', { name: 'Скопировать ещё раз: ссылка для «Тотемский округ»' }).click();
    await visible(message.getByText('скопирована'));
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
  }, 120_000);
});

describe('the region picker', () => {
  it('filters by typing, ticks by keyboard, selects and clears a country, shows the count, and saves', async () => {
    const page = await signedIn();
    await page.goto(`${e2e.baseUrl}/admin/waves/${draftWave}`);
    await page.getByRole('button', { name: 'Изменить' }).click();
    const picker = page.getByTestId('region-picker');
    await visible(picker);
    const count = picker.getByTestId('region-count');
    expect(await count.innerText()).toMatch(/не выбраны/);
    expect(await picker.locator('select').count()).toBe(0);

    await picker.getByLabel('Найти регион').fill('волог');
    await visible(picker.getByRole('checkbox', { name: /Вологодская область/ }));
    expect(await picker.getByRole('checkbox').count()).toBe(1);
    await page.keyboard.press('Tab'); // to "select all (Russia)"...
    await picker.getByRole('checkbox', { name: /Вологодская область/ }).focus();
    await page.keyboard.press('Space');
    expect(await count.innerText()).toBe('Выбрано регионов: 1');

    await picker.getByLabel('Найти регион').fill('UA-46');
    expect(await picker.getByRole('checkbox').count()).toBe(1);
    await picker.getByLabel('Найти регион').fill('');
    const ru = regions.filter((r) => r.country === 'RU').length;
    const ua = regions.filter((r) => r.country === 'UA').length;
    await picker.getByRole('button', { name: 'Выбрать все (Украина)' }).click();
    expect(await count.innerText()).toBe(`Выбрано регионов: ${ua + 1}`);
    await picker.getByRole('button', { name: 'Выбрать все (Россия)' }).click();
    expect(await count.innerText()).toBe(`Выбрано регионов: ${ru + ua}`);
    await picker.getByRole('button', { name: 'Снять все (Россия)' }).click();
    expect(await count.innerText()).toBe(`Выбрано регионов: ${ua}`);
    await picker.getByRole('button', { name: 'Снять весь выбор' }).click();
    expect(await count.innerText()).toMatch(/не выбраны/);

    await picker.getByLabel('Найти регион').fill('арх');
    await picker.getByRole('checkbox', { name: /Архангельская область/ }).check();
    await picker.getByLabel('Найти регион').fill('RU-KOS');
    await picker.getByRole('checkbox', { name: /Костромская область/ }).check();
    expect(await count.innerText()).toBe('Выбрано регионов: 2');
    await picker.screenshot({ path: path.join(SHOTS, 'region-picker-ru.png') });
    await page.getByRole('button', { name: 'Сохранить изменения' }).click();
    await visible(page.getByTestId('wave-saved'));
    expect((await getWave(draftWave)).scope.regions.sort()).toEqual(['RU-ARK', 'RU-KOS']);
  }, 120_000);
});

describe('wording', () => {
  it('a bad or malformed invitation link says the link is not valid, with no Retry button', async () => {
    const { page } = await e2e.newPage({ viewport: { width: 390, height: 844 } });
    for (const token of ['not-a-token', 'A'.repeat(22)]) {
      await page.goto(`${e2e.baseUrl}/i/${token}`);
      await visible(page.getByTestId('invite-invalid'));
      expect(await page.locator('h1').innerText()).toBe('Ссылка не действует');
      expect(await page.getByRole('button', { name: 'Повторить' }).count()).toBe(0);
      expect(await page.locator('body').innerText()).not.toMatch(/разобрать запрос/);
    }
  }, 60_000);

  it('a public-link wave does not claim its answers are linked to invitations; the summary names, not codes', async () => {
    const page = await signedIn();
    await page.goto(`${e2e.baseUrl}/admin/waves/${demo}`);
    const summary = page.locator('dl.facts');
    await visible(summary);
    await visible(page.getByTestId('wave-questionnaire').filter({ hasText: 'версия 1' }));
    const text = await summary.innerText();
    expect(text).not.toMatch(/связаны с приглашениями/);
    expect(text).toMatch(/не анонимная|анонимная/);
    expect(await page.getByTestId('wave-questionnaire').innerText()).not.toMatch(/imc-barriers@/);
    // The home page and the wave list name questionnaires by title, never by key.
    for (const where of ['/', '/admin/waves']) {
      await page.goto(`${e2e.baseUrl}${where}`);
      await visible(page.getByText(/Анкета «[^»]+», версия 1/));
      expect(await page.locator('main').innerText()).not.toMatch(/imc-barriers/);
    }
    await page.goto(`${e2e.baseUrl}/admin/waves/${openWave}`);
    await visible(
      page.locator('dl.facts').getByText('Вологодская область, Архангельская область, Костромская область'),
    );
  }, 60_000);
});

describe('screenshots for the issue', () => {
  it('the matrix page (ru 1280/390, en 390) and the results dashboard (ru 1280/390, en 1280)', async () => {
    for (const [lang, width] of [
      ['ru', 1280],
      ['ru', 390],
      ['en', 390],
    ] as const) {
      const { page } = await e2e.newPage({ viewport: { width, height: width === 390 ? 844 : 900 } });
      const data = { ...IMC_PROFILE, imc_experience: 'yes_ongoing', obstacles: ['funding', 'staff', 'legal'] };
      await saveDraft(page, e2e.baseUrl, demo, {
        data: { ...data, obstacle_severity: { funding: 5, staff: 3 } },
        pageNo: 2,
        lang,
      });
      await page.goto(`${e2e.baseUrl}/w/${demo}`);
      const matrix = page.locator('[data-name="obstacle_severity"]');
      await visible(matrix, 30_000);
      await page.waitForLoadState('networkidle');
      await matrix.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      await shot(page, `matrix-${lang}-${width}.png`);
    }
    for (const [lang, width] of [
      ['ru', 1280],
      ['ru', 390],
      ['en', 1280],
    ] as const) {
      const page = await signedIn(width, width === 390 ? 844 : 900, lang);
      await page.goto(`${e2e.baseUrl}/w/${demo}/results`);
      await visible(page.getByTestId('regions-chart'), 30_000);
      await page.waitForLoadState('networkidle');
      await page.waitForTimeout(500);
      await shot(page, `dashboard-${lang}-${width}.png`);
      const table = page.getByTestId('results-table');
      if ((await table.count()) > 0) {
        await table.first().evaluate((el) => el.scrollIntoView({ block: 'start' }));
        await shot(page, `dashboard-table-${lang}-${width}.png`);
      }
    }
  }, 240_000);
});
