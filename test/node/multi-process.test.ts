import { afterAll, describe, expect, it } from 'vitest';
import { createServer, type Server, type Socket } from 'node:net';
import { startNodeProcess, type NodeProcess } from '../helpers/headless-process.ts';
import { tempDir } from '../helpers/node-fixture.ts';

const processes: NodeProcess[] = [];
const cleanups: (() => void)[] = [];
afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop()));
  cleanups.forEach((c) => c());
});

async function start(dir: string): Promise<NodeProcess> {
  const node = await startNodeProcess([
    '--port',
    '0',
    '--data-dir',
    dir,
    '--loopback',
    '--no-dashboard',
    // The tutorial's flow by hand: live, a fresh node would join the longer chain's network by
    // itself, before (or after) the resolve the test makes.
    '--manual',
    '--peer-timeout',
    '2000',
  ]);
  processes.push(node);
  return node;
}

async function call(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A server that accepts connections and never answers. */
async function silentServer(): Promise<{ server: Server; port: number }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  cleanups.push(() => {
    sockets.forEach((s) => s.destroy());
    server.close();
  });
  return { server, port: (server.address() as { port: number }).port };
}

describe("the tutorial's demo with three node processes", () => {
  const dirs = [tempDir(), tempDir(), tempDir()];
  cleanups.push(...dirs.map((d) => d.cleanup));
  let n1: NodeProcess;
  let n2: NodeProcess;
  let n3: NodeProcess;

  it('starts three nodes and registers them with each other', async () => {
    [n1, n2, n3] = await Promise.all(dirs.map((d) => start(d.dir)));
    for (const [self, others] of [
      [n1, [n2, n3]],
      [n2, [n1, n3]],
      [n3, [n1, n2]],
    ] as const) {
      const res = await call(`${self.url}/nodes/register`, {
        method: 'POST',
        body: JSON.stringify({ nodes: others.map((o) => `http://127.0.0.1:${o.port}`) }),
      });
      expect(res.status).toBe(201);
      expect(res.body['total_nodes']).toEqual(others.map((o) => `127.0.0.1:${o.port}`));
    }
  });

  it('refuses a second node on a data folder in use', async () => {
    await expect(
      startNodeProcess(['--port', '0', '--data-dir', dirs[1]!.dir, '--loopback', '--no-dashboard']),
    ).rejects.toThrow(
      /another Blockparty node \(process \d+\) is using .*: stop it, or choose another data folder/,
    );
  });

  it('mines twice on node 2; resolve on node 1 replaces its chain', async () => {
    await call(`${n1.url}/transactions/new`, {
      method: 'POST',
      body: JSON.stringify({ sender: 'alice', recipient: 'bob', amount: 5 }),
    });
    for (let i = 0; i < 2; i++) {
      const mined = await call(`${n2.url}/mine`);
      expect(mined.status).toBe(200);
      expect(mined.body['message']).toBe('New Block Forged');
    }
    const resolved = await call(`${n1.url}/nodes/resolve`);
    expect(resolved.body['message']).toBe('Our chain was replaced');
    const chain2 = await call(`${n2.url}/chain`);
    expect(resolved.body['new_chain']).toEqual(chain2.body['chain']);
    const chain1 = await call(`${n1.url}/chain`);
    expect(chain1.body['length']).toBe(3);
    const again = await call(`${n1.url}/nodes/resolve`);
    expect(again.body['message']).toBe('Our chain is authoritative');
  });

  it('resolves with one peer down and two that never answer: asked in parallel, each within its timeout, all reported', async () => {
    const silent = [await silentServer(), await silentServer()];
    await n3.stop();
    await call(`${n1.url}/nodes/register`, {
      method: 'POST',
      body: JSON.stringify({ nodes: silent.map((s) => `127.0.0.1:${s.port}`) }),
    });
    const started = Date.now();
    const res = await call(`${n1.url}/nodes/resolve`);
    const took = Date.now() - started;
    expect(res.status).toBe(200);
    // Two silent peers with a 2 s timeout each: asked one after the other this would take 4 s or more.
    expect(took).toBeLessThan(3500);
    const peers = res.body['peers'] as { peer: string; outcome: string; reason: string }[];
    expect(peers.find((p) => p.peer === `127.0.0.1:${n3.port}`)).toMatchObject({ outcome: 'unreachable' });
    for (const s of silent) {
      expect(peers.find((p) => p.peer === `127.0.0.1:${s.port}`)).toMatchObject({
        outcome: 'timeout',
        reason: 'no complete answer within 2000 ms',
      });
    }
    expect(peers.find((p) => p.peer === `127.0.0.1:${n2.port}`)).toMatchObject({ outcome: 'not-longer' });
  });

  it('restarts node 1 with its chain, pending pool, peers and node id', async () => {
    await call(`${n1.url}/transactions/new`, {
      method: 'POST',
      body: '{"sender": "carol", "recipient": "dave", "amount": 2.0}',
    });
    const chainBefore = await (await fetch(`${n1.url}/chain`)).text();
    const infoBefore = await call(`${n1.url}/blockparty/info`);
    expect(await n1.stop()).toBe(0);
    expect(n1.output()).toContain('everything is saved');

    const again = await start(dirs[0]!.dir);
    expect(await (await fetch(`${again.url}/chain`)).text()).toBe(chainBefore);
    const info = await call(`${again.url}/blockparty/info`);
    expect(info.body['node_id']).toBe(infoBefore.body['node_id']);
    expect(again.output()).toContain('2 pending transactions, 4 peers');
    // The pending transactions (a float amount kept) go into the next block.
    const mined = await call(`${again.url}/mine`);
    const senders = (mined.body['transactions'] as { sender: string }[]).map((t) => t.sender);
    expect(senders).toEqual(['alice', 'carol', '0']);
    const text = await (await fetch(`${again.url}/chain`)).text();
    expect(text).toContain('"amount": 2.0');
  });
});
