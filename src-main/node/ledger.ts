/**
 * The node's chain and pending pool, and the only code that changes them. Every change is a record
 * of the chain log: it is made durable first and applied to memory after, by the same functions that
 * replay the log at start, so memory never runs ahead of the disk and a restart after a crash at any
 * moment finds exactly what was acknowledged. Changes of the chain run one at a time; transactions
 * are committed concurrently and share fdatasyncs (group commit).
 */
import { hash } from 'node:crypto';
import { basename } from 'node:path';
import { SealedBlock, sealLine, transactionTexts } from '../chain/block.ts';
import { isRestorable, reconcilePending, type PendingReconciliation } from '../chain/consensus.ts';
import type { PendingTransaction } from '../chain/types.ts';
import { NodeError } from '../shared/errors.ts';
import { message, type Message } from '../shared/messages.ts';
import { PENDING_MAX } from '../shared/transaction.ts';
import type { ChainLog, ChainRecord } from './ports.ts';
import { BoundedMap, BoundedSet } from './bounded-set.ts';

/** How many recent blocks remember which pending transaction each of their transactions took. */
const CONSUMED_MEMORY = 1024;
/** How many transaction ids are remembered as seen (pending, mined or refused as duplicates). */
const SEEN_MEMORY = 100_000;

/** What a chain change did to the pending pool. */
export type Reconciliation = PendingReconciliation;

/** What opening the log found that the user should know, besides the state. */
export interface OpenedLedger {
  ledger: Ledger;
  notices: Message[];
}

/**
 * A change of the chain, told to listeners once it is durable and applied. `source` is who the
 * blocks came from (a peer's address), null when mined here.
 */
export type LedgerChange =
  | { kind: 'append'; block: SealedBlock; source: string | null }
  | {
      kind: 'adopt';
      keep: number;
      added: readonly SealedBlock[];
      discarded: readonly SealedBlock[];
      restored: readonly PendingTransaction[];
      oldTip: string;
      oldLength: number;
      source: string | null;
    }
  | { kind: 'reset' };

/** How a storage failure is worded (the disk is full, read-only…): given by the node. */
export type DescribeStorageError = (error: unknown) => Message;

/** The id of a transaction put back from a block that no memory says where it came from. */
function derivedId(block: SealedBlock, position: number): string {
  return hash('sha256', `${block.hash}:${position}`, 'hex').slice(0, 32);
}

function recordBytes(record: ChainRecord): number {
  switch (record.kind) {
    case 'block':
      return record.text.length + 1;
    case 'tx':
      return 6 + record.tx.id.length + record.tx.text.length;
    default:
      return 0;
  }
}

/** The chain and the pending pool over a chain log. */
export class Ledger {
  private blocks: SealedBlock[] = [];
  private pool: PendingTransaction[] = [];
  private readonly seen = new BoundedSet(SEEN_MEMORY);
  /** For recent blocks: the id of the pending transaction each of its transactions took (or null). */
  private readonly consumed = new BoundedMap<(string | null)[]>(CONSUMED_MEMORY);
  /** Bytes of the log that still describe the state (the rest is dead and goes at compaction). */
  private liveBytes = 0;
  private inFlight = 0;
  private exclusive: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(change: LedgerChange) => void>();

  private constructor(
    private readonly log: ChainLog,
    private readonly describe: DescribeStorageError,
  ) {}

  /**
   * Replays the log. A damaged log is copied aside whole, the sound blocks before the damage are kept,
   * the transactions of everything after it go back to the pending pool, and the log is rewritten; a
   * new log starts with `genesis()`. Throws NodeError('storage-failed') when the disk refuses.
   */
  static async open(
    log: ChainLog,
    genesis: () => SealedBlock,
    describe: DescribeStorageError,
  ): Promise<OpenedLedger> {
    const ledger = new Ledger(log, describe);
    const notices: Message[] = [];
    let loaded;
    try {
      loaded = await log.load();
    } catch (error) {
      throw new NodeError('storage-failed', describe(error));
    }
    notices.push(...loaded.notices);
    const replay = ledger.replay(loaded.records, loaded.trusted);
    const damage =
      replay.damage ?? (loaded.damage && { block: ledger.blocks.length + 1, reason: loaded.damage.reason });
    if (damage !== null) {
      const cut = [...replay.cut, ...loaded.salvage];
      ledger.salvage(cut);
      if (ledger.blocks.length === 0) ledger.applyReset([genesis()]);
      let aside: string;
      try {
        aside = await log.keepAside('damaged');
        await log.rewrite(() => ledger.snapshot());
      } catch (error) {
        throw new NodeError('storage-failed', describe(error));
      }
      ledger.liveBytes = log.bytes();
      notices.push(
        message('storage-damaged-chain', {
          file: basename(log.path),
          block: damage.block,
          reason: damage.reason,
          aside: basename(aside),
          kept: ledger.blocks.length,
          cut: countBlocks(cut),
        }),
      );
    } else if (ledger.blocks.length === 0) {
      await ledger.reset(genesis());
    }
    await ledger.compactIfWorthIt();
    return { ledger, notices };
  }

