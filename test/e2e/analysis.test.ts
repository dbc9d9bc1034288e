// A researcher works through the analysis pages in Chromium: two waves on the default
// questionnaire are filled through the API, then the dashboard is filtered by municipality type
// and sorted, a region opened, the obstacle table downloaded as XLSX and read back, and the
// crosstab and wave comparison pages built. Screenshots (Russian, one English) go to
// test-results/screenshots/issue4-*.png.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { IMC_PROFILE } from '../helpers/imc-profile';
import { useTestDatabase } from '../helpers/db';
import { openComparison, SHOTS, signInAt, submitAnswers, useBrowserApp } from '../helpers/e2e';
import { createUser } from '../helpers/auth';
import { createOpenWave } from '../helpers/fixtures';
import { listQuestionnaires } from '../../server/src/questionnaires/questionnaires.service';
import { DEFAULT_QUESTIONNAIRE } from '../../server/src/bootstrap';
import { setMinCell } from '../../server/src/analytics/coding.service';

useTestDatabase({ demo: false });

const WAVE_A = 'e2e-2025';
const WAVE_B = 'e2e-2026';
const EMAIL = 'analyst@e2e.local';
const PASSWORD = 'analyst password 1';

type Seed = { region: string; type: string; obstacles: string[]; experience: string };

/** Wave A: Vologda 8, Arkhangelsk 6, Kostroma 6 (Kostroma only in A); a fixed pattern of answers. */
function seedA(): Seed[] {
  const regions = [...Array(8).fill('RU-VLG'), ...Array(6).fill('RU-ARK'), ...Array(6).fill('RU-KOS')] as string[];
  return regions.map((region, i) => ({
    region,
    type: i % 3 === 0 ? 'rural_settlement' : i % 3 === 1 ? 'urban_okrug' : 'municipal_district',
    obstacles: [
      ...(region === 'RU-ARK' || i % 2 === 0 ? ['funding'] : []),
      ...(i % 3 === 1 ? ['experience'] : []),
      ...(i % 4 === 0 ? ['legal'] : []),
      'staff',
    ],
    experience: ['yes_ongoing', 'yes_past', 'planned', 'no'][i % 4],
  }));
}

/** Wave B: Vologda 6, Arkhangelsk 6, Karelia 4 (Karelia only in B). */
function seedB(): Seed[] {
  const regions = [...Array(6).fill('RU-VLG'), ...Array(6).fill('RU-ARK'), ...Array(4).fill('RU-KR')] as string[];
  return regions.map((region, i) => ({
    region,
    type: i % 2 === 0 ? 'rural_settlement' : 'urban_okrug',
    obstacles: i % 3 === 0 ? ['funding', 'legal'] : ['experience'],
    experience: ['no', 'planned'][i % 2],
  }));
}

async function submit(
  baseUrl: string,
  wave: string,
  s: Seed,
  i: number,
  extra: Record<string, unknown> = {},
): Promise<void> {
  await submitAnswers(baseUrl, wave, {
    ...IMC_PROFILE,
    region: s.region,
    municipality: `Муниципалитет ${wave.slice(-4)}-${i + 1}`,
    municipality_type: s.type,
    imc_experience: s.experience,
    obstacles: s.obstacles,
    ...extra,
  });
}

const e2e = useBrowserApp();
let page: Page;
let errors: string[];

beforeAll(async () => {
  const version = (await listQuestionnaires()).filter((q) => q.key === DEFAULT_QUESTIONNAIRE).at(-1)!;
  for (const [code, year] of [
    [WAVE_A, '2025'],
    [WAVE_B, '2026'],
  ]) {
    await createOpenWave(version.id, {
      code,
      title: { ru: `Мониторинг ${year}`, en: `Monitoring ${year}`, uk: `Моніторинг ${year}` },
    });
  }
  // The pages are checked against figures worked by hand on 20 respondents: the coordinator's
  // minimum k = 1 shows them whole (the legend at k = 3 is checked at the end).
  for (const code of [WAVE_A, WAVE_B]) await setMinCell(code, 1);
  await createUser(EMAIL, PASSWORD, ['researcher']);
  for (const [i, s] of seedA().entries()) await submit(e2e.baseUrl, WAVE_A, s, i);
  for (const [i, s] of seedB().entries()) await submit(e2e.baseUrl, WAVE_B, s, i);
  ({ page, errors } = await e2e.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true }));
}, 240_000);

