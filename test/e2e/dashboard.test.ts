import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { buildRendererOnce, ROOT } from './support/build';
import { launchChromium } from './support/browser';
import { createDriver } from './support/dashboard-driver';
import type { DashboardDriver } from './support/dashboard-driver';
import { startHeadlessNode } from './support/headless-node';
import type { HeadlessNode } from './support/headless-node';
import { watchPage } from './support/page-problems';
import type { PageProblems } from './support/page-problems';

// Real headless nodes (difficulty 2 so mining takes milliseconds) driven through their browser dashboard.
// Screenshots go to an ignored folder; `npm run screenshots` refreshes docs/screenshots.
const SCREENSHOTS = resolve(ROOT, 'test-results/screenshots');

let dirs: string[] = [];
let nodeA: HeadlessNode;
let nodeB: HeadlessNode;
let dataDirA: string;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;
let page: Page;
let driver: DashboardDriver;
let problems: PageProblems;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'blockparty-e2e-'));
  dirs.push(dir);
  return dir;
}

const go = (screen: Parameters<DashboardDriver['go']>[0]) => driver.go(screen);
const expectText = (selector: string, text: string | RegExp, timeout?: number) =>
  driver.expectText(selector, text, timeout);
const mineOnce = (height: number) => driver.mineOnce(height);
// The tutorial's manual flow (register and resolve by hand), so the resolve below has a conflict to
// settle: on the live network B would take A's chain when added and push its blocks to A by itself.
const MANUAL = ['--manual', '--no-discovery'];
const addressOfB = async () => `127.0.0.1:${(await nodeB.call<{ port: number }>('status')).port}`;

