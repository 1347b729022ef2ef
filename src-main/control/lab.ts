/** The classroom lab's DTOs: the fork tree, the tamper report, the network view (see shared/api.ts). */
import type { SealedBlock } from '../chain/block.ts';
import { timedPath, type Flight } from '../node/flights.ts';
import type { ForkTree } from '../node/forks.ts';
import type { TamperOutcome } from '../node/lab.ts';
import type { NodeApi } from '../node/types.ts';
import type {
  FlightDto,
  ForkTreeDto,
  MinedBlockDto,
  NetworkNodeDto,
  NetworkViewDto,
  TamperEdit,
  TamperReportDto,
} from '../shared/api.ts';
import { NETWORK_VIEW_RECENT } from '../shared/api.ts';
import { NodeError } from '../shared/errors.ts';
import { message } from '../shared/messages.ts';
import { blockSummary, pendingDto } from './dto.ts';
import { rewardRecipient } from '../chain/block.ts';

/** Blocks of our chain the network view lists. */
const RECENT_LISTED = 20;
/** The window of the network's blocks per minute, in seconds of block timestamps. */
const RATE_WINDOW_S = 300;

/** Who mined a block and the row it makes (decoded once per block and kept). */
export class MinedBlocks {
  private readonly cache = new Map<string, MinedBlockDto>();

  constructor(private readonly nameOf: (id: string) => string | null) {}

  of(block: SealedBlock): MinedBlockDto {
    let row = this.cache.get(block.hash);
    if (row === undefined) {
      const decoded = block.decode();
      const summary = blockSummary(decoded, block.hash);
      row = {
        index: summary.index,
        hash: summary.hash,
        minerId: rewardRecipient(block),
        minerName: null,
        timestamp: summary.timestamp,
        transactionCount: summary.transactionCount,
      };
      this.cache.set(block.hash, row);
      if (this.cache.size > 4 * NETWORK_VIEW_RECENT + 1000)
        this.cache.delete(this.cache.keys().next().value!);
    }
    // Names change (a peer tells us its name later): looked up each time.
    return { ...row, minerName: row.minerId === null ? null : this.nameOf(row.minerId) };
  }
}

/** The fork tree for the dashboard. */
export function forkTreeDto(
  tree: ForkTree,
  mined: MinedBlocks,
  nameOfPeer: (address: string) => string | null,
): ForkTreeDto {
  return {
    blocks: tree.blocks.map(({ block, main, sighting }) => {
      const row = mined.of(block);
      const decoded = block.decode();
      return {
        hash: block.hash,
        index: row.index,
        previousHash: blockSummary(decoded, block.hash).previousHash,
        minerId: row.minerId,
        minerName: row.minerName,
        timestamp: row.timestamp,
        transactionCount: row.transactionCount,
        main,
        seenAt: sighting?.seenAt ?? null,
        from: sighting?.from == null ? null : (nameOfPeer(sighting.from) ?? sighting.from),
      };
    }),
    reorgs: tree.reorgs.map((r) => ({
      at: r.at,
      forkIndex: r.forkIndex,
      oldLength: r.oldLength,
      newLength: r.newLength,
      oldTip: r.oldTip,
      newTip: r.newTip,
      discarded: [...r.discarded],
      restored: r.restored.map(pendingDto),
      winnerName: r.winner === null ? null : (nameOfPeer(r.winner) ?? r.winner),
    })),
    stale: tree.stale,
  };
}

/** What an edit of the lab chain breaks. */
export function tamperReportDto(edit: TamperEdit, outcome: TamperOutcome): TamperReportDto {
  return {
    edit: { ...edit },
    blocks: outcome.checks.map((c) => ({ ...c })),
    more: outcome.more,
    firstBroken: outcome.firstBroken,
    remined: outcome.remined,
    ms: outcome.ms,
  };
}

