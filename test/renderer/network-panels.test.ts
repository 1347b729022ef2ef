// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import type { Pinia } from 'pinia';
import { create as createQr } from 'qrcode';
import type { ActivityEntry } from '@shared/api';
import { message, renderMessage } from '@shared/messages';
import { setDashboardClient } from '@renderer/api';
import { createAppI18n } from '@renderer/i18n';
import DiagnosticsPanel from '@renderer/components/DiagnosticsPanel.vue';
import JoinByCodeForm from '@renderer/components/JoinByCodeForm.vue';
import JoinCodeCard from '@renderer/components/JoinCodeCard.vue';
import JoinConfirmDialog from '@renderer/components/JoinConfirmDialog.vue';
import NearbyPanel from '@renderer/components/NearbyPanel.vue';
import NotificationsHost from '@renderer/components/NotificationsHost.vue';
import QrCode from '@renderer/components/QrCode.vue';
import ReachabilityNotice from '@renderer/components/ReachabilityNotice.vue';
import { useActivityStore } from '@renderer/stores/activity';
import { useNearbyStore } from '@renderer/stores/nearby';
import { useNodeStore } from '@renderer/stores/node';
import { usePeersStore } from '@renderer/stores/peers';
import { useSettingsStore } from '@renderer/stores/settings';
import ActivityView from '@renderer/views/ActivityView.vue';
import OverviewView from '@renderer/views/OverviewView.vue';
import PeersView from '@renderer/views/PeersView.vue';
import SettingsView from '@renderer/views/SettingsView.vue';
import {
  createFakeClient,
  makeDiagnostics,
  makeJoinCode,
  makeNearby,
  makePeer,
  makeSettings,
  makeStatus,
  ok,
} from './fake-client';
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

afterEach(() => {
  vi.useRealTimers();
});

function mountIt(component: object, locale: 'en' | 'zh-CN' = 'en', props: Record<string, unknown> = {}) {
  return mount(component, {
    props,
    attachTo: document.body,
    global: { plugins: [pinia, createAppI18n(locale)], stubs: { RouterLink: true } },
  });
}

/** What the node answers when joining would replace blocks of its own. */
function needsConfirm(blocks: number, transactions: number) {
  const detail = message('join-needs-confirm', { blocks, transactions });
  return {
    ok: false as const,
    error: { code: 'invalid-request' as const, message: renderMessage(detail), detail, field: 'confirm' },
  };
}

const OTHER = '7c2e9a0b41d3f865';

