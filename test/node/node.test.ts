import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePyJson } from '../../src-main/chain/json.ts';
import { ActivityLog } from '../../src-main/node/activity.ts';
import type { BlockpartyNode } from '../../src-main/node/node.ts';
import { NodeError } from '../../src-main/shared/errors.ts';
import { MESSAGE_CODES, message, renderMessage } from '../../src-main/shared/messages.ts';
import { PENDING_MAX } from '../../src-main/shared/transaction.ts';
import { openConfStorage } from '../../src-main/store/conf-store.ts';
import { openTestNode, tempDir } from '../helpers/node-fixture.ts';
import { mountSmallDisk } from '../helpers/tmpfs.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function open(overrides = {}, dir?: string): Promise<BlockpartyNode> {
  const tmp = dir === undefined ? tempDir() : { dir, cleanup: () => undefined };
  const opened = await openTestNode(tmp.dir, overrides);
  cleanups.push(tmp.cleanup, opened.close);
  return opened.node;
}

/** Waits for a node event that satisfies `check` (no polling, no sleeps). */
function next<K extends Parameters<BlockpartyNode['on']>[0]>(
  node: BlockpartyNode,
  event: K,
  check: (payload: Parameters<Parameters<BlockpartyNode['on']>[1]>[0] & never) => boolean = () => true,
): Promise<void> {
  return new Promise((resolve) => {
    const off = node.on(event, (payload) => {
      if ((check as (p: unknown) => boolean)(payload)) {
        off();
        resolve();
      }
    });
  });
}

const pendingTxs = (node: BlockpartyNode): unknown[] => node.pending().map((tx) => parsePyJson(tx.text));
const byText = (a: unknown, b: unknown): number =>
  JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? String(v) : v)).localeCompare(
    JSON.stringify(b, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
  );

describe('mining', () => {
  it('auto-mine is a state: active from one block to the next, block after block, until Stop turns it off', async () => {
    const node = await open({ difficulty: 3 });
    const states: boolean[] = [];
    node.on('mining-changed', (s) => states.push(s.active));
    const fourBlocks = next(node, 'chain-changed', ((c: { height: number }) => c.height >= 4) as never);
    await node.updateSettings({ autoMine: true });
    await fourBlocks;
    // Never "idle" between blocks while auto-mine is on.
    expect(states.every((active) => active)).toBe(true);
    expect(node.status().mining).toMatchObject({ active: true, auto: true });
    node.stopMining();
    expect(node.status().mining).toMatchObject({ active: expect.any(Boolean), auto: false });
    // Stop turns the saved switch off too: it never reads ON while nothing is mined.
    expect(node.settings().autoMine).toBe(false);
    await node.mine().catch(() => undefined);
    const height = node.chain().length;
    expect(node.status().mining.active).toBe(false);
    expect(node.chain().length).toBe(height);
    expect(node.status().mining.blocksPerMinute).toBeGreaterThanOrEqual(3);
  });

  it('resumes auto-mine at start when it was saved on', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const first = await openTestNode(tmp.dir, { difficulty: 3, autoMine: true });
    expect(first.node.status().mining).toMatchObject({ active: true, auto: true });
    await first.close();
    const again = await openTestNode(tmp.dir);
    cleanups.push(again.close);
    expect(again.node.settings().autoMine).toBe(true);
    const grown = again.node.chain().length;
    await next(again.node, 'chain-changed');
    expect(again.node.chain().length).toBe(grown + 1);
  });

  it('rejects a stopped mine with mining-cancelled and appends nothing', async () => {
    const node = await open({ difficulty: 7 });
    const mining = node.mine();
    expect(node.status().mining.active).toBe(true);
    node.stopMining();
    await expect(mining).rejects.toMatchObject({ code: 'mining-cancelled' });
    expect(node.chain()).toHaveLength(1);
  });

  it('restarts the search on the new tip when the chain is reset meanwhile', async () => {
    const node = await open({ difficulty: 6 });
    const mining = node.mine();
    const genesisBefore = node.chain()[0]!.hash;
    await node.resetChain();
    await node.updateSettings({ difficulty: 3 });
    const { block } = await mining;
    expect(node.chain()[0]!.hash).not.toBe(genesisBefore);
    expect(block.index).toBe(2);
    expect(block.decode().previous_hash).toBe(node.chain()[0]!.hash);
  });

  it('puts transactions posted during the search into the block, exactly once, and keeps later ones', async () => {
    const node = await open({ difficulty: 4 });
    const mining = node.mine();
    await node.submitTransaction({ sender: 'during', recipient: 'search', amount: 1n });
    const { block } = await mining;
    expect(block.text).toContain('"sender": "during"');
    expect(node.pending()).toEqual([]);
    await node.submitTransaction({ sender: 'after', recipient: 'x', amount: 2n });
    expect(pendingTxs(node)).toEqual([{ sender: 'after', recipient: 'x', amount: 2n }]);
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
    await expect(node.updateSettings({ port: 'abc' as unknown as number })).rejects.toMatchObject({
      field: 'port',
    });
    expect(node.settings().difficulty).toBe(4);
    expect(node.status().tutorialCompatible).toBe(true);
    await node.updateSettings({ difficulty: 5 });
    expect(node.status().tutorialCompatible).toBe(false);
  });

  it('switches the profile by writing the new genesis first, so a crash can never mix the two', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const first = await openTestNode(tmp.dir, { difficulty: 2 });
    await first.node.mine();
    await first.node.updateSettings({ profile: 'dvf' });
    expect(first.node.chain()).toHaveLength(1);
    await first.close();
    // The settings file lost (a crash right after the chain was written): the chain says dvf.
    rmSync(join(tmp.dir, 'node.json'));
    const again = await openTestNode(tmp.dir);
    cleanups.push(again.close);
    expect(again.node.settings().profile).toBe('dvf');
  });

  it('refuses to reopen a chain under another profile given on the command line', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const first = await openTestNode(tmp.dir, { difficulty: 2 });
    await first.close();
    await expect(openTestNode(tmp.dir, { profile: 'dvf' })).rejects.toMatchObject({
      code: 'profile-mismatch',
    });
  });

  it('refuses bad transactions with the field and logs them as activity', async () => {
    const node = await open();
    await expect(node.submitTransaction({ sender: 'a', recipient: 'b', amount: -3n })).rejects.toMatchObject({
      code: 'invalid-transaction',
      field: 'amount',
    });
    await expect(
      node.submitTransaction({ sender: 'x'.repeat(4000), recipient: 'b', amount: 3n }),
    ).rejects.toMatchObject({
      field: 'sender',
      detail: { code: 'tx-field-too-long' },
    });
    expect(node.activity().at(-1)).toMatchObject({ kind: 'rejected-input', code: 'transaction-refused' });
    expect(node.pending()).toEqual([]);
  });
});

