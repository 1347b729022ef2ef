import { availableParallelism } from 'node:os';
import type { Block, ProfileName, PyValue, Rules, Transaction } from '../chain/types.ts';
import { blockToPy, createGenesis, encodeBlock, forgeBlock, hashBlock } from '../chain/block.ts';
import { dumpsPy } from '../chain/json.ts';
import { proofJobFor } from '../chain/proof.ts';
import { newNodeId, parseNewTransaction, rewardTransaction } from '../chain/transaction.ts';
import { commonPrefixLength, reconcilePending } from '../chain/consensus.ts';
import { validateChain } from '../chain/validate.ts';
import type { MiningProgress, ProofSearcher } from '../mining/types.ts';
import type { NodeRepository } from '../store/types.ts';
import { DEFAULT_SETTINGS, TUTORIAL_DIFFICULTY, type Settings } from '../shared/settings.ts';
import { parsePeerAddress } from '../peer/address.ts';
import { fetchPeerChain, type FetchedChain } from '../peer/fetch-chain.ts';
import { createChainChecker } from '../peer/chain-checker.ts';
import { getFromPeer } from '../peer/client.ts';
import { ActivityLog } from './activity.ts';
import { Emitter } from './emitter.ts';
import { validateSettings } from './settings.ts';
import {
  NodeError,
  type ActivityCode,
  type ActivityEntry,
  type ActivityParams,
  type MineResult,
  type MiningState,
  type NodeApi,
  type NodeEvents,
  type NodeStatus,
  type PeerInfo,
  type PeerOutcome,
  type RegisterResult,
  type ResolveReport,
} from './types.ts';

/** How the node learns where it is reachable (the peer server owns the socket). */
export interface NodeNetwork {
  /** The port the peer server listens on now. */
  port(): number;
  /** `http://host:port` URLs others can use. */
  addresses(): string[];
  /** True when a `host:port` names this very node. */
  isSelf(address: string): boolean;
}

/** What a node is built from. */
export interface NodeDeps {
  repo: NodeRepository;
  searcher: ProofSearcher;
  network: NodeNetwork;
  /** Settings given on the command line, applied over the saved ones. */
  overrides?: Partial<Settings>;
  /** Seconds since the epoch as a float, like Python's `time.time()`. */
  clock?: () => number;
  peerTimeoutMs?: number;
  peerMaxBytes?: number;
  /** Where warnings that are not activity go (defaults to nowhere). */
  log?: (line: string) => void;
}

const STOPPED = 'stopped by the user';
const TIP_CHANGED = 'the chain tip changed';

/** A complete Blockparty node: chain, pending pool, miner, peers and consensus over one repository. */
export class BlockpartyNode implements NodeApi {
  private blocks: Block[] = [];
  private hashes: string[] = [];
  private encoded: string[] = [];
  private chainJsonCache: string | null = null;
  private pool: Transaction[] = [];
  private peerMap = new Map<string, PeerInfo>();
  private current: Settings;
  private readonly nodeId: string;
  private readonly events = new Emitter<NodeEvents>();
  private readonly log = new ActivityLog(1000);
  private readonly clock: () => number;
  private readonly checker = createChainChecker();

  private mining: Promise<MineResult> | null = null;
  private searchAbort: AbortController | null = null;
  private stopRequested = false;
  /** The saved chain is behind the one in memory (a write failed): the next save rewrites it whole. */
  private diskStale = false;
  private progress: MiningProgress | null = null;
  private targetIndex: number | null = null;
  private resolving: Promise<ResolveReport> | null = null;
  private closed = false;

  private constructor(
    private readonly deps: NodeDeps,
    nodeId: string,
    settings: Settings,
  ) {
    this.nodeId = nodeId;
    this.current = settings;
    this.clock = deps.clock ?? (() => Date.now() / 1000);
  }

