/**
 * Bad storage, met the way a user meets it: a full or read-only disk (a small tmpfs of the test's own)
 * under a running node and under a node that starts. Every failure names its cause and its fix, and
 * nothing in memory runs ahead of the disk.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildPeerServer } from '../../src-main/peer/server.ts';
import type { RunningNode } from '../../src-main/runtime/start-node.ts';
import { startNodeProcess } from '../helpers/headless-process.ts';
import { startTestNode, tempDir } from '../helpers/node-fixture.ts';
import { mountSmallDisk, type SmallDisk } from '../helpers/tmpfs.ts';

const NOBODY = 65534;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function disk(bytes: number): SmallDisk {
  const d = mountSmallDisk(bytes);
  cleanups.push(() => d.destroy());
  return d;
}

/** Fills what is left of a disk with filler files; returns a function that frees it again. */
function fill(dir: string): () => void {
  for (let size = 1 << 20; size >= 512;) {
    try {
      writeFileSync(join(dir, `filler-${size}-${Math.random()}`), Buffer.alloc(size));
    } catch {
      size = Math.floor(size / 2);
    }
  }
  return () => {
    for (const f of readdirSync(dir).filter((name) => name.startsWith('filler-'))) rmSync(join(dir, f));
  };
}

describe('a data folder this node may not write', () => {
  it('refuses register with the cause and adds nothing, then adds once it may write again', async () => {
    // Root may write anywhere: the node runs as the unprivileged user `nobody`, as a student's would.
    const tmp = tempDir();
    cleanups.push(tmp.cleanup);
    chownSync(tmp.dir, NOBODY, NOBODY);
    const node = await startNodeProcess(
      ['--port', '0', '--data-dir', tmp.dir, '--loopback', '--no-dashboard', '--no-discovery'],
      60_000,
      { uid: NOBODY, gid: NOBODY },
    );
    cleanups.push(async () => {
      await node.stop();
    });
    chmodSync(tmp.dir, 0o555);
    const register = () =>
      fetch(`${node.url}/nodes/register`, {
        method: 'POST',
        body: JSON.stringify({ nodes: ['10.0.0.9:5000'] }),
      });
    const refused = await register();
    expect(refused.status).toBe(507);
    expect(await refused.json()).toMatchObject({
      error: 'storage-failed',
      message: expect.stringMatching(
        /^this app may not write in .*: give your user write permission on it, or choose another data folder$/,
      ),
    });
    chmodSync(tmp.dir, 0o755);
    const added = await register();
    expect(added.status).toBe(201);
    expect(((await added.json()) as { added: string[] }).added).toEqual(['10.0.0.9:5000']);
  });
});

describe('a read-only disk', () => {
  it('stops a node that starts on it with one clear line, and no stack trace', async () => {
    const d = disk(1 << 20);
    const dir = join(d.dir, 'node');
    const first = await startTestNode(dir, { difficulty: 2 });
    await first.close();
    d.readOnly(true);
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        resolve('src-main/headless.ts'),
        '--data-dir',
        dir,
        '--port',
        '0',
        '--loopback',
        '--no-dashboard',
        '--no-discovery',
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, NODE_NO_WARNINGS: '1' },
      },
    );
    d.readOnly(false);
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^blockparty: .* is on a read-only disk: choose a writable data folder, or make this one writable$/,
    );
  });
});

describe('a full disk under a resolve', () => {
  it('answers the failure, not "Our chain was replaced", keeps the old chain and pool, and restarts in the same state', async () => {
    const peerDir = tempDir();
    cleanups.push(peerDir.cleanup);
    const peer = await startTestNode(peerDir.dir, { difficulty: 2 });
    cleanups.push(() => peer.close());
    for (let i = 0; i < 30; i++) {
      await peer.node.submitTransaction({
        sender: `s${i}`.repeat(10),
        recipient: 'r'.repeat(100),
        amount: BigInt(i + 1),
      });
      await peer.node.mine();
    }
    const d = disk(256 * 1024);
    const dir = join(d.dir, 'node');
    let node: RunningNode = await startTestNode(dir, { difficulty: 2 });
    cleanups.push(() => node.close());
    await node.node.submitTransaction({ sender: 'mine', recipient: 'r', amount: 1n });
    await node.node.mine();
    await node.node.submitTransaction({ sender: 'pending', recipient: 'r', amount: 2n });
    node.node.registerPeers([`127.0.0.1:${peer.port()}`]);
    const before = { chain: node.node.chainJson(), pending: node.node.pending() };
    const free = fill(d.dir);
    const app = buildPeerServer({ node: node.node });
    const res = await app.inject({ method: 'GET', url: '/nodes/resolve' });
    await app.close();
    expect(res.statusCode).toBe(507);
    expect(JSON.parse(res.body)).toMatchObject({
      error: 'storage-failed',
      message: expect.stringMatching(/the disk holding .* is full/),
    });
    expect(node.node.chainJson()).toBe(before.chain);
    expect(node.node.pending()).toEqual(before.pending);
    await node.close();
    free();
    const copy = join(d.dir, 'copy');
    cpSync(dir, copy, { recursive: true });
    node = await startTestNode(copy, { difficulty: 2 });
    expect(node.node.chainJson()).toBe(before.chain);
    expect(node.node.pending()).toEqual(before.pending);
  });
});
