// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { Pinia } from 'pinia';
import { message } from '@shared/messages';
import { setDashboardClient } from '@renderer/api';
import { createAppI18n } from '@renderer/i18n';
import { labEn } from '@renderer/i18n/lab-en';
import { labZhCN } from '@renderer/i18n/lab-zh-CN';
import NetworkView from '@renderer/views/NetworkView.vue';
import ForksView from '@renderer/views/ForksView.vue';
import TamperView from '@renderer/views/TamperView.vue';
import AttackView from '@renderer/views/AttackView.vue';
import ForkTreeGraph from '@renderer/components/lab/ForkTreeGraph.vue';
import FlightTimeline from '@renderer/components/lab/FlightTimeline.vue';
import ReorgPanel from '@renderer/components/lab/ReorgPanel.vue';
import AppSidebar from '@renderer/components/AppSidebar.vue';
import { flightRows } from '@renderer/components/lab/flight-rows';
import { FORK_GEOMETRY, layoutForkTree } from '@renderer/components/lab/fork-layout';
import { routes } from '@renderer/router';
import { clip } from '@renderer/composables/use-lab-format';
import { useNodeStore } from '@renderer/stores/node';
import { createFakeClient, makeBlock, makeStatus, makeTx, ok } from './fake-client';
import type { FakeClient } from './fake-client';
import {
  forkBlock,
  hashOf,
  idFor,
  makeFlight,
  makeNode,
  makeReorg,
  makeReport,
  makeTree,
  makeView,
} from './lab-fixtures';

let client: FakeClient;
let pinia: Pinia;

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  client = createFakeClient(4);
  client.networkView.mockImplementation(async () => ok(makeView()));
  client.forkTree.mockImplementation(async () => ok(makeTree()));
  client.flights.mockImplementation(async () => ok([makeFlight()]));
  setDashboardClient(client);
  localStorage.clear();
});

function mountView(component: object, locale: 'en' | 'zh-CN' = 'en') {
  return mount(component, {
    global: { plugins: [pinia, createAppI18n(locale)], stubs: { RouterLink: true } },
  });
}

/** Every key of a nested message object, as dotted paths. */
function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

describe('lab words', () => {
  it('has every English key in Chinese, with the same placeholders', () => {
    expect(keys(labZhCN).sort()).toEqual(keys(labEn).sort());
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of keys(labEn)) {
      const en = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], labEn);
      const zh = key.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], labZhCN);
      if (Array.isArray(en)) expect((zh as unknown[]).length, key).toBe(en.length);
      else expect(placeholders(zh as string), key).toEqual(placeholders(en as string));
    }
  });

  it('cuts names for the drawings by width, a Chinese character counting two', () => {
    expect(clip('Ana', 5)).toBe('Ana');
    expect(clip('Anast', 5)).toBe('Anast');
    expect(clip('Anastasia', 5)).toBe('Anas…');
    expect(clip('王小明', 6)).toBe('王小明');
    expect(clip('王小明的笔记本电脑', 8)).toBe('王小明…');
  });

  it('puts the lab screens in the sidebar, in their own group, and in the router', () => {
    const wrapper = mount(AppSidebar, {
      global: {
        plugins: [pinia, createAppI18n('zh-CN')],
        stubs: { RouterLink: { template: '<a><slot /></a>' } },
      },
    });
    expect(wrapper.text()).toContain('课堂实验室');
    for (const name of ['全网', '分叉', '篡改实验', '攻击实验']) expect(wrapper.text()).toContain(name);
    const paths = routes.map((r) => r.path);
    for (const path of ['/network', '/forks', '/tamper', '/attack']) expect(paths).toContain(path);
  });
});

