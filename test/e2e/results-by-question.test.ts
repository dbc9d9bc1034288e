/// <reference lib="dom" />
// Issue 12, items 3, 4, 7 and 8 in Chromium: a monitor questionnaire with no obstacle question
// (one number per municipality: partners) opens on the question picker, a numeric question is
// shown per region with its total row, the tile-grid maps of Russia and Ukraine are coloured and
// downloaded as SVG and PNG, the sums are compared across two waves, and the obstacle heat map
// (one table per country, sticky header, colour legend) passes axe's contrast rules.
// Screenshots go to docs/screenshots/issue12-*.png.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useTestDatabase, ROOT } from '../helpers/db';
import { openComparison, signInAt, submitAnswers as post, useBrowserApp } from '../helpers/e2e';
import { createOpenWave, regionalQuestionnaire } from '../helpers/fixtures';
import { createUser } from '../helpers/auth';
import { axeViolations, describeFindings } from '../helpers/axe';
import { listQuestionnaires, registerVersion } from '../../server/src/questionnaires/questionnaires.service';
import { DEFAULT_QUESTIONNAIRE } from '../../server/src/bootstrap';
import { setMinCell } from '../../server/src/analytics/coding.service';

useTestDatabase({ demo: false });

const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const EMAIL = 'monitor@e2e.local';
const PASSWORD = 'monitor password 1';
const WAVE_A = 'partners-2025';
const WAVE_B = 'partners-2026';
const OBSTACLES = 'obstacles-2025';

const REGIONS = [
  'RU-VLG',
  'RU-MOS',
  'RU-ARK',
  'RU-KR',
  'RU-SPE',
  'RU-TA',
  'RU-SVE',
  'RU-NVS',
  'RU-KDA',
  'RU-PRI',
  'RU-IRK',
  'UA-05',
  'UA-30',
  'UA-46',
  'UA-63',
  'UA-51',
];

const MONITOR = regionalQuestionnaire(
  { ru: 'Мониторинг партнёрств', en: 'Partnership monitor', uk: 'Моніторинг партнерств' },
  REGIONS,
  [
    {
      type: 'text',
      name: 'partners',
      title: { ru: 'Число партнёров по межмуниципальному сотрудничеству', en: 'Number of cooperation partners' },
      inputType: 'number',
      min: 0,
    },
  ],
);

/** Partners per municipality: Vologda and Moscow Oblast by hand, the others from a fixed rule. */
function partners(wave: 'A' | 'B'): [string, number][] {
  const out: [string, number][] =
    wave === 'A'
      ? [
          ['RU-VLG', 3],
          ['RU-VLG', 5],
          ['RU-VLG', 4],
          ['RU-MOS', 10],
          ['RU-MOS', 2],
        ]
      : [
          ['RU-VLG', 6],
          ['RU-VLG', 6],
          ['RU-MOS', 1],
          ['RU-MOS', 2],
          ['RU-MOS', 3],
          ['RU-MOS', 10],
        ];
  REGIONS.slice(2).forEach((region, i) => {
    const n = 2 + (i % 3); // 2, 3 or 4 municipalities
    for (let k = 0; k < n; k++) out.push([region, ((i * 7 + k * 3) % 11) + (wave === 'B' ? 2 : 0)]);
  });
  return out;
}

async function wave(code: string, questionnaireId: string, year: string, what = 'partners'): Promise<void> {
  const title =
    what === 'partners'
      ? { ru: `Партнёрства ${year}`, en: `Partnerships ${year}`, uk: `Партнерства ${year}` }
      : { ru: `Препятствия ${year}`, en: `Obstacles ${year}`, uk: `Перешкоди ${year}` };
  await createOpenWave(questionnaireId, { code, title });
}

