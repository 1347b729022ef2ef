import { afterEach, describe, expect, it } from 'vitest';
import { validateChain } from '../../src-main/chain/validate.ts';
import { blockToPy } from '../../src-main/chain/block.ts';
import type { RunningNode } from '../../src-main/node/runtime.ts';
import { startTestNode, tempDir } from '../helpers/node-fixture.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function startPair(): Promise<[RunningNode, RunningNode]> {
  const nodes: RunningNode[] = [];
  for (let i = 0; i < 2; i++) {
    const tmp = tempDir();
    const running = await startTestNode(tmp.dir);
    cleanups.push(tmp.cleanup, () => running.close());
    nodes.push(running);
  }
  return nodes as [RunningNode, RunningNode];
}

describe('consensus between two nodes over real sockets', () => {
  it('adopts a longer chain and puts our discarded transactions back', async () => {
    const [a, b] = await startPair();
    a.node.submitTransaction({ sender: 'ana', recipient: 'bo', amount: 3n });
    await a.node.mine();
    a.node.submitTransaction({ sender: 'cy', recipient: 'di', amount: 1.5 });
    await b.node.mine();
    await b.node.mine();
    await b.node.mine();
    a.node.registerPeers([`127.0.0.1:${b.port()}`]);

    const report = await a.node.resolve();
    expect(report.replaced).toBe(true);
    expect(report.winner).toBe(`127.0.0.1:${b.port()}`);
    expect(report.ourLengthBefore).toBe(2);
    expect(report.ourLengthAfter).toBe(4);
    // Every node makes its own genesis, so the whole chain was replaced.
    expect(report.replacedFrom).toBe(1);
    expect(report.discarded).toHaveLength(2);
    expect(report.restored).toEqual([{ sender: 'ana', recipient: 'bo', amount: 3n }]);
    expect(report.peers).toEqual([expect.objectContaining({ outcome: 'adopted', blocks: 4 })]);
    expect(a.node.chainJson()).toBe(b.node.chainJson());
    // The reward of our discarded block is not restored; the pending transaction stays.
    expect(a.node.pending()).toEqual([
      { sender: 'ana', recipient: 'bo', amount: 3n },
      { sender: 'cy', recipient: 'di', amount: 1.5 },
    ]);
    expect(a.node.activity().at(-1)).toMatchObject({
      kind: 'chain-replaced',
      code: 'chain-replaced-restored',
      params: { peer: `127.0.0.1:${b.port()}`, blocks: 4, ours: 2, restored: 1 },
      message: `Chain replaced by 127.0.0.1:${b.port()}'s: 4 blocks beat our 2; 1 transactions back in the pending pool`,
    });
  });

  it('keeps our chain when the peer is not longer', async () => {
    const [a, b] = await startPair();
    await a.node.mine();
    await b.node.mine();
    a.node.registerPeers([`localhost:${b.port()}`]);
    const before = a.node.chainJson();
    const report = await a.node.resolve();
    expect(report.replaced).toBe(false);
    expect(report.peers[0]).toMatchObject({ outcome: 'shorter-or-equal', blocks: 2 });
    expect(a.node.chainJson()).toBe(before);
    expect(a.node.activity().at(-1)).toMatchObject({
      kind: 'chain-kept',
      code: 'chain-kept',
      params: { blocks: 2 },
      message: 'Our chain (2 blocks) is authoritative',
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
    const checked = validateChain(chain.map(blockToPy), { profile: 'article', difficulty: 4 });
    expect(checked.ok).toBe(true);
    // Either our block was mined before the resolve (and then replaced) or on top of the adopted chain.
    expect(chain.slice(0, 5).map((x) => x.proof)).toEqual(b.node.chain().map((x) => x.proof));
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
    expect(report.peers[0]!.reason).toMatch(/changed during the resolve/);
    expect(a.node.activity().at(-1)).toMatchObject({
      kind: 'chain-kept',
      code: 'resolve-ignored',
      params: {},
    });
    expect(a.node.chain()).toHaveLength(1);
  });

  it('refreshes peers: online, latency, height and kind', async () => {
    const [a, b] = await startPair();
    await b.node.mine();
    a.node.registerPeers([`127.0.0.1:${b.port()}`, '127.0.0.1:1']);
    const peers = await a.node.refreshPeers();
    expect(peers[0]).toMatchObject({ online: true, kind: 'blockparty', profile: 'article', height: 2 });
    expect(peers[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(peers[1]).toMatchObject({ online: false });
    expect(peers[1]!.lastError).toMatch(/nothing is listening/);
    // Asking one peer leaves the others as they were.
    await b.close();
    const again = await a.node.refreshPeers(['127.0.0.1:1']);
    expect(again[0]).toMatchObject({ online: true });
  });
});

describe('persistence', () => {
  it('keeps chain, pending pool, peers, node id and settings across a restart', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const first = await startTestNode(tmp.dir, { name: 'Ana' });
    await first.node.mine();
    first.node.submitTransaction({ sender: 'a', recipient: 'b', amount: 1.0 });
    first.node.registerPeers(['192.168.7.7:5000']);
    const id = first.node.id;
    const chain = first.node.chainJson();
    await first.close();

    const second = await startTestNode(tmp.dir);
    cleanups.push(() => second.close());
    expect(second.node.id).toBe(id);
    expect(second.node.chainJson()).toBe(chain);
    expect(second.node.pending()).toEqual([{ sender: 'a', recipient: 'b', amount: 1.0 }]);
    expect(typeof second.node.pending()[0]!['amount']).toBe('number');
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

  it('takes the next port when the asked one is busy', async () => {
    const [a] = await startPair();
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const b = await startTestNode(tmp.dir, { port: a.port() });
    cleanups.push(() => b.close());
    expect(b.port()).not.toBe(a.port());
    expect(b.portNote()).toContain(`Port ${a.port()} is taken`);
  });
});
