import { afterEach, describe, expect, it } from 'vitest';
import { NodeError } from '../../src-main/node/types.ts';
import { ActivityLog } from '../../src-main/node/activity.ts';
import { openTestNode, tempDir } from '../helpers/node-fixture.ts';

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
    for (let i = 0; i < 5; i++) log.add('node', `entry ${i}`);
    expect(log.entries().map((e) => e.message)).toEqual(['entry 2', 'entry 3', 'entry 4']);
    expect(log.entries().map((e) => e.id)).toEqual([3, 4, 5]);
  });
});
