/**
 * The proof searcher: a pool of worker threads running the SIMD kernel on disjoint chunks of candidates,
 * so that mining uses every core while the caller's event loop (dashboard, peer server) stays free.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { CONTROL_NEXT, CONTROL_STOP, CONTROL_TRIED, controlBytes } from './protocol.ts';
import type { SearchRequest, WarmRequest, WorkerReport } from './protocol.ts';
import type { FindOptions, MiningProgress, ProofJob, ProofSearcher } from './types.ts';
import { miningWorkerFile } from './worker-file.ts';
import type { WorkerFile } from './worker-file.ts';

/** Progress is reported at most this often. */
export const PROGRESS_INTERVAL_MS = 250;
/** The hash rate is measured over about this much of the recent past. */
const RATE_WINDOW_MS = 2_000;

/** Options of {@link createProofSearcher}. */
export interface ProofSearcherOptions {
  /** Worker threads; 0 or absent means the default, one less than the cores (at least 1). */
  workers?: number;
  /** Where the worker code is; tests and tools leave it to {@link miningWorkerFile}. */
  workerFile?: WorkerFile;
}

/** The default worker count: all cores but one (left to the UI and the peer server), at least 1. */
export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** The error a cancelled search rejects with. */
export function abortError(cause?: unknown): DOMException {
  const error = new DOMException('The proof search was cancelled', 'AbortError');
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause });
  return error;
}

function checkJob(job: ProofJob): void {
  if (job.profile !== 'article' && job.profile !== 'dvf')
    throw new TypeError(`unknown profile ${String(job.profile)}`);
  if (!Number.isInteger(job.difficulty) || job.difficulty < 0 || job.difficulty > 64) {
    throw new RangeError(`difficulty must be an integer from 0 to 64, got ${job.difficulty}`);
  }
  if (typeof job.lastProof !== 'bigint') throw new TypeError('lastProof must be a bigint');
  if (job.profile === 'dvf' && typeof job.lastHash !== 'string')
    throw new TypeError('lastHash must be a string');
}

interface Search {
  id: number;
  control: SharedArrayBuffer;
  settle: (outcome: { proof: bigint } | { error: unknown }) => void;
}

/** A warm-up in progress: how many workers have yet to report it done. */
interface Warm {
  remaining: number;
  resolve: () => void;
}

/**
 * Creates a proof searcher backed by worker threads (started by `warm()` or the first search, kept
 * until close).
 */
