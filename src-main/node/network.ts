/**
 * The live classroom network: nodes introduce themselves, learn each other's peers, push new blocks
 * and transactions, notice what they missed and catch up by themselves.
 *
 * - Relay follows a tree per origin (the node that mined the block or first took the transaction):
 *   the members of our network sorted by id, rotated so the origin comes first; the node at place p
 *   forwards to places 4p+1 to 4p+4. Each node forwards a block once, to at most four peers, never
 *   back to its sender: a storm is impossible by construction, whatever the mining rate, and a block
 *   reaches N nodes in about log4(N) hops with N − 1 messages when the views agree.
 * - Views do not always agree (a node just joined, one just died), and pushes get lost: a heartbeat
 *   (`GET /blockparty/info`, every few seconds, jittered) compares tips, and a peer with a longer
 *   chain is synced from incrementally (a locator, as Bitcoin's `getblocks`): only the missing
 *   blocks travel, and only they are checked. Another tip at our height is a tie: it stays until one
 *   side grows, as the longest-chain rule says.
 * - Per peer: one request in flight, a one-block slot (a newer tip replaces an older one), a bounded
 *   queue of transactions, and full-jitter backoff while it fails. Dead peers are asked ever more
 *   rarely and come back by themselves.
 * - A network is the genesis block's hash (and the rules). A fresh node (genesis only) joins the best
 *   network it finds — more blocks, then more nodes, then the smaller genesis hash, an order every
 *   node agrees on, so fresh nodes started together end on one network. A node with blocks of its
 *   own joins another network only when asked to.
 * - Tutorial nodes (404 on our routes) are polled with `GET /chain` and their longer chain adopted;
 *   our own transactions are posted to them once.
 */
import { randomInt } from 'node:crypto';
import { SealedBlock, blockFromPy, proofOf } from '../chain/block.ts';
import { commonPrefixLength } from '../chain/consensus.ts';
import { isPyObject } from '../chain/json.ts';
import { parseNewTransaction } from '../chain/transaction.ts';
import type { PendingTransaction, PyValue, Rules } from '../chain/types.ts';
import { validateSuffix } from '../chain/validate.ts';
import type { NearbyNetwork, PeerInfo } from '../shared/api.ts';
import { parsePeerAddress } from '../shared/address.ts';
import { NodeError } from '../shared/errors.ts';
import { message, type Message } from '../shared/messages.ts';
import { parseHops } from './flights.ts';
import { cardLabFromWire, type Lab } from './lab.ts';
import type { Ledger } from './ledger.ts';
import type { PeerBook } from './peers.ts';
import type { ExchangedPeer, NodeCard, NodeLogger, NodeNetwork, PeerClient } from './ports.ts';
import { BoundedSet } from './bounded-set.ts';

/** How often an online peer is asked for its tip (jittered ±25%). */
const HEARTBEAT_MS = 3_000;
/**
 * Children per node in a relay tree: a class of 20 is two hops from the origin, one of 84 three
 * (with 2, 30 nodes were four hops away, and each hop waits for a busy laptop).
 */
const RELAY_FANOUT = 4;
/** A peer that has not answered for this long is offline. */
const OFFLINE_AFTER_MS = 8_000;
/** Longest wait between two tries of a dead peer. */
const BACKOFF_MAX_MS = 30_000;
/** How often a tutorial node's chain is read. */
const TUTORIAL_POLL_MS = 10_000;
/** Blocks per sync page. */
const SYNC_PAGE = 500;
/** Transactions per push, and the most queued for one peer. */
const TX_BATCH = 200;
const TX_QUEUE_MAX = 2_000;
/** Hashes of blocks already forwarded (a block is forwarded once). */
const RELAYED_MEMORY = 4_096;
/** Peers told of in a hello answer. */
const EXCHANGE_MAX = 32;
/** Nodes seen nearby that are kept (discovery and hellos). */
const NEARBY_MAX = 256;
/** A nearby node not seen for this long is forgotten. */
const NEARBY_TTL_MS = 60_000;
/** Fresh nodes wait this long after start before joining a network, to see what is around. */
const JOIN_SETTLE_MS = 1_500;
/** How often a fresh node looks again at the networks around (views fill in as nodes meet). */
const JOIN_RECHECK_MS = 2_000;
/** How long a block one ahead of us may take to arrive by relay before we sync it ourselves. */
const PUSH_GRACE_MS = 1_000;
/** How often each peer is asked for its peers (peer exchange, jittered). */
const EXCHANGE_MS = 15_000;

/** Another node seen on the LAN by discovery (what the adapter reports). */
export interface Sighting {
  id: string;
  name: string;
  /** The first 16 hex characters of its genesis hash. */
  network: string;
  profile: string;
  difficulty: number;
  height: number;
  port: number;
  /** The address its answer came from. */
  from: string;
}

/** What the network needs from the node. */
export interface NetworkDeps {
  ledger: Ledger;
  /** The lab: fork book, flights, private mining and pace. */
  lab: Lab;
  /** The pace changed (a peer told a newer one). */
  paceChanged(): void;
  book: PeerBook;
  client: PeerClient;
  where: NodeNetwork;
  nodeId: string;
  card(): NodeCard;
  rules(): Rules;
  /** Whether the live network is on (off: the tutorial's manual flow only). */
  live(): boolean;
  /** The chain changed through the network (a block received, a branch adopted, a network joined). */
  chainChanged(reason: 'received' | 'replaced'): void;
  pendingChanged(): void;
  record(
    kind: 'peer-added' | 'peer-failed' | 'chain-replaced' | 'mined' | 'node' | 'rejected-input',
    what: Message,
  ): void;
  log?: NodeLogger;
}

/** What we keep about each peer beyond what the peer book shows. */
interface Link {
  address: string;
  /** The last tip hash it told us (heartbeat or push answer), and its genesis. */
  tip: string | null;
  genesis: string | null;
  lastOk: number;
  failures: number;
  nextCheck: number;
  checking: boolean;
  sending: boolean;
  nextExchange: number;
  block: { block: SealedBlock; origin: string } | null;
  txs: { tx: PendingTransaction; origin: string }[];
  syncing: Promise<void> | null;
  /** Our own transactions not yet posted to this tutorial node. */
  tutorialTxs: string[];
}

