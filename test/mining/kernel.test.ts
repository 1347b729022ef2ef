import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CHUNK, MAX_CHUNK, ProofKernel, wordMask } from '../../src-main/mining/kernel.ts';
import type { ProofJob } from '../../src-main/mining/types.ts';

const GENESIS_HASH = '9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067';

/** node:crypto is the oracle: the tutorial's guess string, hashed. */
function oracle(job: ProofJob, candidate: bigint): Buffer {
  const guess = `${job.lastProof}${candidate}${job.profile === 'dvf' ? job.lastHash : ''}`;
  return createHash('sha256').update(guess).digest();
}

function leadingZeroNibbles(hash: Buffer): number {
  const hex = hash.toString('hex');
  return hex.length - hex.replace(/^0+/, '').length;
}

/** Compares the kernel's digests of a chunk (or of some of its candidates) with node:crypto. */
function firstMismatch(job: ProofJob, chunk: number, from = 0, to = CHUNK): string | null {
  const digests = new ProofKernel(job).digestChunk(chunk);
  for (let v = from; v < to; v += 1) {
    const candidate = BigInt(chunk) * BigInt(CHUNK) + BigInt(v);
    const expected = oracle(job, candidate);
    if (!expected.equals(digests.subarray(v * 32, v * 32 + 32))) {
      return `${job.profile} lastProof=${job.lastProof} candidate=${candidate}`;
    }
  }
  return null;
}

const randomDigits = (length: number): bigint =>
  length === 0
    ? 0n
    : BigInt(Array.from({ length }, (_, i) => Math.floor(Math.random() * 10) || (i === 0 ? 1 : 0)).join(''));

describe('ProofKernel', () => {
  it('finds the golden proofs of protocol.md, the same a tutorial node finds', () => {
    const article = new ProofKernel({ profile: 'article', difficulty: 4, lastProof: 100n, lastHash: '' });
    const dvf = new ProofKernel({ profile: 'dvf', difficulty: 4, lastProof: 100n, lastHash: GENESIS_HASH });
    const firstProof = (kernel: ProofKernel): bigint | null => {
      for (let chunk = 0; chunk < 100; chunk += 1) {
        const proof = kernel.searchChunk(chunk);
        if (proof !== null) return proof;
      }
      return null;
    };
    expect(firstProof(article)).toBe(35293n);
    expect(firstProof(dvf)).toBe(110650n);
    const guess = createHash('sha256').update(`100110650${GENESIS_HASH}`).digest('hex');
    expect(guess).toBe('0000c49b520c3acbbfa4b6f521e87a189ff2ac490d1ddf3396c8d0f5f504c65e');
    const digests = new ProofKernel({
      profile: 'dvf',
      difficulty: 4,
      lastProof: 100n,
      lastHash: GENESIS_HASH,
    }).digestChunk(11);
    expect(Buffer.from(digests.subarray(650 * 32, 651 * 32)).toString('hex')).toBe(guess);
  });

  it('hashes a million random candidates exactly as node:crypto does', () => {
    // 50 chunks of 10 000 per profile, each under a random last proof (0 to 150 digits, so that the
    // prefix alone may fill whole blocks) and with a random digit count of the candidate.
    let checked = 0;
    for (const profile of ['article', 'dvf'] as const) {
      for (let i = 0; i < 50; i += 1) {
        const lastProof = randomDigits(
          i < 40 ? Math.floor(Math.random() * 25) : Math.floor(Math.random() * 150),
        );
        const lastHash = randomBytes(32).toString('hex');
        const chunk = 1 + Math.floor(Math.random() * 10 ** (1 + Math.floor(Math.random() * 11)));
        expect(
          firstMismatch({ profile, difficulty: 4, lastProof, lastHash }, Math.min(chunk, MAX_CHUNK)),
        ).toBeNull();
        checked += CHUNK;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(1_000_000);
  });

  it('is exact across every digit-count boundary of the candidate up to 2^53', () => {
    for (const profile of ['article', 'dvf'] as const) {
      for (const lastProof of [0n, 7n, 35293n, 12345678901234567890n]) {
        const job = { profile, difficulty: 4, lastProof, lastHash: GENESIS_HASH };
        // Chunk 0 holds 0..9999 (1 to 4 digits); chunk 10^k - 1 ends with the last (k+4)-digit numbers
        // and chunk 10^k starts the (k+5)-digit ones.
        expect(firstMismatch(job, 0)).toBeNull();
        expect(firstMismatch(job, MAX_CHUNK, CHUNK - 300)).toBeNull();
        for (let k = 0; k <= 12; k += 1) {
          if (k > 0) expect(firstMismatch(job, 10 ** k - 1, CHUNK - 300)).toBeNull();
          expect(firstMismatch(job, 10 ** k, 0, 300)).toBeNull();
        }
      }
    }
    expect(BigInt(MAX_CHUNK + 1) * BigInt(CHUNK)).toBeLessThanOrEqual(2n ** 53n);
  });

  it('finds exactly the candidates node:crypto accepts, for difficulties 1 to 5', () => {
    for (const profile of ['article', 'dvf'] as const) {
      for (let difficulty = 1; difficulty <= 5; difficulty += 1) {
        for (const chunk of [0, 1, 42, 123456, 98765432]) {
          const job = {
            profile,
            difficulty,
            lastProof: randomDigits(8),
            lastHash: randomBytes(32).toString('hex'),
          };
          let expected: bigint | null = null;
          for (let v = 0; v < CHUNK && expected === null; v += 1) {
            const candidate = BigInt(chunk) * BigInt(CHUNK) + BigInt(v);
            if (leadingZeroNibbles(oracle(job, candidate)) >= difficulty) expected = candidate;
          }
          expect(new ProofKernel(job).searchChunk(chunk)).toBe(expected);
        }
      }
    }
  });

  it('filters on the leading nibbles of hash word 0, up to 8, and checks the rest exactly', () => {
    expect(wordMask(1) >>> 0).toBe(0xf0000000);
    expect(wordMask(4) >>> 0).toBe(0xffff0000);
    expect(wordMask(7) >>> 0).toBe(0xfffffff0);
    expect(wordMask(8) >>> 0).toBe(0xffffffff);
    expect(wordMask(16) >>> 0).toBe(0xffffffff);
    const kernel = new ProofKernel({ profile: 'article', difficulty: 16, lastProof: 100n, lastHash: '' });
    expect(kernel.isValid(35293n)).toBe(false);
    expect(
      new ProofKernel({ profile: 'article', difficulty: 4, lastProof: 100n, lastHash: '' }).isValid(35293n),
    ).toBe(true);
    expect(
      new ProofKernel({ profile: 'article', difficulty: 5, lastProof: 100n, lastHash: '' }).isValid(35293n),
    ).toBe(
      leadingZeroNibbles(
        oracle({ profile: 'article', difficulty: 5, lastProof: 100n, lastHash: '' }, 35293n),
      ) >= 5,
    );
  });
});
