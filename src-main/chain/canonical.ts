/**
 * The fast way to check a chain that arrives in canonical form, as Blockparty nodes serve it: each
 * block's text already is `json.dumps(block, sort_keys=True)`, so it is its own canonical text and
 * its hash is the hash of those bytes, with nothing parsed into values or serialized again.
 *
 * The scanner proves a text canonical without building values: keys strictly sorted, separators
 * `", "` and `": "`, strings escaped exactly as Python's `ensure_ascii` does, integers without leading
 * zeros, floats in `repr` form. Anything else (a Flask node's compact JSON, an escaped key, a float
 * such as `1e5`), and any block that breaks a rule, makes it answer null: the caller then runs the
 * full check, which words every failure. So the fast path never changes a verdict, only its cost.
 */
import { GENESIS_PROOF } from './block.ts';
import { pyFloatRepr, sha256Hex } from './json.ts';
import { isValidProof } from './proof.ts';
import type { Rules } from './types.ts';

/** How deep the scanner follows nested values (deeper: the full check decides). */
const MAX_DEPTH = 64;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const LOWER_HEX4 = /^[0-9a-f]{4}$/;

/** Where a canonical JSON value starting at `i` ends, or -1 when it is not canonical. */
export function canonicalEnd(text: string, i: number, depth = 0): number {
  if (depth > MAX_DEPTH) return -1;
  switch (text.charCodeAt(i)) {
    case 0x7b /* { */: {
      i++;
      if (text.charCodeAt(i) === 0x7d) return i + 1;
      let last: string | null = null;
      for (;;) {
        const keyEnd = stringEnd(text, i);
        if (keyEnd < 0) return -1;
        const key = text.slice(i + 1, keyEnd - 1);
        // Escaped keys would need decoding to compare as Python sorts: left to the full check.
        if (key.includes('\\') || (last !== null && !(key > last))) return -1;
        last = key;
        if (text.charCodeAt(keyEnd) !== 0x3a || text.charCodeAt(keyEnd + 1) !== 0x20) return -1;
        const end = canonicalEnd(text, keyEnd + 2, depth + 1);
        if (end < 0) return -1;
        const next = text.charCodeAt(end);
        if (next === 0x7d) return end + 1;
        if (next !== 0x2c || text.charCodeAt(end + 1) !== 0x20) return -1;
        i = end + 2;
      }
    }
    case 0x5b /* [ */: {
      i++;
      if (text.charCodeAt(i) === 0x5d) return i + 1;
      for (;;) {
        const end = canonicalEnd(text, i, depth + 1);
        if (end < 0) return -1;
        const next = text.charCodeAt(end);
        if (next === 0x5d) return end + 1;
        if (next !== 0x2c || text.charCodeAt(end + 1) !== 0x20) return -1;
        i = end + 2;
      }
    }
    case 0x22 /* " */:
      return stringEnd(text, i);
    case 0x74 /* t */:
      return text.startsWith('true', i) ? i + 4 : -1;
    case 0x66 /* f */:
      return text.startsWith('false', i) ? i + 5 : -1;
    case 0x6e /* n */:
      return text.startsWith('null', i) ? i + 4 : -1;
    case 0x4e /* N */:
      return text.startsWith('NaN', i) ? i + 3 : -1;
    case 0x49 /* I */:
      return text.startsWith('Infinity', i) ? i + 8 : -1;
    default:
      if (text.startsWith('-Infinity', i)) return i + 9;
      return numberEnd(text, i);
  }
}

/** Where a canonical string (Python's `ensure_ascii` escaping) starting at `i` ends, or -1. */
function stringEnd(text: string, i: number): number {
  if (text.charCodeAt(i) !== 0x22) return -1;
  for (let j = i + 1; j < text.length;) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c === 0x5c) {
      const e = text.charCodeAt(j + 1);
      // Python writes these five controls and the two specials in their short form, the rest as \uxxxx.
      if (e === 0x22 || e === 0x5c || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        j += 2;
        continue;
      }
      if (e !== 0x75) return -1;
      const hex = text.slice(j + 2, j + 6);
      if (!LOWER_HEX4.test(hex)) return -1;
      const code = Number.parseInt(hex, 16);
      const short = code === 0x08 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;
      if (short || (code >= 0x20 && code <= 0x7e)) return -1;
      j += 6;
      continue;
    }
    if (c < 0x20 || c > 0x7e) return -1;
    j++;
  }
  return -1;
}

/** Where a canonical number starting at `i` ends (an int, or a float as `repr` writes it), or -1. */
function numberEnd(text: string, i: number): number {
  let j = i;
  if (text.charCodeAt(j) === 0x2d) j++;
  const first = text.charCodeAt(j);
  if (first === 0x30) j++;
  else if (first >= 0x31 && first <= 0x39) {
    j++;
    for (let c = text.charCodeAt(j); c >= 0x30 && c <= 0x39; c = text.charCodeAt(j)) j++;
  } else return -1;
  const next = text.charCodeAt(j);
  if (next !== 0x2e && next !== 0x65 && next !== 0x45) {
    // An int; Python writes no "-0".
    return first === 0x30 && j - i === 2 ? -1 : j;
  }
  return floatEnd(text, i);
}

