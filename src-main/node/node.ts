/**
 * One running Blockparty node: the ledger (chain and pending pool over the chain log), the miner,
 * the peer book and the tutorial's resolve, composed behind `NodeApi`. Its surroundings come in as
 * ports (storage, peer client, network, proof searcher); it imports no adapter.
 */
import {
  createGenesis,
  profileOfGenesis,
  rewardRecipient,
  transactionTexts,
  type SealedBlock,
} from '../chain/block.ts';
import { dumpsPy } from '../chain/json.ts';
import { proofJobFor } from '../chain/proof.ts';
import { newNodeId, newTransactionId, parseNewTransaction } from '../chain/transaction.ts';
import type { PendingTransaction, PyValue, Rules } from '../chain/types.ts';
import type { ProofSearcher } from '../mining/types.ts';
import type {
  ActivityEntry,
  ActivityKind,
  NearbyNetwork,
  NodeStatus,
  JoinCodeDto,
  LabState,
  PeerInfo,
  Reachability,
  TamperEdit,
  TamperVerdictDto,
} from '../shared/api.ts';
import { labChainJson } from '../chain/tamper.ts';
import { PACE_MAX_SECONDS, SPECTATOR_PATH } from '../shared/api.ts';
import { decodeJoinCode, encodeJoinCode, networkBitsOf } from '../shared/join-code.ts';
import { NodeError } from '../shared/errors.ts';
import { message, renderMessage, type Message } from '../shared/messages.ts';
import {
  DEFAULT_SETTINGS,
  TUTORIAL_DIFFICULTY,
  validateSettings,
  type Settings,
} from '../shared/settings.ts';
import { ActivityLog } from './activity.ts';
import { Emitter } from './emitter.ts';
import { Ledger } from './ledger.ts';
import type { ForkTree } from './forks.ts';
import type { Flight, Hop } from './flights.ts';
import { Lab, type TamperOutcome } from './lab.ts';
import { Miner } from './miner.ts';
import { PeerBook } from './peers.ts';
import type {
  ExchangedPeer,
  NodeCard,
  NodeLogger,
  NodeNetwork,
  NodeStorage,
  PeerClient,
  SavedPeer,
} from './ports.ts';
import { resolveWithPeers } from './resolve.ts';
import { Network, type Sighting } from './network.ts';
import type { MineResult, NodeApi, NodeEvents, RegisterResult, ResolveReport } from './types.ts';

/** What a node is built from. */
export interface NodeDeps {
  storage: NodeStorage;
  searcher: ProofSearcher;
  client: PeerClient;
  network: NodeNetwork;
  /** Words a storage failure for a person (full, read-only, permission…). */
  describeStorageError: (error: unknown) => Message;
  /** Settings given on the command line, applied over the saved ones. */
  overrides?: Partial<Settings>;
  /** A proof searcher of its own for the tamper lab's re-mining (closed after each use). */
  createSearcher?: () => ProofSearcher;
  /** Blockparty's version, told to peers. */
  version?: string;
  /** Seconds since the epoch as a float, like Python's `time.time()`. */
  clock?: () => number;
  log?: NodeLogger;
}

const ACTIVITY_MAX = 1000;
/** How long a flight fetched from its origin is reused. */
const FLIGHT_CACHE_MS = 1500;

/** One peer's verdict on a lab chain. */
export type LabVerdict = TamperVerdictDto;

/** Answers of a slow lookup, kept for `ms` per key pair. */
class TimedCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();
  constructor(
    private readonly ms: number,
    private readonly load: (a: string, b: string) => Promise<T>,
  ) {}
  get(a: string, b: string): Promise<T> {
    const key = `${a} ${b}`;
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit !== undefined && now - hit.at < this.ms) return hit.value;
    const value = this.load(a, b);
    this.entries.set(key, { at: now, value });
    for (const [k, e] of this.entries) if (now - e.at >= this.ms) this.entries.delete(k);
    return value;
  }
}
/** How long peers must have answered us with none ever contacting us before "unreachable" is said. */
const NO_INBOUND_AFTER_MS = 45_000;

