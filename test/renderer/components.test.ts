// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { Pinia } from 'pinia';
import { createMemoryHistory } from 'vue-router';
import { message } from '@shared/messages';
import { NAME_MAX } from '@shared/settings';
import { AMOUNT_MAX, PARTY_MAX } from '@shared/transaction';
import { setDashboardClient } from '@renderer/api';
import { createAppI18n } from '@renderer/i18n';
import { createAppRouter } from '@renderer/router';
import App from '@renderer/App.vue';
import OverviewView from '@renderer/views/OverviewView.vue';
import TransactionsView from '@renderer/views/TransactionsView.vue';
import ChainView from '@renderer/views/ChainView.vue';
import PeersView from '@renderer/views/PeersView.vue';
import SettingsView from '@renderer/views/SettingsView.vue';
import SparkLine from '@renderer/components/SparkLine.vue';
import NotificationsHost from '@renderer/components/NotificationsHost.vue';
import StatusStrip from '@renderer/components/StatusStrip.vue';
import NetAddress from '@renderer/components/NetAddress.vue';
import TransactionTable from '@renderer/components/TransactionTable.vue';
import { useNodeStore } from '@renderer/stores/node';
import { usePeersStore } from '@renderer/stores/peers';
import { useSettingsStore } from '@renderer/stores/settings';
import { useNotificationsStore } from '@renderer/stores/notifications';
import { usePreferencesStore } from '@renderer/stores/preferences';
import { CHAIN_PAGE_SIZE } from '@renderer/stores/chain';
import { createFakeClient, makeBlock, makeMining, makePeer, makeStatus, makeTx, ok } from './fake-client';
import type { FakeClient } from './fake-client';

let client: FakeClient;
let pinia: Pinia;

beforeEach(() => {
  pinia = createPinia();
  setActivePinia(pinia);
  client = createFakeClient();
  setDashboardClient(client);
  localStorage.clear();
});

function mountView(component: object, locale: 'en' | 'zh-CN' = 'en') {
  return mount(component, {
    global: { plugins: [pinia, createAppI18n(locale)], stubs: { RouterLink: true } },
  });
}

