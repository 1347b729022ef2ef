/**
 * The dashboard's contract: one API, implemented once in main (`src-main/control/`), reached over two
 * transports: IPC in the desktop app (`window.api`, see window-api.ts) and a loopback HTTP control API
 * with server-sent events for the headless node. Pure types and constants: no Node, Electron or DOM.
 *
 * Every DTO is plain JSON: no bigint, no undefined-vs-missing tricks. Counts and indexes are numbers;
 * proofs and amounts are display strings in Python's form (`"1"` vs `"1.0"`), because the difference
 * changes a block's hash (protocol.md §3).
 */
import type { ApiError } from './errors.ts';
import type { Message, MessageParam } from './messages.ts';
import type { Settings } from './settings.ts';

// ───────────────────────────── results and errors ─────────────────────────────

export { ERROR_CODES, ERROR_STATUS, type ApiError, type ErrorCode } from './errors.ts';
export type { Message, MessageCode, MessageParam } from './messages.ts';

/** What every operation resolves to; transports never reject for expected failures. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

// ───────────────────── shapes the node and its dashboard share ─────────────────────

/** The rule profiles of protocol.md §1. */
export type ProfileName = Settings['profile'];

/** A proof search's progress (at most 4 reports a second). */
export interface MiningProgress {
  /** Candidates tried so far in this search. */
  tried: number;
  /** Candidates per second over the recent past. */
  hashRate: number;
  elapsedMs: number;
  /** Expected total time to find a proof at this difficulty and hash rate (16^difficulty / rate). */
  expectedMs: number;
  workers: number;
}

/**
 * Whether and how the node is mining. Under auto-mine `active` stays true from one block to the next
 * (it is a state of the node, not a flicker of single searches).
 */
export interface MiningState {
  /** A search runs, or auto-mine is on and the next one is about to start. */
  active: boolean;
  /** Auto-mine is on: the node mines block after block. */
  auto: boolean;
  /** Index of the block being mined, when a search runs. */
  targetIndex: number | null;
  progress: MiningProgress | null;
  /** The hash rate over the last seconds of searching (kept between blocks); 0 when idle. */
  hashRate: number;
  /** Blocks this node mined over the last minute. */
  blocksPerMinute: number;
  workers: number;
}

/** The status strip: who we are, where we listen, chain height, mining. */
export interface NodeStatus {
  nodeId: string;
  name: string;
  profile: ProfileName;
  difficulty: number;
  /** False when the difficulty is not the tutorial's 4: tutorial nodes cannot join. */
  tutorialCompatible: boolean;
  height: number;
  lastHash: string;
  /** The hash of our genesis block: it names the network this node belongs to. */
  genesisHash: string;
  pendingCount: number;
  /** The peer port actually in use (the next free one when settings.port was taken). */
  port: number;
  /** The port asked for when another had to be taken, else null. */
  portAsked: number | null;
  /** `http://host:port` URLs others on the LAN can use to reach this node (never loopback). */
  addresses: string[];
  dataDir: string;
  mining: MiningState;
  /** What the node found wrong with its files at start (kept until restart). */
  storageNotices: Message[];
}

/** How this node learned of a peer. */
export type PeerSource = 'manual' | 'inbound' | 'discovered' | 'exchanged';

/** One peer as the node knows it. */
export interface PeerInfo {
  /** `host:port` */
  address: string;
  source: PeerSource;
  /** online: it answered lately; offline: it stopped answering; unknown: not asked yet. */
  status: 'online' | 'offline' | 'unknown';
  /** blockparty: answers our info route; tutorial: speaks only the five routes. */
  kind: 'blockparty' | 'tutorial' | null;
  /** Its node id and name, when it told us (Blockparty nodes). */
  id: string | null;
  name: string | null;
  latencyMs: number | null;
  /** Blocks it had when last asked. */
  height: number | null;
  profile: ProfileName | null;
  difficulty: number | null;
  /** Epoch milliseconds of its last answer. */
  lastSeen: number | null;
  /** Why it cannot share our network (other genesis, profile or difficulty); null when it can. */
  incompatible: Message | null;
  /** Why the last contact failed; null when it answered. */
  lastError: Message | null;
}

/** A transaction for display. Peers' chains may hold anything, so each field is shown as found. */
export interface TransactionDto {
  /** The envelope id while pending; null inside a block. */
  id: string | null;
  /** The string itself, Python's JSON of a non-string value, or null when missing. */
  sender: string | null;
  recipient: string | null;
  /** Python's form: `"1"` (int) and `"1.0"` (float) are different amounts to the hash. */
  amount: string | null;
  /** A mining reward (`sender` is `"0"`). */
  reward: boolean;
  /** The whole transaction as Python's `json.dumps(tx, sort_keys=True)`. */
  json: string;
}

