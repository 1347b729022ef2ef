import { randomUUID } from 'node:crypto';
import { dumpsPy, isPyObject, pyKindName } from './json.ts';
import type { PyValue, Transaction } from './types.ts';

/** The sender of mining rewards (protocol.md §2). */
export const REWARD_SENDER = '0';

/** The outcome of checking a transaction submitted through the API. */
export type NewTransactionResult =
  | { ok: true; tx: Transaction }
  | { ok: false; field: 'sender' | 'recipient' | 'amount' | 'body'; message: string };

function checkAddress(body: Record<string, PyValue>, field: 'sender' | 'recipient'): string | null {
  if (!Object.hasOwn(body, field)) return `${field} is missing: give it as a non-empty string`;
  const value = body[field];
  if (typeof value !== 'string') return `${field} must be a non-empty string, got ${pyKindName(value)}`;
  if (value.length === 0) return `${field} must not be empty`;
  return null;
}

/**
 * Checks a `POST /transactions/new` body: an object whose sender and recipient are non-empty strings
 * and whose amount is a positive number. The amount keeps its kind (`1.0` stays a float); keys other
 * than the three are left out of the transaction.
 */
export function parseNewTransaction(body: PyValue): NewTransactionResult {
  if (!isPyObject(body)) {
    return {
      ok: false,
      field: 'body',
      message: `the body must be a JSON object with sender, recipient and amount, got ${pyKindName(body)}`,
    };
  }
  for (const field of ['sender', 'recipient'] as const) {
    const message = checkAddress(body, field);
    if (message !== null) return { ok: false, field, message };
  }
  if (!Object.hasOwn(body, 'amount')) {
    return {
      ok: false,
      field: 'amount',
      message: 'amount is missing: give a positive number such as 5 or 2.5',
    };
  }
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
      message: `amount must be a positive number such as 5 or 2.5, got ${got}`,
    };
  }
  return {
    ok: true,
    tx: {
      sender: body.sender as string,
      recipient: body.recipient as string,
      amount: amount as bigint | number,
    },
  };
}

/** The mining reward the tutorial adds to each block it forges: 1 coin from "0" to the miner. */
export function rewardTransaction(nodeId: string): Transaction {
  return { sender: REWARD_SENDER, recipient: nodeId, amount: 1n };
}

/** A new node identifier: a uuid4 without dashes (32 lowercase hex characters), as the tutorial makes. */
export function newNodeId(): string {
  return randomUUID().replaceAll('-', '');
}
