import { vi } from 'vitest';
import { OPERATION_NAMES } from '@shared/api';
import type {
  BlockSummary,
  DashboardEvents,
  DiagnosticsDto,
  EventName,
  JoinCodeDto,
  MiningState,
  NearbyNetwork,
  NodeStatus,
  OperationName,
  PeerInfo,
  SettingsDto,
  TransactionDto,
} from '@shared/api';
import { DEFAULT_SETTINGS } from '@shared/settings';
import type { ClientResult, ConnectionState, DashboardClient } from '@renderer/api';

/** A DashboardClient whose operations are spies and whose events the test emits. */
export type FakeClient = DashboardClient & {
  [K in OperationName]: ReturnType<typeof vi.fn>;
} & {
  emit<K extends EventName>(event: K, payload: DashboardEvents[K]): void;
  setConnection(state: ConnectionState): void;
};

/** A success value. */
export function ok<T>(value: T): ClientResult<T> {
  return { ok: true, value };
}

/** A mining state: idle unless patched. */
export function makeMining(patch: Partial<MiningState> = {}): MiningState {
  return {
    active: false,
    auto: false,
    targetIndex: null,
    progress: null,
    hashRate: 0,
    blocksPerMinute: 0,
    workers: 2,
    ...patch,
  };
}

/** A peer as the node lists it: a manual peer not asked yet, unless patched. */
export function makePeer(address: string, patch: Partial<PeerInfo> = {}): PeerInfo {
  return {
    address,
    source: 'manual',
    status: 'unknown',
    kind: null,
    id: null,
    name: null,
    latencyMs: null,
    height: null,
    profile: null,
    difficulty: null,
    lastSeen: null,
    incompatible: null,
    lastError: null,
    tip: null,
    hashRate: null,
    workers: null,
    mining: null,
    privateMining: false,
    ...patch,
  };
}

/** A status as a fresh node reports it. */
export function makeStatus(patch: Partial<NodeStatus> = {}): NodeStatus {
  return {
    nodeId: 'a'.repeat(32),
    name: 'Test node',
    profile: 'article',
    difficulty: 4,
    tutorialCompatible: true,
    height: 3,
    lastHash: 'f'.repeat(64),
    genesisHash: 'e'.repeat(64),
    pendingCount: 1,
    port: 5000,
    portAsked: null,
    addresses: ['http://192.168.1.5:5000'],
    dataDir: '/tmp/node',
    mining: makeMining(),
    reachability: { verdict: 'unknown', inbound: 0, lastInboundAt: null, reachedOut: 0 },
    lab: { privateMining: false, withheld: 0, publicHeight: null, pace: null, nextBlockAt: null },
    storageNotices: [],
    ...patch,
  };
}

/** Default settings. */
export function makeSettings(patch: Partial<SettingsDto> = {}): SettingsDto {
  return { ...DEFAULT_SETTINGS, name: 'Test node', ...patch };
}

/** A block summary with a recognisable hash. */
export function makeBlock(index: number, transactionCount = 1): BlockSummary {
  return {
    index,
    hash: index.toString(16).padStart(64, '0'),
    previousHash: index === 1 ? '1' : (index - 1).toString(16).padStart(64, '0'),
    proof: String(index * 100),
    timestamp: 1_700_000_000 + index,
    transactionCount,
  };
}

/** A transaction DTO. */
export function makeTx(
  sender: string,
  recipient: string,
  amount: string,
  id: string | null = null,
): TransactionDto {
  return {
    id,
    sender,
    recipient,
    amount,
    reward: sender === '0',
    json: JSON.stringify({ amount, recipient, sender }),
  };
}

/** A network seen nearby: another joinable network with one node (Bo), unless patched. */
export function makeNearby(network: string, patch: Partial<NearbyNetwork> = {}): NearbyNetwork {
  return {
    network,
    profile: 'article',
    difficulty: 4,
    ours: false,
    joinable: true,
    height: 7,
    nodes: [
      { id: 'b'.repeat(32), name: 'Bo’s laptop', address: '192.168.1.31:5000', height: 7, lastSeen: 0 },
    ],
    ...patch,
  };
}

/** This node's join code as a node on 192.168.1.5:5000 reports it. */
export function makeJoinCode(patch: Partial<JoinCodeDto> = {}): JoinCodeDto {
  return {
    code: '40H-98Y',
    address: '192.168.1.5:5000',
    spectatorUrl: 'http://192.168.1.5:5000/spectate/',
    network: 'e'.repeat(16),
    reason: null,
    ...patch,
  };
}

/** Diagnostics with nothing found. */
export function makeDiagnostics(patch: Partial<DiagnosticsDto> = {}): DiagnosticsDto {
  return { listening: [], checks: [], ...patch };
}

/** Builds a fake client with sensible answers for every operation. */
export function createFakeClient(height = 3): FakeClient {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const connection = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'open';
  const defaults: Record<OperationName, () => Promise<ClientResult<unknown>>> = {
    status: async () => ok(makeStatus({ height })),
    chainPage: async () => ok({ total: height, blocks: [] }),
    block: async () => ok({ ...makeBlock(1), transactions: [], json: '{}' }),
    search: async () => ok([]),
    pending: async () => ok([]),
    balances: async () => ok({ height, rows: [], skipped: 0 }),
    submitTransaction: async () => ok({ index: height + 1, transaction: makeTx('a', 'b', '1') }),
    mine: async () => ok({ block: makeBlock(height + 1), ms: 1200, tried: 5000 }),
    stopMining: async () => ok(null),
    peers: async () => ok([]),
    addPeers: async () => ok({ peers: [], added: [], known: [], rejected: [], reachable: {} }),
    removePeer: async () => ok([]),
    refreshPeers: async () => ok([]),
    resolve: async () => ok(null),
    settings: async () => ok(makeSettings()),
    updateSettings: async (patch?: unknown) => ok({ ...makeSettings(), ...(patch as object) }),
    resetChain: async () => ok(null),
    activity: async () => ok([]),
    // The live network: nothing nearby, a join code, joins that succeed.
    nearby: async () => ok([]),
    joinNetwork: async () => ok({ blocks: 7 }),
    diagnose: async () => ok(makeDiagnostics()),
    joinCode: async () => ok(makeJoinCode()),
    joinByCode: async () => ok({ address: '192.168.1.20:5000', blocks: 7 }),
  } as unknown as Record<OperationName, () => Promise<ClientResult<unknown>>>;
  const client: Record<string, unknown> = { transport: 'ipc' };
  for (const name of OPERATION_NAMES) client[name] = vi.fn(defaults[name]);
  client.on = (event: string, listener: (payload: unknown) => void) => {
    if (!listeners.has(event)) listeners.set(event, new Set());
    listeners.get(event)!.add(listener);
    return () => listeners.get(event)!.delete(listener);
  };
  client.onConnection = (listener: (next: ConnectionState) => void) => {
    connection.add(listener);
    listener(state);
    return () => connection.delete(listener);
  };
  client.emit = (event: string, payload: unknown) => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  client.setConnection = (next: ConnectionState) => {
    state = next;
    for (const listener of connection) listener(next);
  };
  return client as unknown as FakeClient;
}
