// Everything survey-core needs before a model is built. Imported only by the respondent page,
// so survey-core stays out of the other routes' bundles.
import DOMPurify, { type Config } from 'dompurify';
import { Model, Serializer, type ITheme, type Question } from 'survey-core';
import 'survey-core/i18n/russian';
import 'survey-core/i18n/ukrainian';
// The fontless theme: the default one pulls Open Sans from Google Fonts.
import 'survey-core/survey-core.fontless.min.css';
// survey-core's base theme variables, moved out of its JS by the build (client/vite.config.ts).
import 'virtual:lsg-survey-base-theme.css';
import type { SurveyDefinition } from '../../api/api';

// Questionnaires mark their obstacle question(s) with lsgRole; declare it so survey-core keeps it.
if (!Serializer.findProperty('question', 'lsgRole')) {
  Serializer.addProperty('question', { name: 'lsgRole', visible: false });
}

const FOCUS_RING = '0 0 0 2px #ffffff, 0 0 0 5px #0b2e5c';

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
    // A focus ring that stands out (SurveyJS's default is a pale halo): white gap, dark ring.
    ...Object.fromEntries(
      ['radio', 'checkbox', 'boolean', 'toggle', 'buttongroup-item', 'tagbox-item', 'action', 'formbox', 'slider'].map(
        (c) => [`--sjs2-border-effect-component-${c}-a11y`, FOCUS_RING],
      ),
    ),
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

/** `header: false` leaves the title and introduction to the page (SurveyView draws them). */
export function createSurvey(definition: SurveyDefinition, { header = true }: { header?: boolean } = {}): Model {
  const model = new Model(definition);
  if (!header) model.showTitle = false;
  purifyRenderedHtml(model);
  // Answers go to our API only, never to SurveyJS's hosted service.
  model.surveyPostId = '';
  model.applyTheme(THEME);
  // Save answers as they are typed, not only on blur, so a closed tab loses nothing.
  if (!('textUpdateMode' in definition)) model.textUpdateMode = 'onTyping';
  reflowWideTables(model);
  return model;
}

const TABLE_TYPES = new Set(['matrix', 'matrixdropdown', 'matrixdynamic']);

/**
 * A matrix whose table is wider than its box switches to SurveyJS's stacked (mobile) layout for
 * that question alone, instead of hiding columns behind a scroll container: on a laptop the
 * "5 — critical" column must not fall off the edge. It switches back once the box is wide
 * enough for the table again (the width it needed is remembered; a language change re-measures).
 */
function reflowWideTables(model: Model): void {
  if (typeof ResizeObserver === 'undefined') return;
  const needs = new WeakMap<Question, number>();
  const observed = new Map<Element, Question>();
  const check = (el: Element, q: Question) => {
    const content = el.querySelector<HTMLElement>('.sd-question__content');
    if (!content) return;
    if (!q.isMobile) {
      if (content.scrollWidth > content.clientWidth + 1) {
        needs.set(q, content.scrollWidth);
        q.setIsMobile(true);
      }
    } else if (!model.isMobile) {
      const need = needs.get(q);
      if (need !== undefined && content.clientWidth >= need) q.setIsMobile(false);
    }
  };
  const observer = new ResizeObserver((entries) => {
    for (const { target } of entries) {
      const q = observed.get(target);
      if (!target.isConnected || !q) {
        observer.unobserve(target);
        observed.delete(target);
      } else check(target, q);
    }
  });
  model.onAfterRenderQuestion.add((_, { question, htmlElement }) => {
    if (!TABLE_TYPES.has(question.getType())) return;
    observed.set(htmlElement, question);
    observer.observe(htmlElement);
    check(htmlElement, question);
  });
  // Labels change width with the language: measure again in the table layout.
  model.onLocaleChangedEvent.add(() => {
    if (model.isMobile) return;
    for (const q of observed.values()) {
      needs.delete(q);
      q.setIsMobile(false);
    }
  });
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