describe('ActivityLog', () => {
  it('keeps only the newest entries, each with its code, params and English', () => {
    const log = new ActivityLog(3);
    for (let i = 0; i < 5; i++) log.add('node', message('difficulty-changed', { difficulty: i }));
    expect(log.entries().map((e) => e.message)).toEqual([
      'Difficulty changed to 2',
      'Difficulty changed to 3',
      'Difficulty changed to 4',
    ]);
    expect(log.entries().map((e) => e.id)).toEqual([3, 4, 5]);
    expect(log.entries()[0]).toMatchObject({ code: 'difficulty-changed', params: { difficulty: 2 } });
  });
});

describe('activity lines', () => {
  it('records a known code, its params and its English for every line', async () => {
    const node = await open({ difficulty: 2 });
    await node.submitTransaction({ sender: 'ana', recipient: 'bo', amount: 3n });
    await node.submitTransaction({ sender: 'a', recipient: 'b', amount: -3n }).catch(() => undefined);
    node.registerPeers(['10.0.0.7:5000', 'not an address']);
    node.removePeer('10.0.0.7:5000');
    const { block } = await node.mine();
    await node.updateSettings({ difficulty: 3 });
    await node.resetChain();
    const lines = node.activity();
    expect(lines.map((l) => l.code)).toEqual([
      'node-started',
      'transaction-queued',
      'transaction-refused',
      'peer-added',
      'address-refused',
      'peer-removed',
      'mined',
      'difficulty-changed',
      'chain-reset',
    ]);
    expect(lines.map((l) => l.message)).toEqual([
      'Node started with 1 block and no pending transactions',
      'Transaction ana → bo (3) will go into block 2',
      'Transaction refused: amount must be a positive number such as 5 or 2.5, got -3',
      'Peer 10.0.0.7:5000 added',
      'Address “not an address” refused: write the address as host:port, like 192.168.0.5:5000',
      'Peer 10.0.0.7:5000 removed',
      expect.stringMatching(new RegExp(`^Mined block 2 with proof ${block.decode().proof} in \\d+\\.\\d s$`)),
      'Difficulty changed to 3',
      'Chain reset to a new genesis block; pending transactions cleared',
    ]);
    for (const line of lines) {
      expect(MESSAGE_CODES).toContain(line.code);
      expect(renderMessage({ code: line.code as never, params: line.params })).toBe(line.message);
    }
  });
});

