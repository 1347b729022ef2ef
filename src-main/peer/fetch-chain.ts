import type { Block, Rules } from '../chain/types.ts';
import type { PeerOutcome } from '../node/types.ts';
import { getFromPeer, type PeerRequestOptions } from './client.ts';
import { checkChainText } from './check-chain.ts';
import type { ChainChecker } from './chain-checker.ts';

/** A peer's chain that passed validation (with hashes and stored lines), or why it could not be used. */
export type FetchedChain =
  | { ok: true; blocks: Block[]; hashes: string[]; encoded: string[]; ms: number; note: string | null }
  | { ok: false; outcome: PeerOutcome['outcome']; reason: string; blocks: number | null; ms: number };

/** Options of one chain download. */
export interface FetchChainOptions extends PeerRequestOptions {
  /** Checks big chains off the event loop; inline when absent. */
  checker?: ChainChecker;
}

/**
 * Downloads `GET /chain` from a peer and checks it against our rules. Every way a peer can be broken
 * (down, silent, slow, HTML, invalid JSON, NaN, a fake `length`, a bad link or proof) ends as a reason.
 */
export async function fetchPeerChain(
  address: string,
  rules: Rules,
  options: FetchChainOptions = {},
): Promise<FetchedChain> {
  const response = await getFromPeer(address, '/chain', options);
  if (!response.ok) {
    return { ok: false, outcome: response.failure, reason: response.reason, blocks: null, ms: response.ms };
  }
  const { ms } = response;
  if (response.status !== 200) {
    return {
      ok: false,
      outcome: 'bad-response',
      reason: `GET /chain answered HTTP ${response.status}`,
      blocks: null,
      ms,
    };
  }
  const request = { text: response.body, rules };
  let checked;
  try {
    checked = options.checker ? await options.checker.check(request) : checkChainText(request);
  } catch (error) {
    return { ok: false, outcome: 'bad-response', reason: (error as Error).message, blocks: null, ms };
  }
  if (!checked.ok) return { ...checked, ms };
  const count = checked.blocks.length;
  const note =
    checked.claimedLength !== null && checked.claimedLength !== BigInt(count)
      ? `the peer claims length ${checked.claimedLength} but sent ${count} blocks; counted the blocks`
      : null;
  return { ok: true, blocks: checked.blocks, hashes: checked.hashes, encoded: checked.encoded, ms, note };
}
