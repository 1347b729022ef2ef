/**
 * What the node needs from its surroundings, as interfaces the node owns: the adapters in `store/`
 * (files) and `peer/` (HTTP) implement them, the composition root in `runtime/` plugs them in, and
 * the node never imports an adapter.
 */
import type { SealedBlock } from '../chain/block.ts';
import type { PendingTransaction, Rules } from '../chain/types.ts';
import type { ValidationStart } from '../chain/validate.ts';
import type { PeerOutcomeKind, PeerSource } from '../shared/api.ts';
import type { Message } from '../shared/messages.ts';
import type { Settings } from '../shared/settings.ts';
import type { Hop } from './flights.ts';
import type { CardLab } from './lab.ts';

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
  reason: Message;
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
  /**
   * The file is exactly as this node left it when it last closed cleanly: its blocks were checked
   * then, so their links need not be checked again (a hand edit, a crash or a copy voids it).
   */
  trusted: boolean;
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
      lab: CardLab | null;
    }
  /** It answers the tutorial's routes only (404 on ours). */
  | { ok: true; kind: 'tutorial'; ms: number }
  | { ok: false; outcome: 'unreachable' | 'timeout' | 'not-a-node' | 'busy'; reason: Message };

/** What a node says about itself to another (`POST /blockparty/hello`, and in answers to it). */
export interface NodeCard {
  id: string;
  name: string;
  /** The peer API port it listens on (the address is the one its packets come from). */
  port: number;
  version: string;
  profile: Rules['profile'];
  difficulty: number;
  length: number;
  lastHash: string;
  genesisHash: string;
  /** Its mining and lab switches (null from versions that do not tell). */
  lab: CardLab | null;
}

/** A peer another node knows, as it tells us (peer exchange). */
export interface ExchangedPeer {
  address: string;
  id: string | null;
  name: string | null;
}

/** What a hello told us: the other node's card and some of its peers, or why it failed. */
export type HelloAnswer =
  | { ok: true; card: NodeCard; peers: ExchangedPeer[]; ms: number }
  | { ok: false; outcome: 'unreachable' | 'timeout' | 'not-a-node' | 'tutorial' | 'busy'; reason: Message };

/** What a pushed block did on the other node. */
export type PushStatus = 'added' | 'known' | 'behind' | 'invalid' | 'other-network' | 'manual' | 'private';

/** The answer to a push, or why it failed. */
export type PushAnswer = { ok: true; status: PushStatus; length: number } | { ok: false; reason: Message };

/** A page of blocks after the first hash of a locator the other node holds. */
export type SyncAnswer =
  | { ok: true; fork: number; length: number; blocks: SealedBlock[] }
  | {
      ok: false;
      outcome: 'unreachable' | 'timeout' | 'not-a-node' | 'invalid' | 'too-large' | 'busy';
      reason: Message;
    };

/** Talks HTTP to other nodes, with the caps and timeouts that keep a hostile peer harmless. */
export interface PeerClient {
  /** `GET /chain`, checked against `rules` off the event loop when large. */
  fetchChain(address: string, rules: Rules): Promise<FetchedChain>;
  /** `GET /blockparty/info`; a 404 means a tutorial node. */
  info(address: string): Promise<PeerInfoAnswer>;
  /** `POST /blockparty/hello` with our card; the answer carries the other node's card and peers. */
  hello(address: string, card: NodeCard): Promise<HelloAnswer>;
  /** `POST /blockparty/blocks`: the blocks' canonical texts, sent as they are. */
  pushBlocks(
    address: string,
    push: { from: string; origin: string; blocks: readonly SealedBlock[] },
  ): Promise<PushAnswer>;
  /** `POST /blockparty/transactions`: relayed transactions with their envelope ids. */
  pushTransactions(
    address: string,
    push: { from: string; origin: string; transactions: readonly PendingTransaction[] },
  ): Promise<boolean>;
  /**
   * `POST /blockparty/sync` with a locator: the blocks after the first of its hashes the other node
   * holds (up to `limit`), checked against `rules` as continuing our block `start(fork)` (off the
   * event loop when large). `start` returns null when `fork` is not a block of ours.
   */
  sync(
    address: string,
    locator: readonly (readonly [number, string])[],
    limit: number,
    rules: Rules,
    start: (fork: number) => ValidationStart | null,
  ): Promise<SyncAnswer>;
  /** `GET /blockparty/peers`: the peers another node knows (peer exchange); empty when it fails. */
  peersOf(address: string): Promise<ExchangedPeer[]>;
  /** The tutorial's `POST /transactions/new` (to a tutorial node, for our own transactions). */
  postTransaction(address: string, text: string): Promise<boolean>;

  /** `POST /blockparty/adopted`: tells the node whose chain won a resolve that it did (our card). */
  tellAdopted(address: string, card: NodeCard): Promise<boolean>;

  // ── the classroom lab ──
  /** `POST /blockparty/arrivals`: hops of a block's flight, reported up the relay tree. */
  reportHops(address: string, hash: string, hops: readonly Hop[]): Promise<boolean>;
  /** `GET /blockparty/flight?hash=`: a block's flight as its origin collected it; null when unknown. */
  flightOf(address: string, hash: string): Promise<{ origin: string; index: number; hops: Hop[] } | null>;
  /** `POST /blockparty/lab/check`: another node's verdict on a lab chain (it keeps its own). */
  labCheck(address: string, chainJson: string): Promise<LabVerdictAnswer>;
  /** Checks a chain (`{"chain": [...]}` bytes) against `rules`, off the event loop when large. */
  checkChain(body: Uint8Array, rules: Rules): Promise<CheckedChain>;
  close(): Promise<void>;
}

/** A lab chain as another node judged it, or why it could not be asked. */
export type LabVerdictAnswer =
  | {
      ok: true;
      verdict: 'rejected' | 'not-longer' | 'would-adopt';
      block: number | null;
      reason: Message | null;
      ms: number;
    }
  | { ok: false; outcome: 'unreachable' | 'timeout' | 'tutorial' | 'busy' | 'not-a-node'; reason: Message };

/** A chain checked: its blocks, or the first rule it breaks and where. */
export type CheckedChain =
  { ok: true; blocks: SealedBlock[] } | { ok: false; reason: Message; blockIndex: number | null };

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
