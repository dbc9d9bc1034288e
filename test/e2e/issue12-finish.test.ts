/// <reference lib="dom" />
// Issue 12, the last pieces, in Chromium: the question picker's table by region has a subtotal per
// country between its regions and the total; the tile map marks small bases (fewer than 30 answered)
// on the tile, in its legend and in the SVG download; a coordinator sets the wave's minimum k on the
// wave page (a wrong value is refused with a clear message) and a researcher's table then hides
// cells with the new k and says what the minimum is. Screenshots go to docs/screenshots/issue12-*.png.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useTestDatabase, ROOT } from '../helpers/db';
import { createOpenWave, regionalQuestionnaire } from '../helpers/fixtures';
import { signIn, submitAnswers, useBrowserApp } from '../helpers/e2e';
import { createUser } from '../helpers/auth';
import { axeViolations, describeFindings } from '../helpers/axe';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';
import { getMinCell } from '../../server/src/analytics/coding.service';
import { listAudit } from '../../server/src/audit/audit.service';

useTestDatabase({ demo: false });

const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const WAVE = 'budgets-2026';
const RESEARCHER = { email: 'reader@e2e.local', password: 'reader password 1' };
const COORDINATOR = { email: 'coord@e2e.local', password: 'coordinator password 1' };
const ADMIN = { email: 'admin@e2e.local', password: 'admin password 1' };

const QUESTIONNAIRE = regionalQuestionnaire(
  { ru: 'Партнёрства по регионам', en: 'Partnerships by region', uk: 'Партнерства за регіонами' },
  ['RU-VLG', 'RU-ARK', 'RU-KR', 'RU-MOS', 'UA-05', 'UA-46'],
  [
    {
      type: 'text',
      name: 'partners',
      title: { ru: 'Число партнёров по сотрудничеству', en: 'Number of cooperation partners' },
      inputType: 'number',
      min: 0,
    },
  ],
);

// Vologda 1…5 (n 5, sum 15) · Arkhangelsk 10 20 30 40 (n 4, sum 100) · Karelia 50 60 (n 2, sum
// 110) · Moscow Oblast 1…30 (n 30, sum 465) → Russia n 41, sum 690. Vinnytsia 2 4 6 8 10 (n 5, sum
// 30) · Lviv 7 7 7 7 (n 4, sum 28) → Ukraine n 9, sum 58. Total n 50, sum 748.
// At the default k = 3 Karelia (2) is hidden, and with it Arkhangelsk (4, the smallest other region
// of Russia: Russia's subtotal would give Karelia away).
const ANSWERS: [string, number][] = [
  ...[1, 2, 3, 4, 5].map((n): [string, number] => ['RU-VLG', n]),
  ...[10, 20, 30, 40].map((n): [string, number] => ['RU-ARK', n]),
  ...[50, 60].map((n): [string, number] => ['RU-KR', n]),
  ...Array.from({ length: 30 }, (_x, i): [string, number] => ['RU-MOS', i + 1]),
  ...[2, 4, 6, 8, 10].map((n): [string, number] => ['UA-05', n]),
  ...[7, 7, 7, 7].map((n): [string, number] => ['UA-46', n]),
];

const e2e = useBrowserApp();
const errors: string[] = [];

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const { version } = await registerVersion('partners-by-region', QUESTIONNAIRE, 'upload');
  await createOpenWave(version.id, {
    code: WAVE,
    title: { ru: 'Партнёрства 2026', en: 'Partnerships 2026', uk: 'Партнерства 2026' },
  });
  await createUser(RESEARCHER.email, RESEARCHER.password, ['researcher']);
  await createUser(COORDINATOR.email, COORDINATOR.password, ['coordinator']);
  await createUser(ADMIN.email, ADMIN.password, ['admin']);
  for (const [i, [region, partners]] of ANSWERS.entries()) {
    await submitAnswers(e2e.baseUrl, WAVE, { region, municipality: `Муниципалитет ${i + 1}`, partners });
  }
}, 300_000);

async function signedIn(user: { email: string; password: string }, lang = 'ru'): Promise<Page> {
  const opened = await e2e.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, lang });
  opened.page.on('pageerror', (e) => errors.push(e.message));
  await signIn(opened.page, e2e.baseUrl, user);
  return opened.page;
}

/** A screenshot of one element, under 300 KB. */
async function shot(target: ReturnType<Page['locator']>, name: string): Promise<void> {
  const file = path.join(SHOTS, name);
  await target.screenshot({ path: file });
  expect(fs.statSync(file).size).toBeLessThan(300 * 1024);
}

const cells = (page: Page, testId: string) => page.getByTestId(testId).locator('td').allInnerTexts();
const bodyRows = (page: Page) =>
  page
    .getByTestId('question-table')
    .locator('tbody tr')
    .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-testid')));
const digits = (s: string) => s.replace(/\s/g, '');

let researcher: Page;