describe('Nearby panel', () => {
  it('lists our network first with us in it, then the others with their nodes and heights', async () => {
    client.nearby.mockResolvedValue(
      ok([
        makeNearby(OTHER, {
          height: 12,
          nodes: [
            { id: 'c'.repeat(32), name: 'Chen', address: '192.168.1.52:5000', height: 12, lastSeen: 0 },
            { id: 'd'.repeat(32), name: 'Dara', address: '192.168.1.53:5000', height: 11, lastSeen: 0 },
          ],
        }),
      ]),
    );
    useNodeStore().start();
    const wrapper = mountIt(NearbyPanel);
    await flushPromises();
    const groups = wrapper.findAll('.network');
    expect(groups).toHaveLength(2);
    // No other node of ours is seen, yet our network comes first, with this node in it.
    expect(groups[0]!.text()).toContain('Your network');
    expect(groups[0]!.text()).toContain('Test node');
    expect(groups[0]!.find('[data-testid=nearby-join]').exists()).toBe(false);
    const other = wrapper.get(`[data-testid=nearby-${OTHER}]`);
    expect(other.findAll('[data-testid=nearby-node]').map((node) => node.text())).toEqual([
      'Chen192.168.1.52:5000Height 12',
      'Dara192.168.1.53:5000Height 11',
    ]);
    expect(other.text()).toContain('Joining replaces this node’s chain');
    expect(other.get('[data-testid=nearby-join]').attributes('aria-label')).toBe(
      'Join the network of Chen, Dara',
    );
  });

  it('says why a network of other rules cannot be joined, in the viewer’s language', async () => {
    client.nearby.mockResolvedValue(
      ok([makeNearby('19fa00c2d7b3e6a1', { profile: 'dvf', difficulty: 5, joinable: false })]),
    );
    useNodeStore().start();
    const wrapper = mountIt(NearbyPanel, 'zh-CN');
    await flushPromises();
    const foreign = wrapper.get('[data-testid=nearby-19fa00c2d7b3e6a1]');
    expect(foreign.find('[data-testid=nearby-join]').exists()).toBe(false);
    expect(foreign.get('[data-testid=nearby-why]').text()).toContain(
      '那个网络使用其他规则（dvf 规则配置，难度 5）：请先修改本节点的规则。',
    );
    expect(foreign.text()).toContain('其他规则');
  });

  it('follows the nearby event without asking again', async () => {
    useNodeStore().start();
    const wrapper = mountIt(NearbyPanel);
    await flushPromises();
    expect(wrapper.get('[data-testid=nearby-empty]').text()).toBe('No other node seen yet.');
    client.emit('nearby', [makeNearby(OTHER)]);
    await flushPromises();
    expect(wrapper.find('[data-testid=nearby-empty]').exists()).toBe(false);
    expect(wrapper.get(`[data-testid=nearby-${OTHER}]`).text()).toContain('Bo’s laptop');
    expect(client.nearby).toHaveBeenCalledTimes(1);
  });

  it('joins a fresh node in one click', async () => {
    client.nearby.mockResolvedValue(ok([makeNearby(OTHER)]));
    useNodeStore().start();
    const wrapper = mountIt(NearbyPanel);
    const toasts = mountIt(NotificationsHost);
    await flushPromises();
    await wrapper.get('[data-testid=nearby-join]').trigger('click');
    await flushPromises();
    expect(client.joinNetwork).toHaveBeenCalledTimes(1);
    expect(client.joinNetwork).toHaveBeenCalledWith({ network: OTHER, confirm: false });
    expect(toasts.text()).toContain('Joined: this node now follows that network’s chain (height 7).');
    expect(useNearbyStore().pending).toBe(null);
  });

  it('asks first, with the node’s own count, when this node has blocks of its own', async () => {
    client.nearby.mockResolvedValue(ok([makeNearby(OTHER)]));
    client.joinNetwork.mockResolvedValueOnce(needsConfirm(3, 2));
    useNodeStore().start();
    const panel = mountIt(NearbyPanel, 'zh-CN');
    const dialog = mountIt(JoinConfirmDialog, 'zh-CN');
    await flushPromises();
    await panel.get('[data-testid=nearby-join]').trigger('click');
    await flushPromises();
    expect(dialog.get('dialog').attributes('open')).toBeDefined();
    expect(dialog.get('[data-testid=join-confirm-text]').text()).toBe(
      '加入会替换本节点的链：本节点自己的 3 个区块和 2 笔交易将让位（这些交易会放回待处理交易池）。请确认后再加入。',
    );
    await dialog.get('[data-testid=confirm]').trigger('click');
    await flushPromises();
    expect(client.joinNetwork.mock.calls).toEqual([
      [{ network: OTHER, confirm: false }],
      [{ network: OTHER, confirm: true }],
    ]);
    expect(dialog.get('dialog').attributes('open')).toBeUndefined();
  });

  it('leaves the chain alone when the person cancels', async () => {
    client.nearby.mockResolvedValue(ok([makeNearby(OTHER)]));
    client.joinNetwork.mockResolvedValueOnce(needsConfirm(1, 0));
    useNodeStore().start();
    const panel = mountIt(NearbyPanel);
    const dialog = mountIt(JoinConfirmDialog);
    await flushPromises();
    await panel.get('[data-testid=nearby-join]').trigger('click');
    await flushPromises();
    expect(dialog.get('[data-testid=join-confirm-text]').text()).toContain('1 block of its own');
    await dialog.findAll('button')[0]!.trigger('click');
    await flushPromises();
    expect(client.joinNetwork).toHaveBeenCalledTimes(1);
    expect(useNearbyStore().pending).toBe(null);
  });
});

