// A coordinator runs a wave from the UI in Chromium: uploads a questionnaire, creates and opens
// an invitation-only wave, imports three municipalities and downloads their links; an official
// opens one link, answers half, reloads (answers still there), finishes and submits; the board
// then shows 1 completed, 0 started, 2 not started for that region. Screenshots in Russian.
import fs from 'node:fs';
import path from 'node:path';
import { useTestDatabase, ROOT } from '../helpers/db';
import { theOnlyResponse } from '../helpers/fixtures';
import { importOnWavePage, type PageOptions, SHOTS, signIn, until, useBrowserApp, visible } from '../helpers/e2e';
import { createUser } from '../helpers/auth';
import { parseLinksCsv, THREE_MUNICIPALITIES } from '../helpers/invitations';
import { InvitationModel } from '../../server/src/invitations/invitation.model';

useTestDatabase({ demo: false });

const FIXTURE = path.join(ROOT, 'test', 'fixtures', 'mini-barriers.json');
const WAVE = 'e2e-inv-2027';
const COORDINATOR = { email: 'coordinator@e2e.local', password: 'coordinator password 1' };
const e2e = useBrowserApp();

beforeAll(async () => {
  await createUser(COORDINATOR.email, COORDINATOR.password, ['coordinator']);
});

/** Dialogs (the lifecycle and link confirmations) are accepted; CSP reports count as errors. */
const PAGE: PageOptions = { acceptDownloads: true, acceptDialogs: true, cspErrors: true };

