/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Runs axe-core (the npm package, loaded from node_modules) on the page as it stands and returns
// the serious and critical violations, one line per rule with the first offending nodes.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT } from './db';

const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

export type AxeFinding = { id: string; impact: string; count: number; help: string; nodes: string[] };

export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  // Evaluated through DevTools rather than added as a <script>: the app's CSP (rightly) refuses
  // inline scripts, and the audit must see the page under its real policy.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(fs.readFileSync(AXE, 'utf8'));
  return page.evaluate(async () => {
    type Result = {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: unknown[]; failureSummary?: string }[];
    };
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: Result[] }> } }
    ).axe;
    const { violations } = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({
        id: v.id,
        impact: v.impact ?? '',
        count: v.nodes.length,
        help: v.help,
        nodes: v.nodes.slice(0, 3).map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`.slice(0, 300)),
      }));
  });
}

/** A readable failure message: `where: rule ×n (help) — first nodes`. */
export function describeFindings(where: string, findings: AxeFinding[]): string[] {
  return findings.map((f) => `${where}: ${f.id} ×${f.count} (${f.impact}: ${f.help}) — ${f.nodes.join(' | ')}`);
}
