import type { Block, PyValue, Rules } from '../chain/types.ts';
import { parsePyJson } from '../chain/json.ts';
import { encodeBlock } from '../chain/block.ts';
import { validateChain } from '../chain/validate.ts';

/** A peer's `/chain` body to check against our rules. */
export interface ChainCheckRequest {
  text: string;
  rules: Rules;
}

/** A checked chain with each block's hash and stored line, or why it is unusable. */
export type ChainCheckResult =
  | { ok: true; blocks: Block[]; hashes: string[]; encoded: string[]; claimedLength: bigint | null }
  | { ok: false; outcome: 'bad-response' | 'invalid'; reason: string; blocks: number | null };

/** Parses a `/chain` answer with Python's number kinds and validates it (CPU-heavy for long chains). */
export function checkChainText({ text, rules }: ChainCheckRequest): ChainCheckResult {
  let body: PyValue;
  try {
    body = parsePyJson(text);
  } catch (error) {
    const kind = /^\s*</.test(text) ? 'HTML, not JSON' : `invalid JSON (${(error as Error).message})`;
    return { ok: false, outcome: 'bad-response', reason: `GET /chain answered ${kind}`, blocks: null };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(body['chain'])) {
    return { ok: false, outcome: 'bad-response', reason: 'the answer has no "chain" list', blocks: null };
  }
  const raw = body['chain'];
  const checked = validateChain(raw, rules);
  if (!checked.ok) return { ok: false, outcome: 'invalid', reason: checked.reason, blocks: raw.length };
  const claimed = body['length'];
  return {
    ok: true,
    blocks: checked.blocks,
    hashes: checked.hashes,
    encoded: checked.blocks.map(encodeBlock),
    claimedLength: typeof claimed === 'bigint' ? claimed : null,
  };
}
