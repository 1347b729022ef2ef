import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError, DashboardApi, ErrorCode, EventName, OperationName, Result } from '../shared/api.ts';
import {
  CONTROL_API_PREFIX,
  CONTROL_EVENTS_PATH,
  CONTROL_TOKEN_PARAM,
  EVENT_NAMES,
  OPERATION_NAMES,
  controlOperationPath,
} from '../shared/api.ts';
import { CONTENT_SECURITY_POLICY } from '../shared/security.ts';
import { NodeError, statusOf } from '../shared/errors.ts';
import { message, type Message } from '../shared/messages.ts';
import type { DashboardService } from './service.ts';

/** Options of the control server. */
export interface ControlServerOptions {
  /** The secret every API request must carry (`Authorization: Bearer`, or `?token=` for tools). */
  token: string;
  /** The built dashboard (`out/renderer`); null serves the API only. */
  rendererDir: string | null;
  /** Milliseconds between SSE keep-alive comments: proxies keep the stream open, and the dashboard tells a live stream from a dead one. */
  heartbeatMs?: number;
  logger?: boolean;
}

/** A control server listening on loopback. */
export interface StartedControlServer {
  /** The dashboard's address with its token, to print or open: `http://127.0.0.1:PORT/?token=…`. */
  url: string;
  token: string;
  port: number;
  /** Says which port was taken when the asked one was busy (null when the asked one is in use). */
  portNote: string | null;
  close(): Promise<void>;
}

/** How startControlServer listens. */
export interface StartControlOptions {
  /** The built dashboard; null serves the API only. */
  rendererDir: string | null;
  /** The port to listen on: a saved one, so open tabs and their preferences survive restarts. 0 or none: any. */
  port?: number;
  /** A saved token (see isValidControlToken); none: a fresh one. */
  token?: string;
  /** Ports tried from `port` up when it is taken (default 20), before any free one. */
  portAttempts?: number;
}

// Names the machine itself; any other Host (a rebinding attacker's domain) is refused.
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost']);
const BODY_LIMIT = 64 * 1024;
// The route @fastify/static adds for the dashboard's files.
const STATIC_ROUTE = '/*';
// `none`: the address bar (the link the node printed); anything else is another page's doing.
const OUR_FETCH_SITES = new Set(['same-origin', 'none']);

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The token is in the page's URL until the page removes it: never leak it to another site.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
};

/** A fresh random token (256 bits, base64url) for the control server. */
export function makeControlToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether a saved token is strong enough to guard the dashboard: 22+ base64url characters (128+ bits). */
export function isValidControlToken(token: string): boolean {
  return /^[A-Za-z0-9_-]{22,256}$/.test(token);
}

/**
 * Builds the loopback control API over the dashboard service: `POST /api/<operation>`, SSE at
 * `/api/events`, and the built dashboard as static files. It does not listen; see startControlServer.
 */
