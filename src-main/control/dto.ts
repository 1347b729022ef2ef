/** The dashboard's DTOs made from the node's blocks and transactions (plain JSON, see shared/api.ts). */
import type { SealedBlock } from '../chain/block.ts';
import { dumpsPy, isPyObject, parsePyJson } from '../chain/json.ts';
import type { Block, PendingTransaction, PyValue } from '../chain/types.ts';
import type { ResolveReport } from '../node/types.ts';
import type { BlockDetail, BlockSummary, ResolveReportDto, TransactionDto } from '../shared/api.ts';

const HEX_64 = /^[0-9a-f]{64}$/;

/** Display text of a value: strings as they are, anything else as Python prints it in JSON. */
export function display(value: PyValue | undefined): string | null {
  if (value === undefined) return null;
  return typeof value === 'string' ? value : dumpsPy(value);
}

/** Converts one block to a list row. */
export function blockSummary(block: Block, hash: string): BlockSummary {
  const prev = block.previous_hash;
  return {
    index: Number(block.index),
    hash,
    previousHash: typeof prev === 'string' && HEX_64.test(prev) ? prev : dumpsPy(prev),
    proof: block.proof.toString(),
    timestamp: Number(block.timestamp),
    transactionCount: block.transactions.length,
  };
}

/** Converts one block to its detail view, with the exact text behind its hash. */
export function blockDetail(sealed: SealedBlock): BlockDetail {
  const block = sealed.decode();
  return {
    ...blockSummary(block, sealed.hash),
    transactions: block.transactions.map((tx) => transactionDto(tx, null)),
    json: sealed.text,
  };
}

/** Converts a transaction (whatever a peer put there) for display. */
export function transactionDto(tx: PyValue, id: string | null): TransactionDto {
  const fields: Record<string, PyValue> = isPyObject(tx) ? tx : {};
  return {
    id,
    sender: display(fields['sender']),
    recipient: display(fields['recipient']),
    amount: fields['amount'] === undefined ? null : dumpsPy(fields['amount']),
    reward: fields['sender'] === '0',
    json: dumpsPy(tx),
  };
}

/** A pending transaction for display. */
export function pendingDto(tx: PendingTransaction): TransactionDto {
  return transactionDto(parsePyJson(tx.text), tx.id);
}

export function resolveDto(
  r: ResolveReport,
  summaryOf: (block: SealedBlock) => BlockSummary,
): ResolveReportDto {
  return {
    replaced: r.replaced,
    winner: r.winner,
    winnerName: r.winnerName,
    ourLengthBefore: r.ourLengthBefore,
    ourLengthAfter: r.ourLengthAfter,
    replacedFrom: r.replacedFrom,
    otherGenesis: r.otherGenesis,
    discarded: r.discarded.map(summaryOf),
    restored: r.restored.map(pendingDto),
    dropped: r.dropped.map(pendingDto),
    peers: r.peers.map((p) => ({ ...p })),
  };
}
