// The mail journey in Chromium, over real SMTP to the local mail catcher (as `npm start` runs it
// without SMTP_URL): a coordinator imports three municipalities, edits and previews the
// invitation, sends it, sees the three mails in the local inbox page; one official opens the link
// from their mail and answers; the reminder reaches only the other two; the board shows it all.
// Screenshots of the template editor (ru, en), the inbox and the board go to docs/screenshots.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useTestDatabase, ROOT } from '../helpers/db';
import { type BrowserApp, importOnWavePage, signIn, startBrowserApp } from '../helpers/e2e';
import { createUser } from '../helpers/auth';
import { THREE_MUNICIPALITIES } from '../helpers/invitations';
import { createFixtureWave } from '../helpers/fixtures';
import { startMailCatcher, type MailCatcher } from '../../server/src/mail/catcher';
import { createMailer, type Mailer } from '../../server/src/mail/mailer';

useTestDatabase({ demo: false });

const DOCS = path.join(ROOT, 'docs', 'screenshots');
const WAVE = 'e2e-mail-2027';
const COORDINATOR = { email: 'coordinator@e2e.local', password: 'coordinator password 1' };
let e2e: BrowserApp;
let catcher: MailCatcher;
let mailer: Mailer;

beforeAll(async () => {
  fs.mkdirSync(DOCS, { recursive: true });
  catcher = await startMailCatcher();
  mailer = createMailer({
    smtp: { url: catcher.url },
    from: 'Опрос МСУ <survey@example.org>',
    ratePerMin: 6000,
    retries: 2,
    retryBaseMs: 100,
  });
  e2e = await startBrowserApp({ mail: { transport: 'catcher', mailer, mailbox: catcher } });
  await createUser(COORDINATOR.email, COORDINATOR.password, ['coordinator']);
  await createFixtureWave({
    code: WAVE,
    access: 'invitation',
    closesAt: new Date('2027-06-30T00:00:00Z'),
    title: { ru: 'Барометр МСУ 2027', en: 'LSG barometer 2027', uk: 'Барометр МСВ 2027' },
  });
}, 300_000);

afterAll(async () => {
  await e2e?.close();
  mailer?.close();
  await catcher?.close();
});

const newPage = (width = 1280, height = 900) =>
  e2e.newPage({ viewport: { width, height }, cspErrors: true, acceptDialogs: true });

const visible = (locator: ReturnType<Page['locator']>, timeout = 20_000) =>
  locator.first().waitFor({ state: 'visible', timeout });

