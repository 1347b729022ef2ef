/** Messages between the proof searcher and its worker threads. */
import type { ProofJob } from './types.ts';

/**
 * Shared state of one search: an Int32 stop flag at byte 0, then 64-bit counters from byte 8: the next
 * chunk to hand out, and the candidates tried by each worker.
 */
export const CONTROL_STOP = 0;
/** Index of the next-chunk counter in the BigInt64 view. */
export const CONTROL_NEXT = 1;
/** Index of worker 0's tried counter in the BigInt64 view. */
export const CONTROL_TRIED = 2;

/** Bytes of the shared control buffer for `workers` workers. */
export const controlBytes = (workers: number): number => 8 * (CONTROL_TRIED + workers);

/** Starts a search in a worker. */
export interface SearchRequest {
  type: 'search';
  id: number;
  job: ProofJob;
  worker: number;
  control: SharedArrayBuffer;
}

/** Prepares a worker's kernels for the searches a job will likely lead to (null: nothing to prepare). */
export interface WarmRequest {
  type: 'warm';
  id: number;
  job: ProofJob | null;
}

/** Asks a worker which kernels it holds (for tests and diagnostics). */
export interface CacheRequest {
  type: 'cache';
  id: number;
}

/** What the searcher sends a worker. */
export type WorkerRequest = SearchRequest | WarmRequest | CacheRequest;

/** What a worker reports about a search or a warm-up. */
export type WorkerReport =
  | { type: 'found'; id: number; proof: bigint }
  | { type: 'exhausted'; id: number }
  | { type: 'stopped'; id: number }
  | { type: 'failed'; id: number; message: string }
  | { type: 'warmed'; id: number }
  | { type: 'cache'; id: number; layouts: string[]; built: number };