/** One row of a chain list. */
export interface BlockSummary {
  /** 1-based, as in the block. */
  index: number;
  hash: string;
  /** A 64-hex hash, or `1` / `"1"` for genesis as Python prints it (int vs string differs by profile). */
  previousHash: string;
  /** Decimal digits of the proof (it may exceed 2^53). */
  proof: string;
  /** Seconds since the epoch (a float, as Python's time.time()). */
  timestamp: number;
  transactionCount: number;
}

/** A block with its transactions and the exact text its hash is computed from. */
export interface BlockDetail extends BlockSummary {
  transactions: TransactionDto[];
  /** `json.dumps(block, sort_keys=True)`: the bytes behind `hash`. */
  json: string;
}

/** A page of the chain. */
export interface ChainPage {
  /** Blocks in the whole chain. */
  total: number;
  blocks: BlockSummary[];
}

/** Which page of the chain to fetch. */
export interface ChainPageQuery {
  /** Blocks to skip from the start of the chosen order (default 0). */
  offset?: number;
  /** Blocks per page: 1…CHAIN_PAGE_MAX (default CHAIN_PAGE_DEFAULT). */
  limit?: number;
  /** Newest block first (default false: genesis first). */
  newestFirst?: boolean;
}

/** The default and the largest page of `chainPage`. */
export const CHAIN_PAGE_DEFAULT = 50;
export const CHAIN_PAGE_MAX = 500;

/** The most blocks `search` returns. */
export const SEARCH_MAX = 20;

/** A transaction typed in the dashboard. */
export interface TransactionInput {
  sender: string;
  recipient: string;
  /** `"1"` is sent as an int, `"1.0"` or `"2.5"` as a float; a JS integer as an int. Finite, > 0. */
  amount: string | number;
}

/** What `submitTransaction` queued. */
export interface SubmittedTransaction {
  /** The block it will go into. */
  index: number;
  transaction: TransactionDto;
}

/** A forged block. */
export interface MineResultDto {
  block: BlockSummary;
  ms: number;
  tried: number;
}

/** An address that was refused, and why. */
export interface RefusedAddress {
  input: string;
  reason: Message;
}

/** What adding peers did: some addresses may be refused while others are added. */
export interface AddPeersResult {
  /** Every peer now known, as they answered the check that follows an add. */
  peers: PeerInfo[];
  /** Addresses newly added, as `host:port`. */
  added: string[];
  /** Addresses given that were already peers (as `host:port`). */
  known: string[];
  /** Inputs refused, each with the reason. */
  rejected: RefusedAddress[];
  /** For each address in `added`: whether it answered when asked right after being added. */
  reachable: Record<string, boolean>;
}

/** One address's totals over the whole chain. */
export interface BalanceRowDto {
  address: string;
  /** The name of the node whose id this is, when the node knows it (itself or a peer). */
  name: string | null;
  /**
   * Amounts in Python's form: an exact int sum (`"12"`) while every amount of this address was an
   * int, else a float sum (`"12.5"`, `"12.0"`) as Python's `int + float` would give.
   */
  received: string;
  sent: string;
  /** received − sent. */
  balance: string;
}

/**
 * What each address received and sent, added up over the chain. The tutorial's rules do not enforce
 * balances (anyone can send any amount), so this is information, not a rule. The mint, sender `"0"`
 * of mining rewards, is not an account and never has a row: rewards count as received by their
 * recipient only, and anything sent to `"0"` as sent by its sender only.
 */
export interface BalancesDto {
  /** Blocks added up (the chain's height when computed). */
  height: number;
  /** Highest balance first, then by address. */
  rows: BalanceRowDto[];
  /**
   * Transactions left out, as peers' chains may hold anything: the amount is not an int or a float
   * (a string, a boolean, missing…), the sender or recipient is not a string, or it is not an object.
   */
  skipped: number;
}

/** A network seen on the LAN (discovery, hellos): the nodes of one genesis and rules. */
export interface NearbyNetwork {
  /** The first 16 hex characters of its genesis block's hash. */
  network: string;
  profile: ProfileName;
  difficulty: number;
  /** It is this node's network. */
  ours: boolean;
  /** It follows this node's rules, so joining it is possible. */
  joinable: boolean;
  /** The longest chain seen on it. */
  height: number;
  nodes: { id: string; name: string; address: string; height: number; lastSeen: number }[];
}

/** How one peer's chain fared in a resolve. */
export type PeerOutcomeKind =
  'adopted' | 'not-longer' | 'invalid' | 'unreachable' | 'timeout' | 'too-large' | 'not-a-node' | 'busy';