describe('Overview', () => {
  it('shows who we are, where to join, and the key numbers', async () => {
    const node = useNodeStore();
    node.start();
    await flushPromises();
    const wrapper = mountView(OverviewView);
    expect(wrapper.get('[data-testid=node-name]').text()).toBe('Test node');
    expect(wrapper.get('[data-testid=node-id]').text()).toBe('a'.repeat(32));
    expect(wrapper.get('[data-testid=addresses]').text()).toContain('http://192.168.1.5:5000');
    expect(wrapper.get('[data-testid=height]').text()).toBe('3');
    expect(wrapper.text()).not.toContain('cannot join');
  });

  it('turns Mine into Stop while mining and shows the live rate', async () => {
    const node = useNodeStore();
    node.start();
    await flushPromises();
    const wrapper = mountView(OverviewView);
    const button = wrapper.get('[data-testid=mine-button]');
    expect(button.text()).toContain('Mine a block');
    const progress = { tried: 123_456, hashRate: 250_000, elapsedMs: 2000, expectedMs: 262_000, workers: 3 };
    client.emit(
      'mining',
      makeMining({ active: true, targetIndex: 4, progress, hashRate: 250_000, workers: 3 }),
    );
    await flushPromises();
    expect(button.text()).toContain('Stop mining');
    expect(wrapper.get('[data-testid=hash-rate]').text()).toBe('250 kH/s');
    expect(wrapper.text()).toContain('Mining block #4');
    await button.trigger('click');
    expect(client.stopMining).toHaveBeenCalled();
  });

  it('keeps Stop, the rate and the blocks per minute between blocks under auto-mine', async () => {
    const node = useNodeStore();
    node.start();
    await flushPromises();
    const wrapper = mountView(OverviewView);
    const strip = mountView(StatusStrip);
    // Between two blocks no search runs, but auto-mine is on: the node reports it as mining.
    client.emit('mining', makeMining({ active: true, auto: true, hashRate: 1_500_000, blocksPerMinute: 7 }));
    await flushPromises();
    expect(wrapper.get('[data-testid=mine-button]').text()).toContain('Stop mining');
    expect(wrapper.get('[data-testid=hash-rate]').text()).toBe('1.5 MH/s');
    expect(wrapper.get('[data-testid=blocks-per-minute]').text()).toBe('7');
    expect(strip.get('[data-testid=strip-mining]').text()).toBe('Auto 1.5 MH/s 7 blocks/min');
    expect(node.samples.at(-1)?.rate).toBe(1_500_000);
    client.emit('mining', makeMining());
    await flushPromises();
    expect(strip.get('[data-testid=strip-mining]').text()).toBe('Idle');
    expect(wrapper.get('[data-testid=mine-button]').text()).toContain('Mine a block');
  });

  it('names the button the hint names, in both languages', async () => {
    useNodeStore().start();
    await flushPromises();
    for (const [locale, button] of [
      ['en', 'Mine a block'],
      ['zh-CN', '挖一个区块'],
    ] as const) {
      const wrapper = mountView(OverviewView, locale);
      expect(wrapper.get('[data-testid=mine-button]').text()).toBe(button);
      expect(wrapper.get('.chart-empty').text()).toContain(`“${button}”`);
    }
  });

  it('shows what the node repaired in its files, in the viewer’s language', async () => {
    client.status.mockResolvedValue(
      ok(makeStatus({ storageNotices: [message('storage-torn-tail', { file: 'chain.log' })] })),
    );
    useNodeStore().start();
    await flushPromises();
    const wrapper = mountView(OverviewView, 'zh-CN');
    expect(wrapper.get('[data-testid=storage-notices]').text()).toContain(
      'chain.log 的最后一条记录只写了一部分（应用可能在保存时被关闭了），已将其丢弃',
    );
  });

  it('warns that tutorial nodes cannot join when the difficulty is not 4', async () => {
    client.status.mockResolvedValue(ok(makeStatus({ difficulty: 3, tutorialCompatible: false })));
    useNodeStore().start();
    await flushPromises();
    const wrapper = mountView(OverviewView);
    expect(wrapper.text()).toContain('Difficulty 3 ≠ 4');
  });

  it('says when the asked port was taken and which one the node uses', async () => {
    useSettingsStore().start();
    useNodeStore().start();
    await flushPromises();
    const wrapper = mountView(OverviewView);
    expect(wrapper.find('[data-testid=port-moved]').exists()).toBe(false);
    client.status.mockResolvedValue(ok(makeStatus({ port: 5001, portAsked: 5000 })));
    client.emit('status', makeStatus({ port: 5001, portAsked: 5000 }));
    await flushPromises();
    expect(wrapper.get('[data-testid=port-moved]').text()).toBe(
      'Port 5000 was taken, so this node listens on port 5001.',
    );
  });

  it('saves the auto-mine switch at once', async () => {
    useSettingsStore().start();
    useNodeStore().start();
    await flushPromises();
    const wrapper = mountView(OverviewView);
    await wrapper.get('button[role=switch]').trigger('click');
    expect(client.updateSettings).toHaveBeenCalledWith({ autoMine: true });
  });
});

describe('Status strip', () => {
  it('never puts a label that says mining over a value that says idle', async () => {
    useNodeStore().start();
    await flushPromises();
    const strip = mountView(StatusStrip, 'zh-CN');
    const cell = () => strip.get('[data-testid=strip-mining]').element.parentElement!;
    expect(cell().querySelector('dt')!.textContent).toBe('挖矿状态');
    expect(cell().querySelector('dd')!.textContent!.trim()).toBe('空闲');
    client.emit('mining', makeMining({ active: true, auto: true, targetIndex: 4 }));
    await flushPromises();
    // Auto-mine just started, no rate yet: it says it searches, not that it is idle.
    expect(strip.get('[data-testid=strip-mining]').text()).toBe('自动 正在搜索…');
    client.emit('mining', makeMining({ active: true, auto: true, hashRate: 2_000_000, blocksPerMinute: 3 }));
    await flushPromises();
    expect(strip.get('[data-testid=strip-mining]').text()).toBe('自动 2 MH/s 每分钟 3 个区块');
  });
});