async function expectText(locator: ReturnType<Page['locator']>, text: string | RegExp): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: 15_000 });
}

const firstRowId = () => page.locator('[data-testid="results-table"] tbody tr').first().getAttribute('data-testid');

describe('researcher analysis pages', () => {
  it('dashboard: base, filter by municipality type, sorting, region page, XLSX download', async () => {
    await signInAt(page, e2e.baseUrl, `/w/${WAVE_A}/results`, { email: EMAIL, password: PASSWORD });

    const seeds = seedA();
    await expectText(page.getByTestId('base-respondents'), `${seeds.length} респондентов`);
    await expectText(page.getByTestId('results-base'), 'База: 20 респондентов');
    // Vologda: 8 respondents; funding chosen by the even-numbered ones (4 of 8 = 50,0 %).
    const vlg = await page.getByTestId('region-row-RU-VLG').locator('td, th').allInnerTexts();
    expect(vlg[0]).toContain('Вологодская область');
    expect(vlg[1]).toBe('8');
    expect(vlg[2]).toMatch(/^4\s\(50,0\s%\)$/);
    // Default order: by respondents, largest first.
    expect(await firstRowId()).toBe('region-row-RU-VLG');

    // Sort by region name (А…Я), then by the funding share (Arkhangelsk: all of them).
    await page.getByTestId('sort-region').click();
    expect(await firstRowId()).toBe('region-row-RU-ARK');
    await page.getByTestId('sort-region').click();
    expect(await firstRowId()).toBe('region-row-RU-KOS');
    await page.getByTestId('sort-funding').click();
    expect(await firstRowId()).toBe('region-row-RU-ARK');
    expect(await page.locator('th[aria-sort="descending"]').innerText()).toContain('финансов');

    await page.getByTestId('overall-chart').locator('canvas').waitFor({ state: 'visible', timeout: 15_000 });
    await page.getByTestId('regions-chart').locator('canvas').waitFor({ state: 'visible', timeout: 15_000 });
    await page.screenshot({ path: path.join(SHOTS, 'issue4-dashboard.png'), fullPage: true });

    // Each chart also downloads as SVG: vector bars (one per answered obstacle, with whiskers)
    // and the Cyrillic labels as text.
    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('overall-chart-svg').click(),
    ]);
    expect(svgDownload.suggestedFilename()).toMatch(/-obstacles\.svg$/);
    const svg = fs.readFileSync((await svgDownload.path())!, 'utf8');
    fs.writeFileSync(path.join(SHOTS, 'issue4-obstacles.svg'), svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('Недостаток финансовых');
    const bars = svg.match(/<rect [^>]*rx="2"/g) ?? [];
    const whiskers = svg.match(/<path d="M/g) ?? [];
    expect(bars.length).toBeGreaterThan(0);
    expect(whiskers.length).toBe(bars.length);
    const [regionsSvg] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('regions-chart-svg').click(),
    ]);
    const rsvg = fs.readFileSync((await regionsSvg.path())!, 'utf8');
    expect(rsvg).toContain('Вологодская область');
    // One bar per region with respondents, as in the table.
    expect((rsvg.match(/<rect [^>]*rx="2"/g) ?? []).length).toBe(
      await page.locator('[data-testid^="region-row-"]').count(),
    );

    // Filter: rural settlements only. The base changes to their number.
    const rural = seeds.filter((s) => s.type === 'rural_settlement');
    await page.locator('select[name="municipalityType"]').selectOption('rural_settlement');
    await page.waitForURL(/municipalityType=rural_settlement/);
    await expectText(page.getByTestId('base-respondents'), `${rural.length} респондентов`);
    await expectText(page.getByTestId('results-base'), `База: ${rural.length} респондентов`);
    await expectText(page.getByTestId('results-base'), 'тип муниципального образования: Сельское поселение');
    const ruralVlg = rural.filter((s) => s.region === 'RU-VLG').length;
    const vlgFiltered = await page.getByTestId('region-row-RU-VLG').locator('td').first().innerText();
    expect(vlgFiltered).toBe(String(ruralVlg));

    // The obstacle table as XLSX, with the filter stated in every sheet.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('download-tally-xlsx').click(),
    ]);
    const file = path.join(os.tmpdir(), `issue4-${randomUUID()}.xlsx`);
    await download.saveAs(file);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    fs.rmSync(file, { force: true });
    const tables = ['Препятствия по регионам', 'Препятствия в целом', 'Респонденты по регионам'];
    expect(book.worksheets.map((w) => w.name)).toEqual([...tables, 'Примечания']);
    const texts = (w: ExcelJS.Worksheet) => {
      const out: string[] = [];
      w.eachRow((row) => out.push((row.values as unknown[]).map((v) => (v === undefined ? '' : String(v))).join('|')));
      return out;
    };
    // Each table on a clean sheet (header in row 1); its title, base and filter on the notes sheet.
    const notes = texts(book.getWorksheet('Примечания')!);
    for (const name of tables) {
      expect(String(book.getWorksheet(name)!.getRow(1).getCell(1).value)).toBe('Код');
      expect(notes.some((l) => l.startsWith(`|${name}|`) && l.includes(`База: ${rural.length} респондентов`))).toBe(
        true,
      );
      expect(notes.some((l) => l.startsWith(`|${name}|`) && l.includes('Сельское поселение'))).toBe(true);
    }
    const perRegion = texts(book.getWorksheet('Респонденты по регионам')!);
    expect(perRegion.some((l) => l.startsWith('|RU-VLG|Вологодская область|') && l.endsWith(`|${ruralVlg}`))).toBe(
      true,
    );

    // Back to everyone, then the Vologda region page.
    await page.getByRole('button', { name: 'Сбросить фильтры' }).click();
    await expectText(page.getByTestId('base-respondents'), '20 респондентов');
    await page.getByTestId('region-row-RU-VLG').getByRole('link').click();
    await page.waitForURL(new RegExp(`/w/${WAVE_A}/regions/RU-VLG`));
    await expectText(page.getByTestId('region-respondents'), 'Респондентов в регионе: 8 из 20');
    const funding = await page.getByTestId('region-obstacle-funding').locator('td').allInnerTexts();
    // Vologda 4/8 = 50 %; overall 4 + 6 (all of Arkhangelsk) + 3 = 13/20 = 65 %.
    expect(funding[0]).toMatch(/^50,0\s%/);
    expect(funding[2]).toMatch(/^65,0\s%/);
    await expect(page.getByTestId('municipalities-table').locator('tbody tr').count()).resolves.toBe(8);
    await page.getByTestId('region-chart').locator('canvas').waitFor({ state: 'visible', timeout: 15_000 });
    await page.screenshot({ path: path.join(SHOTS, 'issue4-region.png'), fullPage: true });
  }, 180_000);

  it('crosstab: two questions, counts and the chi-square test with its small-count warning', async () => {
    await page.goto(`${e2e.baseUrl}/w/${WAVE_A}/crosstab`);
    await page.getByTestId('crosstab-row').selectOption('municipality_type');
    await page.getByTestId('crosstab-col').selectOption('imc_experience');
    await page.getByTestId('crosstab-table').waitFor({ state: 'visible', timeout: 15_000 });
    await expectText(page.getByTestId('crosstab-base'), 'База: 20 респондентов');
    // By hand: rows 7/6/7, columns 5 each, so expected 1.75/1.5/1.75; χ² = 0.75/1.75 + 1/1.5 + 0.75/1.75 = 1.5238.
    await expectText(page.getByTestId('chi-statistic'), /^1,524$/);
    await expectText(page.getByTestId('chi-df'), /^6$/);
    await expectText(page.getByTestId('chi-warning'), 'ожидаемая частота меньше 5');
    // Row % of the rural settlements (i = 0, 3, …, 18: 7 of them) across experience answers.
    await page.getByLabel('% по строке').check();
    const ruralRow = page.locator('[data-testid="crosstab-table"] tbody tr', { hasText: 'Сельское поселение' });
    const cells = await ruralRow.locator('td').allInnerTexts();
    expect(cells.at(-1)).toBe('7');
    await page.screenshot({ path: path.join(SHOTS, 'issue4-crosstab.png'), fullPage: true });
  }, 60_000);

  it('comparison: wave B against A per region, regions of one wave only marked', async () => {
    await openComparison(page, e2e.baseUrl, WAVE_A, WAVE_B, 'obstacles');
    await expectText(page.getByTestId('compare-row-RU-KOS'), 'только в волне A');
    await expectText(page.getByTestId('compare-row-RU-KR'), 'только в волне B');
    // Arkhangelsk funding: A 6/6 = 100 %, B 2/6 (i = 6, 9) = 33,3 % → −66,7 pp.
    const ark = await page.getByTestId('compare-row-RU-ARK').locator('td').allInnerTexts();
    expect(ark[1]).toMatch(/^100,0\s%/);
    expect(ark[3]).toMatch(/^33,3\s%/);
    // 6 respondents a wave: the change is flagged as resting on a small base, and not significant.
    expect(ark[4]).toMatch(/^[−-]66,7\*$/);
    await expect(page.getByTestId('compare-row-RU-ARK').locator('td.significant').count()).resolves.toBe(0);
    await page.screenshot({ path: path.join(SHOTS, 'issue4-comparison.png'), fullPage: true });
  }, 60_000);

  it('the dashboard reads in English too', async () => {
    await page.goto(`${e2e.baseUrl}/w/${WAVE_A}/results`);
    await page.getByTestId('language-switcher').selectOption('en');
    await expectText(page.getByTestId('base-respondents'), '20 respondents');
    await expectText(page.getByTestId('results-base'), 'Base: 20 respondents');
    await page.getByTestId('overall-chart').locator('canvas').waitFor({ state: 'visible', timeout: 15_000 });
    await page.screenshot({ path: path.join(SHOTS, 'issue4-dashboard-en.png'), fullPage: true });
    await page.getByTestId('language-switcher').selectOption('ru');
    expect(errors).toEqual([]);
  }, 60_000);

  it('free text: an "other" answer is found by search and coded into an obstacle, which then counts', async () => {
    await submit(
      e2e.baseUrl,
      WAVE_A,
      { region: 'RU-VLG', type: 'urban_okrug', obstacles: ['other'], experience: 'no' },
      20,
      { 'obstacles-Comment': 'Нет нормативной базы для совместных проектов' },
    );
    await page.goto(`${e2e.baseUrl}/w/${WAVE_A}/texts`);
    await page.getByLabel('Поиск по тексту или муниципалитету').fill('нормативной');
    await page.getByRole('button', { name: 'Найти' }).click();
    await expectText(page.getByTestId('texts-total'), 'Найден 1 ответ');
    const item = page.getByTestId('text-answer').first();
    await expectText(item, 'Не закодирован');
    await item.getByLabel('Отнести к коду').selectOption('legal');
    await item.getByRole('button', { name: 'Применить' }).click();
    await expectText(page.getByTestId('text-answer').first(), 'Учитывается как: Пробелы и противоречия');
    await page.screenshot({ path: path.join(SHOTS, 'issue4-texts.png'), fullPage: true });
    // Legal: 5 of the first 20, plus the coded answer.
    await page.goto(`${e2e.baseUrl}/w/${WAVE_A}/results`);
    await expectText(page.getByTestId('base-respondents'), '21 респондент');
    const total = await page.getByTestId('results-total').locator('td').allInnerTexts();
    expect(total[3]).toMatch(/^6\s\(28,6\s%\)$/);
  }, 60_000);

  it('disclosure: at the wave minimum k = 3 the table states the rule in its legend; hidden cells read [c]', async () => {
    await setMinCell(WAVE_A, 3);
    try {
      await page.goto(`${e2e.baseUrl}/w/${WAVE_A}/results`);
      await page.getByTestId('results-table').waitFor({ state: 'visible', timeout: 15_000 });
      const legend = page.getByTestId('suppressed-legend');
      await expectText(legend, '[c] — скрыто: значение меньше 3 респондентов');
      await expectText(page.getByTestId('small-base-legend'), 'малая база: ответили меньше 30');
      // Arkhangelsk's "legal" is 2 respondents: hidden on screen as in the export.
      const ark = await page.getByTestId('region-row-RU-ARK').locator('td').allInnerTexts();
      expect(ark).toContain('[c]');
      // A researcher chooses k from the wave's minimum up, never below it.
      const choices = await page
        .getByTestId('disclosure-k')
        .locator('option')
        .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
      expect(choices[0]).toBe('3');
      await legend.scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, 'issue12-legend-ru.png'), fullPage: true });
      await legend.screenshot({ path: path.join(SHOTS, 'issue12-legend-ru-crop.png') });
      await page.getByTestId('language-switcher').selectOption('en');
      await expectText(legend, '[c] — hidden: fewer than 3 respondents');
      await page.screenshot({ path: path.join(SHOTS, 'issue12-legend-en.png'), fullPage: true });
      await page.getByTestId('language-switcher').selectOption('ru');
    } finally {
      await setMinCell(WAVE_A, 1);
    }
    expect(errors).toEqual([]);
  }, 60_000);
});