/** How one peer's chain fared in a resolve. */
export interface PeerOutcome {
  peer: string;
  /** The peer's name, when it is a Blockparty node that told us. */
  name: string | null;
  outcome: PeerOutcomeKind;
  /** Blocks counted in the peer's chain (not the `length` it claims), when it answered as a node. */
  blocks: number | null;
  reason: Message | null;
  /** How long it took, for peers that answered as a node. */
  ms: number | null;
}

/** What a resolve did: which chain won and why, what was replaced, which transactions came back. */
export interface ResolveReportDto {
  replaced: boolean;
  winner: string | null;
  winnerName: string | null;
  ourLengthBefore: number;
  ourLengthAfter: number;
  /** First index of ours that was replaced, null when kept. */
  replacedFrom: number | null;
  /** The winning chain starts from another genesis block (each node makes its own at first start). */
  otherGenesis: boolean;
  discarded: BlockSummary[];
  restored: TransactionDto[];
  dropped: TransactionDto[];
  peers: PeerOutcome[];
}

/**
 * Every sort of thing an activity line reports, in the order the dashboard's filter offers them.
 */
export const ACTIVITY_KINDS = [
  'mined',
  'chain-replaced',
  'chain-kept',
  'peer-added',
  'peer-removed',
  'peer-failed',
  'rejected-input',
  'transaction',
  'node',
  'error',
] as const;

/** One of {@link ACTIVITY_KINDS}. */
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** One line of the node's bounded activity log. */
export interface ActivityEntry {
  id: number;
  /** Epoch milliseconds. */
  time: number;
  kind: ActivityKind;
  /** English text, shown when the dashboard has no words for `code`. */
  message: string;
  /** What the line says (a message code); may be a code this dashboard does not know. */
  code: string;
  params: Record<string, MessageParam>;
}

/** The node's settings (see settings.ts). */
export type SettingsDto = Settings;

/** How the chain changed: a block mined here or received from a peer, another chain adopted, a reset. */
export interface ChainChange {
  height: number;
  reason: 'mined' | 'received' | 'replaced' | 'reset';
}

// ────────────────────────────────── the API ──────────────────────────────────

/**
 * The dashboard API. Each operation takes no argument or one plain object, and resolves to a
 * Result: the same call over IPC (`window.api.x(input)`) and HTTP (`POST /api/x` with the input as
 * the JSON body).
 */
export interface DashboardApi {
  status(): Promise<Result<NodeStatus>>;
  chainPage(query?: ChainPageQuery): Promise<Result<ChainPage>>;
  /** `not-found` when there is no block at that index. */
  block(query: { index: number }): Promise<Result<BlockDetail>>;
  /** Blocks whose index equals `text` or whose hash starts with it (hex, 1+ chars), newest first. */
  search(query: { text: string }): Promise<Result<BlockSummary[]>>;
  pending(): Promise<Result<TransactionDto[]>>;
  /** Every address's totals over the chain, computed in main (cached until the chain changes). */
  balances(): Promise<Result<BalancesDto>>;
  submitTransaction(input: TransactionInput): Promise<Result<SubmittedTransaction>>;
  /** Resolves when the block is forged (or `mining-cancelled` when stopped); progress comes as events. */
  mine(): Promise<Result<MineResultDto>>;
  stopMining(): Promise<Result<null>>;
  peers(): Promise<Result<PeerInfo[]>>;
  /**
   * Accepts `http://host:port` or `host:port`; `invalid-address` when none is valid. When some were
   * added, asks the peers before answering, so `reachable` says which of the new ones answered.
   */
  addPeers(input: { addresses: string[] }): Promise<Result<AddPeersResult>>;
  removePeer(input: { address: string }): Promise<Result<PeerInfo[]>>;
  /** Pings every peer for its height and latency. */
  refreshPeers(): Promise<Result<PeerInfo[]>>;
  /** Consensus: adopt the longest valid chain among peers. */
  resolve(): Promise<Result<ResolveReportDto>>;
  settings(): Promise<Result<SettingsDto>>;
  updateSettings(patch: Partial<SettingsDto>): Promise<Result<SettingsDto>>;
  /** A fresh genesis; pending transactions cleared. */
  resetChain(): Promise<Result<null>>;
  activity(): Promise<Result<ActivityEntry[]>>;
}

/** The names of the operations. */
export type OperationName = keyof DashboardApi;

/** The argument of an operation (`undefined` for those without one). */
export type OperationInput<K extends OperationName> = Parameters<DashboardApi[K]>[0];

/** The success value of an operation. */
export type OperationValue<K extends OperationName> =
  Awaited<ReturnType<DashboardApi[K]>> extends Result<infer T> ? T : never;

// ───────────────────────────────── events ─────────────────────────────────

