import { BlockShapeError, GENESIS_PROOF, blockFromPy, genesisPreviousHash, hashBlock } from './block.ts';
import { pyKindName } from './json.ts';
import { assertDifficulty, isValidProof } from './proof.ts';
import type { Block, PyValue, Rules } from './types.ts';

/** The outcome of checking a peer's chain: its blocks and their hashes, or the first rule broken and where. */
export type ChainValidation =
  { ok: true; blocks: Block[]; hashes: string[] } | { ok: false; reason: string; blockIndex: number | null };

function describeHashValue(value: string | bigint): string {
  return typeof value === 'bigint' ? `the integer ${value}` : `the string ${JSON.stringify(value)}`;
}

/**
 * Checks a chain received from a peer (protocol.md §5): every block well-formed, indexes 1, 2, 3…,
 * each `previous_hash` equal to the hash of the block before and each proof valid under the rules.
 * The genesis block may have any timestamp and transactions but must carry the profile's
 * `previous_hash` and the proof 100. `blockIndex` in a failure is the block's 1-based position.
 */
export function validateChain(value: PyValue, rules: Rules): ChainValidation {
  assertDifficulty(rules.difficulty);
  if (!Array.isArray(value)) {
    return {
      ok: false,
      reason: `the chain must be a list of blocks, got ${pyKindName(value)}`,
      blockIndex: null,
    };
  }
  if (value.length === 0)
    return { ok: false, reason: 'the chain is empty (it needs a genesis block)', blockIndex: null };

  const blocks = new Array<Block>(value.length);
  const hashes = new Array<string>(value.length);
  let previousHash = '';
  for (let i = 0; i < value.length; i++) {
    const position = i + 1;
    const fail = (rule: string): ChainValidation => ({
      ok: false,
      reason: `block ${position}: ${rule}`,
      blockIndex: position,
    });
    let block: Block;
    try {
      block = blockFromPy(value[i]!);
    } catch (error) {
      if (error instanceof BlockShapeError) return fail(error.reason);
      throw error;
    }
    if (block.index !== BigInt(position)) return fail(`index is ${block.index}, expected ${position}`);
    if (i === 0) {
      const expected = genesisPreviousHash(rules.profile);
      if (block.previous_hash !== expected) {
        return fail(
          `a genesis previous_hash must be ${describeHashValue(expected)} under the ${rules.profile} profile, ` +
            `got ${describeHashValue(block.previous_hash)}`,
        );
      }
      if (block.proof !== GENESIS_PROOF)
        return fail(`a genesis proof must be ${GENESIS_PROOF}, got ${block.proof}`);
    } else {
      const previous = blocks[i - 1]!;
      if (block.previous_hash !== previousHash) {
        return fail(`previous_hash does not match the hash of block ${i}`);
      }
      if (!isValidProof(rules, previous.proof, block.proof, previousHash)) {
        return fail(
          `proof ${block.proof} is not valid after proof ${previous.proof} ` +
            `(${rules.profile} profile, difficulty ${rules.difficulty})`,
        );
      }
    }
    try {
      previousHash = hashBlock(block);
    } catch (error) {
      // Only values built in memory can fail here (parsed ones always serialize).
      return fail(`cannot be hashed: ${error instanceof Error ? error.message : String(error)}`);
    }
    blocks[i] = block;
    hashes[i] = previousHash;
  }
  return { ok: true, blocks, hashes };
}