describe('join code', () => {
  it('shows this node’s code big, a QR code of the spectator page, and the addresses', async () => {
    useNodeStore().start();
    const wrapper = mountIt(JoinCodeCard);
    await flushPromises();
    expect(wrapper.get('[data-testid=join-code]').text()).toBe('40H-98Y');
    const qr = wrapper.get('[data-testid=qr-code]');
    expect(qr.attributes('aria-label')).toBe(
      'QR code of the spectator page http://192.168.1.5:5000/spectate/',
    );
    expect(wrapper.get('[data-testid=addresses]').text()).toContain('http://192.168.1.5:5000');
  });

  it('draws every dark module of the code and nothing else, inside a quiet zone', () => {
    const url = 'http://192.168.1.5:5000/spectate/';
    const wrapper = mount(QrCode, { props: { text: url, label: 'qr' } });
    const { modules } = createQr(url, { errorCorrectionLevel: 'M' });
    const squares = [
      ...wrapper
        .get('path')
        .attributes('d')!
        .matchAll(/M(\d+) (\d+)h1v1h-1z/g),
    ];
    const dark = new Set<string>();
    for (let row = 0; row < modules.size; row++)
      for (let col = 0; col < modules.size; col++)
        if (modules.get(row, col)) dark.add(`${col + 4},${row + 4}`);
    expect(new Set(squares.map((m) => `${m[1]},${m[2]}`))).toEqual(dark);
    expect(wrapper.get('svg').attributes('viewBox')).toBe(`0 0 ${modules.size + 8} ${modules.size + 8}`);
  });

  it('says why there is no code, in Chinese', async () => {
    client.joinCode.mockResolvedValue(
      ok(
        makeJoinCode({
          code: null,
          address: null,
          spectatorUrl: null,
          reason: message('join-code-loopback'),
        }),
      ),
    );
    useNodeStore().start();
    const wrapper = mountIt(JoinCodeCard, 'zh-CN');
    await flushPromises();
    expect(wrapper.find('[data-testid=join-code]').exists()).toBe(false);
    expect(wrapper.find('[data-testid=qr-code]').exists()).toBe(false);
    expect(wrapper.get('[data-testid=join-code-reason]').text()).toContain('此节点只在本机监听（127.0.0.1）');
  });

  it('reads the code again when the node’s address changes', async () => {
    useNodeStore().start();
    mountIt(JoinCodeCard);
    await flushPromises();
    const before = client.joinCode.mock.calls.length;
    client.emit('status', makeStatus({ addresses: ['http://10.0.4.7:5000'] }));
    await flushPromises();
    expect(client.joinCode.mock.calls.length).toBe(before + 1);
    client.emit('status', makeStatus({ addresses: ['http://10.0.4.7:5000'], height: 9 }));
    await flushPromises();
    expect(client.joinCode.mock.calls.length).toBe(before + 1);
  });

  it('joins with a typed code and shows the node’s reason for a wrong one beside the field', async () => {
    const reason = message('join-code-character', { character: 'U' });
    client.joinByCode.mockResolvedValueOnce({
      ok: false,
      error: { code: 'invalid-request', message: renderMessage(reason), detail: reason, field: 'code' },
    });
    const form = mountIt(JoinByCodeForm, 'zh-CN', { idPrefix: 't' });
    const toasts = mountIt(NotificationsHost, 'zh-CN');
    await form.get('[data-testid=join-code-input]').setValue('40u-98y');
    await form.get('form').trigger('submit');
    await flushPromises();
    expect(client.joinByCode).toHaveBeenCalledWith({ code: '40u-98y', confirm: false });
    expect(form.get('[data-testid=join-code-error]').text()).toBe(
      '“U”不会出现在加入码中：加入码只用数字 0–9 和除 I、L、O、U 以外的字母 A–Z。',
    );
    expect(form.get('[data-testid=join-code-input]').attributes('aria-invalid')).toBe('true');
    expect((form.get('[data-testid=join-code-input]').element as HTMLInputElement).value).toBe('40u-98y');
    await form.get('[data-testid=join-code-input]').setValue('40H-98Y');
    expect(form.find('[data-testid=join-code-error]').exists()).toBe(false);
    await form.get('form').trigger('submit');
    await flushPromises();
    expect(toasts.text()).toContain('已加入 192.168.1.20:5000');
    expect((form.get('[data-testid=join-code-input]').element as HTMLInputElement).value).toBe('');
  });

  it('asks first when joining by code would replace this node’s blocks', async () => {
    client.joinByCode.mockResolvedValueOnce(needsConfirm(2, 1));
    const form = mountIt(JoinByCodeForm, 'en', { idPrefix: 't' });
    const dialog = mountIt(JoinConfirmDialog);
    await form.get('[data-testid=join-code-input]').setValue('40H-98Y');
    await form.get('form').trigger('submit');
    await flushPromises();
    expect(dialog.get('[data-testid=join-confirm-text]').text()).toBe(
      'Joining replaces this node’s chain: 2 blocks of its own and 1 transaction would give way (the transactions go back to the pending pool). Confirm to join.',
    );
    await dialog.get('[data-testid=confirm]').trigger('click');
    await flushPromises();
    expect(client.joinByCode.mock.calls.at(-1)).toEqual([{ code: '40H-98Y', confirm: true }]);
  });
});