  /** Loads (or creates) the node's state from its repository. */
  static async open(deps: NodeDeps): Promise<BlockpartyNode> {
    const { meta, chain, warnings } = await deps.repo.load();
    // Settings lost with a damaged node.json: the genesis block still says which profile the chain follows.
    const inferred =
      meta.settings === null && chain.length > 0 ? { profile: profileOfGenesis(chain[0]!) } : {};
    const saved = { ...DEFAULT_SETTINGS, ...inferred, ...(meta.settings ?? {}) };
    const merged = { ...saved, ...(deps.overrides ?? {}) };
    const checked = validateSettings(merged);
    if (!checked.ok) throw new NodeError('invalid-settings', checked.message, checked.field);
    // Checked before anything is saved, so a mistyped --profile leaves the folder as it was.
    if (chain.length > 0 && merged.profile !== saved.profile && (meta.settings || 'profile' in inferred)) {
      throw new NodeError(
        'profile-mismatch',
        `The saved chain follows the "${saved.profile}" profile, not "${merged.profile}". Use another data folder, or switch the profile in Settings (the chain then restarts from a new genesis block).`,
        'profile',
      );
    }
    const nodeId = meta.nodeId ?? newNodeId();
    const node = new BlockpartyNode(deps, nodeId, checked.settings);
    if (!meta.nodeId) deps.repo.saveNodeId(nodeId);
    deps.repo.saveSettings(checked.settings);
    for (const warning of warnings)
      node.record('error', `Storage: ${warning}`, 'storage-warning', { message: warning });

    if (chain.length === 0) {
      const genesis = createGenesis(checked.settings.profile, node.clock());
      node.setChain([genesis]);
      await deps.repo.replaceChain([genesis]);
    } else {
      const sound = checkSavedChain(chain, checked.settings.profile, (warning) =>
        node.record('error', warning, 'error', { message: warning }),
      );
      node.setChain(sound.blocks, sound.hashes);
      if (node.blocks.length < chain.length) await node.persistWhole();
    }
    node.pool = [...meta.pending];
    // A crash between saving a block and saving the pool: the pool still holds what that block took.
    if (meta.pendingTip !== null && meta.pendingTip === node.hashes[node.hashes.length - 2]) {
      node.pool = reconcilePending(node.blocks.slice(0, -1), node.blocks, node.pool).pending;
    }
    for (const address of meta.peers) node.peerMap.set(address, emptyPeer(address));
    deps.searcher.setWorkers(checked.settings.workers);
    node.record(
      'node',
      `Node started with ${node.blocks.length} blocks and ${node.pool.length} pending transactions`,
      'node-started',
      { blocks: node.blocks.length, pending: node.pool.length },
    );
    return node;
  }

  /** The uuid (no dashes) that receives mining rewards. */
  get id(): string {
    return this.nodeId;
  }

  status(): NodeStatus {
    return {
      nodeId: this.nodeId,
      name: this.current.name,
      profile: this.current.profile,
      difficulty: this.current.difficulty,
      tutorialCompatible: this.current.difficulty === TUTORIAL_DIFFICULTY,
      height: this.blocks.length,
      lastHash: this.hashes[this.hashes.length - 1]!,
      pendingCount: this.pool.length,
      port: this.deps.network.port(),
      addresses: this.deps.network.addresses(),
      dataDir: this.deps.repo.dir,
      mining: this.miningState(),
    };
  }

  chain(): readonly Block[] {
    return this.blocks;
  }

  hashAt(position: number): string {
    const hash = this.hashes[position];
    if (hash === undefined) throw new NodeError('not-found', `There is no block at position ${position}.`);
    return hash;
  }

  chainJson(): string {
    this.chainJsonCache ??= `{"chain": [${this.encoded.join(', ')}], "length": ${this.encoded.length}}`;
    return this.chainJsonCache;
  }

  pending(): readonly Transaction[] {
    return this.pool;
  }

  submitTransaction(body: unknown): { index: number; transaction: Transaction } {
    const parsed = parseNewTransaction(body as PyValue);
    if (!parsed.ok) {
      this.record('rejected-input', `Transaction refused: ${parsed.message}`, 'transaction-refused', {
        reason: parsed.message,
      });
      throw new NodeError('invalid-transaction', parsed.message, parsed.field);
    }
    const before = this.pool;
    this.pool = [...before, parsed.tx];
    try {
      this.savePool();
    } catch (error) {
      this.pool = before;
      const message = `Could not save the transaction in ${this.deps.repo.dir}: ${(error as Error).message}. It was not added; free some disk space and send it again.`;
      this.record('error', message, 'transaction-save-failed', {
        dir: this.deps.repo.dir,
        error: (error as Error).message,
      });
      throw new NodeError('storage-failed', message);
    }
    this.events.emit('pending-changed', { count: this.pool.length });
    const index = this.blocks.length + 1;
    this.record(
      'transaction',
      `Transaction ${describeTx(parsed.tx)} will go into block ${index}`,
      'transaction-queued',
      {
        tx: describeTx(parsed.tx),
        index,
      },
    );
    return { index, transaction: parsed.tx };
  }

