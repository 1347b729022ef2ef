/** The miner: a worker-thread proof searcher over a WebAssembly SIMD SHA-256 kernel. */
export { createProofSearcher, defaultWorkerCount, abortError, PROGRESS_INTERVAL_MS } from './searcher.ts';
export type { ProofSearcherOptions } from './searcher.ts';
export { ProofKernel, CHUNK, MAX_CHUNK } from './kernel.ts';
export { miningWorkerFile } from './worker-file.ts';
export type { WorkerFile } from './worker-file.ts';
export type { FindOptions, MiningProgress, ProofJob, ProofSearcher } from './types.ts';
