/** A NodeApi double for transport tests: real sealed blocks and hashes, no mining, no network. */
import { createGenesis, forgeBlock, type SealedBlock } from '../../src-main/chain/block.ts';
import { dumpsPy } from '../../src-main/chain/json.ts';
import type { PendingTransaction, PyValue } from '../../src-main/chain/types.ts';
import type {
  ActivityEntry,
  MineResult,
  NodeApi,
  NodeEvents,
  NodeStatus,
  PeerInfo,
  ResolveReport,
} from '../../src-main/node/types.ts';
import { NodeError } from '../../src-main/shared/errors.ts';
import { message } from '../../src-main/shared/messages.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../src-main/shared/settings.ts';

/** A fake node plus handles to drive it from a test. */
export interface FakeNode extends NodeApi {
  emit<K extends keyof NodeEvents>(event: K, payload: NodeEvents[K]): void;
  listenerCount(): number;
  /** Makes the next mine() wait until this is called with a result (or an error). */
  settleMine: ((error?: Error) => void) | null;
  blocks: SealedBlock[];
  /** What status() reports as `addresses`: replace it to play a laptop that changed network. */
  addresses: string[];
  /** Peers that answer refreshPeers() (the others come back offline). */
  answering: Set<string>;
  /** The `only` argument of each refreshPeers() call (null: every peer). */
  refreshed: (string[] | null)[];
}

const REWARD = dumpsPy({ amount: 1n, recipient: 'e3b0c44298fc1c149afbf4c8996fb924', sender: '0' });

