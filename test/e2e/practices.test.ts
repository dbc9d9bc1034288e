/// <reference lib="dom" />
// The knowledge base of practices in Chromium: anyone browses, filters, searches and opens a
// practice at its own address; an official who names obstacles sees practices that addressed them
// right after submitting; a municipality submits a practice in a practice call, an editor makes a
// draft of it, scores and publishes it, and the public finds it. Screenshots go to docs/screenshots.
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { useTestDatabase, ROOT, storeKind } from '../helpers/db';
import { choose, until, useBrowserApp } from '../helpers/e2e';
import { agentAs, createUser } from '../helpers/auth';
import { createInvitationWave, importAndIssue } from '../helpers/invitations';
import { createApp } from '../../server/src/app';
import { getWave } from '../../server/src/waves/waves.service';
import { axeViolations, describeFindings } from '../helpers/axe';
import { createFixtureWave, answers } from '../helpers/fixtures';
import { practiceBody } from '../helpers/practices';
import { createPractice, setPracticeStatus } from '../../server/src/practices/practices.service';
import { PracticeFieldsSchema } from '../../server/src/practices/practices.schema';
import { ResponseModel } from '../../server/src/responses/response.model';
import { PracticeModel } from '../../server/src/practices/practice.model';

useTestDatabase({ demo: false });

const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const e2e = useBrowserApp();
const ids: Record<string, string> = {};

async function publish(over: Record<string, unknown>): Promise<string> {
  const doc = await createPractice(PracticeFieldsSchema.parse(practiceBody(over)), 'draft', 'seed@test.local');
  await setPracticeStatus(doc._id, 1, 'published', 'seed@test.local');
  return doc._id;
}

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  ids.waste = await publish({});
  ids.bus = await publish({
    title: 'Общий школьный автобус трёх поселений',
    problem: 'Дети из малых сёл не могли добраться до школы: ни одно поселение не могло содержать автобус.',
    actions: 'Поселения заключили соглашение, купили автобус вскладчину и составили общее расписание.',
    results: 'Все 46 детей ездят в школу; расходы каждого поселения снизились на 40 %.',
    municipalities: ['Сельское поселение Верхнее', 'Сельское поселение Нижнее', 'Сельское поселение Заречное'],
    municipalityCount: 3,
    regions: ['RU-ARK'],
    municipalityTypes: ['rural_settlement'],
    obstacles: ['funding', 'legal', 'procedures'],
    forms: ['joint_project_agreement'],
    fields: ['transport_roads', 'education'],
    yearFrom: 2021,
    yearTo: 2023,
  });
  ids.cnap = await publish({
    language: 'uk',
    title: 'Спільний центр надання адміністративних послуг',
    problem: 'Мешканці малих громад їздили до райцентру по кожну довідку.',
    actions: 'Три громади створили спільний ЦНАП із віддаленими робочими місцями.',
    results: 'Понад 120 послуг поруч із домом.',
    municipalities: ['Громада А', 'Громада Б', 'Громада В'],
    municipalityCount: 3,
    country: 'UA',
    regions: ['UA-05'],
    municipalityTypes: ['hromada_rural'],
    obstacles: ['staff', 'digital'],
    forms: ['joint_organisation'],
    fields: ['digital_services'],
    source: 'Конкурс практик, 2022',
  });
  ids.route = await publish({
    language: 'en',
    title: 'Cross-border tourist route of four hromadas',
    problem: 'Visitors skipped the small towns.',
    actions: 'A shared route, map and booking site.',
    results: 'Visitors up by a third.',
    municipalities: [],
    municipalityCount: 4,
    country: 'UA',
    regions: [],
    municipalityTypes: [],
    sizeClasses: [],
    obstacles: ['information', 'motivation'],
    forms: ['international'],
    fields: ['tourism'],
  });
}, 240_000);

const visible = (l: ReturnType<Page['locator']>, timeout = 15_000) => l.first().waitFor({ state: 'visible', timeout });
async function shot(page: Page, name: string): Promise<void> {
  const file = path.join(SHOTS, name);
  await page.screenshot({ path: file, fullPage: true, type: 'png' });
  expect(fs.statSync(file).size).toBeLessThan(300_000);
}
/** Names the legal and staff obstacles, submits, and returns the practice suggestions then shown. */
async function submitNamingLegalAndStaff(page: Page): Promise<ReturnType<Page['locator']>> {
  await choose(page, 'obstacles', 'legal');
  await choose(page, 'obstacles', 'staff');
  await page.locator('.sd-navigation__complete-btn').click();
  await visible(page.getByTestId('submit-confirmation'));
  const suggestions = page.getByTestId('practice-suggestions');
  await visible(suggestions);
  return suggestions;
}