describe('no peer found', () => {
  function startAll(): void {
    useNodeStore().start();
    useSettingsStore().start();
    usePeersStore().start();
  }

  it('says what to check, and offers the join code and the address, once nobody answered for a while', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    startAll();
    const wrapper = mountIt(OverviewView, 'en', { noPeerAfterMs: 6000 });
    await flushPromises();
    // Discovery takes a few seconds: no alarm at once.
    expect(wrapper.find('[data-testid=no-peer-help]').exists()).toBe(false);
    expect(wrapper.findAll('[data-testid=join-code-input]')).toHaveLength(1);
    vi.advanceTimersByTime(6000);
    await flushPromises();
    const help = wrapper.get('[data-testid=no-peer-help]');
    for (const check of ['Same Wi-Fi', 'Firewall', 'VPN', 'Client isolation'])
      expect(help.text()).toContain(check);
    // One code field on the page, inside the help, and the manual address beside it.
    expect(wrapper.findAll('[data-testid=join-code-input]')).toHaveLength(1);
    expect(help.find('[data-testid=join-code-input]').exists()).toBe(true);
    await help.get('[data-testid=peer-address]').setValue('192.168.1.20:5000');
    await help.get('[data-testid=peer-address]').element.closest('form')!.dispatchEvent(new Event('submit'));
    await flushPromises();
    expect(client.addPeers).toHaveBeenCalledWith({ addresses: ['192.168.1.20:5000'] });
  });

  it('stays quiet while a peer is known or a node is seen nearby', async () => {
    client.peers.mockResolvedValue(ok([makePeer('10.0.0.2:5000')]));
    startAll();
    const withPeer = mountIt(OverviewView, 'en', { noPeerAfterMs: 0 });
    await flushPromises();
    expect(withPeer.find('[data-testid=no-peer-help]').exists()).toBe(false);
    withPeer.unmount();

    client.peers.mockResolvedValue(ok([]));
    await usePeersStore().refreshList();
    client.nearby.mockResolvedValue(ok([makeNearby(OTHER)]));
    const withNearby = mountIt(OverviewView, 'en', { noPeerAfterMs: 0 });
    await flushPromises();
    expect(withNearby.find('[data-testid=no-peer-help]').exists()).toBe(false);
    client.emit('nearby', []);
    await flushPromises();
    expect(withNearby.find('[data-testid=no-peer-help]').exists()).toBe(true);
  });

  it('shows which network mode is on', async () => {
    client.settings.mockResolvedValue(ok(makeSettings({ liveNetwork: false, discovery: false })));
    startAll();
    const wrapper = mountIt(OverviewView, 'zh-CN');
    await flushPromises();
    expect(wrapper.get('[data-testid=mode-badge]').text()).toBe('手动模式');
    expect(wrapper.get('[data-testid=discovery-badge]').text()).toBe('局域网发现已关闭');
    expect(wrapper.get('[data-testid=network-mode]').text()).toContain('手动注册节点');
    client.emit('settings', makeSettings());
    await flushPromises();
    expect(wrapper.get('[data-testid=mode-badge]').text()).toBe('实时网络');
  });
});

