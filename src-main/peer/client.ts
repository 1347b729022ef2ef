/**
 * The HTTP client for other peers. Every request has a whole-request deadline and a byte cap; at
 * most a few connections are open at once whatever the number of peers; the chains being downloaded
 * and checked at once share one byte budget; big chains are checked on a worker thread. So a peer
 * that never answers, trickles bytes, sends gigabytes or a broken chain cannot stall or exhaust the
 * node, and what a foreign server answers is never repeated back (the client is no scanning service).
 */
import { Agent, request } from 'node:http';
import { SealedBlock } from '../chain/block.ts';
import type { Rules } from '../chain/types.ts';
import type { PendingTransaction } from '../chain/types.ts';
import type { ValidationStart } from '../chain/validate.ts';
import { parseHops, type Hop } from '../node/flights.ts';
import { cardLabFromWire, cardLabToWire } from '../node/lab.ts';
import type {
  CheckedChain,
  ExchangedPeer,
  FetchedChain,
  HelloAnswer,
  LabVerdictAnswer,
  NodeCard,
  PeerClient,
  PeerInfoAnswer,
  PushAnswer,
  PushStatus,
  SyncAnswer,
} from '../node/ports.ts';
import { parsePeerAddress, splitAddress } from '../shared/address.ts';
import { MESSAGES, message, type Message, type MessageCode, type MessageParam } from '../shared/messages.ts';
import { createChainChecker, type ChainChecker } from './chain-checker.ts';

/** Limits of one request to a peer (and, for a POST, its body). */
export interface PeerRequestOptions {
  method?: 'GET' | 'POST';
  /** A JSON body (sent with `content-type: application/json`). */
  body?: string;
  /** Reuses connections (keep-alive) when given; a fresh connection per request otherwise. */
  agent?: Agent;
  /** Whole-request deadline: connect, headers and body (default 3 s), counted from when it starts. */
  timeoutMs?: number;
  /** Stop reading after this many bytes (default 64 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
  /** Called for each chunk read: false stops reading (the answer is then 'too-large'). */
  reserve?: (bytes: number) => boolean;
}

/** What a request to a peer gave: the body, or how it failed. */
export type PeerResponse =
  | { ok: true; status: number; body: Buffer; ms: number }
  | { ok: false; failure: 'unreachable' | 'timeout' | 'too-large'; reason: Message; ms: number };

/** Default per-peer deadline. */
export const DEFAULT_PEER_TIMEOUT_MS = 3000;
/** Default cap on what is read from one peer. */
export const DEFAULT_PEER_MAX_BYTES = 64 * 1024 * 1024;
/** Default number of connections to peers open at once. */
export const DEFAULT_PEER_CONCURRENCY = 16;
/** Default budget of chain text being downloaded or checked at once, all peers together. */
export const DEFAULT_CHAIN_BUDGET_BYTES = 192 * 1024 * 1024;
/** The info route's answer is small. */
const INFO_MAX_BYTES = 64 * 1024;

/**
 * Asks a peer at `host:port` for `path` (GET, or POST of a JSON body) with a hard deadline and a byte
 * cap, so a peer that never answers, trickles bytes or sends gigabytes cannot stall or exhaust this
 * node. A connection that answered whole goes back to the agent's pool; any other is destroyed.
 */
