/// <reference lib="dom" />
/**
 * A real headless Chromium (Debian's `chromium`, driven by playwright-core:
 * no browser download) on a listening gateway, for the web app's tests. Every
 * page's console errors and failed requests are collected; `audit` runs
 * axe-core in the page; `shot` writes a screenshot to test-output/web.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const SHOTS_DIR = join(process.cwd(), 'test-output', 'web');

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
export const CHROMIUM = process.env.CHROMIUM_PATH ?? CANDIDATES.find((p) => existsSync(p));

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface Session {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  base: string;
  /** Console errors, page errors and CSP refusals seen so far, on every page of the context. */
  problems: string[];
}

export async function launch(t: Teardown, app: FastifyInstance, width = 1280, height = 900): Promise<Session> {
  if (!CHROMIUM) throw new Error('no Chromium found: apt-get install chromium (or set CHROMIUM_PATH)');
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  t.teardown(() => browser.close());
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  };
  context.on('page', watch);
  const page = await context.newPage();
  return { browser, context, page, base: address, problems };
}

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function audit(page: Page): Promise<Violation[]> {
  await page.evaluate(AXE_SOURCE);
  const found = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Array<Record<string, unknown>> }> } })
      .axe;
    const { violations } = await axe.run();
    return violations.map((v) => ({
      id: String(v.id),
      impact: (v.impact as string | null) ?? null,
      help: String(v.help),
      nodes: (v.nodes as unknown[]).length,
    }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  const path = join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
