import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProofSearcher, defaultWorkerCount } from '../../src-main/mining/searcher.ts';
import { miningWorkerFile } from '../../src-main/mining/worker-file.ts';
import type { MiningProgress, ProofJob, ProofSearcher } from '../../src-main/mining/types.ts';

const GENESIS_HASH = '9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067';
/** A job that takes days: searches of it only end by being cancelled. */
const ENDLESS: ProofJob = { profile: 'article', difficulty: 14, lastProof: 35293n, lastHash: '' };

const isValid = (job: ProofJob, proof: bigint): boolean => {
  const hex = createHash('sha256')
    .update(`${job.lastProof}${proof}${job.profile === 'dvf' ? job.lastHash : ''}`)
    .digest('hex');
  return hex.startsWith('0'.repeat(job.difficulty));
};

const searchers: ProofSearcher[] = [];
const searcher = (workers?: number): ProofSearcher => {
  const s = createProofSearcher({ workers });
  searchers.push(s);
  return s;
};
afterEach(async () => {
  await Promise.all(searchers.splice(0).map((s) => s.close()));
});

/** Resolves with the first progress report of a search once its workers are hashing. */
const firstProgress = (s: ProofSearcher, job: ProofJob, signal: AbortSignal): Promise<MiningProgress> =>
  new Promise((resolve) => {
    s.find(job, { signal, onProgress: (p) => p.tried > 0 && resolve(p) }).catch(() => undefined);
  });

describe('createProofSearcher', () => {
  it('finds the tutorial proofs with one worker, and valid proofs with several', async () => {
    const one = searcher(1);
    expect(await one.find({ profile: 'article', difficulty: 4, lastProof: 100n, lastHash: '' })).toBe(35293n);
    expect(await one.find({ profile: 'dvf', difficulty: 4, lastProof: 100n, lastHash: GENESIS_HASH })).toBe(
      110650n,
    );
    const two = searcher(2);
    for (const job of [
      { profile: 'article', difficulty: 5, lastProof: 35293n, lastHash: '' },
      { profile: 'dvf', difficulty: 5, lastProof: 110650n, lastHash: GENESIS_HASH },
      { profile: 'article', difficulty: 1, lastProof: 0n, lastHash: '' },
    ] as const) {
      expect(isValid(job, await two.find(job))).toBe(true);
    }
  });

  it('rejects with an AbortError within 50 ms of the abort, and is ready for the next search', async () => {
    const s = searcher(2);
    const controller = new AbortController();
    // Workers are started by the first search; time the abort of a search that is in full swing.
    await firstProgress(s, ENDLESS, controller.signal);
    const search = s.find(ENDLESS, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const aborted = performance.now();
    controller.abort();
    await expect(search).rejects.toMatchObject({ name: 'AbortError' });
    expect(performance.now() - aborted).toBeLessThan(50);
    expect(await s.find({ profile: 'article', difficulty: 3, lastProof: 7n, lastHash: '' })).toBeTypeOf(
      'bigint',
    );
  });

  it('rejects at once when the signal is already aborted', async () => {
    const s = searcher(1);
    await expect(s.find(ENDLESS, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('cancels a running search when a new one starts, never resolving it', async () => {
    const s = searcher(1);
    const old = s.find(ENDLESS);
    const next = s.find({ profile: 'article', difficulty: 2, lastProof: 1n, lastHash: '' });
    await expect(old).rejects.toMatchObject({ name: 'AbortError' });
    expect(await next).toBeTypeOf('bigint');
  });

  it('reports progress at most 4 times a second, with a hash rate and the expected time', async () => {
    const s = searcher(1);
    const reports: { at: number; progress: MiningProgress }[] = [];
    const controller = new AbortController();
    const search = s.find(ENDLESS, {
      signal: controller.signal,
      onProgress: (progress) => reports.push({ at: performance.now(), progress }),
    });
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    controller.abort();
    await expect(search).rejects.toMatchObject({ name: 'AbortError' });
    expect(reports.length).toBeGreaterThanOrEqual(3);
    expect(reports.length).toBeLessThanOrEqual(6);
    for (let i = 1; i < reports.length; i += 1) {
      expect(reports[i].at - reports[i - 1].at).toBeGreaterThanOrEqual(200);
      expect(reports[i].progress.tried).toBeGreaterThanOrEqual(reports[i - 1].progress.tried);
    }
    const last = reports[reports.length - 1].progress;
    expect(last).toMatchObject({ workers: 1 });
    expect(last.hashRate).toBeGreaterThan(0);
    expect(last.elapsedMs).toBeGreaterThan(900);
    expect(last.expectedMs).toBeCloseTo((16 ** ENDLESS.difficulty / last.hashRate) * 1000);
    const before = reports.length;
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(reports.length).toBe(before);
  });

  it('uses the configured worker count, and cores - 1 (at least 1) by default', async () => {
    expect(defaultWorkerCount()).toBe(Math.max(1, availableParallelism() - 1));
    const s = searcher();
    const controller = new AbortController();
    expect((await firstProgress(s, ENDLESS, controller.signal)).workers).toBe(defaultWorkerCount());
    controller.abort();
    s.setWorkers(2);
    const second = new AbortController();
    expect((await firstProgress(s, ENDLESS, second.signal)).workers).toBe(2);
    second.abort();
    s.setWorkers(0);
    const third = new AbortController();
    expect((await firstProgress(s, ENDLESS, third.signal)).workers).toBe(defaultWorkerCount());
    third.abort();
    expect(() => s.setWorkers(-1)).toThrow(RangeError);
    expect(() => s.setWorkers(1.5)).toThrow(RangeError);
  });

  it('rejects a worker crash with a clear error instead of hanging', async () => {
    for (const code of ["throw new Error('boom')", 'process.exit(3)']) {
      const s = createProofSearcher({ workers: 1, workerFile: { file: code, eval: true } });
      searchers.push(s);
      await expect(s.find(ENDLESS)).rejects.toThrow(/Mining worker crashed: .*(boom|code 3)/);
    }
  });

  it('rejects bad jobs, and every search once closed', async () => {
    const s = searcher(1);
    await expect(s.find({ ...ENDLESS, difficulty: 65 })).rejects.toThrow(RangeError);
    await expect(s.find({ ...ENDLESS, difficulty: 2.5 })).rejects.toThrow(RangeError);
    const pending = expect(s.find(ENDLESS)).rejects.toMatchObject({ name: 'AbortError' });
    await s.close();
    await pending;
    await expect(s.find(ENDLESS)).rejects.toThrow(/closed/);
  });
});

describe('miningWorkerFile', () => {
  it('is mining-worker.js beside the bundle in the built app', () => {
    expect(miningWorkerFile('file:///app/out/main/index.js')).toEqual({
      file: join('/app/out/main', 'mining-worker.js'),
    });
    // In a packaged app the worker is read from the unpacked copy beside the asar archive.
    expect(miningWorkerFile('file:///opt/Blockparty/resources/app.asar/out/main/index.js')).toEqual({
      file: '/opt/Blockparty/resources/app.asar.unpacked/out/main/mining-worker.js',
    });
  });

  it('is a tsx bootstrap for worker.ts when running from sources', () => {
    const spec = miningWorkerFile(new URL('../../src-main/mining/searcher.ts', import.meta.url).href);
    expect(spec.eval).toBe(true);
    expect(String(spec.file)).toContain('src-main/mining/worker.ts');
  });
});