  mine(): Promise<MineResult> {
    this.stopRequested = false;
    return this.startMining();
  }

  private startMining(): Promise<MineResult> {
    if (this.closed) return Promise.reject(new NodeError('node-closed', 'The node is shutting down.'));
    this.mining ??= this.runMining()
      .then((result) => {
        // Auto-mine goes on after a forged block only: Stop (or an error) really stops.
        if (this.current.autoMine && !this.closed && !this.stopRequested) this.scheduleAutoMine();
        return result;
      })
      .finally(() => {
        this.mining = null;
        this.searchAbort = null;
        this.progress = null;
        this.targetIndex = null;
        this.emitMining();
      });
    return this.mining;
  }

  stopMining(): void {
    // Also stops auto-mine between two blocks, when no search is running to abort.
    this.stopRequested = true;
    this.searchAbort?.abort(STOPPED);
  }

  peers(): PeerInfo[] {
    return [...this.peerMap.values()].map((peer) => ({ ...peer }));
  }

  registerPeers(addresses: unknown): RegisterResult {
    if (!Array.isArray(addresses)) {
      throw new NodeError(
        'invalid-address',
        'Send "nodes" as a list of addresses, like ["192.168.0.5:5000"].',
        'nodes',
      );
    }
    const added: string[] = [];
    const rejected: RegisterResult['rejected'] = [];
    for (const input of addresses) {
      const parsed = parsePeerAddress(input);
      if (!parsed.ok) {
        rejected.push({ input: parsed.input, reason: parsed.reason });
      } else if (this.deps.network.isSelf(parsed.address)) {
        rejected.push({ input: String(input), reason: 'that is this node itself' });
      } else {
        if (!this.peerMap.has(parsed.address)) {
          this.peerMap.set(parsed.address, emptyPeer(parsed.address));
          added.push(parsed.address);
          this.record('peer-added', `Peer ${parsed.address} added`, 'peer-added', { peer: parsed.address });
        }
      }
    }
    for (const r of rejected) {
      this.record('rejected-input', `Address "${r.input}" refused: ${r.reason}`, 'address-refused', {
        input: r.input,
        reason: r.reason,
      });
    }
    if (added.length === 0 && rejected.length > 0 && rejected.length === addresses.length) {
      throw new NodeError(
        'invalid-address',
        `No valid address: ${rejected.map((r) => `"${r.input}" (${r.reason})`).join('; ')}`,
        'nodes',
      );
    }
    if (addresses.length === 0)
      throw new NodeError('invalid-address', 'The list of nodes is empty.', 'nodes');
    if (added.length > 0) this.peersChanged();
    return { peers: [...this.peerMap.keys()], added, rejected };
  }

  removePeer(address: string): void {
    const parsed = parsePeerAddress(address);
    const key = parsed.ok ? parsed.address : address;
    if (!this.peerMap.delete(key)) throw new NodeError('not-found', `${address} is not in the peer list.`);
    this.record('peer-removed', `Peer ${key} removed`, 'peer-removed', { peer: key });
    this.peersChanged();
  }

  async refreshPeers(only?: readonly string[]): Promise<PeerInfo[]> {
    const addresses = only ?? [...this.peerMap.keys()];
    await Promise.all(addresses.map((address) => this.probePeer(address)));
    this.events.emit('peers-changed', this.peers());
    return this.peers();
  }

  resolve(): Promise<ResolveReport> {
    this.resolving ??= this.runResolve().finally(() => {
      this.resolving = null;
    });
    return this.resolving;
  }

