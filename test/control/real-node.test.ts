import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { startDashboard } from '../../src-main/control/headless-dashboard.ts';
import type { RunningNode } from '../../src-main/runtime/start-node.ts';
import type { BalancesDto, BlockDetail, ChainPage, Result, NodeStatus } from '../../src-main/shared/api.ts';
import { CONTROL_EVENTS_PATH } from '../../src-main/shared/api.ts';
import { message, renderMessage } from '../../src-main/shared/messages.ts';
import { startTestNode, tempDir } from '../helpers/node-fixture.ts';

// The headless node's dashboard over a real node: real files, real miner, real sockets.
describe('control API over a real node', () => {
  const temp = tempDir('blockparty-control-');
  let running: RunningNode;
  let dashboard: Awaited<ReturnType<typeof startDashboard>>;
  let base: string;
  let token: string;

  beforeAll(async () => {
    running = await startTestNode(temp.dir, { difficulty: 2, name: 'Control test' });
    dashboard = await startDashboard(running.node, { rendererDir: temp.dir });
    const url = new URL(dashboard.url);
    base = url.origin;
    token = url.searchParams.get('token')!;
  });

  afterAll(async () => {
    await dashboard?.close();
    await running?.close();
    temp.cleanup();
  });

  async function call<T>(operation: string, input?: unknown): Promise<{ status: number; body: Result<T> }> {
    const res = await fetch(`${base}/api/${operation}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input ?? {}),
    });
    return { status: res.status, body: (await res.json()) as Result<T> };
  }

  it('reports a stopped mine as mining-cancelled, the code the dashboard knows', async () => {
    await running.node.updateSettings({ difficulty: 8 });
    try {
      const mining = call('mine');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await call('stopMining')).body).toEqual({ ok: true, value: null });
      const { status, body } = await mining;
      // A stop the user asked for is no failure: 200 with ok false (a browser logs every 4xx).
      expect(status).toBe(200);
      expect(body).toMatchObject({ ok: false, error: { code: 'mining-cancelled' } });
    } finally {
      await running.node.updateSettings({ difficulty: 2 });
    }
  });

  it('prints a loopback URL with a token', () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
  });

  it('shows the status of the real node', async () => {
    const { status, body } = await call('status');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: true,
      value: {
        name: 'Control test',
        height: 1,
        difficulty: 2,
        tutorialCompatible: false,
        port: running.port(),
        portAsked: null,
        // Loopback only (bindAll off): no address another laptop could use.
        addresses: [],
        storageNotices: [],
        mining: { active: false, auto: false, hashRate: 0, blocksPerMinute: 0 },
      },
    });
    if (!body.ok) throw new Error(body.error.message);
    const value = body.value as NodeStatus;
    expect(value.genesisHash).toMatch(/^[0-9a-f]{64}$/);
    expect(value.genesisHash).toBe(value.lastHash);
  });

  it('queues a transaction, mines it, and shows the block with the text behind its hash', async () => {
    const controller = new AbortController();
    const events = await fetch(`${base}${CONTROL_EVENTS_PATH}?token=${token}`, { signal: controller.signal });
    const reader = events.body!.getReader();
    let text = '';
    const readUntil = async (needle: string): Promise<void> => {
      const decoder = new TextDecoder();
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(': connected');

    const tx = await call('submitTransaction', { sender: 'alice', recipient: 'bob', amount: '1.0' });
    expect(tx.body).toMatchObject({ ok: true, value: { index: 2, transaction: { amount: '1.0' } } });

    const mined = await call('mine');
    expect(mined.body).toMatchObject({ ok: true, value: { block: { index: 2, transactionCount: 2 } } });
    await readUntil('event: chain');
    expect(text).toMatch(/event: chain\ndata: \{"height":2,"reason":"mined"\}/);
    controller.abort();

    const page = await call<ChainPage>('chainPage', { newestFirst: true, limit: 1 });
    expect(page.body.ok && page.body.value.total).toBe(2);
    const detail = await call<BlockDetail>('block', { index: 2 });
    if (!detail.body.ok) throw new Error(detail.body.error.message);
    const block = detail.body.value;
    expect(createHash('sha256').update(block.json).digest('hex')).toBe(block.hash);
    expect(block.transactions.map((t) => [t.sender, t.amount, t.reward])).toEqual([
      ['alice', '1.0', false],
      ['0', '1', true],
    ]);
    expect(page.body.ok && page.body.value.blocks[0]!.hash).toBe(block.hash);
  });

  it('adds up the balances of the mined chain in main', async () => {
    const status = await call<NodeStatus>('status');
    if (!status.body.ok) throw new Error(status.body.error.message);
    const { status: code, body } = await call<BalancesDto>('balances');
    expect(code).toBe(200);
    if (!body.ok) throw new Error(body.error.message);
    expect(body.value).toMatchObject({ height: 2, skipped: 0 });
    // The node id (reward) and bob tie at 1, so their order depends on the id: compare as a map.
    expect(Object.fromEntries(body.value.rows.map(({ address, ...rest }) => [address, rest]))).toEqual({
      // The reward's recipient is this node: the row carries its name.
      [status.body.value.nodeId]: { name: 'Control test', received: '1', sent: '0', balance: '1' },
      bob: { name: null, received: '1.0', sent: '0.0', balance: '1.0' },
      alice: { name: null, received: '0.0', sent: '1.0', balance: '-1.0' },
    });
    expect(body.value.rows.at(-1)!.address).toBe('alice');
  });

  it('maps the node errors to codes and statuses', async () => {
    const peer = await call('addPeers', { addresses: ['not an address'] });
    expect(peer.status).toBe(400);
    expect(peer.body).toMatchObject({ ok: false, error: { code: 'invalid-address' } });
    // Every error carries the message the dashboard words in the viewer's language, and its English.
    const settings = await call('updateSettings', { port: -1 });
    expect(settings.status).toBe(400);
    expect(settings.body).toEqual({
      ok: false,
      error: {
        code: 'invalid-settings',
        field: 'port',
        message: renderMessage(message('settings-port')),
        detail: { code: 'settings-port', params: {} },
      },
    });
    const tx = await call('submitTransaction', { sender: 'a', recipient: 'b', amount: '-3' });
    expect(tx.body).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-transaction',
        field: 'amount',
        detail: { code: 'tx-amount-not-positive', params: { got: '-3' } },
      },
    });
    const hex = await call('submitTransaction', { sender: 'a', recipient: 'b', amount: '0x10' });
    expect(hex.body).toMatchObject({
      ok: false,
      error: { code: 'invalid-transaction', field: 'amount', detail: { code: 'tx-amount-text' } },
    });
  });
});
