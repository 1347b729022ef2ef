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
  /**
   * Starts the worker threads now rather than on the first search, and prepares in each the kernels
   * that the search of `hint` (the job the next search will likely be) goes through first, candidates
   * of 1 to 8 digits, then those of the searches after it (last proofs of the usual lengths at this
   * difficulty). Without a hint only the threads are started. Resolves when done, or at once when the
   * workers are replaced or closed meanwhile; rejects only a bad hint. A search started meanwhile waits
   * for one small step of the warm-up at most (one kernel, a few milliseconds), and `close()` does not
   * wait for it at all. Call it at start, and again when the profile or difficulty changes.
   */
  warm(hint?: ProofJob): Promise<void>;
  /** Number of worker threads used for the next search. */
  setWorkers(count: number): void;
  /** Stops any search and terminates the workers. */
  close(): Promise<void>;
}
