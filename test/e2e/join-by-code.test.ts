import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { decodeJoinCode } from '../../src-main/shared/join-code.ts';
import { createLab } from '../helpers/netns.ts';
import type { Lab } from '../helpers/netns.ts';
import { buildRendererOnce } from './support/build';
import { createDriver } from './support/dashboard-driver';
import type { DashboardDriver } from './support/dashboard-driver';
import { launchChromiumInLab, startLabNode, statusOf } from './support/lab-dashboard';
import type { LabNode } from './support/lab-dashboard';
import { watchPage } from './support/page-problems';
import type { PageProblems } from './support/page-problems';

// Joining a classroom network with the host's join code, typed in a student's dashboard, as on a LAN
// where discovery finds nobody (it is off here). The nodes run on one laptop of a namespaced lab, on
// its LAN address (a code names an IPv4 address that others can reach, never loopback); difficulty 2
// so that mining takes milliseconds.

const DISCOVERY_OFF = ['--no-discovery'];

let lab: Lab;
let dirs: string[] = [];
let host: LabNode;
let fresh: LabNode;
let miner: LabNode;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;
const watches: PageProblems[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'blockparty-join-'));
  dirs.push(dir);
  return dir;
}

/** A tab on a node's dashboard, watched strictly, with the shared driver's steps. */
async function openTab(
  node: LabNode,
): Promise<{ page: Page; driver: DashboardDriver; problems: PageProblems }> {
  const page = await context.newPage();
  const problems = watchPage(page);
  watches.push(problems);
  const driver = createDriver(page);
  await page.goto(node.dashboardUrl);
  await page.waitForSelector('[data-testid=node-name]');
  await driver.expectText('[data-testid=strip-height]', /\d/);
  return { page, driver, problems };
}

/** Types the code in the Overview's "Join with a code" field (in the no-peer help once it shows). */
async function typeCode(page: Page, code: string): Promise<void> {
  await page.fill('[data-testid=join-code-input]', code);
  await page.click('[data-testid=join-code-submit]');
}

describe('joining the host’s network with its join code', () => {
  let hostTab: Awaited<ReturnType<typeof openTab>>;
  let code: string;

  beforeAll(async () => {
    await buildRendererOnce();
    lab = await createLab({ nodes: 1, prefix: 'bpjoin', ipv6: false });
    [host, fresh, miner] = await Promise.all([
      startLabNode(lab, 0, {
        dataDir: tempDir(),
        name: 'Host laptop',
        port: 5000,
        difficulty: 2,
        extraArgs: DISCOVERY_OFF,
      }),
      startLabNode(lab, 0, {
        dataDir: tempDir(),
        name: 'Fresh student',
        difficulty: 2,
        extraArgs: DISCOVERY_OFF,
      }),
      startLabNode(lab, 0, {
        dataDir: tempDir(),
        name: 'Busy student',
        difficulty: 2,
        extraArgs: DISCOVERY_OFF,
      }),
    ]);
    ({ context, close: closeBrowser } = await launchChromiumInLab(lab, 0));
    hostTab = await openTab(host);
  }, 240_000);

  afterEach(() => {
    for (const problems of watches) problems.assertNone();
  });

  afterAll(async () => {
    await closeBrowser?.();
    await Promise.all([host?.stop(), fresh?.stop(), miner?.stop()]);
    await lab?.destroy();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs = [];
  });

  it('shows the host’s join code big, naming its LAN address and port, with a QR code', async () => {
    const { page, driver } = hostTab;
    await driver.mineOnce(2);
    await driver.mineOnce(3);
    await driver.go('overview');
    await page.waitForSelector('[data-testid=join-card] [data-testid=join-code]');
    code = ((await page.textContent('[data-testid=join-code]')) ?? '').trim();
    const decoded = decodeJoinCode(code);
    expect(decoded.ok && decoded.target).toMatchObject({ host: lab.nodes[0]!.ip, port: 5000 });
    // Readable from the back of the room: far larger than the text around it.
    const size = await page.$eval('[data-testid=join-code]', (el) =>
      parseFloat(getComputedStyle(el).fontSize),
    );
    expect(size).toBeGreaterThanOrEqual(40);
    expect(await page.getAttribute('[data-testid=qr-code]', 'aria-label')).toContain(
      `http://${lab.nodes[0]!.ip}:5000/spectate/`,
    );
  }, 60_000);

  it('a fresh node joins with the code typed in its dashboard, and its chain becomes the host’s', async () => {
    const { page, driver } = await openTab(fresh);
    await typeCode(page, code.toLowerCase());
    await driver.expectText('[data-testid=strip-height]', /^3$/);
    // Nothing of its own to lose: no question was asked.
    expect(await page.locator('dialog[open]').count()).toBe(0);
    const [theirs, ours] = [await statusOf(hostTab.page, host), await statusOf(page, fresh)];
    expect(ours.genesisHash).toBe(theirs.genesisHash);
    expect(ours.lastHash).toBe(theirs.lastHash);
    // Two-way: each lists the other; the host says the student added it.
    await driver.go('peers');
    await driver.expectText(`[data-testid="peer-${lab.nodes[0]!.ip}:5000"]`, /Host laptop/);
    await driver.expectText(
      `[data-testid="peer-${lab.nodes[0]!.ip}:5000"] [data-testid=peer-status]`,
      'online',
    );
    await hostTab.driver.go('peers');
    await hostTab.driver.expectText('[data-testid=peers-table]', /Fresh student/);
    await hostTab.driver.expectText('[data-testid=peers-table]', /it added us/);
  }, 90_000);

  it('asks before a node with blocks of its own gives them up, in the viewer’s language', async () => {
    const { page, driver } = await openTab(miner);
    await driver.mineOnce(2);
    await driver.setLook('zh-CN', 'light');
    await driver.go('overview');
    await typeCode(page, code);
    await page.waitForSelector('dialog[open] [data-testid=join-confirm-text]');
    expect(await page.textContent('[data-testid=join-confirm-text]')).toBe(
      '加入会替换本节点的链：本节点自己的 1 个区块和 0 笔交易将让位（这些交易会放回待处理交易池）。请确认后再加入。',
    );
    // Cancel keeps the chain.
    await page.click('dialog[open] .btn:not([data-testid=confirm])');
    await page.waitForSelector('dialog[open]', { state: 'detached' });
    expect((await statusOf(page, miner)).height).toBe(2);
    // Asked again, confirmed: the host's chain replaces ours.
    await typeCode(page, code);
    await page.click('dialog[open] [data-testid=confirm]');
    await driver.expectText('[data-testid=strip-height]', /^3$/);
    const [theirs, ours] = [await statusOf(hostTab.page, host), await statusOf(page, miner)];
    expect(ours.genesisHash).toBe(theirs.genesisHash);
    expect(ours.lastHash).toBe(theirs.lastHash);
    await driver.go('activity');
    await driver.expectText('[data-testid=activity-table]', /已加入 Host laptop 所在的网络/);
    await driver.setLook('en', 'light');
  }, 90_000);
});
