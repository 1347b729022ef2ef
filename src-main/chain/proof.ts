import { createHash } from 'node:crypto';
import { proofOf, type SealedBlock } from './block.ts';
import type { ProfileName, Rules } from './types.ts';

/** What a proof search needs: the rules and the chain tip (same shape as the miner's job). */
export interface ProofJob {
  profile: ProfileName;
  difficulty: number;
  /** The previous block's proof. */
  lastProof: bigint;
  /** The hash of the previous block (used by the `dvf` rule only). */
  lastHash: string;
}

/** Throws when a difficulty is not a whole number of hex zeros a SHA-256 digest can have. */
export function assertDifficulty(difficulty: number): void {
  if (!Number.isInteger(difficulty) || difficulty < 0 || difficulty > 64) {
    throw new RangeError(`difficulty must be a whole number from 0 to 64, got ${difficulty}`);
  }
}

/** The text whose SHA-256 must start with zeros: Python's f-string of the profile (protocol.md §1). */
export function guessString(
  profile: ProfileName,
  lastProof: bigint,
  proof: bigint,
  lastHash: string,
): string {
  return profile === 'article' ? `${lastProof}${proof}` : `${lastProof}${proof}${lastHash}`;
}

/** Hex SHA-256 of the guess string, as the tutorial's `valid_proof` computes it. */
export function guessHash(profile: ProfileName, lastProof: bigint, proof: bigint, lastHash: string): string {
  return createHash('sha256')
    .update(guessString(profile, lastProof, proof, lastHash), 'utf8')
    .digest('hex');
}

/** Whether `proof` solves the puzzle after `lastProof` (and `lastHash` for `dvf`) under the rules. */
export function isValidProof(rules: Rules, lastProof: bigint, proof: bigint, lastHash: string): boolean {
  assertDifficulty(rules.difficulty);
  if (proof < 0n) return false;
  const digest = guessHash(rules.profile, lastProof, proof, lastHash);
  for (let i = 0; i < rules.difficulty; i++) {
    if (digest.charCodeAt(i) !== 48) return false;
  }
  return true;
}

/** The proof search for the block that follows `tip`. */
export function proofJobFor(rules: Rules, tip: SealedBlock): ProofJob {
  assertDifficulty(rules.difficulty);
  return {
    profile: rules.profile,
    difficulty: rules.difficulty,
    lastProof: proofOf(tip),
    lastHash: tip.hash,
  };
}

/**
 * Counts up from `start` until a proof is valid, like the tutorial's `proof_of_work`. A reference
 * for tests and tiny difficulties: it blocks the thread (the worker-pool miner is the fast one).
 */
export function searchProofSync(rules: Rules, lastProof: bigint, lastHash: string, start = 0n): bigint {
  assertDifficulty(rules.difficulty);
  for (let proof = start < 0n ? 0n : start; ; proof++) {
    if (isValidProof(rules, lastProof, proof, lastHash)) return proof;
  }
}
