import { parsePyJson } from '../chain/json.ts';
import { validateChain } from '../chain/validate.ts';
import type { PyValue, Rules } from '../chain/types.ts';
import { message, type Message } from '../shared/messages.ts';

/** A peer's `/chain` body to check against our rules. */
export interface ChainCheckRequest {
  text: string;
  rules: Rules;
}

/**
 * A checked chain as the canonical text and hash of each block (plain strings: they cross from the
 * worker thread as they are, and the main thread seals them without hashing again), or why not.
 */
export type ChainCheckResult =
  | { ok: true; texts: string[]; hashes: string[]; claimedLength: string | null }
  | { ok: false; outcome: 'not-a-node' | 'invalid'; reason: Message; blocks: number | null };

/** Parses a `/chain` answer with Python's number kinds and validates it (CPU-heavy for long chains). */
export function checkChainText({ text, rules }: ChainCheckRequest): ChainCheckResult {
  let body: PyValue;
  try {
    body = parsePyJson(text);
  } catch {
    // Nothing of what a foreign server answered is repeated: this is not a scanning service.
    return { ok: false, outcome: 'not-a-node', reason: message('peer-not-a-node'), blocks: null };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(body['chain'])) {
    return { ok: false, outcome: 'not-a-node', reason: message('peer-not-a-node'), blocks: null };
  }
  const raw = body['chain'];
  const checked = validateChain(raw, rules);
  if (!checked.ok) {
    return {
      ok: false,
      outcome: 'invalid',
      reason: message('peer-invalid', { reason: checked.reason }),
      blocks: raw.length,
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
