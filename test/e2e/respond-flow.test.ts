/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The official's way through the questionnaire on a phone (390 × 844): the first question is on
// the first screen, the introduction shows in full on the first page only (folded after it),
// "page n of m" follows each step, focus moves to the new page's heading, and a focused choice
// has a ring that can be seen.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/db';
import { saveDraft, SHOTS, useBrowserApp } from '../helpers/e2e';
import { listWaves } from '../../server/src/waves/waves.service';

useTestDatabase({ demo: true });

const e2e = useBrowserApp();
let wave: string;

beforeAll(async () => {
  wave = (await listWaves())[0].code;
});

const visible = (l: ReturnType<Page['locator']>, timeout = 15_000) => l.first().waitFor({ state: 'visible', timeout });

/** What has the focus: tag, classes and text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { tag: el?.tagName ?? '', className: el?.className ?? '', text: el?.textContent?.trim() ?? '' };
  });

it('on a phone: first question on the first screen, progress, intro once, focus to the new page heading', async () => {
  const { page, errors } = await e2e.newPage({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
  });
  await page.goto(`${e2e.baseUrl}/w/${wave}`);
  const q = (name: string) => page.locator(`[data-name="${name}"]`);
  await visible(q('country'));

  // The first question starts, with its title, within the first 844 px.
  await page.screenshot({ path: path.join(SHOTS, 'respond-phone-ru-page1.png') });
  const first = await q('country').boundingBox();
  expect(first).not.toBeNull();
  expect(first!.y + 60).toBeLessThan(844);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

  // Page 1 of 4, the introduction in full.
  expect(await page.getByTestId('survey-progress').innerText()).toBe('Страница 1 из 4');
  const intro = page.getByTestId('survey-intro');
  expect(await intro.evaluate((el) => el.tagName)).toBe('P');
  expect(await intro.innerText()).toContain('межмуниципальным сотрудничеством');

  // Answer page 1 and go on with the keyboard.
  await q('country').locator('label:has(input[value="RU"])').click();
  await q('region').locator('.sd-dropdown').click();
  await page.keyboard.type('Волог');
  await page.getByRole('option', { name: 'Вологодская область', exact: true }).click();
  await q('municipality').locator('input').fill('Тотьма');
  await q('municipality_type').locator('.sd-dropdown').click();
  await page.keyboard.type('Муниципальный округ');
  await page.getByRole('option', { name: 'Муниципальный округ', exact: true }).click();
  await q('size_class').locator('label:has(input[value="small"])').click();
  await q('role').locator('label:has(input[value="head"])').click();
  const next = page.getByRole('button', { name: 'Далее' });
  await next.focus();
  await page.keyboard.press('Enter');

  // Page 2 of 4: the focus is on the new page's heading, not on "Next".
  await visible(q('imc_experience'));
  await page.waitForFunction(() => document.activeElement?.classList.contains('sd-page__title'));
  const now = await focused(page);
  expect(now.text).toBe('Опыт межмуниципального сотрудничества');
  expect(await page.getByTestId('survey-progress').innerText()).toBe('Страница 2 из 4');
  // The heading is on screen and outlined.
  const heading = page.locator('.sd-page__title');
  const box = await heading.boundingBox();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y).toBeLessThan(844);
  expect(await heading.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
  // The introduction is folded away after the first page, one click from being read again.
  expect(await intro.evaluate((el) => el.tagName)).toBe('DETAILS');
  expect(await intro.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(false);
  await intro.locator('summary').click();
  expect(await intro.evaluate((el) => (el as HTMLDetailsElement).open)).toBe(true);

  // Tab from the heading reaches the first choice; its ring is dark and at least 3 px wide.
  await heading.focus();
  for (let i = 0; i < 10; i++) {
    await page.keyboard.press('Tab');
    if (await q('imc_experience').locator('input:focus').count()) break;
  }
  const ring = await q('imc_experience')
    .locator('input:focus + .sd-radio__decorator')
    .evaluate((el) => getComputedStyle(el, '::before').boxShadow);
  expect(ring).toContain('rgb(11, 46, 92)');
  expect(ring).toMatch(/0px 0px 0px 5px/);
  await page.screenshot({ path: path.join(SHOTS, 'respond-phone-ru-page2-focus.png') });

  // Back goes back, and says so.
  await page.getByRole('button', { name: 'Назад' }).click();
  await visible(q('country'));
  expect(await page.getByTestId('survey-progress').innerText()).toBe('Страница 1 из 4');
  await page.waitForFunction(() => document.activeElement?.classList.contains('sd-page__title'));
  expect(errors).toEqual([]);
}, 120_000);

it('in English, the progress and the folded introduction speak English', async () => {
  const { page } = await e2e.newPage({ viewport: { width: 1280, height: 900 } });
  await saveDraft(page, e2e.baseUrl, wave, { data: { obstacles: ['funding'] }, pageNo: 2, lang: 'en' });
  await page.goto(`${e2e.baseUrl}/w/${wave}`);
  await visible(page.locator('[data-name="obstacles"]'));
  expect(await page.getByTestId('survey-progress').innerText()).toBe('Page 3 of 4');
  expect(await page.getByTestId('survey-intro').locator('summary').innerText()).toBe('About this survey');
}, 60_000);
