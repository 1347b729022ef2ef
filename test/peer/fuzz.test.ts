/**
 * The peer API under malformed requests, seeded and replayable (`PEER_FUZZ_SEED`): thousands of
 * requests of every method, path, header and body a broken or hostile client could send, against a
 * real node. Every server error is a bug: the node answers each with a 4xx (or a success), never a
 * 5xx, and still works afterwards. Raw garbage over a real socket must not stall it either.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeerClient } from '../../src-main/node/ports.ts';
import { createPeerClient } from '../../src-main/peer/client.ts';
import { buildPeerServer } from '../../src-main/peer/server.ts';
import { splitAddress } from '../../src-main/shared/address.ts';
import { message } from '../../src-main/shared/messages.ts';
import { JsonTextGenerator, makeRng } from '../chain/random-json.ts';
import { openTestNode, tempDir } from '../helpers/node-fixture.ts';

const REQUESTS = Number(process.env['PEER_FUZZ_REQUESTS'] ?? 6000);
const SEED = Number(process.env['PEER_FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 32));

/**
 * The node's real client, fenced to this machine: fuzzed addresses may parse as host names anywhere,
 * and the tests reach nothing but loopback.
 */
function loopbackOnly(client: PeerClient): PeerClient {
  const fenced = (address: string): boolean => splitAddress(address).host !== '127.0.0.1';
  const refusal = {
    ok: false as const,
    outcome: 'unreachable' as const,
    reason: message('peer-no-route', { peer: 'a fuzzed host' }),
  };
  return {
    fetchChain: (address, rules) =>
      fenced(address)
        ? Promise.resolve({ ...refusal, blocks: null, ms: null })
        : client.fetchChain(address, rules),
    info: (address) => (fenced(address) ? Promise.resolve(refusal) : client.info(address)),
    hello: (address, card) => (fenced(address) ? Promise.resolve(refusal) : client.hello(address, card)),
    pushBlocks: (address, push) =>
      fenced(address)
        ? Promise.resolve({ ok: false as const, reason: refusal.reason })
        : client.pushBlocks(address, push),
    pushTransactions: (address, push) =>
      fenced(address) ? Promise.resolve(false) : client.pushTransactions(address, push),
    sync: (address, locator, limit, rules, start) =>
      fenced(address) ? Promise.resolve(refusal) : client.sync(address, locator, limit, rules, start),
    peersOf: (address) => (fenced(address) ? Promise.resolve([]) : client.peersOf(address)),
    postTransaction: (address, text) =>
      fenced(address) ? Promise.resolve(false) : client.postTransaction(address, text),
    tellAdopted: (address, card) =>
      fenced(address) ? Promise.resolve(false) : client.tellAdopted(address, card),
    reportHops: (address, hash, hops) =>
      fenced(address) ? Promise.resolve(false) : client.reportHops(address, hash, hops),
    flightOf: (address, hash) => (fenced(address) ? Promise.resolve(null) : client.flightOf(address, hash)),
    labCheck: (address, body) =>
      fenced(address) ? Promise.resolve(refusal) : client.labCheck(address, body),
    checkChain: (body, rules) => client.checkChain(body, rules),
    close: () => client.close(),
  };
}

const PATHS = [
  '/mine',
  '/chain',
  '/transactions/new',
  '/nodes/register',
  '/nodes/resolve',
  '/blockparty/info',
  '/blockparty/pending',
  '/blockparty/hello',
  '/blockparty/blocks',
  '/blockparty/transactions',
  '/blockparty/sync',
  '/blockparty/peers',
  '/blockparty/arrivals',
  '/blockparty/adopted',
  '/blockparty/flight',
  `/blockparty/flight?hash=${'ab'.repeat(32)}`,
  '/blockparty/flight?hash=zz',
  '/blockparty/lab/check',
  '/',
  '/chain/',
  '/mine?x=1',
  '/nodes/register/../resolve',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/transactions/new?sender=a',
  '/' + 'a'.repeat(3000),
  '/nodes/%ZZ',
  '/blockparty/info#frag',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'] as const;
const CONTENT_TYPES = [
  undefined,
  'application/json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/octet-stream',
  '*/*',
  'nonsense',
];

/** A body a broken or hostile client might send. */
function body(g: JsonTextGenerator, rnd: () => number): string | Buffer | undefined {
  const address = (): unknown =>
    g.pick<unknown>([
      `127.0.0.1:${1 + g.int(65535)}`,
      `http://127.0.0.1:${1 + g.int(65535)}/`,
      `localhost:${g.int(70000)}`,
      'https://127.0.0.1:5000',
      '999.1.1.1:5',
      '127.1:1',
      '[::1]:5000',
      '',
      null,
      5002n,
      { toString: 1 },
      [],
      'x'.repeat(500),
      '\u0000:1',
    ]);
  switch (g.int(12)) {
    case 0:
      return undefined;
    case 1:
      return g.document();
    case 2: {
      const text = g.document();
      return text.slice(0, g.int(text.length + 1));
    }
    case 3:
      return Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x7b, 0x22]);
    case 4:
      return `${'['.repeat(2000)}${']'.repeat(2000)}`;
    case 5:
      return (
        '{"sender": "a", "recipient": "b", "amount": ' +
        g.pick([
          'NaN',
          'Infinity',
          '-Infinity',
          '1e400',
          '-0',
          '0.0',
          '1' + '0'.repeat(5000),
          '"5"',
          'true',
          '[]',
          '{}',
          'null',
        ]) +
        '}'
      );
    case 6: {
      const tx: Record<string, unknown> = {};
      for (const key of ['sender', 'recipient', 'amount']) {
        if (rnd() < 0.8)
          tx[key] = g.pick<unknown>(['a', '', 5, 2.5, -1, null, true, [], {}, 'é😀', 'x'.repeat(200), '0']);
      }
      if (rnd() < 0.2) tx['__proto__'] = { polluted: true };
      return JSON.stringify(tx);
    }
    case 7: {
      const nodes = Array.from({ length: g.int(6) }, address);
      const value =
        rnd() < 0.8
          ? { nodes }
          : g.pick<unknown>([{ nodes: 'localhost:5001' }, { nodes: null }, { node: nodes }, nodes, 'nodes']);
      return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? Number(v) : v));
    }
    case 8:
      return '{"nodes": ["' + '\\ud800'.repeat(10) + '"]}';
    case 9:
      return 'sender=a&recipient=b&amount=5';
    case 10:
      return Buffer.alloc(1024 * 1024 + 1 + g.int(1000), 0x20);
    default:
      return `{"sender": "${'a'.repeat(g.int(300))}", "recipient": "b", "amount": ${1 + g.int(10)}}`;
  }
}

