/**
 * The peers a node knows: a bounded book of addresses with what each last told us (kind, name, id,
 * height, rules, latency, whether it can share our network). Remembered across restarts.
 */
import type { PeerInfo, PeerSource } from '../shared/api.ts';
import { inputText, parsePeerAddress } from '../shared/address.ts';
import { NodeError } from '../shared/errors.ts';
import { message, type Message } from '../shared/messages.ts';
import type { NodeNetwork, PeerClient, SavedPeer, StateStore } from './ports.ts';
import type { RegisterResult } from './types.ts';
import type { Rules } from '../chain/types.ts';

/** The most peers a node keeps (a class is 5 to 50 laptops, plus tutorial nodes). */
export const PEERS_MAX = 200;
/** The most addresses one register call may carry. */
export const REGISTER_MAX = 1000;

/** What the peer book needs from the node. */
export interface PeerBookDeps {
  state: StateStore;
  client: PeerClient;
  network: NodeNetwork;
  rules(): Rules;
  genesisHash(): string;
  /** The book changed (a peer added, removed, or what we know of one). */
  changed(peers: PeerInfo[]): void;
}

function emptyPeer(address: string, source: PeerSource, saved?: SavedPeer): PeerInfo {
  return {
    address,
    source,
    status: 'unknown',
    kind: null,
    id: saved?.id ?? null,
    name: saved?.name ?? null,
    latencyMs: null,
    height: null,
    profile: null,
    difficulty: null,
    lastSeen: null,
    incompatible: null,
    lastError: null,
    tip: null,
    hashRate: null,
    workers: null,
    mining: null,
    privateMining: false,
  };
}

/** The bounded set of peers and their health. */
export class PeerBook {
  private readonly book = new Map<string, PeerInfo>();

  constructor(
    private readonly deps: PeerBookDeps,
    saved: readonly SavedPeer[],
  ) {
    for (const peer of saved.slice(0, PEERS_MAX))
      this.book.set(peer.address, emptyPeer(peer.address, peer.source, peer));
  }

  /** Copies of every peer, in the order they were added. */
  list(): PeerInfo[] {
    return [...this.book.values()].map((peer) => ({ ...peer }));
  }

  /** The addresses of every peer. */
  addresses(): string[] {
    return [...this.book.keys()];
  }

  /** The live record of one peer (for the node's own updates). */
  get(address: string): PeerInfo | undefined {
    return this.book.get(address);
  }

  /** The name a peer with this node id told us, if any. */
  nameOf(nodeId: string): string | null {
    for (const peer of this.book.values()) if (peer.id === nodeId && peer.name) return peer.name;
    return null;
  }

  /**
   * Registers addresses as the tutorial's `POST /nodes/register` does, with reasons for each refused
   * one. Throws NodeError('invalid-address') when none is valid, ('too-many-peers') when the book is full.
   */
  register(inputs: unknown, source: PeerSource = 'manual'): RegisterResult {
    if (!Array.isArray(inputs)) throw new NodeError('invalid-address', message('register-not-list'), 'nodes');
    if (inputs.length === 0) throw new NodeError('invalid-address', message('register-empty'), 'nodes');
    const added: string[] = [];
    const known: string[] = [];
    const rejected: RegisterResult['rejected'] = [];
    let full = false;
    for (const input of inputs.slice(0, REGISTER_MAX)) {
      const parsed = parsePeerAddress(input);
      if (!parsed.ok) rejected.push({ input: parsed.input, reason: parsed.reason });
      else if (this.deps.network.isSelf(parsed.address))
        rejected.push({ input: inputText(input), reason: message('address-self') });
      else if (this.book.has(parsed.address)) known.push(parsed.address);
      else if (this.book.size >= PEERS_MAX) {
        full = true;
        rejected.push({ input: parsed.address, reason: message('too-many-peers', { max: PEERS_MAX }) });
      } else if (!added.includes(parsed.address)) {
        this.book.set(parsed.address, emptyPeer(parsed.address, source));
        added.push(parsed.address);
      } else {
        known.push(parsed.address);
      }
    }
    if (added.length === 0 && known.length === 0) {
      if (full) throw new NodeError('too-many-peers', message('too-many-peers', { max: PEERS_MAX }), 'nodes');
      const first = rejected[0]!;
      throw new NodeError(
        'invalid-address',
        message('register-none-valid', { input: first.input, reason: first.reason }),
        'nodes',
      );
    }
    if (added.length > 0) {
      try {
        this.saveAndTell();
      } catch (error) {
        // The disk refused: the peers were never added (memory does not run ahead of the disk).
        for (const address of added) this.book.delete(address);
        throw error;
      }
    }
    return { peers: this.addresses(), added, known, rejected };
  }