describe('Network view', () => {
  it('shows every node with its height, tip against ours, rules, mining and badges', async () => {
    const view = makeView([
      makeNode('Ben'),
      makeNode('Chen', { height: 7, tip: hashOf(7) }),
      makeNode('Dan', { tip: hashOf(10, 'x') }),
      makeNode('Eve', { privateMining: true, height: 12, tip: hashOf(12, 'p') }),
      makeNode('Flask', {
        kind: 'tutorial',
        id: null,
        name: null,
        address: '192.168.1.9:5000',
        hashRate: null,
        workers: null,
        mining: null,
      }),
      makeNode('Gus', { status: 'offline', mining: false }),
      makeNode('Hal', {
        incompatible: message('peer-other-difficulty', { difficulty: 3, ourDifficulty: 4 }),
        difficulty: 3,
      }),
    ]);
    view.outsiders = [
      {
        name: 'Ivy',
        address: '192.168.1.44:5000',
        network: 'f'.repeat(16),
        reason: message('peer-other-genesis'),
      },
    ];
    view.pace = { seconds: 10, setById: 'a'.repeat(32), setByName: 'Ana', setAt: Date.now() };
    client.networkView.mockImplementation(async () => ok(view));
    const wrapper = mountView(NetworkView);
    await flushPromises();
    const card = (name: string) => wrapper.get(`[data-testid=net-node][data-node="${name}"]`);
    expect(wrapper.findAll('[data-testid=net-node]')).toHaveLength(8);
    expect(wrapper.get('[data-testid=net-online]').text()).toBe('7 / 8');
    expect(card('Ana').text()).toContain('this node');
    expect(card('Ben').get('[data-testid=net-node-relation]').text()).toBe('same tip');
    expect(card('Chen').get('[data-testid=net-node-relation]').text()).toBe('3 behind');
    expect(card('Dan').get('[data-testid=net-node-relation]').text()).toBe('other tip: a fork');
    expect(card('Eve').get('[data-testid=net-node-private]').text()).toContain('mining privately');
    expect(card('Eve').get('[data-testid=net-node-relation]').text()).toBe('2 ahead');
    expect(card('192.168.1.9:5000').get('[data-testid=net-node-tutorial]').text()).toBe('tutorial node');
    expect(card('Gus').text()).toContain('not mining');
    expect(card('Hal').get('[data-testid=net-node-incompatible]').text()).toBe(
      'its difficulty is 3, this node’s is 4',
    );
    expect(card('Ben').text()).toContain('250 kH/s');
    expect(card('Ben').text()).toContain('3 workers');
    expect(card('Ben').text()).toContain('article · 4');
    expect(card('Ben').text()).toContain('mined 3 of the last 9 blocks');
    expect(wrapper.get('[data-testid=recent-blocks]').text()).toMatch(/#10\s*Ana\s*#9\s*Ben/);
    expect(wrapper.get('[data-testid=outsider]').text()).toContain(
      'it is on another network: its chain starts from another genesis block',
    );
    expect(wrapper.get('[data-testid=net-pace]').text()).toContain('10 s');
    expect(wrapper.text()).toContain('set by Ana');
  });

  it('keeps the essentials only for a room of fifty, and reads in Chinese', async () => {
    const peers = Array.from({ length: 49 }, (_, i) =>
      makeNode(`Laptop ${i}`, { id: i.toString(16).padStart(32, '0'), address: `10.0.0.${i}:5000` }),
    );
    client.networkView.mockImplementation(async () =>
      ok(makeView(peers, { height: 10_000, tip: hashOf(10_000) })),
    );
    const wrapper = mountView(NetworkView, 'zh-CN');
    await flushPromises();
    expect(wrapper.findAll('[data-testid=net-node]')).toHaveLength(50);
    expect(wrapper.get('[data-testid=net-nodes]').classes()).toContain('dense');
    // Dense cards leave out the table of facts.
    expect(wrapper.findAll('.facts')).toHaveLength(0);
    expect(wrapper.text()).toContain('在线节点');
    expect(wrapper.get('[data-testid=net-height]').text()).toBe('10,000');
    expect(wrapper.findAll('[data-testid=net-node-relation]')[0]!.text()).toBe('落后 9,990 个');
  });

  it('sets and lifts the pace, refusing what is not a number of seconds before asking the node', async () => {
    const node = useNodeStore();
    const pace = { seconds: 15, setById: 'a'.repeat(32), setByName: 'Ana', setAt: Date.now() - 20_000 };
    node.status = makeStatus();
    client.setPace.mockImplementation(async ({ seconds }: { seconds: number }) =>
      ok({
        privateMining: false,
        withheld: 0,
        publicHeight: null,
        pace: seconds === 0 ? null : { ...pace, seconds },
        nextBlockAt: seconds === 0 ? null : Date.now() + 12_000,
      }),
    );
    const wrapper = mountView(NetworkView);
    await flushPromises();
    expect(wrapper.get('[data-testid=pace-current]').text()).toContain('No pace');
    await wrapper.get('[data-testid=pace-seconds]').setValue('ten');
    await wrapper.get('form').trigger('submit');
    expect(client.setPace).not.toHaveBeenCalled();
    expect(wrapper.get('#pace-error').text()).toBe(
      'Type a whole number of seconds from 0 (no pace) to 3600.',
    );
    await wrapper.get('[data-testid=pace-seconds]').setValue('15');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.setPace).toHaveBeenCalledWith({ seconds: 15 });
    expect(wrapper.get('[data-testid=pace-current]').text()).toContain(
      'Each node mines at most one block every 15 s.',
    );
    expect(wrapper.get('[data-testid=pace-current]').text()).toMatch(/Set by Ana at .* \(20 s ago\)/);
    expect(wrapper.get('[data-testid=pace-countdown]').text()).toMatch(/next block allowed in 1[123] s/);
    await wrapper.get('[data-testid=pace-lift]').trigger('click');
    await flushPromises();
    expect(client.setPace).toHaveBeenLastCalledWith({ seconds: 0 });
    expect(wrapper.find('[data-testid=pace-countdown]').exists()).toBe(false);
  });
});