export function getFromPeer(
  address: string,
  path: string,
  options: PeerRequestOptions = {},
): Promise<PeerResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PEER_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_PEER_MAX_BYTES;
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const { host, port } = splitAddress(address);

  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PeerResponse): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (!result.ok) req.destroy();
      resolve(result);
    };
    const tooLarge = (): void =>
      finish({
        ok: false,
        failure: 'too-large',
        reason: message('peer-too-large', { max: maxBytes }),
        ms: elapsed(),
      });
    const body = options.body === undefined ? undefined : Buffer.from(options.body, 'utf8');
    // Blockparty's own routes are read as JSON whatever the headers say: none but the length (their
    // bytes are the LAN's, many times a second). The tutorial's Flask wants the JSON content type.
    const own = path.startsWith('/blockparty/');
    const headers: Record<string, string | number> = own ? {} : { accept: 'application/json' };
    if (body !== undefined) {
      if (!own) headers['content-type'] = 'application/json';
      headers['content-length'] = body.length;
    }
    const req = request({
      host,
      port,
      path,
      method: options.method ?? 'GET',
      headers,
      agent: options.agent ?? false,
    });
    const timer = setTimeout(
      () =>
        finish({
          ok: false,
          failure: 'timeout',
          reason: message('peer-timeout', { ms: timeoutMs }),
          ms: elapsed(),
        }),
      timeoutMs,
    );
    const onAbort = (): void =>
      finish({
        ok: false,
        failure: 'timeout',
        reason: message('peer-timeout', { ms: elapsed() }),
        ms: elapsed(),
      });
    options.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, failure: 'unreachable', reason: networkReason(error, address), ms: elapsed() }),
    );
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) return tooLarge();
      // With a declared length the chunks go straight into one buffer: a big chain is held once.
      const sized = Number.isInteger(declared) && declared > 0;
      if (sized && options.reserve && !options.reserve(declared)) return tooLarge();
      const whole = sized ? Buffer.allocUnsafeSlow(declared) : null;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size + chunk.length > maxBytes) return tooLarge();
        if (whole !== null && size + chunk.length <= whole.length) chunk.copy(whole, size);
        else if (options.reserve && !options.reserve(chunk.length)) return tooLarge();
        else chunks.push(chunk);
        size += chunk.length;
      });
      res.on('error', (error: NodeJS.ErrnoException) =>
        finish({ ok: false, failure: 'unreachable', reason: networkReason(error, address), ms: elapsed() }),
      );
      res.on('end', () => {
        const body =
          whole !== null && chunks.length === 0
            ? whole.subarray(0, size)
            : Buffer.concat(whole !== null ? [whole, ...chunks] : chunks, size);
        finish({ ok: true, status: res.statusCode ?? 0, body, ms: elapsed() });
      });
    });
    req.end(body);
  });
}

function networkReason(error: NodeJS.ErrnoException, peer: string): Message {
  switch (error.code) {
    case 'ECONNREFUSED':
      return message('peer-refused', { peer });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return message('peer-dns', { peer });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return message('peer-no-route', { peer });
    default:
      return message('peer-reset', { peer });
  }
}

