/**
 * The classroom lab's state on one node: the fork book, private mining (the attack lab: blocks mined
 * here are withheld until released), the network's pace, and the tamper lab's work on a copy of the
 * chain. None of it changes what the node accepts: consensus stays the tutorial's.
 */
import type { SealedBlock } from '../chain/block.ts';
import { proofOf } from '../chain/block.ts';
import { isValidProof, proofJobFor } from '../chain/proof.ts';
import {
  EditError,
  RELINK_MAX,
  checkLabChain,
  editBlock,
  previousHashOf,
  relinkBlock,
  type BlockEdit,
  type LabBlockCheck,
} from '../chain/tamper.ts';
import type { PendingTransaction, Rules } from '../chain/types.ts';
import type { ProofSearcher } from '../mining/types.ts';
import { PACE_MAX_SECONDS, type LabState, type PaceDto } from '../shared/api.ts';
import { NodeError } from '../shared/errors.ts';
import { message, type Message } from '../shared/messages.ts';
import { FlightBook } from './flights.ts';
import { ForkBook } from './forks.ts';
import type { Ledger, LedgerChange } from './ledger.ts';

/** How far ahead of our clock a pace's time may be (a clock set wrong should not win forever). */
const PACE_FUTURE_MS = 5 * 60_000;

/** What the lab needs from the node. */
export interface LabDeps {
  ledger: Ledger;
  nodeId: string;
  rules(): Rules;
  /** A proof searcher of its own for re-mining a lab chain (closed after use). */
  createSearcher(): ProofSearcher;
  now?: () => number;
}

/** What an edit of the lab chain did. */
export interface TamperOutcome {
  /** The lab chain: a copy, the node's chain is not touched. */
  chain: SealedBlock[];
  checks: LabBlockCheck[];
  /** Blocks after those checked. */
  more: number;
  firstBroken: { index: number; reason: Message } | null;
  remined: number;
  ms: number;
}

export class Lab {
  readonly forks: ForkBook;
  readonly flights: FlightBook;
  /** Our chain's length when private mining started; null when mining in public. */
  private privateFrom: number | null = null;
  /** Transactions made here while mining privately: the only ones private blocks take. */
  private readonly privateTxs = new Set<string>();
  private publicSeen: number | null = null;
  private currentPace: PaceDto | null = null;
  private readonly now: () => number;

  constructor(private readonly deps: LabDeps) {
    this.now = deps.now ?? Date.now;
    this.forks = new ForkBook(this.now);
    this.flights = new FlightBook(deps.nodeId);
    deps.ledger.onChange((change) => this.onLedger(change));
  }

  // ───────────────────────────── private mining ─────────────────────────────

  get privateMining(): boolean {
    return this.privateFrom !== null;
  }

  /** Blocks others may see: the whole chain, or while mining privately the part before it started. */
  publicLength(): number {
    const length = this.deps.ledger.chain.length;
    return this.privateFrom === null ? length : Math.min(this.privateFrom, length);
  }

  /** Starts withholding: blocks mined from now on stay here until `release`. */
  startPrivate(): void {
    if (this.privateFrom !== null) return;
    this.privateFrom = this.deps.ledger.chain.length;
    this.publicSeen = this.privateFrom;
    this.privateTxs.clear();
  }

  /** Stops withholding; returns how many blocks are now public. */
  release(): number {
    if (this.privateFrom === null) return 0;
    const released = this.deps.ledger.chain.length - this.privateFrom;
    this.privateFrom = null;
    this.publicSeen = null;
    this.privateTxs.clear();
    return Math.max(0, released);
  }

  /** A transaction made on this node (its dashboard, its API). */
  madeHere(tx: PendingTransaction): void {
    if (this.privateFrom !== null) this.privateTxs.add(tx.id);
  }

  /** The pending transactions the next block takes: all of them, or only ours while private. */
  forNextBlock(pending: readonly PendingTransaction[]): readonly PendingTransaction[] {
    return this.privateFrom === null ? pending : pending.filter((tx) => this.privateTxs.has(tx.id));
  }

  /** A longer public chain was seen while mining privately (it was not adopted). */
  sawPublic(length: number): void {
    if (this.publicSeen !== null && length > this.publicSeen) this.publicSeen = length;
  }

  // ───────────────────────────────── pace ─────────────────────────────────

  get pace(): PaceDto | null {
    return this.currentPace;
  }

  /** The least time between two blocks of this node, in ms (0: no pace). */
  paceMs(): number {
    return (this.currentPace?.seconds ?? 0) * 1000;
  }

  /**
   * Takes a pace set here or told by a peer when it is newer than ours (ties: the larger node id).
   * Returns whether ours changed. A pace that is not one is ignored.
   */
  offerPace(pace: unknown): boolean {
    const checked = checkPace(pace, this.now());
    if (checked === null) return false;
    const ours = this.currentPace;
    if (
      ours !== null &&
      (checked.setAt < ours.setAt || (checked.setAt === ours.setAt && checked.setById <= ours.setById))
    )
      return false;
    this.currentPace = checked;
    return true;
  }

  /** The lab's switches for the status strip. */
  state(nextBlockAt: number | null): LabState {
    return {
      privateMining: this.privateFrom !== null,
      withheld: this.privateFrom === null ? 0 : Math.max(0, this.deps.ledger.chain.length - this.privateFrom),
      publicHeight: this.publicSeen,
      pace: this.currentPace,
      nextBlockAt,
    };
  }

  // ───────────────────────────── tamper lab ─────────────────────────────

