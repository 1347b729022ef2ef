/**
 * What both storage adapters (conf headless, electron-store in the app) must do, run against real
 * files by each adapter's test file: `describeStorageContract('conf', openConfStorage)`.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NodeStorage } from '../../src-main/node/ports.ts';
import { renderMessage } from '../../src-main/shared/messages.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../src-main/shared/settings.ts';
import { makeTempDir, sampleChain } from './support.ts';

const NODE_ID = '0123456789abcdef0123456789abcdef';
const SETTINGS: Settings = {
  ...DEFAULT_SETTINGS,
  name: "Ana's laptop ✓",
  port: 5001,
  bindAll: false,
  profile: 'dvf',
  difficulty: 5,
  workers: 3,
  allowRemoteMine: true,
  autoMine: true,
  dashboardPort: 7001,
};
const PEERS = [
  { address: '192.168.0.5:5000', source: 'manual' as const, id: NODE_ID, name: 'Bob' },
  { address: '10.0.0.9:5001', source: 'discovered' as const, id: null, name: null },
];

/** Registers the shared storage tests for one adapter. */
export function describeStorageContract(name: string, openStorage: (dir: string) => NodeStorage): void {
  describe(`${name} storage (contract)`, () => {
    let dir: string;
    let cleanup: () => Promise<void>;
    const opened: NodeStorage[] = [];
    const open = (): NodeStorage => {
      const storage = openStorage(dir);
      opened.push(storage);
      return storage;
    };
    const stateFile = (): string => join(dir, 'node.json');

    beforeEach(async () => {
      ({ dir, cleanup } = await makeTempDir());
    });
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await cleanup();
    });

    it('starts empty in a new folder', async () => {
      const storage = open();
      expect(storage.dir).toBe(dir);
      expect(storage.state.read()).toEqual({
        nodeId: null,
        settings: null,
        peers: [],
        dashboardToken: null,
        legacyPending: null,
        notices: [],
      });
      expect((await storage.log.load()).records).toEqual([]);
    });

    it('gives the state back to a fresh storage object after a restart, without close()', async () => {
      const first = open();
      first.state.saveNodeId(NODE_ID);
      first.state.saveSettings(SETTINGS);
      first.state.savePeers(PEERS);
      first.state.saveDashboardToken('t'.repeat(43));
      await first.log.load();
      const chain = sampleChain(3);
      await first.log.commit(
        chain.map((b) => ({ kind: 'block' as const, text: b.text })),
        () => undefined,
      );
      // No close(): a crash right after the calls above.
      const again = open().state.read();
      expect(again).toMatchObject({
        nodeId: NODE_ID,
        settings: SETTINGS,
        peers: PEERS,
        dashboardToken: 't'.repeat(43),
        notices: [],
      });
      expect((await open().log.load()).records.map((r) => r.kind === 'block' && r.text)).toEqual(
        chain.map((b) => b.text),
      );
    });

    it('treats dots in values and keys as data, not nested paths', async () => {
      open().state.savePeers(PEERS);
      const saved = JSON.parse(await readFile(stateFile(), 'utf8')) as { peers: unknown };
      expect(saved.peers).toEqual(PEERS);
    });

    it('reads the peer list of an older version (bare "host:port" strings) and its pending pool', async () => {
      await writeFile(
        stateFile(),
        JSON.stringify({
          peers: ['192.168.0.5:5000', 'LOCALHOST:5001', 'junk'],
          pending: ['{"amount": 1.0, "recipient": "b", "sender": "a"}'],
          pendingTip: 'a'.repeat(64),
        }),
      );
      const state = open().state.read();
      expect(state.peers.map((p) => p.address)).toEqual(['192.168.0.5:5000', '127.0.0.1:5001']);
      expect(state.legacyPending).toEqual({
        texts: ['{"amount": 1.0, "recipient": "b", "sender": "a"}'],
        tip: 'a'.repeat(64),
      });
      open().state.clearLegacyPending();
      expect(open().state.read().legacyPending).toBeNull();
    });

    it('keeps the sound parts of a hand-edited file and says what was reset', async () => {
      await writeFile(
        stateFile(),
        JSON.stringify({
          nodeId: 'not-hex',
          settings: { ...SETTINGS, port: 'abc', difficulty: 99 },
          peers: 'oops',
        }),
      );
      const state = open().state.read();
      expect(state.nodeId).toBeNull();
      expect(state.settings).toEqual({
        ...SETTINGS,
        port: DEFAULT_SETTINGS.port,
        difficulty: DEFAULT_SETTINGS.difficulty,
      });
      expect(state.peers).toEqual([]);
      const words = state.notices.map(renderMessage);
      expect(words).toHaveLength(4);
      expect(words.join('\n')).toMatch(/node id in node\.json was not valid/);
      expect(words.join('\n')).toMatch(
        /setting “port” in node\.json was not valid and was reset: The port must be a whole number/,
      );
      expect(words.join('\n')).toMatch(/setting “difficulty”/);
      expect(words.join('\n')).toMatch(/peer list/);
    });

    it('fills settings added by a later version with their defaults, silently', async () => {
      const { discovery: _d, liveNetwork: _l, dashboardPort: _p, ...older } = SETTINGS;
      await writeFile(stateFile(), JSON.stringify({ settings: older }));
      const state = open().state.read();
      expect(state.settings).toEqual({ ...SETTINGS, discovery: true, liveNetwork: true, dashboardPort: 0 });
      expect(state.notices).toEqual([]);
    });

    it('keeps a damaged file aside, recovers the node id and peers from it, and says what was lost', async () => {
      const good = JSON.stringify({ nodeId: NODE_ID, settings: SETTINGS, peers: PEERS });
      await writeFile(stateFile(), good.slice(0, good.length - 20));
      const state = open().state.read();
      expect(state.nodeId).toBe(NODE_ID);
      expect(state.peers.map((p) => p.address)).toEqual(PEERS.map((p) => p.address));
      expect(state.settings).toBeNull();
      expect(state.notices.map((n) => n.code)).toEqual(['storage-damaged-state']);
      expect(renderMessage(state.notices[0]!)).toMatch(
        /node\.json could not be read .* kept as node\.json\.damaged-.*The node id and 2 peers were recovered/,
      );
      const files = await readdir(dir);
      const aside = files.find((f) => f.startsWith('node.json.damaged-'))!;
      expect(await readFile(join(dir, aside), 'utf8')).toBe(good.slice(0, good.length - 20));
      // What was recovered is saved in the fresh file.
      expect(open().state.read()).toMatchObject({ nodeId: NODE_ID, notices: [] });
    });

    it('treats JSON that is not an object like a damaged file, and says nothing could be recovered', async () => {
      await writeFile(stateFile(), '[]');
      const state = open().state.read();
      expect(state.notices.map((n) => n.code)).toEqual(['storage-damaged-state-lost']);
      expect(state.nodeId).toBeNull();
    });
  });
}
