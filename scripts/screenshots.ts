/**
 * `npm run screenshots`: refreshes `docs/screenshots/` from the real dashboard of two real headless
 * nodes (a block mined, a transaction, a peer, a resolve that replaced the chain), in Chromium:
 *
 * - `<screen>-<locale>-<theme>.png`: every screen, English and Chinese, light and dark, 1440×900;
 * - `<screen>-<locale>-<theme>-zoom200.png`: the same at presenter zoom 200 % on a 1280×720 projector.
 *
 * The tests never write there (`npm test` leaves the work tree clean); this is the one command that does.
 * It stops when the page reports any error. `--out DIR` writes elsewhere (to look before refreshing).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildRendererOnce, ROOT } from '../test/e2e/support/build.ts';
import { launchChromium } from '../test/e2e/support/browser.ts';
import { createDriver } from '../test/e2e/support/dashboard-driver.ts';
import type { DashboardDriver, Screen } from '../test/e2e/support/dashboard-driver.ts';
import { startHeadlessNode } from '../test/e2e/support/headless-node.ts';
import type { HeadlessNode } from '../test/e2e/support/headless-node.ts';
import { watchPage } from '../test/e2e/support/page-problems.ts';

const { values } = parseArgs({ options: { out: { type: 'string' } } });
const OUT = values.out ? resolve(values.out) : resolve(ROOT, 'docs/screenshots');
// The tutorial's manual flow, so the resolve has a conflict to show: on the live network B would take
// A's chain when added and push its blocks to A by itself.
const MANUAL = ['--manual', '--no-discovery'];

/** The classroom moment the pictures show, reached through the dashboard as a person would. */
async function stage(driver: DashboardDriver, a: HeadlessNode, b: HeadlessNode): Promise<void> {
  const { page } = driver;
  await driver.open(a);
  await driver.mineOnce(2);
  await driver.go('transactions');
  await page.fill('[data-testid=tx-sender]', 'alice');
  await page.fill('[data-testid=tx-recipient]', 'bob');
  await page.fill('[data-testid=tx-amount]', '2.5');
  await page.click('[data-testid=tx-submit]');
  await driver.expectText('[data-testid=pending-table]', /alice\s*bob\s*2\.5/);
  await driver.mineOnce(3);
  // Loopback nodes have no address for others (status.addresses never holds loopback).
  const peer = `127.0.0.1:${(await b.call<{ port: number }>('status')).port}`;
  await driver.go('peers');
  await page.fill('[data-testid=peer-address]', peer);
  await page.click('[data-testid=peer-add]');
  await driver.expectText(`[data-testid="peer-${peer}"]`, /online/);
  for (let i = 0; i < 4; i++) await b.call('mine');
  await page.click('[data-testid=resolve]');
  await driver.expectText('[data-testid=resolve-verdict]', /Our chain was replaced/, 30_000);
}

async function main(): Promise<void> {
  await buildRendererOnce();
  const dirs = [
    mkdtempSync(join(tmpdir(), 'blockparty-shots-')),
    mkdtempSync(join(tmpdir(), 'blockparty-shots-')),
  ];
  const nodes: HeadlessNode[] = [];
  const browser = await launchChromium({ colorScheme: 'light', locale: 'en-US' });
  try {
    nodes.push(
      await startHeadlessNode({ dataDir: dirs[0]!, name: 'Ana’s laptop', difficulty: 2, extraArgs: MANUAL }),
    );
    nodes.push(
      await startHeadlessNode({ dataDir: dirs[1]!, name: 'Ben’s laptop', difficulty: 2, extraArgs: MANUAL }),
    );
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    const driver = createDriver(page);
    await stage(driver, nodes[0]!, nodes[1]!);
    problems.assertNone();

    const prepare = async (screen: Screen): Promise<void> => {
      if (screen === 'chain') {
        await page.click('[data-testid=block-5]');
        await page.waitForSelector('[data-testid=block-detail]');
      }
    };
    const files = await driver.captureAll(OUT, { prepare });
    await page.setViewportSize({ width: 1280, height: 720 });
    await driver.setZoom(200);
    files.push(...(await driver.captureAll(OUT, { prepare, suffix: '-zoom200' })));
    await driver.setZoom(100);
    problems.assertNone();
    process.stdout.write(`${files.length} screenshots in ${relative(ROOT, OUT)}/\n`);
  } finally {
    await browser.close();
    await Promise.all(nodes.map((node) => node.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
