// An administrator manages users and reads the audit log in Chromium; a user changes their own
// password. Names typed by users are shown as text: markup in them never runs.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/db';
import { SHOTS, useBrowserApp } from '../helpers/e2e';
import { createUser } from '../helpers/auth';
import { UserModel } from '../../server/src/auth/user.model';

useTestDatabase({ demo: false });

const ADMIN = { email: 'chief@example.org', password: 'admin password 1' };
const XSS_NAME = '<img src=x onerror="window.__pwned=1">Пётр';
const e2e = useBrowserApp();
let page: Page;

beforeAll(async () => {
  await createUser(ADMIN.email, ADMIN.password, ['admin']);
  page = await e2e.browser.newPage({ viewport: { width: 1200, height: 900 } });
}, 180_000);

async function signIn(email: string, password: string, next: string) {
  await page.goto(`${e2e.baseUrl}/login?next=${encodeURIComponent(next)}`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL(`**${next}`);
}

it('an admin creates a user, keeps the form on an error, disables the user and finds it all in the audit log', async () => {
  await signIn(ADMIN.email, ADMIN.password, '/settings/users');
  await page.getByRole('heading', { name: 'Пользователи', level: 1 }).waitFor();

  const form = page.getByTestId('new-user-form');
  await form.locator('input[name="email"]').fill('analyst@example.org');
  await form.locator('input[name="name"]').fill(XSS_NAME);
  await form.locator('input[name="new-password"]').fill('short');
  await form.getByRole('button', { name: 'Создать пользователя' }).click();
  // Refused in the user's language, and nothing typed is lost.
  await form.getByRole('alert').filter({ hasText: 'не короче 10 символов' }).waitFor();
  expect(await form.locator('input[name="email"]').inputValue()).toBe('analyst@example.org');
  expect(await form.locator('input[name="name"]').inputValue()).toBe(XSS_NAME);

  await form.locator('input[name="new-password"]').fill('analyst password 1');
  await form.getByLabel('Координатор').check();
  await form.getByRole('button', { name: 'Создать пользователя' }).click();
  await form.getByRole('status').filter({ hasText: 'analyst@example.org' }).waitFor();

  const row = page.getByTestId('user-analyst@example.org');
  await row.waitFor();
  // The name is shown literally, its markup inert.
  await row.getByText(XSS_NAME, { exact: true }).waitFor();
  expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await row.locator('img').count()).toBe(0);
  expect((await UserModel.findById('analyst@example.org').lean())?.roles.sort()).toEqual(['coordinator', 'researcher']);

  await row.getByRole('button', { name: 'Отключить' }).click();
  await page.getByTestId('user-analyst@example.org').getByText('Отключён', { exact: true }).waitFor();
  expect((await UserModel.findById('analyst@example.org').lean())?.disabled).toBe(true);
  await page.screenshot({ path: path.join(SHOTS, 'issue5-users.png'), fullPage: true });

  await page.getByTestId('audit-link').click();
  await page.getByRole('heading', { name: 'Журнал действий', level: 1 }).waitFor();
  const table = page.getByTestId('audit-table');
  await table.getByText('user.create').first().waitFor();
  await table.getByText('user.update').first().waitFor();
  await page.getByTestId('audit-action').selectOption('user.update');
  // Runs in the page (a function, not a string: the CSP forbids eval); typed without the DOM lib.
  await page.waitForFunction(() => {
    type El = { textContent: string | null };
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> } }).document;
    const rows = doc.querySelectorAll('[data-testid="audit-table"] tbody tr');
    const codes = Array.from(doc.querySelectorAll('[data-testid="audit-table"] tbody code'));
    return rows.length > 0 && codes.every((c) => c.textContent === 'user.update');
  });
  await page.screenshot({ path: path.join(SHOTS, 'issue5-audit.png'), fullPage: true });

  // The export is a CSV download of the same log.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Скачать журнал (CSV)' }).click(),
  ]);
  const csv = fs.readFileSync((await download.path())!, 'utf8');
  expect(csv).toContain('user.create');
  expect(csv).toContain('analyst@example.org');
}, 120_000);

it('a signed-in user changes their own password; a wrong current password is refused in Russian', async () => {
  await createUser('reader@example.org', 'reader password 1', ['researcher']);
  await page.context().clearCookies();
  await signIn('reader@example.org', 'reader password 1', '/account');
  const fill = async (current: string, next: string, repeat: string) => {
    await page.locator('input[name="current-password"]').fill(current);
    await page.locator('input[name="new-password"]').fill(next);
    await page.locator('input[name="repeat-password"]').fill(repeat);
    await page.locator('form').getByRole('button', { name: 'Сменить пароль' }).click();
  };
  await fill('reader password 1', 'new reader password', 'new reader passw0rd');
  await page.getByRole('alert').filter({ hasText: 'не совпадают' }).waitFor();
  await fill('not my password', 'new reader password', 'new reader password');
  await page.getByRole('alert').filter({ hasText: 'Текущий пароль указан неверно' }).waitFor();
  await fill('reader password 1', 'new reader password', 'new reader password');
  await page.getByRole('status').filter({ hasText: 'Пароль изменён' }).waitFor();

  const login = (password: string) =>
    fetch(`${e2e.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'reader@example.org', password }),
    });
  expect((await login('reader password 1')).status).toBe(401);
  expect((await login('new reader password')).status).toBe(200);
}, 120_000);

it('a user signs out everywhere else from /account: the other sessions stop working, this one goes on', async () => {
  await createUser('roamer@example.org', 'roamer password 1', ['researcher']);
  // Two other devices, signed in over the API.
  const elsewhere: string[] = [];
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${e2e.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'roamer@example.org', password: 'roamer password 1' }),
    });
    expect(res.status).toBe(200);
    elsewhere.push(/lsg_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0]);
  }
  const me = (cookie: string) => fetch(`${e2e.baseUrl}/api/auth/me`, { headers: { Cookie: cookie } });
  for (const cookie of elsewhere) expect((await me(cookie)).status).toBe(200);

  await page.context().clearCookies();
  await signIn('roamer@example.org', 'roamer password 1', '/account');
  const card = page.getByTestId('own-sessions');
  await card.filter({ hasText: 'Вход выполнен в 3 браузерах' }).waitFor();
  await card.getByRole('button', { name: 'Выйти на всех других устройствах' }).click();
  await card.getByRole('status').filter({ hasText: 'Завершено 2 других сеанса' }).waitFor();
  await card.filter({ hasText: 'Вход выполнен в 1 браузере' }).waitFor();
  for (const cookie of elsewhere) expect((await me(cookie)).status).toBe(401);
  await page.reload();
  await page.getByRole('heading', { name: 'Моя учётная запись', level: 1 }).waitFor();
}, 120_000);
