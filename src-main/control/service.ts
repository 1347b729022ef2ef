import { dumpsPy } from '../chain/json.ts';
import { blockToPy, hashBlock } from '../chain/block.ts';
import type { Block, PyValue } from '../chain/types.ts';
import type { ActivityEntry, NodeApi, NodeStatus, PeerInfo, ResolveReport } from '../node/types.ts';
import { NodeError } from '../node/types.ts';
import type {
  ActivityDto,
  ApiError,
  BalancesDto,
  BlockDetail,
  BlockSummary,
  ChainPage,
  DashboardApi,
  DashboardEvents,
  ErrorCode,
  EventName,
  MiningStateDto,
  PeerDto,
  ResolveReportDto,
  Result,
  StatusDto,
  TransactionDto,
} from '../shared/api.ts';
import { CHAIN_PAGE_DEFAULT, CHAIN_PAGE_MAX, SEARCH_MAX } from '../shared/api.ts';
import { DEFAULT_SETTINGS } from '../shared/settings.ts';
import type { Settings } from '../shared/settings.ts';
import { createBalanceLedger } from './balances.ts';
import type { BalanceLedger } from './balances.ts';

/** The dashboard API plus its events, as both transports (IPC, HTTP) consume it. */
export interface DashboardService extends DashboardApi {
  /** Subscribes to a dashboard event; returns the unsubscribe function. */
  on<K extends EventName>(event: K, listener: (payload: DashboardEvents[K]) => void): () => void;
  /** Detaches from the node and drops listeners. */
  close(): void;
}

/** What the service needs besides the node. */
export interface DashboardServiceDeps {
  /** Where bugs go (unexpected exceptions); they still reach the caller as `internal`. */
  logError?: (message: string, error: unknown) => void;
  /** Status events are coalesced over this window, because mining progress alone fires 4 times a second. */
  statusIntervalMs?: number;
  /**
   * How often to look for a change of the node's addresses (default 5 s): the laptop may join another
   * network while nothing else happens, and the status is only pushed when something does.
   */
  addressCheckMs?: number;
}

/** A bad payload, turned into `invalid-request` at the boundary. */
class InputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Codes a node may throw that the dashboard knows by name; others become `node-error`. */
const PASSED_THROUGH: ReadonlySet<string> = new Set<ErrorCode>([
  'invalid-request',
  'invalid-transaction',
  'invalid-address',
  'invalid-settings',
  'not-found',
  'mining-cancelled',
]);

