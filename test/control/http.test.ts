import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  buildControlServer,
  isLoopbackHostHeader,
  isValidControlToken,
  makeControlToken,
  startControlServer,
} from '../../src-main/control/http.ts';
import type { StartedControlServer } from '../../src-main/control/http.ts';
import { createDashboardService } from '../../src-main/control/service.ts';
import { CONTROL_EVENTS_PATH, controlOperationPath, OPERATION_NAMES } from '../../src-main/shared/api.ts';
import { createFakeNode } from './fake-node.ts';

const TOKEN = 'test-token-0123456789';
const HOST = { host: '127.0.0.1:4321' };
const AUTH = { ...HOST, authorization: `Bearer ${TOKEN}` };

let rendererDir: string;
beforeAll(() => {
  rendererDir = mkdtempSync(join(tmpdir(), 'bp-renderer-'));
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Blockparty</title>');
  mkdirSync(join(rendererDir, 'assets'));
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(rendererDir, '..', 'bp-secret.txt'), 'TOP-SECRET-CONTENT');
});
afterAll(() => {
  rmSync(rendererDir, { recursive: true, force: true });
  rmSync(join(rendererDir, '..', 'bp-secret.txt'), { force: true });
});

function build(height = 3) {
  const node = createFakeNode(height);
  const service = createDashboardService(node);
  const app = buildControlServer(service, { token: TOKEN, rendererDir });
  return { node, service, app };
}