  /** Calls `listener` after every durable change of the chain; returns the unsubscribe function. */
  onChange(listener: (change: LedgerChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(change: LedgerChange): void {
    for (const listener of this.listeners) listener(change);
  }

  /** The chain, oldest first (sealed blocks: text and hash). */
  get chain(): readonly SealedBlock[] {
    return this.blocks;
  }

  /** The last block. */
  get tip(): SealedBlock {
    return this.blocks[this.blocks.length - 1]!;
  }

  /** The pending pool, oldest first. */
  get pending(): readonly PendingTransaction[] {
    return this.pool;
  }

  /** Whether a transaction id was seen lately (pending, mined, or relayed to us before). */
  hasSeen(id: string): boolean {
    return this.seen.has(id);
  }

  /**
   * Adds a transaction to the pool, durably. Returns false (and does nothing) when its id was seen
   * already (a relayed copy). Throws NodeError('pool-full' | 'storage-failed').
   */
  async addTransaction(tx: PendingTransaction): Promise<boolean> {
    if (this.seen.has(tx.id)) return false;
    if (this.pool.length + this.inFlight >= PENDING_MAX) {
      throw new NodeError('pool-full', message('pool-full', { max: PENDING_MAX }));
    }
    this.seen.add(tx.id);
    this.inFlight += 1;
    try {
      const record: ChainRecord = { kind: 'tx', tx };
      await this.log.commit([record], () => {
        this.pool.push(tx);
        this.liveBytes += recordBytes(record);
      });
      return true;
    } catch (error) {
      this.seen.delete(tx.id);
      throw new NodeError('storage-failed', this.describe(error));
    } finally {
      this.inFlight -= 1;
    }
  }

  /**
   * Appends the block `build` makes on the current tip (it may return null to decline: the tip is not
   * the one it expected). Resolves with the block once it is durable and in the chain, or null.
   */
  appendBlock(
    build: (tip: SealedBlock, pending: readonly PendingTransaction[]) => SealedBlock | null,
    source: string | null = null,
  ): Promise<SealedBlock | null> {
    return this.alone(async () => {
      const block = build(this.tip, this.pool);
      if (block === null) return null;
      const record: ChainRecord = { kind: 'block', text: block.text };
      try {
        await this.log.commit([record], () => this.applyBlock(block));
      } catch (error) {
        throw new NodeError('storage-failed', this.describe(error));
      }
      this.changed({ kind: 'append', block, source });
      if (block.index % 256 === 0) await this.compactIfWorthIt();
      return block;
    });
  }

  /**
   * Replaces the chain after its first `keep` blocks with `blocks` (the first of which must follow
   * block `keep`), durably, and reconciles the pending pool. `accept(length)` is asked again under
   * the lock with the chain as it is then (a block may have been mined meanwhile); when it says no,
   * nothing changes and null is returned.
   */
  adopt(
    keep: number,
    blocks: readonly SealedBlock[],
    accept: (ourLength: number) => boolean,
    source: string | null = null,
  ): Promise<(Reconciliation & { discarded: SealedBlock[] }) | null> {
    return this.alone(async () => {
      if (keep > this.blocks.length || blocks.length === 0 || !accept(this.blocks.length)) return null;
      // The chain may have changed while the blocks were checked: they must still follow block `keep`.
      if (keep > 0 && previousHashOf(blocks[0]!.text) !== this.blocks[keep - 1]!.hash) return null;
      const discarded = this.blocks.slice(keep);
      const oldTip = this.tip.hash;
      const oldLength = this.blocks.length;
      const record: ChainRecord = { kind: 'adopt', keep, blocks: blocks.map((b) => b.text) };
      let result!: Reconciliation;
      try {
        await this.log.commit([record], () => {
          result = this.applyAdopt(keep, blocks);
        });
      } catch (error) {
        throw new NodeError('storage-failed', this.describe(error));
      }
      this.changed({
        kind: 'adopt',
        keep,
        added: blocks,
        discarded,
        restored: result.restored,
        oldTip,
        oldLength,
        source,
      });
      await this.compactIfWorthIt();
      return { ...result, discarded };
    });
  }

  /** A new chain holding only `genesis`; the pending pool is emptied. */
  reset(genesis: SealedBlock): Promise<void> {
    return this.alone(async () => {
      try {
        await this.log.commit([{ kind: 'reset', blocks: [genesis.text] }], () => this.applyReset([genesis]));
      } catch (error) {
        throw new NodeError('storage-failed', this.describe(error));
      }
      this.changed({ kind: 'reset' });
      await this.compactIfWorthIt();
    });
  }

  /** Waits for every change under way. */
  async settle(): Promise<void> {
    await this.exclusive.catch(() => undefined);
  }

  private alone<T>(op: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(op, op);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  /** Rewrites the log with only the live records when most of it is dead. */
  private async compactIfWorthIt(): Promise<void> {
    if (this.log.bytes() <= 2 * this.liveBytes + (1 << 20)) return;
    try {
      await this.log.rewrite(() => this.snapshot());
      this.liveBytes = this.log.bytes();
    } catch {
      // Compaction only saves space: the log as it is stays valid, and the next change tries again.
    }
  }

  /** The records that give back the state as it is now. */
  private snapshot(): ChainRecord[] {
    return [
      ...this.blocks.map((b): ChainRecord => ({ kind: 'block', text: b.text })),
      ...this.pool.map((tx): ChainRecord => ({ kind: 'tx', tx })),
    ];
  }

  // ───── the state transitions, for commits and for replay alike ─────

  private restoredId = (block: SealedBlock, position: number): string =>
    this.consumed.get(block.hash)?.[position] ?? derivedId(block, position);

  private remember(block: SealedBlock, ids: (string | null)[]): void {
    if (ids.every((id) => id === null)) return;
    this.consumed.set(block.hash, ids);
  }

  private setPool(pool: PendingTransaction[]): void {
    for (const tx of pool) this.seen.add(tx.id);
    this.pool = pool;
  }

  private applyBlock(block: SealedBlock): void {
    if (this.pool.length === 0) {
      // Nothing to reconcile (the common case when a long chain is read back).
      this.blocks.push(block);
      this.liveBytes += block.text.length + 1;
      return;
    }
    const result = reconcilePending([], [block], this.pool, this.restoredId);
    this.remember(block, result.consumed[0] ?? []);
    this.blocks.push(block);
    this.liveBytes += block.text.length + 1;
    for (const tx of result.dropped) this.liveBytes -= 6 + tx.id.length + tx.text.length;
    this.pool = result.pending;
  }

  private applyAdopt(keep: number, blocks: readonly SealedBlock[]): Reconciliation {
    const discarded = this.blocks.slice(keep);
    const result = reconcilePending(discarded, blocks, this.pool, this.restoredId);
    blocks.forEach((block, i) => this.remember(block, result.consumed[i] ?? []));
    this.blocks =
      keep === this.blocks.length ? [...this.blocks, ...blocks] : [...this.blocks.slice(0, keep), ...blocks];
    this.setPool(result.pending);
    this.recount();
    return result;
  }

  private applyReset(blocks: readonly SealedBlock[]): void {
    this.blocks = [...blocks];
    this.pool = [];
    this.recount();
  }

  private recount(): void {
    let bytes = 0;
    for (const b of this.blocks) bytes += b.text.length + 1;
    for (const tx of this.pool) bytes += 6 + tx.id.length + tx.text.length;
    this.liveBytes = bytes;
  }

  // ───── replay ─────

  /**
   * Applies the log's records in order, checking that every block follows the one before it. Stops at
   * the first that does not: `cut` holds the records from the block that broke the chain on.
   */
  private replay(
    records: readonly ChainRecord[],
    trusted: boolean,
  ): {
    damage: { block: number; reason: Message } | null;
    cut: ChainRecord[];
  } {
    for (let r = 0; r < records.length; r++) {
      const record = records[r]!;
      if (record.kind === 'tx') {
        if (!this.seen.has(record.tx.id)) {
          this.pool.push(record.tx);
          this.seen.add(record.tx.id);
        }
        continue;
      }
      const keep = record.kind === 'block' ? this.blocks.length : record.kind === 'adopt' ? record.keep : 0;
      const texts = record.kind === 'block' ? [record.text] : record.blocks;
      const sealed =
        keep > this.blocks.length
          ? null
          : trusted
            ? { ok: true as const, blocks: texts.map((text) => SealedBlock.fromCanonical(text)) }
            : this.sealRun(texts, keep);
      if (sealed === null || !sealed.ok) {
        // A block that does not follow our tip: the tip is the block whose content its successor does
        // not commit to (a hand edit changes a block, not the next one's link), so it goes too.
        const suspect =
          sealed !== null &&
          sealed.reason.code === 'block-link' &&
          sealed.at === keep + 1 &&
          keep > 1 &&
          keep === this.blocks.length;
        const cut: ChainRecord[] = suspect ? [{ kind: 'block', text: this.blocks.pop()!.text }] : [];
        cut.push(...texts.map((text): ChainRecord => ({ kind: 'block', text })), ...records.slice(r + 1));
        this.recount();
        const block = sealed === null ? keep : sealed.at - (suspect ? 1 : 0);
        const reason = sealed?.reason ?? message('block-link', { block: keep + 1, previous: keep });
        return { damage: { block, reason }, cut };
      }
      if (record.kind === 'block') this.applyBlock(sealed.blocks[0]!);
      else if (record.kind === 'adopt') this.applyAdopt(keep, sealed.blocks);
      else this.applyReset(sealed.blocks);
    }
    // The tip has no successor to vouch for it: check it whole.
    const tip = this.blocks[this.blocks.length - 1];
    if (tip !== undefined) {
      const checked = sealLine(tip.text, tip.index);
      if (!checked.ok) {
        this.blocks.pop();
        this.recount();
        return {
          damage: { block: tip.index, reason: checked.reason },
          cut: [{ kind: 'block', text: tip.text }],
        };
      }
      if (!checked.canonical) this.blocks[this.blocks.length - 1] = checked.block;
    }
    this.recount();
    return { damage: null, cut: [] };
  }

  /**
   * Seals block lines that should follow block `keep` of the chain. A line is trusted as canonical
   * when its successor commits to its hash; when that check fails the line is read whole once, since
   * a line rewritten in another spelling is still the same block.
   */
  private sealRun(
    texts: readonly string[],
    keep: number,
  ): { ok: true; blocks: SealedBlock[] } | { ok: false; at: number; reason: Message; good: SealedBlock[] } {
    const out: SealedBlock[] = [];
    let previous: SealedBlock | undefined = keep > 0 ? this.blocks[keep - 1] : undefined;
    for (let i = 0; i < texts.length; i++) {
      const position = keep + i + 1;
      const text = texts[i]!;
      const head = CANONICAL_HEAD.exec(text);
      let block: SealedBlock;
      if (head !== null && Number(head[1]) === position && position > 1) {
        block = SealedBlock.fromCanonical(text);
      } else {
        const checked = sealLine(text, position);
        if (!checked.ok) return { ok: false, at: position, reason: checked.reason, good: out };
        block = checked.block;
        if (block.index !== position) {
          return {
            ok: false,
            at: position,
            reason: message('block-index', { block: position, index: block.index }),
            good: out,
          };
        }
      }
      if (position > 1) {
        const linked = previousHashOf(block.text);
        if (previous === undefined || linked !== previous.hash) {
          // Maybe the block before was saved in another spelling: its canonical hash is what counts.
          const again = previous === undefined ? null : sealLine(previous.text, position - 1);
          if (again !== null && again.ok && again.block.hash === linked) {
            if (i === 0) this.blocks[keep - 1] = again.block;
            else out[i - 1] = again.block;
          } else {
            return {
              ok: false,
              at: position,
              reason: message('block-link', { block: position, previous: position - 1 }),
              good: out,
            };
          }
        }
      }
      out.push(block);
      previous = block;
    }
    return { ok: true, blocks: out };
  }

  /** After damage: the transactions of the records that were cut go back to the pool (best effort). */
  private salvage(records: readonly ChainRecord[]): void {
    const pool = [...this.pool];
    const texts = new Map<string, number>();
    for (const tx of pool) texts.set(tx.text, (texts.get(tx.text) ?? 0) + 1);
    const add = (tx: PendingTransaction): void => {
      if (this.seen.has(tx.id) || pool.length >= PENDING_MAX) return;
      pool.push(tx);
      this.seen.add(tx.id);
      texts.set(tx.text, (texts.get(tx.text) ?? 0) + 1);
    };
    for (const record of records) {
      if (record.kind === 'tx') {
        add(record.tx);
        continue;
      }
      const lines = record.kind === 'block' ? [record.text] : record.blocks;
      for (const line of lines) {
        let block: SealedBlock;
        try {
          block = SealedBlock.fromCanonical(line);
          transactionTexts(block);
        } catch {
          const checked = sealLine(line, 1);
          if (!checked.ok) continue;
          block = checked.block;
        }
        transactionTexts(block).forEach((text, position) => {
          // A transaction still pending is the one this block had taken: keep one copy.
          const left = texts.get(text) ?? 0;
          if (left > 0) texts.set(text, left - 1);
          else if (isRestorable(text)) add({ id: derivedId(block, position), text });
        });
      }
    }
    this.pool = pool;
    this.recount();
  }
}

function countBlocks(records: readonly ChainRecord[]): number {
  let n = 0;
  for (const r of records) n += r.kind === 'block' ? 1 : r.kind === 'tx' ? 0 : r.blocks.length;
  return n;
}

const CANONICAL_HEAD = /^\{"index": (\d{1,15}), "previous_hash": "[0-9a-f]{64}", "proof": \d+, "timestamp": /;

/** The `previous_hash` a canonical block text names (null for the genesis forms). */
function previousHashOf(text: string): string | null {
  const at = text.indexOf('"previous_hash": "');
  return at < 0 ? null : text.slice(at + 18, at + 18 + 64);
}