const HEX_64 = /^[0-9a-f]{64}$/;
// Python's int() and float() literals as a person types them: "1" is an int, "1.0" / "2.5e3" floats.
const INT_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Implements the dashboard API once over a running node: validation, DTOs, errors as values. */
export function createDashboardService(node: NodeApi, deps: DashboardServiceDeps = {}): DashboardService {
  const logError = deps.logError ?? ((message, error) => console.error(message, error));
  const statusIntervalMs = deps.statusIntervalMs ?? 250;
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  let statusTimer: ReturnType<typeof setTimeout> | null = null;
  // Balances are added up block by block and kept: a mined block costs one block, not the chain.
  let ledger: { ledger: BalanceLedger; lastHash: string } | null = null;
  let balancesCache: { dto: BalancesDto; lastHash: string } | null = null;

  function emit<K extends EventName>(event: K, payload: DashboardEvents[K]): void {
    for (const listener of listeners.get(event) ?? []) {
      try {
        (listener as (p: DashboardEvents[K]) => void)(payload);
      } catch (error) {
        // One broken transport must not starve the others.
        logError(`dashboard listener for "${event}" failed`, error);
      }
    }
  }

  function scheduleStatus(): void {
    if (statusTimer !== null || !listeners.get('status')?.size) return;
    statusTimer = setTimeout(() => {
      statusTimer = null;
      try {
        emit('status', statusDto(node.status()));
      } catch (error) {
        logError('reading the node status failed', error);
      }
    }, statusIntervalMs);
  }

  const unsubscribers = [
    node.on('chain-changed', (p) => {
      balancesCache = null;
      // A replaced or reset chain may differ anywhere; a mined block only extends it.
      if (p.reason !== 'mined') ledger = null;
      emit('chain', { height: p.height, reason: p.reason });
      scheduleStatus();
    }),
    node.on('pending-changed', (p) => {
      emit('pending', { count: p.count });
      scheduleStatus();
    }),
    node.on('mining-changed', (p) => {
      emit('mining', miningDto(p));
      scheduleStatus();
    }),
    node.on('peers-changed', (p) => emit('peers', p.map(peerDto))),
    node.on('settings-changed', (p) => {
      emit('settings', { ...p });
      scheduleStatus();
    }),
    node.on('activity', (p) => emit('activity', activityDto(p))),
  ];

  let lastAddresses = readAddresses();
  const addressTimer = setInterval(() => {
    const addresses = readAddresses();
    if (addresses === null || sameList(addresses, lastAddresses)) return;
    lastAddresses = addresses;
    scheduleStatus();
  }, deps.addressCheckMs ?? 5000);
  // A check that finds nothing new must not keep the process alive.
  addressTimer.unref?.();

  function readAddresses(): string[] | null {
    try {
      return [...node.status().addresses];
    } catch (error) {
      logError('reading the node addresses failed', error);
      return null;
    }
  }

  /** The balances of the chain as it is now, from the cache or by adding up only what is new. */
  function computeBalances(): BalancesDto {
    const chain = node.chain();
    const height = chain.length;
    const lastHash = height === 0 ? '' : node.hashAt(height - 1);
    // The event clears the cache; the hash check also covers a change that came without one.
    if (
      balancesCache !== null &&
      balancesCache.dto.height === height &&
      balancesCache.lastHash === lastHash
    ) {
      return balancesCache.dto;
    }
    // Blocks are linked by hash, so an unchanged hash at the ledger's last block means an unchanged prefix.
    let state = ledger;
    const done = state?.ledger.blocks ?? 0;
    if (state === null || done > height || (done > 0 && node.hashAt(done - 1) !== state.lastHash)) {
      state = { ledger: createBalanceLedger(), lastHash: '' };
    }
    for (let p = state.ledger.blocks; p < height; p++) state.ledger.addBlock(chain[p]!);
    state.lastHash = lastHash;
    ledger = state;
    const dto: BalancesDto = { height, ...state.ledger.snapshot() };
    balancesCache = { dto, lastHash };
    return dto;
  }

  /** Runs an operation, turning expected failures into error Results and bugs into `internal`. */
  async function run<T>(operation: string, body: () => T | Promise<T>): Promise<Result<T>> {
    try {
      return { ok: true, value: await body() };
    } catch (error) {
      return { ok: false, error: toApiError(operation, error) };
    }
  }

  function toApiError(operation: string, error: unknown): ApiError {
    if (error instanceof InputError) {
      return { code: 'invalid-request', message: error.message, field: error.field };
    }
    if (isNodeError(error)) {
      const code = PASSED_THROUGH.has(error.code) ? (error.code as ErrorCode) : 'node-error';
      return error.field === undefined
        ? { code, message: error.message }
        : { code, message: error.message, field: error.field };
    }
    logError(`dashboard operation "${operation}" failed`, error);
    const message = error instanceof Error ? error.message : String(error);
    return { code: 'internal', message: `Unexpected error: ${message}` };
  }

  function summaryAt(position: number): BlockSummary {
    const chain = node.chain();
    return blockSummary(chain[position]!, node.hashAt(position));
  }

  const service: DashboardService = {
    status: () => run('status', () => statusDto(node.status())),

    chainPage: (query) =>
      run('chainPage', (): ChainPage => {
        const q = optionalObject(query, 'query');
        const offset = optionalInt(q['offset'], 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
        const limit = optionalInt(q['limit'], 'limit', 1, CHAIN_PAGE_MAX) ?? CHAIN_PAGE_DEFAULT;
        const newestFirst = optionalBoolean(q['newestFirst'], 'newestFirst') ?? false;
        const total = node.chain().length;
        const blocks: BlockSummary[] = [];
        for (let i = offset; i < Math.min(total, offset + limit); i++) {
          blocks.push(summaryAt(newestFirst ? total - 1 - i : i));
        }
        return { total, blocks };
      }),

    block: (query) =>
      run('block', (): BlockDetail => {
        const q = requiredObject(query, 'query');
        const index = optionalInt(q['index'], 'index', 1, Number.MAX_SAFE_INTEGER);
        if (index === undefined) throw new InputError('index', 'Give the index of a block (1 is genesis).');
        const chain = node.chain();
        const block = chain[index - 1];
        if (block === undefined) {
          throw new NodeError(
            'not-found',
            `There is no block ${index}: the chain has ${chain.length}.`,
            'index',
          );
        }
        return blockDetail(block, node.hashAt(index - 1));
      }),

    search: (query) =>
      run('search', (): BlockSummary[] => {
        const q = requiredObject(query, 'query');
        const raw = q['text'];
        if (typeof raw !== 'string' || raw.trim() === '') {
          throw new InputError('text', 'Type a block index or the start of a block hash.');
        }
        const text = raw.trim().toLowerCase();
        const total = node.chain().length;
        const hits: BlockSummary[] = [];
        const seen = new Set<number>();
        if (/^\d+$/.test(text)) {
          const index = Number(text);
          if (index >= 1 && index <= total) {
            hits.push(summaryAt(index - 1));
            seen.add(index - 1);
          }
        }
        if (/^[0-9a-f]+$/.test(text)) {
          for (let p = total - 1; p >= 0 && hits.length < SEARCH_MAX; p--) {
            if (!seen.has(p) && node.hashAt(p).startsWith(text)) hits.push(summaryAt(p));
          }
        }
        return hits;
      }),

    pending: () => run('pending', () => node.pending().map(transactionDto)),

    balances: () => run('balances', computeBalances),

    submitTransaction: (input) =>
      run('submitTransaction', () => {
        const tx = requiredObject(input, 'transaction');
        const amount = parseAmount(tx['amount']);
        // The node validates sender/recipient/amount rules; we only turn the form's text into Python kinds.
        const { index, transaction } = node.submitTransaction({
          sender: tx['sender'] as PyValue,
          recipient: tx['recipient'] as PyValue,
          amount,
        });
        return { index, transaction: transactionDto(transaction) };
      }),

    mine: () =>
      run('mine', async () => {
        const result = await node.mine();
        return { block: blockSummary(result.block, result.hash), ms: result.ms, tried: result.tried };
      }),

    stopMining: () =>
      run('stopMining', () => {
        node.stopMining();
        return null;
      }),

    peers: () => run('peers', () => node.peers().map(peerDto)),

    addPeers: (input) =>
      run('addPeers', async () => {
        const addresses = requiredObject(input, 'input')['addresses'];
        if (!Array.isArray(addresses) || addresses.some((a) => typeof a !== 'string')) {
          throw new InputError('addresses', 'Give a list of addresses like "192.168.0.5:5000".');
        }
        const { added, rejected } = node.registerPeers(addresses);
        const reachable: Record<string, boolean> = {};
        if (added.length > 0) {
          // Only the new peers are asked: a peer that is down elsewhere in the list costs nothing here.
          const checked = await node.refreshPeers(added);
          for (const address of added) {
            reachable[address] = checked.some((p) => p.address === address && p.online === true);
          }
        }
        return {
          peers: node.peers().map(peerDto),
          added: [...added],
          rejected: rejected.map((r) => ({ input: r.input, reason: r.reason })),
          reachable,
        };
      }),

    removePeer: (input) =>
      run('removePeer', () => {
        const address = requiredObject(input, 'input')['address'];
        if (typeof address !== 'string' || address === '') {
          throw new InputError('address', 'Give the address of the peer to remove.');
        }
        if (!node.peers().some((p) => p.address === address)) {
          throw new NodeError('not-found', `${address} is not a peer of this node.`, 'address');
        }
        node.removePeer(address);
        return node.peers().map(peerDto);
      }),

    refreshPeers: () => run('refreshPeers', async () => (await node.refreshPeers()).map(peerDto)),

    resolve: () => run('resolve', async () => resolveDto(await node.resolve())),

    settings: () => run('settings', () => ({ ...node.settings() })),

    updateSettings: (patch) =>
      run('updateSettings', async () => {
        const p = requiredObject(patch, 'settings');
        for (const key of Object.keys(p)) {
          if (!Object.hasOwn(DEFAULT_SETTINGS, key))
            throw new InputError(key, `There is no setting "${key}".`);
        }
        return { ...(await node.updateSettings(p as Partial<Settings>)) };
      }),

    resetChain: () =>
      run('resetChain', async () => {
        await node.resetChain();
        return null;
      }),

    activity: () => run('activity', () => node.activity().map(activityDto)),

    on(event, listener) {
      let set = listeners.get(event);
      if (set === undefined) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => {
        set.delete(listener as (payload: never) => void);
      };
    },

    close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      if (statusTimer !== null) clearTimeout(statusTimer);
      statusTimer = null;
      clearInterval(addressTimer);
      listeners.clear();
      ledger = null;
      balancesCache = null;
    },
  };
  return service;
}