describe('fork tree', () => {
  it('lays our chain on one lane and each branch beside it, linked by previous hash', () => {
    const blocks = [
      ...[1, 2, 3, 4, 5].map((i) => forkBlock(i)),
      forkBlock(3, 'x', 'm'),
      forkBlock(4, 'x'),
      forkBlock(4, 'y', 'm'),
      forkBlock(5, 'z', 'q'),
    ];
    const layout = layoutForkTree(blocks, { ...FORK_GEOMETRY, vertical: false });
    const lane = (hash: string) => layout.blocks.find((b) => b.block.hash === hash)!;
    expect([1, 2, 3, 4, 5].map((i) => lane(hashOf(i)).lane)).toEqual([0, 0, 0, 0, 0]);
    // 3x and 4x continue one branch; 4y forks off 3 and needs a lane of its own; 5z's parent is unknown.
    expect(lane(hashOf(3, 'x')).lane).toBe(1);
    expect(lane(hashOf(4, 'x')).lane).toBe(1);
    expect(lane(hashOf(4, 'y')).lane).toBe(2);
    expect(lane(hashOf(5, 'z')).orphan).toBe(true);
    expect(
      layout.edges.map((e) => `${e.from.block.hash.split('-')[0]}>${e.to.block.hash.split('-')[0]}`).sort(),
    ).toEqual(['m1>m2', 'm2>m3', 'm2>x3', 'm3>m4', 'm3>y4', 'm4>m5', 'x3>x4'].sort());
    const vertical = layoutForkTree(blocks, { ...FORK_GEOMETRY, vertical: true });
    const top = vertical.blocks.find((b) => b.block.hash === hashOf(5))!;
    const bottom = vertical.blocks.find((b) => b.block.hash === hashOf(1))!;
    expect(top.y).toBeLessThan(bottom.y);
  });

  it('marks the latest reorg: the blocks it discarded, the ones that won, where the branches part', () => {
    const wrapper = mountView({
      components: { ForkTreeGraph },
      setup: () => ({ tree: makeTree() }),
      template: '<ForkTreeGraph :tree="tree" />',
    });
    const kinds = Object.fromEntries(
      wrapper
        .findAll('[data-testid=fork-block]')
        .map((g) => [g.attributes('data-hash')!.split('-')[0], g.attributes('data-kind')]),
    );
    expect(kinds).toEqual({
      m5: 'main',
      m6: 'main',
      m7: 'won',
      m8: 'won',
      m9: 'won',
      m10: 'main',
      x7: 'replaced',
      x8: 'replaced',
    });
    expect(wrapper.get(`[data-hash="${hashOf(6)}"]`).text()).toContain('fork point');
    expect(wrapper.get(`[data-hash="${hashOf(7, 'x')}"]`).text()).toContain('Ben');
    expect(wrapper.get('[data-testid=fork-tree]').attributes('aria-label')).toBe(
      'Fork tree: 8 blocks, 2 stale blocks kept',
    );
  });

  it('tells the reorg as the longest valid chain winning, with what went back to the pool', () => {
    const wrapper = mountView({
      components: { ReorgPanel },
      setup: () => ({
        reorgs: [makeReorg(), makeReorg({ forkIndex: 0, oldLength: 1, newLength: 4, winnerName: 'Ben' })],
      }),
      template: '<ReorgPanel :reorgs="reorgs" />',
    });
    expect(wrapper.get('[data-testid=reorg-verdict]').text()).toBe(
      'The chain from Ben, 9 blocks long, replaced ours of 8: the two branches share everything up to block #6.',
    );
    expect(wrapper.get('[data-testid=reorg-old]').text()).toBe('8');
    expect(wrapper.get('[data-testid=reorg-new]').text()).toBe('9');
    expect(wrapper.text()).toContain('2 blocks of ours discarded');
    expect(wrapper.get('[data-testid=reorg-restored]').text()).toMatch(/alice\s*→\s*to\s*merchant\s*10/);
    expect(wrapper.text()).toContain('1 → 4 blocks, from another genesis block');
  });

  it('draws the forks screen from the node and follows its hints', async () => {
    const wrapper = mountView(ForksView);
    await flushPromises();
    expect(wrapper.findAll('[data-testid=fork-block]')).toHaveLength(8);
    expect(wrapper.findAll('[data-testid=flight]')).toHaveLength(1);
    wrapper.unmount();
    // Gone from the screen: the node's hints fetch nothing more.
    const before = client.forkTree.mock.calls.length;
    client.emit('lab', { what: 'forks' });
    await new Promise((done) => setTimeout(done, 600));
    expect(client.forkTree.mock.calls.length).toBe(before);
  });
});

