/**
 * The HTTP client for other peers. Every request has a whole-request deadline and a byte cap; at
 * most a few connections are open at once whatever the number of peers; the chains being downloaded
 * and checked at once share one byte budget; big chains are checked on a worker thread. So a peer
 * that never answers, trickles bytes, sends gigabytes or a broken chain cannot stall or exhaust the
 * node, and what a foreign server answers is never repeated back (the client is no scanning service).
 */
import { request } from 'node:http';
import { SealedBlock } from '../chain/block.ts';
import type { Rules } from '../chain/types.ts';
import type { FetchedChain, PeerClient, PeerInfoAnswer } from '../node/ports.ts';
import { splitAddress } from '../shared/address.ts';
import { message, type Message } from '../shared/messages.ts';
import { createChainChecker, type ChainChecker } from './chain-checker.ts';

/** Limits of one request to a peer. */
export interface PeerRequestOptions {
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
  | { ok: true; status: number; body: string; ms: number }
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
 * GETs `path` from a peer at `host:port` with a hard deadline and a byte cap, so a peer that never
 * answers, trickles bytes or sends gigabytes cannot stall or exhaust this node.
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
      req.destroy();
      resolve(result);
    };
    const tooLarge = (): void =>
      finish({
        ok: false,
        failure: 'too-large',
        reason: message('peer-too-large', { max: maxBytes }),
        ms: elapsed(),
      });
    const req = request({
      host,
      port,
      path,
      method: 'GET',
      headers: { accept: 'application/json' },
      agent: false,
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
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes || (options.reserve && !options.reserve(chunk.length))) return tooLarge();
        chunks.push(chunk);
      });
      res.on('error', (error: NodeJS.ErrnoException) =>
        finish({ ok: false, failure: 'unreachable', reason: networkReason(error, address), ms: elapsed() }),
      );
      res.on('end', () =>
        finish({
          ok: true,
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks, size).toString('utf8'),
          ms: elapsed(),
        }),
      );
    });
    req.end();
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
export function createPeerClient(options: PeerClientOptions = {}): PeerClient & { inFlightBytes(): number } {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PEER_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_PEER_MAX_BYTES;
  const budget = options.budgetBytes ?? DEFAULT_CHAIN_BUDGET_BYTES;
  const slots = new Semaphore(options.concurrency ?? DEFAULT_PEER_CONCURRENCY);
  const checker = options.checker ?? createChainChecker();
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
        getFromPeer(address, '/chain', { timeoutMs, maxBytes, reserve }),
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
        checked = await checker.check({ text: response.body, rules });
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
      getFromPeer(address, '/blockparty/info', { timeoutMs, maxBytes: INFO_MAX_BYTES }),
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
    const body = response.status === 200 ? parseInfo(response.body) : null;
    if (body === null) return { ok: false, outcome: 'not-a-node', reason: message('peer-not-a-node') };
    return { ok: true, kind: 'blockparty', ms: response.ms, ...body };
  }

  return {
    fetchChain,
    info,
    inFlightBytes: () => inFlight,
    close: () => checker.close(),
  };
}

const HEX64 = /^[0-9a-f]{64}$/;

/** Reads `/blockparty/info`, keeping only well-formed fields (a peer may send anything). */
function parseInfo(
  text: string,
): Omit<Extract<PeerInfoAnswer, { kind: 'blockparty' }>, 'ok' | 'kind' | 'ms'> | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const b = body as Record<string, unknown>;
  const id = typeof b['id'] === 'string' ? b['id'] : b['node_id'];
  if (typeof id !== 'string' || !/^[0-9a-f]{32}$/.test(id)) return null;
  const str = (v: unknown, max: number): string | null =>
    typeof v === 'string' && v.length <= max ? v : null;
  const int = (v: unknown): number | null =>
    typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null;
  const hash = (v: unknown): string | null => (typeof v === 'string' && HEX64.test(v) ? v : null);
  return {
    id,
    name: str(b['name'], 100),
    profile: b['profile'] === 'article' || b['profile'] === 'dvf' ? b['profile'] : null,
    difficulty: int(b['difficulty']),
    length: int(b['length']),
    lastHash: hash(b['last_hash']),
    genesisHash: hash(b['genesis_hash']),
  };
}