describe('the peer API under fuzzing', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let cleanup: () => void;

  beforeAll(async () => {
    const tmp = tempDir();
    cleanup = tmp.cleanup;
    const opened = await openTestNode(
      tmp.dir,
      { difficulty: 1 },
      { client: loopbackOnly(createPeerClient({ timeoutMs: 300 })) },
    );
    app = buildPeerServer({ node: opened.node });
    await app.ready();
    close = async () => {
      await app.close();
      await opened.close();
    };
  });
  afterAll(async () => {
    await close();
    cleanup();
  });

  it(`answers ${REQUESTS} malformed requests (seed ${SEED}) without a single 5xx, and still works`, async () => {
    const rnd = makeRng(SEED);
    const g = new JsonTextGenerator(rnd);
    const statuses = new Map<number, number>();
    for (let i = 0; i < REQUESTS; i++) {
      const method = g.pick(METHODS);
      const url = g.pick(PATHS);
      const headers: Record<string, string> = {};
      const type = g.pick(CONTENT_TYPES);
      if (type !== undefined) headers['content-type'] = type;
      if (rnd() < 0.1) headers['origin'] = g.pick(['http://evil.example', 'null', 'http://127.0.0.1:1']);
      if (rnd() < 0.1)
        headers['sec-fetch-site'] = g.pick(['cross-site', 'same-site', 'same-origin', 'none', 'garbage']);
      if (rnd() < 0.05) headers['accept'] = 'text/html';
      const payload = method === 'GET' || method === 'HEAD' ? undefined : body(g, rnd);
      const res = await app.inject({
        method,
        url,
        headers,
        payload,
        remoteAddress: rnd() < 0.5 ? '127.0.0.1' : '192.168.1.20',
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      if (res.statusCode >= 500) {
        throw new Error(
          `seed ${SEED}, request ${i}: ${method} ${url} (${type}) answered ${res.statusCode}: ${res.body.slice(0, 300)}`,
        );
      }
      if (method !== 'HEAD' && res.statusCode >= 400) {
        const answer = JSON.parse(res.body) as { error: unknown; message: unknown };
        expect(typeof answer.error, `seed ${SEED}, request ${i}`).toBe('string');
        expect(typeof answer.message, `seed ${SEED}, request ${i}`).toBe('string');
      }
    }
    console.info(
      `peer API fuzz, seed ${SEED}: ${REQUESTS} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    const chain = await app.inject({ method: 'GET', url: '/chain' });
    expect(chain.statusCode).toBe(200);
    const tx = await app.inject({
      method: 'POST',
      url: '/transactions/new',
      payload: { sender: 'after', recipient: 'fuzz', amount: 1 },
    });
    expect(tx.statusCode).toBe(201);
  }, 300_000);

  it('survives raw garbage on a real socket and keeps answering', async () => {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const rnd = makeRng(SEED ^ 0x5bd1e995);
    const garbage = [
      'GET / HTTP/1.1\r\n\r\n',
      'GET /chain HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'POST /transactions/new HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{"se',
      'POST /transactions/new HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      '\x00\x01\x02\x03\xff\xfe',
      'GET /' + 'x'.repeat(20000) + ' HTTP/1.1\r\n\r\n',
      'GET / HTTP/1.1\r\n' + 'X-A: b\r\n'.repeat(5000) + '\r\n',
      'BREW /coffee HTCPCP/1.0\r\n\r\n',
    ];
    await Promise.all(
      Array.from(
        { length: 200 },
        (_, i) =>
          new Promise<void>((done) => {
            const socket = connect(port, '127.0.0.1', () => {
              const text = garbage[i % garbage.length]!;
              socket.end(rnd() < 0.5 ? text : text.slice(0, Math.floor(rnd() * text.length)));
            });
            socket.on('data', () => undefined);
            socket.on('error', () => done());
            socket.on('close', () => done());
            socket.setTimeout(5000, () => socket.destroy());
          }),
      ),
    );
    const res = await fetch(`http://127.0.0.1:${port}/blockparty/info`);
    expect(res.status).toBe(200);
  });
});
