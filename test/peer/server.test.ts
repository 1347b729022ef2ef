import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildPeerServer } from '../../src-main/peer/server.ts';
import { dumpsPy, parsePyJson } from '../../src-main/chain/json.ts';
import { isValidProof } from '../../src-main/chain/proof.ts';
import type { BlockpartyNode } from '../../src-main/node/node.ts';
import { PEERS_MAX } from '../../src-main/node/peers.ts';
import { openTestNode, tempDir } from '../helpers/node-fixture.ts';

let node: BlockpartyNode;
let app: FastifyInstance;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  const tmp = tempDir();
  const opened = await openTestNode(tmp.dir);
  node = opened.node;
  app = buildPeerServer({ node });
  await app.ready();
  cleanup = async () => {
    await app.close();
    await opened.close();
    tmp.cleanup();
  };
});
afterEach(() => cleanup());

function json(body: string): Record<string, unknown> {
  return JSON.parse(body) as Record<string, unknown>;
}

const pending = (): unknown[] => node.pending().map((tx) => parsePyJson(tx.text));

describe('GET /chain', () => {
  it('answers the tutorial shape with the article genesis', async () => {
    const res = await app.inject({ method: 'GET', url: '/chain' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/json');
    const body = json(res.body) as { chain: Record<string, unknown>[]; length: number };
    expect(body.length).toBe(1);
    expect(Object.keys(body.chain[0]!).sort()).toEqual([
      'index',
      'previous_hash',
      'proof',
      'timestamp',
      'transactions',
    ]);
    expect(body.chain[0]).toMatchObject({ index: 1, previous_hash: 1, proof: 100, transactions: [] });
    // The timestamp is written as a Python float even when it is a whole number.
    expect(res.body).toMatch(/"timestamp": \d+(\.\d+|e[+-]\d+)/);
  });
});

describe('POST /transactions/new', () => {
  it('accepts JSON without a Content-Type and names the next block', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/transactions/new',
      payload: '{"sender": "alice", "recipient": "bob", "amount": 5}',
      headers: { 'content-type': 'text/plain' },
    });
    expect(res.statusCode).toBe(201);
    expect(json(res.body)).toEqual({ message: 'Transaction will be added to Block 2' });
    expect(pending()).toEqual([{ sender: 'alice', recipient: 'bob', amount: 5n }]);
  });

  it('keeps a float amount a float', async () => {
    await app.inject({
      method: 'POST',
      url: '/transactions/new',
      payload: '{"sender":"a","recipient":"b","amount":1.0}',
    });
    expect(node.pending()[0]!.text).toBe('{"amount": 1.0, "recipient": "b", "sender": "a"}');
  });

  it.each([
    ['{"sender":"a","recipient":"b"}', 'amount'],
    ['{"sender":"a","recipient":"b","amount":-1}', 'amount'],
    ['{"sender":"a","recipient":"b","amount":"5"}', 'amount'],
    ['{"sender":"","recipient":"b","amount":1}', 'sender'],
    ['{"sender":"a","recipient":7,"amount":1}', 'recipient'],
    ['[1,2]', 'object'],
    ['{"sender":"a", ', 'JSON'],
    ['{"sender":"a","recipient":"b","amount":NaN}', 'JSON'],
    ['', 'object'],
    [`{"sender":"${'s'.repeat(4000)}","recipient":"b","amount":1}`, 'at most 128'],
  ])('refuses %s with a 400 that mentions %s', async (payload, words) => {
    const res = await app.inject({ method: 'POST', url: '/transactions/new', payload });
    expect(res.statusCode).toBe(400);
    const body = json(res.body);
    expect(typeof body['error']).toBe('string');
    expect(String(body['message'])).toContain(words);
    expect(node.pending()).toHaveLength(0);
  });

  it('refuses a body over the limit with 413', async () => {
    const big = JSON.stringify({ sender: 'a'.repeat(2 * 1024 * 1024), recipient: 'b', amount: 1 });
    const res = await app.inject({ method: 'POST', url: '/transactions/new', payload: big });
    expect(res.statusCode).toBe(413);
    expect(json(res.body)['error']).toBe('body-too-large');
  });
});

