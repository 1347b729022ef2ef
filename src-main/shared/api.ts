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
  /** Whether laptops on the LAN can reach our peer port. */
  reachability: Reachability;
  /** The classroom lab's switches (private mining, pace). */
  lab: LabState;
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
  /** The tip hash it last told us. */
  tip: string | null;
  /** What it last told us of its mining (Blockparty nodes): hash rate, workers, whether it mines. */
  hashRate: number | null;
  workers: number | null;
  mining: boolean | null;
  /** It mines privately (the attack lab) and says so. */
  privateMining: boolean;
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

// ──────────────────── the live network: reachability, diagnostics, joining ────────────────────

/**
 * Whether laptops on the LAN can reach this node's peer port. `no-inbound`: peers were found (we
 * reached them) but none of them ever connected to us, which is what a firewall (or a Windows
 * "Public" network) looks like; `loopback-only`: the node listens on 127.0.0.1 only.
 */
export interface Reachability {
  verdict: 'ok' | 'unknown' | 'no-inbound' | 'loopback-only';
  /** Connections from other machines since start. */
  inbound: number;
  /** Epoch milliseconds of the last one. */
  lastInboundAt: number | null;
  /** Peers we reached ourselves since start (Blockparty nodes that answered a hello). */
  reachedOut: number;
}

/** One finding of the peering diagnostics ("why can't I see Bob?"). */
export interface DiagnosticDto {
  /** What was checked: `listening`, `discovery`, `other-network`, `rules`, `firewall`, `vpn`, `isolation`, `target`… */
  id: string;
  status: 'ok' | 'warn' | 'fail' | 'info';
  /** One line, for the list. */
  title: Message;
  /** What was found. */
  detail: Message;
  /** What to do about it, when something is to be done. */
  fix: Message | null;
}

/** What the diagnostics found. */
export interface DiagnosticsDto {
  /** The interfaces and addresses the peer port listens on, as others would type them. */
  listening: { interface: string; address: string; family: 'IPv4' | 'IPv6' }[];
  checks: DiagnosticDto[];
}

/** What `diagnose` looks into: everything, or also one node (by address, or by a name seen nearby). */
export interface DiagnoseInput {
  /** `host:port`, or a node's name as people call it ("Bob"). */
  target?: string;
}

/**
 * A short code that joins this node's network from another laptop: the code names an IPv4 address,
 * the peer port and the network (see join-code.ts). Null, with the reason, when the node has no
 * address others can use.
 */
export interface JoinCodeDto {
  code: string | null;
  /** `host:port` the code stands for. */
  address: string | null;
  /** The read-only spectator page on the peer port (what the QR code opens, for phones). */
  spectatorUrl: string | null;
  /** The network (first 16 hex characters of the genesis hash). */
  network: string;
  reason: Message | null;
}

/** The path of the read-only spectator page on the peer port (no token: it shows nothing private). */
export const SPECTATOR_PATH = '/spectate/';

/** What the spectator page shows (`GET /blockparty/view` on the peer port, no token). */
export interface SpectatorDto {
  view: NetworkViewDto;
  forks: ForkTreeDto;
}

/** The spectator page's data route on the peer port (`SpectatorDto`). */
export const SPECTATOR_DATA_PATH = '/blockparty/view';

/** What joining by code did. */
export interface JoinedDto {
  /** The host the code named, as `host:port`. */
  address: string;
  /** Blocks of the chain we now follow. */
  blocks: number;
}

// ───────────────────────────────── the classroom lab ─────────────────────────────────

/** The longest pause `setPace` accepts between two blocks of one node, in seconds. */
export const PACE_MAX_SECONDS = 3600;

/**
 * The network's pace: each Blockparty node mines at most one block every `seconds` (a local
 * throttle; difficulty stays 4, so tutorial nodes stay compatible). Set by one node, gossiped to all;
 * the most recent setting wins. `seconds` 0: no pace.
 */
export interface PaceDto {
  seconds: number;
  setById: string;
  setByName: string;
  /** Epoch milliseconds (the setter's clock). */
  setAt: number;
}

/** The lab's switches as they stand on this node. */
export interface LabState {
  /** Private mining (the attack lab): blocks mined here are withheld from the network until released. */
  privateMining: boolean;
  /** Blocks mined privately and not yet released. */
  withheld: number;
  /** The longest public chain seen while mining privately (null when not private). */
  publicHeight: number | null;
  pace: PaceDto | null;
  /** When the pace lets this node mine its next block (epoch ms), null when it may mine now. */
  nextBlockAt: number | null;
}

