// @vitest-environment happy-dom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createPinia, setActivePinia } from 'pinia';
import { flushPromises } from '@vue/test-utils';
import { message } from '@shared/messages';
import { PARTY_MAX } from '@shared/transaction';
import { setDashboardClient } from '@renderer/api';
import { useNotificationsStore } from '@renderer/stores/notifications';
import { useNodeStore } from '@renderer/stores/node';
import { useTransactionsStore, validateTransaction } from '@renderer/stores/transactions';
import { useBalancesStore } from '@renderer/stores/balances';
import { splitPeerInput, usePeersStore } from '@renderer/stores/peers';
import { CHAIN_PAGE_SIZE, useChainStore } from '@renderer/stores/chain';
import { ACTIVITY_MAX, useActivityStore } from '@renderer/stores/activity';
import { checkSettingsDraft, useSettingsStore } from '@renderer/stores/settings';
import { localeFromLanguages, usePreferencesStore } from '@renderer/stores/preferences';
import { LIVE_REFRESH_MS } from '@renderer/composables/use-coalesced';
import { createFakeClient, makeBlock, makeMining, makePeer, makeSettings, makeTx, ok } from './fake-client';
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
  it('keeps the error itself, to word it in the viewer’s language when shown', () => {
    const store = useNotificationsStore();
    const refused = {
      code: 'invalid-address' as const,
      message: 'No valid address: “x” (write the address as host:port, like 192.168.0.5:5000)',
      detail: message('register-none-valid', { input: 'x', reason: message('address-form') }),
    };
    store.error(refused);
    store.error({ code: 'bad-answer', message: 'HTTP 502: <html>' });
    expect(store.items.map((item) => [item.kind, item.key])).toEqual([
      ['error', 'errors.invalid-address'],
      ['error', 'errors.bad-answer'],
    ]);
    expect(store.items[0]!.error).toEqual(refused);
  });

  it('shows bugs as bugs and a cancelled mining as information', () => {
    const store = useNotificationsStore();
    store.error({
      code: 'internal',
      message: 'TypeError',
      detail: message('internal', { error: 'TypeError' }),
    });
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
    client.emit('mining', makeMining({ active: true, targetIndex: 4, progress, hashRate: 5000 }));
    client.emit(
      'mining',
      makeMining({ active: true, targetIndex: 4, progress: { ...progress, hashRate: 6000 }, hashRate: 6000 }),
    );
    client.emit('mining', makeMining());
    client.emit('mining', makeMining());
    expect(store.samples.map((sample) => sample.rate)).toEqual([0, 5000, 6000, 0]);
    expect(store.isMining).toBe(false);
    expect(store.hashRate).toBe(0);
  });

  it('stays mining under auto-mine between blocks, with the rate the node kept', async () => {
    const store = useNodeStore();
    store.start();
    await flush();
    const progress = { tried: 10, hashRate: 5000, elapsedMs: 250, expectedMs: 13_000, workers: 2 };
    client.emit('mining', makeMining({ active: true, auto: true, targetIndex: 4, progress, hashRate: 5000 }));
    // Block 4 found: no search runs until block 5 starts, but the node is still mining.
    client.emit('mining', makeMining({ active: true, auto: true, hashRate: 5000, blocksPerMinute: 1 }));
    expect(store.isMining).toBe(true);
    expect(store.hashRate).toBe(5000);
    client.emit(
      'mining',
      makeMining({ active: true, auto: true, targetIndex: 5, hashRate: 5200, blocksPerMinute: 1 }),
    );
    expect(store.samples.map((sample) => sample.rate)).toEqual([0, 5000, 5000, 5200]);
    expect(store.mining?.blocksPerMinute).toBe(1);
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
    client.mine.mockResolvedValueOnce({
      ok: false,
      error: { code: 'mining-cancelled', message: 'stopped', detail: message('mining-cancelled') },
    });
    expect(await store.mine()).toBeNull();
    expect(notifications.items.map((item) => item.key)).toEqual(['notify.mined', 'notify.miningStopped']);
  });
});

