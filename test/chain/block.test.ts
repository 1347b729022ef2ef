import { describe, expect, it } from 'vitest';
import {
  BlockShapeError,
  SealedBlock,
  blockFromPy,
  blockToPy,
  createGenesis,
  forgeBlock,
  hashBlock,
  proofOf,
  profileOfGenesis,
  sealLine,
  transactionTexts,
} from '../../src-main/chain/block.ts';
import { dumpsPy, parsePyJson } from '../../src-main/chain/json.ts';
import { renderMessage } from '../../src-main/shared/messages.ts';
import type { Block, PyValue } from '../../src-main/chain/types.ts';

const GENESIS_DVF =
  '{"index": 1, "previous_hash": "1", "proof": 100, "timestamp": 1506057125.900785, "transactions": []}';
const BLOCK_2 =
  '{"index": 2, "previous_hash": "9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067", "proof": 110650, "timestamp": 1506057300.5, "transactions": [{"amount": 1, "recipient": "e3b0c44298fc1c149afbf4c8996fb924", "sender": "0"}]}';

const fromText = (text: string): Block => blockFromPy(parsePyJson(text));
const encodeBlock = (block: Block): string => SealedBlock.of(block).text;

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

  it('seals the genesis built in memory like the parsed one', () => {
    expect(createGenesis('dvf', 1506057125.900785).hash).toBe(
      '9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067',
    );
    expect(createGenesis('article', 1506057125.900785).hash).toBe(
      '3bdfda1e87f2307ea4283bcca83b8578c7eca0e287ae9e7643a019a027bb9d5d',
    );
  });

  it.each([GENESIS_DVF, BLOCK_2])(
    'seals a canonical text as its own text, with the hash of that text',
    (text) => {
      const sealed = SealedBlock.fromCanonical(text);
      expect(sealed.text).toBe(text);
      expect(sealed.hash).toBe(hashBlock(fromText(text)));
      expect(sealed.index).toBe(Number(fromText(text).index));
      expect(sealed.decode()).toEqual(fromText(text));
    },
  );
});

describe('createGenesis / forgeBlock', () => {
  it('makes the profile genesis with a float timestamp, even a whole one', () => {
    const article = createGenesis('article', 1613493177);
    expect(article.decode()).toEqual({
      index: 1n,
      previous_hash: 1n,
      proof: 100n,
      timestamp: 1613493177,
      transactions: [],
    });
    expect(article.text).toBe(
      '{"index": 1, "previous_hash": 1, "proof": 100, "timestamp": 1613493177.0, "transactions": []}',
    );
    expect(createGenesis('dvf', 1.5).decode().previous_hash).toBe('1');
    expect(profileOfGenesis(createGenesis('dvf', 1.5))).toBe('dvf');
    expect(profileOfGenesis(article)).toBe('article');
  });

  it('forges the block that follows a tip from its transactions’ texts, exactly as Python writes it', () => {
    const genesis = SealedBlock.fromCanonical(GENESIS_DVF);
    const tx: PyValue = { amount: 1n, recipient: 'e3b0c44298fc1c149afbf4c8996fb924', sender: '0' };
    const block = forgeBlock(genesis, 110650n, [dumpsPy(tx)], 1506057300.5);
    expect(block.text).toBe(BLOCK_2);
    expect(block.hash).toBe('fb29bf1df4503219343485cb4c14b6213a4ef2c5ddda3be2aa08d7d80a5cedd1');
    expect(block.index).toBe(2);
    expect(proofOf(block)).toBe(110650n);
    const tricky: PyValue[] = [
      { sender: 'Zoë 😀', recipient: 'a\nb', amount: 2.0 },
      [1, { b: null, a: true }],
      'x',
    ];
    const forged = forgeBlock(block, 7n, tricky.map(dumpsPy), 1613493177.0);
    expect(forged.text).toBe(
      dumpsPy(
        blockToPy({
          index: 3n,
          previous_hash: block.hash,
          proof: 7n,
          timestamp: 1613493177.0,
          transactions: tricky,
        }),
      ),
    );
    expect(transactionTexts(forged)).toEqual(tricky.map(dumpsPy));
    expect(transactionTexts(genesis)).toEqual([]);
  });
});

describe('blockFromPy', () => {
  const good = (): Record<string, PyValue> => parsePyJson(BLOCK_2) as Record<string, PyValue>;

  it.each([
    ['missing key', (b: Record<string, PyValue>) => delete b.proof, 'missing key “proof”'],
    ['extra key', (b: Record<string, PyValue>) => (b.miner = 'me'), 'extra key “miner”'],
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
    expect(() => blockFromPy(value, 7)).toThrow(BlockShapeError);
    expect(reasonOf(() => blockFromPy(value, 7))).toContain(reason);
    expect(reasonOf(() => blockFromPy(value, 7))).toMatch(/^block 7: /);
  });

  it('rejects values that are not objects', () => {
    expect(reasonOf(() => blockFromPy([]))).toBe('block 1: expected an object, got a list');
    expect(reasonOf(() => blockFromPy(null))).toBe('block 1: expected an object, got null');
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

describe('sealLine', () => {
  it.each([
    GENESIS_DVF,
    BLOCK_2,
    BLOCK_2.replace('"amount": 1,', '"amount": 1.0,'),
    '{"index": 3, "previous_hash": 1, "proof": 0, "timestamp": 1613493177.0, "transactions": [{"amount": 123456789012345678901234567890, "recipient": "\\ud83d\\ude00\\ud800", "sender": "\\u00e9"}, [], null]}',
  ])('keeps a canonical line as it is: %s', (text) => {
    const checked = sealLine(text, 1);
    expect(checked.ok && checked.canonical).toBe(true);
    expect(checked.ok && checked.block.text).toBe(text);
    expect(checked.ok && checked.block.hash).toBe(hashBlock(fromText(text)));
  });

  it('seals a line in another spelling with its canonical text and hash', () => {
    const spaced = BLOCK_2.replaceAll(', ', ',')
      .replace('{"index": 2,', '{ "proof": 110650, "index": 2,')
      .replace(',"proof":110650', '');
    const checked = sealLine(spaced, 2);
    expect(checked.ok && checked.canonical).toBe(false);
    expect(checked.ok && checked.block.text).toBe(BLOCK_2);
  });

  it('says why a damaged line is not a block', () => {
    const torn = sealLine(BLOCK_2.slice(0, 50), 4);
    expect(torn.ok).toBe(false);
    expect(!torn.ok && renderMessage(torn.reason)).toBe(
      'block 4: expected an object, got text that is not JSON',
    );
    const partial = sealLine('{"index": 1}', 1);
    expect(!partial.ok && renderMessage(partial.reason)).toBe('block 1: missing key “previous_hash”');
  });
});

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof BlockShapeError) return renderMessage(error.reason);
    throw error;
  }
  throw new Error('did not throw');
}