/** A counter of slots: at most `size` holders at once, the others wait in order. */
export class Semaphore {
  private used = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  /** Runs `task` when a slot is free. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.used >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.used -= 1;
    }
  }
}

/** Options of the peer client. */
export interface PeerClientOptions {
  timeoutMs?: number;
  maxBytes?: number;
  concurrency?: number;
  budgetBytes?: number;
  checker?: ChainChecker;
}

/** The node's HTTP client for peers (see the file's comment for the bounds it keeps). */
export function createPeerClient(
  options: PeerClientOptions = {},
): PeerClient & { inFlightBytes(): number; warm(): Promise<void> } {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PEER_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_PEER_MAX_BYTES;
  const budget = options.budgetBytes ?? DEFAULT_CHAIN_BUDGET_BYTES;
  const slots = new Semaphore(options.concurrency ?? DEFAULT_PEER_CONCURRENCY);
  const checker = options.checker ?? createChainChecker();
  // Keep-alive: heartbeats and pushes to the same peers reuse their connections.
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 2,
    maxTotalSockets: options.concurrency ?? DEFAULT_PEER_CONCURRENCY,
    timeout: timeoutMs,
  });
  let inFlight = 0;

  async function fetchChain(address: string, rules: Rules): Promise<FetchedChain> {
    let held = 0;
    let overBudget = false;
    const reserve = (bytes: number): boolean => {
      if (inFlight + bytes > budget) {
        overBudget = true;
        return false;
      }
      inFlight += bytes;
      held += bytes;
      return true;
    };
    try {
      const response = await slots.run(() =>
        getFromPeer(address, '/chain', { timeoutMs, maxBytes, reserve, agent }),
      );
      if (!response.ok) {
        // Over the shared budget while under the per-peer cap: our limit, not the peer's fault.
        return overBudget
          ? {
              ok: false,
              outcome: 'busy',
              reason: message('peer-busy', { peer: address }),
              blocks: null,
              ms: null,
            }
          : { ok: false, outcome: response.failure, reason: response.reason, blocks: null, ms: null };
      }
      if (response.status !== 200) {
        return {
          ok: false,
          outcome: 'not-a-node',
          reason: message('peer-not-a-node'),
          blocks: null,
          ms: null,
        };
      }
      let checked;
      try {
        checked = await checker.check({ body: response.body, rules });
      } catch (error) {
        return {
          ok: false,
          outcome: 'not-a-node',
          reason: message('internal', { error: (error as Error).message }),
          blocks: null,
          ms: null,
        };
      }
      if (!checked.ok) return { ...checked, ms: checked.outcome === 'invalid' ? response.ms : null };
      // A long chain was just cut into its texts: let the loop breathe before they are sealed.
      if (checked.texts.length > 1000) await new Promise((resolve) => setImmediate(resolve));
      const blocks = checked.texts.map((text, i) => SealedBlock.fromCanonical(text, checked.hashes[i]));
      const note =
        checked.claimedLength !== null && checked.claimedLength !== String(blocks.length)
          ? message('peer-claimed-length', { claimed: checked.claimedLength, count: blocks.length })
          : null;
      return { ok: true, blocks, ms: response.ms, note };
    } finally {
      inFlight -= held;
    }
  }

  async function info(address: string): Promise<PeerInfoAnswer> {
    const response = await slots.run(() =>
      getFromPeer(address, '/blockparty/info', { timeoutMs, maxBytes: INFO_MAX_BYTES, agent }),
    );
    if (!response.ok) {
      const outcome = response.failure === 'too-large' ? 'not-a-node' : response.failure;
      return {
        ok: false,
        outcome,
        reason: outcome === 'not-a-node' ? message('peer-not-a-node') : response.reason,
      };
    }
    if (response.status === 404) return { ok: true, kind: 'tutorial', ms: response.ms };
    const card = response.status === 200 ? parseCard(jsonOf(response.body)) : null;
    if (card === null) return { ok: false, outcome: 'not-a-node', reason: message('peer-not-a-node') };
    return {
      ok: true,
      kind: 'blockparty',
      ms: response.ms,
      id: card.id,
      name: card.name,
      profile: card.profile,
      difficulty: card.difficulty,
      length: card.length,
      lastHash: card.lastHash,
      genesisHash: card.genesisHash,
      lab: card.lab,
    };
  }

  /** A POST of JSON to one of our own routes, within the small-message caps. */
  function post(address: string, path: string, body: string, limit = INFO_MAX_BYTES): Promise<PeerResponse> {
    return slots.run(() =>
      getFromPeer(address, path, { method: 'POST', body, timeoutMs, maxBytes: limit, agent }),
    );
  }

  async function hello(address: string, card: NodeCard): Promise<HelloAnswer> {
    const response = await post(address, '/blockparty/hello', JSON.stringify(cardToWire(card)));
    if (!response.ok) {
      const outcome = response.failure === 'too-large' ? 'not-a-node' : response.failure;
      return {
        ok: false,
        outcome,
        reason: outcome === 'not-a-node' ? message('peer-not-a-node') : response.reason,
      };
    }
    if (response.status === 404)
      return { ok: false, outcome: 'tutorial', reason: message('peer-not-a-node') };
    const body = response.status === 200 ? jsonOf(response.body) : null;
    const theirs = parseCard(body);
    if (theirs === null) return { ok: false, outcome: 'not-a-node', reason: message('peer-not-a-node') };
    const peers = Array.isArray((body as { peers?: unknown }).peers)
      ? (body as { peers: unknown[] }).peers
      : [];
    return { ok: true, card: theirs, peers: parsePeers(peers), ms: response.ms };
  }

  async function pushBlocks(
    address: string,
    push: { from: string; origin: string; blocks: readonly SealedBlock[] },
  ): Promise<PushAnswer> {
    const body = `{"from": "${push.from}", "origin": "${push.origin}", "blocks": [${push.blocks.map((b) => b.text).join(', ')}]}`;
    const response = await slots.run(() =>
      getFromPeer(address, '/blockparty/blocks', {
        method: 'POST',
        body,
        timeoutMs,
        maxBytes: INFO_MAX_BYTES,
        agent,
      }),
    );
    if (!response.ok) return { ok: false, reason: response.reason };
    const answer = jsonOf(response.body) as { status?: unknown; length?: unknown } | null;
    const status = answer?.status;
    if (response.status !== 200 || typeof status !== 'string' || !PUSH_STATUSES.has(status as PushStatus)) {
      return { ok: false, reason: message('peer-not-a-node') };
    }
    const length =
      typeof answer!.length === 'number' && Number.isSafeInteger(answer!.length) ? answer!.length : 0;
    return { ok: true, status: status as PushStatus, length };
  }

  async function pushTransactions(
    address: string,
    push: { from: string; origin: string; transactions: readonly PendingTransaction[] },
  ): Promise<boolean> {
    const items = push.transactions.map((tx) => `{"id": "${tx.id}", "transaction": ${tx.text}}`);
    const body = `{"from": "${push.from}", "origin": "${push.origin}", "transactions": [${items.join(', ')}]}`;
    const response = await post(address, '/blockparty/transactions', body);
    return response.ok && response.status === 200;
  }

  async function sync(
    address: string,
    locator: readonly (readonly [number, string])[],
    limit: number,
    rules: Rules,
    start: (fork: number) => ValidationStart | null,
  ): Promise<SyncAnswer> {
    let held = 0;
    const reserve = (bytes: number): boolean => {
      if (inFlight + bytes > budget) return false;
      inFlight += bytes;
      held += bytes;
      return true;
    };
    try {
      const body = JSON.stringify({ locator, limit });
      const response = await slots.run(() =>
        getFromPeer(address, '/blockparty/sync', {
          method: 'POST',
          body,
          timeoutMs,
          maxBytes,
          reserve,
          agent,
        }),
      );
      if (!response.ok) {
        return {
          ok: false,
          outcome: response.failure === 'too-large' ? 'busy' : response.failure,
          reason: response.reason,
        };
      }
      // The head says where the blocks start: `{"fork": K, "length": N, "blocks": [...]}`.
      const head = /^\{"fork": (\d{1,9}), "length": (\d{1,9}), "blocks": \[/.exec(
        response.body.subarray(0, 64).toString('latin1'),
      );
      if (response.status !== 200 || head === null) {
        return { ok: false, outcome: 'not-a-node', reason: message('peer-not-a-node') };
      }
      const fork = Number(head[1]);
      const length = Number(head[2]);
      const from = start(fork);
      if (fork === 0 || from === null) return { ok: true, fork, length, blocks: [] };
      let checked;
      try {
        checked = await checker.check({ body: response.body, rules, start: from });
      } catch (error) {
        return {
          ok: false,
          outcome: 'not-a-node',
          reason: message('internal', { error: (error as Error).message }),
        };
      }
      if (!checked.ok) return { ok: false, outcome: checked.outcome, reason: checked.reason };
      return {
        ok: true,
        fork,
        length,
        blocks: checked.texts.map((text, i) => SealedBlock.fromCanonical(text, checked.hashes[i])),
      };
    } finally {
      inFlight -= held;
    }
  }

  async function peersOf(address: string): Promise<ExchangedPeer[]> {
    const response = await slots.run(() =>
      getFromPeer(address, '/blockparty/peers', { timeoutMs, maxBytes: INFO_MAX_BYTES, agent }),
    );
    if (!response.ok || response.status !== 200) return [];
    const body = jsonOf(response.body) as { peers?: unknown } | null;
    const listed = Array.isArray(body?.peers) ? body.peers : [];
    return parsePeers(
      listed.filter(
        (p) => typeof p === 'object' && p !== null && (p as { status?: unknown }).status === 'online',
      ),
    );
  }

  async function postTransaction(address: string, text: string): Promise<boolean> {
    const response = await post(address, '/transactions/new', text);
    return response.ok && response.status === 201;
  }

  async function tellAdopted(address: string, card: NodeCard): Promise<boolean> {
    const response = await post(address, '/blockparty/adopted', JSON.stringify(cardToWire(card)));
    return response.ok && response.status === 200;
  }

  async function reportHops(address: string, hash: string, hops: readonly Hop[]): Promise<boolean> {
    const response = await post(address, '/blockparty/arrivals', JSON.stringify({ hash, hops }));
    return response.ok && response.status === 200;
  }

  async function flightOf(
    address: string,
    hash: string,
  ): Promise<{ origin: string; index: number; hops: Hop[] } | null> {
    if (!HEX64.test(hash)) return null;
    const response = await slots.run(() =>
      getFromPeer(address, `/blockparty/flight?hash=${hash}`, { timeoutMs, maxBytes: INFO_MAX_BYTES, agent }),
    );
    if (!response.ok || response.status !== 200) return null;
    const body = jsonOf(response.body) as { origin?: unknown; index?: unknown; hops?: unknown } | null;
    if (typeof body?.origin !== 'string' || typeof body.index !== 'number' || !Array.isArray(body.hops))
      return null;
    return { origin: body.origin, index: body.index, hops: parseHops(body.hops) };
  }

  async function labCheck(address: string, chainJson: string): Promise<LabVerdictAnswer> {
    const response = await slots.run(() =>
      getFromPeer(address, '/blockparty/lab/check', {
        method: 'POST',
        body: chainJson,
        timeoutMs: Math.max(timeoutMs, 10_000),
        maxBytes: INFO_MAX_BYTES,
        agent,
      }),
    );
    if (!response.ok) {
      const outcome = response.failure === 'too-large' ? 'not-a-node' : response.failure;
      return { ok: false, outcome, reason: response.reason };
    }
    if (response.status === 404)
      return { ok: false, outcome: 'tutorial', reason: message('peer-not-a-node') };
    const body = jsonOf(response.body) as { verdict?: unknown; block?: unknown; reason?: unknown } | null;
    const verdict = body?.verdict;
    if (response.status === 429 || response.status === 503)
      return { ok: false, outcome: 'busy', reason: message('peer-busy', { peer: address }) };
    if (
      response.status !== 200 ||
      (verdict !== 'rejected' && verdict !== 'not-longer' && verdict !== 'would-adopt')
    )
      return { ok: false, outcome: 'not-a-node', reason: message('peer-not-a-node') };
    return {
      ok: true,
      verdict,
      block: typeof body!.block === 'number' && Number.isSafeInteger(body!.block) ? body!.block : null,
      reason: parseMessage(body!.reason),
      ms: response.ms,
    };
  }

  async function checkChain(body: Uint8Array, rules: Rules): Promise<CheckedChain> {
    const checked = await checker.check({ body, rules });
    if (!checked.ok)
      return { ok: false, reason: checked.rule ?? checked.reason, blockIndex: checked.blockIndex ?? null };
    return {
      ok: true,
      blocks: checked.texts.map((text, i) => SealedBlock.fromCanonical(text, checked.hashes[i])),
    };
  }

  return {
    fetchChain,
    info,
    hello,
    pushBlocks,
    pushTransactions,
    sync,
    peersOf,
    postTransaction,
    tellAdopted,
    reportHops,
    flightOf,
    labCheck,
    checkChain,
    inFlightBytes: () => inFlight,
    warm: () => checker.warm(),
    close: async () => {
      agent.destroy();
      await checker.close();
    },
  };
}

const PUSH_STATUSES: ReadonlySet<PushStatus> = new Set([
  'private',
  'added',
  'known',
  'behind',
  'invalid',
  'other-network',
  'manual',
]);
const HEX64 = /^[0-9a-f]{64}$/;

function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
}

