/**
 * The tutorial's consensus (`GET /nodes/resolve`): ask every peer for its whole chain, in parallel
 * and each within its deadline, and adopt the longest valid one when it is strictly longer than ours.
 */
import type { SealedBlock } from '../chain/block.ts';
import { commonPrefixLength } from '../chain/consensus.ts';
import type { Rules } from '../chain/types.ts';
import type { PeerOutcome } from '../shared/api.ts';
import { message } from '../shared/messages.ts';
import type { Ledger } from './ledger.ts';
import type { PeerBook } from './peers.ts';
import type { PeerClient } from './ports.ts';
import type { ResolveReport } from './types.ts';

/** What a resolve needs from the node. */
export interface ResolveDeps {
  ledger: Ledger;
  peers: PeerBook;
  client: PeerClient;
  rules(): Rules;
}

/** A report that says our chain was kept. */
function keptReport(ours: number, peers: PeerOutcome[]): ResolveReport {
  return {
    replaced: false,
    winner: null,
    winnerName: null,
    ourLengthBefore: ours,
    ourLengthAfter: ours,
    replacedFrom: null,
    otherGenesis: false,
    discarded: [],
    restored: [],
    dropped: [],
    peers,
  };
}

/** Asks every peer for its chain and adopts the longest valid one that beats ours. */
export async function resolveWithPeers(deps: ResolveDeps): Promise<ResolveReport> {
  const rules = deps.rules();
  const addresses = deps.peers.addresses();
  const results = await Promise.all(addresses.map((address) => deps.client.fetchChain(address, rules)));

  const outcomes: PeerOutcome[] = [];
  let best: { peer: string; blocks: SealedBlock[] } | null = null;
  results.forEach((result, i) => {
    const peer = addresses[i]!;
    const info = deps.peers.get(peer);
    const name = info?.name ?? null;
    if (result.ok) {
      if (info) deps.peers.markSeen(info, result.blocks.length, result.ms);
      if (best === null || result.blocks.length > best.blocks.length) best = { peer, blocks: result.blocks };
      outcomes.push({
        peer,
        name,
        outcome: 'not-longer',
        blocks: result.blocks.length,
        reason: result.note,
        ms: result.ms,
      });
    } else {
      if (info) {
        // A peer that answered with a bad chain is up; one that did not answer is down.
        if (result.outcome === 'unreachable' || result.outcome === 'timeout')
          deps.peers.markFailed(info, result.reason);
        else Object.assign(info, { status: 'online', lastSeen: Date.now(), lastError: result.reason });
      }
      outcomes.push({
        peer,
        name,
        outcome: result.outcome,
        blocks: result.blocks,
        reason: result.reason,
        ms: result.ms,
      });
    }
  });
  deps.peers.tell();

  const winner = best as { peer: string; blocks: SealedBlock[] } | null;
  const ourBefore = deps.ledger.chain.length;
  const notLonger = (): void => {
    for (const o of outcomes) {
      if (o.outcome === 'not-longer' && o.reason === null) {
        o.reason = message('peer-not-longer', { blocks: o.blocks ?? 0, ours: ourBefore });
      }
    }
  };
  if (winner === null || winner.blocks.length <= ourBefore) {
    notLonger();
    return keptReport(ourBefore, outcomes);
  }
  const now = deps.rules();
  if (now.profile !== rules.profile || now.difficulty !== rules.difficulty) {
    // The chains were checked under the rules of a moment ago: adopt nothing under the new ones.
    for (const o of outcomes) if (o.outcome === 'not-longer') o.reason = message('peer-rules-changed');
    return keptReport(ourBefore, outcomes);
  }

  const ours = deps.ledger.chain;
  const keep = commonPrefixLength(ours, winner.blocks);
  // Decided against the chain as it is when the new one is written: a block mined meanwhile counts.
  const adopted = await deps.ledger.adopt(
    keep,
    winner.blocks.slice(keep),
    (length) => winner.blocks.length > length,
    winner.peer,
  );
  if (adopted === null) {
    const reason = deps.ledger.chain.length >= winner.blocks.length ? null : message('peer-chain-changed');
    for (const o of outcomes) if (o.peer === winner.peer && reason !== null) o.reason = reason;
    notLonger();
    return keptReport(deps.ledger.chain.length, outcomes);
  }
  for (const o of outcomes) {
    if (o.peer === winner.peer) o.outcome = 'adopted';
    else if (o.outcome === 'not-longer' && (o.blocks ?? 0) > ourBefore && o.reason === null) {
      o.reason = message('peer-longer-elsewhere', {
        winner: deps.peers.get(winner.peer)?.name ?? winner.peer,
      });
    }
  }
  notLonger();
  return {
    replaced: true,
    winner: winner.peer,
    winnerName: deps.peers.get(winner.peer)?.name ?? null,
    ourLengthBefore: ourBefore,
    ourLengthAfter: winner.blocks.length,
    replacedFrom: adopted.discarded.length > 0 ? keep + 1 : null,
    otherGenesis: keep === 0,
    discarded: adopted.discarded,
    restored: adopted.restored,
    dropped: adopted.dropped,
    peers: outcomes,
  };
}
