import type { SealedBlock } from '../chain/block.ts';
import type { PyValue } from '../chain/types.ts';
import type { NodeApi } from '../node/types.ts';
import type {
  ApiError,
  BalancesDto,
  BlockDetail,
  BlockSummary,
  ChainPage,
  DashboardApi,
  DashboardEvents,
  EventName,
  Result,
} from '../shared/api.ts';
import { describeValue } from '../shared/address.ts';
import { CHAIN_PAGE_DEFAULT, CHAIN_PAGE_MAX, PACE_MAX_SECONDS, SEARCH_MAX } from '../shared/api.ts';
import { NodeError, isNodeError } from '../shared/errors.ts';
import { message } from '../shared/messages.ts';
import { DEFAULT_SETTINGS, type Settings } from '../shared/settings.ts';
import { parseAmountText } from '../shared/transaction.ts';
import { createBalanceLedger } from './balances.ts';
import { diagnose } from './diagnostics.ts';
import { blockDetail, blockSummary, pendingDto, resolveDto } from './dto.ts';
import {
  MinedBlocks,
  flightsDto,
  forkTreeDto,
  networkViewDto,
  parseTamperEdit,
  tamperReportDto,
} from './lab.ts';
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
  /** Status and pending events are coalesced over this window (mining progress alone fires 4 times a second). */
  statusIntervalMs?: number;
  /**
   * How often to look for a change of the node's addresses (default 5 s): the laptop may join another
   * network while nothing else happens, and the status is only pushed when something does.
   */
  addressCheckMs?: number;
}

/** A bad payload, turned into `invalid-request` at the boundary. */
function inputError(field: string, expected: string): NodeError {
  return new NodeError('invalid-request', message('request-invalid', { field, expected }), field);
}

/** Summaries of recent blocks, so that paging and live updates do not parse the same blocks again. */
const SUMMARY_CACHE = 2000;