/** Our card as it goes on the wire (the info route's field names). */
export function cardToWire(card: NodeCard): Record<string, unknown> {
  return {
    id: card.id,
    name: card.name,
    port: card.port,
    blockparty: card.version,
    profile: card.profile,
    difficulty: card.difficulty,
    length: card.length,
    last_hash: card.lastHash,
    genesis_hash: card.genesisHash,
    ...(card.lab === null ? {} : { lab: cardLabToWire(card.lab) }),
  };
}

/**
 * Reads a node card (the info route, a hello and its answer), keeping only well-formed fields: a peer
 * may send anything. Null when it is not a Blockparty node's card at all.
 */
export function parseCard(body: unknown): NodeCard | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  const id = typeof b['id'] === 'string' ? b['id'] : b['node_id'];
  if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id)) return null;
  const int = (v: unknown): number | null =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
  const hash = (v: unknown): string | null => (typeof v === 'string' && HEX64.test(v) ? v : null);
  const name = typeof b['name'] === 'string' ? b['name'].slice(0, 100) : '';
  const profile = b['profile'] === 'article' || b['profile'] === 'dvf' ? b['profile'] : null;
  const port = int(b['port']);
  const version = typeof b['blockparty'] === 'string' ? b['blockparty'].slice(0, 32) : '';
  return {
    id,
    name,
    port: port !== null && port >= 1 && port <= 65535 ? port : 0,
    version,
    profile: profile ?? 'article',
    difficulty: int(b['difficulty']) ?? 0,
    length: int(b['length']) ?? 0,
    lastHash: hash(b['last_hash']) ?? '',
    genesisHash: hash(b['genesis_hash']) ?? '',
    lab: cardLabFromWire(b['lab']),
  };
}