describe('Transactions', () => {
  it('shows errors beside the field and marks it invalid', async () => {
    const wrapper = mountView(TransactionsView);
    await flushPromises();
    await wrapper.get('[data-testid=tx-sender]').setValue('alice');
    await wrapper.get('[data-testid=tx-recipient]').setValue('bob');
    await wrapper.get('[data-testid=tx-amount]').setValue('-3');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid=tx-amount-error]').text()).toBe(
      'amount must be a positive number such as 5 or 2.5, got -3',
    );
    expect(wrapper.get('[data-testid=tx-amount]').attributes('aria-invalid')).toBe('true');
    expect(wrapper.get('[data-testid=tx-amount]').attributes('aria-describedby')).toBe('tx-amount-error');
    expect(client.submitTransaction).not.toHaveBeenCalled();
  });

  it('gives "0x10" and full-width digits their own reason, in Chinese, and bounds the fields', async () => {
    const wrapper = mountView(TransactionsView, 'zh-CN');
    await flushPromises();
    expect(wrapper.get('[data-testid=tx-sender]').attributes('maxlength')).toBe(String(PARTY_MAX));
    expect(wrapper.get('[data-testid=tx-amount]').attributes('maxlength')).toBe(String(AMOUNT_MAX));
    await wrapper.get('[data-testid=tx-sender]').setValue('alice');
    await wrapper.get('[data-testid=tx-recipient]').setValue('bob');
    await wrapper.get('[data-testid=tx-amount]').setValue('0x10');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.get('[data-testid=tx-amount-error]').text()).toBe(
      '金额“0x10”不是数字：请输入数字，例如 5 或 2.5',
    );
    await wrapper.get('[data-testid=tx-amount]').setValue('１０');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.get('[data-testid=tx-amount-error]').text()).toBe(
      '金额“１０”使用了全角数字：请用半角数字 0–9 输入',
    );
    await wrapper.get('[data-testid=tx-sender]').setValue('');
    await wrapper.get('form').trigger('submit');
    expect(wrapper.get('[data-testid=tx-sender-error]').text()).toBe('发送方不能为空');
    expect(client.submitTransaction).not.toHaveBeenCalled();
  });

  it('shows the node’s refusal beside its field in the viewer’s language', async () => {
    client.submitTransaction.mockResolvedValueOnce({
      ok: false,
      error: {
        code: 'invalid-transaction',
        message: 'recipient must be a non-empty string, got a float',
        detail: message('tx-field-not-string', { field: 'recipient', got: 'a float' }),
        field: 'recipient',
      },
    });
    const wrapper = mountView(TransactionsView, 'zh-CN');
    await flushPromises();
    await wrapper.get('[data-testid=tx-sender]').setValue('alice');
    await wrapper.get('[data-testid=tx-recipient]').setValue('bob');
    await wrapper.get('[data-testid=tx-amount]').setValue('5');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid=tx-recipient-error]').text()).toBe(
      '接收方必须是非空字符串，收到的是浮点数',
    );
  });

  it('lists the pending pool and marks balances as not enforced', async () => {
    client.pending.mockResolvedValue(ok([makeTx('alice', 'bob', '5')]));
    const wrapper = mountView(TransactionsView);
    await flushPromises();
    expect(wrapper.get('[data-testid=pending-table]').text()).toContain('alice');
    expect(wrapper.get('[data-testid=pool-count]').text()).toBe('1');
    expect(wrapper.text()).toContain('not enforced');
  });

  it('shows the balances main added up, exact and as found, with what was left out', async () => {
    client.balances.mockResolvedValue(
      ok({
        height: 10_000,
        rows: [
          { address: 'miner', name: 'Ana’s laptop', received: '9999', sent: '0', balance: '9999' },
          {
            address: 'bob',
            name: null,
            received: '12345678901234567890',
            sent: '1.5',
            balance: '1.2345678901234567e+19',
          },
          { address: 'alice', name: null, received: '0', sent: '3', balance: '-3' },
        ],
        skipped: 2,
      }),
    );
    const wrapper = mountView(TransactionsView);
    await flushPromises();
    expect(client.balances).toHaveBeenCalledOnce();
    expect(client.block).not.toHaveBeenCalled();
    const rows = wrapper.findAll('[data-testid=balances-table] tbody tr');
    // The name the node sent leads, then the address (AddressText, as in the transaction tables).
    expect(rows.map((row) => row.findAll('td').map((cell) => cell.text()))).toEqual([
      ['Ana’s laptop miner', '9999', '0', '9999'],
      ['bob', '12345678901234567890', '1.5', '1.2345678901234567e+19'],
      ['alice', '0', '3', '-3'],
    ]);
    expect(rows[0]!.get('[data-testid=balance-name]').text()).toBe('Ana’s laptop');
    expect(rows[1]!.find('[data-testid=balance-name]').exists()).toBe(false);
    expect(rows[2]!.get('.balance').classes()).toContain('negative');
    expect(rows[0]!.get('.balance').classes()).not.toContain('negative');
    const foot = wrapper.get('[data-testid=balances-foot]').text();
    expect(foot).toContain('10,000 blocks');
    expect(foot).toContain('Left out: 2 transactions');
    expect(wrapper.text()).toContain('not enforced');
  });

  it('speaks Chinese', async () => {
    const wrapper = mountView(TransactionsView, 'zh-CN');
    await flushPromises();
    expect(wrapper.text()).toContain('待处理交易池');
  });
});