describe('dashboard of real headless nodes', () => {
  beforeAll(async () => {
    await buildRendererOnce();
    dataDirA = tempDir();
    [nodeA, nodeB] = await Promise.all([
      startHeadlessNode({ dataDir: dataDirA, name: 'Classroom node A', difficulty: 2, extraArgs: MANUAL }),
      startHeadlessNode({ dataDir: tempDir(), name: 'Node B', difficulty: 2, extraArgs: MANUAL }),
    ]);
    ({ context, close: closeBrowser } = await launchChromium({ colorScheme: 'light', locale: 'en-US' }));
    page = await context.newPage();
    // Every console error, page error (a CSP violation, a bug) and failed request fails the test it
    // happens in, unless that test names it as expected.
    problems = watchPage(page);
    driver = createDriver(page);
    await driver.open(nodeA);
  }, 240_000);

  afterEach(() => problems.assertNone());

  afterAll(async () => {
    await closeBrowser?.();
    await Promise.all([nodeA?.stop(), nodeB?.stop()]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs = [];
  });

  it('shows the node and mines a block that appears in the chain', async () => {
    await expectText('[data-testid=node-name]', 'Classroom node A');
    await expectText('[data-testid=strip-height]', /^1$/);
    await expect.poll(() => page.locator('[data-testid=difficulty]').textContent()).toBe('2');
    await expect.poll(() => page.getByText('cannot join').count()).toBeGreaterThan(0);
    await mineOnce(2);
    await go('chain');
    await page.waitForSelector('[data-testid=block-2]');
    await page.click('[data-testid=block-2]');
    await expectText('[data-testid=block-detail]', /mining reward/);
  }, 60_000);

  it('names the node in the tab title', async () => {
    await expect.poll(() => page.title()).toBe('Classroom node A · Chain — Blockparty');
    await go('overview');
    await expect.poll(() => page.title()).toBe('Classroom node A · Overview — Blockparty');
  }, 30_000);

  it('shows a bad transaction as a field error', async () => {
    await go('transactions');
    await page.fill('[data-testid=tx-sender]', 'alice');
    await page.fill('[data-testid=tx-recipient]', 'bob');
    await page.fill('[data-testid=tx-amount]', '-5');
    await page.click('[data-testid=tx-submit]');
    await expectText(
      '[data-testid=tx-amount-error]',
      'amount must be a positive number such as 5 or 2.5, got -5',
    );
    expect(await page.getAttribute('[data-testid=tx-amount]', 'aria-invalid')).toBe('true');
  }, 30_000);

  it('submits a transaction, sees it pending, then mined', async () => {
    await page.fill('[data-testid=tx-amount]', '2.5');
    await page.click('[data-testid=tx-submit]');
    await expectText('[data-testid=pending-table]', /alice\s*bob\s*2\.5/);
    await expectText('[data-testid=strip-pending]', /^1$/);
    await mineOnce(3);
    await expectText('[data-testid=strip-pending]', /^0$/);
    await go('transactions');
    await page.waitForSelector('[data-testid=pool-empty]');
    await expectText('[data-testid=balances-table]', /bob/);
    await go('chain');
    await page.click('[data-testid=block-3]');
    await expectText('[data-testid=detail-transactions]', /alice\s*bob\s*2\.5/);
  }, 60_000);

  it('adds a second node as a peer and sees it online', async () => {
    // Loopback nodes print no address for others (status.addresses never holds loopback).
    const address = await addressOfB();
    await go('peers');
    // Spaces and commas separate a pasted list: one word with slashes is one wrong address.
    await page.fill('[data-testid=peer-address]', 'not/an/address');
    await page.click('[data-testid=peer-add]');
    await expectText('[data-testid=peer-address-error]', /host:port, like 192\.168\.0\.5:5000/);
    await page.fill('[data-testid=peer-address]', address);
    await page.click('[data-testid=peer-add]');
    await expectText(`[data-testid="peer-${address}"]`, /online/);
    await expectText(`[data-testid="peer-${address}"] [data-testid=peer-height]`, /^1$/);
  }, 60_000);

  it('resolves conflicts after the peer grew longer and shows what was replaced', async () => {
    for (let i = 0; i < 4; i++) await nodeB.call('mine');
    await page.click('[data-testid=resolve]');
    await expectText('[data-testid=resolve-verdict]', /Our chain was replaced/, 30_000);
    await expectText('[data-testid=resolve-report]', /has 5 blocks, more than our 3/);
    await expectText('[data-testid=discarded-blocks]', /#3/);
    await expectText('[data-testid=restored-transactions]', /alice\s*bob\s*2\.5/);
    await expectText('[data-testid=strip-height]', /^5$/);
    await expectText('[data-testid=peer-outcomes]', /adopted/);
  }, 60_000);

  it('shows every screen in both languages and themes (screenshots in test-results/)', async () => {
    const files = await driver.captureAll(SCREENSHOTS, {
      prepare: async (screen) => {
        if (screen === 'chain') await page.click('[data-testid=block-5]');
        if (screen === 'activity' && (await page.evaluate(() => document.documentElement.lang)) === 'zh-CN') {
          await expectText('[data-testid=activity-table]', /节点已启动，有 1 个区块和 0 笔待处理交易/);
          await expectText(
            '[data-testid=activity-table]',
            /的链替换：它的 5 个区块胜过我们的 3 个区块；1 笔交易已放回待处理交易池/,
          );
        }
      },
    });
    expect(files).toHaveLength(24);
  }, 180_000);

  it('keeps everything across a restart of the node', async () => {
    const stopped = new URL(nodeA.dashboardUrl).host;
    const unexpect = problems.expect(
      new RegExp(`//${stopped.replace(/[.]/g, '\\.')}/api/`),
      'the node is stopped on purpose: its event stream breaks and reconnecting fails until the page opens the restarted node',
    );
    await nodeA.stop();
    nodeA = await startHeadlessNode({
      dataDir: dataDirA,
      name: 'Classroom node A',
      difficulty: 2,
      extraArgs: MANUAL,
    });
    await driver.open(nodeA);
    unexpect();
    await expectText('[data-testid=strip-height]', /^5$/);
    await expectText('[data-testid=strip-pending]', /^1$/);
    await expectText('[data-testid=node-name]', 'Classroom node A');
    await go('peers');
    await expectText('[data-testid=peers-table]', await addressOfB());
    await go('transactions');
    await expectText('[data-testid=pending-table]', /alice\s*bob\s*2\.5/);
    await go('activity');
    await expectText(
      '[data-testid=activity-table]',
      /Node started with 5 blocks and 1 pending transaction(?!s)/,
    );
  }, 90_000);
});