const e2e = useBrowserApp();
let page: Page;
let errors: string[];

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const { version } = await registerVersion('partner-monitor', MONITOR, 'upload');
  await wave(WAVE_A, version.id, '2025');
  await wave(WAVE_B, version.id, '2026');
  const imc = (await listQuestionnaires()).filter((q) => q.key === DEFAULT_QUESTIONNAIRE).at(-1)!;
  await wave(OBSTACLES, imc.id, '2025', 'obstacles');
  // Figures are checked on a handful of answers: the coordinator's minimum k = 1 shows them whole
  // (the small-cell rule is tested in disclosure.test.ts and analysis.test.ts).
  for (const code of [WAVE_A, WAVE_B, OBSTACLES]) await setMinCell(code, 1);
  await createUser(EMAIL, PASSWORD, ['researcher']);
  for (const [w, list] of [
    [WAVE_A, partners('A')],
    [WAVE_B, partners('B')],
  ] as const) {
    for (const [i, [region, n]] of list.entries())
      await post(e2e.baseUrl, w, { region, municipality: `Муниципалитет ${i + 1}`, partners: n });
  }
  // The obstacle questionnaire in both countries, so the heat map has a table for each.
  const obstacleSeeds: [string, string[]][] = [
    ['RU-VLG', ['funding', 'staff']],
    ['RU-VLG', ['funding']],
    ['RU-VLG', ['legal']],
    ['RU-ARK', ['funding', 'legal']],
    ['RU-ARK', ['staff']],
    ['UA-05', ['funding']],
    ['UA-05', ['funding', 'experience']],
    ['UA-46', ['legal']],
  ];
  for (const [i, [region, obstacles]] of obstacleSeeds.entries()) {
    const ua = region.startsWith('UA');
    await post(e2e.baseUrl, OBSTACLES, {
      country: ua ? 'UA' : 'RU',
      region,
      municipality: `Муниципалитет ${i + 1}`,
      municipality_type: ua ? 'hromada_rural' : 'rural_settlement',
      size_class: 'small',
      role: 'head',
      imc_experience: 'no',
      obstacles,
    });
  }
  ({ page, errors } = await e2e.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true }));
}, 300_000);

async function shot(name: string, target?: ReturnType<Page['locator']>): Promise<void> {
  const file = path.join(SHOTS, name);
  if (target) await target.screenshot({ path: file });
  else await page.screenshot({ path: file, fullPage: false });
  expect(fs.statSync(file).size).toBeLessThan(300 * 1024);
}

/** A screenshot of the page from the top of one element to the bottom of another. */
async function shotBetween(
  name: string,
  top: ReturnType<Page['locator']>,
  bottom: ReturnType<Page['locator']>,
): Promise<void> {
  // A tall window, so the tables (at most 75 % of the window high, then scrolling) show whole.
  await page.setViewportSize({ width: 1280, height: 2000 });
  const a = (await top.boundingBox())!;
  const b = (await bottom.boundingBox())!;
  const scrollY = await page.evaluate(() => window.scrollY);
  const y = a.y + scrollY - 12;
  const file = path.join(SHOTS, name);
  await page.screenshot({
    path: file,
    fullPage: true,
    clip: { x: 0, y, width: 1280, height: b.y + scrollY + b.height + 12 - y },
  });
  expect(fs.statSync(file).size).toBeLessThan(300 * 1024);
  await page.setViewportSize({ width: 1280, height: 900 });
}

const cells = (testId: string) => page.getByTestId(testId).locator('td').allInnerTexts();

/** Waits until the tile of `region` on the map of `country` reads `text` (its lines joined by |). */
const tileShows = (country: string, region: string, text: string) =>
  page.waitForFunction(
    ([country, region, text]) =>
      [...document.querySelectorAll(`[data-testid="tile-map-${country}"] g[data-region="${region}"] text`)]
        .map((e) => e.textContent)
        .join('|') === text,
    [country, region, text] as const,
    { timeout: 10_000 },
  );

