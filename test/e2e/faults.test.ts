// The store becomes unreachable while an official is answering: the respondent page says it will
// retry and keeps everything typed; when the store returns, the submission goes through by itself
// and the response is stored once.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { type OwnStore, startOwnStore, storeKind } from '../helpers/db';
import { answerMiniWave, expectText, SHOTS, startBrowserApp, type BrowserApp } from '../helpers/e2e';
import { createFixtureWave, theOnlyResponse } from '../helpers/fixtures';

let store: OwnStore | undefined;
let e2e: BrowserApp;
let page: Page;

beforeAll(async () => {
  store = await startOwnStore('e2e_faults');
  e2e = await startBrowserApp();
}, 180_000);

afterAll(async () => {
  await e2e?.close();
  await store?.stop();
});

const q = (name: string) => page.locator(`[data-name="${name}"]`);

(storeKind() === 'embedded' ? it : it.skip)(
  'the page says it will retry, keeps the answers, and submits once by itself when the store returns',
  async () => {
    const wave = await createFixtureWave();
    ({ page } = await e2e.newPage({ viewport: { width: 1200, height: 900 } }));
    const submissions: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith(`/api/waves/${wave}/responses`)) submissions.push(r.status());
    });

    await page.goto(`${e2e.baseUrl}/w/${wave}`);
    await q('region').waitFor({ state: 'visible', timeout: 30_000 });
    await answerMiniWave(page, 'Текст, который не должен пропасть.');

    // The store goes away just before the official submits.
    await store!.kill();
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
    await store!.restart();
    const confirmation = page.getByTestId('submit-confirmation');
    await confirmation.waitFor({ state: 'visible', timeout: 90_000 });
    await page.screenshot({ path: path.join(SHOTS, 'faults-store-back-submitted.png'), fullPage: true });
    // 201, or 200 when an attempt answered 503 had in fact gone through once the store was back
    // (the retry carries the same clientId, so it is recognised, not stored again).
    expect([200, 201]).toContain(submissions.at(-1));
    expect(submissions.slice(0, -1).every((s) => s === 503)).toBe(true);

    const stored = await theOnlyResponse(wave);
    expect(stored.answers).toMatchObject({
      municipality: 'Тотьма',
      obstacles: ['funding', 'legal'],
      comment: 'Текст, который не должен пропасть.',
    });
  },
  180_000,
);
