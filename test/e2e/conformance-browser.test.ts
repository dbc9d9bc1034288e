/// <reference lib="dom" />
// The conformance corpus (test/conformance: every question type the questionnaires may use) in
// the respondent's real page in Chromium, i.e. the respondent entry (respond.html) with
// survey-react-ui on preact/compat. For each questionnaire: every page renders each question
// survey-core shows on it, without a script error; the first page, sent empty, marks each
// required question with SurveyJS's error; and the answers survey-core completes with, put in
// the form as a draft, are sent from the last page with the "Complete" button and accepted.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { Model } from 'survey-core';
import { createApp } from '../../server/src/app';
import { agentAs } from '../helpers/auth';
import { useBrowserApp } from '../helpers/e2e';
import { loadCorpus, openCorpusWave, runSession, type Case } from '../helpers/conformance';
import { storeKind, useTestDatabase } from '../helpers/db';

useTestDatabase({ demo: false });

const corpus = loadCorpus();
const e2e = useBrowserApp();
const waves = new Map<string, { code: string; questionnaire: { key: string; version: number | string } }>();

beforeAll(async () => {
  const coordinator = await agentAs(createApp({ store: { kind: storeKind() } }), ['coordinator']);
  for (const c of corpus) {
    const { code } = await openCorpusWave(coordinator, c, 'confb');
    const wave = (await (await fetch(`${e2e.baseUrl}/api/waves/${code}`)).json()) as {
      questionnaire: { key: string; version: number | string };
    };
    waves.set(c.file, { code, questionnaire: { key: wave.questionnaire.key, version: wave.questionnaire.version } });
  }
}, 240_000);

/** A 1 × 1 PNG: the corpus's signatures are placeholders a browser cannot draw ("data:image/png;base64,AAAA"). */
const PNG_1X1 =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

/**
 * The answers survey-core completes the questionnaire with (its first "complete" session), with
 * each signature a picture the browser can draw.
 */
function completeAnswers(c: Case): Record<string, unknown> {
  const session = c.sessions.find((s) => s.expect === 'complete');
  if (!session) throw new Error(`${c.file}: no complete session`);
  const run = runSession(c.definition, session.steps);
  expect(run.completed).toBe(true);
  const model = new Model(c.definition);
  const data = { ...run.data };
  for (const q of model.getAllQuestions())
    if (q.getType() === 'signaturepad' && typeof data[q.name] === 'string') data[q.name] = PNG_1X1;
  return data;
}

/** A page of the wave with an optional draft (answers, page number) already in the browser. */
async function openForm(c: Case, draft?: { data: Record<string, unknown>; pageNo: number }) {
  const { code, questionnaire } = waves.get(c.file)!;
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text()))
      errors.push(`${m.text()} at ${m.location().url}:${m.location().lineNumber}`);
  });
  await page.goto(`${e2e.baseUrl}/i/not-a-token`); // same origin, to write the draft
  if (draft)
    await page.evaluate(
      ([key, value]) => localStorage.setItem(key, value),
      [
        `lsg-barometer:draft:${code}`,
        JSON.stringify({
          clientId: randomUUID(),
          startedAt: new Date().toISOString(),
          questionnaire,
          ...draft,
        }),
      ],
    );
  await page.goto(`${e2e.baseUrl}/w/${code}`);
  await page.locator('.sd-page').first().waitFor({ state: 'visible', timeout: 30_000 });
  return { page, errors };
}

const shown = (page: Page, name: string) => page.locator(`.sd-question[data-name="${name}"]`).first();

describe.each(corpus.map((c) => [c.file, c] as const))('%s', (_file, c) => {
  it('renders every question of every page, and the answers go through the "Complete" button', async () => {
    const data = completeAnswers(c);
    const model = new Model(c.definition);
    // survey-core in Node warns about matrix and multiple-text values it then keeps as they are.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      model.data = structuredClone(data);
    } finally {
      warn.mockRestore();
    }
    const pages = model.visiblePages;
    for (let pageNo = 0; pageNo < pages.length; pageNo++) {
      const { page, errors } = await openForm(c, { data, pageNo });
      try {
        const names = pages[pageNo].questions.filter((q) => q.isVisible).map((q) => q.name);
        expect(names.length).toBeGreaterThan(0);
        for (const name of names) {
          await shown(page, name).waitFor({ state: 'attached', timeout: 10_000 });
          expect(await shown(page, name).evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(0);
        }
        if (pageNo === pages.length - 1) {
          await page.locator('.sd-navigation__complete-btn').click();
          await page.getByTestId('submit-confirmation').waitFor({ state: 'visible', timeout: 30_000 });
        }
        expect({ pageNo, errors }).toEqual({ pageNo, errors: [] });
      } finally {
        await page.context().close();
      }
    }
  }, 180_000);

  it('marks each required question of the first page when it is sent empty', async () => {
    const model = new Model(c.definition);
    const first = model.visiblePages[0];
    const required = first.questions.filter((q) => q.isVisible && q.isRequired).map((q) => q.name);
    const { page, errors } = await openForm(c);
    try {
      const next = page.locator(
        model.visiblePages.length > 1 ? '.sd-navigation__next-btn' : '.sd-navigation__complete-btn',
      );
      await next.click();
      for (const name of required)
        await shown(page, name).locator('.sd-question__erbox').first().waitFor({ state: 'visible', timeout: 10_000 });
      if (required.length > 0) expect(await page.getByTestId('submit-confirmation').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await page.context().close();
    }
  }, 60_000);
});