describe('control HTTP API (inject)', () => {
  it('refuses requests without the right token', async () => {
    const { app } = build();
    const none = await app.inject({ method: 'POST', url: '/api/status', headers: HOST });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/status',
      headers: { ...HOST, authorization: 'Bearer nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const events = await app.inject({ method: 'GET', url: '/api/events', headers: HOST });
    expect(events.statusCode).toBe(401);
    // Guesses a page might try: none opens anything.
    for (const guess of ['', 'undefined', 'null', TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase()]) {
      const res = await app.inject({
        method: 'POST',
        url: `/api/status?token=${encodeURIComponent(guess)}`,
        headers: { ...HOST, authorization: `Bearer ${guess}` },
      });
      expect(res.statusCode, guess).toBe(401);
    }
  });

  it('accepts the token as a bearer header or a query parameter', async () => {
    const { app } = build();
    const bearer = await app.inject({ method: 'POST', url: '/api/status', headers: AUTH });
    expect(bearer.statusCode).toBe(200);
    expect(bearer.json()).toMatchObject({ ok: true, value: { height: 3, port: 5000 } });
    const query = await app.inject({ method: 'POST', url: `/api/status?token=${TOKEN}`, headers: HOST });
    expect(query.statusCode).toBe(200);
  });

  it('refuses a non-loopback Host (DNS rebinding) and foreign origins, even with the token', async () => {
    const { app } = build();
    for (const host of [
      'evil.example:4321',
      '192.168.1.20:4321',
      'localhost.evil.example',
      '127.0.0.1.nip.io',
    ]) {
      const res = await app.inject({ method: 'POST', url: '/api/status', headers: { ...AUTH, host } });
      expect(res.statusCode, host).toBe(403);
      expect(res.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const cross = await app.inject({
      method: 'POST',
      url: '/api/mine',
      headers: { ...AUTH, origin: 'https://evil.example' },
    });
    expect(cross.statusCode).toBe(403);
    const same = await app.inject({
      method: 'POST',
      url: '/api/status',
      headers: { ...AUTH, origin: 'http://127.0.0.1:4321' },
    });
    expect(same.statusCode).toBe(200);
    expect(isLoopbackHostHeader('localhost')).toBe(true);
    expect(isLoopbackHostHeader('[::1]:80')).toBe(false);
    expect(isLoopbackHostHeader(undefined)).toBe(false);
  });

  it('has one POST route per operation and answers errors as Result values', async () => {
    const { app } = build();
    const routes = app.printRoutes({ commonPrefix: false });
    for (const name of OPERATION_NAMES) expect(routes).toContain(controlOperationPath(name).slice(5));

    const bad = await app.inject({
      method: 'POST',
      url: '/api/block',
      headers: AUTH,
      payload: { index: 'x' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      ok: false,
      error: {
        code: 'invalid-request',
        message: expect.any(String),
        detail: { code: 'request-invalid', params: expect.objectContaining({ field: 'index' }) },
        field: 'index',
      },
    });
    const missing = await app.inject({
      method: 'POST',
      url: '/api/block',
      headers: AUTH,
      payload: { index: 99 },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ ok: false, error: { code: 'not-found' } });
    const tx = await app.inject({
      method: 'POST',
      url: '/api/submitTransaction',
      headers: AUTH,
      payload: { sender: '', recipient: 'b', amount: '1' },
    });
    expect(tx.statusCode).toBe(400);
    expect(tx.json()).toMatchObject({ ok: false, error: { code: 'invalid-transaction', field: 'sender' } });
    const json = await app.inject({
      method: 'POST',
      url: '/api/block',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '{"index":',
    });
    expect(json.statusCode).toBe(400);
    expect(json.json()).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const balances = await app.inject({ method: 'POST', url: '/api/balances', headers: AUTH });
    expect(balances.statusCode).toBe(200);
    expect(balances.json()).toEqual({
      ok: true,
      value: {
        height: 3,
        rows: [
          {
            address: 'e3b0c44298fc1c149afbf4c8996fb924',
            name: 'Blockparty node',
            received: '2',
            sent: '0',
            balance: '2',
          },
        ],
        skipped: 0,
      },
    });
    const unknown = await app.inject({ method: 'POST', url: '/api/teleport', headers: AUTH });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('takes inputs from the JSON body and works without one', async () => {
    const { app } = build(5);
    const page = await app.inject({
      method: 'POST',
      url: '/api/chainPage',
      headers: AUTH,
      payload: { limit: 2, newestFirst: true },
    });
    expect(page.json().value.blocks.map((b: { index: number }) => b.index)).toEqual([5, 4]);
    const noBody = await app.inject({ method: 'POST', url: '/api/chainPage', headers: AUTH });
    expect(noBody.json()).toMatchObject({ ok: true, value: { total: 5 } });
    const emptyJson = await app.inject({
      method: 'POST',
      url: '/api/status',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '',
    });
    expect(emptyJson.statusCode).toBe(200);
    const tx = await app.inject({
      method: 'POST',
      url: '/api/submitTransaction',
      headers: AUTH,
      payload: { sender: 'a', recipient: 'b', amount: '1.0' },
    });
    expect(tx.json()).toMatchObject({ ok: true, value: { index: 6, transaction: { amount: '1.0' } } });
  });

  it('serves the dashboard without a token and without any cookie, and stays in its folder', async () => {
    const { app } = build();
    for (const url of ['/', `/?token=${TOKEN}`, '/index.html']) {
      const page = await app.inject({ method: 'GET', url, headers: HOST });
      expect(page.statusCode, url).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(page.headers['set-cookie']).toBeUndefined();
      expect(page.body).toContain('<title>Blockparty</title>');
    }
    const asset = await app.inject({ method: 'GET', url: '/assets/app.js', headers: HOST });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(asset.headers['x-content-type-options']).toBe('nosniff');
    const head = await app.inject({ method: 'HEAD', url: '/assets/app.js', headers: HOST });
    expect(head.statusCode).toBe(200);
    // Client-side routes get the page; missing files with an extension do not.
    const route = await app.inject({ method: 'GET', url: '/blocks/3', headers: HOST });
    expect(route.statusCode).toBe(200);
    expect(route.body).toContain('<title>Blockparty</title>');
    const missing = await app.inject({ method: 'GET', url: '/assets/nope.js', headers: HOST });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ ok: false, error: { code: 'not-found' } });

    // Public files open nothing else: every spelling of the API still wants the token.
    for (const url of ['/api/events', '/%61pi/events', '/api/../api/events', '/api/teleport', '/api']) {
      const res = await app.inject({ method: 'GET', url, headers: HOST });
      expect(res.statusCode, url).not.toBe(200);
      expect(res.headers['content-type'], url).not.toContain('event-stream');
    }
    expect((await app.inject({ method: 'POST', url: '/api/status', headers: HOST })).statusCode).toBe(401);

    for (const url of [
      '/../bp-secret.txt',
      '/%2e%2e/bp-secret.txt',
      '/assets/..%2f..%2fbp-secret.txt',
      '/assets/%2e%2e/%2e%2e/bp-secret.txt',
      '/..%5cbp-secret.txt',
      '/%00index.html',
    ]) {
      const res = await app.inject({ method: 'GET', url, headers: HOST });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.body).not.toContain('TOP-SECRET-CONTENT');
    }
    // Files are still refused to a rebinding Host and to pages of other origins.
    const rebound = await app.inject({ method: 'GET', url: '/', headers: { host: 'evil.example:4321' } });
    expect(rebound.statusCode).toBe(403);
  });

  it('refuses pages of another port of 127.0.0.1, with or without the token', async () => {
    const { app, node } = build();
    const before = node.settings().name;
    for (const headers of [
      { ...AUTH, origin: 'http://127.0.0.1:8000' },
      { ...AUTH, origin: 'http://localhost:4321' },
      { ...AUTH, origin: 'null' },
      { ...AUTH, 'sec-fetch-site': 'same-site' },
      { ...AUTH, 'sec-fetch-site': 'cross-site' },
      { ...HOST, origin: 'http://127.0.0.1:8000', 'content-type': 'text/plain' },
    ]) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/updateSettings',
        headers,
        payload: '{"name": "pwned", "allowRemoteMine": true}',
      });
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect(res.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(node.settings().name).toBe(before);
    // The dashboard's own page: same origin.
    const own = await app.inject({
      method: 'POST',
      url: '/api/status',
      headers: { ...AUTH, origin: 'http://127.0.0.1:4321', 'sec-fetch-site': 'same-origin' },
    });
    expect(own.statusCode).toBe(200);
  });

  it('answers 404 for pages when it serves no dashboard, and says so when the dashboard is not built', async () => {
    const node = createFakeNode(1);
    const none = buildControlServer(createDashboardService(node), { token: TOKEN, rendererDir: null });
    const res = await none.inject({ method: 'GET', url: '/', headers: AUTH });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.message).toBe('This node serves no dashboard.');
    const empty = mkdtempSync(join(tmpdir(), 'bp-empty-'));
    try {
      const unbuilt = buildControlServer(createDashboardService(node), { token: TOKEN, rendererDir: empty });
      const page = await unbuilt.inject({ method: 'GET', url: '/', headers: HOST });
      expect(page.statusCode).toBe(404);
      expect(page.json().error.message).toContain('npm run build');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('control HTTP API (real socket)', () => {
  let server: StartedControlServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('listens on 127.0.0.1 only and prints a URL with the token', async () => {
    const node = createFakeNode(2);
    server = await startControlServer(createDashboardService(node), { rendererDir });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{40,}$/);
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    const res = await fetch(`http://127.0.0.1:${server.port}/api/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}` },
    });
    expect(await res.json()).toMatchObject({ ok: true, value: { height: 2 } });
    const refused = await fetch(`http://127.0.0.1:${server.port}/api/status`, { method: 'POST' });
    expect(refused.status).toBe(401);
  });

  it('listens on a saved port with a saved token, and on the next free port when it is taken', async () => {
    const service = createDashboardService(createFakeNode(1));
    const saved = makeControlToken();
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    const taken = (blocker.address() as AddressInfo).port;
    try {
      server = await startControlServer(service, { rendererDir: null, port: taken, token: saved });
      expect(server.port).not.toBe(taken);
      expect(server.token).toBe(saved);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${saved}`);
      expect(server.portNote).toBe(
        `Dashboard port ${taken} is taken, so the dashboard listens on port ${server.port} (tabs open on ${taken} must be opened again).`,
      );
      await server.close();
    } finally {
      await new Promise((done) => blocker.close(done));
    }
    server = await startControlServer(service, { rendererDir: null, port: taken, token: saved });
    expect(server.port).toBe(taken);
    expect(server.portNote).toBeNull();
    const res = await fetch(`http://127.0.0.1:${taken}/api/status`, {
      method: 'POST',
      headers: { authorization: `Bearer ${saved}` },
    });
    expect(res.status).toBe(200);
  });

  it('refuses a weak saved token or a port out of range with a message saying what to do', async () => {
    const service = createDashboardService(createFakeNode(1));
    for (const token of ['', 'short', 'has spaces in it but is long enough', 'é'.repeat(30)]) {
      await expect(startControlServer(service, { rendererDir: null, token })).rejects.toThrow(
        /22 or more letters, digits, "-" or "_"/,
      );
      expect(isValidControlToken(token)).toBe(false);
    }
    await expect(startControlServer(service, { rendererDir: null, port: 70000 })).rejects.toThrow(
      /from 0 to 65535/,
    );
    expect(isValidControlToken(makeControlToken())).toBe(true);
  });

  it('delivers events over SSE with ?token=, refuses it without, and closes with streams open', async () => {
    const node = createFakeNode(1);
    const service = createDashboardService(node, { statusIntervalMs: 10 });
    server = await startControlServer(service, { rendererDir: null });

    const denied = await fetch(`http://127.0.0.1:${server.port}${CONTROL_EVENTS_PATH}`);
    expect(denied.status).toBe(401);

    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${server.port}${CONTROL_EVENTS_PATH}?token=${server.token}`, {
      signal: controller.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (needle: string): Promise<void> => {
      while (!text.includes(needle)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${needle}: ${text}`);
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(': connected');
    await fetch(`http://127.0.0.1:${server.port}/api/submitTransaction`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sender: 'a', recipient: 'b', amount: 3 }),
    });
    await readUntil('event: status');
    expect(text).toContain('event: pending\ndata: {"count":1}\n\n');
    expect(text).toMatch(/event: status\ndata: \{.*"pendingCount":1/);

    // close() must end open streams rather than wait for them.
    await server.close();
    server = null;
    await readUntil('\u0000').catch((error: Error) => expect(error.message).toContain('stream ended'));
    controller.abort();
  });

  it('answers a rebinding Host over a real socket with 403', async () => {
    server = await startControlServer(createDashboardService(createFakeNode(1)), { rendererDir: null });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: server!.port,
          path: '/api/status',
          method: 'POST',
          headers: { host: `attacker.example:${server!.port}`, authorization: `Bearer ${server!.token}` },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});