describe('the pending pool', () => {
  it('is bounded: past PENDING_MAX a transaction is refused until a block is mined', async () => {
    const node = await open({ difficulty: 1 });
    await Promise.all(
      Array.from({ length: PENDING_MAX }, (_, i) =>
        node.submitTransaction({ sender: 's', recipient: 'r', amount: BigInt(i + 1) }),
      ),
    );
    await expect(node.submitTransaction({ sender: 's', recipient: 'r', amount: 1n })).rejects.toMatchObject({
      code: 'pool-full',
    });
    await node.mine();
    expect(node.pending()).toEqual([]);
    await node.submitTransaction({ sender: 's', recipient: 'r', amount: 1n });
  });

  it('keeps every acknowledged transaction across a restart, ids included, exactly once', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const first = await openTestNode(tmp.dir, { difficulty: 2 });
    const acked = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        first.node.submitTransaction({ sender: `s${i}`, recipient: 'r', amount: 1.0 }),
      ),
    );
    await first.node.mine();
    const more = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        first.node.submitTransaction({ sender: `t${i}`, recipient: 'r', amount: 2n }),
      ),
    );
    const chainText = first.node.chainJson();
    const pendingBefore = first.node.pending();
    // No close(): what is on disk is what a crash leaves.
    const again = await openTestNode(tmp.dir, {}, { storage: openConfStorage(tmp.dir) });
    cleanups.push(first.close, again.close);
    expect(again.node.chainJson()).toBe(chainText);
    expect(again.node.pending()).toEqual(pendingBefore);
    expect(again.node.pending().map((t) => t.id)).toEqual(more.map((m) => m.transaction.id));
    for (const { transaction } of acked) expect(chainText).toContain(transaction.text);
  });
});