describe('transactions store', () => {
  it('validates with the node’s own rules and reasons', () => {
    expect(validateTransaction({ sender: 'a', recipient: 'b', amount: '1.5' })).toEqual({});
    expect(validateTransaction({ sender: 'a', recipient: 'b', amount: ' 5 ' })).toEqual({});
    const errors = validateTransaction({ sender: ' ', recipient: 'b'.repeat(PARTY_MAX + 1), amount: '-1' });
    expect(errors).toEqual({
      sender: { message: message('tx-field-empty', { field: 'sender' }) },
      recipient: {
        message: message('tx-field-too-long', { field: 'recipient', length: PARTY_MAX + 1, max: PARTY_MAX }),
      },
      amount: { message: message('tx-amount-not-positive', { got: '-1' }) },
    });
    const amountCode = (amount: string) =>
      (validateTransaction({ sender: 'a', recipient: 'b', amount }).amount as { message: { code: string } })
        ?.message.code;
    expect(amountCode('')).toBe('tx-amount-missing');
    expect(amountCode('abc')).toBe('tx-amount-text');
    expect(amountCode('0x10')).toBe('tx-amount-text');
    expect(amountCode('１０')).toBe('tx-amount-wide-digits');
    expect(amountCode('0')).toBe('tx-amount-not-positive');
    expect(amountCode('1e999')).toBe('tx-amount-not-positive');
  });

  it('does not call the node when the form is wrong', async () => {
    const store = useTransactionsStore();
    expect(await store.submit({ sender: '', recipient: 'b', amount: '1' })).toBeNull();
    expect(client.submitTransaction).not.toHaveBeenCalled();
    expect(store.fieldErrors.sender).toBeDefined();
  });

  it('puts the node refusal beside the field it names', async () => {
    const detail = message('tx-amount-too-long', { length: 70, max: 64 });
    client.submitTransaction.mockResolvedValueOnce({
      ok: false,
      error: { code: 'invalid-transaction', message: 'amount has 70 characters', detail, field: 'amount' },
    });
    const store = useTransactionsStore();
    await store.submit({ sender: 'a', recipient: 'b', amount: '5' });
    expect(store.fieldErrors.amount).toEqual({ message: detail, fallback: 'amount has 70 characters' });
    expect(useNotificationsStore().items).toEqual([]);
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
      { address: 'bob', name: 'Bob’s laptop', received: '3', sent: '0', balance: '3' },
      { address: 'alice', name: null, received: '0', sent: '3', balance: '-3' },
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
    client.balances.mockResolvedValueOnce({ ok: false, error: { code: 'storage-failed', message: 'boom' } });
    await useBalancesStore().refresh();
    expect(useNotificationsStore().items[0]).toMatchObject({ kind: 'error' });
  });
});