describe('Chain', () => {
  it('renders one page of linked cards and the detail of a block', async () => {
    const blocks = Array.from({ length: CHAIN_PAGE_SIZE }, (_, i) => makeBlock(10_000 - i));
    client.chainPage.mockResolvedValue(ok({ total: 10_000, blocks }));
    client.block.mockResolvedValue(
      ok({ ...makeBlock(10_000), transactions: [makeTx('0', 'me', '1')], json: '{"index": 10000}' }),
    );
    const wrapper = mountView(ChainView);
    await flushPromises();
    expect(wrapper.findAll('.block-card')).toHaveLength(CHAIN_PAGE_SIZE);
    expect(wrapper.get('[data-testid=link-9999]').classes()).not.toContain('broken');
    expect(wrapper.text()).toContain(`Page 1 of ${Math.ceil(10_000 / CHAIN_PAGE_SIZE)}`);
    await wrapper.get('[data-testid=block-10000]').trigger('click');
    await flushPromises();
    expect(wrapper.get('[data-testid=block-detail]').text()).toContain('mining reward');
  });

  it('says how to search when nothing matches', async () => {
    const wrapper = mountView(ChainView);
    await flushPromises();
    await wrapper.get('[data-testid=chain-search]').setValue('zzz');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.text()).toContain('No block matches “zzz”');
  });
});