describe('country subtotals, small bases on the tile map, the minimum k on the wave page', () => {
  it('the question table by region: each country after its regions, then the total (ru and en)', async () => {
    researcher = await signedIn(RESEARCHER);
    await researcher.goto(`${e2e.baseUrl}/w/${WAVE}/questions?question=partners`);
    await researcher.getByTestId('question-table').waitFor({ state: 'visible', timeout: 15_000 });
    // By name: Архангельская < Вологодская < Московская < Республика Карелия, Россия; Винницкая <
    // Львовская, Украина.
    expect(await bodyRows(researcher)).toEqual([
      'question-row-RU-ARK',
      'question-row-RU-VLG',
      'question-row-RU-MOS',
      'question-row-RU-KR',
      'question-subtotal-RU',
      'question-row-UA-05',
      'question-row-UA-46',
      'question-subtotal-UA',
    ]);
    const ru = await cells(researcher, 'question-subtotal-RU');
    // Code, respondents, n, sum, mean 690/41 = 16,83, median of 1…5, 10 20 30 40, 50 60, 1…30 (41
    // values, the 21st): 1 1 2 2 3 3 4 4 5 5 6 7 8 9 10 10 11 12 13 14 15 → 15, min 1, max 60.
    expect(ru.map(digits)).toEqual(['RU', '41', '41', '690', '16,83', '15', '1', '60']);
    expect(await researcher.getByTestId('question-subtotal-RU').locator('th').innerText()).toMatch(/^Россия: итого/);
    const ua = await cells(researcher, 'question-subtotal-UA');
    // Ukraine: 2 4 6 8 10 7 7 7 7 → sum 58, mean 6,44, median 7.
    expect(ua.map(digits)).toEqual(['UA', '9', '9', '58', '6,44', '7', '2', '10']);
    expect((await cells(researcher, 'question-total')).map(digits).slice(1, 4)).toEqual(['50', '50', '748']);
    // k = 3: Karelia hidden, and Arkhangelsk with it; Vologda shown.
    expect((await cells(researcher, 'question-row-RU-KR'))[2]).toBe('[c]');
    expect((await cells(researcher, 'question-row-RU-ARK'))[2]).toBe('[c]');
    expect((await cells(researcher, 'question-row-RU-VLG'))[2]).toBe('5');
    expect((await cells(researcher, 'question-row-UA-46'))[2]).toBe('4');
    // The researcher reads the wave's minimum (3, the default) and has no way to change it.
    expect(await researcher.getByTestId('disclosure-minimum').innerText()).toBe(
      'Минимальное k волны: 3 (задаёт координатор).',
    );
    expect(await researcher.getByTestId('disclosure-minimum').getByRole('link').count()).toBe(0);
    await shot(researcher.getByTestId('question-table'), 'issue12-country-subtotals-ru.png');

    await researcher.getByTestId('language-switcher').selectOption('en');
    await researcher
      .getByTestId('question-subtotal-UA')
      .locator('th')
      .filter({ hasText: 'Ukraine: subtotal' })
      .waitFor({ timeout: 10_000 });
    // English names: Lviv < Vinnytsia.
    expect((await bodyRows(researcher)).slice(5)).toEqual([
      'question-row-UA-46',
      'question-row-UA-05',
      'question-subtotal-UA',
    ]);
    await shot(researcher.getByTestId('question-table'), 'issue12-country-subtotals-en.png');
    await researcher.getByTestId('language-switcher').selectOption('ru');
  }, 120_000);

  it('the tile map marks small bases on the tile, in its legend and in the SVG download', async () => {
    const map = researcher.getByTestId('tile-map-RU');
    await map.waitFor({ state: 'visible', timeout: 15_000 });
    // Vologda: 5 answered (< 30): a dashed outline and "*" after the value; its tooltip says so.
    const vlg = map.locator('g[data-region="RU-VLG"]');
    expect(await vlg.getAttribute('data-state')).toBe('value');
    expect(await vlg.getAttribute('data-small-base')).toBe('true');
    expect(await vlg.locator('rect[data-small-base-outline]').count()).toBe(1);
    expect(await vlg.locator('text').allTextContents()).toEqual(['VLG', '15*']);
    expect(await vlg.locator('title').textContent()).toContain('малая база: ответили 5');
    // Moscow Oblast: 30 answered, not small: no mark.
    const mos = map.locator('g[data-region="RU-MOS"]');
    expect(await mos.getAttribute('data-small-base')).toBeNull();
    expect(await mos.locator('rect[data-small-base-outline]').count()).toBe(0);
    expect(await mos.locator('text').allTextContents()).toEqual(['MOS', '465']);
    expect(await researcher.getByTestId('tile-map-RU-legend-small').textContent()).toBe('* малая база (<30)');

    const [svgDownload] = await Promise.all([
      researcher.waitForEvent('download'),
      researcher.getByTestId('tile-map-RU-svg').click(),
    ]);
    const svg = fs.readFileSync((await svgDownload.path())!, 'utf8');
    expect(svg).toMatch(/data-region="RU-VLG"[^>]*data-small-base="true"/);
    expect(svg).not.toMatch(/data-region="RU-MOS"[^>]*data-small-base/);
    expect(svg).toContain('* малая база (&lt;30)');
    expect(svg).toContain('stroke-dasharray="4 3"');
    const [pngDownload] = await Promise.all([
      researcher.waitForEvent('download'),
      researcher.getByTestId('tile-map-UA-png').click(),
    ]);
    expect(
      fs
        .readFileSync((await pngDownload.path())!)
        .subarray(1, 4)
        .toString('latin1'),
    ).toBe('PNG');

    // Suppressed cells stay hatched, and a small base is flagged on them too: Karelia (2 answered)
    // and Arkhangelsk (4, hidden so that Russia's subtotal does not give Karelia away).
    for (const code of ['RU-KR', 'RU-ARK']) {
      const g = map.locator(`g[data-region="${code}"]`);
      expect(await g.getAttribute('data-state')).toBe('suppressed');
      expect(await g.getAttribute('data-small-base')).toBe('true');
      expect(await g.locator('rect').first().getAttribute('fill')).toMatch(/^url\(#hatch-/);
    }
    await map.scrollIntoViewIfNeeded();
    await shot(map, 'issue12-tile-map-small-base.png');
  }, 120_000);

  it('a coordinator sets the minimum k on the wave page; a wrong value is refused with a clear message', async () => {
    const page = await signedIn(COORDINATOR);
    await page.goto(`${e2e.baseUrl}/admin/waves/${WAVE}`);
    const form = page.getByTestId('min-k-form');
    await form.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.getByTestId('min-k-current').innerText()).toBe('Сейчас: k = 3');
    const input = page.getByLabel('Минимальное k (целое число от 1 до 50)');
    for (const wrong of ['0', '51', '2.5', '']) {
      await input.fill(wrong);
      await page.getByTestId('min-k-save').click();
      expect(await page.getByTestId('min-k-error').innerText()).toBe('Введите целое число от 1 до 50.');
      expect(await input.getAttribute('aria-invalid')).toBe('true');
    }
    expect(await getMinCell(WAVE)).toBe(3); // nothing was sent
    // k = 1 warns that nothing will be hidden.
    await input.fill('1');
    await page.getByTestId('min-k-warning').waitFor({ state: 'visible' });
    await input.fill('5');
    expect(await page.getByTestId('min-k-warning').count()).toBe(0);
    await page.getByTestId('min-k-save').click();
    await page.getByTestId('min-k-saved').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByTestId('min-k-saved').innerText()).toBe('Минимальное k волны теперь 5.');
    expect(await page.getByTestId('min-k-current').innerText()).toBe('Сейчас: k = 5');
    expect(await getMinCell(WAVE)).toBe(5);
    const [entry] = await listAudit({ limit: 1, action: 'wave.min_cell' });
    expect(entry).toMatchObject({ actor: COORDINATOR.email, target: WAVE, details: { from: 3, to: 5 } });
    expect(describeFindings('minimum k form', await axeViolations(page))).toEqual([]);
    await form.scrollIntoViewIfNeeded();
    await shot(form, 'issue12-min-k-ru.png');

    // On the analysis pages an admin (who may also change it) sees the minimum with a link to the wave page.
    const adminPage = await signedIn(ADMIN);
    await adminPage.goto(`${e2e.baseUrl}/w/${WAVE}/questions?question=partners`);
    const link = adminPage.getByTestId('disclosure-minimum').getByRole('link', { name: 'Изменить' });
    await link.waitFor({ timeout: 15_000 });
    expect(await link.getAttribute('href')).toBe(`/admin/waves/${WAVE}`);
  }, 120_000);

  it("the researcher's table then hides cells with the new k, and says what the minimum is", async () => {
    await researcher.goto(`${e2e.baseUrl}/w/${WAVE}/questions?question=partners`);
    await researcher.getByTestId('question-table').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await researcher.getByTestId('disclosure-minimum').innerText()).toBe(
      'Минимальное k волны: 5 (задаёт координатор).',
    );
    // k = 5: Karelia (2), Arkhangelsk (4) and Lviv (4) are hidden; Russia keeps two hidden regions,
    // so Vologda (5) stays; Ukraine (9) would give Lviv away from Vinnytsia (5), so Vinnytsia is
    // hidden too — both were shown at k = 3. Moscow and the subtotals stay.
    const n = async (testId: string) => (await cells(researcher, testId))[2];
    expect(await n('question-row-RU-KR')).toBe('[c]');
    expect(await n('question-row-RU-ARK')).toBe('[c]');
    expect(await n('question-row-RU-VLG')).toBe('5');
    expect(await n('question-row-UA-46')).toBe('[c]');
    expect(await n('question-row-UA-05')).toBe('[c]');
    expect(await n('question-row-RU-MOS')).toBe('30');
    expect(await n('question-subtotal-RU')).toBe('41');
    expect(await n('question-subtotal-UA')).toBe('9');
    // The researcher cannot go below the new minimum: the lowest choice is 5.
    const options = await researcher
      .getByTestId('disclosure-k')
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(options[0]).toBe('5');
    expect(await researcher.getByTestId('suppressed-legend').innerText()).toContain('меньше 5 респондентов');
    expect(errors).toEqual([]);
  }, 60_000);
});
