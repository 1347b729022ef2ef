/** Temp folders and sample blocks shared by the store tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGenesis, forgeBlock } from '../../src-main/chain/block.ts';
import type { Block, Transaction } from '../../src-main/chain/types.ts';

/** A fresh folder under the OS temp dir and a function that removes it. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'blockparty-store-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A valid-looking chain of `length` blocks with a few transactions each. */
export function sampleChain(length: number, txPerBlock = 3): Block[] {
  const chain: Block[] = [createGenesis('article', 1506057125.900785)];
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
    chain.push(forgeBlock(chain, BigInt(35293 + n), txs, 1506057300.5 + n));
  }
  return chain;
}

/** The next block after `chain`, for appending. */
export function nextBlock(chain: readonly Block[]): Block {
  return forgeBlock(chain, 7n, [{ sender: 'x', recipient: 'y', amount: 2n }], 1506060000.25);
}

/** protocol.md §3's golden block with `"amount": 1.0` (a float): hash e608d1d0…. */
export const GOLDEN_FLOAT_BLOCK: Block = {
  index: 2n,
  previous_hash: '9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067',
  proof: 110650n,
  timestamp: 1506057300.5,
  transactions: [{ amount: 1, recipient: 'e3b0c44298fc1c149afbf4c8996fb924', sender: '0' }],
};
/** Its hash computed by CPython. */
export const GOLDEN_FLOAT_HASH = 'e608d1d0ca5dff38ad32972e6b2c6df87c14c80e971fc74a38502068b9875f1a';

/**
 * A block whose numbers and text are easy to get wrong: an integer-valued float timestamp, a float
 * amount 1.0, an int amount beyond 2^53, -0.0, exponents, and non-ASCII / control characters.
 */
export const TRICKY_BLOCK: Block = {
  index: 3n,
  previous_hash: 'fb29bf1df4503219343485cb4c14b6213a4ef2c5ddda3be2aa08d7d80a5cedd1',
  proof: 12345678901234567890n,
  timestamp: 1613493177.0,
  transactions: [
    { sender: '0', recipient: 'e3b0c44298fc1c149afbf4c8996fb924', amount: 1.0 },
    { sender: 'Zoë 😀 "quoted" \\ back', recipient: 'line\nbreak\ttab\u2028', amount: 2n ** 64n + 1n },
    { sender: 'Ünïcödé ✓ 中文', recipient: 'r', amount: 9007199254740993n },
    { note: [1.5, -0.0, 1e-5, 1e16, 1.5e16, null, true, false, { nested: 'ok' }] },
  ],
};
