/// <reference lib="dom" />
// Issue 17 in Chromium: three waves of the monitor questionnaire (surveys/lsg-problems), the trend
// of one problem area across them (chart, table, matching, SVG download), the coordinator's
// publish panel and the public results page without an account (axe, no microdata), and the
// annual report printed to PDF (page.pdf) and rendered with pdftoppm. Screenshots go to
// docs/screenshots/{trends-ru,trends-en,public-results-ru,report-page1,report-page2}.png.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { useTestDatabase, ROOT } from '../helpers/db';
import { submitAnswers, useBrowserApp } from '../helpers/e2e';
import { createOpenWave } from '../helpers/fixtures';
import { createUser } from '../helpers/auth';
import { axeViolations, describeFindings } from '../helpers/axe';
import { listQuestionnaires } from '../../server/src/questionnaires/questionnaires.service';
import { publishWave } from '../../server/src/publication/publication.service';
import { problemAreas } from '../../scripts/authoring/build-lsg-problems';

useTestDatabase({ demo: false });

const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const EMAIL = 'monitor17@e2e.local';
const PASSWORD = 'monitor password 17';
const WAVES = ['lsg-2024', 'lsg-2025', 'lsg-2026'];
const REGIONS: [string, string][] = [
  ['RU-VLG', 'RU'],
  ['RU-ARK', 'RU'],
  ['RU-TA', 'RU'],
  ['RU-SVE', 'RU'],
  ['UA-05', 'UA'],
  ['UA-46', 'UA'],
];
const SECRET_TOWN = 'Тайноград';
const AREAS = problemAreas().map((a) => a.code);

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** A municipality's answers: acuteness drifts up year by year for the first areas. */
function answers(rand: () => number, year: number, i: number): Record<string, unknown> {
  const [region, country] = REGIONS[i % REGIONS.length];
  const severity: Record<string, number | string> = {};
  AREAS.forEach((a, j) => {
    if (rand() < 0.08) severity[a] = 'na';
    else {
      const drift = j < 5 ? year : j < 10 ? -year : 0;
      severity[a] = Math.max(1, Math.min(5, Math.round(1 + rand() * 4 + drift * 0.6 - 0.3)));
    }
  });
  const top = [...AREAS].sort(() => rand() - 0.5).slice(0, 3);
  return {
    country,
    region,
    municipality: `${SECRET_TOWN} ${i}`,
    municipality_type: country === 'UA' ? 'hromada_rural' : 'rural_settlement',
    size_class: 'small',
    role: 'head',
    severity,
    top_priorities: top,
    help_needed: ['funding'],
    practice_offer: rand() < 0.3 ? 'yes' : 'no',
    comment: 'Комментарий, который нельзя публиковать',
  };
}

const e2e = useBrowserApp();
let page: Page;
let errors: string[];

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const q = (await listQuestionnaires()).filter((x) => x.key === 'lsg-problems').at(-1)!;
  expect(q).toBeDefined();
  for (const [i, code] of WAVES.entries()) {
    await createOpenWave(q.id, {
      code,
      title: {
        ru: `Мониторинг проблем МСУ — ${2024 + i}`,
        en: `LSG problems monitor — ${2024 + i}`,
        uk: `Моніторинг проблем МСВ — ${2024 + i}`,
      },
      opensAt: new Date(Date.UTC(2024 + i, 2, 1)),
    });
  }
  await createUser(EMAIL, PASSWORD, ['researcher', 'coordinator']);
  for (const [y, code] of WAVES.entries()) {
    const rand = rng(17 + y);
    for (let i = 0; i < 48 + y * 6; i++) await submitAnswers(e2e.baseUrl, code, answers(rand, y, i));
  }
  ({ page, errors } = await e2e.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true }));
}, 600_000);

async function shot(p: Page, name: string, target: ReturnType<Page['locator']>): Promise<void> {
  const file = path.join(SHOTS, name);
  await target.screenshot({ path: file });
  expect(fs.statSync(file).size).toBeLessThan(400 * 1024);
}