export function buildControlServer(
  service: DashboardService,
  options: ControlServerOptions,
): FastifyInstance {
  // forceCloseConnections: a browser's keep-alive connection must not hold up the node's shutdown.
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
  });
  const streams = new Set<ServerResponse>();
  const heartbeatMs = options.heartbeatMs ?? 15_000;

  // Like Fastify's JSON parser, but an empty body is "no input" (`curl -X POST -H 'content-type: …'`).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(Object.assign(new Error('The body is not valid JSON.'), { statusCode: 400 }), undefined);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value);
    const host = request.headers.host;
    // A rebinding attacker's domain that resolves to 127.0.0.1 still names itself in Host.
    if (!isLoopbackHostHeader(host)) {
      return fail(reply, 'forbidden', message('forbidden-host'));
    }
    // Another port of 127.0.0.1 is another origin: its pages get nothing here, files included.
    const origin = request.headers.origin;
    if (origin !== undefined && !isOwnOrigin(origin, host)) {
      return fail(reply, 'forbidden', message('forbidden-origin'));
    }
    // The dashboard's files are public code; its data and its buttons need the token.
    if (isPublicFile(request)) return;
    const site = request.headers['sec-fetch-site'];
    if (typeof site === 'string' && !OUR_FETCH_SITES.has(site.toLowerCase())) {
      return fail(reply, 'forbidden', message('forbidden-origin'));
    }
    const presented = [bearerToken(request), queryToken(request)];
    if (!presented.some((t) => t !== null && sameSecret(t, options.token))) {
      return fail(reply, 'unauthorized', message('unauthorized'));
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      app.log.error(error);
      return fail(reply, 'internal', message('internal', { error: error.message }));
    }
    // Fastify's own 4xx: unreadable JSON, a body too large, a content type it does not parse; and
    // the paths @fastify/static refuses (`..`, NUL, `//`).
    const code: ErrorCode = status === 404 ? 'not-found' : status === 403 ? 'forbidden' : 'invalid-request';
    const detail =
      status === 403
        ? message('path-refused', { path: request.url.slice(0, 200) })
        : message('bad-request', { error: error.message });
    return fail(reply, code, detail, status);
  });

  const rendererDir = options.rendererDir === null ? null : resolve(options.rendererDir);
  if (rendererDir !== null) {
    void app.register(fastifyStatic, {
      root: rendererDir,
      wildcard: true,
      // Our headers (no-store, CSP…) are set in onRequest; send must not replace them.
      cacheControl: false,
      dotfiles: 'ignore',
      index: ['index.html'],
    });
  }

  app.setNotFoundHandler((request, reply) => {
    const path = pathOf(request.url);
    const isRead = request.method === 'GET' || request.method === 'HEAD';
    if (!isRead || path === null || isApiPath(path)) {
      return fail(
        reply,
        'not-found',
        message('not-found-route', { method: request.method, path: (path ?? request.url).slice(0, 200) }),
      );
    }
    if (rendererDir === null) {
      return fail(reply, 'not-found', message('no-dashboard'));
    }
    if (extname(path) !== '')
      return fail(reply, 'not-found', message('not-found-file', { path: path.slice(0, 200) }));
    if (!existsSync(join(rendererDir, 'index.html'))) {
      return fail(reply, 'not-found', message('dashboard-not-built'));
    }
    // Paths without an extension are the dashboard's own routes: the page sorts them out.
    return reply.sendFile('index.html');
  });

  for (const name of OPERATION_NAMES) {
    app.post(controlOperationPath(name), async (request, reply) => {
      const result = await invoke(service, name, request.body);
      return sendResult(reply, result);
    });
  }

  app.get(CONTROL_EVENTS_PATH, (request, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      // Tells reverse proxies not to buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write('retry: 2000\n: connected\n\n');
    streams.add(res);
    const unsubscribers = EVENT_NAMES.map((event: EventName) =>
      service.on(event, (payload) => {
        res.write(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`);
      }),
    );
    const heartbeat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
    const cleanup = (): void => {
      clearInterval(heartbeat);
      for (const unsubscribe of unsubscribers) unsubscribe();
      streams.delete(res);
    };
    request.raw.on('close', cleanup);
    res.on('close', cleanup);
  });

  // Streams never finish on their own: end them or close() would wait forever.
  app.addHook('preClose', async () => {
    for (const res of streams) res.end();
    streams.clear();
  });

  return app;
}

/**
 * Starts a control server on 127.0.0.1 and returns the URL to print. It listens on `options.port`
 * (a saved port: a tab left open reconnects by itself and keeps its preferences, which belong to the
 * origin), else on the next free port above it and says so in `portNote`; 0 or none: any free port.
 */
export async function startControlServer(
  service: DashboardService,
  options: StartControlOptions,
): Promise<StartedControlServer> {
  if (options.token !== undefined && !isValidControlToken(options.token)) {
    throw new Error(
      'The saved dashboard token is too weak: it must be 22 or more letters, digits, "-" or "_". ' +
        'Leave it out to get a fresh one.',
    );
  }
  const asked = options.port ?? 0;
  if (!Number.isInteger(asked) || asked < 0 || asked > 65535) {
    throw new Error(`The dashboard port must be a whole number from 0 to 65535, not ${asked}.`);
  }
  const token = options.token ?? makeControlToken();
  const attempts = options.portAttempts ?? 20;
  const candidates =
    asked === 0
      ? [0]
      : [...Array.from({ length: attempts }, (_, i) => asked + i).filter((p) => p <= 65535), 0];
  let lastError: unknown = null;
  for (const candidate of candidates) {
    const app = buildControlServer(service, { token, rendererDir: options.rendererDir });
    try {
      await app.listen({ host: '127.0.0.1', port: candidate });
    } catch (error) {
      lastError = error;
      await app.close().catch(() => undefined);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' || code === 'EACCES') continue;
      break;
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : candidate;
    return {
      url: `http://127.0.0.1:${port}/?${CONTROL_TOKEN_PARAM}=${token}`,
      token,
      port,
      portNote:
        asked !== 0 && port !== asked
          ? `Dashboard port ${asked} is taken, so the dashboard listens on port ${port} (tabs open on ${asked} must be opened again).`
          : null,
      close: () => app.close(),
    };
  }
  throw new Error(
    `Could not start the dashboard: ${(lastError as Error | null)?.message ?? 'no port was free'}`,
  );
}

/** Calls one operation with the request body; a missing body is an absent input. */
async function invoke(service: DashboardApi, name: OperationName, body: unknown): Promise<Result<unknown>> {
  const call = service[name] as (input?: unknown) => Promise<Result<unknown>>;
  return call.call(service, body ?? undefined);
}

function sendResult(reply: FastifyReply, result: Result<unknown>): FastifyReply {
  if (result.ok || isAnswer(result.error))
    return reply.code(200).type('application/json; charset=utf-8').send(result);
  return sendError(reply, result.error);
}

/**
 * Outcomes the user asked for, not failures of the request: a search stopped by Stop, and a join that
 * asks to be confirmed. They answer 200 with `ok: false` (a browser logs every 4xx as an error).
 */
function isAnswer(error: ApiError): boolean {
  return error.code === 'mining-cancelled' || (error.code === 'invalid-request' && error.field === 'confirm');
}

/** Answers with an error of the catalogue (code, English, and the detail the dashboard words itself). */
function fail(reply: FastifyReply, code: ErrorCode, detail: Message, status?: number): FastifyReply {
  return sendError(reply, new NodeError(code, detail).toApiError(), status);
}

function sendError(reply: FastifyReply, error: ApiError, status?: number): FastifyReply {
  const body: Result<never> = { ok: false, error };
  return reply
    .code(status ?? statusOf(error.code))
    .type('application/json; charset=utf-8')
    .send(body);
}

/** Whether a Host header names this machine (port optional: inject() and proxies vary). */
export function isLoopbackHostHeader(host: string | undefined): boolean {
  if (host === undefined) return false;
  const match = /^(\[[^\]]*\]|[^:]+)(?::(\d{1,5}))?$/.exec(host.trim().toLowerCase());
  return match !== null && LOOPBACK_HOSTNAMES.has(match[1]!);
}

/** Whether `origin` is this server's own: the page was loaded from the very host and port it calls. */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && url.origin === new URL(`http://${host}`).origin;
  } catch {
    return false;
  }
}

/** The decoded path of a request URL; null when it does not decode. */
function pathOf(url: string): string | null {
  try {
    return decodeURIComponent(url.split('?')[0]!);
  } catch {
    return null;
  }
}

function isApiPath(path: string): boolean {
  return path === CONTROL_API_PREFIX || path.startsWith(`${CONTROL_API_PREFIX}/`);
}

/** A GET of the dashboard's files: the static route, never anything that decodes to an API path. */
function isPublicFile(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  if (request.routeOptions.url !== STATIC_ROUTE) return false;
  const path = pathOf(request.url);
  return path !== null && !isApiPath(path);
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1]! : null;
}

function queryToken(request: FastifyRequest): string | null {
  const value = (request.query as Record<string, unknown> | undefined)?.[CONTROL_TOKEN_PARAM];
  return typeof value === 'string' ? value : null;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
