// A static preview of a public wave's first page, written into the HTML of /w/:code, so a
// respondent on a slow line reads the first questions while the form's JavaScript (SurveyJS,
// ~470 KiB gzip) is still on its way. The preview is inert: nothing in it can be answered. The
// respondent page removes it as soon as the real form (or any other outcome) is on screen
// (client/src/pages/respond/prerender.ts); until then the app's own root stays hidden.
//
// One copy per language (ru, uk, en); the inline script of index.html marks the saved language
// on <html> before the first paint and hides the preview when the browser holds a draft of the
// wave (the form would open elsewhere than on its first page). survey-core works out the first
// page as the browser would with no answers yet (visibleIf, titles in the language).
import type { Question } from 'survey-core';
import { logger } from '../logger';
import { createModel } from '../questionnaires/survey-model';
import type { QuestionnaireVersion } from '../questionnaires/questionnaires.service';
import { WaveParams } from '../responses/responses.schema';
import { getWaveWithQuestionnaire, type Wave } from './waves.service';

export const PREVIEW_LOCALES = ['ru', 'uk', 'en'] as const;
type PreviewLocale = (typeof PREVIEW_LOCALES)[number];

const CHOICE_TYPES = new Set(['radiogroup', 'checkbox', 'boolean', 'rating']);
/** Longer choice lists are not drawn (a preview, not the form). */
const MAX_CHOICES = 25;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const pick = (value: Record<string, string> | undefined, lng: PreviewLocale) =>
  value?.[lng] || value?.default || value?.ru || '';

function choicesOf(q: Question): string[] {
  const type = q.getType();
  if (type === 'boolean') {
    const b = q as unknown as { locLabelTrue: { textOrHtml: string }; locLabelFalse: { textOrHtml: string } };
    return [b.locLabelTrue.textOrHtml, b.locLabelFalse.textOrHtml];
  }
  const items = (q as unknown as { visibleChoices?: { text: string }[]; visibleRateValues?: { text: string }[] })[
    type === 'rating' ? 'visibleRateValues' : 'visibleChoices'
  ];
  return (items ?? []).map((i) => i.text);
}

function questionHtml(q: Question): string {
  const type = q.getType();
  const title = escapeHtml(q.title);
  const required = q.isRequired ? ' <span class="prerender__required" aria-hidden="true">*</span>' : '';
  const description = q.description ? `<p class="prerender__description">${escapeHtml(q.description)}</p>` : '';
  let body = '';
  if (CHOICE_TYPES.has(type)) {
    const choices = choicesOf(q);
    const mark = type === 'checkbox' ? 'prerender__mark prerender__mark--box' : 'prerender__mark';
    if (choices.length && choices.length <= MAX_CHOICES)
      body = `<ul class="prerender__choices">${choices
        .map((c) => `<li><span class="${mark}"></span>${escapeHtml(c)}</li>`)
        .join('')}</ul>`;
  } else if (type === 'text' || type === 'dropdown' || type === 'tagbox' || type === 'comment') {
    body = `<div class="prerender__field${type === 'comment' ? ' prerender__field--tall' : ''}"></div>`;
  }
  const no = q.no ? `<span class="prerender__no">${escapeHtml(q.no)}</span> ` : '';
  return `<div class="prerender__question" data-prerender-question="${escapeHtml(q.name)}"><p class="prerender__title">${no}${title}${required}</p>${description}${body}</div>`;
}

function localeHtml(wave: Wave, questionnaire: QuestionnaireVersion, lng: PreviewLocale): string {
  const model = createModel(questionnaire.definition);
  model.locale = lng;
  const heading =
    pick(wave.title as Record<string, string>, lng) ||
    pick(questionnaire.title as Record<string, string>, lng) ||
    wave.code;
  const page = model.visiblePages[0];
  if (!page) return '';
  const questions = (page.questions as Question[]).filter((q) => q.isVisible);
  const surveyTitle =
    model.title && model.title !== heading ? `<p class="survey-title">${escapeHtml(model.title)}</p>` : '';
  const intro = model.description ? `<p class="survey-intro">${escapeHtml(model.description)}</p>` : '';
  const pageTitle = page.title ? `<p class="prerender__page-title">${escapeHtml(page.title)}</p>` : '';
  return (
    `<div class="prerender__lang" lang="${lng}">` +
    `<section class="page page--survey"><h1 class="page-title">${escapeHtml(heading)}</h1>${surveyTitle}${intro}` +
    `<div class="prerender__page">${pageTitle}${questions.map(questionHtml).join('')}</div></section></div>`
  );
}

/**
 * The preview's HTML for a wave the public may answer now (open, public, in its period);
 * '' for any other wave. Cached by wave code and questionnaire version (a version never changes).
 */
const cache = new Map<string, string>();
export function firstPagePreview(wave: Wave, questionnaire: QuestionnaireVersion, now = new Date()): string {
  if (wave.status !== 'open' || wave.access !== 'public') return '';
  if ((wave.opensAt && now < wave.opensAt) || (wave.closesAt && now >= wave.closesAt)) return '';
  const key = `${wave.code}|${questionnaire.id}|${JSON.stringify(wave.title)}`;
  let html = cache.get(key);
  if (html === undefined) {
    const parts = PREVIEW_LOCALES.map((lng) => localeHtml(wave, questionnaire, lng));
    html = parts.every(Boolean)
      ? `<div id="prerender" class="prerender" inert><header class="site-header"><div class="site-header__inner"><span class="brand"><span class="brand__mark"></span></span></div></header><main class="site-main">${parts.join('')}</main></div>`
      : '';
    if (cache.size >= 200) cache.clear();
    cache.set(key, html);
  }
  return html;
}

/** How long the page's HTML may wait for the preview: past that it goes out without one. */
const PREVIEW_WAIT_MS = 300;

/**
 * The preview for the wave in a /w/:code address ('' when there is none, the code is not a
 * wave's, the store is slow or anything fails: the page then simply loads without it).
 */
export async function previewFor(rawCode: string): Promise<string> {
  const parsed = WaveParams.safeParse({ code: decodeURIComponentSafe(rawCode) });
  if (!parsed.success) return '';
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve(''), PREVIEW_WAIT_MS)));
  const work = getWaveWithQuestionnaire(parsed.data.code).then(
    ({ wave, questionnaire }) => firstPagePreview(wave, questionnaire),
    () => '',
  );
  try {
    return await Promise.race([work, late]);
  } catch (err) {
    logger.warn({ err }, 'first-page preview failed');
    return '';
  } finally {
    clearTimeout(timer);
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return '';
  }
}
