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
import type { PageWatch } from './support/page-watch';

// Issue 10.1: two dashboards in one browser profile must not break each other. The token used to sit
// in a cookie for 127.0.0.1, which every port receives: opening B's dashboard made A's lazily loaded
// screens fail with 401.

/** What each screen must show to prove it loaded its own node's data. */
interface Expected {
  name: string;
  height: number;
  peer: string;
  /** Text on the Transactions screen: a pending transaction of this node only. */
  pending: RegExp | null;
}

type Screen = 'overview' | 'chain' | 'transactions' | 'peers' | 'settings' | 'activity';

let dirs: string[] = [];
let nodes: HeadlessNode[] = [];
let context: BrowserContext;
let closeBrowser: () => Promise<void>;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'blockparty-two-'));
  dirs.push(dir);
  return dir;
}

async function go(page: Page, screen: Screen): Promise<void> {
  await page.click(`[data-testid=nav-${screen}]`);
  await page.waitForSelector(`[data-testid=nav-${screen}].router-link-active`);
}

/** Visits every screen and checks it shows `expected`'s node, not the other one. */
async function visitEveryScreen(page: Page, expected: Expected): Promise<void> {
  // The tab a person looks at: background tabs run their timers once a second.
  await page.bringToFront();
  await go(page, 'overview');
  await expectText(page, '[data-testid=node-name]', expected.name);
  await expectText(page, '[data-testid=strip-height]', new RegExp(`^${expected.height}$`));
  await go(page, 'chain');
  await page.waitForSelector(`[data-testid=block-${expected.height}]`);
  expect(await page.locator(`[data-testid=block-${expected.height + 1}]`).count()).toBe(0);
  await go(page, 'transactions');
  if (expected.pending) await expectText(page, '[data-testid=pending-table]', expected.pending);
  else await page.waitForSelector('[data-testid=pool-empty]');
  await page.waitForSelector('[data-testid=balances-table], [data-testid=balances-foot]');
  await go(page, 'peers');
  await page.waitForSelector(`[data-testid="peer-${expected.peer}"]`);
  await go(page, 'settings');
  await expect.poll(() => page.inputValue('[data-testid=set-name]'), { timeout: 20_000 }).toBe(expected.name);
  await go(page, 'activity');
  await expectText(page, '[data-testid=activity-table]', `Peer ${expected.peer} added`);
}

describe('two dashboards in one browser', () => {
  const expected: Expected[] = [
    { name: 'Node A', height: 1, peer: '127.0.0.1:9', pending: /alice\s*bob\s*1/ },
    { name: 'Node B', height: 3, peer: '127.0.0.1:7', pending: null },
  ];

  beforeAll(async () => {
    await buildRendererOnce();
    nodes = await Promise.all(
      expected.map((e) => startHeadlessNode({ dataDir: tempDir(), name: e.name, difficulty: 2 })),
    );
    // Distinct data on each node, so a screen showing the other node's data is caught.
    await nodes[0]!.call('submitTransaction', { sender: 'alice', recipient: 'bob', amount: 1 });
    await nodes[1]!.call('mine');
    await nodes[1]!.call('mine');
    await Promise.all(nodes.map((node, i) => node.call('addPeers', { addresses: [expected[i]!.peer] })));
    ({ context, close: closeBrowser } = await launchChromium({ locale: 'en-US' }));
  }, 240_000);

  afterAll(async () => {
    await closeBrowser?.();
    await Promise.all(nodes.map((node) => node.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs = [];
    nodes = [];
  });

  it('loads every screen of each from its own node after the other was opened', async () => {
    const pages = [await context.newPage(), await context.newPage()];
    let watches: PageWatch[] = pages.map(watchPage);
    const expectNoFailures = (): void => {
      for (const watch of watches) {
        watch.stop();
        expect(watch.failures).toEqual([]);
        expect(watch.errors).toEqual([]);
      }
    };
    // A first, then B: B's start used to overwrite the cookie A's not-yet-loaded screens needed.
    for (const [i, page] of pages.entries()) {
      await page.goto(nodes[i]!.dashboardUrl);
      await expectText(page, '[data-testid=node-name]', expected[i]!.name);
    }
    for (const [i, page] of pages.entries()) await visitEveryScreen(page, expected[i]!);
    await visitEveryScreen(pages[0]!, expected[0]!);
    expectNoFailures();
    // A reload of each (its event stream is cut, on purpose): the token comes back from the tab's storage.
    for (const page of pages) await page.reload();
    watches = pages.map(watchPage);
    for (const [i, page] of pages.entries()) {
      expect(page.url()).not.toContain('token=');
      await visitEveryScreen(page, expected[i]!);
    }
    expectNoFailures();
    expect(await context.cookies()).toEqual([]);
  }, 180_000);
});
