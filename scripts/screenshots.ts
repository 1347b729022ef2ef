/**
 * `npm run screenshots`: pictures of the real dashboard of real headless nodes, in Chromium:
 *
 * - `<screen>-<locale>-<theme>.png`: every screen, English and Chinese, light and dark, 1440×900, on two
 *   nodes (a block mined, a transaction, a peer, a resolve that replaced the chain);
 * - `lab-<screen>-<locale>-<theme>.png`: the classroom lab's screens on a live network of five laptops
 *   (a reorg, blocks in flight, a tampered copy refused by every peer, private mining under way, a pace);
 * - the same with `-zoom200`: presenter zoom 200 % on a 1280×720 projector;
 * - `spectator-<locale>-<theme>.png`: the spectator page on a phone.
 *
 * They refresh `docs/screenshots/` (the README's pictures) unless `--out DIR` says where. The tests
 * never write there: theirs go to git-ignored folders, so `npm test` leaves the work tree clean.
 * `--lab` takes the lab's pictures only. It stops when a page reports any error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { BlockDetail } from '../src-main/shared/api.ts';
import { buildRendererOnce, ROOT } from '../test/e2e/support/build.ts';
import { captureLab, captureSpectator, forgeAmount } from '../test/e2e/support/lab-driver.ts';
import type { LabScreen } from '../test/e2e/support/lab-driver.ts';
import { startLabNetwork } from '../test/e2e/support/lab-nodes.ts';
import type { LabNetwork } from '../test/e2e/support/lab-nodes.ts';
import { launchChromium } from '../test/e2e/support/browser.ts';
import { createDriver } from '../test/e2e/support/dashboard-driver.ts';
import type { DashboardDriver, Screen } from '../test/e2e/support/dashboard-driver.ts';
import { startHeadlessNode } from '../test/e2e/support/headless-node.ts';
import type { HeadlessNode } from '../test/e2e/support/headless-node.ts';
import { watchPage } from '../test/e2e/support/page-problems.ts';

const { values } = parseArgs({ options: { out: { type: 'string' }, lab: { type: 'boolean' } } });
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

/** The laptops of the lab's pictures; the first is the teacher's, whose dashboard is shown. */
const LAB_NAMES = ['Ana’s laptop', 'Ben’s laptop', 'Chen', 'Dana', '王小明'];

/**
 * The classroom moment the lab's pictures show, on a live network at the tutorial's difficulty: Ben
 * mined in private and released a longer chain (a reorg on Ana's laptop that sent a payment back to
 * the pool), the others mined in public (flights), a laptop with other rules cannot join, and now
 * Ana is mining in private under a pace of one block per node every 10 s.
 */
async function stageLab(driver: DashboardDriver, net: LabNetwork, outsider: HeadlessNode): Promise<void> {
  const [ana, ben, chen, dana, xiaoming] = net.nodes as [LabNetwork['nodes'][0], ...LabNetwork['nodes']];
  // One after the other: two blocks found at one height would tie, and a tie settles only later.
  await ana.call('mine');
  await net.sameTip(3);
  await chen!.call('mine');
  await net.sameTip(4);
  await ben!.call('setPrivateMining', { on: true });
  await ana.call('submitTransaction', { sender: 'alice', recipient: 'merchant', amount: '10' });
  await ana.call('mine');
  await net.sameTip(5, [ana, chen!, dana!, xiaoming!]);
  await ben!.call('mine');
  await ben!.call('mine');
  await ben!.call('setPrivateMining', { on: false });
  await net.sameTip(6);
  await dana!.call('mine');
  await net.sameTip(7);
  await xiaoming!.call('mine');
  await net.sameTip(8);
  // Where the payment ended up once it came back to the pool: the block the tamper lab forges.
  for (let index = 2; index <= 8; index++) {
    const block = await ana.call<BlockDetail>('block', { index });
    if (block.transactions.some((tx) => tx.sender === 'alice')) paymentBlock = index;
  }
  const port = (await outsider.call<{ port: number }>('status')).port;
  await ana.call('addPeers', { addresses: [`127.0.0.1:${port}`] });

  const { page } = driver;
  await driver.open(ana);
  await page.click('[data-testid=nav-attack]');
  await page.click('[data-testid=private-switch] button');
  await driver.expectText('[data-testid=attack-lead]', /public chain is 0 blocks ahead/);
  for (let withheld = 1; withheld <= 2; withheld++) {
    await page.click('[data-testid=attack-mine]');
    await driver.expectText('[data-testid=attack-withheld]', new RegExp(`^${withheld}$`));
  }
  await page.click('[data-testid=nav-network]');
  await page.fill('[data-testid=pace-seconds]', '10');
  await page.click('[data-testid=pace-set]');
  await driver.expectText('[data-testid=net-pace]', '10');
}

/** The block holding the payment (found by stageLab). */
let paymentBlock = 0;

/** Readies a lab screen for its picture: the tamper lab shows a forged payment every peer refused. */
async function prepareLab(driver: DashboardDriver, screen: LabScreen): Promise<void> {
  const { page } = driver;
  if (screen !== 'tamper') return;
  await forgeAmount(page, paymentBlock, '10', '1000');
  await page.click('[data-testid=tamper-send]');
  await page.waitForSelector('[data-testid=tamper-verdict]');
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** The lab's pictures: every lab screen in every look, at 100 % and 200 %, and the spectator page. */
async function shootLab(browser: Awaited<ReturnType<typeof launchChromium>>): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'blockparty-shots-'));
  const net = await startLabNetwork(LAB_NAMES, { difficulty: 4 });
  const outsider = await startHeadlessNode({
    dataDir: dir,
    name: 'Eve (difficulty 3)',
    difficulty: 3,
    extraArgs: ['--no-discovery'],
  });
  try {
    const page = await browser.context.newPage();
    const problems = watchPage(page);
    const driver = createDriver(page);
    await stageLab(driver, net, outsider);
    problems.assertNone();
    const prepare = (screen: LabScreen): Promise<void> => prepareLab(driver, screen);
    const files = await captureLab(driver, OUT, { prepare });
    await page.setViewportSize({ width: 1280, height: 720 });
    await driver.setZoom(200);
    files.push(...(await captureLab(driver, OUT, { prepare, suffix: '-zoom200' })));
    await driver.setZoom(100);
    problems.assertNone();
    const phone = await browser.context.newPage();
    const phoneProblems = watchPage(phone);
    await phone.setViewportSize({ width: 390, height: 844 });
    files.push(...(await captureSpectator(phone, `http://127.0.0.1:${net.nodes[0]!.port}/spectate/`, OUT)));
    phoneProblems.assertNone();
    return files;
  } finally {
    await outsider.stop();
    await net.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await buildRendererOnce();
  if (values.lab) {
    const browser = await launchChromium({ colorScheme: 'light', locale: 'en-US' });
    try {
      const files = await shootLab(browser);
      process.stdout.write(`${files.length} screenshots in ${relative(ROOT, OUT)}/
`);
    } finally {
      await browser.close();
    }
    return;
  }
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
    files.push(...(await shootLab(browser)));
    process.stdout.write(`${files.length} screenshots in ${relative(ROOT, OUT)}/\n`);
  } finally {
    await browser.close();
    await Promise.all(nodes.map((node) => node.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
