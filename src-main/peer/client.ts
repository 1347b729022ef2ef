import { request } from 'node:http';
import { splitAddress } from './address.ts';

/** Limits of one request to a peer. */
export interface PeerRequestOptions {
  /** Whole-request deadline: connect, headers and body (default 3 s). */
  timeoutMs?: number;
  /** Stop reading after this many bytes (default 64 MiB). */
  maxBytes?: number;
  signal?: AbortSignal;
}

/** What a request to a peer gave: the body, or how it failed. */
export type PeerResponse =
  | { ok: true; status: number; contentType: string; body: string; ms: number }
  | { ok: false; failure: 'unreachable' | 'timeout' | 'too-large'; reason: string; ms: number };

/** Default per-peer timeout of a resolve. */
export const DEFAULT_PEER_TIMEOUT_MS = 3000;
/** Default cap on what is read from one peer. */
export const DEFAULT_PEER_MAX_BYTES = 64 * 1024 * 1024;

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
          reason: `no complete answer within ${timeoutMs} ms`,
          ms: elapsed(),
        }),
      timeoutMs,
    );
    const onAbort = (): void => finish({ ok: false, failure: 'timeout', reason: 'cancelled', ms: elapsed() });
    options.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({
        ok: false,
        failure: 'unreachable',
        reason: describeNetworkError(error, address),
        ms: elapsed(),
      }),
    );
    req.on('response', (res) => {
      const declared = Number(res.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBytes) {
        finish({
          ok: false,
          failure: 'too-large',
          reason: `answer of ${declared} bytes is over the ${maxBytes}-byte cap`,
          ms: elapsed(),
        });
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          finish({
            ok: false,
            failure: 'too-large',
            reason: `stopped reading after ${maxBytes} bytes`,
            ms: elapsed(),
          });
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) =>
        finish({
          ok: false,
          failure: 'unreachable',
          reason: `connection broke: ${error.message}`,
          ms: elapsed(),
        }),
      );
      res.on('end', () =>
        finish({
          ok: true,
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks, size).toString('utf8'),
          ms: elapsed(),
        }),
      );
    });
    req.end();
  });
}

function describeNetworkError(error: NodeJS.ErrnoException, address: string): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `nothing is listening at ${address} (is the node running?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host name of ${address} cannot be found`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${address} cannot be reached from this network`;
    case 'ECONNRESET':
      return `${address} closed the connection`;
    default:
      return error.message || String(error.code);
  }
}
