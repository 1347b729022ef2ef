// The classroom lab on a namespaced LAN: the teacher's laptop and 7 students' laptops, each in its own
// network namespace on one bridge, started with no address (they find each other by mDNS). The
// teacher's dashboard, in Chromium, shows every node on the Network screen; after a partition where
// both sides mine, healing makes the longer side win, and the Forks screen shows that moment; the
// teacher's forged copy is rejected by every student's node; a chain the teacher mined in private and
// released wins on every laptop.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ForkTreeDto, NetworkViewDto, NodeStatus } from '../../src-main/shared/api.ts';
import { createLab } from '../helpers/netns.ts';
import type { Lab } from '../helpers/netns.ts';
import { labDir, openGateway, startLanNodes, waitUntil } from '../helpers/lan-nodes.ts';
import type { Gateway, LanNode } from '../helpers/lan-nodes.ts';
import { buildRendererOnce } from './support/build';
import { launchChromium } from './support/browser';
import { createDriver } from './support/dashboard-driver';
import type { DashboardDriver } from './support/dashboard-driver';
import { forgeAmount, goLab, shownVerdicts } from './support/lab-driver';
import { startLanHost } from './support/lab-lan-host';
import type { LanHost } from './support/lab-lan-host';
import { watchPage } from './support/page-problems';
import type { PageProblems } from './support/page-problems';

const STUDENTS = 7;
/** The teacher's laptop is the lab's last. */
const HOST = STUDENTS;
const DIFFICULTY = 3;

let lab: Lab;
let gateway: Gateway;
let students: LanNode[] = [];
let host: LanHost;
let page: Page;
let driver: DashboardDriver;
let problems: PageProblems;
let closeBrowser: () => Promise<void>;
let cleanup: () => void = () => undefined;

/** The names on the teacher's Network screen, and how each relates to the teacher's tip. */
async function board(): Promise<{ names: string[]; relations: string[]; online: string }> {
  return page.evaluate(() => ({
    names: [...document.querySelectorAll('[data-testid=net-node]')].map(
      (el) => el.getAttribute('data-node') ?? '',
    ),
    relations: [...document.querySelectorAll('[data-testid=net-node-relation]')].map(
      (el) => el.textContent?.trim() ?? '',
    ),
    online: document.querySelector('[data-testid=net-online]')?.textContent?.trim() ?? '',
  }));
}

/** Waits until every laptop in `group` (the host included when given) has one tip; returns it. */
async function sameTip(group: readonly LanNode[], withHost: boolean, deadline: number): Promise<string> {
  return waitUntil(
    `one tip on laptops ${group.map((n) => n.k).join(',')}${withHost ? ' and the teacher' : ''}`,
    async (note) => {
      const tips = await Promise.all(group.map(async (n) => (await n.info()).last_hash));
      if (withHost) tips.push((await host.call<NodeStatus>('status')).lastHash);
      note(tips.map((t) => t.slice(0, 6)).join(' '));
      return new Set(tips).size === 1 ? tips[0] : undefined;
    },
    deadline,
    200,
  );
}