describe('blocks in flight', () => {
  it('orders the nodes as the relay tree, each timed from the origin', () => {
    const rows = flightRows(makeFlight());
    expect(rows.map((r) => [r.name, r.depth, r.atMs, r.via])).toEqual([
      ['Ana', 0, 0, 'origin'],
      ['Ben', 1, 40, 'push'],
      ['Chen', 2, 65, 'push'],
      ['Dan', 3, null, 'sync'],
    ]);
  });

  it('keeps hops whose sender was never reported, one level down', () => {
    const flight = makeFlight();
    flight.hops.push({
      from: idFor('Zed'),
      fromName: 'Zed',
      to: idFor('Yan'),
      toName: 'Yan',
      atMs: 90,
      via: 'push',
    });
    const rows = flightRows(flight);
    expect(rows.at(-1)).toMatchObject({ name: 'Yan', depth: 1, fromName: 'Zed', fromMs: null });
  });

  it('says how far and how fast the block went', () => {
    const wrapper = mountView({
      components: { FlightTimeline },
      setup: () => ({ flight: makeFlight() }),
      template: '<FlightTimeline :flight="flight" />',
    });
    expect(wrapper.text()).toContain('#10');
    expect(wrapper.text()).toContain('mined by Ana');
    expect(wrapper.text()).toContain('reached 3 nodes; the last after 65 ms');
    const rows = wrapper.findAll('[data-testid=flight-row]');
    expect(rows.map((r) => r.attributes('data-via'))).toEqual(['origin', 'push', 'push', 'sync']);
    expect(rows[2]!.text()).toContain('+65 ms');
    expect(rows[3]!.text()).toContain('by sync');
  });
});