describe('reachability', () => {
  it('says other laptops cannot reach this one, and what to do on each system', async () => {
    client.status.mockResolvedValue(
      ok(
        makeStatus({
          port: 5003,
          reachability: { verdict: 'no-inbound', inbound: 0, lastInboundAt: null, reachedOut: 3 },
        }),
      ),
    );
    useNodeStore().start();
    const wrapper = mountIt(ReachabilityNotice);
    await flushPromises();
    const notice = wrapper.get('[data-testid=reachability]');
    expect(notice.text()).toContain('Other laptops cannot reach this one');
    expect(notice.text()).toContain('This node reached 3 peers, but none of them ever reached it');
    for (const system of ['Windows:', 'macOS:', 'Linux: allow TCP port 5003', 'sudo ufw allow 5003/tcp'])
      expect(notice.text()).toContain(system);
  });

  it('says the node listens on this computer only, and nothing when all is well', async () => {
    client.status.mockResolvedValue(
      ok(
        makeStatus({
          reachability: { verdict: 'loopback-only', inbound: 0, lastInboundAt: null, reachedOut: 0 },
        }),
      ),
    );
    useNodeStore().start();
    const wrapper = mountIt(ReachabilityNotice, 'zh-CN');
    await flushPromises();
    expect(wrapper.get('[data-testid=reachability]').text()).toContain('此节点只在本机监听');
    expect(wrapper.get('[data-testid=reachability]').text()).toContain('“监听所有网络接口”');
    client.emit(
      'status',
      makeStatus({ reachability: { verdict: 'ok', inbound: 2, lastInboundAt: 1, reachedOut: 1 } }),
    );
    await flushPromises();
    expect(wrapper.find('[data-testid=reachability]').exists()).toBe(false);
  });
});

describe('diagnostics', () => {
  it('checks one node by name and lists each finding with its status, detail and fix', async () => {
    client.diagnose.mockResolvedValue(
      ok(
        makeDiagnostics({
          listening: [{ interface: 'wlan0', address: '192.168.1.5:5000', family: 'IPv4' }],
          checks: [
            {
              id: 'listening',
              status: 'ok',
              title: message('diag-listening-title'),
              detail: message('diag-listening-ok', { addresses: '192.168.1.5:5000' }),
              fix: null,
            },
            {
              id: 'isolation',
              status: 'fail',
              title: message('diag-isolation-title'),
              detail: message('diag-isolation-seen', { peers: 4 }),
              fix: message('diag-isolation-fix'),
            },
            {
              id: 'target',
              status: 'warn',
              title: message('diag-target-title', { target: 'Bob' }),
              detail: message('diag-target-unknown', { target: 'Bob' }),
              fix: message('diag-target-unknown-fix'),
            },
          ],
        }),
      ),
    );
    const wrapper = mountIt(DiagnosticsPanel, 'zh-CN');
    await wrapper.get('[data-testid=diag-input]').setValue('  Bob ');
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.diagnose).toHaveBeenCalledWith({ target: 'Bob' });
    const isolation = wrapper.get('[data-testid=diag-check-isolation]');
    expect(isolation.classes()).toContain('status-fail');
    expect(isolation.get('.sr-only').text()).toBe('有问题');
    expect(isolation.text()).toContain('客户端隔离');
    expect(isolation.text()).toContain('本节点在网络中看到了 4 个节点，却一个也连不上');
    expect(isolation.get('[data-testid=diag-fix]').text()).toContain('手机热点');
    const target = wrapper.get('[data-testid=diag-check-target]');
    expect(target.text()).toContain('连接“Bob”');
    expect(target.text()).toContain('没有见过叫“Bob”的节点');
    expect(wrapper.get('[data-testid=diag-listening]').text()).toContain('1.5:5000');
    expect(wrapper.get('[data-testid=diag-listening]').text()).toContain('wlan0 · IPv4');
    expect(wrapper.get('[data-testid=diag-check-listening]').text()).toContain(
      '其他人可以通过 192.168.1.5:5000 连到本节点',
    );
  });

  it('checks the whole network when no name is typed', async () => {
    const wrapper = mountIt(DiagnosticsPanel);
    await wrapper.get('form').trigger('submit');
    await flushPromises();
    expect(client.diagnose).toHaveBeenCalledWith({});
    expect(wrapper.text()).toContain('no address others can use');
  });
});

