import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { statusOf, type ErrorCode } from '../shared/errors.ts';
import { message, renderMessage } from '../shared/messages.ts';

/**
 * GET routes of the peer API that change the node. The tutorial made them GETs, so any web page can
 * fire them with an `<img>`: they get the same guard as POSTs.
 */
export const STATE_CHANGING_GETS: readonly string[] = ['/mine', '/nodes/resolve'];

/** The `error` code of a refused cross-site request. */
export const CROSS_SITE_ERROR = 'cross-site-refused' satisfies ErrorCode;

/** Options of {@link refuseCrossSite}. */
export interface CrossSiteOptions {
  /** Route paths, as registered, whose GET (and HEAD) changes state. Default STATE_CHANGING_GETS. */
  stateChangingGets?: readonly string[];
}

// `none`: typed in the address bar or opened from a bookmark, which the user did on purpose.
const OUR_FETCH_SITES = new Set(['same-origin', 'none']);
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses, with a 403 `{"error": "cross-site-refused", "message"}`, the state-changing requests that
 * another web page can make a browser send without asking (`<img>`, no-cors `fetch`, `text/plain`
 * forms): a POST or a state-changing GET whose `Sec-Fetch-Site`, `Origin` or (for browsers that send
 * neither) `Referer` names another site. Clients that are not browsers (curl, Postman, Python
 * `requests`, tutorial nodes, other Blockparty nodes) send none of these headers and pass untouched,
 * whatever their `Content-Type`; so do read-only GETs from anywhere, and every request a page served
 * by this very server makes.
 */
export function refuseCrossSite(app: FastifyInstance, options: CrossSiteOptions = {}): void {
  const unsafeGets = new Set(options.stateChangingGets ?? STATE_CHANGING_GETS);
  app.addHook('onRequest', async (request, reply) => {
    const method = request.method.toUpperCase();
    const isGet = method === 'GET' || method === 'HEAD';
    if (SAFE_METHODS.has(method) && !(isGet && unsafeGets.has(routePath(request)))) return;
    const site = foreignSite(request);
    if (site === null) return;
    return refuse(reply, `${isGet ? 'GET' : method} ${routePath(request)}`, site);
  });
}

/**
 * The foreign site a browser says a request comes from (`"cross-site"`, `"same-site"`, an origin,
 * `"null"`…), or null when it comes from this server's own pages, from the address bar, or from a
 * client that is not a browser.
 */
export function foreignSite(request: Pick<FastifyRequest, 'headers'>): string | null {
  const headers = request.headers;
  const host = single(headers.host);
  const site = single(headers['sec-fetch-site'])?.toLowerCase();
  // Another port of the same host is `same-site`, not `same-origin`: it is foreign here.
  if (site !== undefined && !OUR_FETCH_SITES.has(site)) return site;
  const origin = single(headers.origin);
  if (origin !== undefined && !isOwnOrigin(origin, host)) return origin;
  const referer = single(headers.referer);
  if (site === undefined && origin === undefined && referer !== undefined) {
    const from = originOf(referer);
    if (from === null || !isOwnOrigin(from, host)) return from ?? 'an unreadable Referer';
  }
  return null;
}

/** Whether `origin` is this server's own origin, as named by the request's Host header. */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false;
  const ours = originOf(`http://${host}`);
  return ours !== null && originOf(origin) === ours;
}

function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** The route as registered (so `/mine?x` and `/mine` are one), else the path without its query. */
function routePath(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?')[0]!;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function refuse(reply: FastifyReply, what: string, site: string): FastifyReply {
  const detail = message('cross-site-refused', { what, site: site.slice(0, 200) });
  return reply
    .code(statusOf(CROSS_SITE_ERROR))
    .type('application/json')
    .send(JSON.stringify({ error: CROSS_SITE_ERROR, message: renderMessage(detail) }));
}
