import { dumpsPy, isPyObject, parsePyJson, pyKindName, sha256Hex } from './json.ts';
import type { Block, ProfileName, PyObject, PyValue } from './types.ts';
import { message, type Message } from '../shared/messages.ts';

/** The five keys of a block on the wire, in the order Python sorts them. */
export const BLOCK_KEYS = ['index', 'previous_hash', 'proof', 'timestamp', 'transactions'] as const;

/** The proof of every genesis block (protocol.md §2). */
export const GENESIS_PROOF = 100n;

/** A value that is not a well-formed block; `reason` says which key and what is wrong. */
export class BlockShapeError extends Error {
  override name = 'BlockShapeError';

  constructor(readonly reason: Message) {
    super(`malformed block: ${reason.code}`);
  }
}

/**
 * A block sealed with its canonical text (Python's `json.dumps(block, sort_keys=True)`) and the hash
 * of that text, made once: when mined, when received, when read from disk. The chain, the disk, the
 * peer API and the dashboard pass it on and never serialize the block again. The parsed block is not
 * kept (a chain of 100,000 blocks would cost several times its text): `decode()` parses on demand.
 * The hash is computed when first asked for, unless it came with the text: a chain read back from a
 * cleanly closed log has its links vouched for already, and most of its blocks are never asked.
 */
export class SealedBlock {
  #hash: string | undefined;

  private constructor(
    /** Python's JSON of the block: the bytes its hash is computed from, sent to peers, saved to disk. */
    readonly text: string,
    hash: string | undefined,
    /** The block's `index` (1 is genesis). */
    readonly index: number,
  ) {
    this.#hash = hash;
  }

  /** Lowercase hex SHA-256 of `text`. */
  get hash(): string {
    return (this.#hash ??= sha256Hex(this.text));
  }

  /** Seals a block made or checked in memory. */
  static of(block: Block): SealedBlock {
    const text = dumpsPy(blockToPy(block));
    return new SealedBlock(text, sha256Hex(text), Number(block.index));
  }

  /**
   * A block whose text is already known to be canonical (written by us, or produced by validation).
   * `hash` may be given when known; it is the SHA-256 of `text` otherwise, computed when first asked.
   */
  static fromCanonical(text: string, hash?: string): SealedBlock {
    return new SealedBlock(text, hash, indexOfCanonical(text));
  }

  /** The block as values (parses the text: keep what you need rather than calling it in a loop). */
  decode(): Block {
    return blockFromPy(parsePyJson(this.text));
  }
}

/** The `index` of a canonical block text, read from its first key without parsing the rest. */
function indexOfCanonical(text: string): number {
  const PREFIX = '{"index": ';
  const end = text.indexOf(',', PREFIX.length);
  const index = text.startsWith(PREFIX) && end > 0 ? Number(text.slice(PREFIX.length, end)) : NaN;
  if (!Number.isSafeInteger(index) || index < 1) throw new Error('not the text of a block');
  return index;
}

/** The genesis `previous_hash` of a profile: the integer 1 (`article`) or the string "1" (`dvf`). */
export function genesisPreviousHash(profile: ProfileName): string | bigint {
  return profile === 'article' ? 1n : '1';
}

/** The profile a chain follows, told by its genesis `previous_hash` (integer 1 or string "1"). */
export function profileOfGenesis(genesis: SealedBlock): ProfileName {
  return genesis.text.startsWith('{"index": 1, "previous_hash": "') ? 'dvf' : 'article';
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
 * Checks that a parsed value is a block and returns it; `position` (1-based) names it in the reason.
 * Extra keys are rejected, not dropped: the peer hashes every key it sent, so dropping one would
 * change the block's hash behind its back.
 */
export function blockFromPy(value: PyValue, position = 1): Block {
  const fail = (code: Parameters<typeof message>[0], params: Record<string, string | number> = {}): never => {
    throw new BlockShapeError(message(code, { block: position, ...params }));
  };
  if (!isPyObject(value)) return fail('block-not-object', { got: pyKindName(value) });
  for (const key of BLOCK_KEYS) if (!Object.hasOwn(value, key)) fail('block-key-missing', { key });
  const keys = Object.keys(value);
  if (keys.length !== BLOCK_KEYS.length) {
    const extra = keys.find((k) => !(BLOCK_KEYS as readonly string[]).includes(k))!;
    fail('block-key-extra', { key: extra.slice(0, 40) });
  }
  const { index, previous_hash, proof, timestamp, transactions } = value;
  const type = (key: string, expected: string, got: PyValue | undefined): never =>
    fail('block-key-type', { key, expected, got: pyKindName(got) });
  if (typeof index !== 'bigint') return type('index', 'an integer', index);
  if (typeof previous_hash !== 'string' && typeof previous_hash !== 'bigint')
    return type('previous_hash', 'a string or an integer', previous_hash);
  if (typeof proof !== 'bigint') return type('proof', 'an integer', proof);
  if (proof < 0n) return fail('block-proof-negative');
  if (typeof timestamp !== 'number' && typeof timestamp !== 'bigint')
    return type('timestamp', 'a number', timestamp);
  if (!Array.isArray(transactions)) return type('transactions', 'a list', transactions);
  return { index, previous_hash, proof, timestamp, transactions };
}

/** The block's hash as every tutorial node computes it: SHA-256 of `json.dumps(block, sort_keys=True)`. */
export function hashBlock(block: Block): string {
  return sha256Hex(dumpsPy(blockToPy(block)));
}

/** The first block of a new chain; `timestamp` is a float of seconds (`Date.now() / 1000`). */
export function createGenesis(profile: ProfileName, timestamp: number): SealedBlock {
  return SealedBlock.of({
    index: 1n,
    previous_hash: genesisPreviousHash(profile),
    proof: GENESIS_PROOF,
    timestamp,
    transactions: [],
  });
}

/**
 * The block that follows `tip`, holding `proof` and the transactions given as their canonical texts
 * (the pending pool keeps them so): its text is put together from the parts, never re-serialized.
 */
export function forgeBlock(
  tip: SealedBlock,
  proof: bigint,
  transactionTexts: readonly string[],
  timestamp: number,
): SealedBlock {
  const text =
    `{"index": ${tip.index + 1}, "previous_hash": "${tip.hash}", "proof": ${proof}, ` +
    `"timestamp": ${dumpsPy(timestamp)}, "transactions": [${transactionTexts.join(', ')}]}`;
  return SealedBlock.fromCanonical(text);
}

/**
 * The canonical texts of a sealed block's transactions, cut out of its text (each item of a canonical
 * list is itself canonical), in order.
 */
export function transactionTexts(block: SealedBlock): string[] {
  const text = block.text;
  const start = text.lastIndexOf('"transactions": [');
  if (start < 0) throw new Error('not the text of a block');
  const body = text.slice(start + '"transactions": ['.length, text.length - 2);
  const items: string[] = [];
  let depth = 0;
  let inString = false;
  let itemStart = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) depth++;
    else if (c === 93 || c === 125) depth--;
    else if (c === 44 && depth === 0) {
      items.push(body.slice(itemStart, i));
      itemStart = i + 2;
    }
  }
  if (body.length > 0) items.push(body.slice(itemStart));
  return items;
}