  settings(): Settings {
    return { ...this.current };
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const checked = validateSettings({ ...this.current, ...patch });
    if (!checked.ok) throw new NodeError('invalid-settings', checked.message, checked.field);
    const before = this.current;
    this.current = checked.settings;
    this.deps.repo.saveSettings(this.current);
    if (before.workers !== this.current.workers) this.deps.searcher.setWorkers(this.current.workers);
    if (before.profile !== this.current.profile) {
      await this.resetChain();
      this.record(
        'node',
        `Profile changed to ${this.current.profile}: the chain restarted from a new genesis block`,
        'profile-changed',
        { profile: this.current.profile },
      );
    } else if (before.difficulty !== this.current.difficulty) {
      this.searchAbort?.abort(TIP_CHANGED);
      this.record('node', `Difficulty changed to ${this.current.difficulty}`, 'difficulty-changed', {
        difficulty: this.current.difficulty,
      });
    }
    this.events.emit('settings-changed', this.settings());
    if (this.current.autoMine && !before.autoMine) {
      this.stopRequested = false;
      this.scheduleAutoMine();
    }
    return this.settings();
  }

  async resetChain(): Promise<void> {
    const genesis = createGenesis(this.current.profile, this.clock());
    this.setChain([genesis]);
    this.pool = [];
    this.searchAbort?.abort(TIP_CHANGED);
    await this.persistWhole();
    this.savePool();
    this.record('node', 'Chain reset to a new genesis block; pending transactions cleared', 'chain-reset');
    this.events.emit('chain-changed', { height: 1, reason: 'reset' });
    this.events.emit('pending-changed', { count: 0 });
  }

  /** Records a failure of the node's surroundings (its server, its disk) in the activity log. */
  reportError(message: string): void {
    this.record('error', message, 'error', { message });
  }

  activity(): ActivityEntry[] {
    return this.log.entries();
  }