/** Whether a host (IPv4 or IPv6, without port) is this machine's loopback. */
function isLoopback(host: string): boolean {
  const bare = host.replace(/^::ffff:/, '');
  return bare.startsWith('127.') || bare === '::1' || bare === 'localhost';
}

/** A complete Blockparty node. */
export class BlockpartyNode implements NodeApi {
  private readonly events = new Emitter<NodeEvents>();
  private readonly activityLog = new ActivityLog(ACTIVITY_MAX);
  private readonly miner: Miner;
  private readonly book: PeerBook;
  private readonly network: Network;
  readonly lab: Lab;
  /** Contacts from other nodes since start (hellos, pushes): whether the LAN can reach us. */
  private readonly inbound = { lan: 0, local: 0, lastAt: null as number | null };
  private chainJsonCache: string | null = null;
  /** Flights fetched from their origins, kept a few seconds (the view asks every 2 s). */
  private readonly flightCache = new TimedCache<{ origin: string; index: number; hops: Hop[] } | null>(
    FLIGHT_CACHE_MS,
    (address, hash) => this.deps.client.flightOf(address, hash),
  );
  private readonly startedAt = performance.now();
  private minerWarm: Promise<void> = Promise.resolve();
  private resolving: Promise<ResolveReport> | null = null;
  private closed = false;

  private constructor(
    private readonly deps: NodeDeps,
    private readonly ledger: Ledger,
    readonly id: string,
    private current: Settings,
    savedPeers: readonly SavedPeer[],
    private readonly storageNotices: Message[],
  ) {
    this.lab = new Lab({
      ledger,
      nodeId: id,
      rules: () => this.rules(),
      createSearcher:
        deps.createSearcher ??
        (() => {
          throw new NodeError('internal', message('internal', { error: 'no proof searcher for the lab' }));
        }),
    });
    this.miner = new Miner({
      ledger,
      paceMs: () => this.lab.paceMs(),
      select: (pending) => this.lab.forNextBlock(pending),
      searcher: deps.searcher,
      rules: () => this.rules(),
      nodeId: id,
      workers: () => this.current.workers,
      clock: this.clock,
      changed: (state) => this.events.emit('mining-changed', state),
      mined: (result) => this.onMined(result),
      autoStopped: (error) => {
        this.record('error', message('auto-mine-stopped', { reason: reasonOf(error) }));
        this.switchAutoMineOff();
      },
    });
    this.book = new PeerBook(
      {
        state: deps.storage.state,
        client: deps.client,
        network: deps.network,
        rules: () => this.rules(),
        genesisHash: () => this.ledger.chain[0]!.hash,
        changed: (peers) => this.events.emit('peers-changed', peers),
      },
      savedPeers,
    );
    this.network = new Network({
      ledger,
      lab: this.lab,
      paceChanged: () => this.labChanged('network'),
      book: this.book,
      client: deps.client,
      where: deps.network,
      nodeId: id,
      card: () => this.card(),
      rules: () => this.rules(),
      live: () => this.current.liveNetwork && !this.closed,
      chainChanged: (reason) => this.chainChanged(reason),
      pendingChanged: () => this.events.emit('pending-changed', { count: this.ledger.pending.length }),
      record: (kind, what) => this.record(kind, what),
      log: deps.log,
    });
  }

  /** Resolves once the miner's threads are started and their kernels built (the first Mine waits for nothing). */
  minerWarmed(): Promise<void> {
    return this.minerWarm;
  }

  /** Starts the live network (call once the peer server listens: peers are told our port). */
  startNetwork(): void {
    this.network.start();
  }

