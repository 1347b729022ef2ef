import { afterEach, describe, expect, it } from 'vitest';
import { ACTIVITY_CODES, NodeError } from '../../src-main/node/types.ts';
import { ActivityLog } from '../../src-main/node/activity.ts';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlockpartyNode, type NodeNetwork } from '../../src-main/node/node.ts';
import { openConfRepository } from '../../src-main/store/conf-store.ts';
import { createProofSearcher } from '../../src-main/mining/index.ts';
import { openTestNode, tempDir } from '../helpers/node-fixture.ts';

const network: NodeNetwork = { port: () => 5000, addresses: () => [], isSelf: () => false };

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function open(overrides = {}) {
  const tmp = tempDir();
  const opened = await openTestNode(tmp.dir, overrides);
  cleanups.push(tmp.cleanup, opened.close);
  return opened.node;
}

const until = async (check: () => boolean, ms = 10_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('mining', () => {
  it('auto-mine forges block after block, and Stop really stops it', async () => {
    const node = await open({ difficulty: 3 });
    await node.updateSettings({ autoMine: true });
    await until(() => node.chain().length >= 4);
    await until(() => node.status().mining.active);
    node.stopMining();
    await until(() => !node.status().mining.active);
    const height = node.chain().length;
    await new Promise((r) => setTimeout(r, 300));
    expect(node.chain().length).toBe(height);
    expect(node.activity().filter((e) => e.kind === 'mined').length).toBe(height - 1);
  });

  it('rejects a stopped mine with mining-cancelled and appends nothing', async () => {
    const node = await open({ difficulty: 7 });
    const mining = node.mine();
    await until(() => node.status().mining.active);
    node.stopMining();
    await expect(mining).rejects.toMatchObject({ code: 'mining-cancelled' });
    expect(node.chain()).toHaveLength(1);
  });

  it('restarts the search on the new tip when the chain is reset meanwhile', async () => {
    const node = await open({ difficulty: 6 });
    const mining = node.mine();
    await until(() => node.status().mining.active);
    const genesisBefore = node.hashAt(0);
    await node.resetChain();
    await node.updateSettings({ difficulty: 3 });
    const { block } = await mining;
    expect(node.hashAt(0)).not.toBe(genesisBefore);
    expect(block.index).toBe(2n);
    expect(block.previous_hash).toBe(node.hashAt(0));
  });
});

describe('settings and input', () => {
  it('refuses bad settings with the field and keeps the old ones', async () => {
    const node = await open();
    await expect(node.updateSettings({ difficulty: 0 })).rejects.toMatchObject({
      code: 'invalid-settings',
      field: 'difficulty',
    });
    await expect(node.updateSettings({ port: 70000 })).rejects.toBeInstanceOf(NodeError);
    expect(node.settings().difficulty).toBe(4);
    expect(node.status().tutorialCompatible).toBe(true);
    await node.updateSettings({ difficulty: 5 });
    expect(node.status().tutorialCompatible).toBe(false);
  });

  it('logs refused input as activity', async () => {
    const node = await open();
    expect(() => node.submitTransaction({ sender: 'a', recipient: 'b', amount: -3n })).toThrow(/amount/);
    expect(node.activity().at(-1)).toMatchObject({ kind: 'rejected-input' });
  });
});

describe('ActivityLog', () => {
  it('keeps only the newest entries', () => {
    const log = new ActivityLog(3);
    for (let i = 0; i < 5; i++) log.add('node', `entry ${i}`, 'error', { message: `entry ${i}` });
    expect(log.entries().map((e) => e.message)).toEqual(['entry 2', 'entry 3', 'entry 4']);
    expect(log.entries().map((e) => e.id)).toEqual([3, 4, 5]);
    expect(log.entries()[0]).toMatchObject({ code: 'error', params: { message: 'entry 2' } });
    expect(log.add('node', 'Chain reset', 'chain-reset').params).toEqual({});
  });
});

describe('activity codes', () => {
  it('records a code and params beside the English message of every line', async () => {
    const node = await open({ difficulty: 2 });
    node.submitTransaction({ sender: 'ana', recipient: 'bo', amount: 3n });
    expect(() => node.submitTransaction({ sender: 'a', recipient: 'b', amount: -3n })).toThrow(/amount/);
    node.registerPeers(['10.0.0.7:5000', 'not an address']);
    node.removePeer('10.0.0.7:5000');
    const { block } = await node.mine();
    await node.updateSettings({ difficulty: 3 });
    await node.resetChain();
    node.reportError('The peer server could not move');
    const lines = node.activity().map(({ kind, code, params, message }) => ({ kind, code, params, message }));
    expect(lines).toEqual([
      {
        kind: 'node',
        code: 'node-started',
        params: { blocks: 1, pending: 0 },
        message: 'Node started with 1 blocks and 0 pending transactions',
      },
      {
        kind: 'transaction',
        code: 'transaction-queued',
        params: { tx: 'ana → bo (3)', index: 2 },
        message: 'Transaction ana → bo (3) will go into block 2',
      },
      {
        kind: 'rejected-input',
        code: 'transaction-refused',
        params: { reason: expect.stringMatching(/amount/) },
        message: expect.stringMatching(/^Transaction refused: .*amount/),
      },
      {
        kind: 'peer-added',
        code: 'peer-added',
        params: { peer: '10.0.0.7:5000' },
        message: 'Peer 10.0.0.7:5000 added',
      },
      {
        kind: 'rejected-input',
        code: 'address-refused',
        params: { input: 'not an address', reason: expect.any(String) },
        message: expect.stringMatching(/^Address "not an address" refused: /),
      },
      {
        kind: 'peer-removed',
        code: 'peer-removed',
        params: { peer: '10.0.0.7:5000' },
        message: 'Peer 10.0.0.7:5000 removed',
      },
      {
        kind: 'mined',
        code: 'mined',
        params: { index: 2, proof: String(block.proof), seconds: expect.stringMatching(/^\d+\.\d$/) },
        message: expect.stringMatching(
          new RegExp(`^Mined block 2 with proof ${block.proof} in \\d+\\.\\d s$`),
        ),
      },
      {
        kind: 'node',
        code: 'difficulty-changed',
        params: { difficulty: 3 },
        message: 'Difficulty changed to 3',
      },
      {
        kind: 'node',
        code: 'chain-reset',
        params: {},
        message: 'Chain reset to a new genesis block; pending transactions cleared',
      },
      {
        kind: 'error',
        code: 'error',
        params: { message: 'The peer server could not move' },
        message: 'The peer server could not move',
      },
    ]);
    for (const line of lines) expect(ACTIVITY_CODES).toContain(line.code);
  });

  it('words a profile change with its code', async () => {
    const node = await open();
    await node.updateSettings({ profile: 'dvf' });
    expect(node.activity().at(-1)).toMatchObject({
      code: 'profile-changed',
      params: { profile: 'dvf' },
      message: 'Profile changed to dvf: the chain restarted from a new genesis block',
    });
  });
});

describe('storage failures and crashes', () => {
  it('keeps the chain and the pending pool when the disk refuses a mined block', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const repo = openConfRepository(tmp.dir);
    let failNext = false;
    const flaky = {
      ...repo,
      dir: repo.dir,
      appendBlocks: (blocks: Parameters<typeof repo.appendBlocks>[0]) =>
        failNext ? Promise.reject(new Error('ENOSPC: no space left on device')) : repo.appendBlocks(blocks),
    };
    const searcher = createProofSearcher({ workers: 1 });
    const node = await BlockpartyNode.open({ repo: flaky, searcher, network, overrides: { difficulty: 3 } });
    cleanups.push(async () => {
      await node.close();
      await searcher.close();
    });
    node.submitTransaction({ sender: 'a', recipient: 'b', amount: 1n });
    failNext = true;
    await expect(node.mine()).rejects.toMatchObject({ code: 'storage-failed', message: /no space left/ });
    expect(node.chain()).toHaveLength(1);
    expect(node.pending()).toHaveLength(1);
    expect(node.activity().at(-1)).toMatchObject({
      kind: 'error',
      code: 'chain-save-failed',
      params: { dir: tmp.dir, error: 'ENOSPC: no space left on device' },
    });
    failNext = false;
    await node.mine();
    expect(node.chain()).toHaveLength(2);
    expect(node.pending()).toHaveLength(0);
  });

  it('after a crash between saving a block and saving the pool, does not mine its transactions twice', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const first = await openTestNode(tmp.dir, { difficulty: 3 });
    const tx = { sender: 'a', recipient: 'b', amount: 2n };
    first.node.submitTransaction(tx);
    const genesisHash = first.node.hashAt(0);
    await first.node.mine();
    await first.close();
    // What the disk holds if the process died right after the block was saved: the old pool and tip.
    const repo = openConfRepository(tmp.dir);
    repo.savePending([tx, { sender: 'c', recipient: 'd', amount: 3n }], genesisHash);
    await repo.close();
    const again = await openTestNode(tmp.dir);
    cleanups.push(again.close);
    expect(again.node.chain()).toHaveLength(2);
    expect(again.node.pending()).toEqual([{ sender: 'c', recipient: 'd', amount: 3n }]);
  });

  it('tells the profile from the genesis block when the settings file was lost', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const first = await openTestNode(tmp.dir, { profile: 'dvf', difficulty: 3 });
    await first.node.mine();
    const chain = first.node.chainJson();
    await first.close();
    rmSync(join(tmp.dir, 'node.json'));
    const again = await openTestNode(tmp.dir, { difficulty: 3 });
    cleanups.push(again.close);
    expect(again.node.settings().profile).toBe('dvf');
    expect(again.node.chainJson()).toBe(chain);
  });

  it('keeps the sound beginning of a saved chain whose link was broken on disk', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const first = await openTestNode(tmp.dir, { difficulty: 2 });
    for (let i = 0; i < 4; i++) await first.node.mine();
    const third = first.node.hashAt(2);
    await first.close();
    const file = join(tmp.dir, 'chain.log');
    const lines = readFileSync(file, 'utf8').split('\n');
    lines[3] = lines[3]!.replace(third, 'f'.repeat(64));
    writeFileSync(file, lines.join('\n'));
    const again = await openTestNode(tmp.dir);
    cleanups.push(again.close);
    expect(again.node.chain()).toHaveLength(3);
    const broken = again.node.activity().find((e) => /broken at block 4/.test(e.message));
    expect(broken).toMatchObject({ kind: 'error', code: 'error', params: { message: broken?.message } });
    expect(again.node.activity().at(-1)).toMatchObject({ code: 'node-started', params: { blocks: 3 } });
  });
});
