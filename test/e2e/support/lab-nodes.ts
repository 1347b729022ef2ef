import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NodeStatus } from '../../../src-main/shared/api.ts';
import { startHeadlessNode } from './headless-node';
import type { HeadlessNode } from './headless-node';

/** A headless node of a lab network on loopback. */
export interface LabNode extends HeadlessNode {
  name: string;
  /** Its peer port. */
  port: number;
  /** `127.0.0.1:port`, as its peers know it. */
  address: string;
  id: string;
  status(): Promise<NodeStatus>;
}

/** A classroom on loopback: live nodes (relay, sync, pace) that all share the first one's network. */
export interface LabNetwork {
  nodes: LabNode[];
  /** Waits until every node (or those given) has the same tip, at least `height` blocks; returns it. */
  sameTip(height: number, nodes?: readonly LabNode[], timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Polls `check` until it returns something other than undefined, or fails at the deadline saying what
 * was awaited and what was seen last (`note` records it; a failed check's error counts as seen).
 */
export async function waitFor<T>(
  what: string,
  check: (note: (seen: string) => void) => Promise<T | undefined>,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'nothing';
  const note = (seen: string): void => {
    last = seen;
  };
  for (;;) {
    try {
      const value = await check(note);
      if (value !== undefined) return value;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last seen: ${last})`);
    await new Promise((done) => setTimeout(done, everyMs));
  }
}

/**
 * Starts one headless node per name (difficulty 2 by default: blocks in milliseconds), with the live
 * network on and LAN discovery off (the nodes find each other by address, as a join code would tell
 * them). The first mines a block; the others join its network and every node is introduced to every
 * other, so the test starts from one network whose nodes all have the same two blocks.
 */
export async function startLabNetwork(
  names: readonly string[],
  options: { difficulty?: number; extraArgs?: string[] } = {},
): Promise<LabNetwork> {
  const dirs = names.map(() => mkdtempSync(join(tmpdir(), 'blockparty-lab-')));
  const started = await Promise.allSettled(
    names.map((name, i) =>
      startHeadlessNode({
        dataDir: dirs[i]!,
        name,
        difficulty: options.difficulty ?? 2,
        extraArgs: ['--no-discovery', ...(options.extraArgs ?? [])],
      }),
    ),
  );
  const running = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => {
    await Promise.all(running.map((node) => node.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  try {
    const nodes: LabNode[] = await Promise.all(
      running.map(async (node, i) => {
        const status = await node.call<NodeStatus>('status');
        return Object.assign(node, {
          name: names[i]!,
          port: status.port,
          address: `127.0.0.1:${status.port}`,
          id: status.nodeId,
          status: () => node.call<NodeStatus>('status'),
        });
      }),
    );
    const host = nodes[0]!;
    await host.call('mine');
    const genesis = (await host.status()).genesisHash;
    // A node with nothing but its own genesis block joins the longer network it meets.
    await Promise.all(
      nodes.slice(1).map(async (node) => {
        await node.call('addPeers', { addresses: [host.address] });
        await waitFor(`${node.name} joining ${host.name}'s network`, async () =>
          (await node.status()).genesisHash === genesis ? true : undefined,
        );
      }),
    );
    await Promise.all(
      nodes.map((node) =>
        node.call('addPeers', { addresses: nodes.filter((n) => n !== node).map((n) => n.address) }),
      ),
    );
    const network: LabNetwork = {
      nodes,
      async sameTip(height, group = nodes, timeoutMs = 30_000) {
        return waitFor(
          `the same tip (height ≥ ${height}) on ${group.map((n) => n.name).join(', ')}`,
          async (note) => {
            const all = await Promise.all(group.map((n) => n.status()));
            note(all.map((s) => `${s.height}:${s.lastHash.slice(0, 6)}`).join(' '));
            const tip = all[0]!.lastHash;
            return all.every((s) => s.lastHash === tip && s.height >= height) ? tip : undefined;
          },
          timeoutMs,
        );
      },
      stop,
    };
    await network.sameTip(2);
    return network;
  } catch (error) {
    await stop();
    throw error;
  }
}