/** A message another node sent (a code and its parameters), or null when it is not one. */
function parseMessage(value: unknown): Message | null {
  if (typeof value !== 'object' || value === null) return null;
  const { code, params } = value as { code?: unknown; params?: unknown };
  if (typeof code !== 'string' || !(code in MESSAGES)) return null;
  const out: Record<string, MessageParam> = {};
  if (typeof params === 'object' && params !== null) {
    for (const [key, v] of Object.entries(params).slice(0, 16)) {
      if (typeof v === 'string') out[key] = v.slice(0, 200);
      else if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
      else if (typeof v === 'object' && v !== null) {
        const inner = parseMessage(v);
        if (inner !== null) out[key] = inner;
      }
    }
  }
  return { code: code as MessageCode, params: out };
}

/** Peers another node told us of: well-formed addresses only, at most 64. */
function parsePeers(items: unknown[]): ExchangedPeer[] {
  const out: ExchangedPeer[] = [];
  for (const item of items.slice(0, 64)) {
    if (typeof item !== 'object' || item === null) continue;
    const { address, id, name } = item as Record<string, unknown>;
    const parsed = parsePeerAddress(address);
    if (!parsed.ok) continue;
    out.push({
      address: parsed.address,
      id: typeof id === 'string' && /^[0-9a-f]{32}$/.test(id) ? id : null,
      name: typeof name === 'string' ? name.slice(0, 100) : null,
    });
  }
  return out;
}
