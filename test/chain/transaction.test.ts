import { describe, expect, it } from 'vitest';
import { dumpsPy, parsePyJson } from '../../src-main/chain/json.ts';
import { newNodeId, parseNewTransaction, rewardTransaction } from '../../src-main/chain/transaction.ts';
import { renderMessage } from '../../src-main/shared/messages.ts';
import { PARTY_MAX } from '../../src-main/shared/transaction.ts';

describe('parseNewTransaction', () => {
  it('accepts a valid body and keeps only the three keys, the amount kind included', () => {
    const result = parseNewTransaction(
      parsePyJson('{"sender": "a", "recipient": "b", "amount": 1.0, "memo": "x"}'),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(dumpsPy(result.tx)).toBe('{"amount": 1.0, "recipient": "b", "sender": "a"}');
    expect(result.text).toBe(dumpsPy(result.tx));
    const big = parseNewTransaction(
      parsePyJson('{"sender": "a", "recipient": "b", "amount": 123456789012345678901}'),
    );
    expect(big.ok && big.tx.amount).toBe(123456789012345678901n);
  });

  it.each([
    ['[]', 'body', /JSON object/],
    ['"hi"', 'body', /got a string/],
    ['{"recipient": "b", "amount": 1}', 'sender', /sender is missing/],
    ['{"sender": "", "recipient": "b", "amount": 1}', 'sender', /must not be empty/],
    ['{"sender": 5, "recipient": "b", "amount": 1}', 'sender', /non-empty string, got an integer/],
    ['{"sender": "a", "amount": 1}', 'recipient', /recipient is missing/],
    ['{"sender": "a", "recipient": null, "amount": 1}', 'recipient', /got null/],
    ['{"sender": "a", "recipient": "b"}', 'amount', /amount is missing/],
    ['{"sender": "a", "recipient": "b", "amount": 0}', 'amount', /positive number.*got 0$/],
    ['{"sender": "a", "recipient": "b", "amount": -1.5}', 'amount', /got -1.5$/],
    ['{"sender": "a", "recipient": "b", "amount": 0.0}', 'amount', /got 0.0$/],
    ['{"sender": "a", "recipient": "b", "amount": "5"}', 'amount', /got a string$/],
    ['{"sender": "a", "recipient": "b", "amount": true}', 'amount', /got a boolean$/],
    [
      `{"sender": "${'x'.repeat(PARTY_MAX + 1)}", "recipient": "b", "amount": 1}`,
      'sender',
      /129 characters long; at most 128/,
    ],
    [
      `{"sender": "a", "recipient": "b", "amount": 1${'0'.repeat(70)}}`,
      'amount',
      /71 characters; at most 64/,
    ],
  ])('rejects %s on %s', (text, field, message) => {
    const result = parseNewTransaction(parsePyJson(text));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.field).toBe(field);
    expect(renderMessage(result.reason)).toMatch(message);
  });

  it('rejects non-finite amounts built in memory', () => {
    const result = parseNewTransaction({ sender: 'a', recipient: 'b', amount: Number.POSITIVE_INFINITY });
    expect(result).toMatchObject({ ok: false, field: 'amount' });
  });
});

describe('rewardTransaction / newNodeId', () => {
  it('pays one integer coin from "0"', () => {
    expect(dumpsPy(rewardTransaction('abc'))).toBe('{"amount": 1, "recipient": "abc", "sender": "0"}');
  });

  it('makes 32 lowercase hex uuid4 ids, different each time', () => {
    const a = newNodeId();
    expect(a).toMatch(/^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$/);
    expect(newNodeId()).not.toBe(a);
  });
});