describe('a coordinator runs an invitation wave and an official answers through a link', () => {
  it('upload → wave → invitations → answer with a reload → board shows 1 / 0 / 2', async () => {
    const { page, errors } = await e2e.newPage({ ...PAGE, viewport: { width: 1280, height: 900 } });

    // Sign in; the header leads coordinators to their pages.
    await signIn(page, e2e.baseUrl, COORDINATOR);
    await page.getByTestId('admin-link').click();
    await page.waitForURL(/\/admin\/waves$/);

    // Library: an invalid paste first (problems listed, the text kept), then the file.
    const adminNav = page.getByRole('navigation', { name: 'Разделы координатора' });
    await adminNav.getByRole('link', { name: 'Библиотека анкет' }).click();
    await page.getByLabel('Ключ анкеты').fill('e2e-mini');
    await page.getByLabel('Текст JSON (можно вставить)').fill('{\n  "pages": [,]\n}');
    await page.getByRole('button', { name: 'Проверить и загрузить' }).click();
    const problems = page.getByTestId('problems');
    await visible(problems);
    expect(await problems.innerText()).toMatch(/строка 2, столбец \d+/);
    expect(await page.getByLabel('Ключ анкеты').inputValue()).toBe('e2e-mini');
    await page.getByLabel('Файл JSON').setInputFiles(FIXTURE);
    await until(async () => (await page.locator('textarea[name="definition"]').inputValue()).includes('lsgRole'));
    await page.getByRole('button', { name: 'Проверить и загрузить' }).click();
    await visible(page.getByTestId('upload-done').filter({ hasText: 'e2e-mini, версия 1' }));
    const row = page.getByTestId('library-table').locator('tr', { hasText: 'e2e-mini' });
    await visible(row);
    await row.getByRole('button', { name: 'Просмотр анкеты e2e-mini, версия 1' }).click();
    const preview = page.getByTestId('preview');
    await visible(preview.locator('[data-name="obstacles"]'));
    await page.screenshot({ path: path.join(SHOTS, 'issue3-library.png'), fullPage: true });

    // A new invitation-only wave on that version; then open it.
    await adminNav.getByRole('link', { name: 'Волны', exact: true }).click();
    await page.getByRole('link', { name: 'Новая волна' }).click();
    await page.getByLabel('Код волны').fill(WAVE);
    await page.getByLabel('Название по-русски').fill('Барометр МСУ — приглашения 2027');
    await page.getByLabel('Версия анкеты').selectOption('e2e-mini@1');
    await page.getByLabel('Только по персональным приглашениям').check();
    await page.getByRole('button', { name: 'Создать волну' }).click();
    await page.waitForURL(new RegExp(`/admin/waves/${WAVE}$`));
    await visible(page.getByTestId('wave-status').filter({ hasText: 'Черновик' }));
    await page.getByRole('button', { name: 'Открыть опрос' }).click();
    await visible(page.getByTestId('wave-status').filter({ hasText: 'Идёт опрос' }));

    // Invitations: import three municipalities, download their links.
    await importOnWavePage(page, THREE_MUNICIPALITIES);
    await visible(page.getByTestId('import-done').filter({ hasText: 'новых 3' }));
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Скачать CSV' }).click(),
    ]);
    const links = parseLinksCsv(fs.readFileSync((await download.path())!, 'utf8'));
    expect(links.map((l) => l.id).sort()).toEqual(['kir', 'tot', 'vyt']);
    await visible(page.getByTestId('links-done').filter({ hasText: 'Выдано ссылок: 3' }));
    await visible(page.getByTestId('board-regions'));
    await page.screenshot({ path: path.join(SHOTS, 'issue3-wave.png'), fullPage: true });

    // The official opens their link: municipality and region known and not editable.
    const tot = links.find((l) => l.id === 'tot')!;
    const official = await e2e.newPage({ ...PAGE, viewport: { width: 390, height: 844 } }); // a phone
    const o = official.page;
    await o.goto(tot.link.replace(/^https?:\/\/[^/]+/, e2e.baseUrl));
    await visible(o.getByTestId('invitee-municipality').filter({ hasText: 'Тотемский муниципальный округ' }));
    expect(await o.getByTestId('invitee-region').innerText()).toMatch(/Вологодская область/);
    const q = (name: string) => o.locator(`[data-name="${name}"]`);
    await visible(q('municipality'));
    expect(await q('municipality').locator('input').inputValue()).toBe('Тотемский муниципальный округ');
    expect(await q('municipality').locator('input').isEditable()).toBe(false);

    // Half the answers, autosaved to the server.
    await q('obstacles').locator('label:has(input[value="funding"])').click();
    await q('obstacles').locator('label:has(input[value="legal"])').click();
    await q('municipality_type').locator('label:has(input[value="municipal_district"])').click();
    await visible(o.getByTestId('autosave').filter({ hasText: 'Черновик сохранён на сервере' }));
    const saved = await InvitationModel.findById(`${WAVE}|tot`).lean();
    expect(JSON.parse(saved!.draftJson!)).toMatchObject({ obstacles: ['funding', 'legal'] });

    // Reload: the answers are still there.
    await o.reload();
    await visible(o.getByTestId('resumed'));
    await visible(q('obstacles'));
    expect(await q('obstacles').locator('input[value="funding"]').isChecked()).toBe(true);
    expect(await q('obstacles').locator('input[value="legal"]').isChecked()).toBe(true);
    expect(await q('municipality_type').locator('input[value="municipal_district"]').isChecked()).toBe(true);
    await o.screenshot({ path: path.join(SHOTS, 'issue3-resumed.png'), fullPage: true });
    await o.getByTestId('invitee').scrollIntoViewIfNeeded();
    await o.screenshot({ path: path.join(SHOTS, 'issue3-resumed-phone.png') });

    // Finish and submit — first without a connection: the page says so, keeps the answers, and retries.
    await o.context().setOffline(true);
    await q('comment').locator('textarea').fill('Нужны типовые соглашения о сотрудничестве.');
    await visible(o.getByTestId('autosave').filter({ hasText: 'Нет связи с сервером' }));
    await o.locator('.sd-navigation__complete-btn').click();
    const failure = o.locator('[data-testid="submit-error"][data-kind="transient"]');
    await visible(failure.filter({ hasText: 'Нет связи с сервером' }));
    expect(await q('comment').locator('textarea').inputValue()).toBe('Нужны типовые соглашения о сотрудничестве.');
    await failure.getByRole('button', { name: 'Повторить сейчас' }).waitFor();
    await o.context().setOffline(false); // back online: the page retries by itself
    await visible(o.getByTestId('submit-confirmation'));
    const stored = await theOnlyResponse(WAVE);
    expect(stored).toMatchObject({
      regionCode: 'RU-VLG',
      municipality: 'Тотемский муниципальный округ',
      obstacles: ['funding', 'legal'],
    });

    // Opening the link again says when it was submitted.
    await o.reload();
    await visible(o.getByTestId('already-submitted'));

    // The board refreshes by itself: 1 completed, 0 started, 2 not started for Vologda oblast.
    const region = page.getByTestId('board-regions').locator('tr[data-region="RU-VLG"]');
    await visible(region.locator('[data-col="completed"]').filter({ hasText: /^1$/ }), 25_000);
    expect(await region.locator('[data-col="invited"]').innerText()).toBe('3');
    expect(await region.locator('[data-col="completed"]').innerText()).toBe('1');
    expect(await region.locator('[data-col="started"]').innerText()).toBe('0');
    expect(await region.locator('[data-col="notStarted"]').innerText()).toBe('2');
    const totRow = page.getByTestId('board-municipalities').locator('tr[data-municipality="tot"]');
    expect(await totRow.innerText()).toMatch(/Ответил/);

    // Filter and sort the municipalities.
    await page.getByLabel('Статус', { exact: true }).selectOption('not_started');
    await until(async () => (await page.getByTestId('board-municipalities').locator('tbody tr').count()) === 2);
    await page.getByLabel('Статус', { exact: true }).selectOption('');
    await page.getByRole('button', { name: 'Статус' }).click();
    await page.getByTestId('board').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'issue3-board.png'), fullPage: true });

    expect(errors).toEqual([]);
    expect(official.errors).toEqual([]);
  }, 180_000);
});