  /**
   * Adds a peer the network found (discovery, a hello, peer exchange) when there is room; returns it,
   * or the one already known, or undefined when the book is full or the disk refused.
   */
  adopt(address: string, source: PeerSource): PeerInfo | undefined {
    const known = this.book.get(address);
    if (known !== undefined) return known;
    if (this.book.size >= PEERS_MAX) return undefined;
    const peer = emptyPeer(address, source);
    this.book.set(address, peer);
    try {
      this.save();
    } catch {
      this.book.delete(address);
      return undefined;
    }
    return peer;
  }

  /**
   * Updates what we know of a peer. A new id or name is saved (remembered peers keep their names);
   * the rest is health, kept in memory. Listeners hear of it at the next `tell()`.
   */
  update(address: string, patch: Partial<Omit<PeerInfo, 'address' | 'source'>>): void {
    const peer = this.book.get(address);
    if (peer === undefined) return;
    const renamed =
      (patch.id !== undefined && patch.id !== peer.id) ||
      (patch.name !== undefined && patch.name !== peer.name);
    Object.assign(peer, patch);
    if (renamed) {
      try {
        this.save();
      } catch {
        // The name comes back with the next heartbeat; a full disk must not stop the network.
      }
    }
  }

  /** Forgets a peer; throws NodeError('not-found') when it is not in the book. */
  remove(address: string): string {
    const parsed = parsePeerAddress(address);
    const key = parsed.ok ? parsed.address : address;
    const peer = this.book.get(key);
    if (peer === undefined) {
      throw new NodeError('not-found', message('not-found-peer', { address: inputText(address) }), 'address');
    }
    this.book.delete(key);
    try {
      this.saveAndTell();
    } catch (error) {
      this.book.set(key, peer);
      throw error;
    }
    return key;
  }

  /** Asks one peer who it is (info route, or its chain for a tutorial node) and records the answer. */
  async probe(address: string): Promise<void> {
    const peer = this.book.get(address);
    if (!peer) return;
    const answer = await this.deps.client.info(address);
    if (!answer.ok) {
      this.markFailed(peer, answer.reason);
      return;
    }
    Object.assign(peer, {
      status: 'online',
      latencyMs: answer.ms,
      lastSeen: Date.now(),
      lastError: null,
      kind: answer.kind,
    });
    if (answer.kind === 'blockparty') {
      Object.assign(peer, {
        id: answer.id,
        name: answer.name,
        height: answer.length,
        profile: answer.profile,
        difficulty: answer.difficulty,
      });
      peer.incompatible = this.incompatibility(answer.profile, answer.difficulty, answer.genesisHash);
      return;
    }
    // A tutorial node answers 404 to our routes: count its blocks instead.
    const chain = await this.deps.client.fetchChain(address, this.deps.rules());
    peer.height = chain.ok ? chain.blocks.length : chain.blocks;
    if (chain.ok) {
      peer.incompatible = this.incompatibility(null, null, chain.blocks[0]!.hash);
    } else {
      peer.lastError = chain.reason;
    }
  }

  /** Asks every peer (or only `only`) in parallel; the client bounds how many at once. */
  async refresh(only?: readonly string[]): Promise<PeerInfo[]> {
    await Promise.all((only ?? this.addresses()).map((address) => this.probe(address)));
    this.deps.changed(this.list());
    return this.list();
  }

  /** Records that a peer answered (with its chain length when known). */
  markSeen(peer: PeerInfo, height: number | null, ms: number | null): void {
    Object.assign(peer, { status: 'online', lastSeen: Date.now(), lastError: null });
    if (height !== null) peer.height = height;
    if (ms !== null) peer.latencyMs = ms;
  }

  /** Records that a peer did not answer as a node should. */
  markFailed(peer: PeerInfo, reason: Message): void {
    Object.assign(peer, { status: 'offline', latencyMs: null, lastError: reason });
  }

  /** Tells the listeners what we know now (after a resolve updated several peers). */
  tell(): void {
    this.deps.changed(this.list());
  }

  /** Why a node with these rules and genesis cannot share our network, or null. */
  private incompatibility(
    profile: Rules['profile'] | null,
    difficulty: number | null,
    genesis: string | null,
  ): Message | null {
    const ours = this.deps.rules();
    if (profile !== null && profile !== ours.profile)
      return message('peer-other-profile', { profile, ours: ours.profile });
    if (difficulty !== null && difficulty !== ours.difficulty) {
      return message('peer-other-difficulty', { difficulty, ourDifficulty: ours.difficulty });
    }
    if (genesis !== null && genesis !== this.deps.genesisHash()) return message('peer-other-genesis');
    return null;
  }

  private save(): void {
    this.deps.state.savePeers(
      [...this.book.values()].map((p) => ({ address: p.address, source: p.source, id: p.id, name: p.name })),
    );
  }

  private saveAndTell(): void {
    this.save();
    this.deps.changed(this.list());
  }
}