describe('peers table', () => {
  it('shows names, direction, rules, last seen, latency and the tutorial badge', async () => {
    const now = Date.now();
    client.peers.mockResolvedValue(
      ok([
        makePeer('192.168.1.31:5000', {
          status: 'online',
          kind: 'blockparty',
          name: 'Bo’s laptop',
          source: 'inbound',
          profile: 'article',
          difficulty: 4,
          latencyMs: 4,
          height: 9,
          lastSeen: now - 30_000,
        }),
        makePeer('192.168.1.40:5001', { status: 'online', kind: 'tutorial', source: 'manual', height: 2 }),
        makePeer('192.168.1.77:5000', {
          status: 'offline',
          source: 'exchanged',
          lastSeen: now - 120_000,
          lastError: message('peer-refused', { peer: '192.168.1.77:5000' }),
        }),
      ]),
    );
    client.refreshPeers.mockImplementation(client.peers);
    usePeersStore().start();
    const wrapper = mountIt(PeersView);
    await flushPromises();
    const bo = wrapper.get('[data-testid="peer-192.168.1.31:5000"]');
    expect(bo.get('[data-testid=peer-name]').text()).toBe('Bo’s laptop');
    expect(bo.get('[data-testid=peer-source]').text()).toBe('it added us');
    expect(bo.get('[data-testid=peer-rules]').text()).toBe('article · difficulty 4');
    expect(bo.get('[data-testid=peer-last-seen]').text()).toMatch(/^seen 3[01] s ago$/);
    expect(bo.text()).toContain('4 ms');
    const tutorial = wrapper.get('[data-testid="peer-192.168.1.40:5001"]');
    expect(tutorial.get('[data-testid=peer-tutorial]').text()).toBe('tutorial node');
    expect(tutorial.get('[data-testid=peer-source]').text()).toBe('we added it');
    const gone = wrapper.get('[data-testid="peer-192.168.1.77:5000"]');
    expect(gone.get('[data-testid=peer-status]').text()).toBe('offline');
    expect(gone.get('[data-testid=peer-last-seen]').text()).toBe('seen 2 min ago');
    // Why it is offline is on hover: a sentence in this narrow column would make the row tall.
    expect(gone.get('[data-testid=peer-status]').attributes('title')).toContain(
      'nothing is listening at 192.168.1.77:5000',
    );
    expect(gone.get('[data-testid=peer-source]').text()).toBe('told by a peer');
  });

  it('marks a peer that cannot share our network with the reason, in Chinese', async () => {
    client.peers.mockResolvedValue(
      ok([
        makePeer('10.0.0.2:5000', {
          status: 'online',
          kind: 'blockparty',
          profile: 'article',
          difficulty: 5,
          incompatible: message('peer-other-difficulty', { difficulty: 5, ourDifficulty: 4 }),
        }),
      ]),
    );
    client.refreshPeers.mockImplementation(client.peers);
    usePeersStore().start();
    const wrapper = mountIt(PeersView, 'zh-CN');
    await flushPromises();
    const row = wrapper.get('[data-testid="peer-10.0.0.2:5000"]');
    expect(row.classes()).toContain('incompatible');
    expect(row.get('[data-testid=peer-rules]').text()).toContain('article · 难度 5');
    expect(row.get('[data-testid=peer-incompatible]').text()).toContain('它的难度是 5，本节点的难度是 4');
  });
});

