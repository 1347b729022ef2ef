import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError, DashboardApi, EventName, OperationName, Result } from '../shared/api.ts';
import {
  CONTROL_API_PREFIX,
  CONTROL_EVENTS_PATH,
  CONTROL_TOKEN_PARAM,
  EVENT_NAMES,
  OPERATION_NAMES,
  controlOperationPath,
} from '../shared/api.ts';
import { CONTENT_SECURITY_POLICY } from '../shared/security.ts';
import { statusOf } from '../shared/errors.ts';
import type { DashboardService } from './service.ts';

/** Options of the control server. */
export interface ControlServerOptions {
  /** The secret every request must carry (header, query or, for static files, the cookie). */
  token: string;
  /** The built dashboard (`out/renderer`); null serves the API only. */
  rendererDir: string | null;
  /** Seconds between SSE keep-alive comments, so proxies and browsers keep the stream open. */
  heartbeatMs?: number;
  logger?: boolean;
}

/** A control server listening on loopback. */
export interface StartedControlServer {
  /** The dashboard's address with its token, to print or open: `http://127.0.0.1:PORT/?token=…`. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

// Names the machine itself; any other Host (a rebinding attacker's domain) is refused.
const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', 'localhost']);
const COOKIE_NAME = 'blockparty_token';
const BODY_LIMIT = 64 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The token is in the page's URL: never leak it to another site.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
  'cross-origin-resource-policy': 'same-origin',
};

/** A fresh random token for one run of the control server. */
export function makeControlToken(): string {
  return randomBytes(32).toString('base64url');
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
    if (!isLoopbackHostHeader(request.headers.host)) {
      return sendError(reply, { code: 'forbidden', message: 'This dashboard only answers to 127.0.0.1.' });
    }
    const origin = request.headers.origin;
    if (origin !== undefined && !isLoopbackOrigin(origin)) {
      return sendError(reply, { code: 'forbidden', message: 'Requests from other sites are refused.' });
    }
    // The cookie only unlocks static files (GETs no route matched): another page on 127.0.0.1 could
    // make the browser send it to the API.
    const isStatic =
      request.method === 'GET' &&
      request.routeOptions.url === undefined &&
      !request.url.startsWith(CONTROL_API_PREFIX);
    const presented = [bearerToken(request), queryToken(request), ...(isStatic ? cookieTokens(request) : [])];
    if (!presented.some((t) => t !== null && sameSecret(t, options.token))) {
      return sendError(reply, {
        code: 'unauthorized',
        message: 'Open the dashboard with the address the node printed (it carries the token).',
      });
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      app.log.error(error);
      return sendError(reply, { code: 'internal', message: `Unexpected error: ${error.message}` });
    }
    // Fastify's own 4xx: unreadable JSON, a body too large, a content type it does not parse.
    return sendError(reply, { code: 'invalid-request', message: error.message }, status);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    if (path.startsWith(`${CONTROL_API_PREFIX}/`) || request.method !== 'GET') {
      return sendError(reply, { code: 'not-found', message: `No route ${request.method} ${path}.` });
    }
    return serveStatic(request, reply, options);
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
 * Starts a control server on 127.0.0.1 (port 0 = any free one) with a fresh token, and returns the
 * URL to print.
 */
export async function startControlServer(
  service: DashboardService,
  options: { rendererDir: string | null; port?: number; token?: string },
): Promise<StartedControlServer> {
  const token = options.token ?? makeControlToken();
  const app = buildControlServer(service, { token, rendererDir: options.rendererDir });
  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  return {
    url: `http://127.0.0.1:${port}/?${CONTROL_TOKEN_PARAM}=${token}`,
    token,
    port,
    close: () => app.close(),
  };
}

/** Calls one operation with the request body; a missing body is an absent input. */
async function invoke(service: DashboardApi, name: OperationName, body: unknown): Promise<Result<unknown>> {
  const call = service[name] as (input?: unknown) => Promise<Result<unknown>>;
  return call.call(service, body ?? undefined);
}

function sendResult(reply: FastifyReply, result: Result<unknown>): FastifyReply {
  if (result.ok) return reply.code(200).type('application/json; charset=utf-8').send(result);
  return sendError(reply, result.error);
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

function isLoopbackOrigin(origin: string): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' && LOOPBACK_HOSTNAMES.has(url.hostname);
  } catch {
    return false;
  }
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

function cookieTokens(request: FastifyRequest): string[] {
  const header = request.headers.cookie;
  if (header === undefined) return [];
  return header
    .split(';')
    .map((part) => part.trim().split('='))
    .filter(([name]) => name === COOKIE_NAME)
    .map(([, value]) => value ?? '');
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Serves a file of the built dashboard; paths without an extension get index.html (client-side routes). */
async function serveStatic(
  request: FastifyRequest,
  reply: FastifyReply,
  options: ControlServerOptions,
): Promise<FastifyReply> {
  const rendererDir = options.rendererDir;
  if (rendererDir === null) {
    return sendError(reply, { code: 'not-found', message: 'This node serves no dashboard.' });
  }
  let path: string;
  try {
    path = decodeURIComponent(request.url.split('?')[0]!);
  } catch {
    return sendError(reply, { code: 'invalid-request', message: 'Malformed path.' });
  }
  const relative = normalize(path).replace(/^([/\\])+/, '');
  const file = join(rendererDir, relative === '' || extname(relative) === '' ? 'index.html' : relative);
  // normalize() resolved any `..`; still refuse anything that lands outside the folder.
  if (
    path.includes('\0') ||
    !(file === rendererDir || file.startsWith(rendererDir.endsWith(sep) ? rendererDir : rendererDir + sep))
  ) {
    return sendError(reply, { code: 'not-found', message: 'No such file.' });
  }
  try {
    if (!(await stat(file)).isFile()) throw new Error('not a file');
    const content = await readFile(file);
    const token = queryToken(request);
    if (token !== null && sameSecret(token, options.token)) {
      // Lets the page's own script and style requests (which carry no token) through.
      reply.header('set-cookie', `${COOKIE_NAME}=${token}; Path=/; HttpOnly; SameSite=Strict`);
    }
    return reply
      .code(200)
      .type(CONTENT_TYPES[extname(file)] ?? 'application/octet-stream')
      .send(content);
  } catch {
    const message = file.endsWith('index.html')
      ? 'The dashboard is not built: run `npm run build` first.'
      : `No file ${path}.`;
    return sendError(reply, { code: 'not-found', message });
  }
}
