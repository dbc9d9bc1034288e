// Two devices answer the same invitation link at once in Chromium: each autosave builds on the
// server's draft revision, a save refused as stale is merged per question and saved again, so
// neither device's answers are lost and an older save never replaces a newer draft.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { useTestDatabase } from '../helpers/db';
import { launchChromium } from '../helpers/browser';
import { startServer } from '../helpers/server';
import { createUser } from '../helpers/auth';
import { fixture } from '../helpers/fixtures';
import { csv, parseLinksCsv } from '../helpers/invitations';
import { InvitationModel } from '../../server/src/invitations/invitation.model';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';

useTestDatabase({ demo: false });

const WAVE = 'e2e-drafts';
let browser: Browser;
let server: { baseUrl: string; close: () => Promise<void> };
const contexts: BrowserContext[] = [];
let link = '';

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
  await createUser('coord-drafts@e2e.local', 'coordinator password 1', ['coordinator']);
  const coordinator = request.agent(server.baseUrl);
  const login = await coordinator
    .post('/api/auth/login')
    .send({ email: 'coord-drafts@e2e.local', password: 'coordinator password 1' });
  coordinator.set('X-CSRF-Token', login.body.csrfToken);
  const questionnaireId = (await registerVersion('mini-barriers', fixture('mini-barriers.json'), 'upload')).version.id;
  const created = await coordinator.post('/api/waves').send({
    code: WAVE,
    title: { ru: 'Черновики', uk: '', en: 'Drafts' },
    questionnaireId,
    opensAt: null,
    closesAt: null,
    scope: { countries: ['RU'], regions: [] },
    access: 'invitation',
    anonymous: false,
  });
  expect(created.status).toBe(201);
  expect((await coordinator.post(`/api/waves/${WAVE}/lifecycle`).send({ action: 'open' })).status).toBe(200);
  const content = csv(['tot;Тотемский муниципальный округ;RU-VLG;municipal_okrug;18500;tot@example.org']);
  expect(
    (await coordinator.post(`/api/waves/${WAVE}/invitations/import`).send({ format: 'csv', content })).status,
  ).toBe(201);
  const links = await coordinator
    .post(`/api/waves/${WAVE}/invitations/links`)
    .send({ format: 'csv', scope: 'unissued' })
    .buffer(true)
    .parse((res, cb) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (data += c));
      res.on('end', () => cb(null, data));
    });
  link = `${server.baseUrl}/i/${parseLinksCsv(links.body as string)[0]!.token}`;
}, 300_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await server?.close();
});

async function device(): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.stack ?? e.message));
  await page.goto(link);
  await page.locator('[data-name="obstacles"]').first().waitFor({ state: 'visible', timeout: 20_000 });
  return { page, errors };
}

const savedOnServer = (page: Page) =>
  page
    .getByTestId('autosave')
    .filter({ hasText: 'Черновик сохранён на сервере' })
    .first()
    .waitFor({ state: 'visible', timeout: 20_000 });

async function serverDraft(): Promise<{ answers: Record<string, unknown>; revision: number }> {
  const doc = await InvitationModel.findById(`${WAVE}|tot`).lean<{ draftJson: string; draftRevision: number }>();
  return { answers: JSON.parse(doc!.draftJson) as Record<string, unknown>, revision: doc!.draftRevision };
}

async function until(check: () => Promise<boolean>, timeout = 20_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 150));
  }
}

it('two devices on one link: each stale save is merged, not lost, and the newest answers win', async () => {
  // Both open the link before either has saved anything (both hold revision 0).
  const a = await device();
  const b = await device();
  const q = (p: Page, name: string) => p.locator(`[data-name="${name}"]`);

  await q(a.page, 'obstacles').locator('label:has(input[value="funding"])').click();
  await savedOnServer(a.page);
  expect(await serverDraft()).toMatchObject({ revision: 1, answers: { obstacles: ['funding'] } });

  // B still builds on revision 0: its save is refused, merged with A's draft and saved again.
  await q(b.page, 'comment').locator('textarea').fill('Нет опыта совместных проектов');
  await q(b.page, 'comment').locator('textarea').blur();
  await until(async () => (await serverDraft()).revision >= 2);
  await savedOnServer(b.page);
  expect((await serverDraft()).answers).toMatchObject({
    obstacles: ['funding'],
    comment: 'Нет опыта совместных проектов',
  });
  // B now shows A's answer too.
  expect(await q(b.page, 'obstacles').locator('input[value="funding"]').isChecked()).toBe(true);

  // A (on revision 1) answers another question: merged with B's comment, nothing lost.
  await q(a.page, 'municipality_type').locator('label:has(input[value="municipal_district"])').click();
  await until(async () => (await serverDraft()).revision >= 3);
  const final = await serverDraft();
  expect(final.answers).toMatchObject({
    obstacles: ['funding'],
    comment: 'Нет опыта совместных проектов',
    municipality_type: 'municipal_district',
  });
  expect(a.errors).toEqual([]);
  expect(b.errors).toEqual([]);
}, 120_000);
