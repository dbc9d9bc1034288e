// Everything survey-core needs before a model is built. Imported only by the respondent page,
// so survey-core stays out of the other routes' bundles.
import DOMPurify, { type Config } from 'dompurify';
import { Model, Serializer, type ITheme } from 'survey-core';
import 'survey-core/i18n/russian';
import 'survey-core/i18n/ukrainian';
// The fontless theme: the default one pulls Open Sans from Google Fonts.
import 'survey-core/survey-core.fontless.min.css';
import type { SurveyDefinition } from '../../api/api';

// Questionnaires mark their obstacle question(s) with lsgRole; declare it so survey-core keeps it.
if (!Serializer.findProperty('question', 'lsgRole')) {
  Serializer.addProperty('question', { name: 'lsgRole', visible: false });
}

// SurveyJS's default theme with our palette and the system font (no web-font download).
const THEME: ITheme = {
  themeName: 'default',
  colorPalette: 'light',
  isPanelless: false,
  cssVariables: {
    '--sjs2-color-project-brand-600': '#1f5fa8',
    '--sjs2-color-utility-surface-survey': '#f4f6f9',
    '--sjs2-typography-font-family-text':
      'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  },
};

// Questionnaire HTML was sanitized when it was stored; it is sanitized again here, after survey-core
// has put answers into it ({question} placeholders), with the browser's own parser. Same allow-list
// idea as the server: formatting, links, images; no script, styles, forms, frames or handlers.
const PURIFY: Config & { RETURN_TRUSTED_TYPE: false } = {
  RETURN_TRUSTED_TYPE: false,
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'object', 'embed'],
  FORBID_ATTR: ['style', 'action', 'formaction'],
  // Links: http, https, mailto and relative only (DOMPurify still allows data: images in <img src>).
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
};

export function sanitizeQuestionnaireHtml(html: string): string {
  return DOMPurify.sanitize(html, PURIFY);
}

/** Every piece of questionnaire HTML survey-core renders (html questions, completedHtml...) is purified. */
function purifyRenderedHtml(model: Model): void {
  const processHtml = model.processHtml.bind(model);
  model.processHtml = (html: string, reason?: string) => sanitizeQuestionnaireHtml(processHtml(html, reason));
}

export function createSurvey(definition: SurveyDefinition): Model {
  const model = new Model(definition);
  purifyRenderedHtml(model);
  // Answers go to our API only, never to SurveyJS's hosted service.
  model.surveyPostId = '';
  model.applyTheme(THEME);
  // Save answers as they are typed, not only on blur, so a closed tab loses nothing.
  if (!('textUpdateMode' in definition)) model.textUpdateMode = 'onTyping';
  return model;
}

/**
 * The answers exactly as SurveyJS would leave them after completion (values of hidden
 * questions and unused "other" texts removed), computed on a copy so the live survey keeps
 * everything if the server refuses them.
 */
export function completedAnswers(definition: SurveyDefinition, data: Record<string, unknown>): Record<string, unknown> {
  const copy = new Model(definition);
  copy.surveyPostId = '';
  copy.cookieName = '';
  copy.onNavigateToUrl.add((_, options) => {
    options.allow = false;
  });
  copy.data = structuredClone(data);
  copy.doComplete();
  return copy.data as Record<string, unknown>;
}

/** Re-localises a running survey (answers stay). */
export function setSurveyLocale(model: Model, locale: string): void {
  model.locale = locale;
}

export function hasCompletedHtml(definition: SurveyDefinition): boolean {
  return Boolean(definition.completedHtml);
}
