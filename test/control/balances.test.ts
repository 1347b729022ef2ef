import { describe, expect, it } from 'vitest';
import { createBalanceLedger } from '../../src-main/control/balances.ts';
import type { Block, PyValue } from '../../src-main/chain/types.ts';

function block(index: number, transactions: PyValue[]): Block {
  return { index: BigInt(index), previous_hash: '1', proof: 100n, timestamp: 1.5, transactions };
}

describe('balance ledger', () => {
  // The ledger knows no names: the service adds them (see service.test.ts).
  it('sums ints exactly, turns a row to floats once a float reaches it, and keeps the mint out', () => {
    const ledger = createBalanceLedger();
    ledger.addBlock(block(1, []));
    ledger.addBlock(
      block(2, [
        { sender: '0', recipient: 'miner', amount: 1n },
        // 2^53 + 1: a float sum would print …992.
        { sender: '0', recipient: 'whale', amount: 9007199254740993n },
        { sender: 'alice', recipient: 'bob', amount: 3n },
        { sender: 'bob', recipient: 'carol', amount: 2.5 },
      ]),
    );
    ledger.addBlock(
      block(3, [
        { sender: '0', recipient: 'miner', amount: 1n },
        // Sent to the mint: burnt, as nobody can spend from "0" without minting.
        { sender: 'carol', recipient: '0', amount: 1n },
      ]),
    );
    expect(ledger.blocks).toBe(3);
    expect(ledger.snapshot()).toEqual({
      rows: [
        {
          address: 'whale',
          name: null,
          received: '9007199254740993',
          sent: '0',
          balance: '9007199254740993',
        },
        { address: 'miner', name: null, received: '2', sent: '0', balance: '2' },
        { address: 'carol', name: null, received: '2.5', sent: '1.0', balance: '1.5' },
        { address: 'bob', name: null, received: '3.0', sent: '2.5', balance: '0.5' },
        { address: 'alice', name: null, received: '0', sent: '3', balance: '-3' },
      ],
      skipped: 0,
    });
  });

  it('skips and counts what is not a transfer of a number between two strings', () => {
    const ledger = createBalanceLedger();
    ledger.addBlock(
      block(2, [
        { sender: 'a', recipient: 'b', amount: '5' },
        { sender: 'a', recipient: 'b', amount: true },
        { sender: 'a', recipient: 'b', amount: null },
        { sender: 'a', recipient: 'b' },
        { sender: 5n, recipient: 'b', amount: 1n },
        { recipient: 'b', amount: 1n },
        'not a transaction',
        ['a', 'b', 1n],
        { sender: 'a', recipient: 'b', amount: 2n },
      ]),
    );
    // A peer's block whose transactions are not even a list adds nothing, and is no transaction to count.
    ledger.addBlock({ ...block(3, []), transactions: 'junk' as unknown as PyValue[] });
    expect(ledger.snapshot()).toEqual({
      rows: [
        { address: 'b', name: null, received: '2', sent: '0', balance: '2' },
        { address: 'a', name: null, received: '0', sent: '2', balance: '-2' },
      ],
      skipped: 8,
    });
  });

  it('prints float sums as Python does, including an overflow to infinity', () => {
    const ledger = createBalanceLedger();
    ledger.addBlock(
      block(2, [
        { sender: 'a', recipient: 'b', amount: 0.1 },
        { sender: 'a', recipient: 'b', amount: 0.2 },
        { sender: 'x', recipient: 'y', amount: 1.7976931348623157e308 },
        { sender: 'x', recipient: 'y', amount: 1.7976931348623157e308 },
      ]),
    );
    const rows = Object.fromEntries(ledger.snapshot().rows.map((r) => [r.address, r]));
    expect(rows['b']).toMatchObject({ received: '0.30000000000000004', balance: '0.30000000000000004' });
    expect(rows['y']).toMatchObject({ received: 'inf', balance: 'inf' });
    expect(rows['x']).toMatchObject({ sent: 'inf', balance: '-inf' });
  });
});
