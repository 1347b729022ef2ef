import type {
  FlightDto,
  ForkBlockDto,
  ForkTreeDto,
  LabState,
  NetworkNodeDto,
  NetworkViewDto,
  ReorgDto,
  TamperEdit,
  TamperReportDto,
  TamperVerdictDto,
} from '../../../src-main/shared/api.ts';

/**
 * The classroom lab's operations added to the stand-in `window.api` of fake-window-api.ts (install
 * that one first, in an earlier init script): a room of `nodes` laptops on a chain of `height`
 * blocks, stale branches, reorgs and flights, so the lab screens can be looked at at any scale
 * without running nodes. `window.labEmit(what)` sends a `lab` hint as the node would. Self-contained:
 * Playwright serialises the function's source into the page (types come from the contract).
 */
export function installLabFakeApi(options: { nodes: number; height: number }): void {
  type Listener = (payload: unknown) => void;
  const win = window as unknown as {
    api: Record<string, unknown>;
    apiCalls: Record<string, number>;
    labEmit: (what: 'network' | 'forks' | 'flights') => void;
  };
  const api = win.api;
  const calls = win.apiCalls;
  const ok = <T>(value: T) => Promise.resolve({ ok: true as const, value });
  const hex = (seed: number, length = 64): string => {
    let out = '';
    let x = (seed * 2654435761) >>> 0 || 1;
    while (out.length < length) {
      x = (x ^ (x << 13)) >>> 0;
      x = (x ^ (x >>> 17)) >>> 0;
      x = (x ^ (x << 5)) >>> 0;
      out += x.toString(16).padStart(8, '0');
    }
    return out.slice(0, length);
  };
  const { height } = options;
  const selfId = 'e3b0c44298fc1c149afbf4c8996fb924';
  const names = ['Ana', 'Ben', 'Chen', 'Dana', 'Eli', '王小明', 'Fatima', 'Gus', 'Hiro', 'Ines'];
  const idOf = (k: number): string => (k === 0 ? selfId : hex(1000 + k, 32));
  const nameOf = (k: number): string =>
    k === 0 ? 'Ana’s laptop' : `${names[k % names.length]} ${Math.floor(k / names.length) + 1}`;
  const hashOf = (index: number, branch = 0): string => `000${hex(index * 31 + branch * 7919).slice(3)}`;
  const minerOf = (index: number): number => (index * 7) % options.nodes;
  const now = Date.now();

  const node = (k: number): NetworkNodeDto => ({
    id: k === 5 ? null : idOf(k),
    name: k === 5 ? null : nameOf(k),
    address: k === 0 ? null : `192.168.1.${10 + k}:5000`,
    self: k === 0,
    kind: k === 5 ? 'tutorial' : 'blockparty',
    status: k % 11 === 7 ? 'offline' : 'online',
    height: k % 9 === 4 ? height - 3 : height,
    tip: k % 9 === 4 ? hashOf(height - 3) : k % 13 === 6 ? hashOf(height, 1) : hashOf(height),
    latencyMs: k === 0 ? 0 : 3 + ((k * 17) % 90),
    profile: 'article',
    difficulty: k % 17 === 8 ? 5 : 4,
    incompatible:
      k % 17 === 8 ? { code: 'peer-other-difficulty', params: { difficulty: 5, ourDifficulty: 4 } } : null,
    hashRate: k === 5 ? null : 150_000 + ((k * 37_000) % 900_000),
    workers: k === 5 ? null : 1 + (k % 8),
    mining: k === 5 ? null : k % 4 !== 3,
    privateMining: k === 3,
    recentBlocks: Math.floor(100 / options.nodes) + (k % 3),
  });
  const nodes = Array.from({ length: options.nodes }, (_, k) => node(k));

  let pace: LabState['pace'] = {
    seconds: 10,
    setById: selfId,
    setByName: 'Ana’s laptop',
    setAt: now - 95_000,
  };
  const lab = (): LabState => ({
    privateMining: false,
    withheld: 0,
    publicHeight: null,
    pace,
    nextBlockAt: pace ? Date.now() + 7000 : null,
  });

  const view = (): NetworkViewDto => ({
    network: hex(1, 16),
    profile: 'article',
    difficulty: 4,
    height,
    tip: hashOf(height),
    nodes,
    recentBlocks: Array.from({ length: 20 }, (_, i) => {
      const index = height - i;
      const miner = minerOf(index);
      return {
        index,
        hash: hashOf(index),
        minerId: idOf(miner),
        minerName: nameOf(miner),
        timestamp: now / 1000 - i * 10,
        transactionCount: 1 + (index % 4),
      };
    }),
    blocksPerMinute: 6,
    outsiders: [
      {
        name: 'Kim’s laptop',
        address: '192.168.1.200:5000',
        network: hex(2, 16),
        reason: { code: 'peer-other-genesis', params: {} },
      },
      {
        name: null,
        address: '192.168.1.201:5001',
        network: hex(3, 16),
        reason: { code: 'peer-other-profile', params: { profile: 'dvf', ours: 'article' } },
      },
    ],
    pace,
    totalHashRate: nodes.reduce((sum, n) => sum + (n.hashRate ?? 0), 0),
  });

  const block = (index: number, branch: number, main: boolean): ForkBlockDto => {
    const miner = minerOf(index + branch);
    return {
      hash: hashOf(index, branch),
      index,
      previousHash: hashOf(index - 1, branch > 0 && index % 7 !== 0 ? branch : 0),
      minerId: idOf(miner),
      minerName: nameOf(miner),
      timestamp: now / 1000 - (height - index) * 10,
      transactionCount: 1 + (index % 3),
      main,
      seenAt: now - (height - index) * 10_000,
      from: main ? null : nameOf((miner + 1) % options.nodes),
    };
  };
  const reorg = (k: number): ReorgDto => ({
    at: now - k * 120_000 - 30_000,
    forkIndex: height - 4 - k * 9,
    oldLength: height - 2 - k * 9,
    newLength: height - 1 - k * 9,
    oldTip: hashOf(height - 2 - k * 9, 1),
    newTip: hashOf(height - 1 - k * 9),
    discarded: [hashOf(height - 3 - k * 9, 1), hashOf(height - 2 - k * 9, 1)],
    restored: [
      {
        id: null,
        sender: 'alice',
        recipient: 'merchant',
        amount: '10',
        reward: false,
        json: '{"amount": 10, "recipient": "merchant", "sender": "alice"}',
      },
    ],
    winnerName: nameOf(2 + k),
  });
  const forkTree = (input: { depth?: number } = {}): ForkTreeDto => {
    const depth = Math.min(200, input.depth ?? 30);
    const first = Math.max(1, height - depth + 1);
    const blocks: ForkBlockDto[] = [];
    for (let i = first; i <= height; i++) blocks.push(block(i, 0, true));
    // A stale block every seven, two-block branches every nineteen, the latest reorg's two blocks.
    for (let i = first + 1; i <= height; i++) {
      if (i % 7 === 0) blocks.push(block(i, 2, false));
      if (i % 19 === 0 && i + 1 <= height) blocks.push(block(i, 3, false), block(i + 1, 3, false));
    }
    blocks.push(block(height - 3, 1, false), block(height - 2, 1, false));
    blocks.sort((a, b) => a.index - b.index || Number(b.main) - Number(a.main));
    return { blocks, reorgs: [0, 1, 2].map(reorg), stale: 500 };
  };

  const flights = (input: { count?: number } = {}): FlightDto[] =>
    Array.from({ length: Math.min(20, input.count ?? 5) }, (_, f) => {
      const index = height - f;
      const origin = minerOf(index);
      // A relay tree three wide: the j-th node reached heard it from the (j-1)/3-th.
      const reached = [origin, ...nodes.map((_, k) => k).filter((k) => k !== origin)];
      const at = new Map<number, number | null>([[origin, 0]]);
      const hops = reached.slice(1).map((k, j) => {
        const from = reached[Math.floor(j / 3)]!;
        const before = at.get(from) ?? null;
        const via: 'push' | 'sync' = k % 23 === 22 ? 'sync' : 'push';
        const atMs = via === 'sync' || before === null ? null : before + 5 + ((k * 29 + f * 13) % 60);
        at.set(k, atMs);
        return { from: idOf(from), fromName: nameOf(from), to: idOf(k), toName: nameOf(k), atMs, via };
      });
      return { hash: hashOf(index), index, origin: idOf(origin), originName: nameOf(origin), hops };
    });

  const report = (edit: TamperEdit): TamperReportDto => {
    const count = Math.min(12, height - edit.index + 1);
    return {
      edit,
      blocks: Array.from({ length: count }, (_, i) => ({
        index: edit.index + i,
        hashBefore: hashOf(edit.index + i),
        hashAfter: i === 0 ? hashOf(edit.index, 9) : hashOf(edit.index + i),
        linkOk: i !== 1,
        proofOk: true,
      })),
      more: Math.max(0, height - edit.index + 1 - count),
      firstBroken:
        count > 1
          ? {
              index: edit.index + 1,
              reason: { code: 'block-link', params: { block: edit.index + 1, previous: edit.index } },
            }
          : null,
      remined: 0,
      ms: 4,
    };
  };
  const verdicts = (edit: TamperEdit): TamperVerdictDto[] =>
    nodes.slice(1, 12).map((n, i) => ({
      peer: n.address ?? '',
      name: n.name,
      verdict: n.kind === 'tutorial' ? 'tutorial' : n.status === 'offline' ? 'unreachable' : 'rejected',
      block: n.kind === 'tutorial' || n.status === 'offline' ? null : edit.index + 1,
      reason:
        n.kind === 'tutorial' || n.status === 'offline'
          ? null
          : { code: 'block-link', params: { block: edit.index + 1, previous: edit.index } },
      ms: 3 + i,
    }));

  const listeners = new Map<string, Set<Listener>>();
  const subscribe = (event: string) => (listener: Listener) => {
    if (!listeners.has(event)) listeners.set(event, new Set());
    listeners.get(event)!.add(listener);
    return () => listeners.get(event)!.delete(listener);
  };
  const added: Record<string, (input: never) => unknown> = {
    networkView: () => ok(view()),
    forkTree: (input?: { depth?: number }) => ok(forkTree(input)),
    flights: (input?: { count?: number }) => ok(flights(input)),
    tamperPreview: (edit: TamperEdit) => ok(report(edit)),
    tamperSend: (edit: TamperEdit) => ok({ report: report(edit), verdicts: verdicts(edit) }),
    setPrivateMining: () => ok(lab()),
    setPace: (input: { seconds: number }) => {
      pace =
        input.seconds === 0
          ? null
          : { seconds: input.seconds, setById: selfId, setByName: 'Ana’s laptop', setAt: Date.now() };
      return ok(lab());
    },
    nearby: () => ok([]),
  };
  for (const [name, method] of Object.entries(added)) {
    api[name] = (...args: unknown[]) => {
      calls[name] = (calls[name] ?? 0) + 1;
      return (method as (...a: unknown[]) => unknown)(...args);
    };
  }
  api['onLab'] = subscribe('lab');
  api['onNearby'] = subscribe('nearby');
  win.labEmit = (what) => {
    for (const listener of listeners.get('lab') ?? []) listener({ what });
  };
  // The status the main fake reports, with the pace on.
  const status = api['status'] as () => Promise<{ ok: true; value: Record<string, unknown> }>;
  api['status'] = async () => {
    const result = await status();
    return { ok: true, value: { ...result.value, lab: lab() } };
  };
}