describe('results by question, comparison of sums, tile map, heat map', () => {
  it('a wave without an obstacle question opens on the question picker; a numeric question per region', async () => {
    await signInAt(page, e2e.baseUrl, `/w/${WAVE_A}/results`, { email: EMAIL, password: PASSWORD });
    await page.getByTestId('question-picker').waitFor({ state: 'visible', timeout: 15_000 });
    // No obstacle table and no "Base: 0".
    expect(await page.getByTestId('results-table').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain('База: 0');

    await page.getByTestId('question-picker').selectOption('partners');
    await page.getByTestId('question-table').waitFor({ state: 'visible', timeout: 15_000 });
    // Vologda 3, 5, 4: code, respondents, n, sum 12, mean 4,00, median 4, min 3, max 5.
    expect(await cells('question-row-RU-VLG')).toEqual(['RU-VLG', '3', '3', '12', '4,00', '4', '3', '5']);
    // Moscow Oblast 10, 2: mean 6, median 6.
    expect(await cells('question-row-RU-MOS')).toEqual(['RU-MOS', '2', '2', '12', '6,00', '6', '2', '10']);
    const total = await cells('question-total');
    const all = partners('A').map(([, n]) => n);
    expect(total[2]).toBe(String(all.length));
    expect(total[3].replace(/\s/g, '')).toBe(String(all.reduce((s, v) => s + v, 0)));

    // Rows by code: RU-ARK first; by name (default): Архангельская first as well, then Вологодская
    // (each country's regions, then its subtotal; Винницкая opens Ukraine after Russia's subtotal).
    // The n-th row (from 1) becomes `id` (the order is applied on the next render).
    const rowIs = (n: number, id: string) =>
      page.waitForFunction(
        ([n, id]) =>
          document
            .querySelector(`[data-testid="question-table"] tbody tr:nth-child(${n})`)
            ?.getAttribute('data-testid') === id,
        [n, id] as const,
        { timeout: 10_000 },
      );
    await rowIs(1, 'question-row-RU-ARK');
    await rowIs(2, 'question-row-RU-VLG');
    await rowIs(12, 'question-subtotal-RU');
    await rowIs(13, 'question-row-UA-05');
    await page.getByTestId('question-order').selectOption('code');
    await rowIs(1, 'question-row-RU-ARK');
    await rowIs(2, 'question-row-RU-IRK');
    const csvHref = await page.getByTestId('download-question-csv').getAttribute('href');
    expect(csvHref).toContain('order=code');
    await page.getByTestId('question-order').selectOption('name');

    // Tile maps: one per country; every region with answers coloured.
    await page.getByTestId('tile-map-RU').waitFor({ state: 'visible' });
    await page.getByTestId('tile-map-UA').waitFor({ state: 'visible' });
    const ruValues = await page.locator('[data-testid="tile-map-RU"] g[data-state="value"]').count();
    expect(ruValues).toBe(REGIONS.filter((r) => r.startsWith('RU')).length);
    expect(await page.locator('[data-testid="tile-map-RU"] g[data-region="RU-VLG"] text').allTextContents()).toEqual([
      'VLG',
      '12*', // 3 answered: a small base (< 30) is flagged on the tile
    ]);
    expect(await page.locator('[data-testid="tile-map-UA"] g[data-state="value"]').count()).toBe(5);
    expect(await page.locator('[data-testid="tile-map-UA"] g[data-region="UA-46"] text').first().textContent()).toBe(
      'LVI',
    );
    await shotBetween(
      'issue12-question-numeric.png',
      page.locator('.question-results'),
      page.getByTestId('question-table'),
    );
  }, 120_000);

  it('tile map: colour by mean, suppressed cells hatched, SVG and PNG downloads', async () => {
    await page.getByTestId('map-stat').selectOption('mean');
    // Moscow Oblast's mean, 6, replaces its sum, 12, on the tile (on the next render).
    await tileShows('RU', 'RU-MOS', 'MOS|6*');
    // Hide small cells (k = 3): Moscow Oblast (2 answers) is marked, not coloured.
    await page.getByTestId('disclosure-k').selectOption('3');
    await page
      .locator('[data-testid="tile-map-RU"] g[data-region="RU-MOS"][data-state="suppressed"]')
      .waitFor({ state: 'attached', timeout: 15_000 });
    expect(await page.locator('[data-testid="tile-map-RU"] g[data-region="RU-VLG"]').getAttribute('data-state')).toBe(
      'value',
    );
    await page.getByTestId('tile-map-RU').scrollIntoViewIfNeeded();
    await shot('issue12-tile-map.png', page.locator('.tile-maps'));

    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('tile-map-RU-svg').click(),
    ]);
    expect(svgDownload.suggestedFilename()).toBe(`${WAVE_A}-partners-RU.svg`);
    const svg = fs.readFileSync((await svgDownload.path())!, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('data-region="RU-VLG"');
    expect(svg).toContain('скрыто (малая ячейка)'); // the legend travels with the drawing
    expect((svg.match(/<rect [^>]*width="46"/g) ?? []).length).toBe(83); // one tile per Russian region

    const [pngDownload] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('tile-map-UA-png').click(),
    ]);
    expect(pngDownload.suggestedFilename()).toBe(`${WAVE_A}-partners-UA.png`);
    const png = fs.readFileSync((await pngDownload.path())!);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.length).toBeGreaterThan(2000);
    await page.getByTestId('disclosure-k').selectOption('1');
  }, 120_000);

  it('comparison of sums: per region and total, the sum in each wave, its change, and the mean', async () => {
    await openComparison(page, e2e.baseUrl, WAVE_A, WAVE_B, 'partners');
    // Vologda: n 3 → 2, sum 12 → 12 (no change), mean 4 → 6 (+2, +50 %).
    const vlg = await cells('compare-row-RU-VLG');
    expect(vlg.slice(0, 6)).toEqual(['3', '12', '4,00', '2', '12', '6,00']);
    expect(vlg[6]).toBe('0 (0,0 %)');
    expect(vlg[7]).toBe('+2 (+50,0 %)');
    // Moscow Oblast: sum 12 → 16 (+4, +33,3 %), mean 6 → 4 (−2, −33,3 %).
    const mos = await cells('compare-row-RU-MOS');
    expect(mos[6]).toBe('+4 (+33,3 %)');
    expect(mos[7]).toMatch(/^[−-]2 \([−-]33,3 %\)$/);
    const sumA = partners('A').reduce((s, [, n]) => s + n, 0);
    const sumB = partners('B').reduce((s, [, n]) => s + n, 0);
    const total = await page.getByTestId('compare-row-all').locator('td').allInnerTexts();
    expect(total[1].replace(/\s/g, '')).toBe(String(sumA));
    expect(total[4].replace(/\s/g, '')).toBe(String(sumB));
    expect(total[6].startsWith(`+${sumB - sumA}`)).toBe(true);
    await shotBetween(
      'issue12-compare-sums.png',
      page.locator('.analysis-pickers').first(),
      page.getByTestId('compare-table'),
    );
  }, 60_000);

  it('the picker and the comparison read in English too', async () => {
    await page.goto(`${e2e.baseUrl}/w/${WAVE_A}/questions?question=partners`);
    await page.getByTestId('language-switcher').selectOption('en');
    await page.getByTestId('question-table').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await cells('question-row-RU-VLG')).toEqual(['RU-VLG', '3', '3', '12', '4.00', '4', '3', '5']);
    await shotBetween(
      'issue12-question-numeric-en.png',
      page.locator('.question-results'),
      page.getByTestId('question-table'),
    );
    await page.goto(`${e2e.baseUrl}/w/${WAVE_A}/compare?b=${WAVE_B}&question=partners`);
    await page.getByTestId('compare-table').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.getByTestId('compare-table').innerText()).toContain('Of the sum');
    await shotBetween(
      'issue12-compare-sums-en.png',
      page.locator('.analysis-pickers').first(),
      page.getByTestId('compare-table'),
    );
    await page.getByTestId('language-switcher').selectOption('ru');
  }, 60_000);

  it('heat map: one table per country, sticky header and region column, colour legend, contrast', async () => {
    await page.goto(`${e2e.baseUrl}/w/${OBSTACLES}/results`);
    await page.getByTestId('results-table-RU').waitFor({ state: 'visible', timeout: 15_000 });
    await page.getByTestId('results-table-UA').waitFor({ state: 'visible' });
    await page.getByTestId('heat-legend').waitFor({ state: 'visible' });
    // Russia's table holds Russian regions only; Ukraine's the Ukrainian ones and the total row.
    expect(await page.getByTestId('results-table-RU').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('results-table-UA').locator('tbody tr').count()).toBe(2);
    expect(await page.getByTestId('results-table-RU').getByTestId('results-total').count()).toBe(0);
    expect(await page.getByTestId('results-table-UA').getByTestId('results-total').count()).toBe(1);
    const sticky = await page
      .getByTestId('results-table-RU')
      .locator('thead th')
      .first()
      .evaluate((el) => {
        const s = getComputedStyle(el);
        return [s.position, s.top, s.left];
      });
    expect(sticky).toEqual(['sticky', '0px', '0px']);
    expect(
      await page
        .getByTestId('results-table-RU')
        .locator('tbody th')
        .first()
        .evaluate((el) => getComputedStyle(el).position),
    ).toBe('sticky');
    // Vologda funding 2 of 3: a base of 3 is below the small-base threshold (30), so the cell is not
    // coloured (a colour would read as a reliable share) and the region is flagged "*".
    const heat = page.getByTestId('region-row-RU-VLG').locator('td.heat').first();
    expect((await heat.getAttribute('style')) ?? '').not.toContain('background');
    expect(await page.getByTestId('region-row-RU-VLG').locator('th').innerText()).toMatch(/\*$/);
    const findings = await axeViolations(page);
    expect(describeFindings('heat map', findings)).toEqual([]);
    expect(findings.filter((f) => f.id === 'color-contrast')).toEqual([]);
    await shotBetween('issue12-heat-map.png', page.getByTestId('heat-legend'), page.getByTestId('results-table-UA'));
  }, 60_000);

  it('a choice question per region: counts, shares with Wilson intervals, and its tile map', async () => {
    await page.goto(`${e2e.baseUrl}/w/${OBSTACLES}/questions?question=imc_experience`);
    await page.getByTestId('question-table').waitFor({ state: 'visible', timeout: 15_000 });
    // Vologda: 3 answered, all "no": 3 · 100,0 % [43,9–100,0] (Wilson low for 3 of 3 = 0.4385).
    const vlg = await cells('question-row-RU-VLG');
    expect(vlg.slice(0, 3)).toEqual(['RU-VLG', '3', '3']);
    expect(vlg[6].replace(/\s/g, ' ')).toBe('3 · 100,0 % [43,9–100,0]');
    await page.getByTestId('map-option').selectOption('no');
    await tileShows('UA', 'UA-05', 'VIN|100%*');
  }, 60_000);

  it('the question picker passes axe too, and the pages raised no script errors', async () => {
    await page.goto(`${e2e.baseUrl}/w/${WAVE_A}/questions?question=partners`);
    await page.getByTestId('tile-map-RU').waitFor({ state: 'visible', timeout: 15_000 });
    expect(describeFindings('question picker', await axeViolations(page))).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});