  /** What this node tells other nodes about itself. */
  card(): NodeCard {
    // While mining privately, others are shown the chain as it was when it started.
    const chain = this.ledger.chain;
    const length = this.lab.publicLength();
    const tip = chain[length - 1]!;
    const mining = this.miner.state();
    return {
      id: this.id,
      name: this.current.name,
      port: this.deps.network.port(),
      version: this.deps.version ?? '0.1.0',
      profile: this.current.profile,
      difficulty: this.current.difficulty,
      length,
      lastHash: tip.hash,
      genesisHash: chain[0]!.hash,
      lab: {
        hashRate: mining.hashRate,
        workers: mining.workers,
        mining: mining.active,
        privateMining: this.lab.privateMining,
        pace: this.lab.pace,
      },
    };
  }

  hello(remote: string | undefined, body: unknown): { card: NodeCard; peers: ExchangedPeer[] } {
    this.contacted(remote);
    return this.network.hello(remote, body);
  }

  receiveBlocks(remote: string | undefined, body: unknown): Promise<{ status: string; length: number }> {
    this.contacted(remote);
    return this.network.receiveBlocks(remote, body);
  }

  receiveTransactions(remote: string | undefined, body: unknown): Promise<{ accepted: number }> {
    this.contacted(remote);
    return this.network.receiveTransactions(remote, body);
  }

  /** Another node reached our peer port (from the socket address `remote`). */
  private contacted(remote: string | undefined): void {
    if (remote === undefined) return;
    if (isLoopback(remote)) this.inbound.local++;
    else this.inbound.lan++;
    this.inbound.lastAt = Date.now();
  }

