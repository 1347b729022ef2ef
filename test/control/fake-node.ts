/** A NodeApi double for transport tests: real blocks and hashes, no mining, no network. */
import { dumpsPy, sha256Hex } from '../../src-main/chain/json.ts';
import type { Block, PyObject, Transaction } from '../../src-main/chain/types.ts';
import type {
  ActivityEntry,
  MineResult,
  NodeApi,
  NodeEvents,
  NodeStatus,
  PeerInfo,
  ResolveReport,
} from '../../src-main/node/types.ts';
import { NodeError } from '../../src-main/node/types.ts';
import { DEFAULT_SETTINGS } from '../../src-main/shared/settings.ts';
import type { Settings } from '../../src-main/shared/settings.ts';

/** The hash a tutorial node computes for a block. */
export function hashBlock(block: Block): string {
  return sha256Hex(dumpsPy({ ...block } as unknown as PyObject));
}

/** A fake node plus handles to drive it from a test. */
export interface FakeNode extends NodeApi {
  emit<K extends keyof NodeEvents>(event: K, payload: NodeEvents[K]): void;
  listenerCount(): number;
  /** Makes the next mine() wait until this is called with a result (or an error). */
  settleMine: ((error?: Error) => void) | null;
  blocks: Block[];
  /** What status() reports as `addresses`: replace it to play a laptop that changed network. */
  addresses: string[];
  /** Peers that answer refreshPeers() (the others come back offline). */
  answering: Set<string>;
  /** The `only` argument of each refreshPeers() call (null: every peer). */
  refreshed: (string[] | null)[];
}

/** Builds a fake node with `height` blocks (genesis included). */
export function createFakeNode(height = 3): FakeNode {
  const blocks: Block[] = [
    { index: 1n, previous_hash: 1n, proof: 100n, timestamp: 1506057125.900785, transactions: [] },
  ];
  const addBlock = (transactions: Transaction[]): Block => {
    const prev = blocks[blocks.length - 1]!;
    const block: Block = {
      index: prev.index + 1n,
      previous_hash: hashBlock(prev),
      proof: 35293n + prev.index,
      timestamp: 1506057300.5 + blocks.length,
      transactions,
    };
    blocks.push(block);
    return block;
  };
  for (let i = 1; i < height; i++) {
    addBlock([{ amount: 1n, recipient: 'e3b0c44298fc1c149afbf4c8996fb924', sender: '0' }]);
  }
  let pending: Transaction[] = [];
  let settings: Settings = { ...DEFAULT_SETTINGS };
  const peers = new Map<string, PeerInfo>();
  const activity: ActivityEntry[] = [];
  const listeners = new Map<string, Set<(payload: never) => void>>();

  const fake: FakeNode = {
    blocks,
    settleMine: null,
    addresses: ['http://127.0.0.1:5000'],
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
      lastHash: hashBlock(blocks[blocks.length - 1]!),
      pendingCount: pending.length,
      port: 5000,
      addresses: [...fake.addresses],
      dataDir: '/tmp/fake',
      mining: { active: false, targetIndex: null, progress: null, workers: 1 },
    }),
    chain: () => blocks,
    hashAt: (position) => hashBlock(blocks[position]!),
    chainJson: () => dumpsPy({ chain: blocks as unknown as PyObject[], length: BigInt(blocks.length) }),
    pending: () => pending,
    submitTransaction(body) {
      const tx = body as Record<string, unknown>;
      if (typeof tx['sender'] !== 'string' || tx['sender'] === '') {
        throw new NodeError('invalid-transaction', 'sender must be a non-empty string', 'sender');
      }
      const amount = tx['amount'];
      if (!((typeof amount === 'bigint' && amount > 0n) || (typeof amount === 'number' && amount > 0))) {
        throw new NodeError('invalid-transaction', 'amount must be positive', 'amount');
      }
      const transaction = { sender: tx['sender'], recipient: tx['recipient'], amount } as Transaction;
      pending = [...pending, transaction];
      fake.emit('pending-changed', { count: pending.length });
      return { index: blocks.length + 1, transaction };
    },
    mine: () =>
      new Promise<MineResult>((resolve, reject) => {
        fake.settleMine = (error) => {
          fake.settleMine = null;
          if (error) return reject(error);
          const block = addBlock([...pending, { amount: 1n, recipient: 'me', sender: '0' }]);
          pending = [];
          fake.emit('chain-changed', { height: blocks.length, reason: 'mined' });
          resolve({ block, hash: hashBlock(block), ms: 12, tried: 35293 });
        };
      }),
    stopMining: () => fake.settleMine?.(new NodeError('mining-cancelled', 'Mining was stopped.')),
    peers: () => [...peers.values()],
    registerPeers(addresses) {
      const list = (addresses as string[]).filter((a) => /^[\w.-]+:\d+$/.test(a));
      if (list.length === 0) throw new NodeError('invalid-address', 'No valid address', 'addresses');
      for (const address of list) {
        peers.set(address, {
          address,
          online: null,
          latencyMs: null,
          height: null,
          kind: null,
          profile: null,
          lastSeen: null,
          lastError: null,
        });
      }
      const rejected = (addresses as string[])
        .filter((a) => !list.includes(a))
        .map((input) => ({ input, reason: 'not host:port' }));
      return { peers: [...peers.keys()], added: list, rejected };
    },
    removePeer: (address) => void peers.delete(address),
    refreshPeers: async (only) => {
      fake.refreshed.push(only ? [...only] : null);
      for (const peer of peers.values()) {
        if (only && !only.includes(peer.address)) continue;
        const online = fake.answering.has(peer.address);
        Object.assign(peer, { online, lastError: online ? null : 'connect ECONNREFUSED' });
      }
      return [...peers.values()];
    },
    resolve: async (): Promise<ResolveReport> => ({
      replaced: false,
      winner: null,
      ourLengthBefore: blocks.length,
      ourLengthAfter: blocks.length,
      replacedFrom: null,
      discarded: [blocks[0]!],
      restored: [],
      dropped: [],
      peers: [],
    }),
    settings: () => settings,
    async updateSettings(patch) {
      if (patch.port !== undefined && (patch.port < 0 || patch.port > 65535)) {
        throw new NodeError('invalid-settings', 'port out of range', 'port');
      }
      settings = { ...settings, ...patch };
      fake.emit('settings-changed', settings);
      return settings;
    },
    resetChain: async () => {
      blocks.splice(1);
    },
    activity: () => activity,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as (payload: never) => void);
      return () => set.delete(listener as (payload: never) => void);
    },
  };
  return fake;
}
