/**
 * What the node needs from its surroundings, as interfaces the node owns: the adapters in `store/`
 * (files) and `peer/` (HTTP) implement them, the composition root in `runtime/` plugs them in, and
 * the node never imports an adapter.
 */
import type { SealedBlock } from '../chain/block.ts';
import type { PendingTransaction, Rules } from '../chain/types.ts';
import type { PeerOutcomeKind, PeerSource } from '../shared/api.ts';
import type { Message } from '../shared/messages.ts';
import type { Settings } from '../shared/settings.ts';

// ───────────────────────────── the chain log ─────────────────────────────

/** One record of the chain log, as the node commits it and reads it back. */
export type ChainRecord =
  | { kind: 'block'; text: string }
  | { kind: 'tx'; tx: PendingTransaction }
  | { kind: 'adopt'; keep: number; blocks: string[] }
  | { kind: 'reset'; blocks: string[] };

/** Where the saved log stops making sense. */
export interface ChainLogDamage {
  /** 1-based line of the file. */
  line: number;
  /** How many records before it are whole. */
  recordsBefore: number;
  reason: string;
}

/** What reading the chain log found. */
export interface LoadedChainLog {
  records: ChainRecord[];
  damage: ChainLogDamage | null;
  /** Records that could be read after the damage, for their transactions. */
  salvage: ChainRecord[];
  /** What was repaired while reading (a torn last record). */
  notices: Message[];
  /** Bytes of the file after repairs. */
  bytes: number;
}

/**
 * The chain and the pending pool as one append-only log: everything that changes them is a record,
 * durable before memory changes (see store/journal.ts).
 */
export interface ChainLog {
  readonly path: string;
  load(): Promise<LoadedChainLog>;
  /** Makes records durable, then runs `apply` (in commit order); rejects with the system error. */
  commit(records: readonly ChainRecord[], apply: () => void): Promise<void>;
  /** Replaces the log with `snapshot()` atomically (compaction, repair). */
  rewrite(snapshot: () => readonly ChainRecord[]): Promise<void>;
  /** Copies the log aside for the user; returns the copy's path. */
  keepAside(label: string): Promise<string>;
  bytes(): number;
  close(): Promise<void>;
}

// ───────────────────────────── the node's state file ─────────────────────────────

/** A peer as remembered across restarts. */
export interface SavedPeer {
  address: string;
  source: PeerSource;
  id: string | null;
  name: string | null;
}

/** What the state file (`node.json`) holds. */
export interface SavedState {
  nodeId: string | null;
  settings: Settings | null;
  peers: SavedPeer[];
  /** The browser dashboard's secret, kept so that an open tab reconnects after a restart. */
  dashboardToken: string | null;
  /** A pending pool saved by an older version (moved into the chain log once). */
  legacyPending: { texts: string[]; tip: string | null } | null;
  /** What was wrong with the file and what was done about it. */
  notices: Message[];
}

/** The node's small state: id, settings, peers (electron-store in the app, conf headless). */
export interface StateStore {
  readonly path: string;
  read(): SavedState;
  saveNodeId(nodeId: string): void;
  saveSettings(settings: Settings): void;
  savePeers(peers: readonly SavedPeer[]): void;
  saveDashboardToken(token: string): void;
  /** Forgets the legacy pending pool once it is in the chain log. */
  clearLegacyPending(): void;
}

/** Where a node keeps everything: the chain log and the state file, in one folder. */
export interface NodeStorage {
  /** The data folder, shown to the user. */
  readonly dir: string;
  readonly log: ChainLog;
  readonly state: StateStore;
  close(): Promise<void>;
}

// ───────────────────────────── other peers ─────────────────────────────

/** A peer's chain that passed validation, or why it could not be used. */
export type FetchedChain =
  | { ok: true; blocks: SealedBlock[]; ms: number; note: Message | null }
  | {
      ok: false;
      outcome: Exclude<PeerOutcomeKind, 'adopted' | 'not-longer'>;
      reason: Message;
      blocks: number | null;
      ms: number | null;
    };

/** What `GET /blockparty/info` told about a peer. */
export type PeerInfoAnswer =
  | {
      ok: true;
      kind: 'blockparty';
      ms: number;
      id: string | null;
      name: string | null;
      profile: Rules['profile'] | null;
      difficulty: number | null;
      length: number | null;
      lastHash: string | null;
      genesisHash: string | null;
    }
  /** It answers the tutorial's routes only (404 on ours). */
  | { ok: true; kind: 'tutorial'; ms: number }
  | { ok: false; outcome: 'unreachable' | 'timeout' | 'not-a-node' | 'busy'; reason: Message };

/** Talks HTTP to other nodes, with the caps and timeouts that keep a hostile peer harmless. */
export interface PeerClient {
  /** `GET /chain`, checked against `rules` off the event loop when large. */
  fetchChain(address: string, rules: Rules): Promise<FetchedChain>;
  /** `GET /blockparty/info`; a 404 means a tutorial node. */
  info(address: string): Promise<PeerInfoAnswer>;
  close(): Promise<void>;
}

// ───────────────────────────── where the node is ─────────────────────────────

/** How the node learns where it is reachable (the peer server owns the socket). */
export interface NodeNetwork {
  /** The port the peer server listens on now. */
  port(): number;
  /** The port asked for when another had to be taken. */
  portAsked(): number | null;
  /** `http://host:port` URLs others on the LAN can use (no loopback). */
  addresses(): string[];
  /** True when a stored `host:port` names this very node. */
  isSelf(address: string): boolean;
}

/** Where the node writes what a person may need to read later (the log file). */
export type NodeLogger = (level: 'info' | 'warn' | 'error', text: string, error?: unknown) => void;
