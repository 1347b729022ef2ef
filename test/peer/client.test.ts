import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SealedBlock, blockToPy } from '../../src-main/chain/block.ts';
import { dumpsPy } from '../../src-main/chain/json.ts';
import type { Block, Rules } from '../../src-main/chain/types.ts';
import { createPeerClient, type PeerClientOptions } from '../../src-main/peer/client.ts';
import { renderMessage } from '../../src-main/shared/messages.ts';
import { buildChain } from '../chain/chain-helpers.ts';

const rules: Rules = { profile: 'article', difficulty: 3 };

const good = buildChain(rules, 4, () => [{ sender: '0', recipient: 'me', amount: 1n }]).map((b) =>
  b.decode(),
);
const encodeBlock = (block: Block): string => dumpsPy(blockToPy(block));
const chainText = (blocks: Block[], length = blocks.length): string =>
  `{"chain": [${blocks.map(encodeBlock).join(', ')}], "length": ${length}}`;

type Behaviour = (res: ServerResponse) => void;
const behaviours: Record<string, Behaviour> = {
  good: (res) => res.end(chainText(good)),
  fakeLength: (res) => res.end(chainText(good, 999)),
  silent: () => undefined,
  html: (res) => res.end('<!doctype html><h1>Hello</h1>'),
  invalid: (res) => res.end('{"chain": [1, 2'),
  nan: (res) =>
    res.end(
      '{"chain": [{"index": 1, "previous_hash": 1, "proof": 100, "timestamp": NaN, "transactions": []}], "length": 1}',
    ),
  brokenLink: (res) => {
    const bad = good.map((b) => ({ ...b }));
    bad[2] = { ...bad[2]!, previous_hash: 'f'.repeat(64) };
    res.end(chainText(bad));
  },
  badProof: (res) => {
    const bad = good.map((b) => ({ ...b }));
    bad[3] = { ...bad[3]!, proof: bad[3]!.proof + 1n };
    res.end(chainText(bad));
  },
  trickle: (res) => {
    res.write('{"chain": [');
    const timer = setInterval(() => res.write(' '), 100);
    res.on('close', () => clearInterval(timer));
  },
  huge: (res) => {
    res.write('{"chain": [');
    const chunk = ' '.repeat(64 * 1024);
    const pump = (): void => {
      while (res.write(chunk));
      res.once('drain', pump);
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  },
  status500: (res) => {
    res.statusCode = 500;
    res.end('{"error": "boom"}');
  },
  // A Flask tutorial node writes its JSON with no spaces and, in debug mode, indented.
  flaskStyle: (res) =>
    res.end(JSON.stringify({ chain: JSON.parse(chainText(good)).chain, length: 4 }, null, 2)),
};

let server: Server;
// The behaviour of the fake peer for the next request.
let current = 'good';
let base: string;
beforeAll(async () => {
  server = createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    behaviours[current]!(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

async function ask(behaviour: string, options: PeerClientOptions = {}) {
  current = behaviour;
  const client = createPeerClient({ timeoutMs: 800, ...options });
  try {
    return await client.fetchChain(base, rules);
  } finally {
    await client.close();
  }
}

describe('the peer client: GET /chain', () => {
  it('accepts a valid chain, counts its blocks and seals each with its canonical text and hash', async () => {
    const result = await ask('good');
    expect(result.ok && result.blocks.map((b) => b.hash)).toEqual(good.map((b) => SealedBlock.of(b).hash));
  });

  it('seals a chain written in another spelling (a Flask node) with canonical texts', async () => {
    const result = await ask('flaskStyle');
    expect(result.ok && result.blocks.map((b) => b.text)).toEqual(good.map(encodeBlock));
  });

  it('counts blocks instead of trusting a fake length', async () => {
    const result = await ask('fakeLength');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.blocks).toHaveLength(4);
      expect(result.note && renderMessage(result.note)).toBe(
        'the peer claims length 999 but sent 4 blocks; counted the blocks',
      );
    }
  });

  it.each([
    ['silent', 'timeout', /^no complete answer within 800 ms$/],
    ['trickle', 'timeout', /^no complete answer within 800 ms$/],
    // What a foreign server answered is never repeated (no status codes, no key names, no timings).
    ['html', 'not-a-node', /^not a Blockparty or tutorial node$/],
    ['invalid', 'not-a-node', /^not a Blockparty or tutorial node$/],
    ['nan', 'not-a-node', /^not a Blockparty or tutorial node$/],
    ['status500', 'not-a-node', /^not a Blockparty or tutorial node$/],
    [
      'brokenLink',
      'invalid',
      /^its chain is invalid: block 3: previous_hash does not match the hash of block 2$/,
    ],
    ['badProof', 'invalid', /^its chain is invalid: block 4: proof \d+ is not valid after proof \d+/],
  ])('a peer that is %s ends as %s with a reason', async (behaviour, outcome, reason) => {
    const result = await ask(behaviour);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.outcome).toBe(outcome);
      expect(renderMessage(result.reason)).toMatch(reason);
      if (outcome !== 'invalid') expect(result.ms).toBeNull();
    }
  });

  it('stops reading after the byte cap', async () => {
    const result = await ask('huge', { maxBytes: 1024 * 1024, timeoutMs: 5000 });
    expect(result.ok === false && result.outcome).toBe('too-large');
  });

  it('keeps the bytes of all chains in flight within one budget: past it a peer is "busy", not broken', async () => {
    const result = await ask('huge', {
      maxBytes: 8 * 1024 * 1024,
      budgetBytes: 1024 * 1024,
      timeoutMs: 5000,
    });
    expect(result.ok === false && result.outcome).toBe('busy');
  });

  it('reports a peer that is down', async () => {
    const client = createPeerClient({ timeoutMs: 800 });
    const result = await client.fetchChain('127.0.0.1:1', rules);
    await client.close();
    expect(result.ok === false && result.outcome).toBe('unreachable');
    expect(result.ok === false && renderMessage(result.reason)).toBe(
      'nothing is listening at 127.0.0.1:1 (is the node running?)',
    );
  });

  it('opens at most `concurrency` connections at once, however many peers it asks', async () => {
    let open = 0;
    let most = 0;
    const slow = (): Server =>
      createServer((_req, res) => {
        open++;
        most = Math.max(most, open);
        setTimeout(() => {
          open--;
          res.end(chainText(good));
        }, 50);
      });
    const servers = Array.from({ length: 6 }, slow);
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
    const addresses = servers.map((s) => `127.0.0.1:${(s.address() as AddressInfo).port}`);
    const client = createPeerClient({ concurrency: 3, timeoutMs: 5000 });
    const results = await Promise.all(
      Array.from({ length: 18 }, (_, i) => client.fetchChain(addresses[i % 6]!, rules)),
    );
    await client.close();
    for (const s of servers) s.close();
    expect(results.every((r) => r.ok)).toBe(true);
    expect(most).toBe(3);
  });
});
