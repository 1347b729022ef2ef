import type { ProfileName } from '../chain/types.ts';

/** What a proof search needs to know about the chain tip. */
export interface ProofJob {
  profile: ProfileName;
  difficulty: number;
  /** The previous block's proof. */
  lastProof: bigint;
  /** The hash of the previous block (used by the `dvf` rule only). */
  lastHash: string;
}

/** A progress report, emitted at most 4 times a second while a search runs. */
export interface MiningProgress {
  /** Candidates tried so far by all workers. */
  tried: number;
  /** Candidates per second over the recent past. */
  hashRate: number;
  elapsedMs: number;
  /** Expected total time to find a proof at this difficulty and hash rate (16^difficulty / rate). */
  expectedMs: number;
  workers: number;
}

/** Options of one search. */
export interface FindOptions {
  /** Aborting rejects the search with an `AbortError` within 50 ms. */
  signal?: AbortSignal;
  onProgress?: (progress: MiningProgress) => void;
}

/** Searches proofs off the caller's event loop (worker threads). */
export interface ProofSearcher {
  /** Resolves with a valid proof for the job. */
  find(job: ProofJob, options?: FindOptions): Promise<bigint>;
  /** Number of worker threads used for the next search. */
  setWorkers(count: number): void;
  /** Stops any search and terminates the workers. */
  close(): Promise<void>;
}