describe('the standing monitor in the browser', () => {
  it('shows the trend of a problem area across three waves, with the matching, and downloads the chart', async () => {
    await page.goto(`${e2e.baseUrl}/login`);
    await page.getByLabel('Электронная почта').fill(EMAIL);
    await page.getByLabel('Пароль').fill(PASSWORD);
    await page.getByRole('button', { name: 'Войти' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    // A mean is hidden when any answer cell of its row is hidden (docs/disclosure.md): at k = 3 every
    // answer of "levels of power" counts at least 3 overall in each wave (national projects has a 1 in wave 2).
    await page.goto(
      `${e2e.baseUrl}/trends?waves=${WAVES.join(',')}&question=severity_levels_of_power&measure=mean&k=3`,
    );
    await page.getByTestId('trend-table').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await page.getByTestId('trend-matching').locator('tbody tr').count()).toBe(3);
    expect(await page.getByTestId('trend-matching').innerText()).toContain('то же имя и формулировка');
    // Three points on the overall line, each with a mean and interval.
    const overall = await page.getByTestId('trend-row-all').locator('td').allInnerTexts();
    expect(overall).toHaveLength(3);
    for (const text of overall) expect(text).toMatch(/^\d,\d\d \[\d,\d\d–\d,\d\d\]/);
    expect(
      await page.locator('svg.trend-chart polygon, svg.trend-chart line[stroke-width="6"]').count(),
    ).toBeGreaterThan(0);
    const download = page.waitForEvent('download');
    await page.getByTestId('trend-svg').click();
    const svg = fs.readFileSync((await (await download).path())!, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('polyline');
    await shot(page, 'trends-ru.png', page.locator('.analysis'));

    await page.evaluate(() => localStorage.setItem('lsg-barometer:lang', 'en'));
    await page.reload();
    await page.getByTestId('trend-table').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await page.getByTestId('trend-matching').innerText()).toContain('same name and wording');
    await shot(page, 'trends-en.png', page.locator('.analysis'));
    await page.evaluate(() => localStorage.setItem('lsg-barometer:lang', 'ru'));
  }, 120_000);

  it('publishes from the wave page; the public page needs no account, holds no microdata and passes axe', async () => {
    for (const code of WAVES.slice(0, 2)) await publishWave(code, 5, EMAIL);
    await page.goto(`${e2e.baseUrl}/admin/waves/${WAVES[2]}`);
    await page.getByTestId('publish-panel').waitFor({ state: 'visible', timeout: 20_000 });
    await page.getByTestId('publish-button').click();
    await page.getByTestId('publish-link').waitFor({ state: 'visible', timeout: 20_000 });

    const anon = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const pub = await anon.newPage();
    pub.on('pageerror', (e) => errors.push(e.message));
    await pub.goto(`${e2e.baseUrl}/p/${WAVES[2]}`);
    await pub.getByTestId('public-heat').waitFor({ state: 'visible', timeout: 20_000 });
    await pub.getByTestId('public-question').selectOption('severity_national_projects');
    await pub.getByTestId('public-option').selectOption('5');
    await pub.getByTestId('public-trends').locator('svg.trend-chart').waitFor({ state: 'visible', timeout: 20_000 });
    expect(await pub.getByTestId('data-as-of').innerText()).toMatch(/Данные на/);
    const text = await pub.locator('body').innerText();
    expect(text).not.toContain(SECRET_TOWN);
    expect(text).not.toContain('нельзя публиковать');
    await pub.getByTestId('public-tile-RU').waitFor({ state: 'visible' });
    const findings = await axeViolations(pub);
    expect(describeFindings('public results', findings)).toEqual([]);
    await shot(pub, 'public-results-ru.png', pub.locator('[data-testid="public-results"]'));

    // Unpublished: the same address answers "not published".
    await page.getByTestId('unpublish-button').click();
    await page.getByTestId('publish-link').waitFor({ state: 'detached', timeout: 20_000 });
    await pub.reload();
    await pub.getByText('Результаты этой волны не опубликованы.').waitFor({ timeout: 20_000 });
    await anon.close();
  }, 180_000);

  it('prints the annual report to PDF with the method, findings and tests', async () => {
    await page.goto(`${e2e.baseUrl}/w/${WAVES[2]}/report?previous=${WAVES[1]}`);
    await page.getByTestId('report-changes').waitFor({ state: 'visible', timeout: 30_000 });
    expect(await page.getByTestId('report-response').locator('tbody tr').count()).toBe(REGIONS.length);
    await page.emulateMedia({ media: 'print' });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-'));
    const pdf = path.join(dir, 'report.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    const info = execFileSync('pdfinfo', [pdf], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(4);
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    for (const s of [
      '1. Методика',
      'Отклик по регионам',
      '2. Основные результаты',
      'Наибольшие изменения',
      '3. Результаты по проблемным областям',
      'Уилсона',
    ])
      expect(text).toContain(s);
    expect(text).toMatch(/(Фишер|z), p = /);
    expect(text).not.toContain(SECRET_TOWN);
    // The toolbar is not printed.
    expect(text).not.toContain('Печать / PDF');
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', pdf, path.join(dir, 'page')]);
    const rendered = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort();
    expect(rendered).toHaveLength(2);
    fs.copyFileSync(path.join(dir, rendered[0]), path.join(SHOTS, 'report-page1.png'));
    fs.copyFileSync(path.join(dir, rendered[1]), path.join(SHOTS, 'report-page2.png'));
    await page.emulateMedia({ media: 'screen' });
    expect(errors).toEqual([]);
  }, 180_000);
});
