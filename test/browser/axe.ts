/**
 * Accessibility check of a console page with axe-core (a devDependency): the library is
 * evaluated in the page through the DevTools protocol (the console's Content-Security-Policy
 * allows no injected <script>, and need not), then `axe.run` checks the whole document against
 * WCAG 2.x A/AA. Serious and critical violations are returned, one readable line each.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeApi {
  run(ctx: Document, options: object): Promise<{ violations: AxeViolation[] }>;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** `id (impact): help — selectors` of every serious or critical violation on the page now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as { axe?: AxeApi }).axe;
    if (axe === undefined) throw new Error('axe-core did not load');
    const r = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })),
    }));
  });
  return violations
    .filter((v: AxeViolation) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v: AxeViolation) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`,
    );
}
