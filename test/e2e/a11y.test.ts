/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// axe-core on every page in Chromium: the respondent's pages (each questionnaire page, the
// invitation link, a bad link, the confirmation), the home and login pages, the researcher's
// dashboard and analysis pages, the coordinator's pages and the admin's settings. No serious or
// critical violation is allowed (WCAG 2.0/2.1 A and AA rules plus axe's best practices).
import type { Page } from 'playwright-core';
import { IMC_PROFILE } from '../helpers/imc-profile';
import { useTestDatabase, storeKind } from '../helpers/db';
import { saveDraft, SHOTS, submitAnswers, useBrowserApp } from '../helpers/e2e';
import { agentAs, createUser } from '../helpers/auth';
import { createInvitationWave, importAndIssue } from '../helpers/invitations';
import { fixture } from '../helpers/fixtures';
import { axeViolations, describeFindings } from '../helpers/axe';
import { createApp } from '../../server/src/app';
import { listWaves } from '../../server/src/waves/waves.service';

useTestDatabase({ demo: true });

const ADMIN = { email: 'a11y-admin@e2e.local', password: 'a11y admin password 1' };
const e2e = useBrowserApp();
let demo: string;
let invitationWave: string;
let token: string;

beforeAll(async () => {
  const wave = (await listWaves())[0];
  demo = wave.code;
  await createUser(ADMIN.email, ADMIN.password, ['admin']);
  const coordinator = await agentAs(createApp({ store: { kind: storeKind() } }), ['coordinator']);
  invitationWave = await createInvitationWave(coordinator, wave.questionnaireId);
  token = [...(await importAndIssue(coordinator, invitationWave)).values()][0].token;
  // A few answers, so the dashboard, the region page and the free texts have something to show.
  const regions = ['RU-VLG', 'RU-VLG', 'RU-ARK', 'RU-KOS', 'RU-VLG'];
  for (const [i, region] of regions.entries()) {
    await submitAnswers(e2e.baseUrl, demo, {
      ...IMC_PROFILE,
      region,
      municipality: `Муниципалитет ${i + 1}`,
      municipality_type: i % 2 ? 'urban_okrug' : 'municipal_okrug',
      imc_experience: 'no',
      obstacles: i % 2 ? ['funding', 'staff'] : ['legal'],
      comment: `Комментарий ${i + 1}`,
    });
  }
}, 240_000);

const problems: string[] = [];
const COMPLETE = (fixture('../../surveys/imc-barriers/v1.json') as { completeText: Record<string, string> })
  .completeText;

/** Opens `path`, waits until its heading is up and the network is quiet, then runs axe. */
async function audit(page: Page, path: string, name = path): Promise<void> {
  await page.goto(`${e2e.baseUrl}${path}`);
  await settle(page);
  problems.push(...describeFindings(name, await axeViolations(page)));
  // Usable at the width it was opened at: nothing makes the page scroll sideways.
  const [scroll, client] = await page.evaluate(() => [
    document.documentElement.scrollWidth,
    document.documentElement.clientWidth,
  ]);
  if (scroll > client) problems.push(`${name}: the page is ${scroll} px wide in a ${client} px window`);
}

async function settle(page: Page): Promise<void> {
  await page.locator('h1').first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(200);
}

/** Saves a draft on page `pageNo` (from a page without the form, which would save over it on leaving). */
async function draftOn(page: Page, pageNo: number, lang = 'ru'): Promise<void> {
  const data = { ...IMC_PROFILE, imc_experience: 'yes_ongoing', obstacles: ['funding', 'staff'] };
  await saveDraft(page, e2e.baseUrl, demo, { data: { ...data, obstacle_severity: { funding: 5 } }, pageNo, lang });
}

describe('axe finds no serious or critical violation', () => {
  it.each([
    [1280, 'ru'],
    [390, 'ru'],
    [1280, 'en'],
    [1280, 'uk'],
  ] as const)(
    'on the respondent pages at %i px in %s',
    async (width, lang) => {
      problems.length = 0;
      const { page } = await e2e.newPage({ viewport: { width, height: 900 }, lang });
      await audit(page, '/', `home ${lang} ${width}`);
      await audit(page, '/w/' + demo, `questionnaire p1 ${lang} ${width}`);
      for (const pageNo of [1, 2, 3]) {
        await draftOn(page, pageNo, lang);
        await audit(page, `/w/${demo}`, `questionnaire p${pageNo + 1} ${lang} ${width}`);
      }
      // Submitted: the confirmation.
      await page.getByRole('button', { name: COMPLETE[lang] }).click();
      await page.getByTestId('submit-confirmation').waitFor({ state: 'visible', timeout: 20_000 });
      problems.push(...describeFindings(`confirmation ${lang} ${width}`, await axeViolations(page)));
      await audit(page, `/i/${token}`, `invitation ${lang} ${width}`);
      await audit(page, '/i/not-a-token', `bad invitation link ${lang} ${width}`);
      await audit(page, '/no-such-page', `not found ${lang} ${width}`);
      await audit(page, '/login', `login ${lang} ${width}`);
      await page.context().close();
      expect(problems).toEqual([]);
    },
    240_000,
  );

  it.each([
    [1280, 'ru'],
    [390, 'ru'],
    [1280, 'en'],
  ] as const)(
    'on the staff pages at %i px in %s',
    async (width, lang) => {
      problems.length = 0;
      const { page } = await e2e.newPage({ viewport: { width, height: 900 }, lang });
      await page.goto(`${e2e.baseUrl}/login?next=/account`);
      await page.locator('input[name="email"]').fill(ADMIN.email);
      await page.locator('input[name="password"]').fill(ADMIN.password);
      await page.locator('button[type="submit"]').click();
      await page.waitForURL((url) => url.pathname === '/account');
      if (width < 600) {
        // On a phone the signed-in links fold behind "Menu".
        await page.getByTestId('audit-link').waitFor({ state: 'hidden' });
        await page.getByRole('button', { name: lang === 'en' ? 'Menu' : 'Меню' }).click();
        await page.getByTestId('audit-link').waitFor({ state: 'visible' });
        problems.push(...describeFindings(`open menu ${lang} ${width}`, await axeViolations(page)));
        await page.getByTestId('audit-link').click();
        await page.waitForURL('**/settings/audit');
        await page.getByTestId('audit-link').waitFor({ state: 'hidden' }); // closed again on arrival
      }
      for (const path of [
        `/w/${demo}/results`,
        `/w/${demo}/regions/RU-VLG`,
        `/w/${demo}/crosstab`,
        `/w/${demo}/compare`,
        `/w/${demo}/texts`,
        '/admin/questionnaires',
        '/admin/waves',
        '/admin/waves/new',
        `/admin/waves/${demo}`,
        `/admin/waves/${invitationWave}`,
        '/settings/users',
        '/settings/audit',
        '/account',
        '/',
      ]) {
        await audit(page, path, `${path} ${lang} ${width}`);
        expect(new URL(page.url()).pathname).toBe(path); // audited the page itself, not the sign-in form
        if (path.endsWith('/results'))
          await page.screenshot({ path: `${SHOTS}/dashboard-${lang}-${width}.png`, fullPage: true });
      }
      await page.context().close();
      expect(problems).toEqual([]);
    },
    300_000,
  );
});