/** Where a float starting at `i` ends when it is written as Python's `repr` writes it, or -1. */
function floatEnd(text: string, i: number): number {
  NUMBER.lastIndex = i;
  const match = NUMBER.exec(text);
  if (match === null) return -1;
  const token = match[0];
  const value = Number(token);
  // In this range both languages write the shortest digits in plain notation (most timestamps).
  const magnitude = Math.abs(value);
  if (match[2] === undefined && magnitude >= 1e-4 && magnitude < 1e16 && String(value) === token)
    return i + token.length;
  return pyFloatRepr(value) === token ? i + token.length : -1;
}

/** Where the run of blocks starts: the genesis rules, or after a block we hold (a sync). */
export interface CanonicalStart {
  index: number;
  hash: string;
  proof: bigint;
}

/** Blocks proven canonical and valid: their texts (slices of the body) and hashes. */
export interface CanonicalBlocks {
  texts: string[];
  hashes: string[];
}

const BLOCK_HEAD = '{"index": ';
const PREVIOUS_KEY = ', "previous_hash": ';
const PROOF_KEY = ', "proof": ';
const TIMESTAMP_KEY = ', "timestamp": ';
const TRANSACTIONS_KEY = ', "transactions": ';

/**
 * Checks the list of blocks that starts at `text[i]` (its `[`), each canonical and valid under
 * `rules` as validateChain / validateSuffix would find it. Returns the blocks and where the list
 * ends, or null when anything is not canonical or not valid (the full check then says what).
 */
export function scanCanonicalBlocks(
  text: string,
  i: number,
  rules: Rules,
  start: CanonicalStart | null,
  limits: { maxBlocks: number; maxBlockBytes: number },
): (CanonicalBlocks & { end: number }) | null {
  if (text.charCodeAt(i) !== 0x5b) return null;
  const texts: string[] = [];
  const hashes: string[] = [];
  let previousHash = start?.hash ?? '';
  let previousProof = start?.proof ?? 0n;
  let position = start?.index ?? 0;
  i++;
  if (text.charCodeAt(i) === 0x5d) return { texts, hashes, end: i + 1 };
  for (;;) {
    position++;
    if (position > limits.maxBlocks) return null;
    const blockStart = i;
    // {"index": N, "previous_hash": P, "proof": N, "timestamp": T, "transactions": [...]}
    if (!text.startsWith(BLOCK_HEAD, i)) return null;
    i += BLOCK_HEAD.length;
    const indexEnd = numberEnd(text, i);
    if (indexEnd < 0 || text.slice(i, indexEnd) !== String(position)) return null;
    i = indexEnd;
    if (!text.startsWith(PREVIOUS_KEY, i)) return null;
    i += PREVIOUS_KEY.length;
    const previousEnd = canonicalEnd(text, i);
    if (previousEnd < 0) return null;
    const previous = text.slice(i, previousEnd);
    i = previousEnd;
    if (!text.startsWith(PROOF_KEY, i)) return null;
    i += PROOF_KEY.length;
    const proofEnd = numberEnd(text, i);
    const proofToken = proofEnd < 0 ? '' : text.slice(i, proofEnd);
    if (!/^\d+$/.test(proofToken)) return null;
    i = proofEnd;
    if (!text.startsWith(TIMESTAMP_KEY, i)) return null;
    i += TIMESTAMP_KEY.length;
    const timestampEnd = numberEnd(text, i);
    if (timestampEnd < 0) return null;
    i = timestampEnd;
    if (!text.startsWith(TRANSACTIONS_KEY, i) || text.charCodeAt(i + TRANSACTIONS_KEY.length) !== 0x5b)
      return null;
    i += TRANSACTIONS_KEY.length;
    const listEnd = canonicalEnd(text, i);
    if (listEnd < 0 || text.charCodeAt(listEnd) !== 0x7d) return null;
    i = listEnd + 1;
    const blockText = text.slice(blockStart, i);
    if (blockText.length > limits.maxBlockBytes) return null;
    const proof = BigInt(proofToken);
    if (position === 1) {
      const genesisPrevious = rules.profile === 'dvf' ? '"1"' : '1';
      if (previous !== genesisPrevious || proof !== GENESIS_PROOF) return null;
    } else if (previous !== `"${previousHash}"` || !isValidProof(rules, previousProof, proof, previousHash)) {
      return null;
    }
    previousHash = sha256Hex(blockText);
    previousProof = proof;
    texts.push(blockText);
    hashes.push(previousHash);
    const next = text.charCodeAt(i);
    if (next === 0x5d) return { texts, hashes, end: i + 1 };
    if (next !== 0x2c || text.charCodeAt(i + 1) !== 0x20) return null;
    i += 2;
  }
}