async function login(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Электронная почта').fill(email);
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
}
const listIds = async (page: Page) =>
  (await page.locator('[data-testid="practice-list"] h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))))
    .map((h) => decodeURIComponent(String(h).replace('/practices/', '')))
    .sort();
/** The list as shown once it settles on `expected`: a count line can already read the same before a new search lands. */
async function expectListIds(page: Page, expected: string[]): Promise<void> {
  const want = [...expected].sort();
  await until(async () => JSON.stringify(await listIds(page)) === JSON.stringify(want)).catch(() => undefined);
  expect(await listIds(page)).toEqual(want);
}

describe('public browse', () => {
  it('anyone lists published practices, filters, searches, and opens one at its own address', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${e2e.baseUrl}/`);
    await page.getByTestId('practices-link').click();
    await page.waitForURL(/\/practices$/);
    await visible(page.getByTestId('practice-list'));
    expect(await page.getByTestId('practices-total').innerText()).toBe('Найдено 4 практики');
    await shot(page, 'practices-list-ru.png');
    expect(describeFindings('practices list', await axeViolations(page))).toEqual([]);

    await page.getByTestId('filter-obstacle').selectOption('funding');
    await page.waitForURL(/obstacle=funding/);
    await visible(page.getByText('Найдено 2 практики'));
    await expectListIds(page, [ids.waste, ids.bus].sort());
    await page.getByTestId('filter-region').selectOption('RU-ARK');
    await visible(page.getByText('Найдена 1 практика'));
    await expectListIds(page, [ids.bus]);

    await page.goto(`${e2e.baseUrl}/practices`);
    await page.getByLabel('Поиск по тексту').fill('ЦНАП громад');
    await page.getByRole('button', { name: 'Найти' }).click();
    await visible(page.getByText('Найдена 1 практика'));
    await expectListIds(page, [ids.cnap]);
    await page.getByLabel('Поиск по тексту').fill('tourist');
    await page.getByRole('button', { name: 'Найти' }).click();
    await page.waitForURL(/q=tourist/);
    await visible(page.getByText('Найдена 1 практика'));
    await expectListIds(page, [ids.route]);

    await page.goto(`${e2e.baseUrl}/practices?obstacle=legal`);
    await page.getByRole('link', { name: 'Общий школьный автобус трёх поселений' }).click();
    await page.waitForURL(`${e2e.baseUrl}/practices/${ids.bus}`);
    const article = page.getByTestId('practice-page');
    await visible(article.getByText('Все 46 детей ездят в школу'));
    await visible(article.getByText('Архангельская область'));
    await visible(article.getByText('Пробелы и противоречия в законодательстве', { exact: false }));
    await shot(page, 'practice-page-ru.png');
    expect(describeFindings('practice page', await axeViolations(page))).toEqual([]);

    // The address is stable: opened directly (a bookmark), the same practice.
    const direct = await context.newPage();
    await direct.goto(`${e2e.baseUrl}/practices/${ids.bus}`);
    await visible(direct.getByRole('heading', { name: 'Общий школьный автобус трёх поселений' }));
    await direct.goto(`${e2e.baseUrl}/practices/no-such-practice`);
    await visible(direct.getByText('Не найдено', { exact: false }));

    await page.getByTestId('language-switcher').selectOption('en');
    await page.goto(`${e2e.baseUrl}/practices`);
    await visible(page.getByText('4 practices found'));
    await shot(page, 'practices-list-en.png');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});

describe('after submitting', () => {
  it('an official who named obstacles sees up to five practices that addressed them; only codes are sent', async () => {
    const wave = await createFixtureWave();
    const context = await e2e.browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/practices')) requests.push(r.url());
    });
    await page.goto(`${e2e.baseUrl}/w/${wave}`);
    const q = (name: string) => page.locator(`[data-name="${name}"]`);
    await visible(q('region'));
    const combo = q('region').getByRole('combobox');
    await q('region').locator('.sd-dropdown').click();
    await combo.focus();
    await page.keyboard.type('RU-VLG');
    const listId = await combo.getAttribute('aria-controls');
    await page.locator(`[id="${listId}"]`).getByRole('option', { name: 'RU-VLG', exact: true }).click();
    await q('municipality').locator('input').fill('Тотьма');
    const suggestions = await submitNamingLegalAndStaff(page);
    // Each addressed one of the two obstacles named (legal, staff): both, the newest first.
    const links = await suggestions.locator('a').allInnerTexts();
    expect(links).toEqual(['Спільний центр надання адміністративних послуг', 'Общий школьный автобус трёх поселений']);
    expect(requests.some((u) => u.endsWith('/api/practices/suggestions?obstacles=legal%2Cstaff'))).toBe(true);
    for (const u of requests.filter((x) => x.includes('suggestions')))
      expect(new URL(u).search).toMatch(/^\?obstacles=[a-z_%2C]+$/);
    await page.screenshot({ path: path.join(ROOT, 'test-results', 'practice-suggestions.png') });
    expect(await ResponseModel.countDocuments({ waveCode: wave })).toBe(1);

    await suggestions.getByRole('link', { name: 'Спільний центр надання адміністративних послуг' }).click();
    await page.waitForURL(`${e2e.baseUrl}/practices/${ids.cnap}`);
    await context.close();
  }, 90_000);
});

describe('after submitting by invitation link', () => {
  it('the official sees the practices that addressed the obstacles named, as on the public link', async () => {
    const { questionnaireId } = await getWave(await createFixtureWave());
    const coordinator = await agentAs(createApp({ store: { kind: storeKind() } }), ['coordinator']);
    const wave = await createInvitationWave(coordinator, questionnaireId);
    const [link] = [...(await importAndIssue(coordinator, wave)).values()];
    const context = await e2e.browser.newContext({ viewport: { width: 1000, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${e2e.baseUrl}/i/${link.token}`);
    const q = (name: string) => page.locator(`[data-name="${name}"]`);
    await visible(q('obstacles'));
    const suggestions = await submitNamingLegalAndStaff(page);
    expect(await suggestions.locator('a').allInnerTexts()).toEqual([
      'Спільний центр надання адміністративних послуг',
      'Общий школьный автобус трёх поселений',
    ]);
    expect(await ResponseModel.countDocuments({ waveCode: wave })).toBe(1);
    await context.close();
  }, 90_000);
});

