/// <reference lib="dom" />
// A browser test's world: the real app (helpers/server.ts) and a real Chromium (helpers/browser.ts),
// pages that collect their script errors, the screenshot folder, and the sign-in form.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { ROOT } from './db';
import { launchChromium } from './browser';
import { startServer } from './server';

export const SHOTS = path.join(ROOT, 'test-results', 'screenshots');

export type AppServer = Awaited<ReturnType<typeof startServer>>;

export type PageOptions = BrowserContextOptions & {
  /** The interface language, saved (localStorage) before the first page's scripts run. */
  lang?: string;
  /** Content-Security-Policy reports on the console count as errors too. */
  cspErrors?: boolean;
  /** Accepts every confirm/alert (and keeps its message in `dialogs`). */
  acceptDialogs?: boolean;
};

/** A page in its own context; `errors` collects its uncaught script errors as they come. */
export type TestPage = { context: BrowserContext; page: Page; errors: string[]; dialogs: string[] };

export type BrowserApp = {
  server: AppServer;
  browser: Browser;
  baseUrl: string;
  /** A new context and page; closed with the app. */
  newPage: (opts?: PageOptions) => Promise<TestPage>;
  /** Closes the pages opened by newPage, the browser and the server. */
  close: () => Promise<void>;
};

export async function startBrowserApp(opts: Parameters<typeof startServer>[0] = {}): Promise<BrowserApp> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const server = await startServer(opts);
  const browser = await launchChromium().catch(async (e: unknown) => {
    await server.close();
    throw e;
  });
  const contexts: BrowserContext[] = [];
  return {
    server,
    browser,
    baseUrl: server.baseUrl,
    newPage: async ({ lang, cspErrors, acceptDialogs, ...contextOptions } = {}) => {
      const context = await browser.newContext(contextOptions);
      contexts.push(context);
      // Saved before the first page's scripts run, as if chosen earlier; a later choice in the page stands.
      if (lang)
        await context.addInitScript((l) => {
          try {
            if (!localStorage.getItem('lsg-barometer:lang')) localStorage.setItem('lsg-barometer:lang', l);
          } catch {
            // about:blank has no storage of its own
          }
        }, lang);
      const page = await context.newPage();
      const errors: string[] = [];
      const dialogs: string[] = [];
      page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
      if (cspErrors)
        page.on('console', (m) => {
          if (/Content Security Policy/i.test(m.text())) errors.push(m.text());
        });
      if (acceptDialogs)
        page.on('dialog', (d) => {
          dialogs.push(d.message());
          void d.accept();
        });
      return { context, page, errors, dialogs };
    },
    close: async () => {
      for (const c of contexts) await c.close();
      await browser.close();
      await server.close();
    },
  };
}

/**
 * The app and Chromium for the whole test file: started in a beforeAll (registered here, so it runs
 * before the file's own beforeAll hooks declared after this call) and closed in an afterAll.
 * The returned object reads through to the started app.
 */
export function useBrowserApp(opts: Parameters<typeof startServer>[0] = {}, timeout = 300_000): BrowserApp {
  let app: BrowserApp | undefined;
  beforeAll(async () => {
    app = await startBrowserApp(opts);
  }, timeout);
  afterAll(async () => {
    await app?.close();
  });
  const started = (): BrowserApp => {
    if (!app) throw new Error('the app is not started yet (useBrowserApp starts it in beforeAll)');
    return app;
  };
  return {
    get server() {
      return started().server;
    },
    get browser() {
      return started().browser;
    },
    get baseUrl() {
      return started().baseUrl;
    },
    newPage: (o) => started().newPage(o),
    close: () => started().close(),
  };
}

