import type {
  ActivityEntry,
  AddPeersResult,
  BalancesDto,
  DiagnosticsDto,
  JoinCodeDto,
  MiningProgress,
  NearbyNetwork,
  MiningState,
  NodeStatus,
  PeerInfo,
  ResolveReportDto,
  SettingsDto,
  TransactionDto,
} from '../../../src-main/shared/api.ts';
import type { Message } from '../../../src-main/shared/messages.ts';

/**
 * A stand-in for the preload's `window.api`, injected with `page.addInitScript` so the dashboard can be
 * looked at in any state (10,000 blocks, a resolve report, offline peers) without running nodes.
 * It must be self-contained: Playwright serialises the function's source into the page (types only
 * come from the contract, so a change of shape there fails the typecheck here).
 */
export function installFakeWindowApi(options: {
  height: number;
  mining: boolean;
  /** No peer and nobody nearby (the Overview's no-peer help shows). */
  lonely?: boolean;
}): void {
  type Listener = (payload: unknown) => void;
  const listeners = new Map<string, Set<Listener>>();
  const emit = (event: string, payload: unknown): void => {
    for (const listener of listeners.get(event) ?? []) listener(payload);
  };
  const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });
  const hex = (seed: number): string => {
    let out = '';
    let x = (seed * 2654435761) >>> 0;
    while (out.length < 64) {
      x = (x ^ (x << 13)) >>> 0;
      x = (x ^ (x >>> 17)) >>> 0;
      x = (x ^ (x << 5)) >>> 0;
      out += x.toString(16).padStart(8, '0');
    }
    return out.slice(0, 64);
  };
  const nodeId = 'e3b0c44298fc1c149afbf4c8996fb924';
  const height = options.height;
  const start = 1_700_000_000;
  const hashOf = (index: number): string => (index === 0 ? '1' : '000' + hex(index).slice(3));
  const summary = (index: number) => ({
    index,
    hash: hashOf(index),
    previousHash: index === 1 ? '1' : hashOf(index - 1),
    proof: index === 1 ? '100' : String((index * 7919) % 90_000),
    timestamp: start + index * 37.25,
    transactionCount: index === 1 ? 0 : 1 + (index % 3),
  });
  const tx = (sender: string, recipient: string, amount: string): TransactionDto => ({
    id: null,
    sender,
    recipient,
    amount,
    reward: sender === '0',
    json: JSON.stringify({ amount, recipient, sender }),
  });
  const names = ['alice', 'bob', 'carol', 'dave'];
  const txsOf = (index: number): TransactionDto[] => {
    const s = summary(index);
    const list: TransactionDto[] = [];
    for (let i = 0; i < s.transactionCount - 1; i++) {
      list.push(tx(names[(index + i) % 4]!, names[(index + i + 1) % 4]!, String(1 + ((index + i) % 5))));
    }
    if (index > 1) list.push(tx('0', nodeId, '1'));
    return list;
  };
  const pending = [tx('alice', 'bob', '5'), tx('carol', 'dave', '2.5')];
  const settings: SettingsDto = {
    name: 'Ana’s laptop',
    port: 5000,
    bindAll: true,
    profile: 'article',
    difficulty: 4,
    workers: 0,
    allowRemoteMine: false,
    autoMine: false,
    discovery: true,
    liveNetwork: true,
    dashboardPort: 0,
  };
  const progress: MiningProgress = {
    tried: 1_284_512,
    hashRate: 412_300,
    elapsedMs: 3120,
    expectedMs: 158_900,
    workers: 3,
  };
  const mining = (): MiningState => ({
    active: options.mining,
    auto: false,
    targetIndex: options.mining ? height + 1 : null,
    progress: options.mining ? { ...progress } : null,
    hashRate: options.mining ? progress.hashRate : 0,
    blocksPerMinute: 0,
    workers: 3,
  });
  const refused = (peer: string): Message => ({ code: 'peer-refused', params: { peer } });
  const status = (): NodeStatus => ({
    nodeId,
    name: settings.name,
    profile: settings.profile,
    difficulty: settings.difficulty,
    tutorialCompatible: settings.difficulty === 4,
    height,
    lastHash: hashOf(height),
    genesisHash: hashOf(1),
    pendingCount: pending.length,
    port: 5000,
    portAsked: null,
    addresses: ['http://192.168.1.23:5000', 'http://10.0.0.7:5000'],
    dataDir: '/home/ana/.config/blockparty',
    mining: mining(),
    storageNotices: [],
    reachability: { verdict: 'ok', inbound: 4, lastInboundAt: Date.now(), reachedOut: 2 },
    lab: { privateMining: false, withheld: 0, publicHeight: null, pace: null, nextBlockAt: null },
  });
  const peers: PeerInfo[] = [
    {
      address: '192.168.1.31:5000',
      source: 'discovered',
      status: 'online',
      kind: 'blockparty',
      id: 'b'.repeat(32),
      name: 'Bo’s laptop',
      latencyMs: 4,
      height: height + 3,
      profile: 'article',
      difficulty: 4,
      lastSeen: Date.now() - 3000,
      incompatible: null,
      lastError: null,
      tip: null,
      hashRate: null,
      workers: null,
      mining: null,
      privateMining: false,
    },
    {
      address: '192.168.1.40:5001',
      source: 'manual',
      status: 'online',
      kind: 'tutorial',
      id: null,
      name: null,
      latencyMs: 12,
      height: 9,
      profile: null,
      difficulty: null,
      lastSeen: Date.now() - 40_000,
      incompatible: null,
      lastError: null,
      tip: null,
      hashRate: null,
      workers: null,
      mining: null,
      privateMining: false,
    },
    {
      address: '192.168.1.77:5000',
      source: 'manual',
      status: 'offline',
      kind: null,
      id: null,
      name: null,
      latencyMs: null,
      height: null,
      profile: null,
      difficulty: null,
      lastSeen: Date.now() - 600_000,
      incompatible: null,
      lastError: refused('192.168.1.77:5000'),
      tip: null,
      hashRate: null,
      workers: null,
      mining: null,
      privateMining: false,
    },
  ];
  const report: ResolveReportDto = {
    replaced: true,
    winner: '192.168.1.31:5000',
    winnerName: 'Bo’s laptop',
    otherGenesis: false,
    ourLengthBefore: height,
    ourLengthAfter: height + 3,
    replacedFrom: height - 1,
    discarded: [summary(height - 1), summary(height)],
    restored: [tx('bob', 'carol', '3')],
    dropped: [tx('alice', 'bob', '5')],
    peers: [
      {
        peer: '192.168.1.31:5000',
        name: 'Bo’s laptop',
        outcome: 'adopted',
        blocks: height + 3,
        reason: null,
        ms: 48,
      },
      {
        peer: '192.168.1.40:5001',
        name: null,
        outcome: 'not-longer',
        blocks: 9,
        reason: { code: 'peer-not-longer', params: { blocks: 9, ours: height } },
        ms: 31,
      },
      {
        peer: '192.168.1.77:5000',
        name: null,
        outcome: 'unreachable',
        blocks: null,
        reason: refused('192.168.1.77:5000'),
        ms: 3,
      },
    ],
  };
  const amountReason: Message = { code: 'tx-amount-not-positive', params: { got: '-5' } };
  const activity: ActivityEntry[] = [
    {
      id: 1,
      time: Date.now() - 300_000,
      kind: 'node',
      message: `Node started with ${height - 3} blocks and 0 pending transactions`,
      code: 'node-started',
      params: { blocks: height - 3, pending: 0 },
    },
    {
      id: 2,
      time: Date.now() - 240_000,
      kind: 'peer-added',
      message: 'Peer 192.168.1.31:5000 added',
      code: 'peer-added',
      params: { peer: '192.168.1.31:5000' },
    },
    {
      id: 3,
      time: Date.now() - 200_000,
      kind: 'mined',
      message: `Mined block ${height - 1} with proof 35293 in 41.2 s`,
      code: 'mined',
      params: { index: height - 1, proof: '35293', seconds: '41.2' },
    },
    {
      id: 4,
      time: Date.now() - 120_000,
      kind: 'rejected-input',
      message: 'Transaction refused: amount must be a positive number such as 5 or 2.5, got -5',
      code: 'transaction-refused',
      params: { reason: amountReason },
    },
    {
      id: 5,
      time: Date.now() - 60_000,
      kind: 'peer-failed',
      message: 'Peer 192.168.1.77:5000: nothing is listening at 192.168.1.77:5000 (is the node running?)',
      code: 'peer-failed',
      params: { peer: '192.168.1.77:5000', reason: refused('192.168.1.77:5000') },
    },
    {
      id: 6,
      time: Date.now() - 10_000,
      kind: 'chain-replaced',
      message: `Chain replaced by 192.168.1.31:5000's: ${height} blocks beat our ${height - 3}`,
      code: 'chain-replaced',
      params: { peer: '192.168.1.31:5000', blocks: height, ours: height - 3 },
    },
  ];
  const api: Record<string, unknown> = {
    status: () => ok(status()),
    chainPage: (q: { offset?: number; limit?: number; newestFirst?: boolean } = {}) => {
      const offset = q.offset ?? 0;
      const limit = q.limit ?? 50;
      const blocks = [];
      for (let i = 0; i < limit; i++) {
        const index = q.newestFirst ? height - offset - i : offset + i + 1;
        if (index < 1 || index > height) break;
        blocks.push(summary(index));
      }
      return ok({ total: height, blocks });
    },
    block: ({ index }: { index: number }) =>
      ok({ ...summary(index), transactions: txsOf(index), json: JSON.stringify(summary(index)) }),
    search: ({ text }: { text: string }) => {
      const n = Number(text);
      if (Number.isInteger(n) && n >= 1 && n <= height) return ok([summary(n)]);
      return ok([]);
    },
    pending: () => ok(pending),
    // Main adds balances up; the fake answers as main would for this chain's shape.
    balances: () =>
      ok<BalancesDto>({
        height,
        rows: [
          {
            address: nodeId,
            name: settings.name,
            received: String(height - 1),
            sent: '0',
            balance: String(height - 1),
          },
          { address: 'bob', name: null, received: '6670.5', sent: '3329.0', balance: '3341.5' },
          { address: 'alice', name: null, received: '3330', sent: '6669', balance: '-3339' },
        ],
        skipped: 3,
      }),
    submitTransaction: (input: { sender: string; recipient: string; amount: string }) => {
      pending.push(tx(input.sender, input.recipient, String(input.amount)));
      emit('pending', { count: pending.length });
      return ok({ index: height + 1, transaction: pending[pending.length - 1] });
    },
    mine: () => new Promise(() => {}),
    stopMining: () => ok(null),
    peers: () => ok(peers),
    addPeers: () => ok<AddPeersResult>({ peers, added: [], known: [], rejected: [], reachable: {} }),
    removePeer: () => ok(peers),
    refreshPeers: () => ok(peers),
    resolve: () => ok(report),
    settings: () => ok(settings),
    updateSettings: (patch: object) => {
      Object.assign(settings, patch);
      return ok(settings);
    },
    resetChain: () => ok(null),
    activity: () => ok(activity),
  };
  // ── the live network: a second classroom network nearby, one of other rules, a join code ──
  const nearby: NearbyNetwork[] = [
    {
      network: hashOf(1).slice(0, 16),
      profile: 'article',
      difficulty: 4,
      ours: true,
      joinable: true,
      height: height + 3,
      nodes: [
        {
          id: 'b'.repeat(32),
          name: 'Bo’s laptop',
          address: '192.168.1.31:5000',
          height: height + 3,
          lastSeen: Date.now() - 2000,
        },
      ],
    },
    {
      network: '7c2e9a0b41d3f865',
      profile: 'article',
      difficulty: 4,
      ours: false,
      joinable: true,
      height: 12,
      nodes: [
        { id: 'c'.repeat(32), name: 'Chen’s laptop', address: '192.168.1.52:5000', height: 12, lastSeen: 0 },
        { id: 'd'.repeat(32), name: 'Dara', address: '192.168.1.53:5000', height: 11, lastSeen: 0 },
      ],
    },
    {
      network: '19fa00c2d7b3e6a1',
      profile: 'dvf',
      difficulty: 5,
      ours: false,
      joinable: false,
      height: 3,
      nodes: [{ id: 'f'.repeat(32), name: 'Femi', address: '192.168.1.60:5000', height: 3, lastSeen: 0 }],
    },
  ];
  const joinCode: JoinCodeDto = {
    code: '40H-98Y',
    address: '192.168.1.23:5000',
    spectatorUrl: 'http://192.168.1.23:5000/spectate/',
    network: hashOf(1).slice(0, 16),
    reason: null,
  };
  const diagnostics: DiagnosticsDto = {
    listening: [
      { interface: 'wlan0', address: '192.168.1.23:5000', family: 'IPv4' },
      { interface: 'eth0', address: '10.0.0.7:5000', family: 'IPv4' },
    ],
    checks: [
      {
        id: 'listening',
        status: 'ok',
        title: { code: 'diag-listening-title', params: {} },
        detail: { code: 'diag-listening-ok', params: { addresses: '192.168.1.23:5000, 10.0.0.7:5000' } },
        fix: null,
      },
      {
        id: 'vpn',
        status: 'warn',
        title: { code: 'diag-vpn-title', params: {} },
        detail: { code: 'diag-vpn-on', params: { interfaces: 'tun0' } },
        fix: { code: 'diag-vpn-fix', params: {} },
      },
      {
        id: 'target',
        status: 'fail',
        title: { code: 'diag-target-title', params: { target: 'Femi' } },
        detail: {
          code: 'diag-target-rules',
          params: { name: 'Femi', address: '192.168.1.60:5000', profile: 'dvf', difficulty: 5 },
        },
        fix: { code: 'diag-rules-fix', params: {} },
      },
    ],
  };
  if (options.lonely) {
    peers.length = 0;
    nearby.length = 0;
  }
  api.nearby = () => ok(nearby);
  api.joinNetwork = () => ok({ blocks: 12 });
  api.diagnose = () => ok(diagnostics);
  api.joinCode = () => ok(joinCode);
  api.joinByCode = () => ok({ address: '192.168.1.31:5000', blocks: height + 3 });
  api.onNearby = (listener: Listener) => {
    if (!listeners.has('nearby')) listeners.set('nearby', new Set());
    listeners.get('nearby')!.add(listener);
    return () => listeners.get('nearby')!.delete(listener);
  };

  for (const event of ['status', 'chain', 'pending', 'mining', 'peers', 'activity', 'settings']) {
    api[`on${event[0]!.toUpperCase()}${event.slice(1)}`] = (listener: Listener) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)!.delete(listener);
    };
  }
  // A rising-and-falling hash rate so the sparkline has a shape.
  if (options.mining) {
    let t = 0;
    setInterval(() => {
      t++;
      progress.hashRate = 380_000 + Math.round(Math.sin(t / 3) * 40_000 + (t % 7) * 5000);
      progress.tried += progress.hashRate / 4;
      progress.elapsedMs += 250;
      emit('mining', mining());
    }, 250);
  }
  // Counts calls per operation, so a test can tell what a screen asked for.
  const calls: Record<string, number> = {};
  for (const [name, method] of Object.entries(api)) {
    if (name.startsWith('on')) continue;
    api[name] = (...args: unknown[]) => {
      calls[name] = (calls[name] ?? 0) + 1;
      return (method as (...a: unknown[]) => unknown)(...args);
    };
  }
  (window as unknown as { apiCalls: Record<string, number> }).apiCalls = calls;
  (window as unknown as { api: unknown }).api = api;
}