describe('peers store', () => {
  const refusedCodes = () =>
    usePeersStore().addErrors.map((wording) =>
      'message' in wording ? wording.message.code : 'key' in wording ? wording.key : wording.text,
    );

  it('splits a pasted list on spaces, commas and new lines', () => {
    expect(
      splitPeerInput(' 10.0.0.2:5000,10.0.0.3:5000\n\nhttp://10.0.0.4:5000/ ; 10.0.0.5:5000，10.0.0.6:5000'),
    ).toEqual(['10.0.0.2:5000', '10.0.0.3:5000', 'http://10.0.0.4:5000/', '10.0.0.5:5000', '10.0.0.6:5000']);
    expect(splitPeerInput('  ')).toEqual([]);
  });

  it('refuses a bad address with the node’s reason, without calling the node', async () => {
    const store = usePeersStore();
    expect(await store.add('10.0.0.2/5000')).toBe(false);
    expect(store.addErrors).toEqual([{ message: message('address-form') }]);
    // Spaces separate addresses: each part gets its own line.
    expect(await store.add('not an')).toBe(false);
    expect(store.addErrors).toEqual(
      ['not', 'an'].map((input) => ({
        key: 'peers.refusedOne',
        params: { input, reason: message('address-no-port', { host: input }) },
      })),
    );
    expect(await store.add('localhost')).toBe(false);
    expect(store.addErrors).toEqual([{ message: message('address-no-port', { host: 'localhost' }) }]);
    expect(await store.add('   ')).toBe(false);
    expect(refusedCodes()).toEqual(['address-empty']);
    expect(client.addPeers).not.toHaveBeenCalled();
  });

  it('refuses https:// with the reason instead of quietly trying http://', async () => {
    const store = usePeersStore();
    expect(await store.add('https://10.0.0.2:5000')).toBe(false);
    expect(store.addErrors).toEqual([{ message: message('address-scheme', { scheme: 'https' }) }]);
    expect(client.addPeers).not.toHaveBeenCalled();
  });

  it('shows the node’s reason when it refuses our own address', async () => {
    client.addPeers.mockResolvedValueOnce({
      ok: false,
      error: {
        code: 'invalid-address',
        message: 'No valid address: “127.0.0.1:5000” (that is this node itself)',
        detail: message('register-none-valid', { input: '127.0.0.1:5000', reason: message('address-self') }),
        field: 'nodes',
      },
    });
    const store = usePeersStore();
    expect(await store.add('http://localhost:5000')).toBe(false);
    expect(client.addPeers).toHaveBeenCalledWith({ addresses: ['127.0.0.1:5000'] });
    expect(store.addErrors).toEqual([{ message: message('address-self') }]);
    expect(useNotificationsStore().items).toEqual([]);
  });

  it('adds a pasted list: each added, known or refused with its reason', async () => {
    client.addPeers.mockResolvedValueOnce(
      ok({
        peers: [
          makePeer('10.0.0.2:5000', { status: 'online' }),
          makePeer('10.0.0.3:5000', { status: 'online' }),
        ],
        added: ['10.0.0.3:5000'],
        known: ['10.0.0.2:5000'],
        rejected: [],
        reachable: { '10.0.0.3:5000': true },
      }),
    );
    const store = usePeersStore();
    expect(await store.add('10.0.0.2:5000\n10.0.0.3:5000, ftp://10.0.0.4:21')).toBe(false);
    // Only what the shared rules accept reaches the node, in the node's own spelling.
    expect(client.addPeers).toHaveBeenCalledWith({ addresses: ['10.0.0.2:5000', '10.0.0.3:5000'] });
    expect(store.addErrors).toEqual([
      {
        key: 'peers.refusedOne',
        params: { input: 'ftp://10.0.0.4:21', reason: message('address-scheme', { scheme: 'ftp' }) },
      },
    ]);
    expect(useNotificationsStore().items.map((item) => [item.kind, item.key, item.params])).toEqual([
      ['success', 'peers.added', { address: '10.0.0.3:5000' }],
      ['info', 'peers.known', { address: '10.0.0.2:5000' }],
    ]);
  });

  it('says "already a peer", not "added", for an address it knew', async () => {
    client.addPeers.mockResolvedValueOnce(
      ok({
        peers: [makePeer('10.0.0.2:5000')],
        added: [],
        known: ['10.0.0.2:5000'],
        rejected: [],
        reachable: {},
      }),
    );
    expect(await usePeersStore().add('http://10.0.0.2:5000')).toBe(true);
    expect(useNotificationsStore().items).toMatchObject([{ kind: 'info', key: 'peers.known' }]);
  });

  it('adds, then checks reachability and warns when the peer is silent', async () => {
    const peer = makePeer('10.0.0.2:5000', {
      status: 'offline',
      lastError: message('peer-refused', { peer: '10.0.0.2:5000' }),
    });
    client.addPeers.mockResolvedValueOnce(
      ok({
        peers: [peer],
        added: [peer.address],
        known: [],
        rejected: [],
        reachable: { [peer.address]: false },
      }),
    );
    const store = usePeersStore();
    expect(await store.add('http://10.0.0.2:5000')).toBe(true);
    expect(client.addPeers).toHaveBeenCalledWith({ addresses: ['10.0.0.2:5000'] });
    // Main already asked the new peer: no second round of pings to every peer.
    expect(client.refreshPeers).not.toHaveBeenCalled();
    expect(store.peers).toEqual([peer]);
    expect(store.onlineCount).toBe(0);
    expect(useNotificationsStore().items[0]).toMatchObject({ kind: 'warning', key: 'peers.addedOffline' });
  });

  it('says added when main found the new peer answering', async () => {
    const peer = makePeer('10.0.0.3:5000', {
      status: 'online',
      kind: 'blockparty',
      name: 'Ana',
      latencyMs: 3,
      height: 4,
      profile: 'article',
      difficulty: 4,
      lastSeen: 1,
    });
    client.addPeers.mockResolvedValueOnce(
      ok({
        peers: [peer],
        added: [peer.address],
        known: [],
        rejected: [],
        reachable: { [peer.address]: true },
      }),
    );
    const store = usePeersStore();
    expect(await store.add('10.0.0.3:5000')).toBe(true);
    expect(client.refreshPeers).not.toHaveBeenCalled();
    expect(store.onlineCount).toBe(1);
    expect(useNotificationsStore().items[0]).toMatchObject({ kind: 'success', key: 'peers.added' });
  });

  it('says how many were added when a long list is pasted, not one toast each', async () => {
    const addresses = Array.from({ length: 8 }, (_, i) => `10.0.0.${i + 2}:5000`);
    client.addPeers.mockResolvedValueOnce(
      ok({
        peers: addresses.map((a) => makePeer(a)),
        added: addresses,
        known: [],
        rejected: [],
        reachable: Object.fromEntries(addresses.map((a, i) => [a, i % 2 === 0])),
      }),
    );
    expect(await usePeersStore().add(addresses.join(' '))).toBe(true);
    expect(useNotificationsStore().items.map((item) => [item.key, item.params])).toEqual([
      ['peers.addedMany', { count: 8 }],
      ['peers.addedManyOffline', { count: 4 }],
    ]);
  });

  it('keeps the resolve report and says which chain won, by name', async () => {
    const report = {
      replaced: true,
      winner: '10.0.0.2:5000',
      winnerName: 'Ana',
      ourLengthBefore: 2,
      ourLengthAfter: 5,
      replacedFrom: 2,
      otherGenesis: false,
      discarded: [makeBlock(2)],
      restored: [makeTx('a', 'b', '1')],
      dropped: [],
      peers: [
        { peer: '10.0.0.2:5000', name: 'Ana', outcome: 'adopted' as const, blocks: 5, reason: null, ms: 20 },
      ],
    };
    client.resolve.mockResolvedValueOnce(ok(report));
    const store = usePeersStore();
    await store.resolve();
    expect(store.report).toEqual(report);
    expect(useNotificationsStore().items[0]).toMatchObject({
      key: 'notify.chainReplaced',
      params: { winner: 'Ana' },
    });
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
        { id: 1, time: 1, kind: 'node', message: 'started', code: 'x', params: {} },
        { id: 2, time: 2, kind: 'mined', message: 'Block #2 mined', code: 'x', params: {} },
      ]),
    );
    const store = useActivityStore();
    store.start();
    client.emit('activity', {
      id: 3,
      time: 3,
      kind: 'peer-failed',
      message: 'peer down',
      code: 'x',
      params: {},
    });
    await flush();
    expect(store.entries.map((entry) => entry.id)).toEqual([3, 2, 1]);
    store.kind = 'mined';
    expect(store.filtered.map((entry) => entry.id)).toEqual([2]);
    store.kind = 'all';
    store.text = 'PEER';
    expect(store.filtered.map((entry) => entry.id)).toEqual([3]);
    for (let i = 4; i < ACTIVITY_MAX + 50; i++) {
      store.add({ id: i, time: i, kind: 'node', message: 'x', code: 'x', params: {} });
    }
    expect(store.entries).toHaveLength(ACTIVITY_MAX);
  });
});

