import type { Block, ProfileName, Transaction } from '../chain/types.ts';
import type { MiningProgress } from '../mining/types.ts';
import type { ActivityCode, ActivityKind, ActivityParams } from '../shared/api.ts';
import type { Settings } from '../shared/settings.ts';

export { ACTIVITY_CODES, type ActivityCode, type ActivityParams } from '../shared/api.ts';

/** Whether and how the node is mining. */
export interface MiningState {
  active: boolean;
  /** Index of the block being mined, when active. */
  targetIndex: number | null;
  progress: MiningProgress | null;
  workers: number;
}

/** A snapshot of the node for status bars and `GET /node` style routes. */
export interface NodeStatus {
  nodeId: string;
  name: string;
  profile: ProfileName;
  difficulty: number;
  /** False when the difficulty differs from the tutorial's 4: tutorial nodes cannot join. */
  tutorialCompatible: boolean;
  height: number;
  lastHash: string;
  pendingCount: number;
  /** The port the peer server actually listens on (may differ from settings.port when it was taken). */
  port: number;
  /** `http://host:port` URLs others can use to reach this node. */
  addresses: string[];
  dataDir: string;
  mining: MiningState;
}

/** One peer as the node knows it. */
export interface PeerInfo {
  /** `host:port` */
  address: string;
  online: boolean | null;
  latencyMs: number | null;
  /** Blocks the peer had when last asked. */
  height: number | null;
  /** Our profile name when the peer answered Blockparty's info route, 'tutorial' when it speaks only the five routes. */
  kind: 'blockparty' | 'tutorial' | null;
  profile: ProfileName | null;
  lastSeen: number | null;
  lastError: string | null;
}

/** How one peer's chain fared in a resolve. */
export interface PeerOutcome {
  peer: string;
  outcome:
    'adopted' | 'shorter-or-equal' | 'invalid' | 'unreachable' | 'timeout' | 'too-large' | 'bad-response';
  /** Blocks counted in the peer's chain (not the `length` it claims), when it could be read. */
  blocks: number | null;
  reason: string | null;
  ms: number;
}

/** What a resolve did, for the API and the dashboard's conflict panel. */
export interface ResolveReport {
  replaced: boolean;
  /** Winning peer when replaced. */
  winner: string | null;
  ourLengthBefore: number;
  ourLengthAfter: number;
  /** Indexes (1-based) of our blocks that were replaced, empty when kept. */
  replacedFrom: number | null;
  /** Our blocks that were discarded. */
  discarded: Block[];
  /** Pending transactions put back from discarded blocks. */
  restored: Transaction[];
  /** Pending transactions removed because the new chain holds them. */
  dropped: Transaction[];
  peers: PeerOutcome[];
}

/** Result of forging a block. */
export interface MineResult {
  block: Block;
  hash: string;
  ms: number;
  tried: number;
}

/** One line of the node's bounded activity log. */
export interface ActivityEntry {
  id: number;
  time: number;
  kind: ActivityKind;
  /** English text, the fallback for a dashboard without words for `code`. */
  message: string;
  /** What the line says, for a dashboard to word it in its own language (`activity.messages.<code>`). */
  code?: ActivityCode;
  /** The values `code` is worded with. */
  params?: ActivityParams;
}

/** Events a running node emits (names are the keys). */
export interface NodeEvents {
  'chain-changed': { height: number; reason: 'mined' | 'replaced' | 'reset' };
  'pending-changed': { count: number };
  'mining-changed': MiningState;
  'peers-changed': PeerInfo[];
  'settings-changed': Settings;
  activity: ActivityEntry;
}

/** Typed error with a code the API maps to a status and the dashboard to words. */
export class NodeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'NodeError';
  }
}

/** What registering peer addresses did. */
export interface RegisterResult {
  /** Every peer now known, as `host:port`. */
  peers: string[];
  added: string[];
  rejected: { input: string; reason: string }[];
}

/** What a running node offers to its transports (peer server, dashboard control API). */
export interface NodeApi {
  status(): NodeStatus;
  /** The whole chain, oldest first (kept in memory). */
  chain(): readonly Block[];
  /** Hash of the block at a 0-based position, cached. */
  hashAt(position: number): string;
  /** The body of `GET /chain` (`{"chain": [...], "length": N}` in Python's JSON), cached between changes. */
  chainJson(): string;
  pending(): readonly Transaction[];
  /** Validates and queues a transaction; returns the index of the block it will go into. Throws NodeError('invalid-transaction', message, field). */
  submitTransaction(body: unknown): { index: number; transaction: Transaction };
  /** Mines one block (joins the running search when one is under way). Throws NodeError('mining-cancelled') when stopped. */
  mine(): Promise<MineResult>;
  /** Cancels a running search; nothing half-mined is appended. */
  stopMining(): void;
  peers(): PeerInfo[];
  /** Parses and registers addresses (`http://host:port` or `host:port`); throws NodeError('invalid-address') when none is valid. */
  registerPeers(addresses: unknown): RegisterResult;
  removePeer(address: string): void;
  /** Asks every peer (or only those given) for its info, chain length and latency; returns all peers. */
  refreshPeers(only?: readonly string[]): Promise<PeerInfo[]>;
  /** Consensus: asks all peers, adopts the longest valid chain. */
  resolve(): Promise<ResolveReport>;
  settings(): Settings;
  /** Applies and saves settings; throws NodeError('invalid-settings', message, field). */
  updateSettings(patch: Partial<Settings>): Promise<Settings>;
  /** Replaces the chain with a fresh genesis and clears pending transactions. */
  resetChain(): Promise<void>;
  /** The bounded activity log, oldest first. */
  activity(): ActivityEntry[];
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof NodeEvents>(event: K, listener: (payload: NodeEvents[K]) => void): () => void;
}