  /** Whether laptops on the LAN can reach us: a hello or push from one of them says so. */
  private reachability(): Reachability {
    const peers = this.book.list();
    const reached = peers.filter((p) => p.kind === 'blockparty' && p.status === 'online');
    const lanPeers = reached.filter(
      (p) => !isLoopback(p.address.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')),
    );
    const inbound = this.inbound.lan + this.inbound.local;
    let verdict: Reachability['verdict'];
    if (!this.current.bindAll) verdict = 'loopback-only';
    else if (this.inbound.lan > 0 || (this.inbound.local > 0 && lanPeers.length === 0)) verdict = 'ok';
    // Peers answered us for a while but none ever contacted us: something drops what comes in.
    else if (lanPeers.length > 0 && performance.now() - this.startedAt > NO_INBOUND_AFTER_MS)
      verdict = 'no-inbound';
    else verdict = 'unknown';
    return { verdict, inbound, lastInboundAt: this.inbound.lastAt, reachedOut: reached.length };
  }

  syncPage(body: unknown): string {
    return this.network.syncPage(body);
  }

  peerList(): ReturnType<Network['peerList']> {
    return this.network.peerList();
  }

  sighted(found: Sighting): void {
    this.network.sighted(found);
  }

  nearby(): NearbyNetwork[] {
    return this.network.nearby();
  }

  joinNetwork(network: string, confirmed: boolean): Promise<{ blocks: number }> {
    return this.network.join(network, confirmed);
  }

  /** Loads (or creates) the node's state from its storage. Throws NodeError when it cannot start. */
  static async open(deps: NodeDeps): Promise<BlockpartyNode> {
    const saved = deps.storage.state.read();
    const merged = { ...DEFAULT_SETTINGS, ...(saved.settings ?? {}), ...(deps.overrides ?? {}) };
    const checked = validateSettings(merged);
    if (!checked.ok) throw new NodeError('invalid-settings', checked.reason, checked.field);
    const clock = deps.clock ?? (() => Date.now() / 1000);
    const { ledger, notices } = await Ledger.open(
      deps.storage.log,
      () => createGenesis(checked.settings.profile, clock()),
      deps.describeStorageError,
    );
    const settings = { ...checked.settings };
    const chainProfile = profileOfGenesis(ledger.chain[0]!);
    if (chainProfile !== settings.profile) {
      if (deps.overrides?.profile !== undefined) {
        await deps.storage.log.close();
        throw new NodeError(
          'profile-mismatch',
          message('profile-mismatch', { saved: chainProfile, asked: settings.profile }),
          'profile',
        );
      }
      // The chain is written before the settings: after a crash between the two, the chain is right.
      settings.profile = chainProfile;
    }
    const nodeId = saved.nodeId ?? newNodeId();
    const node = new BlockpartyNode(deps, ledger, nodeId, settings, saved.peers, [
      ...saved.notices,
      ...notices,
    ]);
    if (saved.nodeId === null) deps.storage.state.saveNodeId(nodeId);
    deps.storage.state.saveSettings(settings);
    await node.migrateLegacyPending(saved.legacyPending);
    for (const notice of node.storageNotices) {
      node.record('error', message('storage-notice', { reason: notice }));
      deps.log?.('warn', renderMessage(notice));
    }
    deps.searcher.setWorkers(settings.workers);
    // Threads started and kernels built now, so that the first Mine is as quick as the others.
    node.minerWarm = deps.searcher.warm(proofJobFor(node.rules(), ledger.tip)).catch(() => undefined);
    node.record(
      'node',
      message('node-started', { blocks: ledger.chain.length, pending: ledger.pending.length }),
    );
    if (settings.autoMine) node.miner.setAuto(true);
    return node;
  }

  status(): NodeStatus {
    const tip = this.ledger.tip;
    return {
      nodeId: this.id,
      name: this.current.name,
      profile: this.current.profile,
      difficulty: this.current.difficulty,
      tutorialCompatible: this.current.difficulty === TUTORIAL_DIFFICULTY,
      height: this.ledger.chain.length,
      lastHash: tip.hash,
      genesisHash: this.ledger.chain[0]!.hash,
      pendingCount: this.ledger.pending.length,
      port: this.deps.network.port(),
      portAsked: this.deps.network.portAsked(),
      addresses: this.deps.network.addresses(),
      dataDir: this.deps.storage.dir,
      mining: this.miner.state(),
      storageNotices: [...this.storageNotices],
      reachability: this.reachability(),
      lab: this.lab.state(this.miner.nextBlockAt()),
    };
  }

  chain(): readonly SealedBlock[] {
    return this.ledger.chain;
  }

  chainJson(): string {
    if (this.chainJsonCache === null) {
      // While mining privately, the withheld blocks are not served (tutorial nodes read this route).
      const chain = this.ledger.chain;
      const length = this.lab.publicLength();
      const texts = new Array<string>(length);
      for (let i = 0; i < length; i++) texts[i] = chain[i]!.text;
      this.chainJsonCache = `{"chain": [${texts.join(', ')}], "length": ${length}}`;
    }
    return this.chainJsonCache;
  }

  pending(): readonly PendingTransaction[] {
    return this.ledger.pending;
  }

  async submitTransaction(body: unknown): Promise<{ index: number; transaction: PendingTransaction }> {
    const parsed = parseNewTransaction(body as PyValue);
    if (!parsed.ok) {
      this.record('rejected-input', message('transaction-refused', { reason: parsed.reason }));
      throw new NodeError('invalid-transaction', parsed.reason, parsed.field);
    }
    const transaction = { id: newTransactionId(), text: parsed.text };
    this.lab.madeHere(transaction);
    try {
      await this.ledger.addTransaction(transaction);
    } catch (error) {
      if (error instanceof NodeError && error.code === 'storage-failed') {
        this.record('error', message('transaction-save-failed', { reason: error.detail }));
      }
      throw error;
    }
    const index = this.ledger.tip.index + 1;
    this.network.transactionAccepted(transaction, null, null);
    this.events.emit('pending-changed', { count: this.ledger.pending.length });
    this.record('transaction', message('transaction-queued', { tx: describeTx(parsed.tx), index }));
    return { index, transaction };
  }

  mine(): Promise<MineResult> {
    return this.miner.mine();
  }

  stopMining(): void {
    this.miner.stop();
    // Stop ends auto-mine too, and the switch says so (it would otherwise read ON with nothing mined).
    this.switchAutoMineOff();
  }

  /** Stops the search under way for a shutdown, leaving the saved auto-mine switch as it is. */
  haltMining(): void {
    this.miner.stop();
  }

  peers(): PeerInfo[] {
    return this.book.list();
  }

  registerPeers(addresses: unknown): RegisterResult {
    let result: RegisterResult;
    try {
      result = this.book.register(addresses);
    } catch (error) {
      if (error instanceof NodeError) this.record('rejected-input', error.detail);
      throw error;
    }
    for (const peer of result.added) this.record('peer-added', message('peer-added', { peer }));
    this.network.peersAdded([...result.added, ...result.known]);
    for (const r of result.rejected) {
      this.record('rejected-input', message('address-refused', { input: r.input, reason: r.reason }));
    }
    return result;
  }

  removePeer(address: string): void {
    const removed = this.book.remove(address);
    this.record('peer-removed', message('peer-removed', { peer: removed }));
  }

  refreshPeers(only?: readonly string[]): Promise<PeerInfo[]> {
    return this.book.refresh(only);
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
    if (!checked.ok) throw new NodeError('invalid-settings', checked.reason, checked.field);
    const before = this.current;
    const next = checked.settings;
    if (before.profile !== next.profile) {
      // The chain first: the genesis says which profile a saved chain follows.
      await this.ledger.reset(createGenesis(next.profile, this.clock()));
      this.chainChanged('reset');
      this.record('node', message('profile-changed', { profile: next.profile }));
    } else if (before.difficulty !== next.difficulty) {
      this.record('node', message('difficulty-changed', { difficulty: next.difficulty }));
    }
    try {
      this.saveSettings(next);
    } catch (error) {
      // The chain already follows the new profile (it was written first): memory follows the chain.
      if (before.profile !== next.profile) this.current = { ...this.current, profile: next.profile };
      throw error;
    }
    if (before.workers !== next.workers) this.deps.searcher.setWorkers(next.workers);
    if (before.difficulty !== next.difficulty || before.profile !== next.profile) {
      this.miner.tipChanged();
      void this.deps.searcher.warm(proofJobFor(this.rules(), this.ledger.tip)).catch(() => undefined);
    }
    if (before.autoMine !== next.autoMine) this.miner.setAuto(next.autoMine);
    // Back to the live network: introduce ourselves again to everyone we know.
    if (!before.liveNetwork && next.liveNetwork) this.network.peersAdded(this.book.addresses());
    return this.settings();
  }

  async resetChain(): Promise<void> {
    await this.ledger.reset(createGenesis(this.current.profile, this.clock()));
    this.chainChanged('reset');
    this.record('node', message('chain-reset'));
  }

  activity(): ActivityEntry[] {
    return this.activityLog.entries();
  }

  nameOf(nodeId: string): string | null {
    return nodeId === this.id ? this.current.name : this.book.nameOf(nodeId);
  }

  forkTree(depth: number, publicOnly = false): ForkTree {
    const chain = this.ledger.chain;
    return this.lab.forks.tree(publicOnly ? chain.slice(0, this.lab.publicLength()) : chain, depth);
  }

  tamper(edit: TamperEdit): Promise<TamperOutcome> {
    return this.lab.tamper(edit);
  }

  setPrivateMining(on: boolean): LabState {
    if (on && !this.lab.privateMining) {
      this.lab.startPrivate();
      this.record('node', message('lab-private-on'));
    } else if (!on && this.lab.privateMining) {
      const released = this.lab.release();
      this.chainJsonCache = null;
      this.record('node', message('lab-private-released', { blocks: released }));
      // The tip goes out as a mined block does; peers fetch the blocks before it by sync.
      if (released > 0) this.network.blockMined(this.ledger.tip);
    }
    this.labChanged('network');
    return this.labState();
  }

  setPace(seconds: number): LabState {
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > PACE_MAX_SECONDS)
      throw new NodeError('invalid-request', message('lab-pace-range', { max: PACE_MAX_SECONDS }), 'seconds');
    this.lab.offerPace({ seconds, setById: this.id, setByName: this.current.name, setAt: Date.now() });
    this.record('node', message(seconds === 0 ? 'lab-pace-off' : 'lab-pace-set', { seconds }));
    // Peers learn it from our card at their next heartbeat; the ones we push to, at once.
    this.network.peersAdded(this.book.addresses());
    this.labChanged('network');
    return this.labState();
  }

