import { describe, expect, it } from 'vitest';
import type { SealedBlock } from '../../src-main/chain/block.ts';
import { commonPrefixLength, reconcilePending } from '../../src-main/chain/consensus.ts';
import { parsePyJson } from '../../src-main/chain/json.ts';
import type { PyValue, Rules, Transaction } from '../../src-main/chain/types.ts';
import { buildChain, extendChain, pending as pendingTx, transfer } from './chain-helpers.ts';

const RULES: Rules = { profile: 'article', difficulty: 1 };
const reward = (who: string): Transaction => ({ sender: '0', recipient: who, amount: 1n });
const tx = (s: string, r: string, amount: bigint | number = 5n): Transaction =>
  transfer(s, r, amount) as Transaction;
const blocksWith = (lists: PyValue[][]) => (i: number) => lists[i] ?? [];

/** Adopting `theirs` over `ours` with `pending`, in plain transactions (ids checked separately). */
function reconcilePendingChains(ours: SealedBlock[], theirs: SealedBlock[], pending: PyValue[]) {
  const fork = commonPrefixLength(ours, theirs);
  const result = reconcilePending(
    ours.slice(fork),
    theirs.slice(fork),
    pending.map((tx, i) => pendingTx(`p${i}`, tx)),
    (block, position) => `restored-${block.index}-${position}`,
  );
  const plain = (list: { text: string }[]) => list.map((tx) => parsePyJson(tx.text));
  return { pending: plain(result.pending), restored: plain(result.restored), dropped: plain(result.dropped) };
}

describe('commonPrefixLength', () => {
  it('finds where two chains fork', () => {
    const common = buildChain(RULES, 5);
    const a = extendChain(RULES, common, 4, () => [tx('a', 'b')]);
    const b = extendChain(RULES, common, 2, () => [tx('c', 'd')]);
    expect(commonPrefixLength(a, b)).toBe(5);
    expect(commonPrefixLength(a, a.slice(0, 7))).toBe(7);
    expect(commonPrefixLength(a, buildChain(RULES, 9, undefined, 7.5))).toBe(0);
    expect(commonPrefixLength([], a)).toBe(0);
  });
});

describe('reconcilePending', () => {
  const common = buildChain(RULES, 3, () => [tx('old', 'timer')]);

  it('restores our discarded transfers, not rewards, and drops what the new chain holds', () => {
    const ours = extendChain(
      RULES,
      common,
      2,
      blocksWith([
        [tx('a', 'b'), reward('me')],
        [tx('c', 'd'), reward('me')],
      ]),
    );
    const theirs = extendChain(
      RULES,
      common,
      3,
      blocksWith([[tx('a', 'b'), reward('peer')], [tx('p', 'q')], [reward('peer')]]),
    );
    const pending = [tx('p', 'q'), tx('e', 'f')];
    expect(reconcilePendingChains(ours, theirs, pending)).toEqual({
      pending: [tx('c', 'd'), tx('e', 'f')],
      restored: [tx('c', 'd')],
      dropped: [tx('p', 'q')],
    });
  });

  it('counts identical transfers as separate transfers', () => {
    const ours = extendChain(RULES, common, 1, blocksWith([[tx('a', 'b'), tx('a', 'b'), tx('a', 'b')]]));
    const theirs = extendChain(RULES, common, 2, blocksWith([[tx('a', 'b')], [tx('x', 'y')]]));
    const result = reconcilePendingChains(ours, theirs, [tx('x', 'y'), tx('x', 'y')]);
    expect(result.restored).toEqual([tx('a', 'b'), tx('a', 'b')]);
    expect(result.dropped).toEqual([tx('x', 'y')]);
    expect(result.pending).toEqual([tx('a', 'b'), tx('a', 'b'), tx('x', 'y')]);
  });

  it('tells 5 from 5.0 and keeps transactions identical to ones before the fork', () => {
    const ours = extendChain(RULES, common, 1, blocksWith([[tx('a', 'b', 5n)]]));
    const theirs = extendChain(RULES, common, 2, blocksWith([[tx('a', 'b', 5)]]));
    // tx('old', 'timer') is in the shared blocks: a new identical one is a new transfer.
    const result = reconcilePendingChains(ours, theirs, [tx('old', 'timer')]);
    expect(result).toEqual({
      pending: [tx('a', 'b', 5n), tx('old', 'timer')],
      restored: [tx('a', 'b', 5n)],
      dropped: [],
    });
  });

  it('restores everything when the new chain shares no block, keeping chain order then pending order', () => {
    const ours = extendChain(RULES, common, 2, (i) => [tx('s', `r${i}`), reward('me')]);
    const theirs = buildChain(RULES, 8, undefined, 99.5);
    const result = reconcilePendingChains(ours, theirs, [tx('z', 'z'), tx('y', 'y')]);
    expect(result.restored).toEqual([tx('old', 'timer'), tx('old', 'timer'), tx('s', 'r0'), tx('s', 'r1')]);
    expect(result.pending).toEqual([...result.restored, tx('z', 'z'), tx('y', 'y')]);
    expect(result.dropped).toEqual([]);
  });

  it('only drops pending transactions when our chain is a prefix of the new one', () => {
    const theirs = extendChain(RULES, common, 2, blocksWith([[tx('a', 'b')], [tx('c', 'd')]]));
    const result = reconcilePendingChains(common, theirs, [tx('c', 'd'), tx('e', 'f')]);
    expect(result).toEqual({ pending: [tx('e', 'f')], restored: [], dropped: [tx('c', 'd')] });
  });

  it('skips values in discarded blocks that are not transaction objects', () => {
    const ours = extendChain(RULES, common, 1, blocksWith([[5n, null, tx('a', 'b')]]));
    const theirs = extendChain(RULES, common, 2);
    expect(reconcilePendingChains(ours, theirs, []).restored).toEqual([tx('a', 'b')]);
  });
});