/** Signs in through the login form (in any language) and waits until the page has left it. */
export async function signIn(page: Page, baseUrl: string, user: { email: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('input[type="email"]').fill(user.email);
  await page.locator('input[type="password"]').fill(user.password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

/**
 * Opens `path` of the app, which first asks to sign in (the login form, in Russian), signs in as
 * `user` and waits to be back at `path`.
 */
export async function signInAt(page: Page, baseUrl: string, path: string, user: { email: string; password: string }) {
  await page.goto(`${baseUrl}${path}`);
  await page.getByLabel('Электронная почта').fill(user.email);
  await page.getByLabel('Пароль').fill(user.password);
  await page.getByRole('button', { name: 'Войти' }).click();
  await page.waitForURL((u) => u.pathname === path);
}

/** Imports `csv` (municipalities) as a file through the wave page's import form (Russian labels). */
export async function importOnWavePage(page: Page, csv: string): Promise<void> {
  await page.getByLabel('Файл CSV или XLSX').setInputFiles({
    name: 'municipalities.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  await page.getByRole('button', { name: 'Импортировать' }).click();
}

/** Opens the comparison of wave `from` with wave `to` on `question` and waits for its table. */
export async function openComparison(page: Page, baseUrl: string, from: string, to: string, question: string) {
  await page.goto(`${baseUrl}/w/${from}/compare`);
  await page.getByTestId('compare-wave').selectOption(to);
  await page.getByTestId('compare-question').selectOption(question);
  await page.getByTestId('compare-table').waitFor({ state: 'visible', timeout: 15_000 });
}

/** Waits until the first element of `locator` is visible. */
export const visible = (locator: ReturnType<Page['locator']>, timeout = 15_000) =>
  locator.first().waitFor({ state: 'visible', timeout });

/** A SurveyJS question of the page, by name. */
export const question = (page: Page, name: string) => page.locator(`[data-name="${name}"]`);

/** Clicks the choice `value` of a checkbox or radio question. */
export const choose = (page: Page, name: string, value: string) =>
  question(page, name).locator(`label:has(input[value="${value}"])`).click();

/** Waits until an element of `locator` shows `text`. */
export async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: 10_000 });
}

/**
 * Answers the mini fixture questionnaire (fixtures/mini-barriers.json) as a respondent types:
 * Vologda picked from the region combobox, Тотьма, funding and legal, and `comment`; not submitted.
 */
export async function answerMiniWave(page: Page, comment: string): Promise<void> {
  const q = (name: string) => question(page, name);
  await q('region').locator('.sd-dropdown').click();
  await q('region').getByRole('combobox').focus();
  await page.keyboard.type('RU-VLG');
  const listId = await q('region').getByRole('combobox').getAttribute('aria-controls');
  await page.locator(`[id="${listId}"]`).getByRole('option').first().click();
  await q('municipality').locator('input').fill('Тотьма');
  await choose(page, 'obstacles', 'funding');
  await choose(page, 'obstacles', 'legal');
  await q('comment').locator('textarea').fill(comment);
}

/** Submits `answers` to an open public wave over HTTP, as the respondent page does; throws unless 201. */
export async function submitAnswers(baseUrl: string, wave: string, answers: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${baseUrl}/api/waves/${wave}/responses`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ clientId: randomUUID(), locale: 'ru', answers }),
  });
  if (res.status !== 201) throw new Error(`submit ${res.status}: ${await res.text()}`);
}

/**
 * Saves, in the browser, a draft of the default questionnaire (imc-barriers v1) for `wave` on page
 * `pageNo` (0-based) and the interface language; written from the home page, as a page with the
 * form would save over it on leaving. The next visit of `/w/<wave>` resumes it.
 */
export async function saveDraft(
  page: Page,
  baseUrl: string,
  wave: string,
  draft: { data: Record<string, unknown>; pageNo: number; lang?: string },
): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await page.evaluate(
    ({ wave, data, pageNo, lang }) => {
      if (lang) localStorage.setItem('lsg-barometer:lang', lang);
      localStorage.setItem(
        `lsg-barometer:draft:${wave}`,
        JSON.stringify({
          clientId: crypto.randomUUID(),
          startedAt: new Date().toISOString(),
          questionnaire: { key: 'imc-barriers', version: 1 },
          data,
          pageNo,
        }),
      );
    },
    { wave, ...draft },
  );
}

/** Polls a condition checked from the test side (the page's CSP forbids string evaluation). */
export async function until(check: () => Promise<boolean>, timeout = 15_000, everyMs = 100): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