describe('GET /mine', () => {
  it('forges a block with the pending transactions and the reward', async () => {
    await app.inject({
      method: 'POST',
      url: '/transactions/new',
      payload: '{"sender":"a","recipient":"b","amount":2.5}',
    });
    const res = await app.inject({ method: 'GET', url: '/mine' });
    expect(res.statusCode).toBe(200);
    const body = json(res.body) as {
      message: string;
      index: number;
      proof: number;
      previous_hash: string;
      transactions: unknown[];
    };
    expect(body.message).toBe('New Block Forged');
    expect(body.index).toBe(2);
    expect(body.previous_hash).toBe(node.chain()[0]!.hash);
    expect(body.transactions).toEqual([
      { sender: 'a', recipient: 'b', amount: 2.5 },
      { sender: '0', recipient: node.id, amount: 1 },
    ]);
    expect(isValidProof({ profile: 'article', difficulty: 4 }, 100n, BigInt(body.proof), '')).toBe(true);
    expect(node.pending()).toHaveLength(0);
    const chain = parsePyJson((await app.inject({ method: 'GET', url: '/chain' })).body) as {
      length: bigint;
    };
    expect(chain.length).toBe(2n);
  });

  it('keeps answering while it mines, and mines a transaction posted meanwhile exactly once', async () => {
    await node.updateSettings({ difficulty: 5 });
    const mining = app.inject({ method: 'GET', url: '/mine' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const during = await app.inject({
      method: 'POST',
      url: '/transactions/new',
      payload: '{"sender":"x","recipient":"y","amount":1}',
    });
    expect(during.statusCode).toBe(201);
    const chainDuring = await app.inject({ method: 'GET', url: '/chain' });
    expect(json(chainDuring.body)['length']).toBe(1);
    const mined = json((await mining).body) as { transactions: { sender: string }[] };
    expect(mined.transactions.map((t) => t.sender)).toEqual(['x', '0']);
    expect(node.pending()).toHaveLength(0);
    await app.inject({
      method: 'POST',
      url: '/transactions/new',
      payload: '{"sender":"late","recipient":"y","amount":1}',
    });
    await node.updateSettings({ difficulty: 3 });
    const next = json((await app.inject({ method: 'GET', url: '/mine' })).body) as {
      transactions: { sender: string }[];
    };
    expect(next.transactions.map((t) => t.sender)).toEqual(['late', '0']);
  });

  it('refuses remote callers with 403 unless remote mining is allowed', async () => {
    const remote = { method: 'GET' as const, url: '/mine', remoteAddress: '192.168.1.20' };
    const refused = await app.inject(remote);
    expect(refused.statusCode).toBe(403);
    expect(json(refused.body)['message']).toMatch(/allow remote/);
    expect(node.chain()).toHaveLength(1);
    await node.updateSettings({ allowRemoteMine: true });
    expect((await app.inject(remote)).statusCode).toBe(200);
  });
});

describe('POST /nodes/register', () => {
  it('stores host:port for URLs and bare addresses', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/nodes/register',
      payload: { nodes: ['http://192.168.0.5:5000', 'localhost:5001'] },
    });
    expect(res.statusCode).toBe(201);
    const body = json(res.body);
    expect(body['message']).toBe('New nodes have been added');
    expect(body['total_nodes']).toEqual(['192.168.0.5:5000', '127.0.0.1:5001']);
  });

  it.each([
    ['{}', 'as a list of addresses'],
    ['{"nodes": "localhost:5001"}', 'as a list of addresses'],
    ['{"nodes": ["nonsense"]}', 'No valid address: “nonsense” (add the port'],
    ['{"nodes": [5002, null]}', 'No valid address'],
    ['{"nodes": [{"toString": 1}]}', 'No valid address: “an object”'],
    ['{"nodes": []}', 'empty'],
    ['{"nodes": ["localhost:5000"]}', 'itself'],
    ['{"nodes": ["127.1:5000"]}', 'itself'],
    ['{"nodes": ["0177.0.0.1:5000"]}', 'itself'],
    ['[]', 'as a list of addresses'],
  ])('refuses %s with a 400', async (payload, words) => {
    const res = await app.inject({ method: 'POST', url: '/nodes/register', payload });
    expect(res.statusCode).toBe(400);
    expect(String(json(res.body)['message'])).toContain(words);
    expect(node.peers()).toHaveLength(0);
  });

  it('registers the valid addresses of a mixed list and reports the rest', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/nodes/register',
      payload: { nodes: ['10.0.0.2:5000', 'x y', 5002] },
    });
    expect(res.statusCode).toBe(201);
    const body = json(res.body) as { total_nodes: string[]; rejected: { address: string }[] };
    expect(body.total_nodes).toEqual(['10.0.0.2:5000']);
    expect(body.rejected.map((r) => r.address)).toEqual(['x y', 'an integer']);
  });

  it('keeps at most PEERS_MAX peers and says so', async () => {
    const many = Array.from({ length: 250 }, (_, i) => `10.1.${i >> 8}.${i & 255}:5000`);
    const res = await app.inject({ method: 'POST', url: '/nodes/register', payload: { nodes: many } });
    expect(res.statusCode).toBe(201);
    expect(node.peers()).toHaveLength(PEERS_MAX);
    const full = await app.inject({
      method: 'POST',
      url: '/nodes/register',
      payload: { nodes: ['10.9.9.9:5000'] },
    });
    expect(full.statusCode).toBe(409);
    expect(json(full.body)).toMatchObject({
      error: 'too-many-peers',
      message: expect.stringContaining(`keeps ${PEERS_MAX} peers`),
    });
  });
});

describe('other routes', () => {
  it('resolve with no peers keeps our chain', async () => {
    const res = await app.inject({ method: 'GET', url: '/nodes/resolve' });
    expect(res.statusCode).toBe(200);
    const body = json(res.body);
    expect(body['message']).toBe('Our chain is authoritative');
    expect(body['chain']).toHaveLength(1);
    expect(body['peers']).toEqual([]);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(json(res.body)['error']).toBe('not-found');
  });

  it('describes the node on its info route', async () => {
    const res = await app.inject({ method: 'GET', url: '/blockparty/info' });
    expect(json(res.body)).toMatchObject({
      id: node.id,
      node_id: node.id,
      name: node.settings().name,
      profile: 'article',
      difficulty: 4,
      length: 1,
      last_hash: node.chain()[0]!.hash,
      genesis_hash: node.chain()[0]!.hash,
    });
  });
});

describe('GET /nodes/resolve text', () => {
  it("is exactly Python's json.dumps(sort_keys=True) of the answer", async () => {
    await app.inject({ method: 'GET', url: '/mine' });
    const res = await app.inject({ method: 'GET', url: '/nodes/resolve' });
    expect(res.body).toBe(dumpsPy(parsePyJson(res.body)));
    expect(parsePyJson(res.body)).toMatchObject({ message: 'Our chain is authoritative', peers: [] });
  });
});
