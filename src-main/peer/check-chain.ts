import { parsePyJson } from '../chain/json.ts';
import { runFollows, scanCanonicalBlocks, scanCanonicalRun, type CanonicalRun } from '../chain/canonical.ts';
import {
  MAX_BLOCK_BYTES,
  MAX_CHAIN_BLOCKS,
  validateChain,
  validateSuffix,
  type ValidationStart,
} from '../chain/validate.ts';
import type { PyValue, Rules } from '../chain/types.ts';
import { message, type Message } from '../shared/messages.ts';

/** A peer's `/chain` body to check against our rules: text, or the bytes as they arrived. */
export interface ChainCheckRequest {
  body: string | Uint8Array;
  rules: Rules;
  /**
   * For an incremental sync: the body's `blocks` list continues our block `start.index` (the whole
   * `chain` list, genesis first, when absent).
   */
  start?: ValidationStart;
}

/** Where the blocks of a canonical body meet: `}, {"index": ` can only stand between two blocks. */
const SEAM = Buffer.from('}, {"index": ');

/**
 * A canonical body cut in two at the first seam between blocks after its middle: `head` up to the
 * end of that block, `tail` from the next block on (both copies). Null when there is no such seam.
 */
export function splitAtSeam(body: Uint8Array): { head: Uint8Array; tail: Uint8Array } | null {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const seam = bytes.indexOf(SEAM, Math.floor(bytes.length / 2));
  if (seam < 0) return null;
  return {
    head: Uint8Array.prototype.slice.call(bytes, 0, seam + 1),
    tail: Uint8Array.prototype.slice.call(bytes, seam + 3),
  };
}

/**
 * Half of a big canonical body (see {@link splitAtSeam}), checked on its own thread. With `start`
 * the body is a sync page; without, a whole `/chain`. The halves are joined again with
 * {@link joinHalves}, which checks the one link between them.
 */
export interface HalfCheckRequest {
  body: Uint8Array;
  rules: Rules;
  start?: ValidationStart;
  half: 'head' | 'tail';
}

/** A half checked the canonical way (texts packed as for the trip from the worker), or not (null). */
export type HalfCheckResult =
  | (Extract<PackedCheckResult, { ok: true }> & {
      first: CanonicalRun['first'];
      last: CanonicalRun['last'];
    })
  | null;

/** Checks one half of a body the canonical way; null when it cannot (the caller checks it whole). */
export function checkHalf(request: HalfCheckRequest): HalfCheckResult {
  const text = utf8.decode(request.body);
  const limits = { maxBlocks: MAX_CHAIN_BLOCKS, maxBlockBytes: MAX_BLOCK_BYTES };
  const sync = request.start !== undefined;
  let run: CanonicalRun | null;
  // A sync page says its length at its head, a whole chain at its tail.
  let claimedLength: string | null = null;
  if (request.half === 'head') {
    const head = sync ? SYNC_HEAD.exec(text) : text.startsWith(CHAIN_HEAD) ? [CHAIN_HEAD] : null;
    if (head === null || text.charCodeAt(head[0].length) !== 0x5b) return null;
    if (sync) claimedLength = head[2]!;
    run = scanCanonicalRun(text, head[0].length + 1, request.rules, request.start ?? 'genesis', limits, true);
    if (run === null || !run.open) return null;
  } else {
    run = scanCanonicalRun(text, 0, request.rules, 'trust-first', limits, false);
    if (run === null) return null;
    const rest = text.slice(run.end);
    if (sync) {
      if (rest !== '}') return null;
    } else {
      const tail = /^, "length": (\d{1,20})\}$/.exec(rest);
      if (tail === null) return null;
      claimedLength = tail[1]!;
    }
  }
  const { texts, hashes, first, last } = run;
  const span = spanOf(text, texts, run.open ? run.end : run.end - 1);
  const packed = packResult({ ok: true, texts, hashes, claimedLength, span });
  return packed.ok ? { ...packed, first, last } : null;
}

/** A half's answer cut into its texts again (on the main thread, as soon as that half is back). */
export interface UnpackedHalf {
  texts: string[];
  hashes: string[];
  claimedLength: string | null;
  first: CanonicalRun['first'];
  last: CanonicalRun['last'];
}

/** Cuts a half's packed answer into its texts and hashes. */
export function unpackHalf(half: NonNullable<HalfCheckResult>): UnpackedHalf {
  const unpacked = unpackResult(half) as Extract<ChainCheckResult, { ok: true }>;
  return { ...unpacked, first: half.first, last: half.last };
}

/** The whole body's result from its two halves, or null when they do not join (one link between them). */
export function joinHalves(rules: Rules, head: UnpackedHalf, tail: UnpackedHalf): ChainCheckResult | null {
  if (!runFollows(rules, head, tail)) return null;
  return {
    ok: true,
    texts: head.texts.concat(tail.texts),
    hashes: head.hashes.concat(tail.hashes),
    claimedLength: head.claimedLength ?? tail.claimedLength,
  };
}

const utf8 = new TextDecoder('utf-8');

/** The body's text (bytes are decoded here, where the check runs: on the worker for big chains). */
export function bodyText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : utf8.decode(body);
}

/**
 * A checked chain as the canonical text and hash of each block (plain strings: they cross from the
 * worker thread as they are, and the main thread seals them without hashing again), or why not.
 */
