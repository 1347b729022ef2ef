import { describe, expect, it } from 'vitest';
import { blockToPy, encodeBlock, hashBlock } from '../../src-main/chain/block.ts';
import { dumpsPy, parsePyJson } from '../../src-main/chain/json.ts';
import { isValidProof } from '../../src-main/chain/proof.ts';
import type { Block, PyObject, PyValue, Rules } from '../../src-main/chain/types.ts';
import { validateChain } from '../../src-main/chain/validate.ts';
import { buildChain, transfer } from './chain-helpers.ts';
import { JsonTextGenerator, makeRng } from './random-json.ts';

const DVF2: Rules = { profile: 'dvf', difficulty: 2 };
const ARTICLE2: Rules = { profile: 'article', difficulty: 2 };

/** The chain as a peer sends it: plain JSON values, parsed back from text. */
const wire = (chain: readonly Block[]): PyObject[] =>
  parsePyJson(dumpsPy(chain.map(blockToPy))) as PyObject[];

const txs = (i: number): PyValue[] => [
  { sender: '0', recipient: 'miner', amount: 1n },
  transfer('a', `b${i}`, 2.5),
];

describe('validateChain accepts valid chains', () => {
  it.each([DVF2, ARTICLE2])('accepts a 12-block chain under %o', (rules) => {
    const chain = buildChain(rules, 12, txs);
    const result = validateChain(wire(chain), rules);
    expect(result).toEqual({ ok: true, blocks: chain, hashes: chain.map(hashBlock) });
  });

  it('accepts the golden dvf chain at the tutorial difficulty', () => {
    const text =
      '[{"index": 1, "previous_hash": "1", "proof": 100, "timestamp": 1506057125.900785, "transactions": []}, ' +
      '{"index": 2, "previous_hash": "9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067", "proof": 110650, "timestamp": 1506057300.5, "transactions": [{"amount": 1, "recipient": "e3b0c44298fc1c149afbf4c8996fb924", "sender": "0"}]}]';
    const result = validateChain(parsePyJson(text), { profile: 'dvf', difficulty: 4 });
    expect(result.ok).toBe(true);
    // The article rule does not know this genesis.
    expect(validateChain(parsePyJson(text), { profile: 'article', difficulty: 4 })).toMatchObject({
      ok: false,
      blockIndex: 1,
    });
  });

  it('accepts a genesis with any timestamp, even an integer one', () => {
    const chain = wire(buildChain(DVF2, 3, undefined, 1));
    chain[0]!.timestamp = 1n;
    // Changing the genesis breaks the link from block 2; only block 1 is checked here.
    expect(validateChain(chain.slice(0, 1), DVF2).ok).toBe(true);
  });

  it('checks a 20,000-block chain quickly', () => {
    const rules: Rules = { profile: 'dvf', difficulty: 1 };
    const chain = buildChain(rules, 20_000, (i) => [transfer('alice', 'bob', BigInt(i + 1))]);
    const value = wire(chain);
    const started = performance.now();
    const result = validateChain(value, rules);
    const ms = performance.now() - started;
    expect(result.ok).toBe(true);
    expect(ms).toBeLessThan(10_000);
  });
});

