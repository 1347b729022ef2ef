import { describe, expect, it, vi } from 'vitest';
import { forgeBlock, type SealedBlock } from '../../src-main/chain/block.ts';
import { dumpsPy } from '../../src-main/chain/json.ts';
import type { PyValue } from '../../src-main/chain/types.ts';
import type { ActivityEntry, MiningState } from '../../src-main/node/types.ts';
import { createDashboardService } from '../../src-main/control/service.ts';
import { message, renderMessage } from '../../src-main/shared/messages.ts';
import { createFakeNode, peerRecord } from './fake-node.ts';
import type { FakeNode } from './fake-node.ts';

/** The block that would follow `prev`, holding these transactions. */
function blockAfter(prev: SealedBlock, transactions: PyValue[]): SealedBlock {
  return forgeBlock(prev, 1n, transactions.map(dumpsPy), 1506057400.5);
}

/** Appends a block the way a mined block arrives: one more block, then the event. */
function mineBlock(node: FakeNode, transactions: PyValue[]): void {
  node.blocks.push(blockAfter(node.blocks[node.blocks.length - 1]!, transactions));
  node.emit('chain-changed', { height: node.blocks.length, reason: 'mined' });
}

const MINING: MiningState = {
  active: true,
  auto: true,
  targetIndex: 2,
  progress: null,
  hashRate: 1_200_000,
  blocksPerMinute: 3,
  workers: 1,
};