  on<K extends keyof NodeEvents>(event: K, listener: (payload: NodeEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Stops mining and waits for every write to reach the disk. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopMining();
    await this.mining?.catch(() => undefined);
    await this.resolving?.catch(() => undefined);
    this.savePool();
    this.deps.repo.savePeers([...this.peerMap.keys()]);
    await this.checker.close();
    await this.deps.repo.close();
  }

  private rules(): Rules {
    return { profile: this.current.profile, difficulty: this.current.difficulty };
  }

  private setChain(blocks: Block[], hashes: string[] = blocks.map(hashBlock)): void {
    this.blocks = blocks;
    this.hashes = hashes;
    this.encoded = blocks.map(encodeBlock);
    this.chainJsonCache = null;
  }

  private miningState(): MiningState {
    const workers = this.current.workers || Math.max(1, availableParallelism() - 1);
    return { active: this.mining !== null, targetIndex: this.targetIndex, progress: this.progress, workers };
  }

  private emitMining(): void {
    this.events.emit('mining-changed', this.miningState());
  }

  private scheduleAutoMine(): void {
    setTimeout(() => {
      if (this.current.autoMine && !this.closed && !this.mining && !this.stopRequested) {
        this.startMining().catch((error: unknown) => {
          if (!(error instanceof NodeError && error.code === 'mining-cancelled')) {
            this.record('error', `Auto-mine stopped: ${(error as Error).message}`, 'auto-mine-stopped', {
              error: (error as Error).message,
            });
          }
        });
      }
    }, 0);
  }

  /** Searches a proof on the current tip; restarts when the tip changes, gives up when stopped. */
  private async runMining(): Promise<MineResult> {
    const started = performance.now();
    let tried = 0;
    for (;;) {
      const tipHash = this.hashes[this.hashes.length - 1]!;
      const abort = new AbortController();
      this.searchAbort = abort;
      this.targetIndex = this.blocks.length + 1;
      this.progress = null;
      this.emitMining();
      const seen = { tried: 0 };
      let proof: bigint;
      try {
        proof = await this.deps.searcher.find(proofJobFor(this.rules(), this.blocks), {
          signal: abort.signal,
          onProgress: (progress) => {
            seen.tried = progress.tried;
            this.progress = progress;
            this.emitMining();
          },
        });
      } catch (error) {
        tried += seen.tried;
        if (abort.signal.aborted && abort.signal.reason === TIP_CHANGED && !this.closed) continue;
        if (abort.signal.aborted)
          throw new NodeError('mining-cancelled', 'Mining was stopped before a proof was found.');
        throw error;
      }
      tried += seen.tried;
      if (this.hashes[this.hashes.length - 1] !== tipHash) continue;
      // The reward goes in after the proof is found, as in the tutorial; transactions posted during
      // the search are included, and those are exactly the ones removed from the pool.
      const taken = this.pool.length;
      const transactions: PyValue[] = [...this.pool, rewardTransaction(this.nodeId)];
      const block = forgeBlock(this.blocks, proof, transactions, this.clock());
      const hash = hashBlock(block);
      // On disk first: a block the disk refused is never shown, and its transactions stay pending.
      // A chain adopted meanwhile is written after this block, so it supersedes it on disk too.
      await this.persist([block]);
      if (this.hashes[this.hashes.length - 1] !== tipHash) continue;
      this.blocks.push(block);
      this.hashes.push(hash);
      this.encoded.push(encodeBlock(block));
      this.chainJsonCache = null;
      // Only what was posted while the block was being saved stays pending.
      this.pool = this.pool.slice(taken);
      this.savePool();
      this.events.emit('chain-changed', { height: this.blocks.length, reason: 'mined' });
      this.events.emit('pending-changed', { count: this.pool.length });
      const ms = Math.round(performance.now() - started);
      this.record(
        'mined',
        `Mined block ${block.index} with proof ${block.proof} in ${(ms / 1000).toFixed(1)} s`,
        'mined',
        { index: Number(block.index), proof: String(block.proof), seconds: (ms / 1000).toFixed(1) },
      );
      return { block, hash, ms, tried };
    }
  }

  /**
   * Appends blocks to the saved chain, or rewrites it whole when an earlier write failed (so the disk
   * never gets a gap). Throws NodeError('storage-failed') with what to do.
   */
  private async persist(newBlocks: Block[]): Promise<void> {
    try {
      if (this.diskStale) await this.deps.repo.replaceChain([...this.blocks, ...newBlocks]);
      else await this.deps.repo.appendBlocks(newBlocks);
      this.diskStale = false;
    } catch (error) {
      const message = `Could not save the chain in ${this.deps.repo.dir}: ${(error as Error).message}. Nothing was added; free some disk space and try again.`;
      this.record('error', message, 'chain-save-failed', {
        dir: this.deps.repo.dir,
        error: (error as Error).message,
      });
      throw new NodeError('storage-failed', message);
    }
  }

  /** Rewrites the saved chain after a replace or reset; on failure the next save rewrites it whole. */
  private async persistWhole(): Promise<void> {
    try {
      await this.deps.repo.replaceChain(this.blocks);
      this.diskStale = false;
    } catch (error) {
      this.diskStale = true;
      this.record(
        'error',
        `Could not save the chain in ${this.deps.repo.dir}: ${(error as Error).message}`,
        'chain-rewrite-failed',
        { dir: this.deps.repo.dir, error: (error as Error).message },
      );
    }
  }

  /** Saves the pending pool tagged with the tip it goes with. */
  private savePool(): void {
    this.deps.repo.savePending(this.pool, this.hashes[this.hashes.length - 1]);
  }

  private async runResolve(): Promise<ResolveReport> {
    const rules = this.rules();
    const addresses = [...this.peerMap.keys()];
    const options = {
      timeoutMs: this.deps.peerTimeoutMs,
      maxBytes: this.deps.peerMaxBytes,
      checker: this.checker,
    };
    const results = await Promise.all(addresses.map((address) => fetchPeerChain(address, rules, options)));

    const outcomes: PeerOutcome[] = [];
    let best: { peer: string; chain: Extract<FetchedChain, { ok: true }> } | null = null;
    const now = Date.now();
    results.forEach((result, i) => {
      const peer = addresses[i]!;
      const info = this.peerMap.get(peer);
      if (result.ok) {
        if (info)
          Object.assign(info, { online: true, height: result.blocks.length, lastSeen: now, lastError: null });
        if (best === null || result.blocks.length > best.chain.blocks.length) best = { peer, chain: result };
        outcomes.push({
          peer,
          outcome: 'shorter-or-equal',
          blocks: result.blocks.length,
          reason: result.note,
          ms: result.ms,
        });
      } else {
        if (info) {
          const reachable =
            result.outcome === 'invalid' ||
            result.outcome === 'bad-response' ||
            result.outcome === 'too-large';
          Object.assign(info, {
            online: reachable,
            lastError: result.reason,
            ...(reachable ? { lastSeen: now } : {}),
          });
        }
        outcomes.push({
          peer,
          outcome: result.outcome,
          blocks: result.blocks,
          reason: result.reason,
          ms: result.ms,
        });
        this.record('peer-failed', `Peer ${peer}: ${result.reason}`, 'peer-failed', {
          peer,
          reason: result.reason,
        });
      }
    });

    // Decided against the chain as it is now: a block mined while we waited counts.
    const ourBefore = this.blocks.length;
    const winner = best as { peer: string; chain: Extract<FetchedChain, { ok: true }> } | null;
    const builder = new ReportBuilder(ourBefore, outcomes);
    const rulesNow = this.rules();
    const rulesChanged = rulesNow.profile !== rules.profile || rulesNow.difficulty !== rules.difficulty;
    if (winner && winner.chain.blocks.length > ourBefore && rulesChanged) {
      // The peers' chains were checked under the rules of a moment ago: adopt nothing under the new ones.
      for (const o of outcomes) {
        if (o.outcome === 'shorter-or-equal')
          o.reason = 'not used: the profile or difficulty changed during the resolve';
      }
      this.record(
        'chain-kept',
        'Resolve ignored: the profile or difficulty changed while peers were asked; resolve again',
        'resolve-ignored',
      );
    } else if (winner && winner.chain.blocks.length > ourBefore) {
      for (const o of outcomes) {
        if (o.peer === winner.peer) o.outcome = 'adopted';
        else if (o.outcome === 'shorter-or-equal' && (o.blocks ?? 0) > ourBefore) {
          o.reason = `valid, but ${winner.peer} had a longer chain`;
        }
      }
      await this.adopt(winner.peer, winner.chain, builder);
    } else {
      for (const o of outcomes) {
        if (o.outcome === 'shorter-or-equal')
          o.reason ??= `${o.blocks} blocks is not more than our ${ourBefore}`;
      }
      this.record('chain-kept', `Our chain (${ourBefore} blocks) is authoritative`, 'chain-kept', {
        blocks: ourBefore,
      });
    }
    this.events.emit('peers-changed', this.peers());
    return builder.report;
  }

  private async adopt(
    peer: string,
    { blocks, hashes: newHashes, encoded }: Extract<FetchedChain, { ok: true }>,
    builder: ReportBuilder,
  ): Promise<void> {
    const oldChain = this.blocks;
    const common = commonPrefixLength(oldChain, blocks);
    const { pending, restored, dropped } = reconcilePending(oldChain, blocks, this.pool);
    this.blocks = blocks;
    this.hashes = newHashes;
    this.encoded = encoded;
    this.chainJsonCache = null;
    this.pool = pending;
    this.searchAbort?.abort(TIP_CHANGED);
    // The chain reaches the disk before the pool tagged with its tip does.
    const saved = this.persistWhole().then(() => this.savePool());
    builder.replaced(
      peer,
      blocks.length,
      common < oldChain.length ? common + 1 : null,
      oldChain.slice(common),
      restored,
      dropped,
    );
    this.record(
      'chain-replaced',
      `Chain replaced by ${peer}'s: ${blocks.length} blocks beat our ${oldChain.length}` +
        (restored.length ? `; ${restored.length} transactions back in the pending pool` : ''),
      restored.length ? 'chain-replaced-restored' : 'chain-replaced',
      {
        peer,
        blocks: blocks.length,
        ours: oldChain.length,
        ...(restored.length ? { restored: restored.length } : {}),
      },
    );
    this.events.emit('chain-changed', { height: blocks.length, reason: 'replaced' });
    this.events.emit('pending-changed', { count: this.pool.length });
    await saved;
  }

  private async probePeer(address: string): Promise<void> {
    const info = this.peerMap.get(address);
    if (!info) return;
    const timeoutMs = this.deps.peerTimeoutMs;
    const answer = await getFromPeer(address, '/blockparty/info', { timeoutMs, maxBytes: 64 * 1024 });
    const now = Date.now();
    if (!answer.ok) {
      Object.assign(info, { online: false, latencyMs: null, lastError: answer.reason });
      return;
    }
    Object.assign(info, { online: true, latencyMs: answer.ms, lastSeen: now, lastError: null });
    if (answer.status === 200) {
      try {
        const body = JSON.parse(answer.body) as { profile?: unknown; length?: unknown };
        info.kind = 'blockparty';
        info.profile = body.profile === 'dvf' || body.profile === 'article' ? body.profile : null;
        info.height = typeof body.length === 'number' ? body.length : null;
        return;
      } catch {
        info.lastError = 'its info route answered something that is not JSON';
      }
    }
    // A tutorial node answers 404 to our routes: count its blocks instead.
    info.kind = 'tutorial';
    info.profile = null;
    const chain = await fetchPeerChain(address, this.rules(), {
      timeoutMs,
      maxBytes: this.deps.peerMaxBytes,
      checker: this.checker,
    });
    info.height = chain.ok ? chain.blocks.length : chain.blocks;
    if (!chain.ok) info.lastError = chain.reason;
  }

  private peersChanged(): void {
    this.deps.repo.savePeers([...this.peerMap.keys()]);
    this.events.emit('peers-changed', this.peers());
  }

  private record(
    kind: ActivityEntry['kind'],
    message: string,
    code: ActivityCode,
    params: ActivityParams = {},
  ): void {
    const entry = this.log.add(kind, message, code, params);
    this.events.emit('activity', entry);
  }
}

/** Collects what a resolve did into the report the API returns. */
class ReportBuilder {
  readonly report: ResolveReport;

