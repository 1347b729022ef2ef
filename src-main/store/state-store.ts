/**
 * The node's small state in `node.json` (electron-store in the app, conf headless: the same file):
 * node id, settings, remembered peers, the dashboard's token. Everything read here may have been
 * hand-edited: each value is checked, what is sound is kept, and the rest is reported.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { basename } from 'node:path';
import type { SavedPeer, SavedState, StateStore } from '../node/ports.ts';
import type { PeerSource } from '../shared/api.ts';
import { parsePeerAddress } from '../shared/address.ts';
import { message, type Message } from '../shared/messages.ts';
import { DEFAULT_SETTINGS, SETTING_KEYS, validateSettings, type Settings } from '../shared/settings.ts';
import { fileStamp } from './journal.ts';

/** The calls the state store needs from conf / electron-store. Values are plain JSON. */
export interface KeyValueStore {
  /** Absolute path of the backing file. */
  readonly path: string;
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** The keys of the state file. */
export const KEYS = {
  nodeId: 'nodeId',
  settings: 'settings',
  peers: 'peers',
  dashboardToken: 'dashboardToken',
  /** An older version's pending pool (Python-JSON texts) and the tip it went with. */
  legacyPending: 'pending',
  legacyPendingTip: 'pendingTip',
} as const;

/** The most peers remembered (the node keeps no more either). */
export const SAVED_PEERS_MAX = 256;

const NODE_ID = /^[0-9a-f]{32}$/;
const HASH = /^[0-9a-f]{64}$/;
const SOURCES: readonly PeerSource[] = ['manual', 'inbound', 'discovered', 'exchanged'];

/**
 * The state store over a key-value file. `openNotices` are what the adapter met while opening it (a
 * damaged file kept aside, what could be recovered); `read()` reports them once.
 */
export function createStateStore(kv: KeyValueStore, openNotices: readonly Message[] = []): StateStore {
  let notices = [...openNotices];
  return {
    path: kv.path,
    read() {
      const found: Message[] = [];
      const state: SavedState = {
        nodeId: readNodeId(kv.get(KEYS.nodeId), kv.path, found),
        settings: readSettings(kv.get(KEYS.settings), kv.path, found),
        peers: readPeers(kv.get(KEYS.peers), kv.path, found),
        dashboardToken: readToken(kv.get(KEYS.dashboardToken)),
        legacyPending: readLegacyPending(kv.get(KEYS.legacyPending), kv.get(KEYS.legacyPendingTip)),
        notices: [...notices, ...found],
      };
      notices = [];
      return state;
    },
    saveNodeId: (nodeId) => kv.set(KEYS.nodeId, nodeId),
    saveSettings: (settings) => kv.set(KEYS.settings, { ...settings }),
    savePeers: (peers) =>
      kv.set(
        KEYS.peers,
        peers.slice(0, SAVED_PEERS_MAX).map((p) => ({ ...p })),
      ),
    saveDashboardToken: (token) => kv.set(KEYS.dashboardToken, token),
    clearLegacyPending() {
      kv.delete(KEYS.legacyPending);
      kv.delete(KEYS.legacyPendingTip);
    },
  };
}

function bad(what: string, file: string, reason: Message): Message {
  return message('storage-bad-value', { what, file: basename(file), reason });
}

function readNodeId(value: unknown, file: string, notices: Message[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && NODE_ID.test(value)) return value;
  notices.push(
    bad(
      'node id',
      file,
      message('request-invalid', { field: 'nodeId', expected: '32 lowercase hex characters' }),
    ),
  );
  return null;
}

function readSettings(value: unknown, file: string, notices: Message[]): Settings | null {
  if (value === undefined || value === null) return null;
  if (!isPlainObject(value)) {
    notices.push(
      bad('settings', file, message('request-invalid', { field: 'settings', expected: 'an object' })),
    );
    return null;
  }
  // Each field is judged by the node's own rules, one at a time, so one bad field costs only itself.
  const settings: Settings = { ...DEFAULT_SETTINGS };
  for (const key of SETTING_KEYS) {
    // A missing key is a setting added by a later version: its default is expected, not an error.
    if (!(key in value)) continue;
    const checked = validateSettings({ ...DEFAULT_SETTINGS, [key]: value[key] });
    if (checked.ok) Object.assign(settings, { [key]: checked.settings[key] });
    else notices.push(bad(`setting “${key}”`, file, checked.reason));
  }
  return settings;
}

function readPeers(value: unknown, file: string, notices: Message[]): SavedPeer[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    notices.push(bad('peer list', file, message('request-invalid', { field: 'peers', expected: 'a list' })));
    return [];
  }
  const peers: SavedPeer[] = [];
  const seen = new Set<string>();
  for (const item of value.slice(0, SAVED_PEERS_MAX)) {
    // Older versions saved bare "host:port" strings.
    const record = typeof item === 'string' ? { address: item } : isPlainObject(item) ? item : null;
    const parsed = record === null ? null : parsePeerAddress(record['address']);
    if (parsed === null || !parsed.ok || seen.has(parsed.address)) continue;
    seen.add(parsed.address);
    const source = record!['source'];
    const id = record!['id'];
    const name = record!['name'];
    peers.push({
      address: parsed.address,
      source: SOURCES.includes(source as PeerSource) ? (source as PeerSource) : 'manual',
      id: typeof id === 'string' && NODE_ID.test(id) ? id : null,
      name: typeof name === 'string' && name.length <= 100 ? name : null,
    });
  }
  return peers;
}

