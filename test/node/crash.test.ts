/**
 * Crash injection: a real headless node is killed with SIGKILL at every write point (before and
 * after each write, sync, truncate and rename in its data folder) while it mines, adopts a chain,
 * takes transactions and registers peers; restarted, it must hold a valid chain, every transaction
 * that was acknowledged with 201 exactly once, its peers and its node id.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePyJson } from '../../src-main/chain/json.ts';
import { validateChain } from '../../src-main/chain/validate.ts';
import type { PyValue } from '../../src-main/chain/types.ts';
import { tempDir } from '../helpers/node-fixture.ts';

const HEADLESS = resolve('src-main/headless.ts');
const CRASH_POINTS = resolve('test/fixtures/crash-points.ts');
const RULES = { profile: 'article' as const, difficulty: 2 };

interface Running {
  child: ChildProcess;
  port: number;
  url: string;
  exited: Promise<number | null>;
}

/** Starts a headless node on `dir`, optionally with the crash preload armed at point `at`. */
async function startNode(
  dir: string,
  crash?: { at: number; when: 'before' | 'after'; log?: string },
): Promise<Running> {
  const args = ['--import', 'tsx', ...(crash ? ['--import', CRASH_POINTS] : []), HEADLESS];
  args.push(
    '--port',
    '0',
    '--data-dir',
    dir,
    '--loopback',
    '--no-dashboard',
    '--no-discovery',
    // The tutorial's manual flow: write points come from the operation under test only, not from
    // the live network syncing with the registered peer in the background.
    '--manual',
    '--difficulty',
    '2',
    '--workers',
    '1',
  );
  const env = { ...process.env, NODE_NO_WARNINGS: '1' };
  if (crash) {
    Object.assign(env, {
      BLOCKPARTY_CRASH_DIR: dir,
      BLOCKPARTY_CRASH_AT: String(crash.at),
      BLOCKPARTY_CRASH_WHEN: crash.when,
      BLOCKPARTY_CRASH_LOG: crash.log ?? '',
    });
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const port = await new Promise<number>((done, fail) => {
    const check = (): void => {
      const match = /Peer API listening on port (\d+)/.exec(out);
      if (match && out.includes('Press Ctrl+C')) done(Number(match[1]));
    };
    child.stdout!.on('data', check);
    void exited.then((code) => fail(new Error(`node exited with ${code} before it was ready:\n${out}`)));
  });
  return { child, port, url: `http://127.0.0.1:${port}`, exited };
}

async function stop(node: Running): Promise<void> {
  if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGTERM');
  await node.exited;
}

/** A request that may meet a node that just died: resolves to its status, or null. */
async function send(url: string, init?: RequestInit): Promise<{ status: number; body: string } | null> {
  try {
    const res = await fetch(url, init);
    return { status: res.status, body: await res.text() };
  } catch {
    return null;
  }
}

const post = (base: string, path: string, body: unknown) =>
  send(`${base}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

/** What an operation under test made the node acknowledge. */
interface Acked {
  /** Senders of transactions answered 201 (each sender is unique). */
  txs: string[];
  /** Peers answered 201. */
  peers: string[];
}

interface Scenario {
  name: string;
  /** Runs against a prepared node; returns what was acknowledged before the node died (or finished). */
  run(base: string): Promise<Acked>;
  /** Transactions that must exist exactly once after any crash (they were durable before the run). */
  durable: string[];
}

async function postTxs(base: string, prefix: string, n: number): Promise<string[]> {
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      post(base, '/transactions/new', { sender: `${prefix}-${i}`, recipient: 'r', amount: i + 1 }).then(
        (r) => (r?.status === 201 ? `${prefix}-${i}` : null),
      ),
    ),
  );
  return results.filter((s): s is string => s !== null);
}

/** Every transaction sender in the chain (rewards left out) and in the pool, with how many times. */
async function census(base: string): Promise<Map<string, number>> {
  const chain = parsePyJson((await send(`${base}/chain`))!.body) as { chain: PyValue[] };
  expect(validateChain(chain.chain, RULES).ok).toBe(true);
  const counts = new Map<string, number>();
  const count = (tx: PyValue): void => {
    const sender = (tx as { sender: string }).sender;
    if (sender !== '0') counts.set(sender, (counts.get(sender) ?? 0) + 1);
  };
  for (const block of chain.chain as { transactions: PyValue[] }[]) block.transactions.forEach(count);
  const pool = parsePyJson((await send(`${base}/blockparty/pending`))!.body) as {
    pending: { transaction: PyValue }[];
  };
  for (const item of pool.pending) count(item.transaction);
  return counts;
}

describe('crash injection at every write point', () => {
  const tmp = tempDir('blockparty-crash-');
  let peer: Running;
  let peerDir: { dir: string; cleanup: () => void };
  const prepared = new Map<string, { dir: string; nodeId: string; peers: string[] }>();

  beforeAll(async () => {
    // The peer with the longer chain the adopt scenario takes.
    peerDir = tempDir('blockparty-crash-peer-');
    peer = await startNode(peerDir.dir);
    for (let i = 0; i < 6; i++) await send(`${peer.url}/mine`);
  }, 120_000);
  afterAll(async () => {
    await stop(peer);
    peerDir.cleanup();
    tmp.cleanup();
  });

  /** A node folder with mined blocks, pending transactions and a peer, made by a normal run. */
  async function prepare(name: string): Promise<{ dir: string; nodeId: string; peers: string[] }> {
    const dir = resolve(tmp.dir, `prepared-${name}`);
    const node = await startNode(dir);
    await postTxs(node.url, 'mined-a', 2);
    await send(`${node.url}/mine`);
    await postTxs(node.url, 'mined-b', 2);
    await send(`${node.url}/mine`);
    await postTxs(node.url, 'pending', 3);
    await post(node.url, '/nodes/register', { nodes: [`127.0.0.1:${peer.port}`] });
    const nodeId = (JSON.parse((await send(`${node.url}/blockparty/info`))!.body) as { id: string }).id;
    await stop(node);
    const state = { dir, nodeId, peers: [`127.0.0.1:${peer.port}`] };
    prepared.set(name, state);
    return state;
  }

  const durable = ['mined-a-0', 'mined-a-1', 'mined-b-0', 'mined-b-1', 'pending-0', 'pending-1', 'pending-2'];
  const scenarios: Scenario[] = [
    { name: 'post', durable, run: async (base) => ({ txs: await postTxs(base, 'posted', 12), peers: [] }) },
    {
      name: 'mine',
      durable,
      run: async (base) => {
        const [txs] = await Promise.all([postTxs(base, 'during-mine', 4), send(`${base}/mine`)]);
        return { txs, peers: [] };
      },
    },
    {
      name: 'adopt',
      durable,
      run: async (base) => {
        // The bug this guards against: a transaction arriving while an adopted chain is written.
        const [txs] = await Promise.all([postTxs(base, 'during-adopt', 4), send(`${base}/nodes/resolve`)]);
        return { txs, peers: [] };
      },
    },
    {
      name: 'register',
      durable,
      run: async (base) => {
        const [registered, txs] = await Promise.all([
          post(base, '/nodes/register', { nodes: ['10.9.0.1:5000', '10.9.0.2:5000'] }),
          postTxs(base, 'during-register', 2),
        ]);
        return { txs, peers: registered?.status === 201 ? ['10.9.0.1:5000', '10.9.0.2:5000'] : [] };
      },
    },
  ];

  for (const scenario of scenarios) {
    it(`${scenario.name}: after SIGKILL at any write point the node restarts whole`, async () => {
      const base = await prepare(scenario.name);
      // A dry run counts the write points of the scenario.
      const log = resolve(tmp.dir, `${scenario.name}.points`);
      const dry = resolve(tmp.dir, `${scenario.name}-dry`);
      cpSync(base.dir, dry, { recursive: true });
      const counted = await startNode(dry, { at: 0, when: 'before', log });
      counted.child.kill('SIGUSR2');
      await scenario.run(counted.url);
      await stop(counted);
      const points = readFileSync(log, 'utf8').trim().split('\n').length;
      expect(points).toBeGreaterThan(1);

      let crashes = 0;
      // Batching may vary from run to run: go a little past the count of the dry run.
      for (let at = 1; at <= points + 2; at++) {
        for (const when of ['before', 'after'] as const) {
          const dir = resolve(tmp.dir, `${scenario.name}-${at}-${when}`);
          cpSync(base.dir, dir, { recursive: true });
          const node = await startNode(dir, { at, when });
          node.child.kill('SIGUSR2');
          const acked = await scenario.run(node.url);
          const killed = await Promise.race([
            node.exited.then(() => true),
            new Promise<boolean>((r) => setTimeout(() => r(false), 200)),
          ]);
          if (killed) crashes += 1;
          await stop(node);

          const again = await startNode(dir);
          const counts = await census(again.url);
          const pending = parsePyJson((await send(`${again.url}/blockparty/info`))!.body) as { id: string };
          const peers = JSON.parse(readFileSync(resolve(dir, 'node.json'), 'utf8')) as {
            peers: { address: string }[];
          };
          const where = `${scenario.name}, point ${at} (${when})`;
          for (const sender of [...scenario.durable, ...acked.txs])
            expect(counts.get(sender), `${where}: ${sender}`).toBe(1);
          for (const [sender, n] of counts) expect(n, `${where}: ${sender} twice`).toBe(1);
          expect(pending.id, where).toBe(base.nodeId);
          const addresses = peers.peers.map((p) => p.address);
          for (const p of [...base.peers, ...acked.peers]) expect(addresses, where).toContain(p);
          await stop(again);
          rmSync(dir, { recursive: true, force: true });
        }
      }
      // The loop really killed the node mid-operation (not just ran it to the end).
      expect(crashes).toBeGreaterThanOrEqual(points);
      console.info(
        `crash injection, ${scenario.name}: ${points} write points, killed ${crashes} times, restarted whole every time`,
      );
    }, 600_000);
  }
});
