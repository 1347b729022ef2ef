/**
 * Mining as a state of the node: one search at a time on the current tip, restarted when the tip
 * changes, and under auto-mine one block after another with `active` true all along (never a flicker
 * of single searches). The block is forged only once the proof is found, from the pending pool as it
 * is when the block is committed, as the tutorial does.
 */
import { availableParallelism } from 'node:os';
import { forgeBlock } from '../chain/block.ts';
import { dumpsPy } from '../chain/json.ts';
import { proofJobFor } from '../chain/proof.ts';
import { rewardTransaction } from '../chain/transaction.ts';
import type { PendingTransaction, Rules } from '../chain/types.ts';
import type { MiningProgress, ProofSearcher } from '../mining/types.ts';
import type { MiningState } from '../shared/api.ts';
import { NodeError } from '../shared/errors.ts';
import { message } from '../shared/messages.ts';
import type { Ledger } from './ledger.ts';
import type { MineResult } from './types.ts';

const STOPPED = 'stopped by the user';
const TIP_CHANGED = 'the chain tip changed';
/** The window of "blocks per minute". */
const MINUTE_MS = 60_000;
/** After this long without progress the shown hash rate falls to 0. */
const RATE_STALE_MS = 3_000;

/** What the miner needs from the node. */
export interface MinerDeps {
  ledger: Ledger;
  searcher: ProofSearcher;
  rules(): Rules;
  nodeId: string;
  workers(): number;
  clock(): number;
  /** The state changed (started, stopped, progress); called at most a few times a second. */
  changed(state: MiningState): void;
  /** A block was mined and committed. */
  mined(result: MineResult): void;
  /** Auto-mine ended by itself (an error, not Stop). */
  autoStopped(reason: NodeError | Error): void;
  /** The network's pace: the least time between two blocks of this node, in ms (0: none). */
  paceMs?(): number;
  /** The pending transactions a block takes (default: all of them). */
  select?(pending: readonly PendingTransaction[]): readonly PendingTransaction[];
}

/** How often a wait for the pace looks again (the pace may change meanwhile). */
const PACE_STEP_MS = 250;

/** The proof search and auto-mine of one node. */
export class Miner {
  private search: Promise<MineResult> | null = null;
  private abort: AbortController | null = null;
  private auto = false;
  private autoLoop: Promise<void> | null = null;
  private closed = false;
  private progress: MiningProgress | null = null;
  private targetIndex: number | null = null;
  private lastRate = 0;
  private lastRateAt = 0;
  private minedAt: number[] = [];
  /** Epoch ms of the last block mined here (the pace counts from it). */
  private lastMinedEpoch: number | null = null;
  private readonly rewardText: string;

  constructor(private readonly deps: MinerDeps) {
    this.rewardText = dumpsPy(rewardTransaction(deps.nodeId));
  }

  /** The state for the status strip. */
  state(): MiningState {
    const now = performance.now();
    this.minedAt = this.minedAt.filter((at) => now - at < MINUTE_MS);
    const searching = this.search !== null;
    const rate = now - this.lastRateAt < RATE_STALE_MS ? this.lastRate : 0;
    return {
      active: searching || this.auto,
      auto: this.auto,
      targetIndex: this.targetIndex,
      progress: this.progress === null ? null : { ...this.progress },
      hashRate: searching || this.auto ? rate : 0,
      blocksPerMinute: this.minedAt.length,
      workers: this.deps.workers() || Math.max(1, availableParallelism() - 1),
    };
  }

  /** When the pace lets this node mine its next block (epoch ms); null when it may mine now. */
  nextBlockAt(): number | null {
    const pace = this.deps.paceMs?.() ?? 0;
    if (pace <= 0 || this.lastMinedEpoch === null) return null;
    const at = this.lastMinedEpoch + pace;
    return at > Date.now() ? at : null;
  }

  /** Mines one block, or joins the search under way (auto-mine's next block included). */
  mine(): Promise<MineResult> {
    if (this.closed) return Promise.reject(new NodeError('node-closed', message('node-closed')));
    return this.search ?? this.startSearch();
  }

  /** Turns auto-mine on or off; off also stops the search under way. */
  setAuto(on: boolean): void {
    if (on === this.auto) return;
    this.auto = on && !this.closed;
    if (this.auto) this.autoLoop ??= this.runAuto().finally(() => (this.autoLoop = null));
    else this.abort?.abort(STOPPED);
    this.emit();
  }

