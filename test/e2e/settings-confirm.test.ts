import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { SettingsDto } from '../../src-main/shared/api.ts';
import { buildRendererOnce } from './support/build';
import { launchChromium } from './support/browser';
import { createDriver } from './support/dashboard-driver';
import type { DashboardDriver } from './support/dashboard-driver';
import { startHeadlessNode } from './support/headless-node';
import type { HeadlessNode } from './support/headless-node';
import { watchPage } from './support/page-problems';
import type { PageProblems } from './support/page-problems';

// Settings that destroy or move things, on a real headless node in Chromium: a rules change asks
// first and says what is lost; a mistyped port is refused in the form with the node's own rule.
const PORT_RULE = 'The port must be a whole number from 1 to 65535 (0 lets the system choose).';

let dataDir: string;
let node: HeadlessNode;
let page: Page;
let driver: DashboardDriver;
let problems: PageProblems;
let closeBrowser: () => Promise<void>;

const settings = () => node.call<SettingsDto>('settings');
const height = async () => (await node.call<{ height: number }>('status')).height;

async function save(): Promise<void> {
  await page.click('[data-testid=settings-save]');
}

describe('settings that destroy or move things', () => {
  beforeAll(async () => {
    await buildRendererOnce();
    dataDir = mkdtempSync(join(tmpdir(), 'blockparty-settings-'));
    node = await startHeadlessNode({
      dataDir,
      name: 'Settings node',
      difficulty: 2,
      extraArgs: ['--no-discovery'],
    });
    const browser = await launchChromium({ colorScheme: 'light', locale: 'en-US' });
    closeBrowser = browser.close;
    page = await browser.context.newPage();
    problems = watchPage(page);
    driver = createDriver(page);
    await driver.open(node);
  }, 240_000);

  afterEach(() => problems.assertNone());

  afterAll(async () => {
    await closeBrowser?.();
    await node?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('asks before switching the profile, says the chain is lost, and keeps it on Cancel', async () => {
    await driver.mineOnce(2);
    await driver.mineOnce(3);
    await driver.go('settings');
    await page.selectOption('#set-profile', 'dvf');
    await save();
    await page.waitForSelector('dialog[open] [data-testid=profile-confirm-text]');
    expect(await page.textContent('[data-testid=profile-confirm-text]')).toContain(
      'deletes this node’s chain (blocks: 3; pending transactions: 0)',
    );
    await page.click('dialog[open] .btn:not([data-testid=confirm])');
    await page.waitForSelector('dialog[open]', { state: 'detached' });
    expect((await settings()).profile).toBe('article');
    expect(await height()).toBe(3);

    await save();
    await page.click('dialog[open] [data-testid=confirm]');
    await driver.expectText('[data-testid=strip-height]', /^1$/);
    expect((await settings()).profile).toBe('dvf');
  }, 60_000);

  it('asks before a difficulty change, which leaves the network', async () => {
    await page.fill('[data-testid=set-difficulty]', '3');
    await save();
    await page.waitForSelector('dialog[open] [data-testid=difficulty-confirm-text]');
    expect(await page.textContent('[data-testid=difficulty-confirm-text]')).toContain(
      'At difficulty 3, nodes at difficulty 2 can no longer share this node’s chain',
    );
    await page.click('dialog[open] [data-testid=confirm]');
    await expect.poll(async () => (await settings()).difficulty).toBe(3);
  }, 30_000);

  it('refuses an emptied, lettered, hex or out-of-range port in the form, with the node’s rule', async () => {
    const before = (await settings()).port;
    for (const typed of ['', 'abc', '0x10', '70000']) {
      await page.fill('[data-testid=set-port]', typed);
      await save();
      await driver.expectText('[data-testid=set-port-error]', PORT_RULE);
      expect(await page.getAttribute('[data-testid=set-port]', 'aria-invalid'), typed).toBe('true');
      expect(await page.locator('dialog[open]').count(), typed).toBe(0);
    }
    expect((await settings()).port).toBe(before);
  }, 30_000);

  it('stops a search with Stop, and the dashboard logs nothing of its own', async () => {
    // A search that lasts: difficulty 7 is minutes on one worker.
    await node.call('updateSettings', { difficulty: 7 });
    await driver.go('overview');
    // A stopped search answers 200 with `ok: false`: the page reports no problem at all.
    await page.click('[data-testid=mine-button]');
    await page.waitForSelector('[data-testid=mine-button].stop');
    await page.click('[data-testid=mine-button]');
    await page.waitForSelector('[data-testid=mine-button]:not(.stop):not(:disabled)');
    await expect
      .poll(async () => (await node.call<{ mining: { active: boolean } }>('status')).mining.active)
      .toBe(false);
    await driver.expectText('[data-testid=notification]', 'Mining stopped. Nothing half-mined was added.');
  }, 60_000);
});
