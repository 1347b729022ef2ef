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
import { hash } from 'node:crypto';
import { assertDifficulty } from './proof.ts';
import type { Rules } from './types.ts';

/** How deep the scanner follows nested values (deeper: the full check decides). */
const MAX_DEPTH = 64;
const LOWER_HEX4 = /^[0-9a-f]{4}$/;

/** Where a canonical JSON value starting at `i` ends, or -1 when it is not canonical. */
export function canonicalEnd(text: string, i: number, depth = 0): number {
  if (depth > MAX_DEPTH) return -1;
  switch (text.charCodeAt(i)) {
    case 0x7b /* { */: {
      i++;
      if (text.charCodeAt(i) === 0x7d) return i + 1;
      let lastStart = -1;
      let lastEnd = -1;
      for (;;) {
        const keyEnd = stringEnd(text, i);
        // Escaped keys would need decoding to compare as Python sorts: left to the full check.
        if (keyEnd < 0 || escaped) return -1;
        if (lastStart >= 0 && !rangeAfter(text, i + 1, keyEnd - 1, lastStart, lastEnd)) return -1;
        lastStart = i + 1;
        lastEnd = keyEnd - 1;
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

/** Whether the last string stringEnd read held an escape. */
let escaped = false;

/** Whether `text[a..aEnd)` sorts strictly after `text[b..bEnd)` (ASCII: code units are code points). */
function rangeAfter(text: string, a: number, aEnd: number, b: number, bEnd: number): boolean {
  for (; a < aEnd && b < bEnd; a++, b++) {
    const d = text.charCodeAt(a) - text.charCodeAt(b);
    if (d !== 0) return d > 0;
  }
  return a < aEnd;
}

/** Where a canonical string (Python's `ensure_ascii` escaping) starting at `i` ends, or -1. */
function stringEnd(text: string, i: number): number {
  escaped = false;
  if (text.charCodeAt(i) !== 0x22) return -1;
  for (let j = i + 1; j < text.length;) {
    const c = text.charCodeAt(j);
    if (c === 0x22) return j + 1;
    if (c === 0x5c) {
      escaped = true;
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
  let next = text.charCodeAt(j);
  if (next !== 0x2e && next !== 0x65 && next !== 0x45) {
    // An int; Python writes no "-0".
    return first === 0x30 && j - i === 2 ? -1 : j;
  }
  let plain = true;
  const point = j;
  if (next === 0x2e) {
    const digits = ++j;
    for (next = text.charCodeAt(j); next >= 0x30 && next <= 0x39; next = text.charCodeAt(j)) j++;
    if (j === digits) return -1;
  }
  if (next === 0x65 || next === 0x45) {
    plain = false;
    j++;
    next = text.charCodeAt(j);
    if (next === 0x2b || next === 0x2d) j++;
    const digits = j;
    for (next = text.charCodeAt(j); next >= 0x30 && next <= 0x39; next = text.charCodeAt(j)) j++;
    if (j === digits) return -1;
  }
  if (plain && isShortDecimalRepr(text, i, point, j)) return j;
  return isFloatRepr(text.slice(i, j), plain) ? j : -1;
}

/**
 * A quick proof that a plain float token `int.frac` is Python's `repr` of its value, without
 * converting it: with at most 15 significant digits a decimal survives the trip to a double and
 * back, so the shortest form of that double is the token itself unless the token ends in a zero
 * (Python writes `5.0` for an integral value, and never a trailing zero otherwise); and between 1e-4
 * and 1e16 Python writes the plain notation. False means "not proven", not "not canonical".
 */
function isShortDecimalRepr(text: string, intStart: number, point: number, end: number): boolean {
  if (text.charCodeAt(intStart) === 0x2d) intStart++;
  const intDigits = point - intStart;
  const last = text.charCodeAt(end - 1);
  if (intDigits > 16) return false;
  if (text.charCodeAt(intStart) !== 0x30) {
    // An integral value is written "X.0"; any other fraction ends in a digit other than 0.
    if (last === 0x30 && !(end - point === 2)) return false;
    return intDigits + (end - point - 1) <= 15;
  }
  // 0.000ddd: at least 1e-4 (the first digit other than 0 among the first four), no trailing zero.
  let lead = point + 1;
  while (lead < end && text.charCodeAt(lead) === 0x30) lead++;
  if (lead === end || lead - point > 4 || last === 0x30) return false;
  return end - lead <= 15;
}

/** Whether a float token is written as Python's `repr` writes its value. */
function isFloatRepr(token: string, plain: boolean): boolean {
  const value = Number(token);
  // In this range both languages write the shortest digits in plain notation (most timestamps).
  const magnitude = Math.abs(value);
  if (plain && magnitude >= 1e-4 && magnitude < 1e16 && String(value) === token) return true;
  return pyFloatRepr(value) === token;
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
  if (text.charCodeAt(i + 1) === 0x5d) return { texts: [], hashes: [], end: i + 2 };
  const run = scanCanonicalRun(text, i + 1, rules, start ?? 'genesis', limits, false);
  return run === null || run.open ? null : run;
}

/** A run of blocks checked the canonical way, and what a check of the run before it must match. */
export interface CanonicalRun extends CanonicalBlocks {
  /** Just after the list's `]`, or the text's end when the run reaches it (`open`). */
  end: number;
  open: boolean;
  first: { index: number; previous: string; proof: string };
  last: { index: number; proof: string };
}

/**
 * Checks blocks from `text[i]` (a block's `{`) on. `anchor`: what the first block follows (genesis
 * rules, a block we hold, or `trust-first`: the first block's link and proof are left to the caller,
 * who checks them against the run before it). With `open`, the text may end just after a block (the
 * first half of a body checked in two halves). Null when anything is not canonical or not valid.
 */
export function scanCanonicalRun(
  text: string,
  i: number,
  rules: Rules,
  anchor: CanonicalStart | 'genesis' | 'trust-first',
  limits: { maxBlocks: number; maxBlockBytes: number },
  open: boolean,
): CanonicalRun | null {
  assertDifficulty(rules.difficulty);
  const texts: string[] = [];
  const hashes: string[] = [];
  const after = typeof anchor === 'object' ? anchor : null;
  let previousHash = after?.hash ?? '';
  // Proofs stay tokens: a canonical int token is exactly how Python prints the int in the guess.
  let previousProof = after === null ? '' : String(after.proof);
  let position = after?.index ?? 0;
  let first: CanonicalRun['first'] | null = null;
  for (;;) {
    const blockStart = i;
    // {"index": N, "previous_hash": P, "proof": N, "timestamp": T, "transactions": [...]}
    if (!text.startsWith(BLOCK_HEAD, i)) return null;
    i += BLOCK_HEAD.length;
    const indexEnd = numberEnd(text, i);
    if (indexEnd < 0 || !isDigits(text, i, indexEnd)) return null;
    if (first === null && anchor === 'trust-first') {
      position = Number(text.slice(i, indexEnd));
      if (!Number.isSafeInteger(position) || position < 2) return null;
    } else if (!sameDecimal(text, i, indexEnd, ++position)) {
      return null;
    }
    if (position > limits.maxBlocks) return null;
    i = indexEnd;
    if (!text.startsWith(PREVIOUS_KEY, i)) return null;
    i += PREVIOUS_KEY.length;
    const previousStart = i;
    const previousEnd = canonicalEnd(text, i);
    if (previousEnd < 0) return null;
    i = previousEnd;
    if (!text.startsWith(PROOF_KEY, i)) return null;
    i += PROOF_KEY.length;
    const proofEnd = numberEnd(text, i);
    // A proof is a non-negative int: digits only (numberEnd stops an int token at its last digit).
    if (proofEnd < 0 || !isDigits(text, i, proofEnd)) return null;
    const proof = text.slice(i, proofEnd);
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
    if (i - blockStart > limits.maxBlockBytes) return null;
    if (first === null) first = { index: position, previous: text.slice(previousStart, previousEnd), proof };
    if (position === 1) {
      const genesisPrevious = rules.profile === 'dvf' ? '"1"' : '1';
      if (text.slice(previousStart, previousEnd) !== genesisPrevious || proof !== GENESIS_PROOF_TEXT)
        return null;
    } else if (texts.length > 0 || anchor !== 'trust-first') {
      if (
        previousEnd - previousStart !== previousHash.length + 2 ||
        !text.startsWith(previousHash, previousStart + 1) ||
        !proofHolds(rules, previousProof, proof, previousHash)
      )
        return null;
    }
    const blockText = text.slice(blockStart, i);
    previousHash = sha256Hex(blockText);
    previousProof = proof;
    texts.push(blockText);
    hashes.push(previousHash);
    const last = { index: position, proof };
    if (open && i === text.length) return { texts, hashes, end: i, open: true, first, last };
    const next = text.charCodeAt(i);
    if (next === 0x5d) return { texts, hashes, end: i + 1, open: false, first, last };
    if (next !== 0x2c || text.charCodeAt(i + 1) !== 0x20) return null;
    i += 2;
  }
}

/**
 * Whether a run checked with `trust-first` follows the run before it: its first block names the
 * last one's hash and its proof holds after the last one's proof.
 */
export function runFollows(
  rules: Rules,
  before: Pick<CanonicalRun, 'hashes' | 'last'>,
  run: Pick<CanonicalRun, 'first'>,
): boolean {
  const hash = before.hashes.at(-1);
  return (
    hash !== undefined &&
    run.first.index === before.last.index + 1 &&
    run.first.previous === `"${hash}"` &&
    proofHolds(rules, before.last.proof, run.first.proof, hash)
  );
}

const GENESIS_PROOF_TEXT = String(GENESIS_PROOF);

/** Whether `text[from..to)` is the decimal writing of `n`. */
function sameDecimal(text: string, from: number, to: number, n: number): boolean {
  for (let j = to - 1; j >= from; j--, n = Math.floor(n / 10)) {
    if (text.charCodeAt(j) !== 0x30 + (n % 10)) return false;
  }
  return n === 0 && to > from;
}

/** Whether `text[from..to)` is all digits. */
function isDigits(text: string, from: number, to: number): boolean {
  for (let j = from; j < to; j++) {
    const c = text.charCodeAt(j);
    if (c < 0x30 || c > 0x39) return false;
  }
  return to > from;
}

/** The tutorial's `valid_proof` on decimal tokens (protocol.md §1): the guess hash starts with zeros. */
function proofHolds(rules: Rules, lastProof: string, proof: string, lastHash: string): boolean {
  const guess = rules.profile === 'article' ? lastProof + proof : lastProof + proof + lastHash;
  const digest = hash('sha256', guess, 'hex');
  for (let k = 0; k < rules.difficulty; k++) if (digest.charCodeAt(k) !== 0x30) return false;
  return true;
}
