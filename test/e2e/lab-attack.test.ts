import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ForkTreeDto } from '../../src-main/shared/api.ts';
import { buildRendererOnce } from './support/build';
import { launchChromium } from './support/browser';
import { createDriver } from './support/dashboard-driver';
import type { DashboardDriver } from './support/dashboard-driver';
import { goLab } from './support/lab-driver';
import { startLabNetwork, waitFor } from './support/lab-nodes';
import type { LabNetwork } from './support/lab-nodes';
import { watchPage } from './support/page-problems';
import type { PageProblems } from './support/page-problems';

// The attack lab against real nodes: Mallory mines in private while Ben mines in public, then
// releases a longer chain; Ben and Chen adopt it (the longest valid chain wins), Ben's block becomes a
// stale branch, and the payment it held goes back to the pool, as Ben's own dashboard shows.
let network: LabNetwork;
let page: Page;
let benPage: Page;
let driver: DashboardDriver;
let problems: PageProblems;
let closeBrowser: () => Promise<void>;

describe('the attack lab in Chromium against three live nodes', () => {
  beforeAll(async () => {
    await buildRendererOnce();
    network = await startLabNetwork(['Mallory', 'Ben', 'Chen']);
    const browser = await launchChromium();
    closeBrowser = browser.close;
    page = await browser.context.newPage();
    problems = watchPage(page);
    driver = createDriver(page);
    await driver.open(network.nodes[0]!);
    benPage = await browser.context.newPage();
  }, 240_000);

  afterEach(() => problems.assertNone());

  afterAll(async () => {
    await closeBrowser?.();
    await network?.stop();
  });

  it('withholds blocks, then a release wins on every other node', async () => {
    const [mallory, ben, chen] = network.nodes as [
      (typeof network.nodes)[0],
      (typeof network.nodes)[0],
      (typeof network.nodes)[0],
    ];
    await goLab(page, 'attack');
    await driver.expectText('[data-testid=lesson-banner]', 'Lesson');
    await driver.expectText('[data-testid=attack-lead]', 'Off:');
    await page.click('[data-testid=private-switch] button');
    await driver.expectText('[data-testid=attack-lead]', /public chain is 0 blocks ahead/);

    // In public, Ben mines a block holding a payment; Chen follows him, Mallory keeps her own.
    await ben.call('submitTransaction', { sender: 'alice', recipient: 'merchant', amount: '10' });
    await ben.call('mine');
    await network.sameTip(3, [ben, chen]);
    await driver.expectText('[data-testid=attack-public]', /^3$/);
    expect((await mallory.status()).height).toBe(2);

    // In private, Mallory mines three, from the dashboard.
    for (let withheld = 1; withheld <= 3; withheld++) {
      await page.click('[data-testid=attack-mine]');
      await driver.expectText('[data-testid=attack-withheld]', new RegExp(`^${withheld}$`));
    }
    await driver.expectText('[data-testid=attack-lead]', '2 blocks ahead of the public one');
    expect((await ben.status()).height).toBe(3);
    const secretTip = (await mallory.status()).lastHash;
    await driver.expectText('[data-testid=attack-release]', 'Release 3 blocks');

    await page.click('[data-testid=attack-release]');
    await driver.expectText('[data-testid=attack-lead]', 'Off:');
    expect(await network.sameTip(5)).toBe(secretTip);

    // Ben's own dashboard tells the moment: his block gave way, its payment went back to the pool.
    const tree = await waitFor('Ben’s reorg', async () => {
      const forks = await ben.call<ForkTreeDto>('forkTree', { depth: 10 });
      return forks.reorgs.length > 0 ? forks : undefined;
    });
    expect(tree.reorgs[0]).toMatchObject({ forkIndex: 2, oldLength: 3, newLength: 5 });
    await benPage.goto(ben.dashboardUrl);
    await benPage.waitForSelector('[data-testid=nav-forks]');
    await goLab(benPage, 'forks');
    const benDriver = createDriver(benPage);
    await benDriver.expectText(
      '[data-testid=reorg-verdict]',
      'replaced ours of 3: the two branches share everything up to block #2',
    );
    await benDriver.expectText('[data-testid=reorg-verdict]', 'Mallory');
    await benDriver.expectText('[data-testid=reorg-restored]', /alice\s*→\s*to\s*merchant\s*10/);
    const kinds = await benPage
      .locator('[data-testid=fork-block]')
      .evaluateAll((els) =>
        els.map((el) => `${el.getAttribute('data-index')}:${el.getAttribute('data-kind')}`),
      );
    expect(kinds).toContain('3:replaced');
    expect(kinds.filter((k) => k.endsWith(':won'))).toEqual(['3:won', '4:won', '5:won']);

    // And Mallory's network view shows every node on her tip again.
    await goLab(page, 'network');
    await waitFor('every peer on Mallory’s tip in her network view', async () => {
      const relations = await page
        .locator('[data-testid=net-node-relation]')
        .evaluateAll((els) => els.map((el) => el.textContent?.trim()));
      return relations.length === 2 && relations.every((r) => r === 'same tip') ? true : undefined;
    });
  });
});
