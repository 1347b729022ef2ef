import { join } from 'node:path';
import type { Transaction } from '../chain/types.ts';
import { DEFAULT_SETTINGS } from '../shared/settings.ts';
import { validateSettings } from '../node/settings.ts';
import type { Settings } from '../shared/settings.ts';
import { createBlockLog } from './block-log.ts';
import type { BlockCodec, KeyValueStore, NodeMeta, NodeRepository } from './types.ts';

/** File name of the block log inside the data folder. */
export const CHAIN_FILE = 'chain.log';
/** Base name (without `.json`) of the key-value file, the same for conf and electron-store. */
export const CONFIG_NAME = 'node';

/** The keys of the key-value file. */
export const KEYS = {
  nodeId: 'nodeId',
  settings: 'settings',
  peers: 'peers',
  /** Python-JSON text of each pending transaction, so ints and floats keep their kind. */
  pending: 'pending',
  /** Hash of the tip the pending list goes with; written after it. */
  pendingTip: 'pendingTip',
} as const;

/**
 * The repository both adapters share: blocks in an append-only log in `dir`, the rest in `kv`.
 * `openWarnings` are problems the adapter met while opening `kv`; `load()` reports them.
 */
export function createRepository(
  kv: KeyValueStore,
  dir: string,
  codec: BlockCodec,
  openWarnings: readonly string[] = [],
): NodeRepository {
  const log = createBlockLog(join(dir, CHAIN_FILE), codec);
  let startupWarnings = [...openWarnings];
  // Key-value writes are synchronous and hold no file open, so they stay allowed after close().
  const save = (key: string, value: unknown): void => {
    kv.set(key, value);
  };

  return {
    dir,

    async load() {
      const { blocks, warnings } = await log.load();
      const metaWarnings: string[] = [];
      const meta = readMeta(kv, codec, metaWarnings);
      const all = [...startupWarnings, ...metaWarnings, ...warnings];
      startupWarnings = [];
      return { meta, chain: blocks, warnings: all };
    },

    appendBlocks: (blocks) => log.append(blocks),
    replaceChain: (blocks) => log.replace(blocks),

    saveNodeId(nodeId) {
      save(KEYS.nodeId, nodeId);
    },
    saveSettings(settings) {
      save(KEYS.settings, { ...settings });
    },
    savePeers(peers) {
      save(KEYS.peers, [...peers]);
    },
    savePending(pending, tip) {
      // The list first, then its tip: a crash in between leaves a clean list tagged with the old tip,
      // which the node then only trims again.
      save(
        KEYS.pending,
        pending.map((tx) => codec.encodeTransaction(tx)),
      );
      save(KEYS.pendingTip, tip ?? null);
    },

    close: () => log.close(),
  };
}

// Everything read here may have been hand-edited: check each value, keep what is sound, say what is not.
function readMeta(kv: KeyValueStore, codec: BlockCodec, warnings: string[]): NodeMeta {
  const where = kv.path;
  return {
    nodeId: readNodeId(kv.get(KEYS.nodeId), where, warnings),
    settings: readSettings(kv.get(KEYS.settings), where, warnings),
    peers: readPeers(kv.get(KEYS.peers), where, warnings),
    pending: readPending(kv.get(KEYS.pending), codec, where, warnings),
    pendingTip: readTip(kv.get(KEYS.pendingTip)),
  };
}

const NODE_ID = /^[0-9a-f]{32}$/;

function readTip(value: unknown): string | null {
  return typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? value : null;
}

function readNodeId(value: unknown, where: string, warnings: string[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && NODE_ID.test(value)) return value;
  warnings.push(`The saved node id in ${where} is not 32 lowercase hex characters; a new one will be made.`);
  return null;
}

function readSettings(value: unknown, where: string, warnings: string[]): Settings | null {
  if (value === undefined || value === null) return null;
  if (!isPlainObject(value)) {
    warnings.push(`The saved settings in ${where} are not an object; using the default settings.`);
    return null;
  }
  // Each field is judged by the node's own rules, one at a time, so one bad field costs only itself.
  const settings: Settings = { ...DEFAULT_SETTINGS };
  const bad: string[] = [];
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    // A missing key is a setting added by a later version: its default is expected, not an error.
    if (!(key in value)) continue;
    const checked = validateSettings({ ...DEFAULT_SETTINGS, [key]: value[key] });
    if (checked.ok) Object.assign(settings, { [key]: checked.settings[key] });
    else bad.push(`${key} (${checked.message})`);
  }
  if (bad.length > 0) {
    warnings.push(
      `Some saved settings in ${where} are invalid and were reset to their defaults: ${bad.join('; ')}`,
    );
  }
  return settings;
}

function readPeers(value: unknown, where: string, warnings: string[]): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    warnings.push(`The saved peer list in ${where} is not a list; starting with no peers.`);
    return [];
  }
  const peers = value.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (peers.length < value.length) {
    warnings.push(
      `Dropped ${value.length - peers.length} saved peer addresses in ${where} that are not text.`,
    );
  }
  return peers;
}

function readPending(value: unknown, codec: BlockCodec, where: string, warnings: string[]): Transaction[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    warnings.push(`The saved pending transactions in ${where} are not a list; starting with none.`);
    return [];
  }
  const pending: Transaction[] = [];
  let dropped = 0;
  for (const item of value) {
    try {
      if (typeof item !== 'string') throw new TypeError('not text');
      pending.push(codec.decodeTransaction(item));
    } catch {
      dropped += 1;
    }
  }
  if (dropped > 0) {
    warnings.push(`Dropped ${dropped} saved pending transactions in ${where} that could not be read.`);
  }
  return pending;
}

/** True for `{…}` values (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