describe('settings that destroy or change the network', () => {
  async function openSettings(locale: 'en' | 'zh-CN' = 'en') {
    client.status.mockResolvedValue(ok(makeStatus({ height: 428, pendingCount: 2 })));
    useSettingsStore().start();
    useNodeStore().start();
    await flushPromises();
    const wrapper = mountIt(SettingsView, locale);
    await flushPromises();
    return wrapper;
  }

  it('asks before switching the profile, saying the chain’s blocks are lost; Cancel keeps everything', async () => {
    const wrapper = await openSettings();
    await wrapper.get('#set-profile').setValue('dvf');
    await wrapper.get('[data-testid=settings-form]').trigger('submit');
    await flushPromises();
    expect(client.updateSettings).not.toHaveBeenCalled();
    expect(wrapper.get('dialog').attributes('open')).toBeDefined();
    expect(wrapper.get('dialog h2').text()).toBe('Change the rules of this node?');
    expect(wrapper.get('[data-testid=profile-confirm-text]').text()).toBe(
      'Switching the profile to dvf deletes this node’s chain (blocks: 428; pending transactions: 2). A new genesis block is made, so this node leaves its network. Peers keep their copies.',
    );
    await wrapper.get('dialog .btn:not([data-testid=confirm])').trigger('click');
    await flushPromises();
    expect(client.updateSettings).not.toHaveBeenCalled();
    expect(wrapper.get('dialog').attributes('open')).toBeUndefined();
    await wrapper.get('[data-testid=settings-form]').trigger('submit');
    await flushPromises();
    await wrapper.get('[data-testid=confirm]').trigger('click');
    await flushPromises();
    expect(client.updateSettings).toHaveBeenCalledWith({ profile: 'dvf' });
  });

  it('says what a difficulty change costs, in Chinese, together with the profile', async () => {
    const wrapper = await openSettings('zh-CN');
    await wrapper.get('#set-profile').setValue('dvf');
    await wrapper.get('[data-testid=set-difficulty]').setValue('5');
    await wrapper.get('[data-testid=settings-form]').trigger('submit');
    await flushPromises();
    expect(wrapper.get('[data-testid=profile-confirm-text]').text()).toContain(
      '区块：428 个；待处理交易：2 笔',
    );
    expect(wrapper.get('[data-testid=difficulty-confirm-text]').text()).toBe(
      '改为难度 5 后，难度为 4 的节点将无法再与本节点共用这条链（区块：428 个）：在它们也修改之前，本节点会离开所在的网络。',
    );
  });

  it('refuses a mistyped port before asking anything', async () => {
    const wrapper = await openSettings();
    await wrapper.get('#set-profile').setValue('dvf');
    for (const typed of ['', 'abc', '0x10', '70000']) {
      await wrapper.get('[data-testid=set-port]').setValue(typed);
      await wrapper.get('[data-testid=settings-form]').trigger('submit');
      await flushPromises();
      expect(wrapper.get('[data-testid=set-port-error]').text(), typed).toBe(
        'The port must be a whole number from 1 to 65535 (0 lets the system choose).',
      );
      expect(wrapper.get('dialog').attributes('open'), typed).toBeUndefined();
    }
    expect(client.updateSettings).not.toHaveBeenCalled();
  });

  it('switches the live network and discovery, each said in one line', async () => {
    const wrapper = await openSettings();
    const live = wrapper.get('[data-testid=set-live-network]');
    const discovery = wrapper.get('[data-testid=set-discovery]');
    expect(live.text()).toContain('the tutorial’s manual flow');
    expect(discovery.text()).toContain('Finds and announces nodes on this Wi-Fi');
    await live.get('[role=switch]').trigger('click');
    await discovery.get('[role=switch]').trigger('click');
    await wrapper.get('[data-testid=settings-form]').trigger('submit');
    await flushPromises();
    // Not destructive: saved without a question.
    expect(client.updateSettings).toHaveBeenCalledWith({ liveNetwork: false, discovery: false });
  });
});

