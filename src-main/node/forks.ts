/**
 * What the fork tree shows: blocks seen that are not on our chain (stale branches, kept for display
 * only and bounded, never used for consensus), when and from whom each block first arrived, and the
 * reorgs, each with the transactions that went back to the pool.
 */
import type { SealedBlock } from '../chain/block.ts';
import type { PendingTransaction } from '../chain/types.ts';
import { STALE_BLOCKS_MAX } from '../shared/api.ts';
import { BoundedMap } from './bounded-set.ts';

/** How many first sightings are remembered (the tree shows at most 200 blocks of our chain). */
const SIGHTINGS_MAX = 4_000;
/** The deepest tree the dashboard asks for. */
const TREE_DEPTH_MAX = 200;
/** How many reorgs are remembered. */
const REORGS_MAX = 10;

/** When a block first reached this node, and from whom (null: mined here, or not known). */
export interface Sighting {
  seenAt: number;
  from: string | null;
}

/** A reorg as it happened. */
export interface Reorg {
  at: number;
  forkIndex: number;
  oldLength: number;
  newLength: number;
  oldTip: string;
  newTip: string;
  discarded: string[];
  restored: PendingTransaction[];
  winner: string | null;
}

/** One block of the tree. */
export interface TreeBlock {
  block: SealedBlock;
  main: boolean;
  sighting: Sighting | null;
}

/** The tree around the tip of our chain. */
export interface ForkTree {
  blocks: TreeBlock[];
  reorgs: Reorg[];
  stale: number;
}

export class ForkBook {
  /** Stale blocks by hash, oldest first (a Map keeps insertion order). */
  private readonly stale = new Map<string, SealedBlock>();
  private readonly sightings = new BoundedMap<Sighting>(SIGHTINGS_MAX);
  private readonly reorgs: Reorg[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** A block reached this node (mined here when `from` is null); only the first arrival counts. */
  saw(hash: string, from: string | null): void {
    if (this.sightings.has(hash)) return;
    this.sightings.set(hash, { seenAt: this.now(), from });
  }

  /** Blocks of a branch that did not win (ours discarded by a reorg, or a peer's that was not longer). */
  keepStale(blocks: readonly SealedBlock[], from: string | null): void {
    for (const block of blocks.slice(-STALE_BLOCKS_MAX)) {
      this.saw(block.hash, from);
      this.stale.delete(block.hash);
      this.stale.set(block.hash, block);
    }
    while (this.stale.size > STALE_BLOCKS_MAX) this.stale.delete(this.stale.keys().next().value!);
  }

  /** Our chain switched branches: the blocks after `forkIndex` gave way to `added`. */
  reorged(
    change: {
      forkIndex: number;
      discarded: readonly SealedBlock[];
      added: readonly SealedBlock[];
      restored: readonly PendingTransaction[];
      oldTip: string;
      oldLength: number;
    },
    winner: string | null,
  ): void {
    // Only the blocks a tree can show: an adoption may bring a whole chain.
    for (const block of change.added.slice(-TREE_DEPTH_MAX)) {
      this.stale.delete(block.hash);
      this.saw(block.hash, winner);
    }
    if (change.discarded.length === 0) return;
    this.keepStale(change.discarded, null);
    this.reorgs.unshift({
      at: this.now(),
      forkIndex: change.forkIndex,
      oldLength: change.oldLength,
      newLength: change.forkIndex + change.added.length,
      oldTip: change.oldTip,
      newTip: change.added.at(-1)!.hash,
      discarded: change.discarded.map((b) => b.hash),
      restored: [...change.restored],
      winner,
    });
    this.reorgs.length = Math.min(this.reorgs.length, REORGS_MAX);
  }

  /** A fresh chain (reset or another network joined): old branches mean nothing any more. */
  forget(): void {
    this.stale.clear();
  }

  /** The last `depth` blocks of `chain` and every kept stale block from the first of them on. */
  tree(chain: readonly SealedBlock[], depth: number): ForkTree {
    const window = chain.slice(Math.max(0, chain.length - depth));
    const firstIndex = window[0]?.index ?? 1;
    const blocks: TreeBlock[] = window.map((block) => ({
      block,
      main: true,
      sighting: this.sightings.get(block.hash) ?? null,
    }));
    const onChain = new Set(window.map((b) => b.hash));
    for (const block of this.stale.values()) {
      if (block.index < firstIndex || onChain.has(block.hash)) continue;
      blocks.push({ block, main: false, sighting: this.sightings.get(block.hash) ?? null });
    }
    blocks.sort((a, b) => a.block.index - b.block.index || Number(b.main) - Number(a.main));
    return { blocks, reorgs: [...this.reorgs], stale: this.stale.size };
  }
}
