import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CHUNK,
  MAX_CHUNK,
  MAX_KERNELS,
  ProofKernel,
  kernelCache,
  likelyProofDigits,
  warmUpSteps,
  wordMask,
} from '../../src-main/mining/kernel.ts';
import type { ProofJob } from '../../src-main/mining/types.ts';
import { pythonProofs } from './python-proofs.ts';

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

/** The smallest candidate of a chunk that node:crypto accepts, or null. */
function oracleSearch(job: ProofJob, chunk: number): bigint | null {
  for (let v = 0; v < CHUNK; v += 1) {
    const candidate = BigInt(chunk) * BigInt(CHUNK) + BigInt(v);
    if (leadingZeroNibbles(oracle(job, candidate)) >= job.difficulty) return candidate;
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
          expect(new ProofKernel(job).searchChunk(chunk)).toBe(oracleSearch(job, chunk));
        }
      }
    }
  });

  it('finds proofs below 10 000 (1 to 4 digits), the very ones the tutorial loop finds in python3', () => {
    const jobs: ProofJob[] = [];
    for (const profile of ['article', 'dvf'] as const) {
      for (let lastProof = 0n; lastProof < 60n; lastProof += 1n) {
        jobs.push({ profile, difficulty: 4, lastProof, lastHash: GENESIS_HASH });
      }
      for (let difficulty = 1; difficulty <= 3; difficulty += 1) {
        for (const lastProof of [0n, 7n, 42n, 100n, 35293n, 110650n, 123456789012n, 10n ** 70n]) {
          jobs.push({ profile, difficulty, lastProof, lastHash: GENESIS_HASH });
        }
      }
    }
    const expected = pythonProofs(jobs, CHUNK);
    // Small proofs of every length, so that each of chunk 0's four kernels has to find some.
    const lengths = new Set(expected.filter((p) => p !== null).map((p) => String(p).length));
    expect([...lengths].sort()).toEqual([1, 2, 3, 4]);
    expect(jobs.map((job) => new ProofKernel(job).searchChunk(0))).toEqual(expected);
  });

  it('keeps kernels per layout across jobs, at most MAX_KERNELS of them, least recently used out', () => {
    const job = (lastProof: bigint, difficulty = 2): ProofJob => ({
      profile: 'article',
      difficulty,
      lastProof,
      lastHash: '',
    });
    expect(new ProofKernel(job(11111n)).searchChunk(12)).toBe(oracleSearch(job(11111n), 12));
    expect(kernelCache().layouts).toContain('5:6:0:search');
    const { built } = kernelCache();
    // Another job with the same lengths (prefix 5, candidate 6 digits): nothing new to build.
    expect(new ProofKernel(job(22222n)).searchChunk(34)).toBe(oracleSearch(job(22222n), 34));
    expect(kernelCache().built).toBe(built);
    for (let length = 1; length <= MAX_KERNELS + 4; length += 1) {
      new ProofKernel(job(10n ** BigInt(length + 20))).searchChunk(1);
    }
    expect(kernelCache().layouts).toHaveLength(MAX_KERNELS);
    expect(kernelCache().layouts).not.toContain('5:6:0:search');
    // An evicted layout is built again, and is as exact as before.
    expect(new ProofKernel(job(11111n)).searchChunk(12)).toBe(oracleSearch(job(11111n), 12));
    expect(kernelCache().layouts.at(-1)).toBe('5:6:0:search');
  });

  it('warm() builds the kernels of a digit count ahead of a search, which then builds none', () => {
    const job: ProofJob = { profile: 'dvf', difficulty: 3, lastProof: 1234567n, lastHash: GENESIS_HASH };
    const kernel = new ProofKernel(job);
    for (let digits = 1; digits <= 8; digits += 1) kernel.warm(digits);
    for (let digits = 1; digits <= 8; digits += 1) {
      expect(kernelCache().layouts).toContain(`7:${digits}:64:search`);
    }
    const { built } = kernelCache();
    const other = { ...job, lastProof: 7654321n };
    for (const chunk of [0, 5, 42, 999]) {
      expect(new ProofKernel(other).searchChunk(chunk)).toBe(oracleSearch(other, chunk));
    }
    expect(kernelCache().built).toBe(built);
    expect(() => kernel.warm(0)).toThrow(RangeError);
  });

  it('plans a warm-up: the next search, then the searches after proofs of the usual lengths', () => {
    expect(likelyProofDigits(0)).toEqual([1]);
    expect(likelyProofDigits(4)).toEqual([4, 5, 6]);
    expect(likelyProofDigits(5)).toEqual([6, 7]);
    expect(likelyProofDigits(20).at(-1)).toBe(16);
    const job: ProofJob = { profile: 'article', difficulty: 4, lastProof: 100n, lastHash: '' };
    const steps = warmUpSteps(job).map((step) => `${step.job.lastProof.toString().length}:${step.digits}`);
    expect(steps.slice(0, 8)).toEqual(['3:1', '3:2', '3:3', '3:4', '3:5', '3:6', '3:7', '3:8']);
    expect(steps.slice(8)).toEqual(
      [4, 5, 6].flatMap((length) => [1, 2, 3, 4, 5, 6].map((digits) => `${length}:${digits}`)),
    );
    expect(warmUpSteps({ ...job, difficulty: 13 }).length).toBeLessThanOrEqual(MAX_KERNELS);
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