/** What main pushes to the dashboard. Subscribe first, then fetch the snapshot. */
export interface DashboardEvents {
  /** The whole status, coalesced (at most a few times a second). */
  status: NodeStatus;
  /** The chain grew, was replaced or reset. */
  chain: ChainChange;
  pending: { count: number };
  /** Mining started/stopped, or progress while it runs. */
  mining: MiningState;
  peers: PeerInfo[];
  activity: ActivityEntry;
  settings: SettingsDto;
}

/** The names of the events. */
export type EventName = keyof DashboardEvents;

// ─────────────────────────────────── IPC ───────────────────────────────────

/** `ipcRenderer.invoke` channel of each operation (`domain:verb`). */
export const IPC_CHANNELS = {
  status: 'node:status',
  chainPage: 'chain:page',
  block: 'chain:block',
  search: 'chain:search',
  pending: 'transactions:pending',
  balances: 'chain:balances',
  submitTransaction: 'transactions:submit',
  mine: 'mining:start',
  stopMining: 'mining:stop',
  peers: 'peers:list',
  addPeers: 'peers:add',
  removePeer: 'peers:remove',
  refreshPeers: 'peers:refresh',
  resolve: 'chain:resolve',
  settings: 'settings:get',
  updateSettings: 'settings:update',
  resetChain: 'chain:reset',
  activity: 'activity:list',
} as const satisfies Record<OperationName, string>;

/** `webContents.send` channel of each event (`domain:verb`). */
export const IPC_EVENT_CHANNELS = {
  status: 'node:status-changed',
  chain: 'chain:changed',
  pending: 'transactions:pending-changed',
  mining: 'mining:changed',
  peers: 'peers:changed',
  activity: 'activity:added',
  settings: 'settings:changed',
} as const satisfies Record<EventName, string>;

/** Every operation (the preload exposes exactly these, plus an `onX` per event). */
export const OPERATION_NAMES = Object.keys(IPC_CHANNELS) as OperationName[];

/** Every event; also the SSE `event:` names. */
export const EVENT_NAMES = Object.keys(IPC_EVENT_CHANNELS) as EventName[];

/** `onStatus`, `onChain`, … : the `window.api` method that subscribes to an event. */
export type EventSubscriberName<K extends EventName = EventName> = `on${Capitalize<K>}`;

/** `onStatus` for `status`. */
export function subscriberName<K extends EventName>(event: K): EventSubscriberName<K> {
  return `on${event.charAt(0).toUpperCase()}${event.slice(1)}` as EventSubscriberName<K>;
}

/** The global the preload exposes: `window.api`. */
export const WINDOW_API_KEY = 'api';

/** Every method of `window.api` (see window-api.ts): the operations, then one `onX` per event. */
export const WINDOW_API_METHODS: readonly string[] = [...OPERATION_NAMES, ...EVENT_NAMES.map(subscriberName)];

// ──────────────────────────── HTTP control API ────────────────────────────

/**
 * The loopback control API (headless node), on its own port, never shared with the peer API.
 *
 * - Operation `x`: `POST /api/x`, JSON body = the operation's input (`{}` or none when it takes none).
 *   The response body is always the Result JSON: 200 with `{ok: true, value}`, or 4xx/5xx with
 *   `{ok: false, error}` (the status of the error's code, see errors.ts).
 * - Events: `GET /api/events` as server-sent events; `event:` is an EVENT_NAMES entry and `data:` its
 *   JSON payload; a `: ping` comment every 15 s. The dashboard reads it with `fetch()` (EventSource
 *   cannot send the header) and reopens it whenever it ends, so a tab outlives a restart of its node.
 * - Token: `Authorization: Bearer <token>` on every `/api` request (`?token=<token>` is also accepted,
 *   for tools such as `curl -N`). The headless node prints `http://127.0.0.1:PORT/?token=…`: the page
 *   reads the token once, keeps it in the tab's sessionStorage and removes it from the address bar.
 *   No cookie: cookies ignore ports, so every server on 127.0.0.1 would receive it.
 * - The dashboard's static files need no token (they are public code). Requests whose Host is not
 *   127.0.0.1/localhost, or whose Origin is not this very server (another port is another origin),
 *   are refused with `forbidden`.
 */
export const CONTROL_API_PREFIX = '/api';

/** The path of an operation on the control API. */
export function controlOperationPath(name: OperationName): string {
  return `${CONTROL_API_PREFIX}/${name}`;
}

/** The server-sent events path of the control API. */
export const CONTROL_EVENTS_PATH = `${CONTROL_API_PREFIX}/events`;

/** The query parameter that carries the token in the address the node prints. */
export const CONTROL_TOKEN_PARAM = 'token';