describe('Tamper lab', () => {
  function withBlocks(): void {
    client.block.mockImplementation(async ({ index }: { index: number }) =>
      ok({
        ...makeBlock(index),
        transactions: [makeTx('0', 'a'.repeat(32), '1'), makeTx('alice', 'bob', '5')],
        json: '{}',
      }),
    );
  }

  it('edits a copy of the latest block, shows what breaks and says our chain is untouched', async () => {
    withBlocks();
    useNodeStore().status = makeStatus({ height: 4 });
    client.tamperPreview.mockImplementation(async () => ok(makeReport()));
    const wrapper = mountView(TamperView);
    await flushPromises();
    expect(wrapper.get('[data-testid=tamper-untouched]').text()).toContain('never touched');
    expect(client.block).toHaveBeenCalledWith({ index: 4 });
    // The payment is picked rather than the reward, its amount offered for editing.
    expect((wrapper.get('[data-testid=tamper-tx]').element as HTMLSelectElement).value).toBe('1');
    expect((wrapper.get('[data-testid=tamper-value]').element as HTMLInputElement).value).toBe('5');
    await wrapper.get('[data-testid=tamper-index]').setValue('2');
    await wrapper.get('[data-testid=tamper-index]').trigger('change');
    await flushPromises();
    expect(client.block).toHaveBeenLastCalledWith({ index: 2 });
    await wrapper.get('[data-testid=tamper-value]').setValue('500');
    await wrapper.get('[data-testid=tamper-remine]').setValue(true);
    await wrapper.get('[data-testid=tamper-form]').trigger('submit');
    await flushPromises();
    expect(client.tamperPreview).toHaveBeenCalledWith({
      index: 2,
      kind: 'transaction',
      transaction: 1,
      field: 'amount',
      value: '500',
      remine: true,
    });
    const standing = wrapper.findAll('[data-testid=tamper-block]').map((b) => b.attributes('data-standing'));
    expect(standing).toEqual(['edited', 'broken', 'after']);
    expect(wrapper.get('[data-testid=tamper-broken]').text()).toBe(
      'Block 3 breaks the rules: block 3: previous_hash does not match the hash of block 2',
    );
    expect(wrapper.findAll('[data-testid=tamper-link]')[1]!.text()).toContain('broken');
  });

  it('shows a refused edit beside the value, and each peer’s verdict after sending', async () => {
    withBlocks();
    useNodeStore().status = makeStatus({ height: 4 });
    client.tamperPreview.mockImplementation(async () => ({
      ok: false,
      error: {
        code: 'invalid-request',
        message: 'A proof is a whole number of 1 to 40 digits.',
        detail: message('lab-edit-proof'),
        field: 'value',
      },
    }));
    client.tamperSend.mockImplementation(async () =>
      ok({
        report: makeReport(),
        verdicts: [
          {
            peer: '192.168.1.66:5000',
            name: 'Ben',
            verdict: 'rejected',
            block: 3,
            reason: message('block-link', { block: 3, previous: 2 }),
            ms: 4,
          },
          { peer: '192.168.1.9:5000', name: null, verdict: 'tutorial', block: null, reason: null, ms: null },
        ],
      }),
    );
    const wrapper = mountView(TamperView, 'zh-CN');
    await flushPromises();
    await wrapper.get('[data-testid=tamper-kind-proof]').setValue(true);
    expect((wrapper.get('[data-testid=tamper-value]').element as HTMLInputElement).value).toBe('400');
    await wrapper.get('[data-testid=tamper-value]').setValue('12x');
    await wrapper.get('[data-testid=tamper-form]').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid=tamper-error]').text()).not.toBe('');
    await wrapper.get('[data-testid=tamper-send]').trigger('click');
    await flushPromises();
    const verdicts = wrapper.findAll('[data-testid=tamper-verdict]');
    expect(verdicts).toHaveLength(2);
    expect(verdicts[0]!.get('[data-testid=verdict]').text()).toBe('拒绝');
    expect(verdicts[0]!.get('[data-testid=verdict-block]').text()).toBe('#3');
    expect(verdicts[0]!.text()).toContain('Ben');
    expect(verdicts[1]!.get('[data-testid=verdict]').text()).toBe('教程节点（无法询问）');
  });

  it('asks for a mined block first when there is only the genesis block', async () => {
    useNodeStore().status = makeStatus({ height: 1 });
    const wrapper = mountView(TamperView);
    await flushPromises();
    expect(wrapper.text()).toContain('Mine a block first');
    expect(client.block).not.toHaveBeenCalled();
  });
});