describe('storage', () => {
  it('on a full disk refuses the transaction or the block with the cause, changes nothing, and goes on once there is room', async () => {
    const disk = mountSmallDisk(256 * 1024);
    cleanups.push(() => disk.destroy());
    const node = await open({ difficulty: 2 }, join(disk.dir, 'node'));
    const filler = join(disk.dir, 'filler');
    // Fill what is left of the disk.
    for (let size = 256 * 1024; size >= 512;) {
      try {
        writeFileSync(`${filler}-${size}-${Math.random()}`, Buffer.alloc(size));
      } catch {
        size = Math.floor(size / 2);
      }
    }
    // The log's last page may still have room: post until the disk refuses.
    const acked: unknown[] = [];
    let refused: unknown = null;
    for (let i = 0; refused === null; i++) {
      const tx = { sender: `sender-${i}-${'x'.repeat(100)}`, recipient: 'b', amount: BigInt(i + 1) };
      await node.submitTransaction(tx).then(
        () => acked.push(tx),
        (e: unknown) => (refused = e),
      );
    }
    expect(refused).toMatchObject({ code: 'storage-failed', detail: { code: 'storage-full' } });
    expect(renderMessage((refused as NodeError).detail)).toMatch(
      /the disk holding .* is full: free some space/,
    );
    const mined = await node.mine().catch((e: NodeError) => e);
    expect(mined).toMatchObject({ code: 'storage-failed', detail: { code: 'storage-full' } });
    expect(node.chain()).toHaveLength(1);
    expect(pendingTxs(node)).toEqual(acked);
    expect(node.activity().at(-1)).toMatchObject({
      kind: 'error',
      code: 'auto-mine-stopped' in {} ? '' : expect.any(String),
    });
    for (const file of readdirSync(disk.dir).filter((f) => f.startsWith('filler')))
      rmSync(join(disk.dir, file));
    const { block } = await node.mine();
    expect(node.chain()).toHaveLength(2);
    expect(node.pending()).toEqual([]);
    expect(block.decode().transactions.slice(0, -1)).toEqual(acked);
  });

  it('keeps a hand-edited chain.log aside whole, cuts at the edited block, and puts the cut transactions back', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const first = await openTestNode(tmp.dir, { difficulty: 2 });
    for (let i = 0; i < 5; i++) {
      await first.node.submitTransaction({ sender: `ana${i}`, recipient: 'bo', amount: BigInt(i + 1) });
      await first.node.mine();
    }
    await first.node.submitTransaction({ sender: 'still', recipient: 'pending', amount: 9n });
    await first.close();
    const file = join(tmp.dir, 'chain.log');
    const original = readFileSync(file, 'utf8');
    // Block 3 holds ana1 → bo (2): a student changes the amount in it.
    const edited = original
      .split('\n')
      .map((line) =>
        line.startsWith('{"index": 3,')
          ? line.replace('{"amount": 2, "recipient": "bo"', '{"amount": 2000, "recipient": "bo"')
          : line,
      )
      .join('\n');
    expect(edited).not.toBe(original);
    writeFileSync(file, edited);
    const again = await openTestNode(tmp.dir);
    cleanups.push(again.close);
    expect(again.node.chain()).toHaveLength(2);
    // The transactions of blocks 3–6 came back (the edited one as it now reads), the pending one
    // stayed; the log still held the record of the transaction as it was posted (2), which the edited
    // block no longer matches, so that one is pending too: nothing the log holds is lost.
    expect(pendingTxs(again.node).sort(byText)).toEqual(
      [
        { amount: 2n, recipient: 'bo', sender: 'ana1' },
        { amount: 9n, recipient: 'pending', sender: 'still' },
        { amount: 2000n, recipient: 'bo', sender: 'ana1' },
        { amount: 4n, recipient: 'bo', sender: 'ana3' },
        { amount: 5n, recipient: 'bo', sender: 'ana4' },
      ]
        .concat([{ amount: 3n, recipient: 'bo', sender: 'ana2' }])
        .sort(byText),
    );
    const aside = readdirSync(tmp.dir).find((f) => f.startsWith('chain.log.damaged-'))!;
    expect(readFileSync(join(tmp.dir, aside), 'utf8')).toBe(edited);
    const notice = again.node.status().storageNotices[0]!;
    expect(notice.code).toBe('storage-damaged-chain');
    expect(renderMessage(notice)).toMatch(
      new RegExp(
        `chain.log is damaged at block 3 .*kept as ${aside.replaceAll('.', '\\.')}.*first 2 blocks .* of the 4 blocks after them back .*copy ${aside.replaceAll('.', '\\.')} over chain\\.log`,
      ),
    );
    // Restarting again finds a sound log: nothing more is cut.
    await again.close();
    cleanups.pop();
    const third = await openTestNode(tmp.dir);
    cleanups.push(third.close);
    expect(third.node.chain()).toHaveLength(2);
    expect(third.node.status().storageNotices).toEqual([]);
    expect(third.node.pending()).toHaveLength(6);
  });

  it('moves a pending pool saved by an older version into the chain log, without the transactions its last block took', async () => {
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    const first = await openTestNode(tmp.dir, { difficulty: 2 });
    await first.node.submitTransaction({ sender: 'a', recipient: 'b', amount: 2n });
    const genesis = first.node.chain()[0]!.hash;
    await first.node.mine();
    await first.close();
    // An older version's node.json: the pool saved against the genesis, the block already took `a → b`.
    const state = JSON.parse(readFileSync(join(tmp.dir, 'node.json'), 'utf8')) as Record<string, unknown>;
    state['pending'] = [
      '{"amount": 2, "recipient": "b", "sender": "a"}',
      '{"amount": 3, "recipient": "d", "sender": "c"}',
    ];
    state['pendingTip'] = genesis;
    writeFileSync(join(tmp.dir, 'node.json'), JSON.stringify(state));
    const again = await openTestNode(tmp.dir);
    cleanups.push(again.close);
    expect(pendingTxs(again.node)).toEqual([{ amount: 3n, recipient: 'd', sender: 'c' }]);
    expect(JSON.parse(readFileSync(join(tmp.dir, 'node.json'), 'utf8'))).not.toHaveProperty('pending');
  });
});
