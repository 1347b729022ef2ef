/**
 * What every NodeRepository adapter must do, run against real files by each adapter's test file
 * (`describeRepositoryContract('conf', openConfRepository)`).
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeBlock, hashBlock } from '../../src-main/chain/block.ts';
import type { Transaction } from '../../src-main/chain/types.ts';
import { DEFAULT_SETTINGS } from '../../src-main/shared/settings.ts';
import type { Settings } from '../../src-main/shared/settings.ts';
import type { NodeRepository } from '../../src-main/store/types.ts';
import {
  GOLDEN_FLOAT_BLOCK,
  GOLDEN_FLOAT_HASH,
  makeTempDir,
  nextBlock,
  sampleChain,
  TRICKY_BLOCK,
} from './support.ts';

const NODE_ID = '0123456789abcdef0123456789abcdef';
const SETTINGS: Settings = {
  name: "Ana's laptop ✓",
  port: 5001,
  bindAll: false,
  profile: 'dvf',
  difficulty: 5,
  workers: 3,
  allowRemoteMine: true,
  autoMine: true,
};
const PENDING: Transaction[] = [
  { sender: 'a', recipient: 'b', amount: 1.0 },
  { sender: 'c', recipient: 'd', amount: 123456789012345678901234567890n },
  { sender: 'Zoë 😀', recipient: 'e', amount: 0.1 },
];

/** Registers the shared repository tests for one adapter. */
export function describeRepositoryContract(
  name: string,
  openRepository: (dir: string) => NodeRepository,
): void {
  describe(`${name} repository (contract)`, () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    const opened: NodeRepository[] = [];

    const open = (): NodeRepository => {
      const repo = openRepository(dir);
      opened.push(repo);
      return repo;
    };
    const configFile = (): string => join(dir, 'node.json');

    beforeEach(async () => {
      ({ dir, cleanup } = await makeTempDir());
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((repo) => repo.close()));
      await cleanup();
    });

    it('starts empty in a new folder', async () => {
      const repo = open();
      expect(repo.dir).toBe(dir);
      expect(await repo.load()).toEqual({
        meta: { nodeId: null, settings: null, peers: [], pending: [], pendingTip: null },
        chain: [],
        warnings: [],
      });
    });

    it('gives everything back to a fresh repository object after a restart', async () => {
      const chain = sampleChain(6);
      const first = open();
      await first.load();
      first.saveNodeId(NODE_ID);
      first.saveSettings(SETTINGS);
      first.savePeers(['192.168.0.5:5000', 'localhost:5001']);
      first.savePending(PENDING, 'ab'.repeat(32));
      await first.appendBlocks(chain.slice(0, 4));
      await first.appendBlocks(chain.slice(4));
      await first.close();

      const loaded = await open().load();
      expect(loaded.warnings).toEqual([]);
      expect(loaded.meta).toEqual({
        nodeId: NODE_ID,
        settings: SETTINGS,
        peers: ['192.168.0.5:5000', 'localhost:5001'],
        pending: PENDING,
        pendingTip: 'ab'.repeat(32),
      });
      expect(loaded.chain).toEqual(chain);
      // toEqual tells 1n from 1; check the kinds explicitly too, as this is the point.
      expect(typeof loaded.meta.pending[0]!.amount).toBe('number');
      expect(typeof loaded.meta.pending[1]!.amount).toBe('bigint');
    });

    it('keeps the latest value of each key', async () => {
      const repo = open();
      repo.savePeers(['a:1', 'b:2']);
      repo.savePeers(['b:2']);
      repo.savePending(PENDING);
      repo.savePending([]);
      const { meta } = await open().load();
      expect(meta.peers).toEqual(['b:2']);
      expect(meta.pending).toEqual([]);
    });

    it('reads blocks back byte-exact: floats stay floats, big ints keep every digit, same hashes', async () => {
      const repo = open();
      await repo.appendBlocks([GOLDEN_FLOAT_BLOCK, TRICKY_BLOCK]);
      await repo.close();

      const { chain } = await open().load();
      expect(hashBlock(chain[0]!)).toBe(GOLDEN_FLOAT_HASH);
      expect(hashBlock(chain[1]!)).toBe(hashBlock(TRICKY_BLOCK));
      expect(chain.map(encodeBlock)).toEqual([GOLDEN_FLOAT_BLOCK, TRICKY_BLOCK].map(encodeBlock));
      const text = await readFile(join(dir, 'chain.log'), 'utf8');
      expect(text).toContain('"timestamp": 1613493177.0');
      expect(text).toContain('"amount": 1.0');
      expect(text).toContain(`"amount": ${2n ** 64n + 1n}`);
      expect(typeof chain[1]!.timestamp).toBe('number');
    });

    it('stores pending transactions as Python-JSON text so number kinds survive', async () => {
      open().savePending(PENDING);
      const saved = JSON.parse(await readFile(configFile(), 'utf8')) as { pending: unknown };
      expect(saved.pending).toEqual([
        '{"amount": 1.0, "recipient": "b", "sender": "a"}',
        '{"amount": 123456789012345678901234567890, "recipient": "d", "sender": "c"}',
        '{"amount": 0.1, "recipient": "e", "sender": "Zo\\u00eb \\ud83d\\ude00"}',
      ]);
    });

    it('survives a crash: what was saved is there without close()', async () => {
      const chain = sampleChain(3);
      const crashed = openRepository(dir);
      crashed.saveNodeId(NODE_ID);
      crashed.savePending(PENDING);
      await crashed.appendBlocks(chain);

      const loaded = await open().load();
      expect(loaded.meta.nodeId).toBe(NODE_ID);
      expect(loaded.meta.pending).toEqual(PENDING);
      expect(loaded.chain).toEqual(chain);
      await crashed.close();
    });

    it('replaces the chain after appends, keeping later appends after it', async () => {
      const repo = open();
      await repo.load();
      const adopted = sampleChain(7, 2);
      const tip = nextBlock(adopted);
      await Promise.all([
        repo.appendBlocks(sampleChain(4)),
        repo.replaceChain(adopted),
        repo.appendBlocks([tip]),
      ]);
      expect((await open().load()).chain).toEqual([...adopted, tip]);
    });

    it('does not crash on a config file that is not JSON: moves it aside, starts fresh, warns', async () => {
      const chain = sampleChain(2);
      const before = open();
      before.saveNodeId(NODE_ID);
      await before.appendBlocks(chain);
      await before.close();
      const garbage = '{"nodeId": "0123456789abcdef0123456789abcdef", "settings": {"port": 50';
      await writeFile(configFile(), garbage);

      const repo = open();
      const loaded = await repo.load();
      expect(loaded.meta).toEqual({ nodeId: null, settings: null, peers: [], pending: [], pendingTip: null });
      expect(loaded.chain).toEqual(chain);
      expect(loaded.warnings).toHaveLength(1);
      expect(loaded.warnings[0]).toMatch(/node\.json could not be read.*moved to .*node\.json\.corrupt-/);
      const aside = (await readdir(dir)).filter((f) => f.startsWith('node.json.corrupt-'));
      expect(aside).toHaveLength(1);
      expect(await readFile(join(dir, aside[0]!), 'utf8')).toBe(garbage);

      // The fresh file works, and the warning is not repeated.
      repo.saveNodeId(NODE_ID);
      expect(await open().load()).toMatchObject({ meta: { nodeId: NODE_ID }, warnings: [] });
    });

    it('treats JSON that is not an object (an empty list, null) like a corrupt file', async () => {
      for (const text of ['[]', 'null', '"text"', '']) {
        await writeFile(configFile(), text);
        const loaded = await open().load();
        expect(loaded.meta.nodeId).toBeNull();
        expect(loaded.warnings, text).toHaveLength(1);
      }
    });

    it('keeps the sound parts of a hand-edited config and warns about the rest', async () => {
      await writeFile(
        configFile(),
        JSON.stringify({
          nodeId: 'NOT-A-NODE-ID',
          settings: { name: 'Ana', port: 'five thousand', autoMine: true, difficulty: 99, extra: 1 },
          peers: ['10.0.0.2:5000', 5, ''],
          pending: ['{"amount": 1.0, "recipient": "r", "sender": "s"}', 'not json', 7, '[1, 2]'],
        }),
      );
      const { meta, warnings } = await open().load();
      expect(meta.nodeId).toBeNull();
      expect(meta.settings).toEqual({ ...DEFAULT_SETTINGS, name: 'Ana', autoMine: true });
      expect(meta.peers).toEqual(['10.0.0.2:5000']);
      expect(meta.pending).toEqual([{ amount: 1, recipient: 'r', sender: 's' }]);
      expect(typeof meta.pending[0]!.amount).toBe('number');
      expect(warnings).toHaveLength(4);
      expect(warnings.join('\n')).toMatch(/node id/);
      expect(warnings.join('\n')).toMatch(/port.*difficulty/);
      expect(warnings.join('\n')).toMatch(/Dropped 2 saved peer/);
      expect(warnings.join('\n')).toMatch(/Dropped 3 saved pending/);
    });

    it('fills settings added by a later version with their defaults, silently', async () => {
      await writeFile(configFile(), JSON.stringify({ settings: { name: 'Old', port: 6000 } }));
      const { meta, warnings } = await open().load();
      expect(meta.settings).toEqual({ ...DEFAULT_SETTINGS, name: 'Old', port: 6000 });
      expect(warnings).toEqual([]);
    });

    it('reports a torn last block after a crash and keeps the others', async () => {
      const chain = sampleChain(3);
      const repo = open();
      await repo.appendBlocks(chain);
      await repo.close();
      await writeFile(
        join(dir, 'chain.log'),
        (await readFile(join(dir, 'chain.log'), 'utf8')) + '{"index": 4, "pr',
      );
      const loaded = await open().load();
      expect(loaded.chain).toEqual(chain);
      expect(loaded.warnings).toEqual([expect.stringMatching(/partly written/)]);
    });
  });
}
