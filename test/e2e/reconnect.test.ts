import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { buildRendererOnce } from './support/build';
import { startHeadlessNode } from './support/headless-node';
import type { HeadlessNode } from './support/headless-node';
import { expectText, watchPage } from './support/page-watch';

// Issue 10.4: a tab left open survives a restart of its node (same data folder, dashboard port and
// token): it reconnects by itself, shows live data again and keeps the viewer's preferences.

const TOKEN_ENV = 'BLOCKPARTY_DASHBOARD_TOKEN';
const LOST = 'div.lost[role=alert]';

let dir: string;
let node: HeadlessNode;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;
let previousToken: string | undefined;

/** What the page shows of the viewer's preferences. */
function shownPreferences(page: Page): Promise<{ lang: string; theme?: string; zoom: string }> {
  return page.evaluate(() => ({
    lang: document.documentElement.lang,
    theme: document.documentElement.dataset.theme,
    zoom: document.documentElement.style.fontSize,
  }));
}

describe('a dashboard tab across a restart of its node', () => {
  beforeAll(async () => {
    await buildRendererOnce();
    dir = mkdtempSync(join(tmpdir(), 'blockparty-restart-'));
    // Until the node saves its token itself, the test keeps it (each test file runs in its own process).
    previousToken = process.env[TOKEN_ENV];
    process.env[TOKEN_ENV] = randomBytes(32).toString('base64url');
    node = await startHeadlessNode({ dataDir: dir, name: 'Before restart', difficulty: 2 });
    ({ context, close: closeBrowser } = await launchChromium({ locale: 'en-US', colorScheme: 'light' }));
  }, 240_000);

  afterAll(async () => {
    await closeBrowser?.();
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
    if (previousToken === undefined) delete process.env[TOKEN_ENV];
    else process.env[TOKEN_ENV] = previousToken;
  });

  it('reconnects by itself, refetches, streams live data again and keeps the preferences', async () => {
    const page = await context.newPage();
    const watch = watchPage(page);
    const printed = node.dashboardUrl;
    const port = new URL(printed).port;
    await page.goto(printed);
    await expectText(page, '[data-testid=strip-name]', 'Before restart');
    await expectText(page, '[data-testid=strip-height]', /^1$/);
    await page.selectOption('[data-testid=pref-locale]', 'zh-CN');
    await page.selectOption('[data-testid=pref-theme]', 'dark');
    await page.click('[data-testid=zoom-in]');
    await page.click('[data-testid=zoom-in]');
    const chosen = { lang: 'zh-CN', theme: 'dark', zoom: '130%' };
    expect(await shownPreferences(page)).toEqual(chosen);
    await page.evaluate(() => ((window as unknown as { sameTab: string }).sameTab = 'yes'));
    watch.stop();
    expect(watch.failures).toEqual([]);

    await node.stop();
    await page.waitForSelector(LOST, { timeout: 20_000 });

    // Same data folder, same dashboard port and token; a new name shows that data is fetched anew.
    node = await startHeadlessNode({
      dataDir: dir,
      name: 'After restart',
      difficulty: 2,
      extraArgs: ['--dashboard-port', port],
    });
    expect(node.dashboardUrl).toBe(printed);
    await page.waitForSelector(LOST, { state: 'detached', timeout: 30_000 });
    await expectText(page, '[data-testid=strip-name]', 'After restart');

    // Live again: events from the node reach the same tab without a reload.
    await node.call('submitTransaction', { sender: 'alice', recipient: 'bob', amount: 2 });
    await expectText(page, '[data-testid=strip-pending]', /^1$/);
    await node.call('mine');
    await expectText(page, '[data-testid=strip-height]', /^2$/);
    await expectText(page, '[data-testid=strip-pending]', /^0$/);
    expect(await page.evaluate(() => (window as unknown as { sameTab?: string }).sameTab)).toBe('yes');
    expect(await shownPreferences(page)).toEqual(chosen);
    expect(page.url()).not.toContain('token=');

    // A new tab on the same address after the restart finds the preferences too (same origin).
    const fresh = await context.newPage();
    await fresh.goto(printed);
    await expectText(fresh, '[data-testid=strip-name]', 'After restart');
    expect(await shownPreferences(fresh)).toEqual(chosen);
    await fresh.close();
    await page.close();
  }, 180_000);
});
