/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Measures, in the browser, whether any visible question's content is wider than its box:
// a question whose scrollWidth exceeds its clientWidth, anything inside it clipped by a hidden
// or sideways-scrolling box (or reaching past the question's right edge), a clipping
// ancestor (the survey's host) narrower than its content, or a page wider than the window.
import type { Page } from 'playwright-core';

export type Overflow = { question: string; detail: string };

export async function measureQuestionOverflow(page: Page): Promise<Overflow[]> {
  return page.evaluate(() => {
    const found: { question: string; detail: string }[] = [];
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 3).join('.')}`.replace(/\.$/, '');
    const clips = (cs: CSSStyleDeclaration) => cs.overflowX === 'hidden' || cs.overflowX === 'clip';
    const scrolls = (cs: CSSStyleDeclaration) => cs.overflowX === 'auto' || cs.overflowX === 'scroll';
    // Visually hidden helpers (1 px inputs, screen-reader text) clip on purpose.
    const tiny = (el: Element) => (el as HTMLElement).clientWidth <= 2 || (el as HTMLElement).clientHeight <= 2;

    const doc = document.documentElement;
    if (doc.scrollWidth > doc.clientWidth + 1)
      found.push({ question: '(page)', detail: `page ${doc.scrollWidth} px wide in a ${doc.clientWidth} px window` });

    const questions = [...document.querySelectorAll<HTMLElement>('.sd-question[data-name]')].filter(
      (q) => q.offsetParent !== null && q.getClientRects().length > 0,
    );
    for (const q of questions) {
      const name = q.getAttribute('data-name') ?? '?';
      if (q.scrollWidth > q.clientWidth + 1)
        found.push({ question: name, detail: `content ${q.scrollWidth} px in a ${q.clientWidth} px box` });
      const right = q.getBoundingClientRect().right;
      for (const el of q.querySelectorAll<HTMLElement>('*')) {
        if (el.getClientRects().length === 0 || tiny(el)) continue;
        const cs = getComputedStyle(el);
        if (cs.visibility === 'hidden' || cs.position === 'fixed') continue;
        // Clipped, or scrolled sideways. Headless Chromium hides scrollbars, and SurveyJS's
        // content boxes scroll without a visible bar, so a sideways scroll counts as hidden too:
        // wide tables must reflow. (Text fields scroll their own text; ellipsis is deliberate.)
        const field = el.matches('input, textarea, select');
        if (
          !field &&
          (clips(cs) || scrolls(cs)) &&
          el.scrollWidth > el.clientWidth + 1 &&
          cs.textOverflow !== 'ellipsis'
        )
          found.push({
            question: name,
            detail: `${describe(el)} ${clips(cs) ? 'clips' : 'scrolls'} ${el.scrollWidth} px in ${el.clientWidth} px`,
          });
        // Past the question's right edge.
        if (el.getBoundingClientRect().right > right + 1)
          found.push({
            question: name,
            detail: `${describe(el)} ends at ${Math.round(el.getBoundingClientRect().right)} px, the box at ${Math.round(right)} px`,
          });
      }
      // A clipping ancestor (the host card, SurveyJS's containers) cut narrower than its content.
      for (let a = q.parentElement; a && a !== document.body; a = a.parentElement) {
        if (clips(getComputedStyle(a)) && a.scrollWidth > a.clientWidth + 1)
          found.push({
            question: name,
            detail: `ancestor ${describe(a)} clips ${a.scrollWidth} px to ${a.clientWidth} px`,
          });
      }
    }
    // The first problem of each question says enough (its children overflow with it).
    const seen = new Set<string>();
    return found.filter((f) => !seen.has(f.question) && Boolean(seen.add(f.question)));
  });
}

/** Lets resize observers (SurveyJS switches to its mobile layout with one) and layout settle. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 150)));
      }),
  );
}
