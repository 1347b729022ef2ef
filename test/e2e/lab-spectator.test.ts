import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SPECTATOR_PATH } from '../../src-main/shared/api.ts';
import { buildRendererOnce } from './support/build';
import { launchChromium } from './support/browser';
import { startLabNetwork } from './support/lab-nodes';
import type { LabNetwork } from './support/lab-nodes';
import { horizontalOverflow, overlappingTexts } from './support/layout-checks';
import { expectText } from './support/page-watch';
import { watchPage } from './support/page-problems';
import type { PageProblems } from './support/page-problems';

// The spectator page as a phone in the room opens it: from the host's peer port, with no token,
// read only, the network and the fork tree, following the host as blocks come.
let network: LabNetwork;
let page: Page;
let problems: PageProblems;
let closeBrowser: () => Promise<void>;

describe('the spectator page on the peer port', () => {
  beforeAll(async () => {
    await buildRendererOnce();
    network = await startLabNetwork(['Ana', 'Ben']);
    const browser = await launchChromium({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    closeBrowser = browser.close;
    page = await browser.context.newPage();
    problems = watchPage(page);
  }, 240_000);

  afterEach(() => problems.assertNone());

  afterAll(async () => {
    await closeBrowser?.();
    await network?.stop();
  });

  it('shows every node and the fork tree, in the phone’s language, and follows the host', async () => {
    const [ana, ben] = network.nodes;
    const origin = `http://127.0.0.1:${ana!.port}`;
    await page.goto(`${origin}${SPECTATOR_PATH.slice(0, -1)}`);
    expect(new URL(page.url()).pathname).toBe(SPECTATOR_PATH);
    await page.waitForSelector('[data-testid=net-node]');
    const status = await ana!.status();
    await expectText(page, '[data-testid=spectator-subtitle]', status.genesisHash.slice(0, 16));
    await expectText(page, '[data-testid=spectator-subtitle]', '只读');
    const names = await page
      .locator('[data-testid=net-node]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-node')));
    expect(names).toEqual(['Ana', 'Ben']);
    expect(await page.locator('[data-testid=fork-block]').count()).toBe(2);
    // Nothing to press: a visitor only reads (and picks a language).
    expect(await page.locator('main button, main input').count()).toBe(0);

    await ben!.call('mine');
    await network.sameTip(3);
    await expectText(page, '[data-testid=net-height]', /^3$/, 10_000);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=fork-block]').length === 3);

    expect(await horizontalOverflow(page)).toEqual([]);
    expect(await overlappingTexts(page, 'main')).toEqual([]);
  });

  it('serves only the spectator entry and its assets, not the dashboard, and no token is needed', async () => {
    const [ana] = network.nodes;
    const origin = `http://127.0.0.1:${ana!.port}`;
    const view = await fetch(`${origin}/blockparty/view`);
    expect(view.status).toBe(200);
    const body = (await view.json()) as { view: { nodes: unknown[] }; forks: { blocks: unknown[] } };
    expect(body.view.nodes).toHaveLength(2);
    expect((await fetch(`${origin}${SPECTATOR_PATH}index.html`)).status).toBe(404);
    const page = await fetch(`${origin}${SPECTATOR_PATH}`);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('./assets/spectator-');
  });
});