/** One node as the network view shows it. */
export interface NetworkNodeDto {
  /** Node id (the reward recipient of the blocks it mines); null for a tutorial node. */
  id: string | null;
  name: string | null;
  /** `host:port`; null for this node. */
  address: string | null;
  self: boolean;
  kind: 'blockparty' | 'tutorial';
  status: 'online' | 'offline' | 'unknown';
  height: number | null;
  tip: string | null;
  latencyMs: number | null;
  profile: ProfileName | null;
  difficulty: number | null;
  /** Why it cannot share our network; null when it does. */
  incompatible: Message | null;
  /** Its hash rate and mining workers as it last told us (Blockparty nodes). */
  hashRate: number | null;
  workers: number | null;
  mining: boolean | null;
  /** It mines privately (the attack lab), as it tells others. */
  privateMining: boolean;
  /** Blocks of our chain's last {@link NETWORK_VIEW_RECENT} it mined. */
  recentBlocks: number;
}

/** Blocks `networkView` looks back over for who mined what. */
export const NETWORK_VIEW_RECENT = 100;

/** One recent block and who mined it. */
export interface MinedBlockDto {
  index: number;
  hash: string;
  /** The reward's recipient (a node id), null when the block has no reward. */
  minerId: string | null;
  minerName: string | null;
  timestamp: number;
  transactionCount: number;
}

/** A node seen on the LAN that cannot join our network, and why. */
export interface OutsiderDto {
  name: string | null;
  address: string;
  network: string;
  reason: Message;
}

/** The whole network for the projector: every node, who mined, the pace, who cannot join. */
export interface NetworkViewDto {
  network: string;
  profile: ProfileName;
  difficulty: number;
  height: number;
  tip: string;
  /** This node first, then peers by name. */
  nodes: NetworkNodeDto[];
  /** The last blocks of our chain, newest first (at most 20). */
  recentBlocks: MinedBlockDto[];
  /** Blocks per minute over the last five minutes of our chain's timestamps. */
  blocksPerMinute: number;
  outsiders: OutsiderDto[];
  pace: PaceDto | null;
  /** Sum of the hash rates nodes told us. */
  totalHashRate: number;
}

/** A block in the fork tree: on our chain, or a stale branch kept for display only. */
export interface ForkBlockDto {
  hash: string;
  index: number;
  /** The hash of its parent as Python prints it (see BlockSummary.previousHash). */
  previousHash: string;
  minerId: string | null;
  minerName: string | null;
  timestamp: number;
  transactionCount: number;
  /** On our chain now. */
  main: boolean;
  /** When this node first saw it (epoch ms), null for blocks from before this start. */
  seenAt: number | null;
  /** Who it came from: a peer's name or address; null when mined here or not known. */
  from: string | null;
}

/** A reorg: another branch became longer and won. */
export interface ReorgDto {
  /** Epoch milliseconds. */
  at: number;
  /** The last block both branches share. */
  forkIndex: number;
  oldLength: number;
  newLength: number;
  oldTip: string;
  newTip: string;
  /** Hashes of our blocks that became stale. */
  discarded: string[];
  /** Transactions of the stale blocks that went back to the pool. */
  restored: TransactionDto[];
  /** Who sent the winning branch. */
  winnerName: string | null;
}

/** The most stale blocks kept for the fork tree (never used for consensus). */
export const STALE_BLOCKS_MAX = 500;

/** The branches this node has seen. */
export interface ForkTreeDto {
  /** The last blocks of our chain (at most `depth`) and every kept stale block forking off them. */
  blocks: ForkBlockDto[];
  /** Newest first (at most 10). */
  reorgs: ReorgDto[];
  /** Stale blocks kept in all. */
  stale: number;
}

/** One hop of a block through the network: `to` got it from `from`, `atMs` after it was mined. */
export interface FlightHopDto {
  from: string;
  fromName: string | null;
  to: string;
  toName: string | null;
  /** Milliseconds since the origin had the block, added up hop by hop (each hop timed on one clock). */
  atMs: number | null;
  /** Pushed down the relay tree, or fetched by a sync. */
  via: 'push' | 'sync';
}

/** The path a recent block took, as its origin collected it from the nodes' arrival reports. */
export interface FlightDto {
  hash: string;
  index: number;
  /** The node that mined it. */
  origin: string;
  originName: string | null;
  hops: FlightHopDto[];
}

/** An edit of the lab's copy of the chain. */
export type TamperEdit =
  | {
      /** 1-based index of the block to edit (2 or more: genesis is left alone). */
      index: number;
      kind: 'transaction';
      /** 0-based position of the transaction in the block. */
      transaction: number;
      field: 'sender' | 'recipient' | 'amount';
      value: string;
      /** Redo the proofs of the edited block and every later one (the work an attacker must redo). */
      remine?: boolean;
    }
  | { index: number; kind: 'proof'; value: string; remine?: boolean };