describe('Attack lab', () => {
  it('is marked as a lesson, switches private mining, and says when releasing wins', async () => {
    const node = useNodeStore();
    node.status = makeStatus({ height: 9 });
    client.setPrivateMining.mockImplementation(async ({ on }: { on: boolean }) =>
      ok({ privateMining: on, withheld: 0, publicHeight: on ? 9 : null, pace: null, nextBlockAt: null }),
    );
    const wrapper = mountView(AttackView);
    await flushPromises();
    expect(wrapper.get('[data-testid=lesson-banner]').text()).toContain('Lesson');
    expect(wrapper.get('[data-testid=attack-release]').attributes('disabled')).toBeDefined();
    await wrapper.get('[data-testid=private-switch] button').trigger('click');
    await flushPromises();
    expect(client.setPrivateMining).toHaveBeenCalledWith({ on: true });
    expect(wrapper.get('[data-testid=attack-lead]').text()).toContain('The public chain is 0 blocks ahead');
    // Three blocks mined in secret while the others found one.
    node.status = makeStatus({
      height: 12,
      lab: { privateMining: true, withheld: 3, publicHeight: 10, pace: null, nextBlockAt: null },
    });
    await flushPromises();
    expect(wrapper.get('[data-testid=attack-withheld]').text()).toBe('3');
    expect(wrapper.get('[data-testid=attack-public]').text()).toBe('10');
    expect(wrapper.get('[data-testid=attack-lead]').text()).toContain('2 blocks ahead of the public one');
    expect(wrapper.get('[data-testid=attack-release]').text()).toBe('Release 3 blocks');
    await wrapper.get('[data-testid=attack-release]').trigger('click');
    await flushPromises();
    expect(client.setPrivateMining).toHaveBeenLastCalledWith({ on: false });
  });

  it('shows each node’s share of the hash power, and the guided lessons in Chinese', async () => {
    useNodeStore().status = makeStatus();
    client.networkView.mockImplementation(async () =>
      ok(
        makeView([
          makeNode('Ben', { hashRate: 750_000 }),
          makeNode('Gus', { status: 'offline', hashRate: 900_000 }),
        ]),
      ),
    );
    const wrapper = mountView(AttackView, 'zh-CN');
    await flushPromises();
    const shares = wrapper.findAll('[data-testid=hash-share]');
    expect(shares.map((s) => s.attributes('data-node'))).toEqual(['Ben', 'Ana']);
    expect(shares[0]!.text()).toContain('75 %');
    expect(shares[0]!.text()).toContain('过半');
    expect(shares[1]!.text()).toContain('25 %');
    expect(wrapper.findAll('[data-testid=script-steps] li')).toHaveLength(6);
    expect(wrapper.get('[data-testid=script-steps]').text()).toContain('私下挖矿');
    await wrapper.get('[data-testid=script-double]').trigger('click');
    expect(wrapper.findAll('[data-testid=script-steps] li')).toHaveLength(5);
    expect(wrapper.text()).toContain('教程不检查余额');
  });
});