  constructor(ours: number, peers: PeerOutcome[]) {
    this.report = {
      replaced: false,
      winner: null,
      ourLengthBefore: ours,
      ourLengthAfter: ours,
      replacedFrom: null,
      discarded: [],
      restored: [],
      dropped: [],
      peers,
    };
  }

  replaced(
    winner: string,
    length: number,
    from: number | null,
    discarded: Block[],
    restored: Transaction[],
    dropped: Transaction[],
  ): void {
    Object.assign(this.report, {
      replaced: true,
      winner,
      ourLengthAfter: length,
      replacedFrom: from,
      discarded,
      restored,
      dropped,
    });
  }
}

function emptyPeer(address: string): PeerInfo {
  return {
    address,
    online: null,
    latencyMs: null,
    height: null,
    kind: null,
    profile: null,
    lastSeen: null,
    lastError: null,
  };
}

function describeTx(tx: Transaction): string {
  return `${String(tx['sender'])} → ${String(tx['recipient'])} (${dumpsPy(tx['amount'] ?? null)})`;
}

/** The profile a chain follows, told by its genesis `previous_hash` (integer 1 or string "1"). */
function profileOfGenesis(genesis: Block): ProfileName {
  return typeof genesis.previous_hash === 'string' ? 'dvf' : 'article';
}

/**
 * Checks a chain read from our own disk: the profile's genesis, the indexes and every link. Proofs are
 * not re-checked, since a chain mined before a difficulty change is still ours. Keeps the sound prefix.
 */
function checkSavedChain(
  chain: Block[],
  profile: ProfileName,
  warn: (message: string) => void,
): { blocks: Block[]; hashes?: string[] } {
  const checked = validateChain(chain.map(blockToPy), { profile, difficulty: 0 });
  if (checked.ok) return { blocks: chain, hashes: checked.hashes };
  const keep = Math.max(1, (checked.blockIndex ?? 1) - 1);
  if (keep >= chain.length || checked.blockIndex === 1) {
    warn(`The saved chain does not follow the ${profile} profile (${checked.reason}); it was kept as it is.`);
    return { blocks: chain };
  }
  warn(`The saved chain is broken at ${checked.reason}; kept its first ${keep} blocks.`);
  return { blocks: chain.slice(0, keep) };
}
