/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Every question renders whole: at 1280, 1024, 768 and 390 px, in Russian, Ukrainian and English,
// on every page of the default questionnaire (all answered, so every conditional question shows)
// and of the fixture with every question type, no question's content is wider than its box and
// nothing is clipped out of sight (a matrix either reflows or scrolls in a visible container).
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { useTestDatabase } from '../helpers/db';
import { SHOTS, useBrowserApp } from '../helpers/e2e';
import { createOpenWave, fixture } from '../helpers/fixtures';
import { measureQuestionOverflow, settle } from '../helpers/layout';
import { listWaves } from '../../server/src/waves/waves.service';
import { obstacles } from '../../server/src/reference/reference.service';
import { registerVersion } from '../../server/src/questionnaires/questionnaires.service';

useTestDatabase({ demo: true });

const WIDTHS = [1280, 1024, 768, 390] as const;
const LOCALES = ['ru', 'uk', 'en'] as const;

const e2e = useBrowserApp();

type Form = { wave: string; key: string; version: number; pages: number; data: Record<string, unknown> };
const forms: Form[] = [];

// Every obstacle of the reference list; 'other' (with its text box) is added where it is used.
const ALL_OBSTACLES = obstacles.map((o) => o.code).filter((c) => c !== 'other');

beforeAll(async () => {
  const demo = (await listWaves())[0];
  forms.push({
    wave: demo.code,
    key: 'imc-barriers',
    version: 1,
    pages: 4,
    data: {
      country: 'RU',
      region: 'RU-VLG',
      municipality: 'Тотемский муниципальный округ',
      municipality_type: 'municipal_okrug',
      population: 18500,
      size_class: 'small',
      role: 'head',
      imc_experience: 'yes_ongoing',
      imc_forms: ['council_association', 'joint_project_agreement'],
      imc_fields: ['waste', 'tourism'],
      obstacles: [...ALL_OBSTACLES, 'other'],
      'obstacles-Comment': 'Другое препятствие',
      obstacle_severity: { funding: 5, staff: 3 },
      measures: ['cofinancing'],
      comment: 'Нужны типовые соглашения.',
    },
  });
  const { version } = await registerVersion('all-question-types', fixture('all-question-types.json'), 'upload');
  await createOpenWave(version.id, {
    code: 'every-type',
    title: { ru: 'Все типы вопросов', en: 'Every question type', uk: 'Усі типи питань' },
  });
  forms.push({
    wave: 'every-type',
    key: 'all-question-types',
    version: version.version,
    pages: 2,
    data: {
      country: 'RU',
      region: 'RU-VLG',
      municipality: 'Тотьма',
      population: 9000,
      email: 'head@example.org',
      may_contact: true,
      obstacles: ['funding', 'experience', 'legal', 'staff', 'other'],
      'obstacles-Comment': 'Другое',
      severity: { funding: 5 },
      satisfaction: 3,
      partners: ['neighbours', 'region', 'ngo'],
      budget: { '2024': { share: 10, source: 'own' } },
      projects: [{ project_name: 'Полигон', project_note: 'Совместный полигон ТКО' }],
      comment: 'Комментарий',
    },
  });
}, 240_000);

/** Opens page `pageNo` of the form with every answer filled in (through a saved draft). */
async function openFormPage(context: BrowserContext, form: Form, pageNo: number, lang: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${e2e.baseUrl}/`);
  await page.evaluate(
    ({ form, pageNo, lang }) => {
      localStorage.setItem('lsg-barometer:lang', lang);
      localStorage.setItem(
        `lsg-barometer:draft:${form.wave}`,
        JSON.stringify({
          clientId: crypto.randomUUID(),
          startedAt: new Date().toISOString(),
          questionnaire: { key: form.key, version: form.version },
          data: form.data,
          pageNo,
        }),
      );
    },
    { form, pageNo, lang },
  );
  await page.goto(`${e2e.baseUrl}/w/${form.wave}`);
  await page.locator('.sd-question[data-name]').first().waitFor({ state: 'visible', timeout: 30_000 });
  return page;
}

describe('every question renders whole at every width and in every language', () => {
  it.each(LOCALES)(
    'in %s, no question is wider than its box at 1280, 1024, 768 and 390 px',
    async (lang) => {
      const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      let matrices = 0;
      for (const form of forms) {
        for (let pageNo = 0; pageNo < form.pages; pageNo++) {
          const page = await openFormPage(context, form, pageNo, lang);
          for (const width of WIDTHS) {
            await page.setViewportSize({ width, height: 900 });
            await settle(page);
            for (const o of await measureQuestionOverflow(page))
              problems.push(`${form.wave} p${pageNo + 1} ${width}px: ${o.question}: ${o.detail}`);
            if (await page.locator('[data-name="obstacle_severity"]').isVisible()) {
              matrices++;
              if (lang !== 'uk')
                await page.screenshot({ path: path.join(SHOTS, `matrix-${lang}-${width}.png`), fullPage: true });
            }
          }
          await page.close();
        }
      }
      await context.close();
      expect(matrices).toBe(WIDTHS.length); // the severity matrix was on screen and measured at each width
      expect(problems).toEqual([]);
    },
    240_000,
  );
});