describe('the classroom lab on 8 namespaced laptops', { timeout: 240_000 }, () => {
  beforeAll(async () => {
    await buildRendererOnce();
    lab = await createLab({ nodes: STUDENTS + 1 });
    const made = labDir();
    cleanup = made.cleanup;
    gateway = await openGateway(made.dir);
    [students, host] = await Promise.all([
      startLanNodes(lab, gateway, made.dir, STUDENTS, { difficulty: DIFFICULTY }),
      startLanHost(lab, HOST, made.dir, { name: 'teacher', difficulty: DIFFICULTY }),
    ]);
    const browser = await launchChromium({ viewport: { width: 1920, height: 1080 } });
    closeBrowser = browser.close;
    page = await browser.context.newPage();
    problems = watchPage(page);
    driver = createDriver(page);
    await page.goto(host.dashboardUrl);
    await page.waitForSelector('[data-testid=node-name]');
  }, 240_000);

  afterEach(() => problems.assertNone());

  afterAll(async () => {
    await closeBrowser?.();
    await host?.stop();
    await Promise.all(students.map((n) => n.kill()));
    await gateway?.close();
    await lab?.destroy();
    cleanup();
  });

  it('shows every node of the room on the Network screen, on one tip', async () => {
    await goLab(page, 'network');
    const expected = ['teacher', ...students.map((n) => `laptop ${n.k}`).sort()];
    const found = await waitUntil(
      'the 8 laptops online on the teacher’s Network screen',
      async (note) => {
        const seen = await board();
        note(`${seen.online}: ${seen.names.join(', ')}`);
        return seen.online === '8 / 8' && seen.names.length === 8 ? seen : undefined;
      },
      Date.now() + 60_000,
    );
    expect(found.names[0]).toBe('teacher');
    expect([...found.names].sort()).toEqual([...expected].sort());

    // A block mined by one student reaches everyone; the teacher's board shows one tip for all.
    await sameTip(students, true, Date.now() + 30_000);
    const index = await students[2]!.mine();
    const tip = await sameTip(students, true, Date.now() + 30_000);
    expect((await host.call<NodeStatus>('status')).height).toBe(index);
    await waitUntil(
      'every student on the teacher’s tip',
      async (note) => {
        const seen = await board();
        note(seen.relations.join(', '));
        return seen.relations.length === STUDENTS && seen.relations.every((r) => r === 'same tip')
          ? true
          : undefined;
      },
      Date.now() + 30_000,
    );
    const view = await host.call<NetworkViewDto>('networkView');
    expect(view.tip).toBe(tip);
    expect(view.recentBlocks[0]).toMatchObject({ index, minerName: 'laptop 2' });
  });

  it('after a partition where both sides mined, the longer side wins, and the fork tree shows it', async () => {
    // The teacher and laptops 0–3 on one side, 4–6 on the other.
    const sideA = students.slice(0, 4);
    const sideB = students.slice(4);
    const start = await sameTip(students, true, Date.now() + 30_000);
    const startHeight = (await host.call<NodeStatus>('status')).height;
    await lab.partition(
      [...sideA.map((n) => n.k), HOST],
      sideB.map((n) => n.k),
    );
    // The teacher's side mines one block, the other side two: the other side's chain is longer.
    const a1 = await sideA[0]!.mine();
    await sameTip(sideA, true, Date.now() + 30_000);
    await sideB[0]!.mine();
    await sameTip(sideB, false, Date.now() + 30_000);
    const b2 = await sideB[1]!.mine();
    const longer = await sameTip(sideB, false, Date.now() + 30_000);
    expect(a1).toBe(startHeight + 1);
    expect(b2).toBe(startHeight + 2);
    const ourBranch = (await host.call<NodeStatus>('status')).lastHash;
    expect(ourBranch).not.toBe(longer);
    expect(ourBranch).not.toBe(start);

    await lab.heal();
    const healed = await sameTip(students, true, Date.now() + 60_000);
    expect(healed).toBe(longer);

    // The teacher's Forks screen: our block from the partition replaced, the other side's two won.
    const tree = await waitUntil(
      'the reorg in the teacher’s fork tree',
      async () => {
        const forks = await host.call<ForkTreeDto>('forkTree', { depth: 30 });
        return forks.reorgs[0]?.newTip === longer ? forks : undefined;
      },
      Date.now() + 15_000,
    );
    expect(tree.reorgs[0]).toMatchObject({ forkIndex: startHeight, oldLength: a1, newLength: b2 });
    expect(tree.reorgs[0]!.discarded).toEqual([ourBranch]);
    await goLab(page, 'forks');
    await driver.expectText(
      '[data-testid=reorg-verdict]',
      `replaced ours of ${a1}: the two branches share everything up to block #${startHeight}`,
    );
    await page.waitForSelector(`[data-testid=fork-block][data-hash="${ourBranch}"][data-kind=replaced]`);
    const won = await page
      .locator('[data-testid=fork-block][data-kind=won]')
      .evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-index'))));
    expect(won).toEqual([startHeight + 1, startHeight + 2]);
    const main = await page
      .locator('[data-testid=fork-block][data-main=true]')
      .evaluateAll((els) => els.map((el) => el.getAttribute('data-hash')));
    expect(main.at(-1)).toBe(longer);
  });

  it('the tamper lab: every student’s node rejects the teacher’s forged copy, naming the block and the rule', async () => {
    // A payment in a block with one after it, on every laptop.
    await host.call('submitTransaction', { sender: 'alice', recipient: 'merchant', amount: '5' });
    await host.call('mine');
    const paid = (await host.call<NodeStatus>('status')).height;
    await host.call('mine');
    const tip = await sameTip(students, true, Date.now() + 30_000);

    await goLab(page, 'tamper');
    await forgeAmount(page, paid, '5', '500');
    await page.click('[data-testid=tamper-preview]');
    const rule = `block ${paid + 1}: previous_hash does not match the hash of block ${paid}`;
    await driver.expectText('[data-testid=tamper-broken]', rule);
    await page.click('[data-testid=tamper-send]');
    const verdicts = await waitUntil(
      'a verdict from each of the 7 students',
      async (note) => {
        const rows = await shownVerdicts(page);
        note(`${rows.length} verdicts`);
        return rows.length === STUDENTS ? rows : undefined;
      },
      Date.now() + 30_000,
    );
    expect(verdicts.map((v) => v.peer).sort()).toEqual(students.map((n) => n.address).sort());
    for (const v of verdicts) {
      expect(v.verdict).toBe('rejected');
      expect(v.block).toBe(`#${paid + 1}`);
      expect(v.reason).toContain(rule);
    }
    // The lab worked on a copy: every chain is as it was.
    for (const n of students) expect((await n.info()).last_hash).toBe(tip);
    expect((await host.call<NodeStatus>('status')).lastHash).toBe(tip);
  });

  it('the attack lab: the teacher mines in private, releases a longer chain, and every laptop follows it', async () => {
    const start = await sameTip(students, true, Date.now() + 30_000);
    const height = (await host.call<NodeStatus>('status')).height;
    await goLab(page, 'attack');
    await page.click('[data-testid=private-switch] button');
    await driver.expectText('[data-testid=attack-lead]', /public chain is 0 blocks ahead/);

    // In public a student mines one block; the others follow it, the teacher keeps its own chain.
    await students[5]!.mine();
    const publicTip = await sameTip(students, false, Date.now() + 30_000);
    expect(publicTip).not.toBe(start);
    expect((await host.call<NodeStatus>('status')).height).toBe(height);

    // In private the teacher mines three, from the dashboard.
    for (let withheld = 1; withheld <= 3; withheld++) {
      await page.click('[data-testid=attack-mine]');
      await driver.expectText('[data-testid=attack-withheld]', new RegExp(`^${withheld}$`));
    }
    await driver.expectText('[data-testid=attack-lead]', '2 blocks ahead of the public one');
    for (const n of students) expect((await n.info()).length).toBe(height + 1);
    const secretTip = (await host.call<NodeStatus>('status')).lastHash;

    await page.click('[data-testid=attack-release]');
    await driver.expectText('[data-testid=attack-lead]', 'Off:');
    expect(await sameTip(students, true, Date.now() + 30_000)).toBe(secretTip);
    for (const n of students) expect((await n.info()).length).toBe(height + 3);
  });
});
