import { afterAll, describe, expect, it } from 'vitest';
import { createGenesis, encodeBlock, forgeBlock, hashBlock } from '../../src-main/chain/block.ts';
import { searchProofSync } from '../../src-main/chain/proof.ts';
import type { Block, Rules } from '../../src-main/chain/types.ts';
import { createChainChecker } from '../../src-main/peer/chain-checker.ts';
import { checkChainText } from '../../src-main/peer/check-chain.ts';

const rules: Rules = { profile: 'dvf', difficulty: 2 };
const checker = createChainChecker();
afterAll(() => checker.close());

/** A chain big enough (over 256 KiB) to be checked on the worker thread. */
function bigChain(): Block[] {
  const chain = [createGenesis('dvf', 1_700_000_000.125)];
  const txs = Array.from({ length: 400 }, (_, i) => ({
    sender: `s${i}`,
    recipient: '汉字😀',
    amount: i % 2 ? 1.0 : BigInt(i) + 2n ** 60n,
  }));
  for (let i = 0; i < 10; i++) {
    const last = chain[chain.length - 1]!;
    chain.push(
      forgeBlock(chain, searchProofSync(rules, last.proof, hashBlock(last)), txs, 1_700_000_001 + i / 3),
    );
  }
  return chain;
}

describe('createChainChecker', () => {
  const chain = bigChain();
  const text = `{"chain": [${chain.map(encodeBlock).join(', ')}], "length": ${chain.length}}`;

  it('checks a large chain on its worker with the same result as inline', async () => {
    expect(text.length).toBeGreaterThan(256 * 1024);
    const result = await checker.check({ text, rules });
    expect(result).toEqual(checkChainText({ text, rules }));
    expect(result.ok && result.hashes).toEqual(chain.map(hashBlock));
  });

  it('reports a broken large chain from the worker', async () => {
    const broken = text.replace(`"proof": ${chain[3]!.proof}`, `"proof": ${chain[3]!.proof + 1n}`);
    const result = await checker.check({ text: broken, rules });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(/block 4/);
  });
});
