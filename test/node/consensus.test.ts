import { afterEach, describe, expect, it } from 'vitest';
import { parsePyJson } from '../../src-main/chain/json.ts';
import { validateChain } from '../../src-main/chain/validate.ts';
import type { RunningNode } from '../../src-main/runtime/start-node.ts';
import { renderMessage } from '../../src-main/shared/messages.ts';
import { chainValue } from '../chain/chain-helpers.ts';
import { startTestNode, tempDir } from '../helpers/node-fixture.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function startPair(): Promise<[RunningNode, RunningNode]> {
  const nodes: RunningNode[] = [];
  for (let i = 0; i < 2; i++) {
    const tmp = tempDir();
    const running = await startTestNode(tmp.dir, { name: `node ${'ab'[i]}` });
    cleanups.push(tmp.cleanup, () => running.close());
    nodes.push(running);
  }
  return nodes as [RunningNode, RunningNode];
}

const txs = (list: readonly { text: string }[]): unknown[] => list.map((t) => parsePyJson(t.text));

describe('consensus between two nodes over real sockets', () => {
  it('adopts a longer chain and puts our discarded transactions back', async () => {
    const [a, b] = await startPair();
    await a.node.submitTransaction({ sender: 'ana', recipient: 'bo', amount: 3n });
    await a.node.mine();
    await a.node.submitTransaction({ sender: 'cy', recipient: 'di', amount: 1.5 });
    await b.node.mine();
    await b.node.mine();
    await b.node.mine();
    a.node.registerPeers([`127.0.0.1:${b.port()}`]);
    await a.node.refreshPeers();

    const report = await a.node.resolve();
    expect(report).toMatchObject({
      replaced: true,
      winner: `127.0.0.1:${b.port()}`,
      winnerName: 'node b',
      ourLengthBefore: 2,
      ourLengthAfter: 4,
      // Every node makes its own genesis, so the whole chain was replaced, and the report says why.
      replacedFrom: 1,
      otherGenesis: true,
    });
    expect(report.discarded).toHaveLength(2);
    expect(txs(report.restored)).toEqual([{ sender: 'ana', recipient: 'bo', amount: 3n }]);
    expect(report.peers).toEqual([
      expect.objectContaining({ outcome: 'adopted', blocks: 4, name: 'node b' }),
    ]);
    expect(a.node.chainJson()).toBe(b.node.chainJson());
    // The reward of our discarded block is not restored; the pending transaction stays.
    expect(txs(a.node.pending())).toEqual([
      { sender: 'ana', recipient: 'bo', amount: 3n },
      { sender: 'cy', recipient: 'di', amount: 1.5 },
    ]);
    expect(a.node.activity().at(-1)).toMatchObject({
      kind: 'chain-replaced',
      code: 'chain-replaced-restored',
      params: { peer: 'node b', blocks: 4, ours: 2, restored: 1 },
      message:
        'Chain replaced by node b’s: 4 blocks beat our 2 blocks; 1 transaction back in the pending pool',
    });
    // The node whose chain won learns it did.
    const deadline = Date.now() + 5000;
    while (!b.node.activity().some((e) => e.code === 'chain-won') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(b.node.activity().find((e) => e.code === 'chain-won')).toMatchObject({
      params: { peer: 'node a', blocks: 4 },
    });
  });

  it('keeps our chain when the peer is not longer, and says so in words', async () => {
    const [a, b] = await startPair();
    await a.node.mine();
    await b.node.mine();
    a.node.registerPeers([`localhost:${b.port()}`]);
    const before = a.node.chainJson();
    const report = await a.node.resolve();
    expect(report.replaced).toBe(false);
    expect(report.peers[0]).toMatchObject({
      peer: `127.0.0.1:${b.port()}`,
      outcome: 'not-longer',
      blocks: 2,
    });
    expect(renderMessage(report.peers[0]!.reason!)).toBe(
      'not longer than ours: 2 blocks against our 2 blocks',
    );
    expect(a.node.chainJson()).toBe(before);
    expect(a.node.activity().at(-1)).toMatchObject({
      kind: 'chain-kept',
      code: 'chain-kept',
      params: { blocks: 2 },
    });
  });

  it('never mixes chains when resolves and mining run at the same time', async () => {
    const [a, b] = await startPair();
    for (let i = 0; i < 4; i++) await b.node.mine();
    a.node.registerPeers([`127.0.0.1:${b.port()}`]);
    const mining = a.node.mine();
    const [r1, r2] = await Promise.all([a.node.resolve(), a.node.resolve()]);
    expect(r1).toBe(r2);
    const mined = await mining;
    const chain = a.node.chain();
    expect(validateChain(chainValue(chain), { profile: 'article', difficulty: 4 }).ok).toBe(true);
    // Either our block was mined before the resolve (and then replaced) or on top of the adopted chain.
    expect(chain.slice(0, 5).map((x) => x.hash)).toEqual(b.node.chain().map((x) => x.hash));
    if (chain.length === 6) expect(chain[5]).toBe(mined.block);
  });

  it('adopts nothing when the difficulty changes while the peers are asked', async () => {
    const [a, b] = await startPair();
    await b.node.mine();
    await b.node.mine();
    a.node.registerPeers([`127.0.0.1:${b.port()}`]);
    const resolving = a.node.resolve();
    await a.node.updateSettings({ difficulty: 5 });
    const report = await resolving;
    expect(report.replaced).toBe(false);
    expect(report.peers[0]!.reason).toMatchObject({ code: 'peer-rules-changed' });
    expect(a.node.activity().at(-1)).toMatchObject({ kind: 'chain-kept', code: 'resolve-ignored' });
    expect(a.node.chain()).toHaveLength(1);
  });

  it('refreshes peers: online, latency, height, kind, name, rules and whether they share our network', async () => {
    const [a, b] = await startPair();
    await b.node.mine();
    a.node.registerPeers([`127.0.0.1:${b.port()}`, '127.0.0.1:1']);
    const peers = await a.node.refreshPeers();
    expect(peers[0]).toMatchObject({
      status: 'online',
      kind: 'blockparty',
      id: b.node.id,
      name: 'node b',
      profile: 'article',
      difficulty: 4,
      height: 2,
      incompatible: { code: 'peer-other-genesis' },
    });
    expect(peers[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(peers[1]).toMatchObject({ status: 'offline', lastError: { code: 'peer-refused' } });
    // Asking one peer leaves the others as they were.
    await b.close();
    const again = await a.node.refreshPeers(['127.0.0.1:1']);
    expect(again[0]).toMatchObject({ status: 'online' });
    expect(a.node.nameOf(b.node.id)).toBe('node b');
  });
});

describe('persistence', () => {
  it('keeps chain, pending pool, peers, node id and settings across a restart', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const first = await startTestNode(tmp.dir, { name: 'Ana' });
    await first.node.mine();
    await first.node.submitTransaction({ sender: 'a', recipient: 'b', amount: 1.0 });
    first.node.registerPeers(['192.168.7.7:5000']);
    const id = first.node.id;
    const chain = first.node.chainJson();
    const pending = first.node.pending();
    await first.close();

    const second = await startTestNode(tmp.dir);
    cleanups.push(() => second.close());
    expect(second.node.id).toBe(id);
    expect(second.node.chainJson()).toBe(chain);
    expect(second.node.pending()).toEqual(pending);
    expect(pending[0]!.text).toBe('{"amount": 1.0, "recipient": "b", "sender": "a"}');
    expect(second.node.peers().map((p) => p.address)).toEqual(['192.168.7.7:5000']);
    expect(second.node.settings().name).toBe('Ana');
  });

  it('refuses to reopen a saved chain under another profile instead of losing it', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const first = await startTestNode(tmp.dir);
    await first.node.mine();
    const chain = first.node.chainJson();
    await first.close();
    await expect(startTestNode(tmp.dir, { profile: 'dvf' })).rejects.toMatchObject({
      code: 'profile-mismatch',
    });
    const again = await startTestNode(tmp.dir);
    cleanups.push(() => again.close());
    expect(again.node.chainJson()).toBe(chain);
    expect(again.node.settings().profile).toBe('article');
  });

  it('takes the next port when the asked one is busy, and says which it asked for', async () => {
    const [a] = await startPair();
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const b = await startTestNode(tmp.dir, { port: a.port() });
    cleanups.push(() => b.close());
    expect(b.port()).not.toBe(a.port());
    expect(b.node.status()).toMatchObject({ port: b.port(), portAsked: a.port() });
  });
});