describe('submit a practice, review and publish it', () => {
  it('a municipality answers a practice call; an editor makes a draft of it, scores it and publishes it', async () => {
    const wave = await createFixtureWave({
      questionnaireId: 'imc-practices@1',
      title: { ru: 'Конкурс практик 2026', en: 'Call for practices 2026', uk: 'Конкурс практик 2026' },
    });
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const q = (name: string) => page.locator(`[data-name="${name}"]`);
    const pick = async (name: string, typed: string, expected: string) => {
      const combo = q(name).getByRole('combobox');
      await q(name).locator('.sd-dropdown').click();
      await combo.focus();
      await page.keyboard.type(typed);
      const listId = await combo.getAttribute('aria-controls');
      await page.locator(`[id="${listId}"]`).getByRole('option', { name: expected, exact: true }).click();
    };
    await page.goto(`${e2e.baseUrl}/w/${wave}`);
    await visible(q('country'));
    await q('country').locator('label:has(input[value="RU"])').click();
    await pick('region', 'Волог', 'Вологодская область');
    await q('municipality').locator('input').fill('Тотемский муниципальный округ');
    await pick('municipality_type', 'Муниципальный округ', 'Муниципальный округ');
    await q('size_class').locator('label:has(input[value="small"])').click();
    await page.getByRole('button', { name: 'Далее' }).click();
    await q('practice_title').locator('input').fill('Межмуниципальная служба по обращению с отходами');
    await q('partners').locator('textarea').fill('Нюксенский муниципальный округ\nБабушкинский муниципальный округ');
    await q('practice_fields').locator('label:has(input[value="waste"])').click();
    await q('obstacles').locator('label:has(input[value="experience"])').click();
    await q('obstacles').locator('label:has(input[value="coordination"])').click();
    await page.getByRole('button', { name: 'Далее' }).click();
    await q('problem').locator('textarea').fill('Стихийные свалки; ни один округ не мог содержать полигон один.');
    await q('actions').locator('textarea').fill('Три округа создали общую службу и единый график вывоза.');
    await q('results').locator('textarea').fill('Ликвидировано 14 свалок.');
    await page.getByRole('button', { name: 'Отправить практику' }).click();
    await visible(page.getByTestId('submit-confirmation'));
    await context.close();

    // The editor turns the answers into a draft, scores and publishes it.
    const email = `editor-${randomUUID().slice(0, 6)}@test.local`;
    await createUser(email, 'editor-password-1', ['editor']);
    const ed = await e2e.browser.newContext({ viewport: { width: 1200, height: 900 } });
    const edPage = await ed.newPage();
    await edPage.goto(`${e2e.baseUrl}/admin/practices`);
    await login(edPage, email, 'editor-password-1');
    await edPage.waitForURL(/\/admin\/practices$/);
    await edPage.screenshot({ path: path.join(ROOT, 'test-results', 'practices-admin-ru.png'), fullPage: true });
    expect(describeFindings('practices admin', await axeViolations(edPage))).toEqual([]);
    await edPage.getByTestId(`collect-${wave}`).click();
    await visible(edPage.getByTestId('collected'));
    expect(await edPage.getByTestId('collected').innerText()).toBe('Новых черновиков: 1; уже были: 0.');
    await edPage.getByRole('link', { name: 'Межмуниципальная служба по обращению с отходами' }).click();
    await visible(edPage.getByTestId('practice-status'));
    expect(await edPage.getByTestId('practice-status').innerText()).toBe('Черновик');
    expect(await edPage.getByTestId('obstacles-experience').isChecked()).toBe(true);
    await edPage.getByTestId('review-uniqueness').selectOption('4');
    await edPage.getByTestId('review-typicalProblem').selectOption('5');
    await edPage.getByTestId('review-replicability').selectOption('5');
    await edPage.getByTestId('save-practice').click();
    await visible(edPage.getByText('Сохранено.'));
    await edPage.getByTestId('publish').click();
    await visible(edPage.getByTestId('practice-status').getByText('Опубликована'));
    await edPage.screenshot({ path: path.join(ROOT, 'test-results', 'practice-editor-ru.png'), fullPage: true });
    expect(describeFindings('practice editor', await axeViolations(edPage))).toEqual([]);
    const history = await edPage.getByTestId('practice-history').locator('li').allInnerTexts();
    expect(history.map((h) => h.split(' — ')[2]?.split(' (')[0])).toEqual([
      'получена по конкурсу',
      'изменена',
      'опубликована',
    ]);
    // The editor only scored it: the change lists the review, not fields that merely had defaults.
    expect(history[1]).toMatch(/\(review\)$/);
    const stored = await PracticeModel.findOne({ title: 'Межмуниципальная служба по обращению с отходами' }).lean<{
      _id: string;
      review: { uniqueness: number };
      municipalities: string[];
    }>();
    expect(stored!.review.uniqueness).toBe(4);
    expect(stored!.municipalities).toEqual([
      'Тотемский муниципальный округ',
      'Нюксенский муниципальный округ',
      'Бабушкинский муниципальный округ',
    ]);

    // The public finds it.
    const pub = await e2e.browser.newContext();
    const p = await pub.newPage();
    await p.goto(`${e2e.baseUrl}/practices?q=${encodeURIComponent('обращению с отходами')}`);
    await visible(p.getByRole('link', { name: 'Межмуниципальная служба по обращению с отходами' }));
    await pub.close();

    // Coverage view and the dashboard's links, as a researcher who also edits.
    const barriers = await createFixtureWave({
      title: { ru: 'Опрос глав 2026', en: 'Survey 2026', uk: 'Опитування 2026' },
    });
    const named = [['funding', 'legal'], ['legal', 'staff'], ['legal'], ['funding', 'legal'], ['experience', 'legal']];
    for (const obstacles of named) {
      const r = await fetch(`${e2e.baseUrl}/api/waves/${barriers}/responses`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ clientId: randomUUID(), locale: 'ru', answers: answers({ obstacles }) }),
      });
      expect(r.status).toBe(201);
    }
    const rEmail = `researcher-${randomUUID().slice(0, 6)}@test.local`;
    await createUser(rEmail, 'researcher-password-1', ['researcher', 'editor']);
    const rs = await e2e.browser.newContext({ viewport: { width: 1200, height: 900 } });
    const rp = await rs.newPage();
    await rp.goto(`${e2e.baseUrl}/practices/coverage?wave=${barriers}`);
    await login(rp, rEmail, 'researcher-password-1');
    await visible(rp.getByTestId('coverage-table'));
    const gaps = await rp.getByTestId('coverage-gaps').locator('li strong').allInnerTexts();
    expect(gaps[0]).toContain('Пробелы и противоречия в законодательстве'); // named by all 5, one practice
    await shot(rp, 'coverage-ru.png');
    expect(describeFindings('coverage', await axeViolations(rp))).toEqual([]);

    await rp.goto(`${e2e.baseUrl}/w/${barriers}/results`);
    await visible(rp.getByTestId('practice-links'));
    expect(await rp.getByTestId('practice-count-funding').innerText()).toBe('2');
    expect(await rp.getByTestId('practice-count-legal').innerText()).toBe('1');
    await rp
      .getByTestId('practice-links')
      .screenshot({ path: path.join(ROOT, 'test-results', 'practice-links-ru.png') });
    await rp.goto(`${e2e.baseUrl}/w/${barriers}/regions/RU-VLG`);
    await visible(rp.getByTestId('practice-links'));
    const first = rp.getByTestId('practice-links').locator('tr', { hasText: 'Нехватка квалифицированных кадров' });
    await visible(first.getByText('Спільний центр', { exact: false }));
    await rs.close();
    await ed.close();
  }, 240_000);
});
