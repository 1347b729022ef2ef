import { describe, expect, it } from 'vitest';
import type { SealedBlock } from '../../src-main/chain/block.ts';
import { dumpsPy, parsePyJson } from '../../src-main/chain/json.ts';
import { isValidProof } from '../../src-main/chain/proof.ts';
import type { PyObject, PyValue, Rules } from '../../src-main/chain/types.ts';
import { validateChain, validateSuffix, type ValidationLimits } from '../../src-main/chain/validate.ts';
import { renderMessage } from '../../src-main/shared/messages.ts';
import { buildChain, chainValue, transfer } from './chain-helpers.ts';

/** validateChain with its reason in English, as the peer API words it. */
function check(value: PyValue, rules: Rules, limits?: ValidationLimits) {
  const result = validateChain(value, rules, limits);
  return result.ok ? result : { ...result, reason: renderMessage(result.reason) };
}
import { JsonTextGenerator, makeRng } from './random-json.ts';

const DVF2: Rules = { profile: 'dvf', difficulty: 2 };
const ARTICLE2: Rules = { profile: 'article', difficulty: 2 };

/** The chain as a peer sends it: plain JSON values, parsed back from text. */
const wire = (chain: readonly SealedBlock[]): PyObject[] =>
  parsePyJson(dumpsPy(chainValue(chain))) as PyObject[];

const txs = (i: number): PyValue[] => [
  { sender: '0', recipient: 'miner', amount: 1n },
  transfer('a', `b${i}`, 2.5),
];

describe('validateChain accepts valid chains', () => {
  it.each([DVF2, ARTICLE2])('accepts a 12-block chain under %o', (rules) => {
    const chain = buildChain(rules, 12, txs);
    const result = check(wire(chain), rules);
    expect(result).toEqual({ ok: true, blocks: chain });
  });

  it('accepts the golden dvf chain at the tutorial difficulty', () => {
    const text =
      '[{"index": 1, "previous_hash": "1", "proof": 100, "timestamp": 1506057125.900785, "transactions": []}, ' +
      '{"index": 2, "previous_hash": "9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067", "proof": 110650, "timestamp": 1506057300.5, "transactions": [{"amount": 1, "recipient": "e3b0c44298fc1c149afbf4c8996fb924", "sender": "0"}]}]';
    const result = check(parsePyJson(text), { profile: 'dvf', difficulty: 4 });
    expect(result.ok).toBe(true);
    // The article rule does not know this genesis.
    expect(check(parsePyJson(text), { profile: 'article', difficulty: 4 })).toMatchObject({
      ok: false,
      blockIndex: 1,
    });
  });

  it('accepts a genesis with any timestamp, even an integer one', () => {
    const chain = wire(buildChain(DVF2, 3, undefined, 1));
    chain[0]!.timestamp = 1n;
    // Changing the genesis breaks the link from block 2; only block 1 is checked here.
    expect(check(chain.slice(0, 1), DVF2).ok).toBe(true);
  });

  it('checks a 20,000-block chain and seals every block with its hash', () => {
    const rules: Rules = { profile: 'dvf', difficulty: 1 };
    const chain = buildChain(rules, 20_000, (i) => [transfer('alice', 'bob', BigInt(i + 1))]);
    const result = check(wire(chain), rules);
    expect(result.ok && result.blocks.map((b) => b.hash)).toEqual(chain.map((b) => b.hash));
  });

  it('checks only the blocks after one it holds (incremental sync)', () => {
    const chain = buildChain(DVF2, 8, txs);
    const tip = chain[4]!;
    const start = { index: 5, hash: tip.hash, proof: tip.decode().proof };
    const suffix = validateSuffix(wire(chain.slice(5)), start, DVF2);
    expect(suffix).toEqual({ ok: true, blocks: chain.slice(5) });
    const wrong = validateSuffix(wire(chain.slice(6)), start, DVF2);
    expect(wrong.ok === false && renderMessage(wrong.reason)).toBe('block 6: index is 7, expected 6');
  });

  it('bounds the blocks of a chain and the size of a block', () => {
    const chain = wire(buildChain(DVF2, 5, txs));
    expect(check(chain, DVF2, { maxBlocks: 4 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/more than 4 blocks/),
    });
    expect(check(chain, DVF2, { maxBlockBytes: 100 })).toMatchObject({
      ok: false,
      blockIndex: 2,
      reason: expect.stringMatching(/larger than 100 bytes/),
    });
  });
});

describe('validateChain rejects broken chains with a reason', () => {
  const chain = buildChain(DVF2, 8, txs);

  const broken = (damage: (blocks: PyObject[]) => void): ReturnType<typeof check> => {
    const value = wire(chain);
    damage(value);
    return check(value, DVF2);
  };

  it('rejects something that is not a list, and an empty chain', () => {
    expect(check({ chain: [] }, DVF2)).toEqual({
      ok: false,
      reason: 'the chain must be a list of blocks, got an object',
      blockIndex: null,
    });
    expect(check([], DVF2)).toMatchObject({
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
    const lastProof = chain[2]!.decode().proof;
    const lastHash = chain[2]!.hash;
    let bad = 0n;
    while (isValidProof(DVF2, lastProof, bad, lastHash)) bad++;
    const result = broken((b) => (b[3]!.proof = bad));
    expect(result).toMatchObject({ ok: false, blockIndex: 4 });
    expect(result.ok === false && result.reason).toBe(
      `block 4: proof ${bad} is not valid after proof ${lastProof} (dvf profile, difficulty 2)`,
    );
  });

  it('rejects a valid chain under a higher difficulty', () => {
    const result = check(wire(chain), { profile: 'dvf', difficulty: 6 });
    expect(result).toMatchObject({
      ok: false,
      blockIndex: 2,
      reason: expect.stringMatching(/^block 2: proof/),
    });
  });

  it.each([
    ['a wrong index', (b: PyObject[]) => (b[2]!.index = 4n), 'block 3: index is 4, expected 3', 3],
    ['a missing key', (b: PyObject[]) => delete b[2]!.timestamp, 'block 3: missing key “timestamp”', 3],
    [
      'a wrong type',
      (b: PyObject[]) => (b[6]!.proof = 12.0),
      'block 7: proof must be an integer, got a float',
      7,
    ],
    ['an extra key', (b: PyObject[]) => (b[1]!.hash = 'x'), 'block 2: extra key “hash”', 2],
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
      'block 1: a genesis previous_hash must be the string "1" under the dvf profile',
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
    const result = check(wire(buildChain(DVF2, 2)), ARTICLE2);
    expect(result).toEqual({
      ok: false,
      reason: 'block 1: a genesis previous_hash must be the integer 1 under the article profile',
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
    const lines = chain[1]!.text;
    for (let i = 0; i < 300; i++) {
      const junk = parsePyJson(gen.document());
      expect(() => check(junk, DVF2), `seed ${seed}`).not.toThrow();
      expect(check([junk], DVF2).ok, `seed ${seed}`).toBe(false);
      const value = wire(chain);
      const at = gen.int(value.length);
      const key = gen.pick(['index', 'previous_hash', 'proof', 'timestamp', 'transactions']);
      value[at]![key] = junk;
      expect(() => check(value, DVF2), `seed ${seed}`).not.toThrow();
    }
    expect(lines).toContain('"index": 2');
  });
});
