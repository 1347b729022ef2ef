import { parsePyJson } from '../chain/json.ts';
import { validateChain, validateSuffix, type ValidationStart } from '../chain/validate.ts';
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
  let body: PyValue;
  try {
    body = parsePyJson(bodyText(request.body));
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
