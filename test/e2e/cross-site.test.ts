import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { startAttackerSite } from './support/attacker-site';
import type { AttackerSite } from './support/attacker-site';
import { launchChromium } from './support/browser';
import { buildRendererOnce } from './support/build';
import { startHeadlessNode } from './support/headless-node';
import type { HeadlessNode } from './support/headless-node';
import { expectText, watchPage } from './support/page-watch';

// Issue 8.2: a page on another port of 127.0.0.1 must not be able to drive the node, through its peer
// API (no token, by the tutorial's design) or its dashboard's control API (token only in the tab).

interface Status {
  name: string;
  height: number;
  pendingCount: number;
  port: number;
}
interface Settings {
  name: string;
  allowRemoteMine: boolean;
}

let dirs: string[] = [];
let victim: HeadlessNode;
let source: HeadlessNode;
let attacker: AttackerSite;
let context: BrowserContext;
let closeBrowser: () => Promise<void>;
let peerApi: string;
let sourceAddress: string;

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'blockparty-xsite-'));
  dirs.push(dir);
  return dir;
}

/** What a tutorial reader's tools see: the node's state through its own APIs. */
async function snapshot(): Promise<unknown> {
  const status = await victim.call<Status>('status');
  const settings = await victim.call<Settings>('settings');
  const peers = await victim.call<{ address: string }[]>('peers');
  const chain = (await (await fetch(`${peerApi}/chain`)).json()) as { length: number };
  return {
    name: status.name,
    height: status.height,
    pending: status.pendingCount,
    chainLength: chain.length,
    peers: peers.map((p) => p.address),
    settings: { name: settings.name, allowRemoteMine: settings.allowRemoteMine },
  };
}