function readToken(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{32,128}$/.test(value) ? value : null;
}

function readLegacyPending(value: unknown, tip: unknown): SavedState['legacyPending'] {
  if (!Array.isArray(value)) return null;
  const texts = value.filter((item): item is string => typeof item === 'string');
  return { texts, tip: typeof tip === 'string' && HASH.test(tip) ? tip : null };
}

/** True for `{…}` values (not arrays, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A key-value store opened by {@link openKeyValueFile}, with what had to be done to open it. */
export interface OpenedKeyValue<T> {
  store: T;
  notices: Message[];
}

/**
 * Opens a conf / electron-store file. Both throw at construction on a file that is not valid JSON;
 * that must not stop the node: the bad file is kept aside for the user, what can still be read from
 * it (node id, peer addresses) is written into a fresh file, and the notice says what was lost.
 */
export function openKeyValueFile<T extends { set(key: string, value: unknown): void }>(
  file: string,
  open: () => T,
): OpenedKeyValue<T> {
  try {
    return { store: open(), notices: [] };
  } catch (error) {
    if (!(error instanceof SyntaxError) || !existsSync(file)) throw error;
    const text = readFileSync(file, 'latin1');
    const aside = `${file}.damaged-${fileStamp()}`;
    renameSync(file, aside);
    const store = open();
    const nodeId = /"nodeId"\s*:\s*"([0-9a-f]{32})"/.exec(text)?.[1] ?? null;
    const peers = salvagePeers(text);
    if (nodeId !== null) store.set(KEYS.nodeId, nodeId);
    if (peers.length > 0) store.set(KEYS.peers, peers);
    const params = {
      file: basename(file),
      error: error.message,
      aside: basename(aside),
      peers: peers.length,
    };
    const notice =
      nodeId !== null
        ? message('storage-damaged-state', params)
        : message('storage-damaged-state-lost', params);
    return { store, notices: [notice] };
  }
}

/** Peer addresses still readable in a damaged state file: the `"address": "…"` values. */
function salvagePeers(text: string): SavedPeer[] {
  const peers: SavedPeer[] = [];
  const seen = new Set<string>();
  const list = /"peers"\s*:\s*\[([^\]]*)\]?/.exec(text)?.[1] ?? '';
  const candidates = [
    ...[...text.matchAll(/"address"\s*:\s*"([^"\\]{1,300})"/g)].map((m) => m[1]),
    // Older versions kept bare "host:port" strings in the list.
    ...[...list.matchAll(/"([^"\\]{1,300})"/g)].map((m) => m[1]),
  ];
  for (const candidate of candidates) {
    const parsed = parsePeerAddress(candidate);
    if (!parsed.ok || seen.has(parsed.address) || peers.length >= SAVED_PEERS_MAX) continue;
    seen.add(parsed.address);
    peers.push({ address: parsed.address, source: 'manual', id: null, name: null });
  }
  return peers;
}

/**
 * The `deserialize` option for conf / electron-store: JSON that is not an object (`[]`, `null`,
 * `"text"`) is as unreadable to us as a syntax error, so it is reported the same way.
 */
export function parseConfigObject(text: string): Record<string, unknown> {
  const value: unknown = JSON.parse(text);
  if (!isPlainObject(value)) throw new SyntaxError('the file does not hold a JSON object');
  return value;
}
