// Everything survey-core needs before a model is built. Imported only by the respondent page,
// so survey-core stays out of the other routes' bundles.
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

export function createSurvey(definition: SurveyDefinition): Model {
  const model = new Model(definition);
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
