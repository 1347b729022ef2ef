/** Builds real chains for the engine's tests (no mocks: every proof is searched and every hash computed). */
import { blockToPy, createGenesis, forgeBlock, type SealedBlock } from '../../src-main/chain/block.ts';
import { dumpsPy } from '../../src-main/chain/json.ts';
import { proofJobFor, searchProofSync } from '../../src-main/chain/proof.ts';
import type { PendingTransaction, PyValue, Rules } from '../../src-main/chain/types.ts';

/** A transfer transaction for tests. */
export function transfer(sender: string, recipient: string, amount: bigint | number = 1n): PyValue {
  return { sender, recipient, amount };
}

/** A pending transaction with its envelope id. */
export function pending(id: string, tx: PyValue): PendingTransaction {
  return { id: id.padEnd(32, '0'), text: dumpsPy(tx) };
}

/** Appends `count` mined blocks to a copy of `chain`; `txs(i)` gives the transactions of the i-th new block. */
export function extendChain(
  rules: Rules,
  chain: readonly SealedBlock[],
  count: number,
  txs: (i: number) => PyValue[] = () => [],
): SealedBlock[] {
  const out = [...chain];
  for (let i = 0; i < count; i++) {
    const tip = out[out.length - 1]!;
    const job = proofJobFor(rules, tip);
    const proof = searchProofSync(rules, job.lastProof, job.lastHash);
    out.push(forgeBlock(tip, proof, txs(i).map(dumpsPy), 1_700_000_000.25 + out.length));
  }
  return out;
}

/** A valid chain of `length` blocks under `rules`. */
export function buildChain(
  rules: Rules,
  length: number,
  txs?: (i: number) => PyValue[],
  genesisTime = 1506057125.900785,
): SealedBlock[] {
  return extendChain(rules, [createGenesis(rules.profile, genesisTime)], length - 1, txs);
}

/** The chain as the PyValue list a peer's `/chain` holds. */
export function chainValue(chain: readonly SealedBlock[]): PyValue[] {
  return chain.map((block) => blockToPy(block.decode()));
}