/** Implements the dashboard API once over a running node: validation, DTOs, errors as values. */
export function createDashboardService(node: NodeApi, deps: DashboardServiceDeps = {}): DashboardService {
  const logError = deps.logError ?? ((text, error) => console.error(text, error));
  const intervalMs = deps.statusIntervalMs ?? 250;
  const listeners = new Map<EventName, Set<(payload: never) => void>>();
  const timers = new Map<EventName, ReturnType<typeof setTimeout>>();
  const summaries = new Map<string, BlockSummary>();
  const mined = new MinedBlocks((id) => node.nameOf(id));
  const peerName = (address: string): string | null =>
    node.peers().find((p) => p.address === address)?.name ?? null;
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

  /** Emits `event` at most once per interval, with the payload as it is when the timer fires. */
  function coalesce<K extends EventName>(event: K, payload: () => DashboardEvents[K]): void {
    if (timers.has(event) || !listeners.get(event)?.size) return;
    timers.set(
      event,
      setTimeout(() => {
        timers.delete(event);
        try {
          emit(event, payload());
        } catch (error) {
          logError(`reading the node for "${event}" failed`, error);
        }
      }, intervalMs),
    );
  }
  const scheduleStatus = (): void => coalesce('status', () => node.status());

  const unsubscribers = [
    node.on('chain-changed', (p) => {
      balancesCache = null;
      // A replaced or reset chain may differ anywhere; a block only extends it.
      if (p.reason === 'replaced' || p.reason === 'reset') ledger = null;
      emit('chain', { ...p });
      scheduleStatus();
    }),
    node.on('pending-changed', () => {
      // Thousands of transactions a second reach a node under load: the dashboard needs the count.
      coalesce('pending', () => ({ count: node.pending().length }));
      scheduleStatus();
    }),
    node.on('mining-changed', (p) => {
      emit('mining', p);
      scheduleStatus();
    }),
    node.on('peers-changed', (p) => emit('peers', p)),
    node.on('settings-changed', (p) => {
      emit('settings', { ...p });
      scheduleStatus();
    }),
    node.on('activity', (p) => emit('activity', p)),
    node.on('lab', (p) => coalesceLab(p.what)),
    node.on('peers-changed', () => {
      coalesceLab('network');
      checkNearby();
    }),
  ];

  // Lab views refetch on a hint; each kind of hint at most once per interval.
  const labTimers = new Map<string, ReturnType<typeof setTimeout>>();
  function coalesceLab(what: DashboardEvents['lab']['what']): void {
    if (labTimers.has(what) || !listeners.get('lab')?.size) return;
    labTimers.set(
      what,
      setTimeout(() => {
        labTimers.delete(what);
        emit('lab', { what });
      }, intervalMs),
    );
  }

  // Nearby networks change with discovery, which raises no event: looked at every 2 s.
  let lastNearby = '';
  function checkNearby(): void {
    if (!listeners.get('nearby')?.size) return;
    let nearby;
    try {
      nearby = node.nearby();
    } catch (error) {
      logError('reading the nearby networks failed', error);
      return;
    }
    const key = JSON.stringify(
      nearby.map((n) => [n.network, n.height, n.nodes.map((m) => [m.id, m.height, m.name])]),
    );
    if (key === lastNearby) return;
    lastNearby = key;
    emit('nearby', nearby);
  }
  const nearbyTimer = setInterval(checkNearby, 2000);
  nearbyTimer.unref?.();

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

  function summaryOf(block: SealedBlock): BlockSummary {
    let summary = summaries.get(block.hash);
    if (summary === undefined) {
      summary = blockSummary(block.decode(), block.hash);
      summaries.set(block.hash, summary);
      if (summaries.size > SUMMARY_CACHE) summaries.delete(summaries.keys().next().value!);
    }
    return summary;
  }

  /** The balances of the chain as it is now, from the cache or by adding up only what is new. */
  function computeBalances(): BalancesDto {
    const chain = node.chain();
    const height = chain.length;
    const lastHash = chain[height - 1]!.hash;
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
    if (state === null || done > height || (done > 0 && chain[done - 1]!.hash !== state.lastHash)) {
      state = { ledger: createBalanceLedger(), lastHash: '' };
    }
    for (let p = state.ledger.blocks; p < height; p++) state.ledger.addBlock(chain[p]!.decode());
    state.lastHash = lastHash;
    ledger = state;
    const snapshot = state.ledger.snapshot();
    const dto: BalancesDto = {
      height,
      skipped: snapshot.skipped,
      rows: snapshot.rows.map((row) => ({ ...row, name: node.nameOf(row.address) })),
    };
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
    if (isNodeError(error)) return error.toApiError();
    logError(`dashboard operation "${operation}" failed`, error);
    const text = error instanceof Error ? error.message : String(error);
    return new NodeError('internal', message('internal', { error: text })).toApiError();
  }

  const service: DashboardService = {
    status: () => run('status', () => node.status()),

    chainPage: (query) =>
      run('chainPage', (): ChainPage => {
        const q = optionalObject(query, 'query');
        const offset = optionalInt(q['offset'], 'offset', 0, Number.MAX_SAFE_INTEGER) ?? 0;
        const limit = optionalInt(q['limit'], 'limit', 1, CHAIN_PAGE_MAX) ?? CHAIN_PAGE_DEFAULT;
        const newestFirst = optionalBoolean(q['newestFirst'], 'newestFirst') ?? false;
        const chain = node.chain();
        const total = chain.length;
        const blocks: BlockSummary[] = [];
        for (let i = offset; i < Math.min(total, offset + limit); i++) {
          blocks.push(summaryOf(chain[newestFirst ? total - 1 - i : i]!));
        }
        return { total, blocks };
      }),

    block: (query) =>
      run('block', (): BlockDetail => {
        const q = requiredObject(query, 'query');
        const index = optionalInt(q['index'], 'index', 1, Number.MAX_SAFE_INTEGER);
        if (index === undefined) throw inputError('index', 'the index of a block (1 is genesis)');
        const chain = node.chain();
        const block = chain[index - 1];
        if (block === undefined) {
          throw new NodeError(
            'not-found',
            message('not-found-block', { index, height: chain.length }),
            'index',
          );
        }
        return blockDetail(block);
      }),

    search: (query) =>
      run('search', (): BlockSummary[] => {
        const raw = requiredObject(query, 'query')['text'];
        if (typeof raw !== 'string' || raw.trim() === '')
          throw inputError('text', 'a block index or the start of a block hash');
        const text = raw.trim().toLowerCase();
        const chain = node.chain();
        const hits: BlockSummary[] = [];
        const seen = new Set<number>();
        if (/^\d+$/.test(text)) {
          const index = Number(text);
          if (index >= 1 && index <= chain.length) {
            hits.push(summaryOf(chain[index - 1]!));
            seen.add(index - 1);
          }
        }
        if (/^[0-9a-f]+$/.test(text)) {
          for (let p = chain.length - 1; p >= 0 && hits.length < SEARCH_MAX; p--) {
            if (!seen.has(p) && chain[p]!.hash.startsWith(text)) hits.push(summaryOf(chain[p]!));
          }
        }
        return hits;
      }),

    pending: () => run('pending', () => node.pending().map(pendingDto)),

    balances: () => run('balances', computeBalances),

    submitTransaction: (input) =>
      run('submitTransaction', async () => {
        const tx = requiredObject(input, 'transaction');
        // The node checks sender, recipient and amount; here the form's text becomes Python's kinds.
        const body: Record<string, PyValue> = {};
        for (const field of ['sender', 'recipient'] as const)
          if (field in tx) body[field] = tx[field] as PyValue;
        if (tx['amount'] !== undefined) body['amount'] = parseAmount(tx['amount']);
        const { index, transaction } = await node.submitTransaction(body);
        return { index, transaction: pendingDto(transaction) };
      }),

    mine: () =>
      run('mine', async () => {
        const result = await node.mine();
        return { block: summaryOf(result.block), ms: result.ms, tried: result.tried };
      }),

    stopMining: () =>
      run('stopMining', () => {
        node.stopMining();
        return null;
      }),

    peers: () => run('peers', () => node.peers()),

    addPeers: (input) =>
      run('addPeers', async () => {
        const addresses = requiredObject(input, 'input')['addresses'];
        if (!Array.isArray(addresses) || addresses.some((a) => typeof a !== 'string')) {
          throw inputError('addresses', 'a list of addresses like "192.168.0.5:5000"');
        }
        const { added, known, rejected } = node.registerPeers(addresses);
        const reachable: Record<string, boolean> = {};
        if (added.length > 0) {
          // Only the new peers are asked: a peer that is down elsewhere in the list costs nothing here.
          const checked = await node.refreshPeers(added);
          for (const address of added) {
            reachable[address] = checked.some((p) => p.address === address && p.status === 'online');
          }
        }
        return {
          peers: node.peers(),
          added: [...added],
          known: [...known],
          rejected: [...rejected],
          reachable,
        };
      }),

    removePeer: (input) =>
      run('removePeer', () => {
        const address = requiredObject(input, 'input')['address'];
        if (typeof address !== 'string' || address === '')
          throw inputError('address', 'the address of the peer to remove');
        node.removePeer(address);
        return node.peers();
      }),

    refreshPeers: () => run('refreshPeers', () => node.refreshPeers()),

    resolve: () => run('resolve', async () => resolveDto(await node.resolve(), summaryOf)),

    settings: () => run('settings', () => node.settings()),

    updateSettings: (patch) =>
      run('updateSettings', async () => {
        const p = requiredObject(patch, 'settings');
        for (const key of Object.keys(p)) {
          if (!Object.hasOwn(DEFAULT_SETTINGS, key)) {
            throw new NodeError('invalid-settings', message('settings-unknown', { field: key }), key);
          }
        }
        return node.updateSettings(p as Partial<Settings>);
      }),

    resetChain: () =>
      run('resetChain', async () => {
        await node.resetChain();
        return null;
      }),

    activity: () => run('activity', () => node.activity()),

    nearby: () => run('nearby', () => node.nearby()),

    joinNetwork: (input) =>
      run('joinNetwork', () => {
        const q = requiredObject(input, 'input');
        const network = q['network'];
        if (typeof network !== 'string' || !/^[0-9a-f]{16}$/.test(network))
          throw inputError('network', 'the 16 hex characters naming a network');
        return node.joinNetwork(network, optionalBoolean(q['confirm'], 'confirm') ?? false);
      }),

    diagnose: (input) =>
      run('diagnose', () => {
        const target = optionalObject(input, 'input')['target'];
        if (target !== undefined && (typeof target !== 'string' || target.length > 200))
          throw inputError('target', 'a name or an address of at most 200 characters');
        return diagnose(node, target);
      }),

    joinCode: () => run('joinCode', () => node.joinCode()),

    joinByCode: (input) =>
      run('joinByCode', () => {
        const q = requiredObject(input, 'input');
        return node.joinByCode(q['code'], optionalBoolean(q['confirm'], 'confirm') ?? false);
      }),

    networkView: () => run('networkView', () => networkViewDto(node, mined)),

    forkTree: (input) =>
      run('forkTree', () => {
        const depth = optionalInt(optionalObject(input, 'input')['depth'], 'depth', 1, 200) ?? 30;
        return forkTreeDto(node.forkTree(depth), mined, peerName);
      }),

    flights: (input) =>
      run('flights', async () => {
        const count = optionalInt(optionalObject(input, 'input')['count'], 'count', 1, 20) ?? 5;
        return flightsDto(await node.flights(count), (id) => node.nameOf(id));
      }),

    tamperPreview: (input) =>
      run('tamperPreview', async () => {
        const edit = parseTamperEdit(input);
        return tamperReportDto(edit, await node.tamper(edit));
      }),

    tamperSend: (input) =>
      run('tamperSend', async () => {
        const edit = parseTamperEdit(input);
        const { outcome, verdicts } = await node.tamperSend(edit);
        return { report: tamperReportDto(edit, outcome), verdicts };
      }),

    setPrivateMining: (input) =>
      run('setPrivateMining', () => {
        const on = optionalBoolean(requiredObject(input, 'input')['on'], 'on');
        if (on === undefined) throw inputError('on', 'true or false');
        return node.setPrivateMining(on);
      }),

    setPace: (input) =>
      run('setPace', () => {
        const seconds = optionalInt(
          requiredObject(input, 'input')['seconds'],
          'seconds',
          0,
          PACE_MAX_SECONDS,
        );
        if (seconds === undefined)
          throw inputError('seconds', `a whole number of seconds from 0 to ${PACE_MAX_SECONDS}`);
        return node.setPace(seconds);
      }),

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
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      clearInterval(addressTimer);
      clearInterval(nearbyTimer);
      for (const timer of labTimers.values()) clearTimeout(timer);
      labTimers.clear();
      listeners.clear();
      ledger = null;
      balancesCache = null;
      summaries.clear();
    },
  };
  return service;
}

function sameList(a: readonly string[], b: readonly string[] | null): boolean {
  return b !== null && a.length === b.length && a.every((item, i) => item === b[i]);
}

function requiredObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw inputError(field, 'an object');
  return value as Record<string, unknown>;
}

function optionalObject(value: unknown, field: string): Record<string, unknown> {
  return value === undefined || value === null ? {} : requiredObject(value, field);
}

function optionalInt(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw inputError(field, `a whole number from ${min} to ${max}`);
  }
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw inputError(field, 'true or false');
  return value;
}

/** The form's amount in Python's kinds: "1" and 1 are ints (bigint), "1.0" and 2.5 floats. */
function parseAmount(value: unknown): PyValue {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new NodeError(
        'invalid-transaction',
        message('tx-amount-not-positive', { got: String(value) }),
        'amount',
      );
    }
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (typeof value !== 'string') {
    const got = describeValue(value);
    throw new NodeError('invalid-transaction', message('tx-amount-not-positive', { got }), 'amount');
  }
  const parsed = parseAmountText(value);
  if (!parsed.ok) throw new NodeError('invalid-transaction', parsed.reason, 'amount');
  return parsed.kind === 'int' ? BigInt(parsed.text) : Number(parsed.text);
}
