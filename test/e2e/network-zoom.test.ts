import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { buildRendererOnce, RENDERER_OUT } from './support/build';
import { launchChromium } from './support/browser';
import { createDriver } from './support/dashboard-driver';
import { installFakeWindowApi } from './support/fake-window-api';
import {
  coveredPrimaryButtons,
  horizontalOverflow,
  overlappingTexts,
  tallRows,
  wrappedPorts,
} from './support/layout-checks';
import { watchPage } from './support/page-problems';
import type { PageProblems } from './support/page-problems';
import { serveStatic } from './support/static-server';

// The live network's panels on a projector: the Nearby panel with three networks (one of other
// rules), the join code with its QR code, the diagnostics with findings, and the no-peer help, at
// presenter zoom 150 % and 200 % in three window sizes. The desktop transport (window.api) stands in
// for the node, so every panel is full without a LAN.
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1024, height: 768 },
  { width: 800, height: 560 },
] as const;
const ZOOMS = [150, 200] as const;

let server: Awaited<ReturnType<typeof serveStatic>>;
let close: () => Promise<void>;
let context: BrowserContext;

async function openFake(lonely: boolean): Promise<{ page: Page; problems: PageProblems }> {
  const page = await context.newPage();
  const problems = watchPage(page);
  // esbuild's keepNames helper is not in the page: define it before the serialised function runs.
  const options = { height: 40, mining: false, lonely };
  await page.addInitScript({
    content: `var __name = (f) => f; (${installFakeWindowApi.toString()})(${JSON.stringify(options)});`,
  });
  await page.goto(`${server.url}#/overview`);
  await page.waitForSelector('[data-testid=nearby]');
  return { page, problems };
}

async function layoutProblems(page: Page): Promise<string[]> {
  return [
    ...(await horizontalOverflow(page)),
    ...(await overlappingTexts(page, 'main')),
    ...(await tallRows(page, 9)),
    ...(await coveredPrimaryButtons(page)),
    ...(await wrappedPorts(page, '.net-address')),
  ];
}

describe('the live network’s panels at presenter zoom', () => {
  let busy: { page: Page; problems: PageProblems };
  let lonely: { page: Page; problems: PageProblems };

  beforeAll(async () => {
    await buildRendererOnce();
    server = await serveStatic(RENDERER_OUT);
    const browser = await launchChromium({ colorScheme: 'light', locale: 'en-US' });
    close = browser.close;
    context = browser.context;
    busy = await openFake(false);
    lonely = await openFake(true);
  }, 240_000);

  afterEach(() => {
    busy.problems.assertNone();
    lonely.problems.assertNone();
  });

  afterAll(async () => {
    await close?.();
    await server?.close();
  });

  it('shows the networks, the join code with its QR code, and runs the diagnostics', async () => {
    const { page } = busy;
    await page.waitForSelector('[data-testid=nearby-join]');
    expect(await page.locator('[data-testid=nearby] .network').count()).toBe(3);
    expect(await page.textContent('[data-testid=nearby-why]')).toContain('dvf profile, difficulty 5');
    expect(await page.textContent('[data-testid=join-code]')).toBe('40H-98Y');
    expect(await page.locator('[data-testid=qr-code] path').getAttribute('d')).toMatch(/^M\d+ \d+h1v1h-1z/);
    expect(await page.locator('[data-testid=no-peer-help]').count()).toBe(0);
    await createDriver(page).go('peers');
    await page.fill('[data-testid=diag-input]', 'Femi');
    await page.click('[data-testid=diag-run]');
    await page.waitForSelector('[data-testid=diag-check-target]');
    expect(await page.textContent('[data-testid=diag-check-target]')).toContain('cannot share our chain');
  }, 60_000);

  it('offers the no-peer help when nothing answers', async () => {
    const { page } = lonely;
    await page.waitForSelector('[data-testid=no-peer-help]', { timeout: 20_000 });
    const help = (await page.textContent('[data-testid=no-peer-help]')) ?? '';
    for (const check of ['Same Wi-Fi', 'Firewall', 'VPN', 'Client isolation']) expect(help).toContain(check);
    expect(await page.locator('[data-testid=no-peer-help] [data-testid=join-code-input]').count()).toBe(1);
    expect(await page.locator('[data-testid=no-peer-help] [data-testid=peer-address]').count()).toBe(1);
  }, 30_000);

  for (const size of SIZES) {
    for (const zoom of ZOOMS) {
      it(`lays them out at ${zoom} % in ${size.width}×${size.height}`, async () => {
        const found: string[] = [];
        for (const [name, { page }] of [
          ['busy', busy],
          ['lonely', lonely],
        ] as const) {
          const driver = createDriver(page);
          await page.setViewportSize(size);
          await driver.setZoom(zoom);
          await driver.go('overview');
          await page.waitForSelector(
            name === 'busy' ? '[data-testid=nearby-join]' : '[data-testid=no-peer-help]',
          );
          found.push(...(await layoutProblems(page)).map((problem) => `${name} overview: ${problem}`));
          if (name === 'busy') {
            await driver.go('peers');
            await page.waitForSelector('[data-testid=diag-checks]');
            found.push(...(await layoutProblems(page)).map((problem) => `peers: ${problem}`));
          }
        }
        expect(found).toEqual([]);
      }, 120_000);
    }
  }
});