  /**
   * Edits a copy of the chain and checks it: which hashes changed, which links and proofs broke.
   * With `remine`, redoes every later link and proof (at most RELINK_MAX blocks) on a searcher of its
   * own, off the event loop. Throws NodeError('invalid-request') for an edit it cannot make.
   */
  async tamper(edit: BlockEdit & { remine?: boolean }): Promise<TamperOutcome> {
    const started = performance.now();
    const rules = this.deps.rules();
    const original = this.deps.ledger.chain.slice();
    let edited: SealedBlock;
    try {
      edited = editBlock(original, edit);
    } catch (error) {
      if (error instanceof EditError) throw new NodeError('invalid-request', error.reason, error.field);
      throw error;
    }
    const from = edit.index;
    const chain = original.slice();
    chain[from - 1] = edited;
    let remined = 0;
    if (edit.remine === true) {
      if (chain.length - from > RELINK_MAX)
        throw new NodeError('invalid-request', message('lab-relink-too-deep', { max: RELINK_MAX }), 'index');
      const searcher = this.deps.createSearcher();
      try {
        for (let i = from - 1; i < chain.length; i++) {
          const previous = chain[i - 1]!;
          let block = chain[i]!;
          if (previousHashOf(block) !== previous.hash) block = relinkBlock(block, previous.hash);
          if (!isValidProof(rules, proofOf(previous), proofOf(block), previous.hash)) {
            const proof = await searcher.find(proofJobFor(rules, previous));
            block = relinkBlock(block, previous.hash, proof);
            remined++;
          }
          chain[i] = block;
        }
      } finally {
        await searcher.close();
      }
    }
    const checks = checkLabChain(original, chain, rules, from);
    const broken = checks.find((c) => !c.linkOk || !c.proofOk);
    return {
      chain,
      checks,
      more: chain.length - from + 1 - checks.length,
      firstBroken:
        broken === undefined ? null : { index: broken.index, reason: brokenRule(broken, chain, rules) },
      remined,
      ms: Math.round(performance.now() - started),
    };
  }

  private onLedger(change: LedgerChange): void {
    if (change.kind === 'append') {
      this.forks.saw(change.block.hash, change.source);
    } else if (change.kind === 'adopt') {
      this.forks.reorged(
        {
          forkIndex: change.keep,
          discarded: change.discarded,
          added: change.added,
          restored: change.restored,
          oldTip: change.oldTip,
          oldLength: change.oldLength,
        },
        change.source,
      );
      // Another chain was taken while mining privately (a resolve by hand): nothing is withheld now.
      if (this.privateFrom !== null) {
        this.privateFrom = this.deps.ledger.chain.length;
        this.publicSeen = this.privateFrom;
      }
    } else {
      this.forks.forget();
      if (this.privateFrom !== null) this.privateFrom = this.publicSeen = this.deps.ledger.chain.length;
    }
  }
}

/** The rule a lab block breaks, worded as the validator words it (protocol.md §5). */
function brokenRule(check: LabBlockCheck, chain: readonly SealedBlock[], rules: Rules): Message {
  if (!check.linkOk) return message('block-link', { block: check.index, previous: check.index - 1 });
  return message('block-proof', {
    block: check.index,
    proof: String(proofOf(chain[check.index - 1]!)).slice(0, 30),
    lastProof: String(proofOf(chain[check.index - 2]!)).slice(0, 30),
    profile: rules.profile,
    difficulty: rules.difficulty,
  });
}

/** A pace as sent over the wire, checked; null when it is not one. */
export function checkPace(value: unknown, now: number): PaceDto | null {
  if (typeof value !== 'object' || value === null) return null;
  const { seconds, setById, setByName, setAt } = value as Record<string, unknown>;
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0 || seconds > PACE_MAX_SECONDS)
    return null;
  if (typeof setById !== 'string' || setById.length === 0 || setById.length > 64) return null;
  if (typeof setByName !== 'string' || setByName.length > 200) return null;
  if (typeof setAt !== 'number' || !Number.isFinite(setAt) || setAt <= 0 || setAt > now + PACE_FUTURE_MS)
    return null;
  return { seconds, setById, setByName: setByName.slice(0, 60), setAt };
}

/** What a node tells others of its mining and lab switches (in its card: info route, hellos). */
export interface CardLab {
  hashRate: number;
  workers: number;
  mining: boolean;
  privateMining: boolean;
  pace: PaceDto | null;
}

/** A card's lab part as it goes on the wire. */
export function cardLabToWire(lab: CardLab): Record<string, unknown> {
  return {
    hash_rate: Math.round(lab.hashRate),
    workers: lab.workers,
    mining: lab.mining,
    private_mining: lab.privateMining,
    pace:
      lab.pace === null
        ? null
        : {
            seconds: lab.pace.seconds,
            set_by_id: lab.pace.setById,
            set_by_name: lab.pace.setByName,
            set_at: lab.pace.setAt,
          },
  };
}

/** Reads a card's lab part (JSON numbers or Python ints both taken); null when absent or broken. */
export function cardLabFromWire(value: unknown, now = Date.now()): CardLab | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const num = (x: unknown): number | null => {
    const n = typeof x === 'bigint' ? Number(x) : x;
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
  };
  const hashRate = num(v['hash_rate']);
  const workers = num(v['workers']);
  if (hashRate === null || workers === null || !Number.isInteger(workers) || workers > 1024) return null;
  const pace = v['pace'];
  const wirePace = typeof pace === 'object' && pace !== null ? (pace as Record<string, unknown>) : null;
  return {
    hashRate,
    workers,
    mining: v['mining'] === true,
    privateMining: v['private_mining'] === true,
    pace:
      wirePace === null
        ? null
        : checkPace(
            {
              seconds: num(wirePace['seconds']),
              setById: wirePace['set_by_id'],
              setByName: wirePace['set_by_name'],
              setAt: num(wirePace['set_at']),
            },
            now,
          ),
  };
}
