import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  PROGRESS_INTERVAL_MS,
  createProofSearcher,
  defaultWorkerCount,
} from '../../src-main/mining/searcher.ts';
import { miningWorkerFile } from '../../src-main/mining/worker-file.ts';
import type { MiningProgress, ProofJob, ProofSearcher } from '../../src-main/mining/types.ts';
import { pythonProofs } from './python-proofs.ts';

const GENESIS_HASH = '9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067';
/** A job that takes days: searches of it only end by being cancelled. */
const ENDLESS: ProofJob = { profile: 'article', difficulty: 14, lastProof: 35293n, lastHash: '' };

const isValid = (job: ProofJob, proof: bigint): boolean => {
  const hex = createHash('sha256')
    .update(`${job.lastProof}${proof}${job.profile === 'dvf' ? job.lastHash : ''}`)
    .digest('hex');
  return hex.startsWith('0'.repeat(job.difficulty));
};

/** A promise and its resolve function (Node 20 has no Promise.withResolvers). */
const deferred = (): { promise: Promise<void>; resolve: () => void } => {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
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

  it('finds with one worker the proof the tutorial loop finds in python3, also below 10 000', async () => {
    const candidates: ProofJob[] = [];
    for (let lastProof = 0n; lastProof < 40n; lastProof += 1n) {
      candidates.push({ profile: 'article', difficulty: 4, lastProof, lastHash: '' });
      candidates.push({ profile: 'dvf', difficulty: 4, lastProof, lastHash: GENESIS_HASH });
    }
    for (const difficulty of [1, 2, 3]) {
      candidates.push({ profile: 'article', difficulty, lastProof: 35293n, lastHash: '' });
      candidates.push({ profile: 'dvf', difficulty, lastProof: 110650n, lastHash: GENESIS_HASH });
    }
    const proofs = pythonProofs(candidates, 10_000);
    const jobs = candidates.filter((_, i) => proofs[i] !== null);
    expect(jobs.filter((job) => job.profile === 'dvf' && job.difficulty === 4).length).toBeGreaterThan(0);
    const one = searcher(1);
    const found: bigint[] = [];
    for (const job of jobs) found.push(await one.find(job));
    expect(found).toEqual(proofs.filter((p) => p !== null));
  });

  it('rejects with an AbortError on abort without waiting for the workers, then is ready again', async () => {
    const s = searcher(2);
    const controller = new AbortController();
    const hashing = deferred();
    const search = s.find(ENDLESS, {
      signal: controller.signal,
      onProgress: (p) => p.tried > 0 && hashing.resolve(),
    });
    // Abort a search in full swing: its workers are hashing (they may take a while to start).
    await hashing.promise;
    controller.abort();
    // Settled before the next turn of the event loop, so before any report of a worker could arrive.
    const outcome = await Promise.race([
      search.then(
        () => 'resolved',
        (error: unknown) => error,
      ),
      new Promise((resolve) => setImmediate(() => resolve('still pending at the next turn'))),
    ]);
    expect(outcome).toMatchObject({ name: 'AbortError' });
    // The workers did stop: the next search gets them and finds a proof.
    const job: ProofJob = { profile: 'article', difficulty: 3, lastProof: 7n, lastHash: '' };
    expect(isValid(job, await s.find(job))).toBe(true);
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
    const enough = deferred();
    const before = performance.now();
    const search = s.find(ENDLESS, {
      signal: controller.signal,
      onProgress: (progress) => {
        reports.push({ at: performance.now(), progress });
        // Three reports while hashing; the worker may take a while to start on a loaded machine.
        if (reports.filter((r) => r.progress.tried > 0).length >= 3) enough.resolve();
      },
    });
    await enough.promise;
    controller.abort();
    const atAbort = reports.length;
    await expect(search).rejects.toMatchObject({ name: 'AbortError' });

    expect(reports[0].progress.elapsedMs).toBeGreaterThanOrEqual(200);
    for (let i = 1; i < reports.length; i += 1) {
      const [previous, report] = [reports[i - 1], reports[i]];
      expect(report.at - previous.at).toBeGreaterThanOrEqual(200);
      expect(report.progress.elapsedMs - previous.progress.elapsedMs).toBeGreaterThanOrEqual(200);
      expect(report.progress.tried).toBeGreaterThanOrEqual(previous.progress.tried);
    }
    for (const { at, progress } of reports) {
      expect(progress.elapsedMs).toBeLessThanOrEqual(at - before);
      expect(progress.workers).toBe(1);
      if (progress.tried === 0) continue;
      expect(progress.hashRate).toBeGreaterThan(0);
      expect(progress.expectedMs).toBeCloseTo((16 ** ENDLESS.difficulty / progress.hashRate) * 1000);
    }
    // None after the abort. Not a synchronisation: had the report timer survived, it would be due
    // within one interval, and Node runs due timers in order, so it would fire before this one.
    await new Promise((resolve) => setTimeout(resolve, 2 * PROGRESS_INTERVAL_MS + 50));
    expect(reports).toHaveLength(atAbort);
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

  it('warm() starts the workers ahead of the first search, which does not wait for the warm-up', async () => {
    const s = searcher(1);
    const order: string[] = [];
    const warming = s
      .warm({ profile: 'article', difficulty: 4, lastProof: 35293n, lastHash: '' })
      .then(() => order.push('warmed'));
    // Queued behind the warm-up request, before the worker has even started.
    const job: ProofJob = { profile: 'article', difficulty: 1, lastProof: 100n, lastHash: '' };
    const search = s.find(job).then((proof) => {
      order.push('found');
      return proof;
    });
    expect(await search).toBe(pythonProofs([job], 100)[0]);
    await warming;
    // The warm-up is some twenty kernels, the search needs one: it ran between two warm-up steps.
    expect(order).toEqual(['found', 'warmed']);
    expect(await s.find({ ...job, difficulty: 4 })).toBe(35293n);
    await s.warm();
  });

  it('warm() is over when the workers are replaced or closed, and close() does not wait for it', async () => {
    const hint: ProofJob = { profile: 'dvf', difficulty: 4, lastProof: 100n, lastHash: GENESIS_HASH };
    const s = searcher(1);
    const replaced = s.warm(hint);
    s.setWorkers(2);
    expect(await s.find(hint)).toBeTypeOf('bigint');
    await replaced;
    const closing = s.warm(hint);
    await s.close();
    await closing;
    await s.warm(hint);
    await expect(s.find(hint)).rejects.toThrow(/closed/);
  });

  it('warm() rejects a bad hint', async () => {
    const s = searcher(1);
    await expect(s.warm({ ...ENDLESS, difficulty: 65 })).rejects.toThrow(RangeError);
    await expect(s.warm({ ...ENDLESS, profile: 'bitcoin' as 'article' })).rejects.toThrow(/unknown profile/);
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
