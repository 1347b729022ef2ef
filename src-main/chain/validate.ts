import {
  BlockShapeError,
  GENESIS_PROOF,
  SealedBlock,
  blockFromPy,
  blockToPy,
  genesisPreviousHash,
} from './block.ts';
import { dumpsPy, pyKindName, sha256Hex } from './json.ts';
import { assertDifficulty, isValidProof } from './proof.ts';
import type { PyValue, Rules } from './types.ts';
import { message, type Message } from '../shared/messages.ts';

/** The most blocks a chain from a peer may have (about 54 MB of text at the tutorial's block size). */
export const MAX_CHAIN_BLOCKS = 200_000;
/** The largest block from a peer, in bytes of its canonical text (20,000 transactions fit). */
export const MAX_BLOCK_BYTES = 4 * 1024 * 1024;

/** The outcome of checking blocks: sealed with their texts and hashes, or the first rule broken and where. */
export type ChainValidation =
  { ok: true; blocks: SealedBlock[] } | { ok: false; reason: Message; blockIndex: number | null };

/** Where a run of blocks starts: after genesis rules (a whole chain) or after a block we hold. */
export interface ValidationStart {
  /** The block the first one must follow. */
  index: number;
  hash: string;
  proof: bigint;
}

/** Bounds of one validation. */
export interface ValidationLimits {
  maxBlocks?: number;
  maxBlockBytes?: number;
}

function describeHashValue(value: string | bigint): string {
  return typeof value === 'bigint' ? `the integer ${value}` : `the string ${JSON.stringify(value)}`;
}

/**
 * Checks a chain received from a peer (protocol.md §5): every block well-formed, indexes 1, 2, 3…,
 * each `previous_hash` equal to the hash of the block before and each proof valid under the rules.
 * The genesis block may have any timestamp and transactions but must carry the profile's
 * `previous_hash` and the proof 100. `blockIndex` in a failure is the block's 1-based position.
 */
export function validateChain(value: PyValue, rules: Rules, limits: ValidationLimits = {}): ChainValidation {
  if (!Array.isArray(value)) {
    return { ok: false, reason: message('chain-not-list', { got: pyKindName(value) }), blockIndex: null };
  }
  if (value.length === 0) return { ok: false, reason: message('chain-empty'), blockIndex: null };
  return validateBlocks(value, null, rules, limits);
}

/**
 * Checks blocks that continue a block we already hold (incremental sync): the first must follow
 * `start`, each next one the one before it. Only these blocks are hashed and checked.
 */
export function validateSuffix(
  value: readonly PyValue[],
  start: ValidationStart,
  rules: Rules,
  limits: ValidationLimits = {},
): ChainValidation {
  return validateBlocks(value, start, rules, limits);
}

function validateBlocks(
  value: readonly PyValue[],
  start: ValidationStart | null,
  rules: Rules,
  limits: ValidationLimits,
): ChainValidation {
  assertDifficulty(rules.difficulty);
  const maxBlocks = limits.maxBlocks ?? MAX_CHAIN_BLOCKS;
  const maxBytes = limits.maxBlockBytes ?? MAX_BLOCK_BYTES;
  const offset = start?.index ?? 0;
  if (offset + value.length > maxBlocks) {
    return { ok: false, reason: message('chain-too-long', { max: maxBlocks }), blockIndex: null };
  }
  const blocks = new Array<SealedBlock>(value.length);
  let previousHash = start?.hash ?? '';
  let previousProof = start?.proof ?? 0n;
  for (let i = 0; i < value.length; i++) {
    const position = offset + i + 1;
    const fail = (reason: Message): ChainValidation => ({ ok: false, reason, blockIndex: position });
    let block;
    try {
      block = blockFromPy(value[i]!, position);
    } catch (error) {
      if (error instanceof BlockShapeError) return fail(error.reason);
      throw error;
    }
    if (block.index !== BigInt(position)) {
      return fail(message('block-index', { block: position, index: String(block.index).slice(0, 30) }));
    }
    if (position === 1) {
      const expected = genesisPreviousHash(rules.profile);
      if (block.previous_hash !== expected) {
        return fail(
          message('block-genesis-previous', {
            expected: describeHashValue(expected),
            profile: rules.profile,
          }),
        );
      }
      if (block.proof !== GENESIS_PROOF)
        return fail(message('block-genesis-proof', { proof: String(block.proof).slice(0, 30) }));
    } else {
      if (block.previous_hash !== previousHash) {
        return fail(message('block-link', { block: position, previous: position - 1 }));
      }
      if (!isValidProof(rules, previousProof, block.proof, previousHash)) {
        return fail(
          message('block-proof', {
            block: position,
            proof: String(block.proof).slice(0, 30),
            lastProof: String(previousProof).slice(0, 30),
            profile: rules.profile,
            difficulty: rules.difficulty,
          }),
        );
      }
    }
    // Parsed values always serialize; the text is kept, so the block is never serialized again.
    const text = dumpsPy(blockToPy(block));
    if (text.length > maxBytes) return fail(message('block-too-large', { block: position, max: maxBytes }));
    previousHash = sha256Hex(text);
    previousProof = block.proof;
    blocks[i] = SealedBlock.fromCanonical(text, previousHash);
  }
  return { ok: true, blocks };
}
