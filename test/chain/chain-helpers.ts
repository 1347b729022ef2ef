/** Builds real chains for the engine's tests (no mocks: every proof is searched and every hash computed). */
import { createGenesis, forgeBlock } from '../../src-main/chain/block.ts';
import { proofJobFor, searchProofSync } from '../../src-main/chain/proof.ts';
import type { Block, PyValue, Rules } from '../../src-main/chain/types.ts';

/** A transfer transaction for tests. */
export function transfer(sender: string, recipient: string, amount: bigint | number = 1n): PyValue {
  return { sender, recipient, amount };
}

/** Appends `count` mined blocks to a copy of `chain`; `txs(i)` gives the transactions of the i-th new block. */
export function extendChain(
  rules: Rules,
  chain: readonly Block[],
  count: number,
  txs: (i: number) => PyValue[] = () => [],
): Block[] {
  const out = [...chain];
  for (let i = 0; i < count; i++) {
    const job = proofJobFor(rules, out);
    const proof = searchProofSync(rules, job.lastProof, job.lastHash);
    out.push(forgeBlock(out, proof, txs(i), 1_700_000_000.25 + out.length));
  }
  return out;
}

/** A valid chain of `length` blocks under `rules`. */
export function buildChain(
  rules: Rules,
  length: number,
  txs?: (i: number) => PyValue[],
  genesisTime = 1506057125.900785,
): Block[] {
  return extendChain(rules, [createGenesis(rules.profile, genesisTime)], length - 1, txs);
}
