/** What a running node offers to its transports (peer server, dashboard service), and its events. */
import type { SealedBlock } from '../chain/block.ts';
import type { PendingTransaction } from '../chain/types.ts';
import type {
  ActivityEntry,
  ChainChange,
  MiningState,
  NearbyNetwork,
  NodeStatus,
  PeerInfo,
  PeerOutcome,
  RefusedAddress,
} from '../shared/api.ts';
import type { Settings } from '../shared/settings.ts';
import type { Sighting } from './network.ts';
import type { ExchangedPeer, NodeCard } from './ports.ts';

export type { ActivityEntry, MiningState, NodeStatus, PeerInfo, PeerOutcome } from '../shared/api.ts';

/** What a resolve did, for the API and the dashboard's conflict panel. */
export interface ResolveReport {
  replaced: boolean;
  /** Winning peer when replaced. */
  winner: string | null;
  winnerName: string | null;
  ourLengthBefore: number;
  ourLengthAfter: number;
  /** Index (1-based) of our first block that was replaced; null when kept. */
  replacedFrom: number | null;
  /** The winning chain has another genesis block (each node makes its own at first start). */
  otherGenesis: boolean;
  /** Our blocks that were discarded. */
  discarded: SealedBlock[];
  /** Pending transactions put back from discarded blocks. */
  restored: PendingTransaction[];
  /** Pending transactions removed because the new chain holds them. */
  dropped: PendingTransaction[];
  peers: PeerOutcome[];
}

/** Result of forging a block. */
export interface MineResult {
  block: SealedBlock;
  ms: number;
  tried: number;
}

/** What registering peer addresses did. */
export interface RegisterResult {
  /** Every peer now known, as `host:port`. */
  peers: string[];
  added: string[];
  /** Given addresses that were peers already. */
  known: string[];
  rejected: RefusedAddress[];
}

/** Events a running node emits (names are the keys). */
export interface NodeEvents {
  'chain-changed': ChainChange;
  'pending-changed': { count: number };
  'mining-changed': MiningState;
  'peers-changed': PeerInfo[];
  'settings-changed': Settings;
  activity: ActivityEntry;
}

/** What a running node offers to its transports (peer server, dashboard control API). */
export interface NodeApi {
  status(): NodeStatus;
  /** The whole chain, oldest first: sealed blocks (text and hash). */
  chain(): readonly SealedBlock[];
  /** The body of `GET /chain` (`{"chain": [...], "length": N}` in Python's JSON), cached between changes. */
  chainJson(): string;
  pending(): readonly PendingTransaction[];
  /**
   * Validates and queues a transaction; resolves once it is durable, with the index of the block it
   * will go into. Throws NodeError('invalid-transaction' | 'pool-full' | 'storage-failed').
   */
  submitTransaction(body: unknown): Promise<{ index: number; transaction: PendingTransaction }>;
  /** Mines one block (joins the running search when one is under way). Throws NodeError('mining-cancelled') when stopped. */
  mine(): Promise<MineResult>;
  /** Cancels a running search and auto-mine; nothing half-mined is appended. */
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
  /** Applies and saves settings; throws NodeError('invalid-settings'). */
  updateSettings(patch: Partial<Settings>): Promise<Settings>;
  /** Replaces the chain with a fresh genesis and clears pending transactions. */
  resetChain(): Promise<void>;
  /** The bounded activity log, oldest first. */
  activity(): ActivityEntry[];
  /** The name of the node whose id this is, when known (this node or a peer). */
  nameOf(nodeId: string): string | null;

  // ── the live network (the peer server's own routes, and discovery) ──
  /** What this node tells other nodes about itself (the info route, hellos). */
  card(): NodeCard;
  /** `POST /blockparty/hello` from the socket address `remote`: our card and some of our peers. */
  hello(remote: string | undefined, body: unknown): { card: NodeCard; peers: ExchangedPeer[] };
  /** `POST /blockparty/blocks`: a peer pushes its new tip. */
  receiveBlocks(remote: string | undefined, body: unknown): Promise<{ status: string; length: number }>;
  /** `POST /blockparty/transactions`: a peer relays transactions. */
  receiveTransactions(remote: string | undefined, body: unknown): Promise<{ accepted: number }>;
  /** `POST /blockparty/sync`: the blocks after a locator, as the route's JSON text. */
  syncPage(body: unknown): string;
  /** `GET /blockparty/peers`. */
  peerList(): {
    address: string;
    kind: string;
    status: string;
    id: string | null;
    name: string | null;
    length: number | null;
  }[];
  /** A node seen on the LAN by discovery. */
  sighted(found: Sighting): void;
  /** Networks seen nearby. */
  nearby(): NearbyNetwork[];
  /** Joins another network (asks first when this node has blocks of its own: NodeError with `confirm`). */
  joinNetwork(network: string, confirmed: boolean): Promise<{ blocks: number }>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof NodeEvents>(event: K, listener: (payload: NodeEvents[K]) => void): () => void;
}