/** A node seen nearby (by discovery or a hello), for the Nearby panel and for joining. */
interface Seen {
  id: string;
  name: string;
  address: string;
  network: string;
  profile: string;
  difficulty: number;
  height: number;
  seenAt: number;
}

const jitter = (ms: number): number => Math.round(ms * (0.75 + Math.random() * 0.5));

/** The live network of one node. */
export class Network {
  private readonly links = new Map<string, Link>();
  private readonly relayed = new BoundedSet(RELAYED_MEMORY);
  private readonly nearbyNodes = new Map<string, Seen>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private startedAt = 0;
  private nextJoinCheck = 0;
  private joining: Promise<unknown> | null = null;
  private closed = false;

  constructor(private readonly deps: NetworkDeps) {}

  /** Starts the heartbeat and introduces this node to the peers it remembers. */
  start(): void {
    this.startedAt = Date.now();
    this.timer = setInterval(() => this.tick(), 250);
    this.timer.unref?.();
    for (const address of this.deps.book.addresses()) void this.introduce(address);
  }

  /** Stops every timer; requests under way end by their own deadlines. */
  async stop(): Promise<void> {
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await Promise.all([...this.links.values()].map((link) => link.syncing?.catch(() => undefined)));
  }

  // ───────────────────────────── events of our own ─────────────────────────────

  /** A block we mined: it goes out as its origin. */
  blockMined(block: SealedBlock): void {
    if (!this.deps.live()) return;
    this.deps.lab.flights.had(block.hash, block.index, this.deps.nodeId, null);
    this.relay(block, this.deps.nodeId, null);
  }

  /** A transaction we took (from our API, or relayed to us by `from`). */
  transactionAccepted(tx: PendingTransaction, origin: string | null, from: string | null): void {
    if (!this.deps.live()) return;
    const mine = origin === null;
    for (const address of this.relayTargets(origin ?? this.deps.nodeId, from)) {
      const link = this.link(address);
      if (link.txs.length < TX_QUEUE_MAX) link.txs.push({ tx, origin: origin ?? this.deps.nodeId });
      this.send(link);
    }
    // Tutorial nodes hear only of transactions made here, once each.
    if (mine) {
      for (const peer of this.deps.book.list()) {
        if (peer.kind !== 'tutorial' || peer.status !== 'online') continue;
        const link = this.link(peer.address);
        if (link.tutorialTxs.length < TX_QUEUE_MAX) link.tutorialTxs.push(tx.text);
        this.send(link);
      }
    }
  }

  /** Peers added by hand: in the live network we introduce ourselves to them (joining is two-way). */
  peersAdded(addresses: readonly string[]): void {
    if (!this.deps.live()) return;
    for (const address of addresses) void this.introduce(address);
  }

  // ───────────────────────────── what peers send us ─────────────────────────────

  /**
   * `POST /blockparty/hello`: a node introduces itself (the address is where its packets come from,
   * with the port it says it listens on). We add it as a peer and answer with our card and peers.
   */
  hello(remote: string | undefined, body: unknown): { card: NodeCard; peers: ExchangedPeer[] } {
    const card = cardOf(body);
    const host = hostOfRemote(remote);
    if (card !== null && host !== null && card.id !== this.deps.nodeId) {
      const parsed = parsePeerAddress(`${host}:${card.port}`);
      if (parsed.ok && !this.deps.where.isSelf(parsed.address)) {
        const known = this.deps.book.get(parsed.address) !== undefined;
        const peer = this.deps.live()
          ? this.deps.book.adopt(parsed.address, 'inbound')
          : this.deps.book.get(parsed.address);
        if (peer) {
          this.learnCard(peer, card, null);
          if (!known)
            this.deps.record(
              'peer-added',
              message('peer-introduced', { name: card.name || card.id.slice(0, 8), peer: parsed.address }),
            );
        }
        this.see({ ...seenOfCard(card, parsed.address) });
      }
    }
    return { card: this.deps.card(), peers: this.exchangeList(card?.id ?? null) };
  }

  /** `POST /blockparty/blocks`: blocks pushed by a peer (normally the one block of its new tip). */
  async receiveBlocks(
    remote: string | undefined,
    body: unknown,
  ): Promise<{ status: string; length: number }> {
    const length = (): number => this.deps.ledger.chain.length;
    if (!this.deps.live()) return { status: 'manual', length: length() };
    const push = isPyObject(body as PyValue) ? (body as Record<string, PyValue>) : {};
    const blocks = Array.isArray(push['blocks']) ? push['blocks'] : [];
    const origin =
      typeof push['origin'] === 'string' && /^[0-9a-f]{32}$/.test(push['origin']) ? push['origin'] : null;
    const sender = this.senderOf(remote, push['from']);
    if (blocks.length === 0) return { status: 'invalid', length: length() };
    const first = blocks[0]!;
    const tip = this.deps.ledger.tip;
    const index = isPyObject(first) && typeof first['index'] === 'bigint' ? Number(first['index']) : NaN;
    if (!Number.isSafeInteger(index)) return { status: 'invalid', length: length() };
    const lab = this.deps.lab;
    if (lab.privateMining) {
      // The attacker's node watches the public chain grow, and keeps its own.
      const seen = sealedBlock(first);
      if (seen !== null) lab.forks.keepStale([seen], sender?.address ?? null);
      lab.sawPublic(index);
      return { status: 'private', length: lab.publicLength() };
    }
    // Known already (it came by another way), or it continues our tip: checked against the tip.
    if (index <= tip.index) {
      const ours = this.deps.ledger.chain[index - 1];
      const theirs = sealedBlock(first);
      if (ours !== undefined && ours.hash === theirs?.hash) {
        if (sender) this.link(sender.address).tip = ours.hash;
        return { status: 'known', length: length() };
      }
      // A block of another branch at a height we have: a fork, shown on the tree.
      if (theirs !== null) lab.forks.keepStale([theirs], sender?.address ?? null);
    }
    if (index === tip.index + 1) {
      const checked = validateSuffix(
        blocks,
        { index: tip.index, hash: tip.hash, proof: proofOf(tip) },
        this.deps.rules(),
      );
      if (checked.ok) {
        const added = await this.append(checked.blocks, sender?.address ?? null);
        if (added > 0) {
          const newTip = this.deps.ledger.tip;
          lab.flights.had(
            newTip.hash,
            newTip.index,
            origin ?? sender?.peer.id ?? '',
            sender?.address ?? null,
          );
          if (sender) this.link(sender.address).tip = newTip.hash;
          // On to the next hop first: the report of the arrival to the sender can wait.
          this.relay(newTip, origin ?? sender?.peer.id ?? this.deps.nodeId, sender?.address ?? null);
          this.announceArrival(newTip, sender);
          return { status: 'added', length: length() };
        }
      } else if (checked.blockIndex !== null && checked.reason.code !== 'block-link') {
        this.deps.record(
          'rejected-input',
          message('block-rejected', {
            index,
            peer: sender?.peer.name ?? sender?.address ?? host(remote),
            reason: checked.reason,
          }),
        );
        return { status: 'invalid', length: length() };
      }
    }
    // Another branch, or we are behind: fetch what is missing from the sender.
    if (sender) void this.syncFrom(sender.address);
    return { status: 'behind', length: length() };
  }