  joinCode(): JoinCodeDto {
    const network = this.ledger.chain[0]!.hash.slice(0, 16);
    const port = this.deps.network.port();
    const host = this.deps.network
      .addresses()
      .map((url) => /^http:\/\/(\d+\.\d+\.\d+\.\d+):\d+$/.exec(url)?.[1])
      .find((h) => h !== undefined);
    if (!this.current.bindAll || host === undefined)
      return {
        code: null,
        address: null,
        spectatorUrl: null,
        network,
        reason: message(this.current.bindAll ? 'join-code-no-address' : 'join-code-loopback'),
      };
    return {
      code: encodeJoinCode(host, port, network),
      address: `${host}:${port}`,
      spectatorUrl: `http://${host}:${port}${SPECTATOR_PATH}`,
      network,
      reason: null,
    };
  }

  async joinByCode(code: unknown, confirmed: boolean): Promise<{ address: string; blocks: number }> {
    const decoded = decodeJoinCode(code);
    if (!decoded.ok) throw new NodeError('invalid-request', decoded.reason, 'code');
    const address = `${decoded.target.host}:${decoded.target.port}`;
    const answer = await this.deps.client.hello(address, this.card());
    if (!answer.ok) {
      const code = answer.outcome === 'tutorial' ? 'join-code-not-blockparty' : 'join-code-no-answer';
      throw new NodeError('not-found', message(code, { address }), 'code');
    }
    const card = answer.card;
    if (networkBitsOf(card.genesisHash) !== decoded.target.networkBits)
      throw new NodeError('not-found', message('join-code-other-network', { address }), 'code');
    const network = card.genesisHash.slice(0, 16);
    // A peer added by hand (the code was typed), whichever network it is on.
    if (this.book.get(address) === undefined) this.registerPeers([address]);
    if (card.genesisHash !== this.ledger.chain[0]!.hash) {
      // Seen as a node nearby, it is joined like any network of the Nearby panel.
      this.network.sighted({ ...card, network, height: card.length, from: decoded.target.host });
      await this.network.join(network, confirmed, address);
    }
    return { address, blocks: this.ledger.chain.length };
  }

