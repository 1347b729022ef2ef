import type {
  FlightDto,
  ForkBlockDto,
  ForkTreeDto,
  NetworkNodeDto,
  NetworkViewDto,
  ReorgDto,
  TamperReportDto,
} from '@shared/api';
import { message } from '@shared/messages';

/** A 64-character hash that names its block, readable in failures: branch letter, index, `-`, zeros. */
export function hashOf(index: number, branch = 'm'): string {
  return `${branch}${index}-`.padEnd(64, '0');
}

/** A node id for a name: 32 hex digits, one per first letter (Ana 5…, Ben 6…, Chen 7…, Dan 8…). */
export function idFor(name: string): string {
  return String(name.charCodeAt(0) % 10).repeat(32);
}

/** A node of the network view: an online Blockparty peer on our tip, unless patched. */
export function makeNode(name: string, patch: Partial<NetworkNodeDto> = {}): NetworkNodeDto {
  return {
    id: idFor(name),
    name,
    address: `192.168.1.${name.charCodeAt(0)}:5000`,
    self: false,
    kind: 'blockparty',
    status: 'online',
    height: 10,
    tip: hashOf(10),
    latencyMs: 12,
    profile: 'article',
    difficulty: 4,
    incompatible: null,
    hashRate: 250_000,
    workers: 3,
    mining: true,
    privateMining: false,
    recentBlocks: 3,
    ...patch,
  };
}

/** A network view of this node ("Ana") at height 10 and the given peers. */
export function makeView(peers: NetworkNodeDto[] = [], patch: Partial<NetworkViewDto> = {}): NetworkViewDto {
  const self = makeNode('Ana', { self: true, address: null, latencyMs: 0 });
  return {
    network: 'e'.repeat(16),
    profile: 'article',
    difficulty: 4,
    height: 10,
    tip: hashOf(10),
    nodes: [self, ...peers],
    recentBlocks: [10, 9, 8].map((index) => ({
      index,
      hash: hashOf(index),
      minerId: idFor(index === 9 ? 'Ben' : 'Ana'),
      minerName: index === 9 ? 'Ben' : 'Ana',
      timestamp: 1_700_000_000 + index,
      transactionCount: 1,
    })),
    blocksPerMinute: 6,
    outsiders: [],
    pace: null,
    totalHashRate: 250_000 * (1 + peers.length),
    ...patch,
  };
}

/** A block of the fork tree. */
export function forkBlock(index: number, branch = 'm', parentBranch = branch): ForkBlockDto {
  return {
    hash: hashOf(index, branch),
    index,
    previousHash: hashOf(index - 1, parentBranch),
    minerId: idFor(branch === 'm' ? 'Ana' : 'Ben'),
    minerName: branch === 'm' ? 'Ana' : 'Ben',
    timestamp: 1_700_000_000 + index,
    transactionCount: 1,
    main: branch === 'm',
    seenAt: null,
    from: null,
  };
}

/** A reorg after block 6: our 7–8 gave way to the winner's 7–9. */
export function makeReorg(patch: Partial<ReorgDto> = {}): ReorgDto {
  return {
    at: Date.now() - 5000,
    forkIndex: 6,
    oldLength: 8,
    newLength: 9,
    oldTip: hashOf(8, 'x'),
    newTip: hashOf(9),
    discarded: [hashOf(7, 'x'), hashOf(8, 'x')],
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
    winnerName: 'Ben',
    ...patch,
  };
}

/** Our chain 5–10, and the branch our reorg discarded (7x, 8x off block 6). */
export function makeTree(reorgs: ReorgDto[] = [makeReorg()]): ForkTreeDto {
  const main = [5, 6, 7, 8, 9, 10].map((i) => forkBlock(i));
  const stale = [forkBlock(7, 'x', 'm'), forkBlock(8, 'x')];
  return { blocks: [...main, ...stale], reorgs, stale: stale.length };
}

/** Block 10 mined by Ana, pushed to Ben (40 ms) and on to Chen (+25 ms), Dan by sync. */
export function makeFlight(): FlightDto {
  const [ana, ben, chen, dan] = ['Ana', 'Ben', 'Chen', 'Dan'].map(idFor) as [string, string, string, string];
  return {
    hash: hashOf(10),
    index: 10,
    origin: ana,
    originName: 'Ana',
    hops: [
      { from: ana, fromName: 'Ana', to: ben, toName: 'Ben', atMs: 40, via: 'push' },
      { from: ben, fromName: 'Ben', to: chen, toName: 'Chen', atMs: 65, via: 'push' },
      { from: chen, fromName: 'Chen', to: dan, toName: 'Dan', atMs: null, via: 'sync' },
    ],
  };
}

/** What editing block 2's amount does on a chain of 4 (article profile: only the next link breaks). */
export function makeReport(patch: Partial<TamperReportDto> = {}): TamperReportDto {
  return {
    edit: { index: 2, kind: 'transaction', transaction: 0, field: 'amount', value: '500' },
    blocks: [
      { index: 2, hashBefore: hashOf(2), hashAfter: hashOf(2, 't'), linkOk: true, proofOk: true },
      { index: 3, hashBefore: hashOf(3), hashAfter: hashOf(3), linkOk: false, proofOk: true },
      { index: 4, hashBefore: hashOf(4), hashAfter: hashOf(4), linkOk: true, proofOk: true },
    ],
    more: 0,
    firstBroken: { index: 3, reason: message('block-link', { block: 3, previous: 2 }) },
    remined: 0,
    ms: 3,
    ...patch,
  };
}
