// An official answers the default questionnaire in Chromium (in Russian, after looking at it in
// English), submits, and the researcher's results page counts that answer.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/db';
import { theOnlyResponse } from '../helpers/fixtures';
import { SHOTS, useBrowserApp } from '../helpers/e2e';
import { listWaves } from '../../server/src/waves/waves.service';
import { createUser } from '../helpers/auth';
import { setMinCell } from '../../server/src/analytics/coding.service';

useTestDatabase({ demo: true });

const e2e = useBrowserApp();
let page: Page;
let wave: string;

beforeAll(async () => {
  wave = (await listWaves())[0].code;
});

const q = (name: string) => page.locator(`[data-name="${name}"]`);
const choose = (name: string, value: string) => q(name).locator(`label:has(input[value="${value}"])`).click();

async function pickFromDropdown(name: string, typed: string, expected: string): Promise<void> {
  // The dropdown is a combobox: type to filter, then pick the option from its listbox.
  const combo = q(name).getByRole('combobox');
  await q(name).locator('.sd-dropdown').click();
  await combo.focus();
  await page.keyboard.type(typed); // typing opens the list, filtered
  const listId = await combo.getAttribute('aria-controls');
  const option = page.locator(`[id="${listId}"]`).getByRole('option', { name: expected, exact: true });
  await option.waitFor({ state: 'visible', timeout: 10_000 });
  await option.click();
  await expectText(q(name), expected);
}

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: 10_000 });
}

describe('the built client is served fast and safely', () => {
  it('assets go out pre-compressed with long caching, the page under a CSP that admits its own preload', async () => {
    const html = await fetch(`${e2e.baseUrl}/w/${wave}`);
    const csp = html.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(await html.text())![1];
    const br = await fetch(`${e2e.baseUrl}${asset}`, { headers: { 'Accept-Encoding': 'br' } });
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('cache-control')).toContain('immutable');
    const api = await fetch(`${e2e.baseUrl}/api/waves/${wave}`, { headers: { 'Accept-Encoding': 'gzip' } });
    expect(api.headers.get('content-encoding')).toBe('gzip');
  });
});

describe('respond and see the answer counted', () => {
  it('an official answers in Russian, submits once, and the results page counts the answer', async () => {
    const opened = await e2e.newPage({ viewport: { width: 1200, height: 900 }, cspErrors: true });
    page = opened.page;
    const errors = opened.errors;

    await page.goto(`${e2e.baseUrl}/w/${wave}`);
    // Russian by default.
    await expectText(q('country'), 'Страна');
    expect(await page.getAttribute('html', 'lang')).toBe('ru');

    // The official looks at it in English, then goes back to Russian; the questionnaire follows.
    await page.getByTestId('language-switcher').selectOption('en');
    await expectText(q('country'), 'Country');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await page.getByTestId('language-switcher').selectOption('ru');
    await expectText(q('country'), 'Страна');

    // Page 1: profile.
    await choose('country', 'RU');
    await pickFromDropdown('region', 'Волог', 'Вологодская область');
    await q('municipality').locator('input').fill('Тотемский муниципальный округ');
    await pickFromDropdown('municipality_type', 'Муниципальный округ', 'Муниципальный округ');
    await q('population').locator('input').fill('18500');
    await choose('size_class', 'small');
    await choose('role', 'head');
    await page.screenshot({ path: path.join(SHOTS, 'respond-ru-profile.png'), fullPage: true });
    await page.getByRole('button', { name: 'Далее' }).click();

    // Page 2: experience.
    await choose('imc_experience', 'no');
    await page.getByRole('button', { name: 'Далее' }).click();

    // Page 3: obstacles, and the severity of each chosen one.
    await choose('obstacles', 'funding');
    await choose('obstacles', 'staff');
    await q('obstacle_severity').locator('tr', { hasText: 'финансов' }).locator('label:has(input[value="5"])').click();
    await page.screenshot({ path: path.join(SHOTS, 'respond-ru-obstacles.png'), fullPage: true });
    await page.getByRole('button', { name: 'Далее' }).click();

    // Page 4: what would help; complete.
    await choose('measures', 'cofinancing');
    await q('comment').locator('textarea').fill('Нужны типовые соглашения.');
    await page.getByRole('button', { name: 'Отправить ответы' }).click();

    const confirmation = page.getByTestId('submit-confirmation');
    await confirmation.waitFor({ state: 'visible', timeout: 15_000 });
    await page.screenshot({ path: path.join(SHOTS, 'respond-ru-confirmation.png'), fullPage: true });

    // Stored exactly once, with what was typed.
    const stored = await theOnlyResponse(wave);
    expect(stored).toMatchObject({
      regionCode: 'RU-VLG',
      municipality: 'Тотемский муниципальный округ',
      municipalityType: 'municipal_okrug',
      obstacles: ['funding', 'staff'],
      locale: 'ru',
      answers: { population: 18500, obstacle_severity: { funding: 5 }, comment: 'Нужны типовые соглашения.' },
    });

    // The researcher's results page asks to sign in, then counts it. One answer is below the
    // default minimum k = 3 (it would read [c], analytics/disclosure.ts): the coordinator's k = 1
    // shows it whole.
    await setMinCell(wave, 1);
    await createUser('researcher@e2e.local', 'researcher password 1', ['researcher']);
    await page.goto(`${e2e.baseUrl}/w/${wave}/results`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('Электронная почта').fill('researcher@e2e.local');
    await page.getByLabel('Пароль').fill('wrong password');
    await page.getByRole('button', { name: 'Войти' }).click();
    await expectText(page.getByTestId('login-error'), 'Неверная электронная почта или пароль');
    await page.getByLabel('Пароль').fill('researcher password 1');
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL(new RegExp(`/w/${wave}/results$`));
    const row = page.getByTestId('region-row-RU-VLG');
    await row.waitFor({ state: 'visible', timeout: 15_000 });
    const cells = await row.locator('td, th').allInnerTexts();
    expect(cells[0]).toContain('Вологодская область');
    // Columns: region, respondents, then the obstacles in reference order (funding, experience, legal, staff, ...).
    expect(cells[1]).toBe('1');
    expect(cells[2]).toMatch(/^1\s\(100,0\s%\)$/); // funding
    expect(cells[3]).toMatch(/^0\s\(0,0\s%\)$/); // experience
    expect(cells[5]).toMatch(/^1\s\(100,0\s%\)$/); // staff
    await expectText(page.getByTestId('results-base'), '1');
    await page.locator('canvas').first().waitFor({ state: 'visible', timeout: 15_000 }); // the chart (lazy-loaded)
    await page.screenshot({ path: path.join(SHOTS, 'results-ru.png'), fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);
});