export function createProofSearcher(options: ProofSearcherOptions = {}): ProofSearcher {
  const workerFile = options.workerFile ?? miningWorkerFile();
  let wanted = options.workers ?? 0;
  let workers: Worker[] = [];
  let current: Search | null = null;
  const warms = new Map<number, Warm>();
  let nextId = 1;
  let closed = false;

  const stopCurrent = (error: unknown): void => {
    current?.settle({ error });
  };

  // Workers keep the process alive only while they have something to do for it.
  const refresh = (): void => {
    const busy = current !== null || warms.size > 0;
    for (const worker of workers) {
      if (busy) worker.ref();
      else worker.unref();
    }
  };

  const terminateAll = async (): Promise<void> => {
    const old = workers;
    workers = [];
    // Warm-ups of these workers are over: nothing they prepared will be used.
    const ended = [...warms.values()];
    warms.clear();
    for (const warm of ended) warm.resolve();
    await Promise.all(old.map((worker) => worker.terminate()));
  };

  const onReport = (report: WorkerReport): void => {
    if (report.type === 'warmed') {
      const warm = warms.get(report.id);
      if (warm && --warm.remaining === 0) {
        warms.delete(report.id);
        refresh();
        warm.resolve();
      }
      return;
    }
    const search = current;
    // Reports of a search that was cancelled or already settled are late: ignore them.
    if (!search || report.id !== search.id) return;
    if (report.type === 'found') search.settle({ proof: report.proof });
    else if (report.type === 'exhausted')
      search.settle({ error: new Error('No proof exists below 2^53 for this job') });
    else if (report.type === 'failed')
      search.settle({ error: new Error(`Mining worker failed: ${report.message}`) });
  };

  const onCrash = (error: Error): void => {
    stopCurrent(new Error(`Mining worker crashed: ${error.message}`, { cause: error }));
    // A pool with a dead worker would hang the next search; start afresh.
    void terminateAll();
  };

  const ensureWorkers = (count: number): Worker[] => {
    if (workers.length !== count) {
      void terminateAll();
      for (let i = 0; i < count; i += 1) {
        const worker = new Worker(workerFile.file, { eval: workerFile.eval ?? false });
        worker.on('message', onReport);
        worker.on('error', onCrash);
        worker.on('exit', (code) => {
          if (workers.includes(worker)) onCrash(new Error(`exited with code ${code}`));
        });
        worker.unref();
        workers.push(worker);
      }
    }
    return workers;
  };

  const poolSize = (): number => (wanted > 0 ? wanted : defaultWorkerCount());

  return {
    find(job: ProofJob, findOptions: FindOptions = {}): Promise<bigint> {
      const { signal, onProgress } = findOptions;
      if (closed) return Promise.reject(new Error('The proof searcher is closed'));
      try {
        checkJob(job);
      } catch (error) {
        return Promise.reject(error);
      }
      if (signal?.aborted) return Promise.reject(abortError(signal.reason));
      // A new search replaces the running one: its caller is told it was cancelled, never given a proof.
      stopCurrent(abortError());

      const pool = ensureWorkers(poolSize());
      const id = nextId++;
      const control = new SharedArrayBuffer(controlBytes(pool.length));
      const stop = new Int32Array(control, 0, 1);
      const counters = new BigInt64Array(control);
      const started = performance.now();
      const samples: { at: number; tried: number }[] = [{ at: started, tried: 0 }];

      return new Promise<bigint>((resolve, reject) => {
        const tried = (): number => {
          let sum = 0;
          for (let w = 0; w < pool.length; w += 1) sum += Number(Atomics.load(counters, CONTROL_TRIED + w));
          return sum;
        };
        const report = (): void => {
          const at = performance.now();
          const total = tried();
          samples.push({ at, tried: total });
          while (samples.length > 2 && at - samples[1].at >= RATE_WINDOW_MS) samples.shift();
          const first = samples[0];
          const hashRate = at > first.at ? ((total - first.tried) * 1000) / (at - first.at) : 0;
          const progress: MiningProgress = {
            tried: total,
            hashRate,
            elapsedMs: at - started,
            expectedMs: hashRate > 0 ? (16 ** job.difficulty / hashRate) * 1000 : Infinity,
            workers: pool.length,
          };
          onProgress?.(progress);
        };
        const timer = onProgress ? setInterval(report, PROGRESS_INTERVAL_MS) : undefined;
        const onAbort = (): void => search.settle({ error: abortError(signal?.reason) });

        const search: Search = {
          id,
          control,
          settle: (outcome) => {
            if (current !== search) return;
            current = null;
            Atomics.store(stop, CONTROL_STOP, 1);
            clearInterval(timer);
            signal?.removeEventListener('abort', onAbort);
            refresh();
            if ('proof' in outcome) resolve(outcome.proof);
            else reject(outcome.error);
          },
        };
        current = search;
        refresh();
        signal?.addEventListener('abort', onAbort, { once: true });
        Atomics.store(counters, CONTROL_NEXT, 0n);
        pool.forEach((worker, index) => {
          const request: SearchRequest = { type: 'search', id, job, worker: index, control };
          worker.postMessage(request);
        });
      });
    },

    warm(hint?: ProofJob): Promise<void> {
      if (closed) return Promise.resolve();
      try {
        if (hint !== undefined) checkJob(hint);
      } catch (error) {
        return Promise.reject(error);
      }
      const pool = ensureWorkers(poolSize());
      const id = nextId++;
      return new Promise<void>((resolve) => {
        warms.set(id, { remaining: pool.length, resolve });
        refresh();
        const request: WarmRequest = { type: 'warm', id, job: hint ?? null };
        for (const worker of pool) worker.postMessage(request);
      });
    },

    setWorkers(count: number): void {
      if (!Number.isInteger(count) || count < 0)
        throw new RangeError(`worker count must be a whole number, got ${count}`);
      wanted = count;
    },

    async close(): Promise<void> {
      closed = true;
      stopCurrent(abortError());
      await terminateAll();
    },
  };
}