describe('validateChain rejects broken chains with a reason', () => {
  const chain = buildChain(DVF2, 8, txs);

  const broken = (damage: (blocks: PyObject[]) => void): ReturnType<typeof validateChain> => {
    const value = wire(chain);
    damage(value);
    return validateChain(value, DVF2);
  };

  it('rejects something that is not a list, and an empty chain', () => {
    expect(validateChain({ chain: [] }, DVF2)).toEqual({
      ok: false,
      reason: 'the chain must be a list of blocks, got an object',
      blockIndex: null,
    });
    expect(validateChain([], DVF2)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/empty/),
      blockIndex: null,
    });
  });

  it('names the block whose previous_hash does not match', () => {
    const result = broken((b) => {
      (b[4]!.transactions as PyValue[]).push(transfer('mallory', 'mallory', 1000n));
    });
    expect(result).toEqual({
      ok: false,
      reason: 'block 6: previous_hash does not match the hash of block 5',
      blockIndex: 6,
    });
  });

  it('names the block whose proof is invalid', () => {
    const lastProof = chain[2]!.proof;
    const lastHash = hashBlock(chain[2]!);
    let bad = 0n;
    while (isValidProof(DVF2, lastProof, bad, lastHash)) bad++;
    const result = broken((b) => (b[3]!.proof = bad));
    expect(result).toMatchObject({ ok: false, blockIndex: 4 });
    expect(result.ok === false && result.reason).toBe(
      `block 4: proof ${bad} is not valid after proof ${lastProof} (dvf profile, difficulty 2)`,
    );
  });

  it('rejects a valid chain under a higher difficulty', () => {
    const result = validateChain(wire(chain), { profile: 'dvf', difficulty: 6 });
    expect(result).toMatchObject({
      ok: false,
      blockIndex: 2,
      reason: expect.stringMatching(/^block 2: proof/),
    });
  });

  it.each([
    ['a wrong index', (b: PyObject[]) => (b[2]!.index = 4n), 'block 3: index is 4, expected 3', 3],
    ['a missing key', (b: PyObject[]) => delete b[2]!.timestamp, "block 3: missing key 'timestamp'", 3],
    [
      'a wrong type',
      (b: PyObject[]) => (b[6]!.proof = 12.0),
      'block 7: proof must be an integer, got a float',
      7,
    ],
    ['an extra key', (b: PyObject[]) => (b[1]!.hash = 'x'), 'block 2: extra key "hash"', 2],
    [
      'a non-object block',
      (b: PyValue[]) => (b[7] = 'block'),
      'block 8: expected an object, got a string',
      8,
    ],
    ['a genesis index of 0', (b: PyObject[]) => (b[0]!.index = 0n), 'block 1: index is 0, expected 1', 1],
    [
      'a genesis proof other than 100',
      (b: PyObject[]) => (b[0]!.proof = 99n),
      'block 1: a genesis proof must be 100, got 99',
      1,
    ],
    [
      'an article genesis on a dvf network',
      (b: PyObject[]) => (b[0]!.previous_hash = 1n),
      'block 1: a genesis previous_hash must be the string "1" under the dvf profile, got the integer 1',
      1,
    ],
  ])('rejects %s', (_name, damage, reason, blockIndex) => {
    expect(broken(damage as (b: PyObject[]) => void)).toEqual({
      ok: false,
      reason: expect.stringContaining(reason),
      blockIndex,
    });
  });

  it('rejects a dvf genesis on an article network', () => {
    const result = validateChain(wire(buildChain(DVF2, 2)), ARTICLE2);
    expect(result).toEqual({
      ok: false,
      reason:
        'block 1: a genesis previous_hash must be the integer 1 under the article profile, got the string "1"',
      blockIndex: 1,
    });
  });

  it('treats a float 1.0 amount as a different block than 1', () => {
    const result = broken((b) => {
      ((b[2]!.transactions as PyObject[])[0] as PyObject).amount = 1;
    });
    expect(result).toMatchObject({ ok: false, blockIndex: 4 });
  });

  it('never throws on random junk or randomly damaged chains', () => {
    const seed = Number(process.env.CHAIN_JSON_SEED ?? Math.floor(Math.random() * 2 ** 32));
    const gen = new JsonTextGenerator(makeRng(seed));
    const lines = encodeBlock(chain[1]!);
    for (let i = 0; i < 300; i++) {
      const junk = parsePyJson(gen.document());
      expect(() => validateChain(junk, DVF2), `seed ${seed}`).not.toThrow();
      expect(validateChain([junk], DVF2).ok, `seed ${seed}`).toBe(false);
      const value = wire(chain);
      const at = gen.int(value.length);
      const key = gen.pick(['index', 'previous_hash', 'proof', 'timestamp', 'transactions']);
      value[at]![key] = junk;
      expect(() => validateChain(value, DVF2), `seed ${seed}`).not.toThrow();
    }
    expect(lines).toContain('"index": 2');
  });
});