/** One block of the lab chain after an edit. */
export interface TamperBlockDto {
  index: number;
  hashBefore: string;
  hashAfter: string;
  /** Its `previous_hash` still names the block before it. */
  linkOk: boolean;
  /** Its proof is still valid after the block before it. */
  proofOk: boolean;
}

/** What the edit breaks, seen locally on the lab copy (the node's own chain is never touched). */
export interface TamperReportDto {
  edit: TamperEdit;
  /** The edited block and the ones after it (at most 200), oldest first. */
  blocks: TamperBlockDto[];
  /** Later blocks beyond those listed. */
  more: number;
  /** The first rule the lab chain breaks, as any node would report it; null when it is valid. */
  firstBroken: { index: number; reason: Message } | null;
  /** Blocks whose proofs were redone (remine), and how long it took. */
  remined: number;
  ms: number;
}

/** What one peer said of the lab chain (it checks it as it would a chain to adopt, and keeps its own). */
export interface TamperVerdictDto {
  peer: string;
  name: string | null;
  verdict: 'rejected' | 'not-longer' | 'would-adopt' | 'unreachable' | 'tutorial' | 'busy';
  /** The block the peer found at fault. */
  block: number | null;
  reason: Message | null;
  ms: number | null;
}

/** The lab chain sent to every peer, and each one's verdict. */
export interface TamperSentDto {
  report: TamperReportDto;
  verdicts: TamperVerdictDto[];
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

  // ── the live network ──
  /** Networks and nodes seen on the LAN, ours first. */
  nearby(): Promise<Result<NearbyNetwork[]>>;
  /**
   * Adopts another network's chain, genesis included. When this node has blocks of its own it
   * answers `invalid-request` with field `confirm` (detail: how many blocks and transactions give
   * way) unless `confirm` is true.
   */
  joinNetwork(input: { network: string; confirm?: boolean }): Promise<Result<{ blocks: number }>>;
  /** "Why can't I see Bob?": the peering checks, with the fix for each. */
  diagnose(input: DiagnoseInput): Promise<Result<DiagnosticsDto>>;
  /** This node's join code and spectator address (for the QR code). */
  joinCode(): Promise<Result<JoinCodeDto>>;
  /** Joins the network of the node a code names (`confirm` as for joinNetwork). */
  joinByCode(input: { code: string; confirm?: boolean }): Promise<Result<JoinedDto>>;

  // ── the classroom lab ──
  networkView(): Promise<Result<NetworkViewDto>>;
  /** The last `depth` blocks of our chain (default 30, at most 200) and the stale branches seen. */
  forkTree(input?: { depth?: number }): Promise<Result<ForkTreeDto>>;
  /** The paths of the latest blocks (at most `count`, default 5), newest first. */
  flights(input?: { count?: number }): Promise<Result<FlightDto[]>>;
  /** Applies an edit to a copy of the chain and says what breaks. */
  tamperPreview(input: TamperEdit): Promise<Result<TamperReportDto>>;
  /** Sends the edited copy to every peer; each checks it with its own rules and keeps its chain. */
  tamperSend(input: TamperEdit): Promise<Result<TamperSentDto>>;
  /** Private mining on (withhold blocks) or off (release them to the network). */
  setPrivateMining(input: { on: boolean }): Promise<Result<LabState>>;
  /** Sets the network's pace (0 to lift it); every Blockparty node of the network follows. */
  setPace(input: { seconds: number }): Promise<Result<LabState>>;
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
  /** The networks seen nearby changed. */
  nearby: NearbyNetwork[];
  /** Lab data changed (coalesced): refetch the view it names. */
  lab: { what: 'network' | 'forks' | 'flights' };
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
  nearby: 'network:nearby',
  joinNetwork: 'network:join',
  diagnose: 'network:diagnose',
  joinCode: 'network:join-code',
  joinByCode: 'network:join-by-code',
  networkView: 'lab:network',
  forkTree: 'lab:forks',
  flights: 'lab:flights',
  tamperPreview: 'lab:tamper-preview',
  tamperSend: 'lab:tamper-send',
  setPrivateMining: 'lab:private-mining',
  setPace: 'lab:pace',
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
  nearby: 'network:nearby-changed',
  lab: 'lab:changed',
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
 *   `{ok: false, error}` (the status of the error's code, see errors.ts). Two outcomes the user asked
 *   for answer 200 with `{ok: false, error}`: `mining-cancelled` (Stop) and a join's request to be
 *   confirmed (`invalid-request` with field `confirm`).
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
