// Two devices answer the same invitation link at once in Chromium: each autosave builds on the
// server's draft revision, a save refused as stale is merged per question and saved again, so
// neither device's answers are lost and an older save never replaces a newer draft.
import type { Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/db';
import { until, useBrowserApp } from '../helpers/e2e';
import { agentAs } from '../helpers/auth';
import { registerMiniQuestionnaire } from '../helpers/fixtures';
import { createInvitationWave, csv, importAndIssue } from '../helpers/invitations';
import { InvitationModel } from '../../server/src/invitations/invitation.model';

useTestDatabase({ demo: false });

const WAVE = 'e2e-drafts';
const e2e = useBrowserApp();
let link = '';

beforeAll(async () => {
  const coordinator = await agentAs(e2e.baseUrl, ['coordinator']);
  const questionnaireId = await registerMiniQuestionnaire();
  await createInvitationWave(coordinator, questionnaireId, {
    code: WAVE,
    title: { ru: 'Черновики', uk: '', en: 'Drafts' },
    scope: { countries: ['RU'], regions: [] },
  });
  const content = csv(['tot;Тотемский муниципальный округ;RU-VLG;municipal_okrug;18500;tot@example.org']);
  link = `${e2e.baseUrl}/i/${(await importAndIssue(coordinator, WAVE, content)).get('tot')!.token}`;
}, 300_000);

async function device(): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await e2e.newPage({ viewport: { width: 1000, height: 900 } });
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
  await until(async () => (await serverDraft()).revision >= 2, 20_000, 150);
  await savedOnServer(b.page);
  expect((await serverDraft()).answers).toMatchObject({
    obstacles: ['funding'],
    comment: 'Нет опыта совместных проектов',
  });
  // B now shows A's answer too.
  expect(await q(b.page, 'obstacles').locator('input[value="funding"]').isChecked()).toBe(true);

  // A (on revision 1) answers another question: merged with B's comment, nothing lost.
  await q(a.page, 'municipality_type').locator('label:has(input[value="municipal_district"])').click();
  await until(async () => (await serverDraft()).revision >= 3, 20_000, 150);
  const final = await serverDraft();
  expect(final.answers).toMatchObject({
    obstacles: ['funding'],
    comment: 'Нет опыта совместных проектов',
    municipality_type: 'municipal_district',
  });
  expect(a.errors).toEqual([]);
  expect(b.errors).toEqual([]);
}, 120_000);
