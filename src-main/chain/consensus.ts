import { transactionTexts, type SealedBlock } from './block.ts';
import { isPyObject, parsePyJson } from './json.ts';
import { REWARD_SENDER } from './transaction.ts';
import type { PendingTransaction } from './types.ts';

/** What happened to pending transactions when the node adopted another chain. */
export interface PendingReconciliation {
  /** The new pending list: `restored` first (chain order), then what was pending and is still needed. */
  pending: PendingTransaction[];
  /** Transactions of our discarded blocks that the new chain does not hold, put back in pending. */
  restored: PendingTransaction[];
  /** Previously pending transactions removed because the new chain already holds them. */
  dropped: PendingTransaction[];
}

/** The id a transaction put back from a discarded block gets: `position` is its place in the block. */
export type RestoredId = (block: SealedBlock, position: number) => string;

/**
 * How many leading blocks two valid chains share. Each block commits to the hash of the one before,
 * so equal hashes at a position imply equal blocks before it, and a binary search is enough.
 */
export function commonPrefixLength(a: readonly SealedBlock[], b: readonly SealedBlock[]): number {
  let low = 0;
  let high = Math.min(a.length, b.length);
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (a[mid]!.hash === b[mid]!.hash) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Whether a transaction of a discarded block goes back to the pending pool: transfers do; a reward
 * (sender "0") belongs to the block that was discarded with it, and a value that is not a
 * transaction object (peers' chains may hold anything) is no transfer.
 */
export function isRestorable(text: string): boolean {
  if (!text.startsWith('{')) return false;
  try {
    const tx = parsePyJson(text);
    return isPyObject(tx) && tx['sender'] !== REWARD_SENDER;
  } catch {
    return false;
  }
}

/**
 * Updates the pending list when the blocks `discarded` (ours after the fork) give way to `added`
 * (theirs after the fork). The transactions the added blocks hold are removed from pending; the
 * non-reward transactions of the discarded blocks that the added ones do not hold are put back, with
 * the id `restoredId` gives them. Transactions are compared by their canonical text and counted: two
 * identical transfers are two transfers. A block appended on our tip is the case `discarded = []`.
 * `consumed[b][p]` is the id of the transaction that the `p`-th transaction of added block `b` took
 * out of the pool (or out of the discarded blocks), null when it came from elsewhere.
 */
export function reconcilePending(
  discarded: readonly SealedBlock[],
  added: readonly SealedBlock[],
  pending: readonly PendingTransaction[],
  restoredId: RestoredId,
): PendingReconciliation & { consumed: (string | null)[][] } {
  const candidates: PendingTransaction[] = [];
  for (const block of discarded) {
    transactionTexts(block).forEach((text, position) => {
      if (isRestorable(text)) candidates.push({ id: restoredId(block, position), text });
    });
  }
  if (candidates.length === 0 && pending.length === 0) {
    return { pending: [], restored: [], dropped: [], consumed: added.map(() => []) };
  }
  // Each added transaction takes a discarded one first (it moved), else a pending one (it was mined).
  const index = (list: PendingTransaction[]): Map<string, number[]> => {
    const map = new Map<string, number[]>();
    list.forEach((tx, i) => {
      const at = map.get(tx.text);
      if (at === undefined) map.set(tx.text, [i]);
      else at.push(i);
    });
    return map;
  };
  const byTextCandidates = index(candidates);
  const byTextPending = index([...pending]);
  const takenCandidates = new Set<number>();
  const takenPending = new Set<number>();
  const consumed = added.map((block) =>
    transactionTexts(block).map((text) => {
      const fromDiscarded = byTextCandidates.get(text)?.shift();
      if (fromDiscarded !== undefined) {
        takenCandidates.add(fromDiscarded);
        return candidates[fromDiscarded]!.id;
      }
      const fromPending = byTextPending.get(text)?.shift();
      if (fromPending !== undefined) {
        takenPending.add(fromPending);
        return pending[fromPending]!.id;
      }
      return null;
    }),
  );
  const restored = candidates.filter((_, i) => !takenCandidates.has(i));
  const dropped = pending.filter((_, i) => takenPending.has(i));
  const kept = pending.filter((_, i) => !takenPending.has(i));
  return { pending: [...restored, ...kept], restored, dropped, consumed };
}