describe('Peers', () => {
  it('warns when main found the added peer silent, without pinging every peer again', async () => {
    const peer = makePeer('10.0.0.9:5000', {
      status: 'offline',
      lastError: message('peer-refused', { peer: '10.0.0.9:5000' }),
    });
    client.addPeers.mockResolvedValue(
      ok({
        peers: [peer],
        added: [peer.address],
        known: [],
        rejected: [],
        reachable: { [peer.address]: false },
      }),
    );
    const wrapper = mountView(PeersView);
    await flushPromises();
    const pingsOnOpen = client.refreshPeers.mock.calls.length;
    await wrapper.get('[data-testid=peer-address]').setValue('10.0.0.9:5000');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.refreshPeers).toHaveBeenCalledTimes(pingsOnOpen);
    const row = wrapper.get('[data-testid="peer-10.0.0.9:5000"]');
    expect(row.get('[data-testid=peer-status]').text()).toBe('offline');
    expect(row.get('[data-testid=peer-status]').attributes('title')).toBe(
      'nothing is listening at 10.0.0.9:5000 (is the node running?)',
    );
    expect(useNotificationsStore().items.at(-1)).toMatchObject({
      kind: 'warning',
      key: 'peers.addedOffline',
      params: { address: '10.0.0.9:5000' },
    });
  });

  it('shows the node’s reason for a refused address, never a generic hint, and keeps the text', async () => {
    client.addPeers.mockResolvedValue({
      ok: false,
      error: {
        code: 'invalid-address',
        message: 'No valid address: “127.0.0.1:5000” (that is this node itself)',
        detail: message('register-none-valid', { input: '127.0.0.1:5000', reason: message('address-self') }),
      },
    });
    const wrapper = mountView(PeersView, 'zh-CN');
    await flushPromises();
    const input = wrapper.get('[data-testid=peer-address]');
    await input.setValue('127.0.0.1:5000');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid=peer-address-error]').text()).toBe('这就是本节点自己');
    expect((input.element as HTMLInputElement).value).toBe('127.0.0.1:5000');
    await input.setValue('https://10.0.0.2:5000 10.0.0.3');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(wrapper.findAll('[data-testid=peer-address-error] .refusal').map((line) => line.text())).toEqual([
      '“https://10.0.0.2:5000”：只支持 http:// 地址，不支持 https://',
      '“10.0.0.3”：请加上端口，例如 10.0.0.3:5000',
    ]);
    expect(client.addPeers).toHaveBeenCalledTimes(1);
  });

  it('keeps the line breaks of a pasted list as separators', async () => {
    const wrapper = mountView(PeersView);
    await flushPromises();
    const input = wrapper.get('[data-testid=peer-address]');
    const paste = new Event('paste', { bubbles: true, cancelable: true }) as ClipboardEvent;
    Object.defineProperty(paste, 'clipboardData', {
      value: { getData: () => '10.0.0.2:5000\r\n10.0.0.3:5000\n' },
    });
    input.element.dispatchEvent(paste);
    await flushPromises();
    expect((input.element as HTMLInputElement).value).toBe('10.0.0.2:5000, 10.0.0.3:5000');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.addPeers).toHaveBeenCalledWith({ addresses: ['10.0.0.2:5000', '10.0.0.3:5000'] });
  });

  it('lists each peer with its name, how it was found, and why it cannot share our network', async () => {
    client.peers.mockResolvedValue(
      ok([
        makePeer('10.0.0.2:5000', {
          status: 'online',
          kind: 'blockparty',
          name: 'Ana’s laptop',
          source: 'discovered',
          profile: 'dvf',
          difficulty: 4,
          incompatible: message('peer-other-profile', { profile: 'dvf', ours: 'article' }),
        }),
        makePeer('10.0.0.3:5000'),
      ]),
    );
    client.refreshPeers.mockImplementation(client.peers);
    usePeersStore().start();
    const wrapper = mountView(PeersView, 'zh-CN');
    await flushPromises();
    const ana = wrapper.get('[data-testid="peer-10.0.0.2:5000"]');
    expect(ana.get('[data-testid=peer-name]').text()).toBe('Ana’s laptop');
    expect(ana.get('[data-testid=peer-source]').text()).toBe('局域网发现');
    expect(ana.get('[data-testid=peer-status]').text()).toBe('在线');
    expect(ana.get('[data-testid=peer-incompatible]').text()).toContain(
      '它使用 dvf 规则配置，本节点使用 article 规则配置',
    );
    const other = wrapper.get('[data-testid="peer-10.0.0.3:5000"]');
    expect(other.get('[data-testid=peer-status]').text()).toBe('未检查');
    expect(other.find('[data-testid=peer-incompatible]').exists()).toBe(false);
  });

  it('shows the resolve report: replaced, why, what came back', async () => {
    client.peers.mockResolvedValue(
      ok([
        makePeer('10.0.0.2:5000', {
          status: 'online',
          latencyMs: 5,
          height: 9,
          kind: 'tutorial',
          lastSeen: Date.now(),
        }),
      ]),
    );
    client.refreshPeers.mockImplementation(client.peers);
    client.resolve.mockResolvedValue(
      ok({
        replaced: true,
        winner: '10.0.0.2:5000',
        winnerName: null,
        ourLengthBefore: 3,
        ourLengthAfter: 9,
        replacedFrom: 2,
        otherGenesis: false,
        discarded: [makeBlock(2), makeBlock(3)],
        restored: [makeTx('carol', 'dave', '2')],
        dropped: [],
        peers: [{ peer: '10.0.0.2:5000', name: null, outcome: 'adopted', blocks: 9, reason: null, ms: 12 }],
      }),
    );
    usePeersStore().start();
    const wrapper = mountView(PeersView);
    await flushPromises();
    expect(wrapper.get('[data-testid=peers-table]').text()).toContain('tutorial node');
    await wrapper.get('[data-testid=resolve]').trigger('click');
    await flushPromises();
    const report = wrapper.get('[data-testid=resolve-report]');
    expect(report.text()).toContain('Our chain was replaced');
    expect(report.text()).toContain('has 9 blocks, more than our 3');
    expect(report.find('[data-testid=other-genesis]').exists()).toBe(false);
    expect(report.get('[data-testid=discarded-blocks]').text()).toContain('#3');
    expect(report.get('[data-testid=restored-transactions]').text()).toContain('carol');
  });

  it('names consensus in Chinese and tells each peer’s outcome by the node’s reason', async () => {
    client.peers.mockResolvedValue(
      ok([makePeer('10.0.0.2:5000'), makePeer('10.0.0.3:5000'), makePeer('10.0.0.4:5000')]),
    );
    client.refreshPeers.mockImplementation(client.peers);
    client.resolve.mockResolvedValue(
      ok({
        replaced: true,
        winner: '10.0.0.2:5000',
        winnerName: 'Ana',
        ourLengthBefore: 1,
        ourLengthAfter: 6,
        replacedFrom: 1,
        otherGenesis: true,
        discarded: [makeBlock(1)],
        restored: [],
        dropped: [],
        peers: [
          { peer: '10.0.0.2:5000', name: 'Ana', outcome: 'adopted', blocks: 6, reason: null, ms: 12 },
          {
            peer: '10.0.0.3:5000',
            name: 'Bo',
            outcome: 'not-longer',
            blocks: 4,
            reason: message('peer-longer-elsewhere', { winner: 'Ana' }),
            ms: 9,
          },
          {
            peer: '10.0.0.4:5000',
            name: null,
            outcome: 'not-longer',
            blocks: 1,
            reason: message('peer-not-longer', { blocks: 1, ours: 1 }),
            ms: 7,
          },
        ],
      }),
    );
    usePeersStore().start();
    const wrapper = mountView(PeersView, 'zh-CN');
    await flushPromises();
    expect(wrapper.get('[data-testid=resolve]').text()).toContain('共识');
    await wrapper.get('[data-testid=resolve]').trigger('click');
    await flushPromises();
    const report = wrapper.get('[data-testid=resolve-report]');
    expect(report.text()).toContain('共识');
    expect(report.text()).toContain('Ana (10.0.0.2:5000) 的链有 6 个区块');
    expect(report.get('[data-testid=other-genesis]').text()).toContain('创世区块');
    const rows = report.findAll('[data-testid=peer-outcomes] tr').map((row) => row.text());
    expect(rows[1]).toContain('更长，但不是最长');
    expect(rows[1]).toContain('有效，但 Ana 的链更长');
    expect(rows[1]).not.toContain('不比我们长');
    expect(rows[2]).toContain('不比我们长');
    expect(rows[2]).toContain('不比我们的链长：它有 1 个区块，我们有 1 个区块');
  });
});

