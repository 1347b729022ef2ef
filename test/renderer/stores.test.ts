// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { flushPromises } from '@vue/test-utils';
import { setDashboardClient } from '@renderer/api';
import { useNotificationsStore } from '@renderer/stores/notifications';
import { useNodeStore } from '@renderer/stores/node';
import { useTransactionsStore, validateTransaction } from '@renderer/stores/transactions';
import { useBalancesStore } from '@renderer/stores/balances';
import { normalizePeerAddress, usePeersStore } from '@renderer/stores/peers';
import { CHAIN_PAGE_SIZE, useChainStore } from '@renderer/stores/chain';
import { ACTIVITY_MAX, useActivityStore } from '@renderer/stores/activity';
import { useSettingsStore } from '@renderer/stores/settings';
import { localeFromLanguages, usePreferencesStore } from '@renderer/stores/preferences';
import { LIVE_REFRESH_MS } from '@renderer/composables/use-coalesced';
import { createFakeClient, makeBlock, makeSettings, makeTx, ok } from './fake-client';
import type { FakeClient } from './fake-client';

let client: FakeClient;

beforeEach(() => {
  setActivePinia(createPinia());
  client = createFakeClient();
  setDashboardClient(client);
  localStorage.clear();
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('notifications', () => {
  it('words errors by code and keeps the node message for unknown codes', () => {
    const store = useNotificationsStore();
    store.error({ code: 'invalid-address', message: 'bad' });
    store.error({ code: 'node-error', message: 'disk full' });
    expect(store.items.map((item) => item.key)).toEqual(['errors.invalid-address', 'errors.unknown']);
    expect(store.items[1]!.params).toEqual({ message: 'disk full' });
  });

  it('shows bugs as bugs and a cancelled mining as information', () => {
    const store = useNotificationsStore();
    store.error({ code: 'internal', message: 'TypeError' });
    store.error({ code: 'mining-cancelled', message: 'stopped' });
    expect(store.items.map((item) => [item.kind, item.key])).toEqual([
      ['error', 'notify.bug'],
      ['info', 'errors.mining-cancelled'],
    ]);
  });

  it('stays bounded and collapses repeats', () => {
    const store = useNotificationsStore();
    store.push('error', 'errors.network');
    store.push('error', 'errors.network');
    expect(store.items).toHaveLength(1);
    for (let i = 0; i < 10; i++) store.push('error', 'errors.unknown', { message: String(i) });
    expect(store.items.length).toBeLessThanOrEqual(5);
  });

  it('dismisses successes by itself', () => {
    vi.useFakeTimers();
    const store = useNotificationsStore();
    store.success('settings.saved');
    vi.advanceTimersByTime(5000);
    expect(store.items).toHaveLength(0);
    vi.useRealTimers();
  });
});

describe('node store', () => {
  it('subscribes, fetches the snapshot and follows events', async () => {
    const store = useNodeStore();
    store.start();
    await flush();
    expect(client.status).toHaveBeenCalledTimes(1);
    expect(store.status?.height).toBe(3);
    client.emit('chain', { height: 4, reason: 'mined' });
    client.emit('pending', { count: 7 });
    expect(store.status?.height).toBe(4);
    expect(store.status?.pendingCount).toBe(7);
  });

  it('records hash-rate samples while mining and one zero when idle', async () => {
    const store = useNodeStore();
    store.start();
    await flush();
    const progress = { tried: 10, hashRate: 5000, elapsedMs: 250, expectedMs: 13_000, workers: 2 };
    client.emit('mining', { active: true, targetIndex: 4, progress, workers: 2 });
    client.emit('mining', {
      active: true,
      targetIndex: 4,
      progress: { ...progress, hashRate: 6000 },
      workers: 2,
    });
    client.emit('mining', { active: false, targetIndex: null, progress: null, workers: 2 });
    client.emit('mining', { active: false, targetIndex: null, progress: null, workers: 2 });
    expect(store.samples.map((sample) => sample.rate)).toEqual([0, 5000, 6000, 0]);
    expect(store.isMining).toBe(false);
  });

  it('refetches the snapshot when the event stream comes back', async () => {
    const store = useNodeStore();
    store.start();
    await flush();
    client.setConnection('lost');
    expect(store.connection).toBe('lost');
    client.setConnection('open');
    await flush();
    expect(client.status).toHaveBeenCalledTimes(2);
  });

  it('mines and says so; a stop is not an error', async () => {
    const store = useNodeStore();
    const notifications = useNotificationsStore();
    const result = await store.mine();
    expect(result?.block.index).toBe(4);
    expect(store.lastMined?.tried).toBe(5000);
    client.mine.mockResolvedValueOnce({ ok: false, error: { code: 'mining-cancelled', message: 'stopped' } });
    expect(await store.mine()).toBeNull();
    expect(notifications.items.map((item) => item.key)).toEqual(['notify.mined', 'notify.miningStopped']);
  });
});

describe('transactions store', () => {
  it('validates like the node: non-empty strings, finite amount above zero', () => {
    expect(validateTransaction({ sender: 'a', recipient: 'b', amount: '1.5' })).toEqual({});
    const errors = validateTransaction({ sender: ' ', recipient: 'b', amount: '-1' });
    expect(errors.sender?.key).toBe('tx.errors.required');
    expect(errors.amount?.key).toBe('tx.errors.amountPositive');
    expect(validateTransaction({ sender: 'a', recipient: 'b', amount: 'abc' }).amount?.key).toBe(
      'tx.errors.amountPositive',
    );
    expect(validateTransaction({ sender: 'a', recipient: 'b', amount: '1e999' }).amount).toBeDefined();
  });

  it('does not call the node when the form is wrong', async () => {
    const store = useTransactionsStore();
    expect(await store.submit({ sender: '', recipient: 'b', amount: '1' })).toBeNull();
    expect(client.submitTransaction).not.toHaveBeenCalled();
    expect(store.fieldErrors.sender).toBeDefined();
  });

  it('puts the node refusal beside the field it names', async () => {
    client.submitTransaction.mockResolvedValueOnce({
      ok: false,
      error: { code: 'invalid-transaction', message: 'amount is too large', field: 'amount' },
    });
    const store = useTransactionsStore();
    await store.submit({ sender: 'a', recipient: 'b', amount: '5' });
    expect(store.fieldErrors.amount).toEqual({
      key: 'errors.unknown',
      params: { message: 'amount is too large' },
    });
    store.clearFieldError('amount');
    expect(store.fieldErrors.amount).toBeUndefined();
  });

  it('fetches the pool once per burst of pending events, and once more for the last of them', async () => {
    vi.useFakeTimers();
    try {
      const store = useTransactionsStore();
      store.start();
      await flushPromises();
      await vi.advanceTimersByTimeAsync(LIVE_REFRESH_MS);
      client.pending.mockClear();
      let release: () => void = () => undefined;
      client.pending.mockImplementationOnce(
        () => new Promise((resolve) => (release = () => resolve({ ok: true, value: [] }))),
      );
      for (let i = 0; i < 50; i++) client.emit('pending', { count: i });
      expect(client.pending).toHaveBeenCalledTimes(1);
      release();
      await flushPromises();
      // The one more comes no sooner than a live refresh after the first, and only once.
      await vi.advanceTimersByTimeAsync(LIVE_REFRESH_MS);
      expect(client.pending).toHaveBeenCalledTimes(2);
      await vi.advanceTimersByTimeAsync(10 * LIVE_REFRESH_MS);
      expect(client.pending).toHaveBeenCalledTimes(2);
      store.stop();
    } finally {
      vi.useRealTimers();
    }
  });

  it('submits the amount as typed, so "1.0" stays a float', async () => {
    const store = useTransactionsStore();
    const done = await store.submit({ sender: ' a ', recipient: 'b', amount: '1.0' });
    expect(done?.index).toBe(4);
    expect(client.submitTransaction).toHaveBeenCalledWith({ sender: 'a', recipient: 'b', amount: '1.0' });
  });
});

describe('balances store', () => {
  const balances = {
    height: 2,
    rows: [
      { address: 'bob', received: '3', sent: '0', balance: '3' },
      { address: 'alice', received: '0', sent: '3', balance: '-3' },
    ],
    skipped: 1,
  };

  it('asks main for the balances in one call, whatever the chain length', async () => {
    client.balances.mockResolvedValue(ok(balances));
    const store = useBalancesStore();
    store.open();
    await flush();
    expect(client.balances).toHaveBeenCalledOnce();
    expect(store.balances).toEqual(balances);
    expect(client.chainPage).not.toHaveBeenCalled();
    expect(client.block).not.toHaveBeenCalled();
  });

  it('refetches on chain changes while shown, coalescing bursts, and not when hidden', async () => {
    const store = useBalancesStore();
    store.start();
    client.emit('chain', { height: 4, reason: 'mined' });
    await flush();
    expect(client.balances).not.toHaveBeenCalled();
    store.open();
    for (let i = 0; i < 10; i++) client.emit('chain', { height: 5 + i, reason: 'mined' });
    await flush();
    expect(client.balances.mock.calls.length).toBeLessThanOrEqual(2);
    store.close();
    const calls = client.balances.mock.calls.length;
    client.emit('chain', { height: 20, reason: 'replaced' });
    await flush();
    expect(client.balances).toHaveBeenCalledTimes(calls);
    store.stop();
  });

  it('shows a failure through the notifications', async () => {
    client.balances.mockResolvedValueOnce({ ok: false, error: { code: 'internal', message: 'boom' } });
    await useBalancesStore().refresh();
    expect(useNotificationsStore().items[0]).toMatchObject({ kind: 'error' });
  });
});

describe('peers store', () => {
  it('normalises addresses the way the node accepts them', () => {
    expect(normalizePeerAddress('http://192.168.0.5:5000')).toBe('192.168.0.5:5000');
    expect(normalizePeerAddress(' localhost:5001 ')).toBe('localhost:5001');
    expect(normalizePeerAddress('localhost')).toBeNull();
    expect(normalizePeerAddress('ftp://a:1')).toBeNull();
    expect(normalizePeerAddress('http://a:1/chain')).toBeNull();
    expect(normalizePeerAddress('')).toBeNull();
  });

  it('rejects a bad address without calling the node', async () => {
    const store = usePeersStore();
    expect(await store.add('not an address')).toBe(false);
    expect(store.addError?.key).toBe('peers.invalidAddress');
    expect(client.addPeers).not.toHaveBeenCalled();
  });

  it('adds, then checks reachability and warns when the peer is silent', async () => {
    const peer = {
      address: '10.0.0.2:5000',
      online: false,
      latencyMs: null,
      height: null,
      kind: null,
      profile: null,
      lastSeen: null,
      lastError: 'ECONNREFUSED',
    };
    client.addPeers.mockResolvedValueOnce(
      ok({ peers: [peer], added: [peer.address], rejected: [], reachable: { [peer.address]: false } }),
    );
    const store = usePeersStore();
    expect(await store.add('http://10.0.0.2:5000')).toBe(true);
    expect(client.addPeers).toHaveBeenCalledWith({ addresses: ['10.0.0.2:5000'] });
    // Main already asked the new peer: no second round of pings to every peer.
    expect(client.refreshPeers).not.toHaveBeenCalled();
    expect(store.peers).toEqual([peer]);
    expect(useNotificationsStore().items[0]).toMatchObject({ kind: 'warning', key: 'peers.addedOffline' });
  });

  it('says added when main found the new peer answering', async () => {
    const peer = {
      address: '10.0.0.3:5000',
      online: true,
      latencyMs: 3,
      height: 4,
      kind: 'blockparty' as const,
      profile: 'article' as const,
      lastSeen: 1,
      lastError: null,
    };
    client.addPeers.mockResolvedValueOnce(
      ok({ peers: [peer], added: [peer.address], rejected: [], reachable: { [peer.address]: true } }),
    );
    expect(await usePeersStore().add('10.0.0.3:5000')).toBe(true);
    expect(client.refreshPeers).not.toHaveBeenCalled();
    expect(useNotificationsStore().items[0]).toMatchObject({ kind: 'success', key: 'peers.added' });
  });

  it('keeps the resolve report and says which chain won', async () => {
    const report = {
      replaced: true,
      winner: '10.0.0.2:5000',
      ourLengthBefore: 2,
      ourLengthAfter: 5,
      replacedFrom: 2,
      discarded: [makeBlock(2)],
      restored: [makeTx('a', 'b', '1')],
      dropped: [],
      peers: [{ peer: '10.0.0.2:5000', outcome: 'adopted' as const, blocks: 5, reason: null, ms: 20 }],
    };
    client.resolve.mockResolvedValueOnce(ok(report));
    const store = usePeersStore();
    await store.resolve();
    expect(store.report).toEqual(report);
    expect(useNotificationsStore().items[0]).toMatchObject({ key: 'notify.chainReplaced' });
  });
});

describe('chain store', () => {
  it('fetches pages newest first and finds the page of a block', async () => {
    client.chainPage.mockResolvedValue(ok({ total: 10_000, blocks: [makeBlock(10_000)] }));
    const store = useChainStore();
    store.start();
    store.open();
    await flush();
    expect(client.chainPage).toHaveBeenLastCalledWith({
      offset: 0,
      limit: CHAIN_PAGE_SIZE,
      newestFirst: true,
    });
    expect(store.pages).toBe(Math.ceil(10_000 / CHAIN_PAGE_SIZE));
    await store.reveal(1);
    expect(store.page).toBe(store.pages - 1);
    expect(client.block).toHaveBeenCalledWith({ index: 1 });
  });

  it('coalesces bursts of chain events into few fetches', async () => {
    const store = useChainStore();
    store.start();
    store.open();
    for (let i = 0; i < 20; i++) client.emit('chain', { height: 4 + i, reason: 'mined' });
    await flush();
    await flush();
    expect(client.chainPage.mock.calls.length).toBeLessThanOrEqual(3);
  });

  it('opens the block when a search matches exactly one', async () => {
    client.search.mockResolvedValueOnce(ok([makeBlock(2)]));
    const store = useChainStore();
    const results = await store.search('#2');
    expect(client.search).toHaveBeenCalledWith({ text: '2' });
    expect(results).toHaveLength(1);
    expect(client.block).toHaveBeenCalledWith({ index: 2 });
  });
});

describe('activity store', () => {
  it('merges the snapshot with live entries, newest first, bounded', async () => {
    client.activity.mockResolvedValueOnce(
      ok([
        { id: 1, time: 1, kind: 'node', message: 'started' },
        { id: 2, time: 2, kind: 'mined', message: 'Block #2 mined' },
      ]),
    );
    const store = useActivityStore();
    store.start();
    client.emit('activity', { id: 3, time: 3, kind: 'peer-failed', message: 'peer down' });
    await flush();
    expect(store.entries.map((entry) => entry.id)).toEqual([3, 2, 1]);
    store.kind = 'mined';
    expect(store.filtered.map((entry) => entry.id)).toEqual([2]);
    store.kind = 'all';
    store.text = 'PEER';
    expect(store.filtered.map((entry) => entry.id)).toEqual([3]);
    for (let i = 4; i < ACTIVITY_MAX + 50; i++) store.add({ id: i, time: i, kind: 'node', message: 'x' });
    expect(store.entries).toHaveLength(ACTIVITY_MAX);
  });
});

describe('settings store', () => {
  it('sends only what changed and maps a refusal to its field', async () => {
    const store = useSettingsStore();
    store.start();
    await flush();
    client.updateSettings.mockResolvedValueOnce({
      ok: false,
      error: { code: 'invalid-settings', message: 'port must be 1–65535', field: 'port' },
    });
    await store.save(makeSettings({ port: 70_000 }));
    expect(client.updateSettings).toHaveBeenCalledWith({ port: 70_000 });
    expect(store.fieldErrors.port).toBe('port must be 1–65535');
    expect(await store.save(makeSettings())).toBe(false);
    expect(client.updateSettings).toHaveBeenCalledTimes(1);
  });
});

describe('preferences store', () => {
  it('follows the browser language, Chinese for any zh variant', () => {
    expect(localeFromLanguages(['zh-TW', 'en'])).toBe('zh-CN');
    expect(localeFromLanguages(['fr-FR', 'en-GB'])).toBe('en');
    expect(localeFromLanguages(['fr-FR'])).toBe('en');
  });

  it('steps the presenter zoom and remembers it', async () => {
    const store = usePreferencesStore();
    store.zoomIn();
    store.zoomIn();
    expect(store.zoom).toBe(130);
    store.theme = 'dark';
    expect(store.resolvedTheme).toBe('dark');
    await flush();
    expect(JSON.parse(localStorage.getItem('blockparty-preferences')!)).toMatchObject({
      zoom: 130,
      theme: 'dark',
    });
  });
});
