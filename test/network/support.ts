/** What the LAN network tests share: transactions as keys, pool checks, byte counters in a laptop. */
import { expect } from 'vitest';
import type { Lab } from '../helpers/netns.ts';
import type { LanNode } from '../helpers/lan-nodes.ts';

/** A transaction as posted. */
export interface Tx {
  sender: string;
  recipient: string;
  amount: number;
}

/** A transaction's identity in these tests (every test transaction has a unique sender). */
export function txKey(tx: Record<string, unknown> | Tx): string {
  const t = tx as Record<string, unknown>;
  return `${String(t['sender'])}|${String(t['recipient'])}|${String(t['amount'])}`;
}

/** The keys of the transactions in some blocks, mining rewards left out. */
export function minedTexts(blocks: readonly Record<string, unknown>[]): string[] {
  return blocks.flatMap((b) =>
    ((b['transactions'] as Record<string, unknown>[] | undefined) ?? [])
      .filter((t) => t['sender'] !== '0')
      .map((t) => txKey(t)),
  );
}

/** Every transaction in `posted` is, on this node, either in its chain or pending, exactly once. */
export async function expectOnePool(node: LanNode, posted: readonly Tx[]): Promise<void> {
  const chain = await node.chain();
  const pending = await node.pending();
  const ids = pending.map((p) => p.id);
  expect(new Set(ids).size, `laptop ${node.k}: a pending id twice`).toBe(ids.length);
  const mined = minedTexts(chain.chain);
  const waiting = pending.map((p) => txKey(p.transaction));
  for (const t of posted) {
    const key = txKey(t);
    const count = mined.filter((m) => m === key).length + waiting.filter((w) => w === key).length;
    expect(count, `laptop ${node.k}: ${key} is mined or pending ${count} times`).toBe(1);
  }
}

const TABLE = 'lancount';

/**
 * Starts counting, in laptop k, the bytes of what peers answer it: IP packets arriving on its LAN
 * cable from a peer API port (5000). Requests other nodes make to it, multicast and the test's own
 * requests (on loopback) are not counted.
 */
export async function countAnswerBytes(lab: Lab, k: number): Promise<number> {
  await lab.run(k, 'nft', [`add table inet ${TABLE}`]);
  await lab.run(k, 'nft', [`flush table inet ${TABLE}`]);
  await lab.run(k, 'nft', [
    `add chain inet ${TABLE} input { type filter hook input priority 0; policy accept; }`,
  ]);
  await lab.run(k, 'nft', [`add counter inet ${TABLE} answers`]);
  await lab.run(k, 'nft', [
    `add rule inet ${TABLE} input iifname "eth0" tcp sport 5000 counter name answers`,
  ]);
  return readCounter(lab, k);
}

/** Bytes counted since {@link countAnswerBytes} returned `since`. */
export async function answerBytesFromPeers(lab: Lab, k: number, since: number): Promise<number> {
  return (await readCounter(lab, k)) - since;
}

async function readCounter(lab: Lab, k: number): Promise<number> {
  const out = await lab.run(k, 'nft', ['-j', 'list', 'counter', 'inet', TABLE, 'answers']);
  const parsed = JSON.parse(out) as { nftables: { counter?: { bytes: number } }[] };
  const counter = parsed.nftables.find((e) => e.counter)?.counter;
  if (!counter) throw new Error(`laptop ${k}: no byte counter in ${out}`);
  return counter.bytes;
}