describe('Settings', () => {
  it('warns about tutorial compatibility as soon as the difficulty changes', async () => {
    useSettingsStore().start();
    useNodeStore().start();
    await flushPromises();
    const wrapper = mountView(SettingsView);
    await flushPromises();
    expect(wrapper.find('[data-testid=difficulty-warning]').exists()).toBe(false);
    await wrapper.get('[data-testid=set-difficulty]').setValue('3');
    expect(wrapper.get('[data-testid=difficulty-warning]').text()).toContain('cannot join');
    await wrapper.get('[data-testid=settings-form]').trigger('submit');
    await flushPromises();
    // Changing the difficulty leaves the network: the form asks first (see settings-confirm tests).
    expect(client.updateSettings).not.toHaveBeenCalled();
    await wrapper.get('[data-testid=confirm]').trigger('click');
    await flushPromises();
    expect(client.updateSettings).toHaveBeenCalledWith({ difficulty: 3 });
  });

  it('refuses an emptied or mistyped port in the form with the reason, and bounds the name', async () => {
    useSettingsStore().start();
    useNodeStore().start();
    await flushPromises();
    const wrapper = mountView(SettingsView, 'zh-CN');
    await flushPromises();
    expect(wrapper.get('[data-testid=set-name]').attributes('maxlength')).toBe(String(NAME_MAX));
    for (const typed of ['', 'abc']) {
      await wrapper.get('[data-testid=set-port]').setValue(typed);
      await wrapper.get('[data-testid=settings-form]').trigger('submit');
      await flushPromises();
      expect(wrapper.get('[data-testid=set-port-error]').text()).toBe(
        '端口必须是 1 到 65535 之间的整数（填 0 则由系统选择）。',
      );
    }
    expect(client.updateSettings).not.toHaveBeenCalled();
    await wrapper.get('[data-testid=set-port]').setValue('5001');
    await wrapper.get('[data-testid=settings-form]').trigger('submit');
    await flushPromises();
    expect(client.updateSettings).toHaveBeenCalledWith({ port: 5001 });
  });
});

