import type { Block, PyValue, Rules } from '../chain/types.ts';
import { parsePyJson } from '../chain/json.ts';
import { validateChain } from '../chain/validate.ts';
import type { PeerOutcome } from '../node/types.ts';
import { getFromPeer, type PeerRequestOptions } from './client.ts';

/** A peer's chain that passed validation, or why it could not be used. */
export type FetchedChain =
  | { ok: true; blocks: Block[]; ms: number; note: string | null }
  | { ok: false; outcome: PeerOutcome['outcome']; reason: string; blocks: number | null; ms: number };

/**
 * Downloads `GET /chain` from a peer and checks it against our rules. Every way a peer can be broken
 * (down, silent, slow, HTML, invalid JSON, NaN, a fake `length`, a bad link or proof) ends as a reason.
 */
export async function fetchPeerChain(address: string, rules: Rules, options: PeerRequestOptions = {}): Promise<FetchedChain> {
  const response = await getFromPeer(address, '/chain', options);
  if (!response.ok) {
    return { ok: false, outcome: response.failure, reason: response.reason, blocks: null, ms: response.ms };
  }
  const { ms } = response;
  if (response.status !== 200) {
    return { ok: false, outcome: 'bad-response', reason: `GET /chain answered HTTP ${response.status}`, blocks: null, ms };
  }
  let body: PyValue;
  try {
    body = parsePyJson(response.body);
  } catch (error) {
    const kind = /^\s*</.test(response.body) ? 'HTML, not JSON' : `invalid JSON (${(error as Error).message})`;
    return { ok: false, outcome: 'bad-response', reason: `GET /chain answered ${kind}`, blocks: null, ms };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !Array.isArray(body['chain'])) {
    return { ok: false, outcome: 'bad-response', reason: 'the answer has no "chain" list', blocks: null, ms };
  }
  const raw = body['chain'];
  const checked = validateChain(raw, rules);
  if (!checked.ok) return { ok: false, outcome: 'invalid', reason: checked.reason, blocks: raw.length, ms };
  const claimed = body['length'];
  const note =
    typeof claimed === 'bigint' && claimed !== BigInt(raw.length)
      ? `the peer claims length ${claimed} but sent ${raw.length} blocks; counted the blocks`
      : null;
  return { ok: true, blocks: checked.blocks, ms, note };
}
