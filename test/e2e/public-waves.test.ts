// An official opens the public address of an invitation-only wave: the page says, in their
// language, that the survey is answered through personal links, and shows no questionnaire to
// fill in (and so no submit that could only fail).
import { useTestDatabase } from '../helpers/db';
import { useBrowserApp } from '../helpers/e2e';
import { createFixtureWave } from '../helpers/fixtures';

useTestDatabase({ demo: false });

const e2e = useBrowserApp();

describe('the public address of an invitation-only wave', () => {
  it('says in ru, uk and en that it is answered through personal links, and shows no questionnaire', async () => {
    const wave = await createFixtureWave({ access: 'invitation' });
    const publicWave = await createFixtureWave();
    const { page, errors } = await e2e.newPage({ viewport: { width: 1000, height: 800 } });

    await page.goto(`${e2e.baseUrl}/w/${wave}`);
    const notice = page.getByTestId('wave-invitation-only');
    await notice.waitFor({ state: 'visible', timeout: 15_000 });
    await page.getByRole('heading', { name: 'Эта анкета заполняется по персональным ссылкам' }).waitFor();
    expect(await notice.textContent()).toMatch(/персональную ссылку/);
    expect(await page.locator('.sd-root-modern, [data-name]').count()).toBe(0);
    expect(await page.getByText('Тестовая волна').count()).toBe(0); // nothing of the wave itself

    await page.getByTestId('language-switcher').selectOption('uk');
    await page.getByRole('heading', { name: 'Ця анкета заповнюється за персональними посиланнями' }).waitFor();
    await page.getByTestId('language-switcher').selectOption('en');
    await page.getByRole('heading', { name: 'This survey is answered through personal links' }).waitFor();
    expect(await notice.textContent()).toMatch(/personal link by e-mail/);

    // The public list does not offer it; an open public wave's address still shows its questionnaire.
    await page.goto(`${e2e.baseUrl}/`);
    await page.locator(`a[href="/w/${publicWave}"]`).first().waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.locator(`a[href^="/w/${wave}"]`).count()).toBe(0);
    await page.goto(`${e2e.baseUrl}/w/${publicWave}`);
    await page.locator('[data-name="obstacles"]').first().waitFor({ state: 'visible', timeout: 15_000 });
    expect(errors).toEqual([]);
  }, 120_000);
});
