import { sameBlock } from './block.ts';
import { dumpsPy, isPyObject } from './json.ts';
import { REWARD_SENDER } from './transaction.ts';
import type { Block, Transaction } from './types.ts';

/** What happened to pending transactions when the node adopted another chain. */
export interface PendingReconciliation {
  /** The new pending list: `restored` first (chain order), then what was pending and is still needed. */
  pending: Transaction[];
  /** Transactions of our discarded blocks that the new chain does not hold, put back in pending. */
  restored: Transaction[];
  /** Previously pending transactions removed because the new chain already holds them. */
  dropped: Transaction[];
}

/** The longest-chain rule: replace ours only with a (validated) chain that has strictly more blocks. */
export function chooseChain(ours: readonly Block[], candidate: readonly Block[]): 'replace' | 'keep' {
  return candidate.length > ours.length ? 'replace' : 'keep';
}

/**
 * How many leading blocks two valid chains share. Each block commits to the hash of the one before,
 * so equal blocks at a position imply equal blocks before it, and a binary search is enough.
 */
export function commonPrefixLength(a: readonly Block[], b: readonly Block[]): number {
  let low = 0;
  let high = Math.min(a.length, b.length);
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sameBlock(a[mid]!, b[mid]!)) low = mid + 1;
    else high = mid;
  }
  return low;
}

function takeFrom(counts: Map<string, number>, key: string): boolean {
  const count = counts.get(key);
  if (count === undefined) return false;
  if (count === 1) counts.delete(key);
  else counts.set(key, count - 1);
  return true;
}

/**
 * Updates the pending list after replacing `oldChain` with `newChain` (both valid chains). The
 * transactions the new chain's blocks after the fork hold are removed from pending; the non-reward
 * transactions of our discarded blocks that the new chain does not hold are put back. Transactions
 * are compared by their serialization and counted: two identical transfers are two transfers.
 */
export function reconcilePending(
  oldChain: readonly Block[],
  newChain: readonly Block[],
  pending: readonly Transaction[],
): PendingReconciliation {
  const fork = commonPrefixLength(oldChain, newChain);
  const held = new Map<string, number>();
  for (let i = fork; i < newChain.length; i++) {
    for (const tx of newChain[i]!.transactions) {
      const key = dumpsPy(tx);
      held.set(key, (held.get(key) ?? 0) + 1);
    }
  }
  const restored: Transaction[] = [];
  for (let i = fork; i < oldChain.length; i++) {
    for (const tx of oldChain[i]!.transactions) {
      // Only transfers go back: a reward belongs to the block that was discarded with it.
      if (!isPyObject(tx) || tx.sender === REWARD_SENDER) continue;
      if (!takeFrom(held, dumpsPy(tx))) restored.push(tx);
    }
  }
  const dropped: Transaction[] = [];
  const kept: Transaction[] = [];
  for (const tx of pending) {
    if (takeFrom(held, dumpsPy(tx))) dropped.push(tx);
    else kept.push(tx);
  }
  return { pending: [...restored, ...kept], restored, dropped };
}