/** A request as curl sends it: no Origin, no Sec-Fetch-*, any Content-Type or none. */
function rawRequest(
  method: string,
  url: string,
  options: { headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** The attack page: every request a browser sends for another site without asking. */
function attackPage(peer: string, dashboard: string, ownPeer: string): string {
  const config = JSON.stringify({ peer, dashboard, ownPeer });
  return `<!doctype html><title>Free cat pictures</title><body><script>
const { peer, dashboard, ownPeer } = ${config};
let frames = 0;
const settle = (promise) =>
  Promise.race([
    promise.then(() => 'answered', (error) => 'error: ' + error),
    new Promise((done) => setTimeout(() => done('timeout'), 15000)),
  ]);
const img = (url) => new Promise((done) => { const i = new Image(); i.onload = i.onerror = done; i.src = url; });
const frame = (url) => new Promise((done) => {
  const f = document.createElement('iframe'); document.body.append(f); f.onload = done; f.src = url;
});
// An auto-submitted text/plain form: name + "=" + value is the body, so the pad makes it JSON.
const form = (action, json) => new Promise((done) => {
  const target = 'sink' + ++frames;
  const f = document.createElement('iframe'); f.name = target; document.body.append(f); f.onload = done;
  const el = document.createElement('form');
  el.method = 'POST'; el.enctype = 'text/plain'; el.action = action; el.target = target;
  const input = document.createElement('input');
  input.type = 'hidden'; input.name = json.slice(0, -1) + ', "pad": "'; input.value = '"}';
  el.append(input); document.body.append(el); el.submit();
});
const post = (url, body, extra = {}) =>
  fetch(url, { method: 'POST', mode: 'no-cors', headers: { 'Content-Type': 'text/plain' }, body, ...extra });
const tx = JSON.stringify({ sender: 'mallory', recipient: 'mallory', amount: 1000 });
const register = JSON.stringify({ nodes: [ownPeer] });
const rename = JSON.stringify({ name: 'pwned', allowRemoteMine: true });
const guesses = ['', 'undefined', 'null', 'token', 'blockparty', 'blockparty_token', '0'];
const attempts = {
  'img /mine': img(peer + '/mine'),
  'iframe /mine': frame(peer + '/mine'),
  'no-cors GET /mine': fetch(peer + '/mine', { mode: 'no-cors' }),
  'no-cors text/plain /transactions/new': post(peer + '/transactions/new', tx),
  'no-cors untyped /transactions/new': fetch(peer + '/transactions/new', { method: 'POST', mode: 'no-cors', body: tx }),
  'no-cors text/plain /nodes/register': post(peer + '/nodes/register', register),
  'form /transactions/new': form(peer + '/transactions/new', tx),
  'form /nodes/register': form(peer + '/nodes/register', register),
  'no-cors GET /nodes/resolve': fetch(peer + '/nodes/resolve', { mode: 'no-cors' }),
  'img /nodes/resolve': img(peer + '/nodes/resolve'),
  'cors JSON /transactions/new': fetch(peer + '/transactions/new', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: tx,
  }),
  'control no-cors updateSettings': post(dashboard + '/api/updateSettings', rename, { credentials: 'include' }),
  'control no-cors mine': post(dashboard + '/api/mine', '{}', { credentials: 'include' }),
  'control form updateSettings': form(dashboard + '/api/updateSettings', rename),
  'control img events': img(dashboard + '/api/events'),
  'control cors bearer guess': fetch(dashboard + '/api/updateSettings', {
    method: 'POST', headers: { Authorization: 'Bearer guess', 'Content-Type': 'application/json' }, body: rename,
  }),
  'control read the page': fetch(dashboard + '/', { mode: 'cors', credentials: 'include' }).then((r) => r.text()),
};
for (const guess of guesses) {
  attempts['control guess ' + JSON.stringify(guess)] = post(
    dashboard + '/api/updateSettings?token=' + encodeURIComponent(guess), rename, { credentials: 'include' });
}
const names = Object.keys(attempts);
Promise.all(names.map((name) => settle(attempts[name]))).then((outcomes) => {
  window.attack = { cookie: document.cookie, outcomes: Object.fromEntries(names.map((n, i) => [n, outcomes[i]])) };
});
</script></body>`;
}

describe('cross-site requests to a node', () => {
  beforeAll(async () => {
    await buildRendererOnce();
    [victim, source] = await Promise.all([
      startHeadlessNode({ dataDir: tempDir(), name: 'Victim', difficulty: 2 }),
      startHeadlessNode({ dataDir: tempDir(), name: 'Attacker chain', difficulty: 2 }),
    ]);
    // The chain the attacker would like the victim to adopt: longer than the victim's.
    for (let i = 0; i < 3; i++) await source.call('mine');
    peerApi = `http://127.0.0.1:${(await victim.call<Status>('status')).port}`;
    sourceAddress = `127.0.0.1:${(await source.call<Status>('status')).port}`;
    attacker = await startAttackerSite();
    ({ context, close: closeBrowser } = await launchChromium());
  }, 240_000);

  afterAll(async () => {
    await closeBrowser?.();
    await attacker?.close();
    await Promise.all([victim?.stop(), source?.stop()]);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    dirs = [];
  });

  it('a page on another port changes nothing, while the dashboard is open in the same browser', async () => {
    // The user has the dashboard open (as when the cookie used to be set), then visits the page.
    const dashboard: Page = await context.newPage();
    const dashboardWatch = watchPage(dashboard);
    await dashboard.goto(victim.dashboardUrl);
    await expectText(dashboard, '[data-testid=node-name]', 'Victim');
    expect(dashboard.url()).not.toContain('token=');
    expect(await context.cookies()).toEqual([]);
    const before = await snapshot();
    expect(before).toMatchObject({ height: 1, pending: 0, peers: [], settings: { allowRemoteMine: false } });

    const origin = new URL(victim.dashboardUrl).origin;
    attacker.page('/cats.html', attackPage(peerApi, origin, sourceAddress));
    const page = await context.newPage();
    const answers: Response[] = [];
    // Bodies must be read as they come: a frame that navigates on drops them.
    const bodies = new Map<Response, Promise<string | null>>();
    page.on('response', (response) => {
      if (!response.url().startsWith(peerApi) && !response.url().startsWith(origin)) return;
      answers.push(response);
      bodies.set(
        response,
        response.text().catch(() => null),
      );
    });
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.url().startsWith(origin + '/api/')) sent.push(request.url());
    });
    await page.goto(`${attacker.origin}/cats.html`);
    await page.waitForFunction(() => 'attack' in window, undefined, { timeout: 60_000 });
    const attack = (await page.evaluate(() => (window as unknown as { attack: unknown }).attack)) as {
      cookie: string;
      outcomes: Record<string, string>;
    };
    expect(Object.values(attack.outcomes)).not.toContain('timeout');
    // No token to steal: not in a cookie any port can read, and the page cannot read the dashboard.
    expect(attack.cookie).toBe('');
    expect(attack.outcomes['control read the page']).toMatch(/^error/);
    expect(attack.outcomes['control cors bearer guess']).toMatch(/^error/);
    expect(attack.outcomes['cors JSON /transactions/new']).toMatch(/^error/);

    // Every attempt reached the node and the node refused it (the browser did not block it for us).
    const byPath = new Map<string, number[]>();
    for (const answer of answers) {
      const path = new URL(answer.url()).pathname;
      byPath.set(path, [...(byPath.get(path) ?? []), answer.status()]);
    }
    for (const path of ['/mine', '/transactions/new', '/nodes/register', '/nodes/resolve']) {
      expect(byPath.get(path), path).toBeDefined();
      expect(new Set(byPath.get(path)), path).toEqual(new Set([403]));
    }
    const refusals = [];
    for (const answer of answers.filter((a) => a.url().startsWith(peerApi))) {
      const body = await bodies.get(answer);
      if (body !== null && body !== undefined) refusals.push(JSON.parse(body));
    }
    // Chromium keeps the bodies of frames (iframe, forms), not of opaque no-cors answers.
    expect(refusals.length).toBeGreaterThanOrEqual(3);
    for (const refusal of refusals) {
      expect(refusal).toMatchObject({
        error: 'cross-site-refused',
        message: expect.stringContaining('curl'),
      });
    }
    // The control API's answers are hidden from the page (Cross-Origin-Resource-Policy); any that is
    // visible is a refusal, and the node's state below shows none of them did anything.
    expect(sent.length).toBeGreaterThanOrEqual(12);
    for (const answer of answers) expect([401, 403], answer.url()).toContain(answer.status());

    expect(await snapshot()).toEqual(before);
    expect(await context.cookies()).toEqual([]);
    // The user's own tab is unaffected.
    await expectText(dashboard, '[data-testid=node-name]', 'Victim');
    dashboardWatch.stop();
    expect(dashboardWatch.failures).toEqual([]);
    await page.close();
    await dashboard.close();
  }, 120_000);

  it('curl-like clients keep working exactly as the tutorial documents, with or without Content-Type', async () => {
    const tx = '{"sender": "alice", "recipient": "bob", "amount": 5}';
    const variants: Record<string, string>[] = [
      { 'Content-Type': 'application/json' },
      {},
      // curl -d without -H sends this.
      { 'Content-Type': 'application/x-www-form-urlencoded' },
      { 'Content-Type': 'text/plain' },
    ];
    for (const headers of variants) {
      const res = await rawRequest('POST', `${peerApi}/transactions/new`, { headers, body: tx });
      expect({ status: res.status, body: res.body }, JSON.stringify(headers)).toEqual({
        status: 201,
        body: '{"message": "Transaction will be added to Block 2"}',
      });
    }
    const mined = await rawRequest('GET', `${peerApi}/mine`);
    expect(mined.status).toBe(200);
    expect(JSON.parse(mined.body)).toMatchObject({ message: 'New Block Forged', index: 2 });
    expect(JSON.parse(mined.body).transactions).toHaveLength(5);

    // Python requests, as tutorial readers and tutorial nodes use it.
    const script = `
import json, sys, requests
peer = sys.argv[1]
out = []
r = requests.post(peer + "/transactions/new", json={"sender": "carol", "recipient": "dave", "amount": 1})
out.append([r.status_code, r.text])
r = requests.post(peer + "/transactions/new", data=json.dumps({"sender": "dave", "recipient": "carol", "amount": 2}))
out.append([r.status_code, r.text])
r = requests.post(peer + "/nodes/register", json={"nodes": ["http://" + sys.argv[2]]})
out.append([r.status_code, r.json()["message"]])
r = requests.get(peer + "/mine")
out.append([r.status_code, r.json()["message"]])
r = requests.get(peer + "/chain")
out.append([r.status_code, r.json()["length"]])
print(json.dumps(out))
`;
    const python = spawnSync('/usr/bin/python3', ['-c', script, peerApi, sourceAddress], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(python.stderr).toBe('');
    expect(JSON.parse(python.stdout)).toEqual([
      [201, '{"message": "Transaction will be added to Block 3"}'],
      [201, '{"message": "Transaction will be added to Block 3"}'],
      [201, 'New nodes have been added'],
      [200, 'New Block Forged'],
      [200, 3],
    ]);

    // The peer the attack page tried to register, registered by a tool: resolve adopts its longer chain.
    const resolved = await rawRequest('GET', `${peerApi}/nodes/resolve`);
    expect(resolved.status).toBe(200);
    expect(JSON.parse(resolved.body)).toMatchObject({ message: 'Our chain was replaced' });
    expect(await snapshot()).toMatchObject({ chainLength: 4, peers: [sourceAddress] });
  }, 120_000);
});