describe('pieces', () => {
  it('draws the hash-rate sparkline as one SVG path', () => {
    const now = 1_000_000;
    const wrapper = mount(SparkLine, {
      props: {
        points: [
          { t: now - 2000, rate: 10 },
          { t: now - 1000, rate: 20 },
          { t: now, rate: 15 },
        ],
        windowMs: 60_000,
        now,
        label: 'rate',
      },
    });
    expect(wrapper.get('svg').attributes('aria-label')).toBe('rate');
    expect(wrapper.get('path.line').attributes('d')).toMatch(/^M[\d.]+ [\d.]+ L[\d.]+ [\d.]+ L/);
  });

  it('shows every notification in the current language and lets it be dismissed', async () => {
    const wrapper = mountView(NotificationsHost, 'zh-CN');
    const notifications = useNotificationsStore();
    notifications.error({ code: 'network', message: 'fetch failed' });
    await flushPromises();
    expect(wrapper.get('[role=alert]').text()).toContain('无法连接到节点');
    notifications.dismiss(notifications.items[0]!.id);
    notifications.error({
      code: 'pool-full',
      message: 'The pending pool holds 20000 transactions…',
      detail: message('pool-full', { max: 20000 }),
    });
    await flushPromises();
    expect(wrapper.get('[role=alert]').text()).toContain('待处理交易池已有 20000 笔交易');
    await wrapper.get('button').trigger('click');
    expect(notifications.items).toHaveLength(0);
  });
});

describe('App shell', () => {
  it('follows the chosen theme, language and zoom on the document', async () => {
    const router = createAppRouter(createMemoryHistory());
    await router.push('/overview');
    const wrapper = mount(App, {
      global: { plugins: [pinia, createAppI18n('en'), router] },
      attachTo: document.body,
    });
    await flushPromises();
    const preferences = usePreferencesStore();
    preferences.theme = 'dark';
    preferences.locale = 'zh-CN';
    preferences.zoomIn();
    await flushPromises();
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(document.documentElement.lang).toBe('zh-CN');
    expect(document.documentElement.style.fontSize).toBe('115%');
    expect(wrapper.text()).toContain('概览');
    expect(client.status).toHaveBeenCalled();
    wrapper.unmount();
  });
});

