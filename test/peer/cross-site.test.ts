import { describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { CROSS_SITE_ERROR, foreignSite, refuseCrossSite } from '../../src-main/peer/cross-site.ts';
import { buildPeerServer } from '../../src-main/peer/server.ts';
import { createFakeNode } from '../control/fake-node.ts';

const HOST = '127.0.0.1:5000';

/** A server with the guard and routes that count how often they ran. */
function build() {
  const app = Fastify();
  refuseCrossSite(app);
  const ran: string[] = [];
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  for (const path of ['/mine', '/nodes/resolve', '/chain', '/blockparty/info']) {
    app.get(path, async () => {
      ran.push(`GET ${path}`);
      return { ok: true };
    });
  }
  for (const path of ['/transactions/new', '/nodes/register']) {
    app.post(path, async () => {
      ran.push(`POST ${path}`);
      return { ok: true };
    });
  }
  return { app, ran };
}

describe('refuseCrossSite', () => {
  it('refuses what another page makes a browser send: img, no-cors fetch, text/plain forms', async () => {
    const { app, ran } = build();
    const attempts: { method: 'GET' | 'POST' | 'HEAD'; url: string; headers: Record<string, string> }[] = [
      // <img src=http://127.0.0.1:5000/mine> on a page of another port: same-site, not same-origin.
      {
        method: 'GET',
        url: '/mine',
        headers: { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors' },
      },
      { method: 'HEAD', url: '/mine', headers: { 'sec-fetch-site': 'cross-site' } },
      { method: 'GET', url: '/mine?cachebust=1', headers: { 'sec-fetch-site': 'cross-site' } },
      { method: 'GET', url: '/nodes/resolve', headers: { origin: 'http://127.0.0.1:8000' } },
      // Browsers without Sec-Fetch-* still send a Referer with an img by default.
      { method: 'GET', url: '/mine', headers: { referer: 'http://evil.example/page.html' } },
      {
        method: 'POST',
        url: '/transactions/new',
        headers: {
          'content-type': 'text/plain',
          origin: 'http://127.0.0.1:8000',
          'sec-fetch-site': 'same-site',
        },
      },
      { method: 'POST', url: '/nodes/register', headers: { 'content-type': 'text/plain', origin: 'null' } },
      // Even JSON: today a preflight we never approve keeps it out; the guard keeps it out if CORS comes.
      {
        method: 'POST',
        url: '/nodes/register',
        headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      },
      // A DNS name that is not the one the page was loaded from.
      {
        method: 'POST',
        url: '/transactions/new',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:5000' },
      },
    ];
    for (const attempt of attempts) {
      const res = await app.inject({
        ...attempt,
        headers: { host: HOST, ...attempt.headers },
        payload: attempt.method === 'POST' ? '{"sender": "a", "recipient": "b", "amount": 1}' : undefined,
      });
      expect(res.statusCode, JSON.stringify(attempt)).toBe(403);
      if (attempt.method !== 'HEAD') {
        const body = res.json();
        expect(body.error).toBe(CROSS_SITE_ERROR);
        expect(body.message).toMatch(/curl, Postman/);
      }
    }
    expect(ran).toEqual([]);
  });

  it('lets curl, Postman, requests and tutorial nodes through, with or without Content-Type', async () => {
    const { app, ran } = build();
    const body = '{"sender": "a", "recipient": "b", "amount": 1}';
    for (const headers of [{}, { 'content-type': 'application/json' }, { 'content-type': 'text/plain' }]) {
      const res = await app.inject({
        method: 'POST',
        url: '/transactions/new',
        headers: { host: HOST, ...headers },
        payload: body,
      });
      expect(res.statusCode).toBe(200);
    }
    for (const url of ['/mine', '/nodes/resolve', '/chain']) {
      expect((await app.inject({ method: 'GET', url, headers: { host: HOST } })).statusCode).toBe(200);
    }
    expect(ran).toHaveLength(6);
  });

  it('lets this server’s own pages and the address bar through, and read-only GETs from anywhere', async () => {
    const { app, ran } = build();
    const ok = [
      { method: 'GET', url: '/mine', headers: { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' } },
      { method: 'GET', url: '/chain', headers: { 'sec-fetch-site': 'same-origin' } },
      { method: 'GET', url: '/mine', headers: { 'sec-fetch-site': 'same-origin', origin: `http://${HOST}` } },
      {
        method: 'POST',
        url: '/transactions/new',
        headers: { 'sec-fetch-site': 'same-origin', origin: `http://${HOST}`, 'content-type': 'text/plain' },
      },
      { method: 'GET', url: '/chain', headers: { 'sec-fetch-site': 'cross-site' } },
      { method: 'GET', url: '/blockparty/info', headers: { origin: 'http://127.0.0.1:8000' } },
      { method: 'GET', url: '/mine', headers: { referer: `http://${HOST}/spectator` } },
    ] as const;
    for (const attempt of ok) {
      const res = await app.inject({
        ...attempt,
        headers: { host: HOST, ...attempt.headers },
        payload: attempt.method === 'POST' ? '{}' : undefined,
      });
      expect(res.statusCode, JSON.stringify(attempt)).toBe(200);
    }
    expect(ran).toHaveLength(ok.length);
  });

  it('names the foreign site, and treats the default port and letter case as the same origin', () => {
    const at = (headers: Record<string, string>) =>
      foreignSite({ headers: { host: 'Node.local', ...headers } });
    expect(at({ origin: 'http://node.local:80' })).toBeNull();
    expect(at({ origin: 'http://node.local:8080' })).toBe('http://node.local:8080');
    expect(at({ 'sec-fetch-site': 'Same-Site' })).toBe('same-site');
    expect(at({ referer: 'not a url' })).toBe('an unreadable Referer');
    expect(foreignSite({ headers: { origin: 'http://node.local' } })).toBe('http://node.local');
    expect(at({})).toBeNull();
  });

  it('is registered on the peer server', async () => {
    const node = createFakeNode(1);
    const app = buildPeerServer({ node });
    const res = await app.inject({
      method: 'GET',
      url: '/mine',
      headers: { host: HOST, 'sec-fetch-site': 'same-site' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ error: CROSS_SITE_ERROR });
    const chain = await app.inject({
      method: 'GET',
      url: '/chain',
      headers: { host: HOST, 'sec-fetch-site': 'cross-site' },
    });
    expect(chain.statusCode).toBe(200);
  });
});
