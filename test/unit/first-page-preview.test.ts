// The static first-page preview written into /w/:code (server/src/waves/first-page.ts): only for
// a wave the public may answer now, with the first page as survey-core sees it without answers,
// every text escaped.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { firstPagePreview } from '../../server/src/waves/first-page';
import type { QuestionnaireVersion } from '../../server/src/questionnaires/questionnaires.service';
import type { Wave } from '../../server/src/waves/waves.service';

const ROOT = path.resolve(__dirname, '..', '..');
const definition = JSON.parse(readFileSync(path.join(ROOT, 'surveys', 'imc-barriers', 'v1.json'), 'utf8')) as Record<
  string,
  unknown
>;
const questionnaire = {
  id: 'q1',
  key: 'imc-barriers',
  version: 1,
  title: definition.title,
  definition,
} as unknown as QuestionnaireVersion;
let n = 0;
const wave = (over: Partial<Wave> = {}): Wave => ({
  code: `w${++n}`, // a fresh code each time: the preview is cached per wave
  title: { ru: 'Волна <b>1</b>', uk: 'Хвиля', en: 'Wave' },
  questionnaireId: 'q1',
  status: 'open',
  opensAt: null,
  closesAt: null,
  scope: { countries: ['RU'], regions: [] },
  access: 'public',
  anonymous: true,
  createdAt: new Date('2026-01-01'),
  ...over,
});

it('shows the visible questions of the first page in three languages, escaped', () => {
  const html = firstPagePreview(wave(), questionnaire);
  expect(html).toContain('<div id="prerender" class="prerender" inert>');
  for (const lng of ['ru', 'uk', 'en']) expect(html).toContain(`<div class="prerender__lang" lang="${lng}">`);
  expect(html).toContain('Волна &lt;b&gt;1&lt;/b&gt;');
  expect(html).not.toContain('<b>');
  expect(html).toContain('data-prerender-question="country"');
  for (const text of ['Страна', 'Россия', 'Country', 'Ukraine', 'Країна']) expect(html).toContain(text);
  // "region" appears only once a country is chosen (visibleIf): not in the preview.
  expect(html).not.toContain('data-prerender-question="region"');
  // Nothing of later pages.
  const secondPage = (definition.pages as { elements: { name: string }[] }[])[1].elements[0].name;
  expect(html).not.toContain(`data-prerender-question="${secondPage}"`);
});

it('is empty for a wave the public may not answer now', () => {
  const now = new Date('2026-06-01');
  expect(firstPagePreview(wave({ status: 'draft' }), questionnaire, now)).toBe('');
  expect(firstPagePreview(wave({ status: 'closed' }), questionnaire, now)).toBe('');
  expect(firstPagePreview(wave({ status: 'archived' }), questionnaire, now)).toBe('');
  expect(firstPagePreview(wave({ access: 'invitation' }), questionnaire, now)).toBe('');
  expect(firstPagePreview(wave({ opensAt: new Date('2026-07-01') }), questionnaire, now)).toBe('');
  expect(firstPagePreview(wave({ closesAt: new Date('2026-05-01') }), questionnaire, now)).toBe('');
  expect(firstPagePreview(wave({ closesAt: new Date('2026-07-01') }), questionnaire, now)).not.toBe('');
});