  /** Says hello to one address (the diagnostics' "why can't I see Bob?"). */
  contact(address: string): ReturnType<PeerClient['hello']> {
    return this.deps.client.hello(address, this.card());
  }

  adoptedBy(remote: string | undefined, body: unknown): void {
    this.contacted(remote);
    const card = this.network.cardFrom(body);
    // Only a node of our network whose chain is ours now: anything else is noise.
    if (
      card === null ||
      card.genesisHash !== this.ledger.chain[0]!.hash ||
      card.lastHash !== this.ledger.tip.hash
    )
      return;
    const name = card.name || this.book.list().find((p) => p.id === card.id)?.address || card.id.slice(0, 8);
    this.record('chain-kept', message('chain-won', { peer: name, blocks: card.length }));
  }

  receiveHops(body: unknown): { accepted: number } {
    const answer = this.network.receiveHops(body);
    if (answer.accepted > 0) this.labChanged('flights');
    return answer;
  }

  flight(hash: string): { origin: string; index: number; hops: Hop[] } | null {
    return this.lab.flights.get(hash);
  }

  async flights(count: number): Promise<Flight[]> {
    const chain = this.ledger.chain;
    const peers = this.book.list();
    const latest = chain.slice(Math.max(1, chain.length - count)).reverse();
    // Each block's origin is asked at once (one slow origin does not hold up the others).
    return Promise.all(
      latest.map(async (block): Promise<Flight> => {
        const miner = rewardRecipient(block);
        const local = this.lab.flights.get(block.hash);
        // The origin collected the whole path; another node knows only its own part of it.
        let flight = local !== null && local.origin === this.id ? local : null;
        if (flight === null && miner !== null && miner !== this.id) {
          const origin = peers.find((p) => p.id === miner && p.status === 'online');
          const remote = origin === undefined ? null : await this.flightCache.get(origin.address, block.hash);
          flight = remote === null ? local : { hash: block.hash, ...remote };
        }
        return {
          hash: block.hash,
          index: block.index,
          origin: miner ?? flight?.origin ?? '',
          hops: flight?.hops ?? [],
        };
      }),
    );
  }