/** NodeError, also when it comes from another copy of the module (bundles, test doubles). */
function isNodeError(error: unknown): error is NodeError {
  return (
    error instanceof NodeError ||
    (error instanceof Error && error.name === 'NodeError' && typeof (error as NodeError).code === 'string')
  );
}

function sameList(a: readonly string[], b: readonly string[] | null): boolean {
  return b !== null && a.length === b.length && a.every((item, i) => item === b[i]);
}

function requiredObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(field, `Expected an object for "${field}".`);
  }
  return value as Record<string, unknown>;
}

function optionalObject(value: unknown, field: string): Record<string, unknown> {
  return value === undefined || value === null ? {} : requiredObject(value, field);
}

function optionalInt(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(field, `"${field}" must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new InputError(field, `"${field}" must be true or false.`);
  return value;
}

/** The form's amount in Python's kinds: "1" and 1 are ints (bigint), "1.0" and 2.5 floats. */
function parseAmount(value: unknown): PyValue {
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new NodeError('invalid-transaction', 'The amount must be a number.', 'amount');
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (INT_TEXT.test(text)) return BigInt(text);
    if (FLOAT_TEXT.test(text)) return Number(text);
  }
  throw new NodeError('invalid-transaction', 'The amount must be a number like 1 or 2.5.', 'amount');
}

/** Display text of a value: strings as they are, anything else as Python prints it in JSON. */
function display(value: PyValue | undefined): string | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? value : dumpsPy(value);
}

/** Converts one block to a list row. */
export function blockSummary(block: Block, hash: string): BlockSummary {
  const prev = block.previous_hash;
  return {
    index: Number(block.index),
    hash,
    previousHash: typeof prev === 'string' && HEX_64.test(prev) ? prev : dumpsPy(prev),
    proof: typeof block.proof === 'bigint' ? block.proof.toString() : dumpsPy(block.proof),
    timestamp: Number(block.timestamp),
    transactionCount: Array.isArray(block.transactions) ? block.transactions.length : 0,
  };
}

/** Converts one block to its detail view, with the exact text behind its hash. */
export function blockDetail(block: Block, hash: string): BlockDetail {
  return {
    ...blockSummary(block, hash),
    transactions: Array.isArray(block.transactions) ? block.transactions.map(transactionDto) : [],
    json: dumpsPy(blockToPy(block)),
  };
}

/** Converts a transaction (whatever a peer put there) for display. */
export function transactionDto(tx: PyValue): TransactionDto {
  const isObject = typeof tx === 'object' && tx !== null && !Array.isArray(tx);
  const fields: Record<string, PyValue> = isObject ? tx : {};
  return {
    sender: display(fields['sender']),
    recipient: display(fields['recipient']),
    amount: fields['amount'] === undefined ? null : dumpsPy(fields['amount']),
    reward: fields['sender'] === '0',
    json: dumpsPy(tx),
  };
}

/** An activity line with its code and params (copied: the DTO never shares the node's objects). */
export function activityDto(a: ActivityEntry): ActivityDto {
  const dto: ActivityDto = { id: a.id, time: a.time, kind: a.kind, message: a.message };
  if (a.code !== undefined) dto.code = a.code;
  if (a.params !== undefined) dto.params = { ...a.params };
  return dto;
}

function miningDto(m: NodeStatus['mining']): MiningStateDto {
  return {
    active: m.active,
    targetIndex: m.targetIndex,
    progress: m.progress === null ? null : { ...m.progress },
    workers: m.workers,
  };
}

function statusDto(s: NodeStatus): StatusDto {
  return {
    nodeId: s.nodeId,
    name: s.name,
    profile: s.profile,
    difficulty: s.difficulty,
    tutorialCompatible: s.tutorialCompatible,
    height: s.height,
    lastHash: s.lastHash,
    pendingCount: s.pendingCount,
    port: s.port,
    addresses: [...s.addresses],
    dataDir: s.dataDir,
    mining: miningDto(s.mining),
  };
}

function peerDto(p: PeerInfo): PeerDto {
  return {
    address: p.address,
    online: p.online,
    latencyMs: p.latencyMs,
    height: p.height,
    kind: p.kind,
    profile: p.profile,
    lastSeen: p.lastSeen,
    lastError: p.lastError,
  };
}

function resolveDto(r: ResolveReport): ResolveReportDto {
  return {
    replaced: r.replaced,
    winner: r.winner,
    ourLengthBefore: r.ourLengthBefore,
    ourLengthAfter: r.ourLengthAfter,
    replacedFrom: r.replacedFrom,
    // Discarded blocks are no longer in the chain, so their hashes are not cached: compute them.
    discarded: r.discarded.map((b) => blockSummary(b, hashBlock(b))),
    restored: r.restored.map(transactionDto),
    dropped: r.dropped.map(transactionDto),
    peers: r.peers.map((p) => ({ ...p })),
  };
}
