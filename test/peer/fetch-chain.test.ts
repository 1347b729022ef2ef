import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGenesis, encodeBlock, forgeBlock, hashBlock } from '../../src-main/chain/block.ts';
import { searchProofSync } from '../../src-main/chain/proof.ts';
import type { Block, Rules } from '../../src-main/chain/types.ts';
import { fetchPeerChain } from '../../src-main/peer/fetch-chain.ts';

const rules: Rules = { profile: 'article', difficulty: 3 };

/** A valid chain of `n` blocks under `rules`, made with the reference search. */
function makeChain(n: number): Block[] {
  const chain = [createGenesis('article', 1_700_000_000.25)];
  while (chain.length < n) {
    const last = chain[chain.length - 1]!;
    const proof = searchProofSync(rules, last.proof, hashBlock(last));
    chain.push(
      forgeBlock(
        chain,
        proof,
        [{ sender: '0', recipient: 'me', amount: 1n }],
        1_700_000_000.5 + chain.length,
      ),
    );
  }
  return chain;
}

const good = makeChain(4);
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

async function ask(behaviour: string, options = {}): ReturnType<typeof fetchPeerChain> {
  current = behaviour;
  return fetchPeerChain(base, rules, { timeoutMs: 800, ...options });
}

describe('fetchPeerChain', () => {
  it('accepts a valid chain and counts its blocks', async () => {
    const result = await ask('good');
    expect(result.ok && result.blocks.length).toBe(4);
  });

  it('counts blocks instead of trusting a fake length', async () => {
    const result = await ask('fakeLength');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.blocks).toHaveLength(4);
      expect(result.note).toContain('999');
    }
  });

  it.each([
    ['silent', 'timeout', /800 ms/],
    ['trickle', 'timeout', /800 ms/],
    ['html', 'bad-response', /HTML/],
    ['invalid', 'bad-response', /invalid JSON/],
    ['nan', 'bad-response', /NaN|invalid JSON/],
    ['brokenLink', 'invalid', /block 3.*previous_hash|previous_hash.*block 3/],
    ['badProof', 'invalid', /block 4.*proof|proof.*block 4/],
    ['status500', 'bad-response', /HTTP 500/],
  ])('a peer that is %s ends as %s with a reason', async (behaviour, outcome, reason) => {
    const started = Date.now();
    const result = await ask(behaviour);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.outcome).toBe(outcome);
      expect(result.reason).toMatch(reason);
    }
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops reading after the byte cap', async () => {
    const result = await ask('huge', { maxBytes: 1024 * 1024, timeoutMs: 5000 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.outcome).toBe('too-large');
  });

  it('reports a peer that is down', async () => {
    const result = await fetchPeerChain('127.0.0.1:1', rules, { timeoutMs: 800 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.outcome).toBe('unreachable');
  });
});