  async tamperSend(edit: TamperEdit): Promise<{ outcome: TamperOutcome; verdicts: LabVerdict[] }> {
    const outcome = await this.lab.tamper(edit);
    const body = labChainJson(outcome.chain);
    const verdicts = await Promise.all(
      this.book.list().map(async (peer): Promise<LabVerdict> => {
        const base = { peer: peer.address, name: peer.name };
        if (peer.kind === 'tutorial')
          return { ...base, verdict: 'tutorial', block: null, reason: null, ms: null };
        if (peer.status !== 'online')
          return { ...base, verdict: 'unreachable', block: null, reason: peer.lastError, ms: null };
        const answer = await this.deps.client.labCheck(peer.address, body);
        if (!answer.ok) {
          const verdict =
            answer.outcome === 'tutorial' ? 'tutorial' : answer.outcome === 'busy' ? 'busy' : 'unreachable';
          return { ...base, verdict, block: null, reason: answer.reason, ms: null };
        }
        return {
          ...base,
          verdict: answer.verdict,
          block: answer.block,
          reason: answer.reason,
          ms: answer.ms,
        };
      }),
    );
    this.record('node', message('lab-tamper-sent', { block: edit.index, peers: verdicts.length }));
    return { outcome, verdicts };
  }

  async labCheck(body: Uint8Array): Promise<{
    verdict: 'rejected' | 'not-longer' | 'would-adopt';
    block: number | null;
    reason: Message | null;
  }> {
    const checked = await this.deps.client.checkChain(body, this.rules());
    if (!checked.ok) return { verdict: 'rejected', block: checked.blockIndex, reason: checked.reason };
    const ours = this.ledger.chain.length;
    const theirs = checked.blocks.length;
    if (theirs > ours)
      return {
        verdict: 'would-adopt',
        block: null,
        reason: message('lab-would-adopt', { blocks: theirs, ours }),
      };
    return {
      verdict: 'not-longer',
      block: null,
      reason: message('peer-not-longer', { blocks: theirs, ours }),
    };
  }

  private labState(): LabState {
    return this.lab.state(this.miner.nextBlockAt());
  }

  private labChanged(what: 'network' | 'forks' | 'flights'): void {
    this.events.emit('lab', { what });
    this.events.emit('mining-changed', this.miner.state());
  }

  on<K extends keyof NodeEvents>(event: K, listener: (payload: NodeEvents[K]) => void): () => void {
    return this.events.on(event, listener);
  }

  /** Records a failure of the node's surroundings (its server, its disk) in the activity log. */
  report(kind: ActivityKind, what: Message): void {
    this.record(kind, what);
  }

  /** Stops mining and waits for every change under way to reach the disk (the runtime closes the rest). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The miner stops first and at once: a `GET /mine` the server waits for ends with it.
    this.miner.stop();
    const networkStopped = this.network.stop();
    await this.miner.close();
    await networkStopped;
    await this.resolving?.catch(() => undefined);
    await this.ledger.settle();
  }

  private get clock(): () => number {
    return this.deps.clock ?? (() => Date.now() / 1000);
  }

  private rules(): Rules {
    return { profile: this.current.profile, difficulty: this.current.difficulty };
  }

  /** Saves, then applies (a refused write throws NodeError('storage-failed') and changes nothing). */
  private saveSettings(next: Settings): void {
    this.deps.storage.state.saveSettings(next);
    this.current = next;
    this.events.emit('settings-changed', this.settings());
  }

