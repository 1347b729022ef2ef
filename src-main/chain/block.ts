import { dumpsPy, isPyObject, parsePyJson, pyKindName, sha256Hex } from './json.ts';
import type { Block, ProfileName, PyObject, PyValue } from './types.ts';

/** The five keys of a block on the wire, in the order Python sorts them. */
export const BLOCK_KEYS = ['index', 'previous_hash', 'proof', 'timestamp', 'transactions'] as const;

/** The proof of every genesis block (protocol.md §2). */
export const GENESIS_PROOF = 100n;

/** A value that is not a well-formed block; `reason` says which key and what is wrong. */
export class BlockShapeError extends Error {
  override name = 'BlockShapeError';
  /** The reason without any prefix, e.g. "missing key 'proof'". */
  readonly reason: string;

  constructor(reason: string) {
    super(`malformed block: ${reason}`);
    this.reason = reason;
  }
}

/** The genesis `previous_hash` of a profile: the integer 1 (`article`) or the string "1" (`dvf`). */
export function genesisPreviousHash(profile: ProfileName): string | bigint {
  return profile === 'article' ? 1n : '1';
}

/** A block as the plain JSON object the tutorial hashes and sends (exactly the five keys). */
export function blockToPy(block: Block): PyObject {
  return {
    index: block.index,
    previous_hash: block.previous_hash,
    proof: block.proof,
    timestamp: block.timestamp,
    transactions: block.transactions,
  };
}

/**
 * Checks that a parsed value is a block and returns it. Extra keys are rejected, not dropped: the
 * peer hashes every key it sent, so dropping one would change the block's hash behind its back.
 */
export function blockFromPy(value: PyValue): Block {
  if (!isPyObject(value)) throw new BlockShapeError(`expected an object, got ${pyKindName(value)}`);
  for (const key of BLOCK_KEYS) {
    if (!Object.hasOwn(value, key)) throw new BlockShapeError(`missing key '${key}'`);
  }
  const keys = Object.keys(value);
  if (keys.length !== BLOCK_KEYS.length) {
    const extra = keys.filter((k) => !(BLOCK_KEYS as readonly string[]).includes(k));
    throw new BlockShapeError(
      `extra key ${extra.map((k) => JSON.stringify(k)).join(', ')} (a block has exactly ${BLOCK_KEYS.join(', ')})`,
    );
  }
  const { index, previous_hash, proof, timestamp, transactions } = value;
  if (typeof index !== 'bigint')
    throw new BlockShapeError(`index must be an integer, got ${pyKindName(index)}`);
  if (typeof previous_hash !== 'string' && typeof previous_hash !== 'bigint') {
    throw new BlockShapeError(
      `previous_hash must be a string or an integer, got ${pyKindName(previous_hash)}`,
    );
  }
  if (typeof proof !== 'bigint')
    throw new BlockShapeError(`proof must be an integer, got ${pyKindName(proof)}`);
  if (proof < 0n) throw new BlockShapeError(`proof must not be negative, got ${proof}`);
  if (typeof timestamp !== 'number' && typeof timestamp !== 'bigint') {
    throw new BlockShapeError(`timestamp must be a number, got ${pyKindName(timestamp)}`);
  }
  if (!Array.isArray(transactions)) {
    throw new BlockShapeError(`transactions must be a list, got ${pyKindName(transactions)}`);
  }
  return { index, previous_hash, proof, timestamp, transactions };
}

/** The block's hash as every tutorial node computes it: SHA-256 of `json.dumps(block, sort_keys=True)`. */
export function hashBlock(block: Block): string {
  return sha256Hex(dumpsPy(blockToPy(block)));
}

/** One line of text that `decodeBlock` turns back into a block with the very same hash. */
export function encodeBlock(block: Block): string {
  return dumpsPy(blockToPy(block));
}

/** Reads a line written by `encodeBlock` (throws `PyJsonError` or `BlockShapeError` when damaged). */
export function decodeBlock(line: string): Block {
  return blockFromPy(parsePyJson(line));
}

/** The first block of a new chain; `timestamp` is a float of seconds (`Date.now() / 1000`). */
export function createGenesis(profile: ProfileName, timestamp: number): Block {
  return {
    index: 1n,
    previous_hash: genesisPreviousHash(profile),
    proof: GENESIS_PROOF,
    timestamp,
    transactions: [],
  };
}

/** The block that follows the chain's last block, holding `proof` and `transactions`. */
export function forgeBlock(
  chain: readonly Block[],
  proof: bigint,
  transactions: PyValue[],
  timestamp: number,
): Block {
  const last = chain.at(-1);
  if (last === undefined) throw new Error('cannot forge a block on an empty chain');
  return {
    index: last.index + 1n,
    previous_hash: hashBlock(last),
    proof,
    timestamp,
    transactions,
  };
}

/** Whether two blocks serialize identically, hence have the same hash (cheap fields compared first). */
export function sameBlock(a: Block, b: Block): boolean {
  if (a === b) return true;
  if (a.index !== b.index || a.proof !== b.proof || a.previous_hash !== b.previous_hash) return false;
  if (!Object.is(a.timestamp, b.timestamp)) return false;
  return dumpsPy(a.transactions) === dumpsPy(b.transactions);
}