  /** `POST /blockparty/transactions`: transactions relayed by a peer, with their envelope ids. */
  async receiveTransactions(remote: string | undefined, body: unknown): Promise<{ accepted: number }> {
    if (!this.deps.live()) return { accepted: 0 };
    const push = isPyObject(body as PyValue) ? (body as Record<string, PyValue>) : {};
    const items = Array.isArray(push['transactions']) ? push['transactions'].slice(0, TX_BATCH * 2) : [];
    const origin =
      typeof push['origin'] === 'string' && /^[0-9a-f]{32}$/.test(push['origin']) ? push['origin'] : null;
    const sender = this.senderOf(remote, push['from']);
    let accepted = 0;
    for (const item of items) {
      if (!isPyObject(item)) continue;
      const id = item['id'];
      if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id) || this.deps.ledger.hasSeen(id)) continue;
      // A relayed transaction meets the same rules as one posted here (its text made again, canonical).
      const parsed = parseNewTransaction(item['transaction'] ?? null);
      if (!parsed.ok) continue;
      const tx = { id, text: parsed.text };
      try {
        if (!(await this.deps.ledger.addTransaction(tx))) continue;
      } catch {
        break;
      }
      accepted += 1;
      this.transactionAccepted(tx, origin, sender?.address ?? null);
    }
    if (accepted > 0) this.deps.pendingChanged();
    return { accepted };
  }

  /**
   * `POST /blockparty/sync`: the blocks after the first locator entry (`[index, hash]`) on our chain,
   * at most `limit`, as `{"fork": K, "length": N, "blocks": [...]}` (fork 0: none is ours).
   */
  syncPage(body: unknown): string {
    const request = isPyObject(body as PyValue) ? (body as Record<string, PyValue>) : {};
    const locator = Array.isArray(request['locator']) ? request['locator'].slice(0, 64) : [];
    const asked = typeof request['limit'] === 'bigint' ? Number(request['limit']) : SYNC_PAGE;
    const limit = Math.max(1, Math.min(SYNC_PAGE, asked));
    const chain = this.deps.ledger.chain;
    // While mining privately, the withheld blocks are not served.
    const visible = this.deps.lab.publicLength();
    let fork = 0;
    for (const entry of locator) {
      if (!Array.isArray(entry) || entry.length !== 2) continue;
      const [index, hash] = entry;
      if (typeof index !== 'bigint' || typeof hash !== 'string') continue;
      const block = index >= 1n && index <= BigInt(visible) ? chain[Number(index) - 1] : undefined;
      if (block !== undefined && block.hash === hash) {
        fork = block.index;
        break;
      }
    }
    const texts: string[] = [];
    if (fork > 0) for (let i = fork; i < Math.min(visible, fork + limit); i++) texts.push(chain[i]!.text);
    return `{"fork": ${fork}, "length": ${visible}, "blocks": [${texts.join(', ')}]}`;
  }

  /** A node card sent in a request body (a hello, an adoption notice), or null. */
  cardFrom(body: unknown): NodeCard | null {
    return cardOf(body);
  }

  /** `POST /blockparty/arrivals`: hops of a block's flight from a node we sent it to. */
  receiveHops(body: unknown): { accepted: number } {
    const report = isPyObject(body as PyValue) ? (body as Record<string, PyValue>) : {};
    const hash = report['hash'];
    const hops = Array.isArray(report['hops']) ? parseHops(report['hops']) : [];
    if (typeof hash !== 'string' || !/^[0-9a-f]{64}$/.test(hash)) return { accepted: 0 };
    this.deps.lab.flights.reported(hash, hops);
    return { accepted: hops.length };
  }

  /** `GET /blockparty/peers`: the peers we know, as the tests and tools read them. */
  peerList(): {
    address: string;
    kind: string;
    status: string;
    id: string | null;
    name: string | null;
    length: number | null;
  }[] {
    return this.deps.book.list().map((p) => ({
      address: p.address,
      kind: p.kind ?? 'unknown',
      status: p.status === 'online' ? 'online' : 'offline',
      id: p.id,
      name: p.name,
      length: p.height,
    }));
  }

  // ───────────────────────────── the LAN ─────────────────────────────

  /** A node seen by discovery: one of our network is joined at once; others are listed as nearby. */
  sighted(found: Sighting): void {
    if (found.id === this.deps.nodeId) return;
    const parsed = parsePeerAddress(`${found.from}:${found.port}`);
    if (!parsed.ok || this.deps.where.isSelf(parsed.address)) return;
    this.see({ ...found, address: parsed.address, seenAt: Date.now() });
    if (!this.deps.live()) return;
    const ours = this.ourNetwork();
    const sameRules =
      found.profile === this.deps.rules().profile && found.difficulty === this.deps.rules().difficulty;
    if (found.network === ours && sameRules) {
      const known = this.deps.book.get(parsed.address) !== undefined;
      if (!known && this.deps.book.adopt(parsed.address, 'discovered')) void this.introduce(parsed.address);
    } else {
      this.considerJoining();
    }
  }

  /** Networks seen nearby, ours first, each with its nodes (for the Nearby panel). */
  nearby(): NearbyNetwork[] {
    const now = Date.now();
    const ours = this.ourNetwork();
    const rules = this.deps.rules();
    const groups = new Map<string, NearbyNetwork>();
    for (const seen of this.nearbyNodes.values()) {
      if (now - seen.seenAt > NEARBY_TTL_MS) continue;
      const key = `${seen.network}/${seen.profile}/${seen.difficulty}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = {
          network: seen.network,
          profile: seen.profile === 'dvf' ? 'dvf' : 'article',
          difficulty: seen.difficulty,
          ours:
            seen.network === ours && seen.profile === rules.profile && seen.difficulty === rules.difficulty,
          joinable: seen.profile === rules.profile && seen.difficulty === rules.difficulty,
          height: 0,
          nodes: [],
        };
        groups.set(key, group);
      }
      group.height = Math.max(group.height, seen.height);
      group.nodes.push({
        id: seen.id,
        name: seen.name,
        address: seen.address,
        height: seen.height,
        lastSeen: seen.seenAt,
      });
    }
    return [...groups.values()].sort(
      (a, b) => Number(b.ours) - Number(a.ours) || b.nodes.length - a.nodes.length || b.height - a.height,
    );
  }

  /**
   * Joins another network: adopts its chain, genesis included, from its best node. When this node
   * has blocks of its own, it asks first (NodeError 'invalid-request' with what would give way).
   * `via` names the node to join through (a join code's), when it is one of that network.
   */
  async join(network: string, confirmed: boolean, via?: string): Promise<{ blocks: number }> {
    const rules = this.deps.rules();
    const members = [...this.nearbyNodes.values()]
      .filter((s) => s.network === network)
      .sort((a, b) => b.height - a.height);
    // Joined by its code, the network is joined through that node; else through its best one.
    const best = members.find((m) => m.address === via) ?? members[0];
    if (best === undefined) throw new NodeError('not-found', message('join-not-found'));
    if (best.profile !== rules.profile || best.difficulty !== rules.difficulty) {
      throw new NodeError(
        'invalid-request',
        message('join-other-rules', { profile: best.profile, difficulty: best.difficulty }),
      );
    }
    const chain = this.deps.ledger.chain;
    if (chain.length > 1 && !confirmed) {
      let transactions = 0;
      for (const block of chain.slice(1))
        transactions += Math.max(0, (block.decode().transactions.length ?? 1) - 1);
      throw new NodeError(
        'invalid-request',
        message('join-needs-confirm', { blocks: chain.length - 1, transactions }),
        'confirm',
      );
    }
    const fetched = await this.deps.client.fetchChain(best.address, rules);
    if (!fetched.ok)
      throw new NodeError(
        'not-found',
        message('peer-failed', { peer: best.address, reason: fetched.reason }),
      );
    const ours = this.deps.ledger.chain;
    const keep = commonPrefixLength(ours, fetched.blocks);
    const adopted = await this.deps.ledger.adopt(keep, fetched.blocks.slice(keep), () => true, best.address);
    if (adopted === null) throw new NodeError('not-found', message('join-not-found'));
    this.deps.record(
      'chain-replaced',
      message('network-joined', {
        peer: best.name || best.address,
        blocks: fetched.blocks.length,
        ours: ours.length,
      }),
    );
    this.afterChainChange('replaced', null);
    this.deps.book.adopt(best.address, 'discovered');
    // Everyone we know hears of our new network now, not at its next heartbeat of us: until then it
    // leaves us out of its relay trees.
    for (const address of this.deps.book.addresses()) void this.introduce(address);
    return { blocks: fetched.blocks.length };
  }

  // ───────────────────────────── inside ─────────────────────────────

  private ourNetwork(): string {
    return this.deps.ledger.chain[0]!.hash.slice(0, 16);
  }

  private link(address: string): Link {
    let link = this.links.get(address);
    if (link === undefined) {
      link = {
        address,
        tip: null,
        genesis: null,
        lastOk: 0,
        failures: 0,
        nextCheck: 0,
        checking: false,
        sending: false,
        nextExchange: Date.now() + jitter(EXCHANGE_MS),
        block: null,
        txs: [],
        syncing: null,
        tutorialTxs: [],
      };
      this.links.set(address, link);
    }
    return link;
  }

  private see(seen: Seen): void {
    this.nearbyNodes.delete(seen.id);
    this.nearbyNodes.set(seen.id, seen);
    if (this.nearbyNodes.size > NEARBY_MAX) this.nearbyNodes.delete(this.nearbyNodes.keys().next().value!);
  }

  /** The peer a push came from: by the id it gives, else by its address. */
  private senderOf(
    remote: string | undefined,
    from: PyValue | undefined,
  ): { address: string; peer: PeerInfo } | null {
    const peers = this.deps.book.list();
    if (typeof from === 'string') {
      const byId = peers.find((p) => p.id === from);
      if (byId) return { address: byId.address, peer: byId };
    }
    const h = hostOfRemote(remote);
    const byHost = h === null ? undefined : peers.find((p) => p.address.startsWith(`${h}:`));
    return byHost ? { address: byHost.address, peer: byHost } : null;
  }

  /** Introduces us to a peer (hello) and learns its card and its peers. */
  private async introduce(address: string): Promise<void> {
    if (this.closed) return;
    const answer = await this.deps.client.hello(address, this.deps.card());
    const peer = this.deps.book.get(address);
    if (peer === undefined) return;
    const link = this.link(address);
    if (!answer.ok) {
      // A tutorial node has no hello: it is followed through its chain instead.
      if (answer.outcome === 'tutorial') {
        await this.deps.book.probe(address);
        link.lastOk = Date.now();
      } else {
        this.failed(link, peer, answer.reason);
      }
      this.deps.book.tell();
      return;
    }
    this.learnCard(peer, answer.card, answer.ms);
    this.see(seenOfCard(answer.card, address));
    this.deps.book.tell();
    // Peer exchange: joining one node teaches the rest, even where multicast is blocked.
    for (const other of answer.peers) {
      if (this.deps.where.isSelf(other.address) || other.id === this.deps.nodeId) continue;
      if (
        this.deps.book.get(other.address) === undefined &&
        this.deps.book.adopt(other.address, 'exchanged')
      ) {
        void this.introduce(other.address);
      }
    }
    this.compareTips(link, peer);
    this.considerJoining();
  }

  /** Records what a node's card says about it. */
  private learnCard(peer: PeerInfo, card: NodeCard, ms: number | null): void {
    const link = this.link(peer.address);
    link.tip = card.lastHash || null;
    link.genesis = card.genesisHash || null;
    link.lastOk = Date.now();
    link.failures = 0;
    link.nextCheck = Date.now() + jitter(HEARTBEAT_MS);
    const wasOffline = peer.status === 'offline';
    // What we know of its network stays current (a fresh node may have joined another meanwhile).
    if (card.genesisHash !== '' && card.id !== '') this.see(seenOfCard(card, peer.address));
    this.deps.book.update(peer.address, {
      status: 'online',
      kind: 'blockparty',
      id: card.id,
      name: card.name || null,
      height: card.length,
      profile: card.profile,
      difficulty: card.difficulty,
      latencyMs: ms ?? peer.latencyMs,
      lastSeen: Date.now(),
      lastError: null,
      incompatible: this.incompatibility(card.profile, card.difficulty, card.genesisHash || null),
      tip: card.lastHash || null,
      hashRate: card.lab?.hashRate ?? null,
      workers: card.lab?.workers ?? null,
      mining: card.lab?.mining ?? null,
      privateMining: card.lab?.privateMining ?? false,
    });
    // The pace of our network reaches every node through the cards (the newest setting wins).
    if (
      card.lab?.pace != null &&
      this.incompatibility(card.profile, card.difficulty, card.genesisHash || null) === null &&
      this.deps.lab.offerPace(card.lab.pace)
    )
      this.deps.paceChanged();
    if (wasOffline) {
      this.deps.record('peer-added', message('peer-online', { peer: card.name || peer.address }));
      // It missed what was relayed while it was away (a partition, a restart): offer it our pool.
      if (
        this.deps.live() &&
        this.incompatibility(card.profile, card.difficulty, card.genesisHash || null) === null
      ) {
        for (const tx of this.deps.ledger.pending.slice(0, TX_QUEUE_MAX - link.txs.length))
          link.txs.push({ tx, origin: this.deps.nodeId });
        this.send(link);
      }
    }
  }

  private incompatibility(profile: string, difficulty: number, genesis: string | null): Message | null {
    const ours = this.deps.rules();
    if (profile !== ours.profile) return message('peer-other-profile', { profile, ours: ours.profile });
    if (difficulty !== ours.difficulty)
      return message('peer-other-difficulty', { difficulty, ourDifficulty: ours.difficulty });
    if (genesis !== null && genesis !== this.deps.ledger.chain[0]!.hash) return message('peer-other-genesis');
    return null;
  }

  private failed(link: Link, peer: PeerInfo, reason: Message): void {
    link.failures += 1;
    // Full-jitter backoff: 0.5 s, 1 s, 2 s… up to 30 s, each drawn at random below its ceiling.
    const ceiling = Math.min(BACKOFF_MAX_MS, 500 * 2 ** Math.min(link.failures, 10));
    link.nextCheck = Date.now() + Math.max(HEARTBEAT_MS, randomInt(ceiling + 1));
    const offline = Date.now() - link.lastOk > OFFLINE_AFTER_MS;
    if (offline && peer.status !== 'offline') {
      this.deps.book.update(peer.address, { status: 'offline', latencyMs: null, lastError: reason });
      this.deps.record('peer-failed', message('peer-offline', { peer: peer.name ?? peer.address }));
    } else {
      this.deps.book.update(peer.address, { lastError: reason });
    }
  }

  /** The heartbeat: each peer due is asked, one request at a time; sends pending work. */
  private tick(): void {
    if (this.closed || !this.deps.live()) return;
    const now = Date.now();
    let changed = false;
    for (const peer of this.deps.book.list()) {
      const link = this.link(peer.address);
      this.send(link);
      if (link.checking || now < link.nextCheck) continue;
      // Marked offline as soon as it is overdue, even while its backoff keeps us from asking.
      if (peer.status === 'online' && now - link.lastOk > OFFLINE_AFTER_MS) {
        this.deps.book.update(peer.address, { status: 'offline', latencyMs: null });
        this.deps.record('peer-failed', message('peer-offline', { peer: peer.name ?? peer.address }));
        changed = true;
      }
      link.checking = true;
      void this.check(link, peer).finally(() => {
        link.checking = false;
      });
      if (peer.status === 'online' && peer.kind === 'blockparty' && now >= link.nextExchange) {
        link.nextExchange = now + jitter(EXCHANGE_MS);
        void this.exchange(peer.address);
      }
    }
    if (changed) this.deps.book.tell();
    // Flights: what we learnt of each block's hops goes up the tree, to whom we got it from.
    for (const report of this.deps.lab.flights.takeReports())
      void this.deps.client.reportHops(report.address, report.hash, report.hops);
    this.forgetStale(now);
    if (this.deps.ledger.chain.length === 1 && now >= this.nextJoinCheck) {
      this.nextJoinCheck = now + JOIN_RECHECK_MS;
      this.considerJoining();
    }
  }

  /** Peer exchange: the peers a peer knows, added (and introduced to) when new to us. */
  private async exchange(address: string): Promise<void> {
    for (const other of await this.deps.client.peersOf(address)) this.learnOf(other);
  }

  private learnOf(other: ExchangedPeer): void {
    if (this.deps.where.isSelf(other.address) || other.id === this.deps.nodeId) return;
    if (this.deps.book.get(other.address) === undefined && this.deps.book.adopt(other.address, 'exchanged')) {
      void this.introduce(other.address);
    }
  }

  private forgetStale(now: number): void {
    for (const [id, seen] of this.nearbyNodes)
      if (now - seen.seenAt > NEARBY_TTL_MS) this.nearbyNodes.delete(id);
  }

  /** Asks one peer for its tip (a tutorial node: for its chain) and acts on the answer. */
  private async check(link: Link, peer: PeerInfo): Promise<void> {
    if (peer.kind === 'tutorial') {
      link.nextCheck = Date.now() + jitter(TUTORIAL_POLL_MS);
      await this.followTutorial(link, peer);
      return;
    }
    const answer = await this.deps.client.info(peer.address);
    const now = this.deps.book.get(peer.address);
    if (now === undefined) return;
    if (!answer.ok) {
      this.failed(link, now, answer.reason);
      this.deps.book.tell();
      return;
    }
    if (answer.kind === 'tutorial') {
      this.deps.book.update(peer.address, { kind: 'tutorial', status: 'online', lastSeen: Date.now() });
      link.lastOk = Date.now();
      return;
    }
    const wasOffline = now.status !== 'online';
    this.learnCard(
      now,
      {
        id: answer.id ?? '',
        name: answer.name ?? '',
        port: 0,
        version: '',
        profile: answer.profile ?? 'article',
        difficulty: answer.difficulty ?? 0,
        length: answer.length ?? 0,
        lastHash: answer.lastHash ?? '',
        genesisHash: answer.genesisHash ?? '',
        lab: answer.lab,
      },
      answer.ms,
    );
    // A peer back from the dead may not know us any more (it restarted): introduce ourselves again.
    if (wasOffline) void this.introduce(peer.address);
    this.deps.book.tell();
    this.compareTips(link, this.deps.book.get(peer.address)!);
  }

  /**
   * A peer of our network with a longer chain is synced from (an equal one waits: the longest chain
   * rule keeps ours until either side mines the next block).
   */
  private compareTips(link: Link, peer: PeerInfo): void {
    if (peer.incompatible !== null || link.tip === null) return;
    if (this.deps.lab.privateMining) {
      this.deps.lab.sawPublic(peer.height ?? 0);
      return;
    }
    const height = peer.height ?? 0;
    const length = this.deps.ledger.chain.length;
    if (height <= length) return;
    if (height > length + 1) {
      void this.syncFrom(peer.address);
      return;
    }
    // One block ahead: that block is most likely coming down its tree to us right now (with many
    // nodes, some heartbeat always lands while a block spreads). Sync only if it has not come.
    const address = peer.address;
    setTimeout(() => {
      if (!this.closed && this.deps.ledger.chain.length < height) void this.syncFrom(address);
    }, PUSH_GRACE_MS).unref?.();
  }

  /** Our locator: the tip and the 10 before it, then doubling steps back, then genesis. */
  private locator(): [number, string][] {
    const chain = this.deps.ledger.chain;
    const out: [number, string][] = [];
    let step = 1;
    for (let i = chain.length - 1; i > 0; i -= step) {
      out.push([i + 1, chain[i]!.hash]);
      if (out.length >= 10) step *= 2;
    }
    out.push([1, chain[0]!.hash]);
    return out;
  }

  /**
   * Catches up with a peer: asks for the blocks after our locator, page by page, checks only them,
   * and adopts them when they make a chain strictly longer than ours (a reorg reconciles the pool
   * as resolve does). One sync per peer at a time.
   */
  syncFrom(address: string): Promise<void> {
    const link = this.link(address);
    link.syncing ??= this.runSync(address).finally(() => {
      link.syncing = null;
    });
    return link.syncing;
  }

  private async runSync(address: string): Promise<void> {
    const rules = this.deps.rules();
    const received: SealedBlock[] = [];
    let keep = -1;
    let locator = this.locator();
    const ours = this.deps.ledger.chain;
    for (let page = 0; page < 1000 && !this.closed; page++) {
      const answer = await this.deps.client.sync(address, locator, SYNC_PAGE, rules, (fork) => {
        const block = fork <= ours.length && keep < 0 ? ours[fork - 1] : received[fork - keep - 1];
        return block === undefined ? null : { index: block.index, hash: block.hash, proof: proofOf(block) };
      });
      if (!answer.ok) return;
      if (answer.fork === 0) return; // Another genesis: another network (joining is asked for).
      if (keep < 0) keep = answer.fork;
      else if (answer.fork !== keep + received.length) return; // The peer changed branch meanwhile.
      received.push(...answer.blocks);
      if (answer.blocks.length === 0 || keep + received.length >= answer.length) break;
      const last = received[received.length - 1]!;
      locator = [[last.index, last.hash]];
    }
    if (keep < 0 || received.length === 0) return;
    const total = keep + received.length;
    const before = this.deps.ledger.chain.length;
    if (this.deps.lab.privateMining) return;
    const adopted = await this.deps.ledger
      .adopt(keep, received, (length) => total > length, address)
      .catch(() => null);
    if (adopted === null) {
      // Not longer than ours (any more): a branch that lost, kept for the fork tree.
      this.deps.lab.forks.keepStale(received.slice(-50), address);
      return;
    }
    const peer = this.deps.book.get(address);
    const tip = this.deps.ledger.tip;
    this.deps.lab.flights.had(tip.hash, tip.index, peer?.id ?? '', address);
    if (peer?.id) this.deps.lab.flights.synced(tip.hash, peer.id);
    const name = peer?.name ?? address;
    if (adopted.discarded.length > 0) {
      this.deps.record(
        'chain-replaced',
        message('chain-reorg', {
          peer: name,
          replaced: adopted.discarded.length,
          from: keep + 1,
          blocks: total,
        }),
      );
    } else {
      this.deps.record(
        'chain-replaced',
        message('chain-synced', { peer: name, added: total - before, blocks: total }),
      );
    }
    this.link(address).tip = this.deps.ledger.tip.hash;
    this.afterChainChange(adopted.discarded.length > 0 ? 'replaced' : 'received', address);
    this.relayRestored(adopted.restored);
  }

  /** Transactions of our discarded blocks are pending again: the rest of the network may not hold them. */
  private relayRestored(restored: readonly PendingTransaction[]): void {
    for (const tx of restored) this.transactionAccepted(tx, this.deps.nodeId, null);
  }

  private afterChainChange(reason: 'received' | 'replaced', from: string | null): void {
    this.deps.chainChanged(reason);
    // Peers' marks depend on our genesis, which a join may have changed.
    for (const peer of this.deps.book.list()) {
      const link = this.link(peer.address);
      if (peer.kind === 'blockparty' && peer.profile !== null && peer.difficulty !== null) {
        this.deps.book.update(peer.address, {
          incompatible: this.incompatibility(peer.profile, peer.difficulty, link.genesis),
        });
      }
    }
    this.deps.book.tell();
    this.relay(this.deps.ledger.tip, this.deps.nodeId, from);
  }

  /** Appends blocks that continue our tip; returns how many were added. */
  private async append(blocks: readonly SealedBlock[], source: string | null): Promise<number> {
    let added = 0;
    for (const block of blocks) {
      const done = await this.deps.ledger
        .appendBlock(
          (tip) =>
            block.text.includes(`"previous_hash": "${tip.hash}"`) && block.index === tip.index + 1
              ? block
              : null,
          source,
        )
        .catch(() => null);
      if (done === null) break;
      added += 1;
    }
    if (added > 0) this.deps.chainChanged('received');
    return added;
  }

  private announceArrival(block: SealedBlock, sender: { address: string; peer: PeerInfo } | null): void {
    const peer = sender?.peer.name ?? sender?.address ?? '?';
    const stamp = /"timestamp": ([0-9.e+-]+)/.exec(block.text);
    const ms = stamp ? Math.round(Date.now() - Number(stamp[1]) * 1000) : NaN;
    this.deps.record(
      'mined',
      Number.isFinite(ms) && ms >= 0 && ms < 60_000
        ? message('block-received', { index: block.index, peer, ms })
        : message('block-received-late', { index: block.index, peer }),
    );
  }

  /**
   * The peers a block or transaction of `origin` goes to from `at` (here, by default): the children
   * of `at` in its tree.
   */
  private relayTargets(origin: string, except: string | null, at = this.deps.nodeId): string[] {
    const members = new Map<string, string>();
    for (const peer of this.deps.book.list()) {
      if (
        peer.status === 'online' &&
        peer.kind === 'blockparty' &&
        peer.incompatible === null &&
        peer.id !== null
      ) {
        members.set(peer.id, peer.address);
      }
    }
    const ids = [...new Set([...members.keys(), this.deps.nodeId, origin, at])].sort();
    const start = ids.indexOf(origin);
    const rotated = [...ids.slice(start), ...ids.slice(0, start)];
    const place = rotated.indexOf(at);
    const targets: string[] = [];
    for (let child = RELAY_FANOUT * place + 1; child <= RELAY_FANOUT * place + RELAY_FANOUT; child++) {
      const address = child < rotated.length ? members.get(rotated[child]!) : undefined;
      if (address !== undefined && address !== except) targets.push(address);
    }
    return targets;
  }

  /** Sends a new tip down its tree (once per block), to the peers that may not have it. */
  private relay(block: SealedBlock, origin: string, except: string | null): void {
    if (!this.deps.live() || this.relayed.has(block.hash)) return;
    this.relayed.add(block.hash);
    for (const address of this.relayTargets(origin, except)) {
      const link = this.link(address);
      if (link.tip === block.hash) continue;
      // One slot per peer: a newer tip replaces an older one not sent yet.
      if (link.block === null || link.block.block.index <= block.index) link.block = { block, origin };
      this.send(link);
    }
  }

  /** Sends what a peer has waiting, one request at a time. */
  private send(link: Link): void {
    if (link.sending || this.closed) return;
    const now = Date.now();
    if (link.failures > 0 && now < link.nextCheck) {
      // A failing peer holds no transactions: they would wait for it, and so would its subtree.
      this.routeAround(link, link.txs.splice(0));
      return;
    }
    if (link.block !== null) {
      const { block, origin } = link.block;
      link.block = null;
      link.sending = true;
      void this.deps.client
        .pushBlocks(link.address, { from: this.deps.nodeId, origin, blocks: [block] })
        .then((answer) => {
          if (answer.ok && (answer.status === 'added' || answer.status === 'known')) link.tip = block.hash;
          const to = this.deps.book.get(link.address)?.id;
          if (answer.ok && answer.status === 'added' && to) this.deps.lab.flights.pushed(block.hash, to);
        })
        .finally(() => this.sent(link));
      return;
    }
    if (link.txs.length > 0) {
      const batch = link.txs.splice(0, TX_BATCH);
      const origin = batch[0]!.origin;
      const same = batch.filter((item) => item.origin === origin);
      link.txs.unshift(...batch.filter((item) => item.origin !== origin));
      link.sending = true;
      void this.deps.client
        .pushTransactions(link.address, {
          from: this.deps.nodeId,
          origin,
          transactions: same.map((item) => item.tx),
        })
        .then((ok) => {
          if (!ok) this.routeAround(link, same);
        })
        .finally(() => this.sent(link));
      return;
    }
    if (link.tutorialTxs.length > 0) {
      const text = link.tutorialTxs.shift()!;
      link.sending = true;
      void this.deps.client.postTransaction(link.address, text).finally(() => this.sent(link));
    }
  }

  /**
   * Transactions a peer did not take go to its own children in their trees, so that the nodes below
   * a dead or unreachable peer still get them (it gets our pool when it is back: see learnCard).
   */
  private routeAround(link: Link, items: { tx: PendingTransaction; origin: string }[]): void {
    const failed = this.deps.book.get(link.address)?.id;
    if (items.length === 0 || failed === null || failed === undefined || this.closed) return;
    for (const item of items) {
      for (const address of this.relayTargets(item.origin, link.address, failed)) {
        const next = this.link(address);
        if (next.txs.length < TX_QUEUE_MAX) next.txs.push(item);
        this.send(next);
      }
    }
  }

  private sent(link: Link): void {
    link.sending = false;
    this.send(link);
  }

  /** Follows a tutorial node: its chain, when valid and longer, is ours (the tutorial's rule). */
  private async followTutorial(link: Link, peer: PeerInfo): Promise<void> {
    const fetched = await this.deps.client.fetchChain(peer.address, this.deps.rules());
    if (!fetched.ok) {
      if (fetched.outcome === 'unreachable' || fetched.outcome === 'timeout')
        this.failed(link, peer, fetched.reason);
      return;
    }
    link.lastOk = Date.now();
    link.genesis = fetched.blocks[0]!.hash;
    this.deps.book.update(peer.address, {
      status: 'online',
      height: fetched.blocks.length,
      lastSeen: Date.now(),
      lastError: null,
      incompatible: link.genesis === this.deps.ledger.chain[0]!.hash ? null : message('peer-other-genesis'),
    });
    if (this.deps.lab.privateMining) {
      this.deps.lab.sawPublic(fetched.blocks.length);
      return;
    }
    const ours = this.deps.ledger.chain;
    const keep = commonPrefixLength(ours, fetched.blocks);
    // Another genesis replaces our own blocks only on a fresh node (else: joining is asked for).
    if (fetched.blocks.length <= ours.length || (keep === 0 && ours.length > 1)) return;
    const adopted = await this.deps.ledger
      .adopt(keep, fetched.blocks.slice(keep), (length) => fetched.blocks.length > length, peer.address)
      .catch(() => null);
    if (adopted === null) return;
    this.deps.record(
      'chain-replaced',
      message('chain-synced', {
        peer: peer.address,
        added: fetched.blocks.length - keep,
        blocks: fetched.blocks.length,
      }),
    );
    this.afterChainChange(keep < ours.length ? 'replaced' : 'received', peer.address);
    this.relayRestored(adopted.restored);
  }

  /**
   * Our online peers with our rules, for a hello answer (peer exchange). Those of another network are
   * told too: a fresh node must see how many nodes each network has to join the one others joined.
   */
  private exchangeList(except: string | null): ExchangedPeer[] {
    return this.deps.book
      .list()
      .filter(
        (p) =>
          p.status === 'online' &&
          (p.incompatible === null || p.incompatible.code === 'peer-other-genesis') &&
          (p.kind === 'tutorial' || p.id !== except),
      )
      .slice(0, EXCHANGE_MAX)
      .map((p) => ({ address: p.address, id: p.id, name: p.name }));
  }

  /**
   * A fresh node (genesis only) joins the best network around, by an order every node agrees on:
   * more blocks, then more nodes, then the smaller genesis hash.
   */
  private considerJoining(): void {
    if (!this.deps.live() || this.joining !== null || this.deps.ledger.chain.length > 1) return;
    const wait = this.startedAt + JOIN_SETTLE_MS - Date.now();
    if (wait > 0) {
      this.joining = new Promise((resolve) => setTimeout(resolve, wait).unref?.()).then(() => {
        this.joining = null;
        this.considerJoining();
      });
      return;
    }
    const rules = this.deps.rules();
    const ours = this.ourNetwork();
    const candidates = this.nearby().filter((n) => n.joinable);
    const score = (n: { network: string; height: number; count: number }): [number, number, string] => [
      n.height,
      n.count,
      n.network,
    ];
    const mine = candidates.find((n) => n.network === ours);
    const ourScore = score({ network: ours, height: 1, count: 1 + (mine?.nodes.length ?? 0) });
    const better = (a: [number, number, string], b: [number, number, string]): boolean =>
      a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] < b[2];
    let best: NearbyNetwork | null = null;
    for (const network of candidates) {
      if (
        network.network === ours ||
        network.profile !== rules.profile ||
        network.difficulty !== rules.difficulty
      )
        continue;
      const s = score({ network: network.network, height: network.height, count: network.nodes.length });
      if (
        better(s, ourScore) &&
        (best === null ||
          better(s, score({ network: best.network, height: best.height, count: best.nodes.length })))
      ) {
        best = network;
      }
    }
    if (best === null) return;
    this.joining = this.join(best.network, false)
      .catch((error: unknown) => this.deps.log?.('warn', 'joining a network failed', error))
      .finally(() => {
        this.joining = null;
      });
  }
}

function host(remote: string | undefined): string {
  return hostOfRemote(remote) ?? '?';
}

/** The IPv4 (or bracketed IPv6) host of a socket's remote address. */
function hostOfRemote(remote: string | undefined): string | null {
  if (remote === undefined) return null;
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(remote);
  if (v4) return v4[1]!;
  return remote.includes(':') ? `[${remote}]` : remote;
}

/** A card from a hello's JSON body (Python JSON: ints are bigints), or null. */
function cardOf(body: unknown): NodeCard | null {
  if (!isPyObject(body as PyValue)) return null;
  const b = body as Record<string, PyValue>;
  const int = (v: PyValue | undefined): number | null =>
    typeof v === 'bigint' && v >= 0n && v < 2n ** 53n ? Number(v) : null;
  const text = (v: PyValue | undefined, max: number): string =>
    typeof v === 'string' ? v.slice(0, max) : '';
  const id = b['id'];
  const port = int(b['port']);
  if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id) || port === null || port < 1 || port > 65535)
    return null;
  const hash = (v: PyValue | undefined): string =>
    typeof v === 'string' && /^[0-9a-f]{64}$/.test(v) ? v : '';
  return {
    id,
    name: text(b['name'], 100),
    port,
    version: text(b['blockparty'], 32),
    profile: b['profile'] === 'dvf' ? 'dvf' : 'article',
    difficulty: int(b['difficulty']) ?? 0,
    length: int(b['length']) ?? 0,
    lastHash: hash(b['last_hash']),
    genesisHash: hash(b['genesis_hash']),
    lab: cardLabFromWire(b['lab']),
  };
}

function seenOfCard(card: NodeCard, address: string): Seen {
  return {
    id: card.id,
    name: card.name,
    address,
    network: card.genesisHash.slice(0, 16),
    profile: card.profile,
    difficulty: card.difficulty,
    height: card.length,
    seenAt: Date.now(),
  };
}

/** A pushed block value sealed (canonical text and hash), or null when it is not a block. */
function sealedBlock(value: PyValue): SealedBlock | null {
  try {
    return SealedBlock.of(blockFromPy(value));
  } catch {
    return null;
  }
}