/** The proof of a sealed block, read from its text without parsing the transactions. */
export function proofOf(block: SealedBlock): bigint {
  const match = /"proof": (\d+), "timestamp": /.exec(block.text);
  if (match === null) throw new Error('not the text of a block');
  return BigInt(match[1]!);
}

/**
 * Reads a line that should be a block: returns it sealed with its canonical text (which is the line
 * itself when the line is canonical), or why it is not a block.
 */
export function sealLine(
  line: string,
  position: number,
): { ok: true; block: SealedBlock; canonical: boolean } | { ok: false; reason: Message } {
  let block: Block;
  try {
    block = blockFromPy(parsePyJson(line), position);
  } catch (error) {
    if (error instanceof BlockShapeError) return { ok: false, reason: error.reason };
    return {
      ok: false,
      reason: message('block-not-object', { block: position, got: 'text that is not JSON' }),
    };
  }
  const sealed = SealedBlock.of(block);
  return { ok: true, block: sealed, canonical: sealed.text === line };
}

/**
 * The node id a block's mining reward went to: the recipient of its last transaction sent by "0"
 * (the tutorial appends the reward last), or null when it has none. Read from the text when the
 * reward is in its usual form, else from the decoded block.
 */
export function rewardRecipient(block: SealedBlock): string | null {
  const match = /\{"amount": 1, "recipient": "([0-9a-zA-Z_-]{1,128})", "sender": "0"\}\]\}$/.exec(block.text);
  if (match !== null) return match[1]!;
  const transactions = block.decode().transactions;
  for (let i = transactions.length - 1; i >= 0; i--) {
    const tx = transactions[i];
    if (isPyObject(tx) && tx['sender'] === '0' && typeof tx['recipient'] === 'string') return tx['recipient'];
  }
  return null;
}