describe('dashboard service', () => {
  it('pages the chain oldest first and newest first', async () => {
    const node = createFakeNode(5);
    const service = createDashboardService(node);
    const page = await service.chainPage({ offset: 1, limit: 2 });
    expect(page).toEqual({
      ok: true,
      value: {
        total: 5,
        blocks: [expect.objectContaining({ index: 2 }), expect.objectContaining({ index: 3 })],
      },
    });
    const newest = await service.chainPage({ limit: 2, newestFirst: true });
    expect(newest.ok && newest.value.blocks.map((b) => b.index)).toEqual([5, 4]);
    const past = await service.chainPage({ offset: 10 });
    expect(past.ok && past.value).toEqual({ total: 5, blocks: [] });
  });

  it('summarises blocks without bigints, keeping Python forms', async () => {
    const node = createFakeNode(2);
    const service = createDashboardService(node);
    const page = await service.chainPage();
    expect(page.ok && page.value.blocks[0]).toEqual({
      index: 1,
      hash: node.blocks[0]!.hash,
      previousHash: '1',
      proof: '100',
      timestamp: 1506057125.900785,
      transactionCount: 0,
    });
    expect(JSON.parse(JSON.stringify(page))).toEqual(page);
  });

  it('gives a block with its transactions and the exact hashed text', async () => {
    const node = createFakeNode(2);
    const service = createDashboardService(node);
    const result = await service.block({ index: 2 });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.hash).toBe(node.blocks[1]!.hash);
    expect(result.value.json).toBe(node.blocks[1]!.text);
    expect(result.value.json.startsWith('{"index": 2, "previous_hash": "')).toBe(true);
    expect(result.value.transactions).toEqual([
      {
        // Inside a block a transaction has no pending-pool id.
        id: null,
        sender: '0',
        recipient: 'e3b0c44298fc1c149afbf4c8996fb924',
        amount: '1',
        reward: true,
        json: '{"amount": 1, "recipient": "e3b0c44298fc1c149afbf4c8996fb924", "sender": "0"}',
      },
    ]);
  });

  it('answers not-found and invalid-request as values', async () => {
    const service = createDashboardService(createFakeNode(2));
    expect(await service.block({ index: 3 })).toEqual({
      ok: false,
      error: {
        code: 'not-found',
        field: 'index',
        message: 'There is no block 3: the chain has 2 blocks.',
        detail: { code: 'not-found-block', params: { index: 3, height: 2 } },
      },
    });
    expect(await service.block({ index: 0 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', field: 'index' },
    });
    expect(await service.block('2' as never)).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(await service.chainPage({ limit: 100_000 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', field: 'limit' },
    });
    expect(await service.updateSettings({ colour: 'red' } as never)).toMatchObject({
      ok: false,
      error: { code: 'invalid-settings', field: 'colour', detail: { code: 'settings-unknown' } },
    });
  });

  it('searches by index and by hash prefix', async () => {
    const node = createFakeNode(6);
    const service = createDashboardService(node);
    const byIndex = await service.search({ text: ' 3 ' });
    expect(byIndex.ok && byIndex.value[0]?.index).toBe(3);
    const hash = node.blocks[4]!.hash;
    const byHash = await service.search({ text: hash.slice(0, 10).toUpperCase() });
    expect(byHash.ok && byHash.value.map((b) => b.index)).toEqual([5]);
    expect(await service.search({ text: 'zz' })).toEqual({ ok: true, value: [] });
    expect(await service.search({ text: '' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
  });

  it('submits amounts with the kind the person typed', async () => {
    const node = createFakeNode(1);
    const service = createDashboardService(node);
    const asInt = await service.submitTransaction({ sender: 'a', recipient: 'b', amount: '1' });
    const asFloat = await service.submitTransaction({ sender: 'a', recipient: 'b', amount: '1.0' });
    const fromNumber = await service.submitTransaction({ sender: 'a', recipient: 'b', amount: 2.5 });
    const fromIntNumber = await service.submitTransaction({ sender: 'a', recipient: 'b', amount: 7 });
    expect(asInt.ok && asInt.value).toEqual({
      index: 2,
      transaction: {
        id: node.pending()[0]!.id,
        sender: 'a',
        recipient: 'b',
        amount: '1',
        reward: false,
        json: '{"amount": 1, "recipient": "b", "sender": "a"}',
      },
    });
    expect(asFloat.ok && asFloat.value.transaction.amount).toBe('1.0');
    expect(fromNumber.ok && fromNumber.value.transaction.amount).toBe('2.5');
    expect(fromIntNumber.ok && fromIntNumber.value.transaction.amount).toBe('7');
    expect(node.pending().map((tx) => tx.text)).toEqual([
      '{"amount": 1, "recipient": "b", "sender": "a"}',
      '{"amount": 1.0, "recipient": "b", "sender": "a"}',
      '{"amount": 2.5, "recipient": "b", "sender": "a"}',
      '{"amount": 7, "recipient": "b", "sender": "a"}',
    ]);
    // Each pending transaction has its own id, as the dashboard keys its rows by it.
    expect(new Set(node.pending().map((tx) => tx.id)).size).toBe(4);
  });

  it('passes node errors through with their field', async () => {
    const service = createDashboardService(createFakeNode(1));
    expect(await service.submitTransaction({ sender: '', recipient: 'b', amount: '1' })).toEqual({
      ok: false,
      error: {
        code: 'invalid-transaction',
        message: 'sender is missing: give it as a non-empty string',
        detail: { code: 'tx-field-missing', params: { field: 'sender' } },
        field: 'sender',
      },
    });
    // The amount's text is read with the shared rules, each refusal with its own reason.
    for (const [amount, code] of [
      ['lots', 'tx-amount-text'],
      ['0x10', 'tx-amount-text'],
      ['１０', 'tx-amount-wide-digits'],
      ['-3', 'tx-amount-not-positive'],
      ['0', 'tx-amount-not-positive'],
    ] as const) {
      expect(await service.submitTransaction({ sender: 'a', recipient: 'b', amount })).toMatchObject({
        ok: false,
        error: { code: 'invalid-transaction', field: 'amount', detail: { code, params: { got: amount } } },
      });
    }
    expect(
      await service.submitTransaction({ sender: 'a', recipient: 'b', amount: true } as never),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-transaction',
        field: 'amount',
        detail: { code: 'tx-amount-not-positive', params: { got: 'a boolean' } },
      },
    });
    expect(await service.submitTransaction({ sender: 'a', recipient: 'b', amount: Infinity })).toMatchObject({
      ok: false,
      error: { code: 'invalid-transaction', field: 'amount', detail: { code: 'tx-amount-not-positive' } },
    });
    expect(await service.addPeers({ addresses: ['nope'] })).toMatchObject({
      ok: false,
      error: { code: 'invalid-address', detail: { code: 'register-none-valid' } },
    });
    expect(await service.updateSettings({ port: 70000 })).toMatchObject({
      ok: false,
      error: { code: 'invalid-settings', field: 'port', detail: { code: 'settings-port' } },
    });
  });

  it('reports bugs as internal and logs them', async () => {
    const node = createFakeNode(1);
    node.resolve = () => Promise.reject(new TypeError('boom'));
    const logError = vi.fn();
    const service = createDashboardService(node, { logError });
    expect(await service.resolve()).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: renderMessage(message('internal', { error: 'boom' })),
        detail: { code: 'internal', params: { error: 'boom' } },
      },
    });
    expect(logError).toHaveBeenCalledOnce();
  });

  it('mines, stops and manages peers', async () => {
    const node = createFakeNode(1);
    const service = createDashboardService(node);
    const mined = service.mine();
    node.settleMine?.();
    expect(await mined).toMatchObject({
      ok: true,
      value: { block: { index: 2, transactionCount: 1 }, tried: 35293 },
    });
    const stopped = service.mine();
    expect(await service.stopMining()).toEqual({ ok: true, value: null });
    expect(await stopped).toMatchObject({ ok: false, error: { code: 'mining-cancelled' } });

    const added = await service.addPeers({ addresses: ['10.0.0.2:5000', 'bad address'] });
    expect(added.ok && added.value).toMatchObject({
      added: ['10.0.0.2:5000'],
      known: [],
      rejected: [{ input: 'bad address', reason: { code: 'address-form', params: {} } }],
      peers: [{ address: '10.0.0.2:5000' }],
    });
    // Adding it again says it is known, not added.
    const again = await service.addPeers({ addresses: ['10.0.0.2:5000'] });
    expect(again.ok && again.value).toMatchObject({ added: [], known: ['10.0.0.2:5000'], reachable: {} });
    expect(await service.removePeer({ address: '10.0.0.9:5000' })).toMatchObject({
      ok: false,
      error: { code: 'not-found' },
    });
    expect(await service.removePeer({ address: '10.0.0.2:5000' })).toEqual({ ok: true, value: [] });
  });

  it('forwards node events and coalesces status', async () => {
    vi.useFakeTimers();
    try {
      const node = createFakeNode(1);
      const service = createDashboardService(node, { statusIntervalMs: 100 });
      const seen: string[] = [];
      service.on('chain', (p) => seen.push(`chain ${p.height} ${p.reason}`));
      service.on('status', (p) => seen.push(`status ${p.height}`));
      service.on('mining', (p) =>
        seen.push(`mining ${p.active} ${p.auto} ${p.hashRate} ${p.blocksPerMinute}`),
      );
      node.emit('chain-changed', { height: 1, reason: 'reset' });
      for (let i = 0; i < 5; i++) node.emit('mining-changed', MINING);
      await vi.advanceTimersByTimeAsync(150);
      expect(seen).toEqual(['chain 1 reset', ...Array(5).fill('mining true true 1200000 3'), 'status 1']);
      service.close();
      expect(node.listenerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('carries the code and params of activity lines, nested messages included', async () => {
    const node = createFakeNode(1);
    const mined: ActivityEntry = {
      id: 1,
      time: 1000,
      kind: 'mined',
      message: 'Mined block 2 with proof 35293 in 0.4 s',
      code: 'mined',
      params: { index: 2, proof: '35293', seconds: '0.4' },
    };
    const failed: ActivityEntry = {
      id: 2,
      time: 1001,
      kind: 'peer-failed',
      message: 'Peer 10.0.0.2:5000: its chain is invalid: block 3: proof 7 is not valid after proof 5',
      code: 'peer-failed',
      params: {
        peer: '10.0.0.2:5000',
        reason: message('peer-invalid', {
          reason: message('block-proof', {
            block: 3,
            proof: '7',
            lastProof: '5',
            profile: 'article',
            difficulty: 4,
          }),
        }),
      },
    };
    // The fake node hands out its own array: lines pushed there are its log.
    node.activity().push(mined, failed);
    const service = createDashboardService(node);
    const snapshot = await service.activity();
    expect(snapshot).toEqual({ ok: true, value: [mined, failed] });
    // Both transports serialize: the nested message survives JSON as it is.
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);

    const heard = vi.fn();
    service.on('activity', heard);
    const replaced: ActivityEntry = {
      id: 3,
      time: 1002,
      kind: 'chain-replaced',
      message: 'Chain replaced by 10.0.0.2:5000’s: 4 blocks beat our 2 blocks',
      code: 'chain-replaced',
      params: { peer: '10.0.0.2:5000', blocks: 4, ours: 2 },
    };
    node.emit('activity', replaced);
    expect(heard).toHaveBeenCalledWith(replaced);
    expect(replaced.message).toBe(renderMessage(message('chain-replaced', replaced.params)));
  });

  it('keeps serving other listeners when one throws', () => {
    const node = createFakeNode(1);
    const logError = vi.fn();
    const service = createDashboardService(node, { logError });
    const good = vi.fn();
    service.on('peers', () => {
      throw new Error('broken window');
    });
    service.on('peers', good);
    const peers = [peerRecord('10.0.0.2:5000', { status: 'online' })];
    node.emit('peers-changed', peers);
    expect(good).toHaveBeenCalledWith(peers);
    expect(logError).toHaveBeenCalledOnce();
  });

  it('coalesces a burst of pending changes into one count, as it is when sent', async () => {
    vi.useFakeTimers();
    try {
      const node = createFakeNode(1);
      const service = createDashboardService(node, { statusIntervalMs: 50 });
      const counts: number[] = [];
      service.on('pending', (p) => counts.push(p.count));
      for (let i = 0; i < 100; i++) await node.submitTransaction({ sender: 'a', recipient: 'b', amount: 1n });
      expect(counts).toEqual([]);
      await vi.advanceTimersByTimeAsync(60);
      expect(counts).toEqual([100]);
      service.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('adds up balances in main, as JSON, and caches them until the chain changes', async () => {
    const node = createFakeNode(1);
    mineBlock(node, [
      { sender: 'alice', recipient: 'bob', amount: 5n },
      { sender: 'bob', recipient: 'alice', amount: 'lots' },
      { sender: '0', recipient: 'miner', amount: 1n },
    ]);
    const service = createDashboardService(node);
    const first = await service.balances();
    expect(first).toEqual({
      ok: true,
      value: {
        height: 2,
        rows: [
          { address: 'bob', name: null, received: '5', sent: '0', balance: '5' },
          { address: 'miner', name: null, received: '1', sent: '0', balance: '1' },
          { address: 'alice', name: null, received: '0', sent: '5', balance: '-5' },
        ],
        skipped: 1,
      },
    });
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
    const again = await service.balances();
    expect(again.ok && first.ok && again.value).toBe(first.ok && first.value);

    mineBlock(node, [{ sender: 'bob', recipient: 'carol', amount: 1.5 }]);
    const grown = await service.balances();
    expect(grown.ok && grown.value.height).toBe(3);
    expect(grown.ok && grown.value.rows.find((r) => r.address === 'bob')).toEqual({
      address: 'bob',
      name: null,
      received: '5.0',
      sent: '1.5',
      balance: '3.5',
    });
    service.close();
  });

  it('names the addresses of known nodes in the balances', async () => {
    const node = createFakeNode(3);
    const service = createDashboardService(node);
    const result = await service.balances();
    expect(result.ok && result.value.rows).toEqual([
      {
        address: 'e3b0c44298fc1c149afbf4c8996fb924',
        name: 'Blockparty node',
        received: '2',
        sent: '0',
        balance: '2',
      },
    ]);
    service.close();
  });

  it('adds only the new block after a mined one, and everything again after a replace or reset', async () => {
    const node = createFakeNode(1);
    mineBlock(node, [{ sender: 'alice', recipient: 'bob', amount: 5n }]);
    mineBlock(node, [{ sender: 'alice', recipient: 'bob', amount: 1n }]);
    const service = createDashboardService(node);
    const bobOf = async () => {
      const result = await service.balances();
      if (!result.ok) throw new Error(result.error.message);
      return result.value.rows.find((r) => r.address === 'bob')?.received ?? null;
    };
    expect(await bobOf()).toBe('6');
    // Rewrite an old block behind the ledger's back: a mined block must not make it read old blocks.
    node.blocks[1] = blockAfter(node.blocks[0]!, [{ sender: 'alice', recipient: 'bob', amount: 100n }]);
    mineBlock(node, [{ sender: 'alice', recipient: 'bob', amount: 1n }]);
    expect(await bobOf()).toBe('7');
    // A replaced chain may differ anywhere: it is added up from the start.
    node.emit('chain-changed', { height: node.blocks.length, reason: 'replaced' });
    expect(await bobOf()).toBe('102');
    // A reset the service was not told about still shows: the last block's hash changed.
    await node.resetChain();
    expect(await service.balances()).toEqual({ ok: true, value: { height: 1, rows: [], skipped: 0 } });
    service.close();
  });

  it('pushes the status when the laptop changes network, checking every 5 s', async () => {
    vi.useFakeTimers();
    try {
      const node = createFakeNode(1);
      const service = createDashboardService(node, { statusIntervalMs: 10 });
      const seen: string[][] = [];
      service.on('status', (s) => seen.push(s.addresses));
      await vi.advanceTimersByTimeAsync(12_000);
      expect(seen).toEqual([]);
      node.addresses = ['http://192.168.1.42:5000'];
      await vi.advanceTimersByTimeAsync(2_000);
      expect(seen).toEqual([]);
      await vi.advanceTimersByTimeAsync(3_100);
      expect(seen).toEqual([['http://192.168.1.42:5000']]);
      await vi.advanceTimersByTimeAsync(20_000);
      expect(seen).toHaveLength(1);
      node.addresses = [];
      await vi.advanceTimersByTimeAsync(5_100);
      expect(seen).toEqual([['http://192.168.1.42:5000'], []]);
      service.close();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('says which added peers answered, asking only them', async () => {
    const node = createFakeNode(1);
    node.answering.add('10.0.0.2:5000');
    const refresh = vi.spyOn(node, 'refreshPeers');
    const service = createDashboardService(node);
    const added = await service.addPeers({ addresses: ['10.0.0.2:5000', '10.0.0.3:5000', 'bad'] });
    expect(added).toMatchObject({
      ok: true,
      value: {
        added: ['10.0.0.2:5000', '10.0.0.3:5000'],
        rejected: [{ input: 'bad' }],
        reachable: { '10.0.0.2:5000': true, '10.0.0.3:5000': false },
        peers: [
          { address: '10.0.0.2:5000', status: 'online', lastError: null },
          {
            address: '10.0.0.3:5000',
            status: 'offline',
            lastError: { code: 'peer-refused', params: { peer: '10.0.0.3:5000' } },
          },
        ],
      },
    });
    expect(refresh).toHaveBeenCalledOnce();
    // Only the new peers are asked, so a peer that is down elsewhere in the list does not slow this down.
    expect(node.refreshed).toEqual([['10.0.0.2:5000', '10.0.0.3:5000']]);
    service.close();
  });
});