describe('invitations and reminders by e-mail, from the UI', () => {
  it('import three → preview → send → local inbox → one answers → reminder reaches two → board', async () => {
    const { page, errors } = await newPage();
    await signIn(page, e2e.baseUrl, COORDINATOR);
    await page.getByTestId('admin-link').click();
    await page.waitForURL(/\/admin\/waves$/);
    await page.goto(`${e2e.baseUrl}/admin/waves/${WAVE}`);

    // Import three municipalities.
    await importOnWavePage(page, THREE_MUNICIPALITIES);
    await visible(page.getByTestId('import-done').filter({ hasText: 'новых 3' }));

    // The mail panel says where mail goes; edit the invitation's subject and preview it.
    const panel = page.getByTestId('mail-panel');
    await visible(panel.getByTestId('mail-transport').filter({ hasText: 'локальный ящик' }));
    const editor = panel.getByTestId('mail-editor');
    await editor.getByLabel('Тема').fill('Барометр МСУ 2027: приглашение для «{{municipality}}»');
    await editor.getByLabel('Контакт координатора (для {{contact}})').fill('Анна Петрова, +7 812 000-00-00');
    await editor.getByRole('button', { name: 'Сохранить тексты' }).click();
    await visible(panel.getByTestId('mail-message').filter({ hasText: 'сохранены' }));
    await panel.getByLabel('Для муниципалитета').selectOption('tot');
    await panel.getByRole('button', { name: 'Показать письмо' }).click();
    await visible(
      panel.getByTestId('mail-preview-subject').filter({ hasText: 'приглашение для «Тотемский муниципальный округ»' }),
    );
    await visible(panel.locator('iframe.mail-frame'));
    await panel.scrollIntoViewIfNeeded();
    await panel.getByTestId('mail-editor').screenshot({ path: path.join(DOCS, 'mail-template-editor-ru.png') });

    // Send the invitations: a campaign job, followed until done.
    await panel.getByRole('button', { name: 'Разослать приглашения' }).click();
    await visible(panel.getByTestId('campaign-result').filter({ hasText: 'Отправлено: 3' }));
    expect((await catcher.list()).length).toBe(3);

    // The local inbox page shows the three mails.
    await page.getByRole('link', { name: 'Открыть локальный ящик' }).click();
    await page.waitForURL(/\/dev\/mail$/);
    await visible(page.getByTestId('inbox-item'));
    expect(await page.getByTestId('inbox-item').count()).toBe(3);
    await page.getByTestId('inbox-item').filter({ hasText: 'tot@example.org' }).click();
    await visible(page.getByTestId('inbox-mail').filter({ hasText: 'Тотемский муниципальный округ' }));
    await page.getByText('Текстовая часть').click();
    const text = await page.getByTestId('inbox-text').innerText();
    expect(text).toContain('Анна Петрова');
    const link = /https?:\/\/\S+\/i\/[A-Za-z0-9_-]{22}/.exec(text)![0];
    await page.screenshot({ path: path.join(DOCS, 'mail-inbox.png'), fullPage: true });

    // The official of Totma opens the link from the mail and answers.
    const official = await newPage(390, 844);
    const o = official.page;
    await o.goto(link.replace(/^https?:\/\/[^/]+/, e2e.baseUrl));
    await visible(o.getByTestId('invitee-municipality').filter({ hasText: 'Тотемский муниципальный округ' }));
    const q = (name: string) => o.locator(`[data-name="${name}"]`);
    await visible(q('obstacles'));
    await q('obstacles').locator('label:has(input[value="funding"])').click();
    await q('municipality_type').locator('label:has(input[value="municipal_district"])').click();
    await o.locator('.sd-navigation__complete-btn').click();
    await visible(o.getByTestId('submit-confirmation'));

    // Back on the wave: a reminder to those who have not answered (no waiting days).
    await catcher.clear();
    await page.goto(`${e2e.baseUrl}/admin/waves/${WAVE}`);
    const campaigns = page.getByTestId('mail-campaigns');
    await campaigns.getByLabel('Дней с последнего письма, не меньше').fill('0');
    await campaigns.getByRole('button', { name: 'Разослать напоминание' }).click();
    await visible(campaigns.getByTestId('campaign-result').filter({ hasText: 'Отправлено: 2' }));
    const reminders = await catcher.list();
    expect(reminders.flatMap((m) => m.to).sort()).toEqual(['kir@example.org', 'vyt@example.org']);
    expect(reminders.every((m) => m.subject.startsWith('Напоминание'))).toBe(true);

    // The board: per region and per municipality.
    const board = page.getByTestId('board');
    const region = board.locator('[data-region="RU-VLG"]');
    await visible(region.locator('[data-col="reminders"]').filter({ hasText: '2' }));
    expect(await region.locator('[data-col="mailed"]').innerText()).toBe('3');
    expect(await region.locator('[data-col="completed"]').innerText()).toBe('1');
    const tot = board.locator('[data-municipality="tot"]');
    expect(await tot.locator('[data-col="mail"]').innerText()).toMatch(/приглашение/);
    const kir = board.locator('[data-municipality="kir"]');
    await visible(kir.locator('[data-col="mail"]').filter({ hasText: '1 напоминание' }));
    await page.setViewportSize({ width: 1440, height: 900 });
    await board.scrollIntoViewIfNeeded();
    await board.screenshot({ path: path.join(DOCS, 'mail-board-ru.png') });

    // A selection on the board: one more reminder to Vytegra only.
    await catcher.clear();
    await board.getByLabel('Выбрать «Вытегорский муниципальный район»').check();
    await board.getByTestId('board-selection').getByRole('button', { name: 'Отправить напоминание выбранным' }).click();
    await visible(board.getByTestId('board-message').filter({ hasText: 'запущена' }));
    await visible(board.locator('[data-municipality="vyt"] [data-col="mail"]').filter({ hasText: '2 напоминания' }));
    expect((await catcher.list()).flatMap((m) => m.to)).toEqual(['vyt@example.org']);

    // The editor in English, on the English text of the reminder.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.evaluate(() => localStorage.setItem('lsg-barometer:lang', 'en'));
    await page.reload();
    const en = page.getByTestId('mail-panel');
    await visible(en.getByRole('heading', { name: 'Mail texts' }));
    await en.getByLabel('Reminder').check();
    await en.getByLabel('English').check();
    await en.getByRole('button', { name: 'Show the mail' }).click();
    await visible(en.getByTestId('mail-preview-subject').filter({ hasText: 'Reminder:' }));
    await en.getByTestId('mail-editor').screenshot({ path: path.join(DOCS, 'mail-template-editor-en.png') });
    expect(errors).toEqual([]);
  }, 240_000);
});
