/** Temp folders and sample sealed blocks shared by the store and node tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SealedBlock, blockToPy, createGenesis, forgeBlock } from '../../src-main/chain/block.ts';
import { dumpsPy } from '../../src-main/chain/json.ts';
import type { Block, PendingTransaction, Transaction } from '../../src-main/chain/types.ts';

/** A fresh folder under the OS temp dir and a function that removes it. */
export async function makeTempDir(
  prefix = 'blockparty-store-',
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A linked chain of `length` blocks with a few transactions each (proofs are not searched). */
export function sampleChain(length: number, txPerBlock = 3): SealedBlock[] {
  const chain: SealedBlock[] = [createGenesis('article', 1506057125.900785)];
  while (chain.length < length) {
    const n = chain.length;
    const txs: Transaction[] = [];
    for (let t = 0; t < txPerBlock - 1; t++) {
      txs.push({
        sender: `alice-${n}-${t}`,
        recipient: `bob-${n}`,
        amount: t % 2 === 0 ? BigInt(n + t) : n + 0.5,
      });
    }
    txs.push({ sender: '0', recipient: 'e3b0c44298fc1c149afbf4c8996fb924', amount: 1n });
    chain.push(forgeBlock(chain[chain.length - 1]!, BigInt(35293 + n), txs.map(dumpsPy), 1506057300.5 + n));
  }
  return chain;
}

/** A pending transaction with an id made from `n`. */
export function sampleTx(n: number, amount: bigint | number = BigInt(n + 1)): PendingTransaction {
  return {
    id: n.toString(16).padStart(32, '0'),
    text: dumpsPy({ sender: `s${n}`, recipient: `r${n}`, amount }),
  };
}

/**
 * A block whose numbers and text are easy to get wrong: an integer-valued float timestamp, a float
 * amount 1.0, an int amount beyond 2^53, -0.0, exponents, and non-ASCII / control characters.
 */
export function trickyBlock(previous: SealedBlock): SealedBlock {
  const block: Block = {
    index: BigInt(previous.index + 1),
    previous_hash: previous.hash,
    proof: 12345678901234567890n,
    timestamp: 1613493177.0,
    transactions: [
      { sender: '0', recipient: 'e3b0c44298fc1c149afbf4c8996fb924', amount: 1.0 },
      { sender: 'Zoë 😀 "quoted" \\ back', recipient: 'line\nbreak\ttab\u2028', amount: 2n ** 64n + 1n },
      { sender: 'Ünïcödé ✓ 中文', recipient: 'r', amount: 9007199254740993n },
      { note: [1.5, -0.0, 1e-5, 1e16, 1.5e16, null, true, false, { nested: 'ok' }] },
    ],
  };
  return SealedBlock.of(block);
}

export { blockToPy };