describe('settings store', () => {
  it('sends only what changed and shows the node’s refusal beside its field', async () => {
    const store = useSettingsStore();
    store.start();
    await flush();
    const detail = message('settings-port');
    client.updateSettings.mockResolvedValueOnce({
      ok: false,
      error: { code: 'invalid-settings', message: 'The port must be…', detail, field: 'port' },
    });
    await store.save(makeSettings({ port: 0, name: 'Renamed' }));
    expect(client.updateSettings).toHaveBeenCalledWith({ port: 0, name: 'Renamed' });
    expect(store.fieldErrors.port).toEqual({ message: detail, fallback: 'The port must be…' });
    expect(await store.save(makeSettings())).toBe(false);
    expect(client.updateSettings).toHaveBeenCalledTimes(1);
  });

  it('refuses a port that is not a whole number in the form, never sending it as 0', async () => {
    const store = useSettingsStore();
    store.start();
    await flush();
    for (const port of ['abc', '', ' ', '0x10', '5000.5', '-1', '70000']) {
      expect(await store.save({ ...makeSettings(), port }), port).toBe(false);
      expect(store.fieldErrors, port).toEqual({ port: { message: message('settings-port') } });
    }
    expect(await store.save({ ...makeSettings(), workers: 'lots' })).toBe(false);
    expect(store.fieldErrors).toEqual({ workers: { message: message('settings-workers') } });
    expect(await store.save({ ...makeSettings(), name: '   ' })).toBe(false);
    expect(store.fieldErrors).toEqual({ name: { message: message('settings-name', { max: 60 }) } });
    expect(client.updateSettings).not.toHaveBeenCalled();
    // Digits typed in a text box are a number to the node.
    expect(await store.save({ ...makeSettings(), port: ' 5001 ', difficulty: '5' })).toBe(true);
    expect(client.updateSettings).toHaveBeenCalledWith({ port: 5001, difficulty: 5 });
  });

  it('checks a whole draft with the node’s rules', () => {
    expect(checkSettingsDraft({ ...makeSettings(), difficulty: '13' })).toEqual({
      ok: false,
      field: 'difficulty',
      reason: { message: message('settings-difficulty') },
    });
    expect(checkSettingsDraft({ ...makeSettings(), name: '  Ana  ' })).toEqual({
      ok: true,
      settings: makeSettings({ name: 'Ana' }),
    });
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