/** An empty peer record, as the node makes one. */
export function peerRecord(address: string, patch: Partial<PeerInfo> = {}): PeerInfo {
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

/** Builds a fake node with `height` blocks (genesis included). */
export function createFakeNode(height = 3): FakeNode {
  const blocks: SealedBlock[] = [createGenesis('article', 1506057125.900785)];
  const addBlock = (texts: string[]): SealedBlock => {
    const block = forgeBlock(
      blocks[blocks.length - 1]!,
      35293n + BigInt(blocks.length),
      texts,
      1506057300.5 + blocks.length,
    );
    blocks.push(block);
    return block;
  };
  for (let i = 1; i < height; i++) addBlock([REWARD]);
  let pending: PendingTransaction[] = [];
  let settings: Settings = { ...DEFAULT_SETTINGS };
  const peers = new Map<string, PeerInfo>();
  const activity: ActivityEntry[] = [];
  const listeners = new Map<string, Set<(payload: never) => void>>();
  let nextId = 1;

  const fake: FakeNode = {
    blocks,
    settleMine: null,
    addresses: ['http://192.168.1.20:5000'],
    answering: new Set(),
    refreshed: [],
    emit(event, payload) {
      for (const listener of listeners.get(event) ?? []) (listener as (p: typeof payload) => void)(payload);
    },
    listenerCount: () => [...listeners.values()].reduce((n, set) => n + set.size, 0),
    status: (): NodeStatus => ({
      nodeId: 'e3b0c44298fc1c149afbf4c8996fb924',
      name: settings.name,
      profile: settings.profile,
      difficulty: settings.difficulty,
      tutorialCompatible: settings.difficulty === 4,
      height: blocks.length,
      lastHash: blocks[blocks.length - 1]!.hash,
      genesisHash: blocks[0]!.hash,
      pendingCount: pending.length,
      port: 5000,
      portAsked: null,
      addresses: [...fake.addresses],
      dataDir: '/tmp/fake',
      mining: {
        active: false,
        auto: false,
        targetIndex: null,
        progress: null,
        hashRate: 0,
        blocksPerMinute: 0,
        workers: 1,
      },
      storageNotices: [],
      reachability: { verdict: 'unknown', inbound: 0, lastInboundAt: null, reachedOut: 0 },
      lab: { privateMining: false, withheld: 0, publicHeight: null, pace: null, nextBlockAt: null },
    }),
    chain: () => blocks,
    chainJson: () => `{"chain": [${blocks.map((b) => b.text).join(', ')}], "length": ${blocks.length}}`,
    pending: () => pending,
    async submitTransaction(body) {
      const tx = body as Record<string, PyValue>;
      if (typeof tx['sender'] !== 'string' || tx['sender'] === '') {
        throw new NodeError(
          'invalid-transaction',
          message('tx-field-missing', { field: 'sender' }),
          'sender',
        );
      }
      const amount = tx['amount'];
      if (!((typeof amount === 'bigint' && amount > 0n) || (typeof amount === 'number' && amount > 0))) {
        throw new NodeError(
          'invalid-transaction',
          message('tx-amount-not-positive', { got: String(amount) }),
          'amount',
        );
      }
      const transaction = {
        id: String(nextId++).padStart(32, '0'),
        text: dumpsPy({ sender: tx['sender'], recipient: tx['recipient'] ?? null, amount }),
      };
      pending = [...pending, transaction];
      fake.emit('pending-changed', { count: pending.length });
      return { index: blocks.length + 1, transaction };
    },
    mine: () =>
      new Promise<MineResult>((resolve, reject) => {
        fake.settleMine = (error) => {
          fake.settleMine = null;
          if (error) return reject(error);
          const block = addBlock([...pending.map((t) => t.text), REWARD]);
          pending = [];
          fake.emit('chain-changed', { height: blocks.length, reason: 'mined' });
          resolve({ block, ms: 12, tried: 35293 });
        };
      }),
    stopMining: () => fake.settleMine?.(new NodeError('mining-cancelled', message('mining-cancelled'))),
    peers: () => [...peers.values()],
    registerPeers(addresses) {
      const list = (addresses as string[]).filter((a) => /^[\w.-]+:\d+$/.test(a));
      if (list.length === 0) {
        throw new NodeError(
          'invalid-address',
          message('register-none-valid', { input: String(addresses), reason: message('address-form') }),
          'nodes',
        );
      }
      const known = list.filter((a) => peers.has(a));
      const added = list.filter((a) => !peers.has(a));
      for (const address of added) peers.set(address, peerRecord(address));
      const rejected = (addresses as string[])
        .filter((a) => !list.includes(a))
        .map((input) => ({ input, reason: message('address-form') }));
      return { peers: [...peers.keys()], added, known, rejected };
    },
    removePeer(address) {
      if (!peers.delete(address))
        throw new NodeError('not-found', message('not-found-peer', { address }), 'address');
    },
    refreshPeers: async (only) => {
      fake.refreshed.push(only ? [...only] : null);
      for (const peer of peers.values()) {
        if (only && !only.includes(peer.address)) continue;
        const online = fake.answering.has(peer.address);
        Object.assign(peer, {
          status: online ? 'online' : 'offline',
          lastError: online ? null : message('peer-refused', { peer: peer.address }),
        });
      }
      return [...peers.values()];
    },
    resolve: async (): Promise<ResolveReport> => ({
      replaced: false,
      winner: null,
      winnerName: null,
      ourLengthBefore: blocks.length,
      ourLengthAfter: blocks.length,
      replacedFrom: null,
      otherGenesis: false,
      discarded: [blocks[0]!],
      restored: [],
      dropped: [],
      peers: [],
    }),
    settings: () => settings,
    async updateSettings(patch) {
      if (patch.port !== undefined && (patch.port < 0 || patch.port > 65535)) {
        throw new NodeError('invalid-settings', message('settings-port'), 'port');
      }
      settings = { ...settings, ...patch };
      fake.emit('settings-changed', settings);
      return settings;
    },
    resetChain: async () => {
      blocks.splice(1);
    },
    activity: () => activity,
    nameOf: (id) => (id === 'e3b0c44298fc1c149afbf4c8996fb924' ? settings.name : null),
    // The live network is not what the transport tests look at.
    card: () => ({
      id: 'e3b0c44298fc1c149afbf4c8996fb924',
      name: settings.name,
      port: 5000,
      version: '0.1.0',
      profile: settings.profile,
      difficulty: settings.difficulty,
      length: blocks.length,
      lastHash: blocks[blocks.length - 1]!.hash,
      genesisHash: blocks[0]!.hash,
      lab: null,
    }),
    hello: () => {
      throw new Error('not in the fake');
    },
    receiveBlocks: async () => ({ status: 'manual', length: blocks.length }),
    receiveTransactions: async () => ({ accepted: 0 }),
    syncPage: () => `{"fork": 0, "length": ${blocks.length}, "blocks": []}`,
    peerList: () => [],
    sighted: () => undefined,
    nearby: () => [],
    joinNetwork: async () => ({ blocks: blocks.length }),
    // The lab is tested on real nodes (test/node/lab.test.ts); transports only carry it.
    joinCode: () => ({
      code: '40H-98Y',
      address: '192.168.1.20:5000',
      spectatorUrl: 'http://192.168.1.20:5000/spectate/',
      network: blocks[0]!.hash.slice(0, 16),
      reason: null,
    }),
    joinByCode: async () => ({ address: '192.168.1.20:5000', blocks: blocks.length }),
    contact: async () => ({
      ok: false,
      outcome: 'unreachable',
      reason: message('peer-no-route', { peer: 'x' }),
    }),
    forkTree: () => ({
      blocks: blocks.map((block) => ({ block, main: true, sighting: null })),
      reorgs: [],
      stale: 0,
    }),
    tamper: () => Promise.reject(new Error('not in the fake')),
    tamperSend: () => Promise.reject(new Error('not in the fake')),
    labCheck: () => Promise.reject(new Error('not in the fake')),
    receiveHops: () => ({ accepted: 0 }),
    adoptedBy: () => undefined,
    flight: () => null,
    flights: async () => [],
    setPrivateMining: () => fake.status().lab,
    setPace: () => fake.status().lab,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
  return fake;
}
