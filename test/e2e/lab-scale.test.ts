import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { buildRendererOnce, RENDERER_OUT } from './support/build';
import { launchChromium } from './support/browser';
import { installFakeWindowApi } from './support/fake-window-api';
import { installLabFakeApi } from './support/lab-fake-api';
import { LAB_READY, LAB_SCREENS } from './support/lab-driver';
import type { LabScreen } from './support/lab-driver';
import { coveredPrimaryButtons, horizontalOverflow, overlappingTexts } from './support/layout-checks';
import { watchPage } from './support/page-problems';
import type { PageProblems } from './support/page-problems';
import { serveStatic } from './support/static-server';

// The lab screens for the projector with a room of 50 laptops and a chain of 10,000 blocks, over the
// desktop transport (a stand-in window.api): what is drawn stays bounded, hints from the node are
// coalesced, and every screen reads at 1920×1080 and 1280×720, at 100 % and 200 %, in both languages.
const SIZES = [
  { width: 1920, height: 1080 },
  { width: 1280, height: 720 },
] as const;
const ZOOMS = [100, 200] as const;
const LOCALES = ['en', 'zh-CN'] as const;

let page: Page;
let closeBrowser: () => Promise<void>;
let server: Awaited<ReturnType<typeof serveStatic>>;
let problems: PageProblems;

async function calls(name: string): Promise<number> {
  return page.evaluate(
    (n) => (window as unknown as { apiCalls: Record<string, number> }).apiCalls[n] ?? 0,
    name,
  );
}

async function open(screen: LabScreen): Promise<void> {
  await page.click(`[data-testid=nav-${screen}]`);
  await page.waitForSelector(`[data-testid=nav-${screen}].router-link-active`);
  await page.waitForSelector(LAB_READY[screen]);
}

/** Sets language and zoom the way a person does, through the preferences the sidebar saves. */
async function look(locale: string, zoom: number): Promise<void> {
  await page.evaluate(
    ([l, z]) =>
      localStorage.setItem('blockparty-preferences', JSON.stringify({ theme: 'light', locale: l, zoom: z })),
    [locale, zoom] as const,
  );
  await page.reload();
  await page.waitForSelector('[data-testid=nav-network]');
}

describe('the lab screens with 50 nodes and 10,000 blocks', () => {
  beforeAll(async () => {
    await buildRendererOnce();
    server = await serveStatic(RENDERER_OUT);
    const browser = await launchChromium({ viewport: { width: 1920, height: 1080 } });
    closeBrowser = browser.close;
    page = await browser.context.newPage();
    problems = watchPage(page);
    // esbuild's keepNames helper is not in the page: define it before the serialised functions run.
    await page.addInitScript({
      content: `var __name = (f) => f; (${installFakeWindowApi.toString()})(${JSON.stringify({ height: 10_000, mining: false })});`,
    });
    await page.addInitScript({
      content: `var __name = (f) => f; (${installLabFakeApi.toString()})(${JSON.stringify({ nodes: 50, height: 10_000 })});`,
    });
    await page.goto(`${server.url}#/overview`);
    await page.waitForSelector('[data-testid=nav-network]');
  }, 240_000);

  afterEach(() => problems.assertNone());

  afterAll(async () => {
    await closeBrowser?.();
    await server?.close();
  });

  it('draws every node once, a bounded list of blocks, and coalesces a storm of hints', async () => {
    await open('network');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=net-node]').length === 50);
    expect(await page.locator('[data-testid=recent-blocks] li').count()).toBe(20);
    expect(await page.locator('[data-testid=net-nodes].dense').count()).toBe(1);
    const elements = await page.evaluate(() => document.querySelectorAll('main *').length);
    expect(elements).toBeLessThan(4000);

    // An auto-mining node hints many times a second: the screen fetches a few times, not 200.
    const before = await calls('networkView');
    const took = await page.evaluate(async () => {
      const start = performance.now();
      const emit = (window as unknown as { labEmit: (what: string) => void }).labEmit;
      for (let i = 0; i < 200; i++) {
        emit('network');
        await new Promise((done) => setTimeout(done, 5));
      }
      await new Promise((done) => setTimeout(done, 600));
      return performance.now() - start;
    });
    const fetched = (await calls('networkView')) - before;
    expect(fetched).toBeGreaterThanOrEqual(1);
    // At most one fetch per refresh interval (500 ms), and one more for the last hint.
    expect(fetched).toBeLessThanOrEqual(Math.ceil(took / 500) + 1);
  });

  it('draws the tree of the last 200 blocks with its stale branches, and only them', async () => {
    await open('forks');
    await page.selectOption('[data-testid=fork-depth]', '200');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=fork-block][data-main=true]').length === 200,
    );
    const drawn = await page.locator('[data-testid=fork-block]').count();
    expect(drawn).toBeLessThan(300);
    const kinds = await page
      .locator('[data-testid=fork-block]')
      .evaluateAll((els) => [...new Set(els.map((el) => el.getAttribute('data-kind')))].sort());
    expect(kinds).toEqual(['main', 'replaced', 'stale', 'won']);
    // The tip is in view: the tree scrolled to its newest block.
    const tipVisible = await page.evaluate(() => {
      const scroller = document.querySelector('.tree-scroll')!;
      const tip = document.querySelector('[data-testid=fork-block][data-index="10000"]')!;
      const a = scroller.getBoundingClientRect();
      const b = tip.getBoundingClientRect();
      return b.left >= a.left - 1 && b.right <= a.right + 1;
    });
    expect(tipVisible).toBe(true);
    expect(await page.locator('[data-testid=flight]').count()).toBe(5);
    await page.selectOption('[data-testid=fork-depth]', '30');
  });

  for (const locale of LOCALES) {
    for (const zoom of ZOOMS) {
      it(`lays every lab screen out at ${zoom} % in ${locale}, at 1920×1080 and 1280×720`, async () => {
        await look(locale, zoom);
        const found: string[] = [];
        for (const size of SIZES) {
          await page.setViewportSize(size);
          for (const screen of LAB_SCREENS) {
            await open(screen);
            if (screen === 'tamper') {
              await page.click('[data-testid=tamper-send]');
              await page.waitForSelector('[data-testid=tamper-verdict]');
            }
            const where = `${screen} ${size.width}×${size.height} ${zoom} % ${locale}`;
            for (const problem of [
              ...(await horizontalOverflow(page)),
              ...(await overlappingTexts(page, 'main')),
              ...(await coveredPrimaryButtons(page)),
            ])
              found.push(`${where}: ${problem}`);
          }
        }
        expect(found).toEqual([]);
      });
    }
  }
});