  /** Stops the search under way and auto-mine; nothing half-mined is appended. */
  stop(): void {
    this.auto = false;
    this.abort?.abort(STOPPED);
    this.emit();
  }

  /** The tip changed under the search (a block arrived, another chain was adopted): search again on it. */
  tipChanged(): void {
    this.abort?.abort(TIP_CHANGED);
  }

  /** Stops everything and waits for the search to end. */
  async close(): Promise<void> {
    this.closed = true;
    this.stop();
    await this.search?.catch(() => undefined);
    await this.autoLoop;
  }

  private emit(): void {
    this.deps.changed(this.state());
  }

  private async runAuto(): Promise<void> {
    while (this.auto && !this.closed) {
      try {
        await this.mine();
      } catch (error) {
        if (error instanceof NodeError && error.code === 'mining-cancelled') continue;
        this.auto = false;
        this.emit();
        this.deps.autoStopped(error as Error);
        return;
      }
    }
  }

  private startSearch(): Promise<MineResult> {
    const search = this.runSearch().finally(() => {
      this.search = null;
      this.abort = null;
      this.progress = null;
      this.targetIndex = null;
      this.emit();
    });
    this.search = search;
    return search;
  }

  /** Waits until the pace allows the next block (Stop ends the wait as it ends a search). */
  private async waitForPace(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    for (let at = this.nextBlockAt(); at !== null; at = this.nextBlockAt()) {
      this.emit();
      await new Promise((resolve) => setTimeout(resolve, Math.min(PACE_STEP_MS, at - Date.now())));
      if (abort.signal.aborted && abort.signal.reason === STOPPED) break;
    }
    if (abort.signal.aborted && abort.signal.reason === STOPPED)
      throw new NodeError('mining-cancelled', message('mining-cancelled'));
  }

  /** Searches a proof on the current tip; restarts when the tip changes, gives up when stopped. */
  private async runSearch(): Promise<MineResult> {
    const started = performance.now();
    let tried = 0;
    if (this.nextBlockAt() !== null) await this.waitForPace();
    for (;;) {
      const tip = this.deps.ledger.tip;
      const abort = new AbortController();
      this.abort = abort;
      this.targetIndex = tip.index + 1;
      this.progress = null;
      this.emit();
      let seen = 0;
      const searchStarted = performance.now();
      let proof: bigint;
      try {
        proof = await this.deps.searcher.find(proofJobFor(this.deps.rules(), tip), {
          signal: abort.signal,
          onProgress: (progress) => {
            seen = progress.tried;
            this.progress = progress;
            this.lastRate = progress.hashRate;
            this.lastRateAt = performance.now();
            this.emit();
          },
        });
      } catch (error) {
        tried += seen;
        if (abort.signal.aborted && abort.signal.reason === TIP_CHANGED && !this.closed) continue;
        if (abort.signal.aborted) throw new NodeError('mining-cancelled', message('mining-cancelled'));
        throw error;
      }
      // A proof found before the first progress report (easy difficulties) still shows a rate: the
      // search counts up from 0, so about `proof` candidates were tried.
      const attempts = seen > 0 ? seen : Number(proof) + 1;
      tried += attempts;
      const searchMs = performance.now() - searchStarted;
      if (seen === 0 && searchMs > 0) {
        this.lastRate = (attempts * 1000) / searchMs;
        this.lastRateAt = performance.now();
      }
      if (abort.signal.aborted && abort.signal.reason === STOPPED) {
        throw new NodeError('mining-cancelled', message('mining-cancelled'));
      }
      // The reward goes in after the proof is found, as in the tutorial; transactions posted during
      // the search are included: the pool is read when the block is committed.
      const block = await this.deps.ledger.appendBlock((current, pending) =>
        current.hash !== tip.hash
          ? null
          : forgeBlock(
              current,
              proof,
              [...(this.deps.select?.(pending) ?? pending).map((tx) => tx.text), this.rewardText],
              this.deps.clock(),
            ),
      );
      if (block === null) continue;
      const result = { block, ms: Math.round(performance.now() - started), tried };
      this.minedAt.push(performance.now());
      this.lastMinedEpoch = Date.now();
      this.deps.mined(result);
      return result;
    }
  }
}