  /** Turns the auto-mine switch off once mining stopped; a disk that refuses is reported, never thrown. */
  private switchAutoMineOff(): void {
    if (!this.current.autoMine) return;
    try {
      this.saveSettings({ ...this.current, autoMine: false });
    } catch (error) {
      this.record('error', message('auto-mine-stopped', { reason: reasonOf(error as Error) }));
    }
  }

  private chainChanged(reason: 'mined' | 'received' | 'replaced' | 'reset'): void {
    this.chainJsonCache = null;
    if (reason !== 'mined') this.miner.tipChanged();
    this.events.emit('chain-changed', { height: this.ledger.chain.length, reason });
    this.events.emit('lab', { what: 'forks' });
    this.events.emit('pending-changed', { count: this.ledger.pending.length });
  }

  private onMined({ block, ms }: MineResult): void {
    this.chainChanged('mined');
    // Mined privately, a block stays here until released (the attack lab).
    if (!this.lab.privateMining) this.network.blockMined(block);
    const proof = /"proof": (\d+)/.exec(block.text)?.[1] ?? '?';
    this.record('mined', message('mined', { index: block.index, proof, seconds: (ms / 1000).toFixed(1) }));
  }

  private async runResolve(): Promise<ResolveReport> {
    const report = await resolveWithPeers({
      ledger: this.ledger,
      peers: this.book,
      client: this.deps.client,
      rules: () => this.rules(),
    });
    for (const o of report.peers) {
      if (o.outcome !== 'adopted' && o.outcome !== 'not-longer' && o.reason !== null) {
        this.record('peer-failed', message('peer-failed', { peer: o.peer, reason: o.reason }));
      }
    }
    if (report.replaced) {
      this.chainChanged('replaced');
      // The node whose chain won learns it did (the resolve report names it too).
      if (report.winner !== null) void this.deps.client.tellAdopted(report.winner, this.card());
      const params = {
        peer: report.winnerName ?? report.winner!,
        blocks: report.ourLengthAfter,
        ours: report.ourLengthBefore,
      };
      this.record(
        'chain-replaced',
        report.restored.length > 0
          ? message('chain-replaced-restored', { ...params, restored: report.restored.length })
          : message('chain-replaced', params),
      );
    } else if (report.peers.some((o) => o.reason?.code === 'peer-rules-changed')) {
      this.record('chain-kept', message('resolve-ignored'));
    } else {
      this.record('chain-kept', message('chain-kept', { blocks: report.ourLengthAfter }));
    }
    return report;
  }

  /** Moves a pending pool saved by an older version (in node.json) into the chain log, once. */
  private async migrateLegacyPending(legacy: { texts: string[]; tip: string | null } | null): Promise<void> {
    if (legacy === null) return;
    const chain = this.ledger.chain;
    // Saved against the block before our tip: that block already took what it holds.
    const minedSince =
      legacy.tip !== null && chain.length > 1 && chain[chain.length - 2]!.hash === legacy.tip;
    const held = new Map<string, number>();
    for (const text of minedSince ? transactionTexts(this.ledger.tip) : [])
      held.set(text, (held.get(text) ?? 0) + 1);
    for (const text of legacy.texts) {
      const left = held.get(text) ?? 0;
      if (left > 0) {
        held.set(text, left - 1);
        continue;
      }
      await this.ledger.addTransaction({ id: newTransactionId(), text });
    }
    this.deps.storage.state.clearLegacyPending();
  }

  private record(kind: ActivityKind, what: Message): void {
    this.events.emit('activity', this.activityLog.add(kind, what));
  }
}

function describeTx(tx: { sender?: PyValue; recipient?: PyValue; amount?: PyValue }): string {
  return `${String(tx.sender)} → ${String(tx.recipient)} (${dumpsPy(tx.amount ?? null)})`;
}

function reasonOf(error: Error): Message {
  return error instanceof NodeError ? error.detail : message('internal', { error: error.message });
}
