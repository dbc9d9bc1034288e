// The store becomes unreachable while an official is answering: the respondent page says it will
// retry and keeps everything typed; when the store returns, the submission goes through by itself
// and the response is stored once.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import type { Browser, Page } from 'playwright-core';
import { connectMongoose } from '../../server/src/db/connection';
import { startEmbeddedStore, type EmbeddedStore } from '../../server/src/db/embedded-store';
import { prepareDatabase } from '../../server/src/bootstrap';
import { ResponseModel } from '../../server/src/responses/response.model';
import { ROOT, storeKind } from '../helpers/db';
import { launchChromium } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { createFixtureWave } from '../helpers/fixtures';

const BIN = path.join(ROOT, '.cache', 'store-bin', 'lsg-store');
const SHOTS = path.join(ROOT, 'test-results', 'screenshots');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lsg-e2e-down-'));
let store: EmbeddedStore;
let browser: Browser;
let server: { baseUrl: string; close: () => Promise<void> };
let page: Page;

beforeAll(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  store = await startEmbeddedStore(BIN, dataDir);
  await connectMongoose(store.uri, 'e2e_faults', false);
  await prepareDatabase({ rootDir: ROOT, demo: false });
  server = await startServer();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await mongoose.disconnect();
  await store?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const q = (name: string) => page.locator(`[data-name="${name}"]`);
const choose = (name: string, value: string) => q(name).locator(`label:has(input[value="${value}"])`).click();

(storeKind() === 'embedded' ? it : it.skip)(
  'the page says it will retry, keeps the answers, and submits once by itself when the store returns',
  async () => {
    const wave = await createFixtureWave();
    const listen = new URL(store.uri).host;
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    page = await context.newPage();
    const submissions: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith(`/api/waves/${wave}/responses`)) submissions.push(r.status());
    });

    await page.goto(`${server.baseUrl}/w/${wave}`);
    await q('region').waitFor({ state: 'visible', timeout: 30_000 });
    await q('region').locator('.sd-dropdown').click();
    await q('region').getByRole('combobox').focus();
    await page.keyboard.type('RU-VLG');
    const listId = await q('region').getByRole('combobox').getAttribute('aria-controls');
    await page.locator(`[id="${listId}"]`).getByRole('option').first().click();
    await q('municipality').locator('input').fill('Тотьма');
    await choose('obstacles', 'funding');
    await choose('obstacles', 'legal');
    await q('comment').locator('textarea').fill('Текст, который не должен пропасть.');

    // The store goes away just before the official submits.
    await store.kill();
    await page.locator('.sd-navigation__complete-btn').click();
    const banner = page.getByTestId('submit-error');
    await banner.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await banner.getAttribute('data-kind')).toBe('transient');
    await expectText(banner, 'Повторная отправка через');
    await expectText(banner, 'не потеряются');
    await page.screenshot({ path: path.join(SHOTS, 'faults-store-down-retrying.png'), fullPage: true });

    // Nothing typed is lost while it waits.
    expect(await q('municipality').locator('input').inputValue()).toBe('Тотьма');
    expect(await q('comment').locator('textarea').inputValue()).toBe('Текст, который не должен пропасть.');
    expect(await q('obstacles').locator('input[value="funding"]').isChecked()).toBe(true);
    expect(await q('obstacles').locator('input[value="legal"]').isChecked()).toBe(true);
    expect(submissions.length).toBeGreaterThan(0);
    expect(submissions.every((s) => s === 503)).toBe(true);

    // The store comes back; nobody touches the page: the retry goes through by itself.
    store = await startEmbeddedStore(BIN, dataDir, 60_000, listen);
    const confirmation = page.getByTestId('submit-confirmation');
    await confirmation.waitFor({ state: 'visible', timeout: 90_000 });
    await page.screenshot({ path: path.join(SHOTS, 'faults-store-back-submitted.png'), fullPage: true });
    // 201, or 200 when an attempt answered 503 had in fact gone through once the store was back
    // (the retry carries the same clientId, so it is recognised, not stored again).
    expect([200, 201]).toContain(submissions.at(-1));
    expect(submissions.slice(0, -1).every((s) => s === 503)).toBe(true);

    const stored = await ResponseModel.find({ waveCode: wave }).lean();
    expect(stored).toHaveLength(1);
    expect(stored[0].answers).toMatchObject({
      municipality: 'Тотьма',
      obstacles: ['funding', 'legal'],
      comment: 'Текст, который не должен пропасть.',
    });
    await context.close();
  },
  180_000,
);

async function expectText(locator: ReturnType<Page['locator']>, text: string): Promise<void> {
  await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout: 10_000 });
}