export type ChainCheckResult =
  | {
      ok: true;
      texts: string[];
      hashes: string[];
      claimedLength: string | null;
      /** Checked the canonical way: the texts are `span.text[start..end)`, one after the other, ", " apart. */
      span?: { text: string; start: number; end: number };
    }
  | {
      ok: false;
      outcome: 'not-a-node' | 'invalid';
      reason: Message;
      blocks: number | null;
      /** For an invalid chain: the rule it breaks and the block (1-based) that breaks it. */
      rule?: Message;
      blockIndex?: number | null;
    };

/** Parses a `/chain` answer with Python's number kinds and validates it (CPU-heavy for long chains). */
export function checkChainText(request: ChainCheckRequest): ChainCheckResult {
  const { rules } = request;
  const text = bodyText(request.body);
  // A Blockparty node's answer is canonical: proven so, it is checked without being parsed.
  const fast = checkCanonical(text, request);
  if (fast !== null) return fast;
  let body: PyValue;
  try {
    body = parsePyJson(text);
  } catch {
    // Nothing of what a foreign server answered is repeated: this is not a scanning service.
    return { ok: false, outcome: 'not-a-node', reason: message('peer-not-a-node'), blocks: null };
  }
  const key = request.start === undefined ? 'chain' : 'blocks';
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(body[key])) {
    return { ok: false, outcome: 'not-a-node', reason: message('peer-not-a-node'), blocks: null };
  }
  const raw = body[key];
  const checked =
    request.start === undefined ? validateChain(raw, rules) : validateSuffix(raw, request.start, rules);
  if (!checked.ok) {
    return {
      ok: false,
      outcome: 'invalid',
      reason: message('peer-invalid', { reason: checked.reason }),
      blocks: raw.length,
      rule: checked.reason,
      blockIndex: checked.blockIndex,
    };
  }
  const claimed = body['length'];
  return {
    ok: true,
    texts: checked.blocks.map((b) => b.text),
    hashes: checked.blocks.map((b) => b.hash),
    claimedLength: typeof claimed === 'bigint' ? String(claimed).slice(0, 20) : null,
  };
}

/**
 * A result as it crosses from the worker: the texts joined by newlines and the hashes run together,
 * two strings instead of tens of thousands (cloning each one, then collecting them, cost the main
 * thread more than the check). {@link unpackResult} cuts them apart again as slices.
 */
export type PackedCheckResult =
  | {
      ok: true;
      joined: string;
      /** The length of each text; texts follow each other in `joined`, `gap` characters apart. */
      lengths: Uint32Array;
      gap: number;
      hashes: string;
      claimedLength: string | null;
    }
  | Extract<ChainCheckResult, { ok: false }>;

/**
 * Packs a result for the trip to the main thread. Blocks checked the canonical way sit one after
 * the other in the body, `", "` apart: that stretch of the body is sent as it is.
 */
export function packResult(result: ChainCheckResult): PackedCheckResult {
  if (!result.ok) return result;
  const lengths = Uint32Array.from(result.texts, (text) => text.length);
  const span = result.span;
  return {
    ok: true,
    joined: span ? span.text.slice(span.start, span.end) : result.texts.join('\n'),
    lengths,
    gap: span ? 2 : 1,
    hashes: result.hashes.join(''),
    claimedLength: result.claimedLength,
  };
}

/** The result a packed one stands for: the texts cut out of `joined` as slices. */
export function unpackResult(packed: PackedCheckResult): ChainCheckResult {
  if (!packed.ok) return packed;
  const count = packed.lengths.length;
  const texts = new Array<string>(count);
  const hashes = new Array<string>(count);
  let at = 0;
  for (let i = 0; i < count; i++) {
    const end = at + packed.lengths[i]!;
    texts[i] = packed.joined.slice(at, end);
    hashes[i] = packed.hashes.slice(i * 64, i * 64 + 64);
    at = end + packed.gap;
  }
  return { ok: true, texts, hashes, claimedLength: packed.claimedLength };
}

const SYNC_HEAD = /^\{"fork": (\d{1,9}), "length": (\d{1,9}), "blocks": /;
const CHAIN_HEAD = '{"chain": ';

/** The check of a body in the exact form our nodes serve (`/chain`, a sync page), or null. */
function checkCanonical(text: string, request: ChainCheckRequest): ChainCheckResult | null {
  const limits = { maxBlocks: MAX_CHAIN_BLOCKS, maxBlockBytes: MAX_BLOCK_BYTES };
  const found = (scanned: { texts: string[]; hashes: string[]; end: number }, claimedLength: string) => ({
    ok: true as const,
    texts: scanned.texts,
    hashes: scanned.hashes,
    claimedLength,
    span: spanOf(text, scanned.texts, scanned.end - 1),
  });
  if (request.start === undefined) {
    if (!text.startsWith(CHAIN_HEAD)) return null;
    const scanned = scanCanonicalBlocks(text, CHAIN_HEAD.length, request.rules, null, limits);
    if (scanned === null || scanned.texts.length === 0) return null;
    const tail = /^, "length": (\d{1,20})\}$/.exec(text.slice(scanned.end));
    return tail === null ? null : found(scanned, tail[1]!);
  }
  const head = SYNC_HEAD.exec(text);
  if (head === null) return null;
  const scanned = scanCanonicalBlocks(text, head[0].length, request.rules, request.start, limits);
  return scanned === null || text.slice(scanned.end) !== '}' ? null : found(scanned, head[2]!);
}

/** Where blocks checked the canonical way sit in the body: `", "` apart, the last ending at `end`. */
function spanOf(
  text: string,
  texts: readonly string[],
  end: number,
): { text: string; start: number; end: number } {
  const length = texts.reduce((n, t) => n + t.length, 0) + 2 * Math.max(0, texts.length - 1);
  return { text, start: end - length, end };
}