describe('activity of the live network', () => {
  let id = 0;
  function entry(
    kind: ActivityEntry['kind'],
    code: Parameters<typeof message>[0],
    params: ActivityEntry['params'],
  ) {
    return {
      id: ++id,
      time: 1_700_000_000_000 + id,
      kind,
      code,
      params,
      message: renderMessage(message(code, params)),
    };
  }
  const LINES: ActivityEntry[] = [
    entry('mined', 'block-received', { index: 12, peer: 'Bob', ms: 38 }),
    entry('chain-replaced', 'chain-reorg', { peer: 'Bob', replaced: 2, from: 10, blocks: 12 }),
    entry('chain-replaced', 'chain-synced', { peer: 'Bob', added: 3, blocks: 12 }),
    entry('chain-replaced', 'network-joined', { peer: 'Bob', blocks: 12, ours: 1 }),
    entry('peer-added', 'peer-online', { peer: 'Bob' }),
    entry('peer-failed', 'peer-offline', { peer: 'Carol' }),
    entry('peer-added', 'peer-introduced', { name: 'Dara', peer: '10.0.0.4:5000' }),
    entry('node', 'lab-pace-set', { seconds: 10 }),
    entry('mined', 'mined', { index: 13, proof: '35293', seconds: '1.5' }),
  ];

  async function openActivity(locale: 'en' | 'zh-CN') {
    client.activity.mockResolvedValue(ok(LINES));
    useActivityStore().start();
    const wrapper = mountIt(ActivityView, locale);
    await flushPromises();
    return wrapper;
  }

  const shown = (wrapper: ReturnType<typeof mountIt>) =>
    wrapper
      .findAll('.log-row')
      .map((row) => [
        row.get('[data-testid=activity-badge]').text(),
        row.get('[data-testid=activity-message]').text(),
      ]);

  it('words each line and names it by what it is, in English', async () => {
    const wrapper = await openActivity('en');
    expect(shown(wrapper)).toEqual([
      ['mined', 'Mined block 13 with proof 35293 in 1.5 s'],
      ['lab', 'Pace set: each node mines at most one block every 10 s.'],
      ['peer joined us', 'Dara (10.0.0.4:5000) introduced itself'],
      ['peer offline', 'Peer Carol stopped answering'],
      ['peer online', 'Peer Bob is back'],
      ['joined', 'Joined the network of Bob: its chain of 12 blocks replaced our 1 block'],
      ['synced', 'Caught up with Bob: 3 blocks added, now 12 blocks'],
      ['reorg', 'Switched to the longer branch of Bob: 2 blocks replaced from block #10, now 12 blocks'],
      ['block received', 'Block #12 from Bob arrived 38 ms after it was mined'],
    ]);
  });

  it('words each line in Chinese', async () => {
    const wrapper = await openActivity('zh-CN');
    expect(shown(wrapper).slice(1)).toEqual([
      ['实验', '已设定节奏：每个节点每 10 秒最多挖出一个区块。'],
      ['节点来访', 'Dara（10.0.0.4:5000）发来了自我介绍'],
      ['节点离线', '节点 Carol 不再应答'],
      ['节点上线', '节点 Bob 已恢复在线'],
      ['加入网络', '已加入 Bob 所在的网络：它的链（12 个区块）替换了我们的链（1 个区块）'],
      ['已同步', '已追上 Bob：新增 3 个区块，现在共有 12 个区块'],
      ['链重组', '已切换到 Bob 更长的分支：从第 10 号区块起替换了 2 个区块，现在共有 12 个区块'],
      ['收到区块', '来自 Bob 的第 12 号区块在挖出 38 毫秒后到达'],
    ]);
  });

  it('filters by what a line is about: every peer line under peers, every block under blocks', async () => {
    const wrapper = await openActivity('en');
    const filter = wrapper.get('[data-testid=activity-kind]');
    const badges = () => wrapper.findAll('[data-testid=activity-badge]').map((badge) => badge.text());
    await filter.setValue('peers');
    await flushPromises();
    expect(badges()).toEqual(['peer joined us', 'peer offline', 'peer online']);
    await filter.setValue('blocks');
    await flushPromises();
    expect(badges()).toEqual(['mined', 'block received']);
    await filter.setValue('chain');
    await flushPromises();
    expect(badges()).toEqual(['joined', 'synced', 'reorg']);
    await filter.setValue('lab');
    await flushPromises();
    expect(badges()).toEqual(['lab']);
  });
});
