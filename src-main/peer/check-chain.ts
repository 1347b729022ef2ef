import { parsePyJson } from '../chain/json.ts';
import { scanCanonicalBlocks } from '../chain/canonical.ts';
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
  | { ok: true; texts: string[]; hashes: string[]; claimedLength: string | null }
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
  | { ok: true; joined: string; hashes: string; count: number; claimedLength: string | null }
  | Extract<ChainCheckResult, { ok: false }>;

/** Packs a result for the trip to the main thread. */
export function packResult(result: ChainCheckResult): PackedCheckResult {
  if (!result.ok) return result;
  return {
    ok: true,
    joined: result.texts.join('\n'),
    hashes: result.hashes.join(''),
    count: result.texts.length,
    claimedLength: result.claimedLength,
  };
}

/** The result a packed one stands for (block texts never hold a newline: canonical JSON escapes it). */
export function unpackResult(packed: PackedCheckResult): ChainCheckResult {
  if (!packed.ok) return packed;
  const texts = new Array<string>(packed.count);
  const hashes = new Array<string>(packed.count);
  let at = 0;
  for (let i = 0; i < packed.count; i++) {
    const end = i === packed.count - 1 ? packed.joined.length : packed.joined.indexOf('\n', at);
    texts[i] = packed.joined.slice(at, end);
    hashes[i] = packed.hashes.slice(i * 64, i * 64 + 64);
    at = end + 1;
  }
  return { ok: true, texts, hashes, claimedLength: packed.claimedLength };
}

const SYNC_HEAD = /^\{"fork": (\d{1,9}), "length": (\d{1,9}), "blocks": /;
const CHAIN_HEAD = '{"chain": ';

/** The check of a body in the exact form our nodes serve (`/chain`, a sync page), or null. */
function checkCanonical(text: string, request: ChainCheckRequest): ChainCheckResult | null {
  const limits = { maxBlocks: MAX_CHAIN_BLOCKS, maxBlockBytes: MAX_BLOCK_BYTES };
  if (request.start === undefined) {
    if (!text.startsWith(CHAIN_HEAD)) return null;
    const scanned = scanCanonicalBlocks(text, CHAIN_HEAD.length, request.rules, null, limits);
    if (scanned === null || scanned.texts.length === 0) return null;
    const tail = /^, "length": (\d{1,20})\}$/.exec(text.slice(scanned.end));
    if (tail === null) return null;
    return { ok: true, texts: scanned.texts, hashes: scanned.hashes, claimedLength: tail[1]! };
  }
  const head = SYNC_HEAD.exec(text);
  if (head === null) return null;
  const scanned = scanCanonicalBlocks(text, head[0].length, request.rules, request.start, limits);
  if (scanned === null || text.slice(scanned.end) !== '}') return null;
  return { ok: true, texts: scanned.texts, hashes: scanned.hashes, claimedLength: head[2]! };
}