describe('classroom details', () => {
  async function mountApp(path = '/chain') {
    const router = createAppRouter(createMemoryHistory());
    await router.push(path);
    const wrapper = mount(App, {
      global: { plugins: [pinia, createAppI18n('en'), router] },
      attachTo: document.body,
    });
    await flushPromises();
    return wrapper;
  }

  function setWindowSize(width: number, height: number): void {
    Object.defineProperty(window, 'innerWidth', { value: width, configurable: true });
    Object.defineProperty(window, 'innerHeight', { value: height, configurable: true });
    window.dispatchEvent(new Event('resize'));
  }

  it('names the node in the tab title, a long name cut', async () => {
    const wrapper = await mountApp('/chain');
    expect(document.title).toBe('Test node · Chain — Blockparty');
    client.emit('status', makeStatus({ name: 'N'.repeat(4000) }));
    await flushPromises();
    expect(document.title).toBe(`${'N'.repeat(59)}… · Chain — Blockparty`);
    wrapper.unmount();
  });

  it('folds the sidebar by the width in rem, so presenter zoom folds it as browser zoom would', async () => {
    setWindowSize(1280, 720);
    const wrapper = await mountApp();
    const preferences = usePreferencesStore();
    expect(document.documentElement.dataset.layout).toBe('wide');
    // 1280 px at 200 % is 40 rem: narrower than the 47.5 rem (760 px at 100 %) the sidebar needs.
    preferences.zoom = 200;
    await flushPromises();
    expect(document.documentElement.dataset.layout).toBe('narrow');
    expect(document.documentElement.dataset.height).toBe('short');
    preferences.zoom = 150;
    await flushPromises();
    expect(document.documentElement.dataset.layout).toBe('wide');
    setWindowSize(1024, 768);
    await flushPromises();
    expect(document.documentElement.dataset.layout).toBe('narrow');
    wrapper.unmount();
    setWindowSize(1024, 768);
  });

  it('shows notifications in the sidebar, or under the strip when the sidebar folds, never over the page', async () => {
    setWindowSize(1280, 800);
    const wrapper = await mountApp();
    const notifications = useNotificationsStore();
    notifications.error({ code: 'network', message: 'fetch failed' });
    notifications.info('notify.chainKept');
    await flushPromises();
    const toasts = () => wrapper.findAll('[data-testid=notification]');
    expect(toasts().map((toast) => toast.element.closest('aside, .top')?.tagName)).toEqual([
      'ASIDE',
      'ASIDE',
    ]);
    // Newest first: the newest is the one nearest the screens, the last to be pushed out of view.
    expect(toasts()[0]!.text()).toContain('authoritative');
    usePreferencesStore().zoom = 200;
    await flushPromises();
    expect(toasts().map((toast) => toast.element.closest('aside, .top')?.className)).toEqual(['top', 'top']);
    expect(wrapper.find('main [data-testid=notification]').exists()).toBe(false);
    wrapper.unmount();
    setWindowSize(1024, 768);
  });

  it('cuts a 4,000-character sender to two lines with the whole text on hover; names and shortens node ids', async () => {
    useNodeStore().start();
    await flushPromises();
    const long = `mallory-${'x'.repeat(3992)}`;
    const wrapper = mount(TransactionTable, {
      props: { transactions: [makeTx(long, 'a'.repeat(32), '2.5'), makeTx('0', 'b'.repeat(32), '1')] },
      global: { plugins: [pinia, createAppI18n('en')] },
    });
    const [first, second] = wrapper.findAll('tbody tr');
    const sender = first!.findAll('td')[0]!.get('.clamp');
    expect(sender.attributes('title')).toBe(long);
    expect(sender.attributes('style')).toContain('--clamp-lines: 2');
    // Our own id reads as our name, shortened, the whole id on hover and for screen readers.
    const recipient = first!.findAll('td')[1]!;
    expect(recipient.get('.node-name').text()).toBe('Test node');
    expect(recipient.get('[title]').attributes('title')).toBe('a'.repeat(32));
    expect(recipient.get('[aria-hidden=true]').text()).toBe('aaaaaaaa…aaaaaa');
    expect(recipient.get('.sr-only').text()).toBe('a'.repeat(32));
    expect(second!.findAll('td')[1]!.find('.node-name').exists()).toBe(false);
  });

  it('keeps a port whole when an address wraps', () => {
    const wrapper = mount(NetAddress, { props: { address: 'http://192.168.100.200:53100' } });
    expect(wrapper.get('.port').text()).toBe(':53100');
    expect(wrapper.get('.host').text()).toBe('192.168.100.200');
    expect(wrapper.text()).toBe('http://192.168.100.200:53100');
    expect(
      mount(NetAddress, { props: { address: '10.0.0.2:5000' } })
        .get('.port')
        .text(),
    ).toBe(':5000');
  });
});
