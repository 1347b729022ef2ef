import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildRendererOnce, RENDERER_OUT } from './support/build';
import { launchChromium } from './support/browser';
import { serveStatic } from './support/static-server';
import { installFakeWindowApi } from './support/fake-window-api';
import { watchPage } from './support/page-problems';
import type { PageProblems } from './support/page-problems';

// The desktop transport (window.api) with a node of 10,000 blocks: pages stay small and quick.
let page: Page;
let close: () => Promise<void>;
let server: Awaited<ReturnType<typeof serveStatic>>;
let problems: PageProblems;

describe('dashboard with a 10,000-block chain over window.api', () => {
  beforeAll(async () => {
    await buildRendererOnce();
    server = await serveStatic(RENDERER_OUT);
    const browser = await launchChromium();
    close = browser.close;
    page = await browser.context.newPage();
    // Any console error (a CSP violation), page error or failed request fails the test it happens in.
    problems = watchPage(page);
    // esbuild's keepNames helper is not in the page: define it before the serialised function runs.
    const options = { height: 10_000, mining: true };
    await page.addInitScript({
      content: `var __name = (f) => f; (${installFakeWindowApi.toString()})(${JSON.stringify(options)});`,
    });
  }, 240_000);

  afterEach(() => problems.assertNone());

  afterAll(async () => {
    await close?.();
    await server?.close();
  });

  it('renders one page of blocks, never the whole chain, and pages quickly', async () => {
    await page.goto(`${server.url}#/chain`);
    await page.waitForSelector('[data-testid=block-10000]');
    expect(await page.locator('.block-card').count()).toBeLessThanOrEqual(20);
    const started = Date.now();
    await page.click('[data-testid=next-page]');
    await page.waitForSelector('[data-testid=block-9988]');
    expect(Date.now() - started).toBeLessThan(2000);
    await page.fill('[data-testid=chain-search]', '1');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid=block-detail]');
    await page.waitForSelector('[data-testid=block-1]');
    expect(await page.locator('.block-card').count()).toBeLessThanOrEqual(20);
  }, 60_000);

  it('shows the balances main added up, in one call, past the old 2,000-block limit', async () => {
    const calls = () =>
      page.evaluate(() => ({ ...(window as unknown as { apiCalls: Record<string, number> }).apiCalls }));
    const before = await calls();
    await page.click('[data-testid=nav-transactions]');
    await page.waitForSelector('[data-testid=balances-table]');
    expect(await page.locator('[data-testid=balances-table] tbody tr').count()).toBe(3);
    expect(await page.locator('[data-testid=balances-foot]').textContent()).toMatch(/10,000 blocks/);
    const after = await calls();
    expect((after['balances'] ?? 0) - (before['balances'] ?? 0)).toBe(1);
    // No fetching of every block (or page of blocks) to add them up in the page.
    expect(after['block'] ?? 0).toBe(before['block'] ?? 0);
    expect(after['chainPage'] ?? 0).toBe(before['chainPage'] ?? 0);
  }, 30_000);

  it('shows live mining progress and a sparkline', async () => {
    await page.click('[data-testid=nav-overview]');
    await expect.poll(() => page.locator('[data-testid=hash-rate]').textContent()).toMatch(/kH\/s/);
    await expect.poll(() => page.locator('path.line').getAttribute('d')).toMatch(/L/);
    expect(await page.locator('[data-testid=mine-button]').textContent()).toContain('Stop mining');
  }, 30_000);

  it('is usable by keyboard: skip link first, visible focus', async () => {
    await page.reload();
    await page.waitForSelector('[data-testid=node-name]');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toContain('skip-link');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    expect(outline).not.toBe('none');
  }, 30_000);
});
