import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { BlockDetail } from '../../src-main/shared/api.ts';
import { buildRendererOnce } from './support/build';
import { launchChromium } from './support/browser';
import { createDriver } from './support/dashboard-driver';
import type { DashboardDriver } from './support/dashboard-driver';
import { forgeAmount, goLab, shownVerdicts } from './support/lab-driver';
import { startLabNetwork } from './support/lab-nodes';
import type { LabNetwork } from './support/lab-nodes';
import { watchPage } from './support/page-problems';
import type { PageProblems } from './support/page-problems';

// The tamper lab against real nodes: Ana forges a payment in a copy of her chain, sees which link
// breaks, sends the copy to Ben and Chen, and each refuses it naming the block and the rule, while
// every chain, Ana's included, stays as it was.
let network: LabNetwork;
let page: Page;
let driver: DashboardDriver;
let problems: PageProblems;
let closeBrowser: () => Promise<void>;

describe('the tamper lab in Chromium against three live nodes', () => {
  beforeAll(async () => {
    await buildRendererOnce();
    network = await startLabNetwork(['Ana', 'Ben', 'Chen']);
    const [ana] = network.nodes;
    await ana!.call('submitTransaction', { sender: 'alice', recipient: 'merchant', amount: '5' });
    await ana!.call('mine');
    await ana!.call('mine');
    await network.sameTip(4);
    const browser = await launchChromium();
    closeBrowser = browser.close;
    page = await browser.context.newPage();
    problems = watchPage(page);
    driver = createDriver(page);
    await driver.open(ana!);
  }, 240_000);

  afterEach(() => problems.assertNone());

  afterAll(async () => {
    await closeBrowser?.();
    await network?.stop();
  });

  it('shows the broken link, and each peer rejects the copy with the block and the rule', async () => {
    const [ana, ben, chen] = network.nodes;
    const tipBefore = (await ana!.status()).lastHash;
    await goLab(page, 'tamper');
    await driver.expectText('[data-testid=tamper-untouched]', 'never touched');
    // Block 3 holds the payment: it is picked, its amount offered.
    await forgeAmount(page, 3, '5', '500');
    await page.click('[data-testid=tamper-preview]');
    await driver.expectText(
      '[data-testid=tamper-broken]',
      'block 4: previous_hash does not match the hash of block 3',
    );
    const standing = await page
      .locator('[data-testid=tamper-block]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-standing')));
    expect(standing).toEqual(['edited', 'broken']);

    await page.click('[data-testid=tamper-send]');
    await page.waitForSelector('[data-testid=tamper-verdict]');
    const verdicts = await shownVerdicts(page);
    expect(verdicts.map((v) => v.peer).sort()).toEqual([ben!.address, chen!.address].sort());
    for (const v of verdicts) {
      expect(v.verdict).toBe('rejected');
      expect(v.block).toBe('#4');
      expect(v.reason).toContain('block 4: previous_hash does not match the hash of block 3');
    }
    expect(await page.locator('[data-testid=tamper-sent]').textContent()).toMatch(
      /Ben[\s\S]*Chen|Chen[\s\S]*Ben/,
    );

    // Nothing changed anywhere: the lab worked on a copy.
    for (const node of network.nodes) {
      expect((await node.status()).lastHash).toBe(tipBefore);
      const block = await node.call<BlockDetail>('block', { index: 3 });
      expect(block.transactions.map((tx) => tx.amount)).toContain('5');
    }
  });

  it('re-mined, the copy is valid again yet no peer takes it: it is not longer', async () => {
    const [, ben, chen] = network.nodes;
    await page.check('[data-testid=tamper-remine]');
    await page.click('[data-testid=tamper-preview]');
    await page.waitForSelector('[data-testid=tamper-valid]');
    await page.click('[data-testid=tamper-send]');
    await driver.expectText('[data-testid=tamper-verdict] [data-testid=verdict]', 'valid, not longer');
    const kinds = await page
      .locator('[data-testid=tamper-verdict] [data-testid=verdict]')
      .evaluateAll((els) => els.map((el) => el.textContent?.trim()));
    expect(kinds).toEqual(['valid, not longer', 'valid, not longer']);
    expect((await ben!.status()).height).toBe(4);
    expect((await chen!.status()).height).toBe(4);
  });

  it('refuses a proof that is not a number, beside the field, in Chinese', async () => {
    const allow = problems.expect(/400.*\/api\/tamperPreview/, 'the proof typed is not a number');
    await driver.setLook('zh-CN', 'dark');
    await page.check('[data-testid=tamper-kind-proof]');
    await page.fill('[data-testid=tamper-value]', '12ab');
    await page.click('[data-testid=tamper-preview]');
    await page.waitForSelector('[data-testid=tamper-error]');
    expect(await page.locator('[data-testid=tamper-error]').textContent()).toContain('40');
    allow();
    await driver.setLook('en', 'light');
  });
});
