/** What a running node offers to its transports (peer server, dashboard service), and its events. */
import type { SealedBlock } from '../chain/block.ts';
import type { PendingTransaction } from '../chain/types.ts';
import type {
  ActivityEntry,
  ChainChange,
  JoinCodeDto,
  LabState,
  TamperEdit,
  TamperVerdictDto,
  MiningState,
  NearbyNetwork,
  NodeStatus,
  PeerInfo,
  PeerOutcome,
  RefusedAddress,
} from '../shared/api.ts';
import type { Settings } from '../shared/settings.ts';
import type { ForkTree } from './forks.ts';
import type { TamperOutcome } from './lab.ts';
import type { Sighting } from './network.ts';
import type { Flight, Hop } from './flights.ts';
import type { Message } from '../shared/messages.ts';
import type { ExchangedPeer, HelloAnswer, NodeCard } from './ports.ts';

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
  /** Lab data changed: the network view, the fork tree or the flights. */
  lab: { what: 'network' | 'forks' | 'flights' };
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
  /** This node's join code and spectator address; null code (with the reason) when it has no LAN address. */
  joinCode(): JoinCodeDto;
  /** Joins the network of the node a join code names (asks first as `joinNetwork` does). */
  joinByCode(code: unknown, confirmed: boolean): Promise<{ address: string; blocks: number }>;
  /** Says hello to one address and returns its answer (diagnostics). */
  contact(address: string): Promise<HelloAnswer>;

  // ── the classroom lab ──
  /**
   * The last `depth` blocks of our chain and the stale branches seen (display only); `publicOnly`:
   * of the part others see (blocks mined privately left out).
   */
  forkTree(depth: number, publicOnly?: boolean): ForkTree;
  /** Edits a copy of the chain and checks it (the node's own chain is not touched). */
  tamper(edit: TamperEdit): Promise<TamperOutcome>;
  /** `POST /blockparty/adopted`: a peer adopted our chain in a resolve (told to our activity). */
  adoptedBy(remote: string | undefined, body: unknown): void;
  /** `POST /blockparty/arrivals`: hops of a block's flight, reported by a node we sent it to. */
  receiveHops(body: unknown): { accepted: number };
  /** `GET /blockparty/flight`: what this node knows of a block's flight. */
  flight(hash: string): { origin: string; index: number; hops: Hop[] } | null;
  /** The flights of our chain's latest `count` blocks, each asked from its origin. */
  flights(count: number): Promise<Flight[]>;
  /** Sends a lab copy of the chain to every peer; each judges it and keeps its own chain. */
  tamperSend(edit: TamperEdit): Promise<{ outcome: TamperOutcome; verdicts: TamperVerdictDto[] }>;
  /** `POST /blockparty/lab/check`: judges a lab chain as if it were offered to adopt (never adopts). */
  labCheck(body: Uint8Array): Promise<{
    verdict: 'rejected' | 'not-longer' | 'would-adopt';
    block: number | null;
    reason: Message | null;
  }>;
  /** Private mining on (blocks withheld) or off (released to the network). */
  setPrivateMining(on: boolean): LabState;
  /** Sets the network's pace (0 lifts it); told to every peer. Throws NodeError('invalid-request'). */
  setPace(seconds: number): LabState;

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof NodeEvents>(event: K, listener: (payload: NodeEvents[K]) => void): () => void;
}
