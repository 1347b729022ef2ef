import { randomBytes, randomUUID } from 'node:crypto';
import { dumpsPy, isPyObject, pyKindName } from './json.ts';
import type { PyValue, Transaction } from './types.ts';
import { message, type Message } from '../shared/messages.ts';
import { AMOUNT_MAX, checkParty } from '../shared/transaction.ts';

/** The sender of mining rewards (protocol.md §2). */
export const REWARD_SENDER = '0';

/** The outcome of checking a transaction submitted through the API. */
export type NewTransactionResult =
  | { ok: true; tx: Transaction; text: string }
  | { ok: false; field: 'sender' | 'recipient' | 'amount' | 'body'; reason: Message };

/**
 * Checks a `POST /transactions/new` body: an object whose sender and recipient are non-empty strings
 * (at most PARTY_MAX characters) and whose amount is a positive number. The amount keeps its kind
 * (`1.0` stays a float); keys other than the three are left out of the transaction. The canonical
 * text is returned with it, so the pool never serializes it again.
 */
export function parseNewTransaction(body: PyValue): NewTransactionResult {
  if (!isPyObject(body)) {
    return { ok: false, field: 'body', reason: message('tx-not-object', { got: pyKindName(body) }) };
  }
  for (const field of ['sender', 'recipient'] as const) {
    const reason = checkParty(field, body[field], Object.hasOwn(body, field));
    if (reason !== null) return { ok: false, field, reason };
  }
  if (!Object.hasOwn(body, 'amount'))
    return { ok: false, field: 'amount', reason: message('tx-amount-missing') };
  const amount = body.amount;
  const positive =
    (typeof amount === 'bigint' && amount > 0n) ||
    (typeof amount === 'number' && Number.isFinite(amount) && amount > 0);
  if (!positive) {
    const got =
      typeof amount === 'bigint' || (typeof amount === 'number' && Number.isFinite(amount))
        ? dumpsPy(amount)
        : pyKindName(amount);
    return {
      ok: false,
      field: 'amount',
      reason: message('tx-amount-not-positive', { got: got.slice(0, 40) }),
    };
  }
  const amountText = dumpsPy(amount);
  if (amountText.length > AMOUNT_MAX) {
    return {
      ok: false,
      field: 'amount',
      reason: message('tx-amount-too-long', { length: amountText.length, max: AMOUNT_MAX }),
    };
  }
  const tx: Transaction = { sender: body.sender as string, recipient: body.recipient as string, amount };
  return { ok: true, tx, text: dumpsPy(tx) };
}

/** The mining reward the tutorial adds to each block it forges: 1 coin from "0" to the miner. */
export function rewardTransaction(nodeId: string): Transaction {
  return { sender: REWARD_SENDER, recipient: nodeId, amount: 1n };
}

/** A new node identifier: a uuid4 without dashes (32 lowercase hex characters), as the tutorial makes. */
export function newNodeId(): string {
  return randomUUID().replaceAll('-', '');
}

/** A new transaction envelope id (relay deduplication): 32 random hex characters. */
export function newTransactionId(): string {
  return randomBytes(16).toString('hex');
}