/** The network for the projector, from what the node knows of its peers and its chain. */
export function networkViewDto(
  node: Pick<NodeApi, 'status' | 'chain' | 'peers' | 'nearby'>,
  mined: MinedBlocks,
): NetworkViewDto {
  const status = node.status();
  const chain = node.chain();
  const recent = chain.slice(Math.max(1, chain.length - NETWORK_VIEW_RECENT)).map((b) => mined.of(b));
  const minedBy = new Map<string, number>();
  for (const row of recent)
    if (row.minerId !== null) minedBy.set(row.minerId, (minedBy.get(row.minerId) ?? 0) + 1);
  const newest = recent.at(-1)?.timestamp ?? 0;
  const inWindow = recent.filter((row) => row.timestamp > newest - RATE_WINDOW_S);
  const span = inWindow.length > 1 ? newest - inWindow[0]!.timestamp : 0;
  const self: NetworkNodeDto = {
    id: status.nodeId,
    name: status.name,
    address: null,
    self: true,
    kind: 'blockparty',
    status: 'online',
    height: status.height,
    tip: status.lastHash,
    latencyMs: 0,
    profile: status.profile,
    difficulty: status.difficulty,
    incompatible: null,
    hashRate: status.mining.hashRate,
    workers: status.mining.workers,
    mining: status.mining.active,
    privateMining: status.lab.privateMining,
    recentBlocks: minedBy.get(status.nodeId) ?? 0,
  };
  const peers: NetworkNodeDto[] = node.peers().map((p) => ({
    id: p.id,
    name: p.name,
    address: p.address,
    self: false,
    kind: p.kind ?? 'blockparty',
    status: p.status,
    height: p.height,
    tip: p.tip,
    latencyMs: p.latencyMs,
    profile: p.profile,
    difficulty: p.difficulty,
    incompatible: p.incompatible,
    hashRate: p.hashRate,
    workers: p.workers,
    mining: p.mining,
    privateMining: p.privateMining,
    recentBlocks: p.id === null ? 0 : (minedBy.get(p.id) ?? 0),
  }));
  peers.sort((a, b) => (a.name ?? a.address ?? '').localeCompare(b.name ?? b.address ?? ''));
  const outsiders = node
    .nearby()
    .filter((n) => !n.ours)
    .flatMap((n) =>
      n.nodes.map((member) => ({
        name: member.name,
        address: member.address,
        network: n.network,
        reason: n.joinable
          ? message('peer-other-genesis')
          : n.profile !== status.profile
            ? message('peer-other-profile', { profile: n.profile, ours: status.profile })
            : message('peer-other-difficulty', {
                difficulty: n.difficulty,
                ourDifficulty: status.difficulty,
              }),
      })),
    );
  const nodes = [self, ...peers];
  return {
    network: status.genesisHash.slice(0, 16),
    profile: status.profile,
    difficulty: status.difficulty,
    height: status.height,
    tip: status.lastHash,
    nodes,
    recentBlocks: recent.slice(-RECENT_LISTED).reverse(),
    blocksPerMinute: span > 0 ? Math.round(((inWindow.length - 1) * 600) / span) / 10 : 0,
    outsiders,
    pace: status.lab.pace,
    totalHashRate: nodes.reduce((sum, n) => sum + (n.status === 'online' ? (n.hashRate ?? 0) : 0), 0),
  };
}

/** The flights of the latest blocks, hops timed from the origin and named. */
export function flightsDto(flights: readonly Flight[], nameOf: (id: string) => string | null): FlightDto[] {
  return flights.map((f) => ({
    hash: f.hash,
    index: f.index,
    origin: f.origin,
    originName: f.origin === '' ? null : nameOf(f.origin),
    hops: timedPath(f.origin, f.hops).map((hop) => ({
      from: hop.from,
      fromName: nameOf(hop.from),
      to: hop.to,
      toName: nameOf(hop.to),
      atMs: hop.atMs,
      via: hop.via,
    })),
  }));
}

/** An edit as the dashboard sends it, checked for shape (the lab checks what it means). */
export function parseTamperEdit(input: unknown): TamperEdit {
  const bad = (field: string, expected: string): NodeError =>
    new NodeError('invalid-request', message('request-invalid', { field, expected }), field);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad('edit', 'an object');
  const e = input as Record<string, unknown>;
  const int = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
  if (!int(e['index'])) throw bad('index', 'the index of a block');
  if (typeof e['value'] !== 'string' || e['value'].length > 200)
    throw bad('value', 'text of at most 200 characters');
  if (e['remine'] !== undefined && typeof e['remine'] !== 'boolean') throw bad('remine', 'true or false');
  const remine = e['remine'] === true;
  if (e['kind'] === 'proof') return { index: e['index'], kind: 'proof', value: e['value'], remine };
  if (e['kind'] !== 'transaction') throw bad('kind', '"transaction" or "proof"');
  if (!int(e['transaction'])) throw bad('transaction', 'the position of a transaction in the block');
  const field = e['field'];
  if (field !== 'sender' && field !== 'recipient' && field !== 'amount')
    throw bad('field', '"sender", "recipient" or "amount"');
  return {
    index: e['index'],
    kind: 'transaction',
    transaction: e['transaction'],
    field,
    value: e['value'],
    remine,
  };
}
