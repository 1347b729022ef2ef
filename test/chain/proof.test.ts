import { describe, expect, it } from 'vitest';
import { createGenesis } from '../../src-main/chain/block.ts';
import {
  guessHash,
  guessString,
  isValidProof,
  proofJobFor,
  searchProofSync,
} from '../../src-main/chain/proof.ts';
import type { Rules } from '../../src-main/chain/types.ts';

const GENESIS_HASH = '9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067';
const ARTICLE: Rules = { profile: 'article', difficulty: 4 };
const DVF: Rules = { profile: 'dvf', difficulty: 4 };

describe('golden proofs (protocol.md §3)', () => {
  it('finds 35293 after 100 under the article rule', () => {
    expect(searchProofSync(ARTICLE, 100n, GENESIS_HASH)).toBe(35293n);
    expect(isValidProof(ARTICLE, 100n, 35293n, 'ignored')).toBe(true);
  });

  it('finds 110650 after the dvf genesis, with the documented guess hash', () => {
    expect(searchProofSync(DVF, 100n, GENESIS_HASH)).toBe(110650n);
    expect(guessHash('dvf', 100n, 110650n, GENESIS_HASH)).toBe(
      '0000c49b520c3acbbfa4b6f521e87a189ff2ac490d1ddf3396c8d0f5f504c65e',
    );
  });
});

describe('guessString', () => {
  it('uses plain decimal digits, with the last hash only for dvf', () => {
    expect(guessString('article', 100n, 35293n, GENESIS_HASH)).toBe('10035293');
    expect(guessString('dvf', 100n, 110650n, GENESIS_HASH)).toBe(`100110650${GENESIS_HASH}`);
    expect(guessString('article', 2n ** 70n, 0n, '')).toBe('11805916207174113034240');
  });
});

describe('isValidProof', () => {
  it('rejects a proof that misses the zeros, and a negative proof', () => {
    expect(isValidProof(ARTICLE, 100n, 35292n, '')).toBe(false);
    expect(isValidProof(DVF, 100n, 110650n, 'f'.repeat(64))).toBe(false);
    expect(isValidProof({ profile: 'article', difficulty: 0 }, 100n, -1n, '')).toBe(false);
  });

  it('counts the difficulty in hex zeros', () => {
    // guess hash of 100/110650 under dvf starts with exactly four zeros then "c".
    expect(isValidProof({ profile: 'dvf', difficulty: 3 }, 100n, 110650n, GENESIS_HASH)).toBe(true);
    expect(isValidProof({ profile: 'dvf', difficulty: 5 }, 100n, 110650n, GENESIS_HASH)).toBe(false);
    expect(isValidProof({ profile: 'article', difficulty: 0 }, 1n, 2n, '')).toBe(true);
  });

  it('refuses impossible difficulties', () => {
    expect(() => isValidProof({ profile: 'article', difficulty: 65 }, 1n, 1n, '')).toThrow(RangeError);
    expect(() => isValidProof({ profile: 'article', difficulty: 1.5 }, 1n, 1n, '')).toThrow(RangeError);
  });
});

describe('proofJobFor / searchProofSync', () => {
  it('targets the last block of the chain', () => {
    const genesis = createGenesis('dvf', 1506057125.900785);
    expect(proofJobFor(DVF, genesis)).toEqual({
      profile: 'dvf',
      difficulty: 4,
      lastProof: 100n,
      lastHash: GENESIS_HASH,
    });
    expect(genesis.hash).toBe(GENESIS_HASH);
  });

  it('counts up from start and returns the first valid proof', () => {
    const rules: Rules = { profile: 'article', difficulty: 2 };
    const first = searchProofSync(rules, 7n, '');
    for (let p = 0n; p < first; p++) expect(isValidProof(rules, 7n, p, '')).toBe(false);
    expect(isValidProof(rules, 7n, first, '')).toBe(true);
    const next = searchProofSync(rules, 7n, '', first + 1n);
    expect(next).toBeGreaterThan(first);
    expect(isValidProof(rules, 7n, next, '')).toBe(true);
  });
});
