import { describe, expect, it } from 'vitest';
import {
  BlockShapeError,
  blockFromPy,
  blockToPy,
  createGenesis,
  decodeBlock,
  encodeBlock,
  forgeBlock,
  hashBlock,
  sameBlock,
} from '../../src-main/chain/block.ts';
import { PyJsonError, parsePyJson } from '../../src-main/chain/json.ts';
import type { Block, PyValue } from '../../src-main/chain/types.ts';

const GENESIS_DVF =
  '{"index": 1, "previous_hash": "1", "proof": 100, "timestamp": 1506057125.900785, "transactions": []}';
const BLOCK_2 =
  '{"index": 2, "previous_hash": "9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067", "proof": 110650, "timestamp": 1506057300.5, "transactions": [{"amount": 1, "recipient": "e3b0c44298fc1c149afbf4c8996fb924", "sender": "0"}]}';

const fromText = (text: string): Block => blockFromPy(parsePyJson(text));

describe('hashBlock golden vectors (protocol.md §3)', () => {
  it.each([
    [GENESIS_DVF, '9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067'],
    [GENESIS_DVF.replace('"1"', '1'), '3bdfda1e87f2307ea4283bcca83b8578c7eca0e287ae9e7643a019a027bb9d5d'],
    [BLOCK_2, 'fb29bf1df4503219343485cb4c14b6213a4ef2c5ddda3be2aa08d7d80a5cedd1'],
    [
      BLOCK_2.replace('"amount": 1,', '"amount": 1.0,'),
      'e608d1d0ca5dff38ad32972e6b2c6df87c14c80e971fc74a38502068b9875f1a',
    ],
  ])('%s hashes to %s', (text, hash) => {
    expect(hashBlock(fromText(text))).toBe(hash);
  });

  it('hashes the genesis built in memory like the parsed one', () => {
    expect(hashBlock(createGenesis('dvf', 1506057125.900785))).toBe(
      '9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067',
    );
    expect(hashBlock(createGenesis('article', 1506057125.900785))).toBe(
      '3bdfda1e87f2307ea4283bcca83b8578c7eca0e287ae9e7643a019a027bb9d5d',
    );
  });
});

describe('createGenesis / forgeBlock', () => {
  it('makes the profile genesis with a float timestamp, even a whole one', () => {
    const article = createGenesis('article', 1613493177);
    expect(article).toEqual({
      index: 1n,
      previous_hash: 1n,
      proof: 100n,
      timestamp: 1613493177,
      transactions: [],
    });
    expect(encodeBlock(article)).toBe(
      '{"index": 1, "previous_hash": 1, "proof": 100, "timestamp": 1613493177.0, "transactions": []}',
    );
    expect(createGenesis('dvf', 1.5).previous_hash).toBe('1');
  });

  it('links a forged block to the hash of the last one', () => {
    const genesis = fromText(GENESIS_DVF);
    const tx: PyValue = { amount: 1n, recipient: 'e3b0c44298fc1c149afbf4c8996fb924', sender: '0' };
    const block = forgeBlock([genesis], 110650n, [tx], 1506057300.5);
    expect(encodeBlock(block)).toBe(BLOCK_2);
    expect(() => forgeBlock([], 1n, [], 1)).toThrow(/empty chain/);
  });
});

describe('blockFromPy', () => {
  const good = (): Record<string, PyValue> => parsePyJson(BLOCK_2) as Record<string, PyValue>;

  it.each([
    ['missing key', (b: Record<string, PyValue>) => delete b.proof, "missing key 'proof'"],
    ['extra key', (b: Record<string, PyValue>) => (b.miner = 'me'), 'extra key "miner"'],
    ['float index', (b: Record<string, PyValue>) => (b.index = 2), 'index must be an integer, got a float'],
    [
      'string index',
      (b: Record<string, PyValue>) => (b.index = '2'),
      'index must be an integer, got a string',
    ],
    [
      'bool proof',
      (b: Record<string, PyValue>) => (b.proof = true),
      'proof must be an integer, got a boolean',
    ],
    [
      'float proof',
      (b: Record<string, PyValue>) => (b.proof = 110650),
      'proof must be an integer, got a float',
    ],
    ['negative proof', (b: Record<string, PyValue>) => (b.proof = -1n), 'proof must not be negative'],
    [
      'null previous_hash',
      (b: Record<string, PyValue>) => (b.previous_hash = null),
      'previous_hash must be a string or an integer',
    ],
    [
      'string timestamp',
      (b: Record<string, PyValue>) => (b.timestamp = 'now'),
      'timestamp must be a number, got a string',
    ],
    [
      'object transactions',
      (b: Record<string, PyValue>) => (b.transactions = {}),
      'transactions must be a list, got an object',
    ],
  ])('rejects a block with a %s', (_name, damage, reason) => {
    const value = good();
    damage(value);
    expect(() => blockFromPy(value)).toThrow(BlockShapeError);
    expect(() => blockFromPy(value)).toThrow(reason);
  });

  it('rejects values that are not objects', () => {
    expect(() => blockFromPy([])).toThrow('expected an object, got a list');
    expect(() => blockFromPy(null)).toThrow('expected an object, got null');
  });

  it('accepts an integer timestamp and keeps it an integer', () => {
    const block = fromText(GENESIS_DVF.replace('1506057125.900785', '1506057125'));
    expect(block.timestamp).toBe(1506057125n);
    expect(encodeBlock(block)).toContain('"timestamp": 1506057125,');
  });

  it('round-trips through blockToPy', () => {
    const block = fromText(BLOCK_2);
    expect(blockFromPy(blockToPy(block))).toEqual(block);
    expect(Object.keys(blockToPy(block)).sort()).toEqual([
      'index',
      'previous_hash',
      'proof',
      'timestamp',
      'transactions',
    ]);
  });
});

describe('encodeBlock / decodeBlock', () => {
  it.each([
    GENESIS_DVF,
    BLOCK_2,
    BLOCK_2.replace('"amount": 1,', '"amount": 1.0,'),
    '{"index": 3, "previous_hash": 1, "proof": 0, "timestamp": 1613493177.0, "transactions": [{"amount": 123456789012345678901234567890, "recipient": "\\ud83d\\ude00\\ud800", "sender": "\\u00e9"}, [], null]}',
  ])('reads back %s with the same hash and text', (text) => {
    const block = fromText(text);
    const line = encodeBlock(block);
    expect(line).toBe(text);
    expect(line).not.toContain('\n');
    expect(hashBlock(decodeBlock(line))).toBe(hashBlock(block));
  });

  it('throws on a damaged line', () => {
    expect(() => decodeBlock(BLOCK_2.slice(0, 50))).toThrow(PyJsonError);
    expect(() => decodeBlock('{"index": 1}')).toThrow(BlockShapeError);
  });
});

describe('sameBlock', () => {
  it('tells apart blocks that hash differently', () => {
    const a = fromText(BLOCK_2);
    expect(sameBlock(a, fromText(BLOCK_2))).toBe(true);
    expect(sameBlock(a, fromText(BLOCK_2.replace('"amount": 1,', '"amount": 1.0,')))).toBe(false);
    expect(sameBlock(a, { ...a, timestamp: 1506057300.25 })).toBe(false);
    const g = fromText(GENESIS_DVF);
    expect(sameBlock(g, { ...g, previous_hash: 1n })).toBe(false);
    const whole = fromText(GENESIS_DVF.replace('1506057125.900785', '1506057125.0'));
    expect(sameBlock(whole, { ...whole, timestamp: 1506057125n })).toBe(false);
    expect(sameBlock(whole, { ...whole })).toBe(true);
  });
});
