import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConfStorage } from '../../src-main/store/conf-store.ts';
import { storageReason } from '../../src-main/store/errors.ts';
import { createProofSearcher } from '../../src-main/mining/index.ts';
import { BlockpartyNode } from '../../src-main/node/node.ts';
import type { NodeNetwork, NodeStorage, PeerClient } from '../../src-main/node/ports.ts';
import { createPeerClient } from '../../src-main/peer/client.ts';
import { startNode, type RunningNode, type StartOptions } from '../../src-main/runtime/start-node.ts';
import type { Settings } from '../../src-main/shared/settings.ts';

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'blockparty-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A network that says the node listens on 127.0.0.1:5000 (for nodes that do not listen). */
export const FIXED_NETWORK: NodeNetwork = {
  port: () => 5000,
  portAsked: () => null,
  addresses: () => [],
  isSelf: (address) => address === '127.0.0.1:5000',
};

/** A node over real files, the real miner and the real peer client, not listening (for `inject()` tests). */
export async function openTestNode(
  dir: string,
  overrides: Partial<Settings> = {},
  options: { storage?: NodeStorage; client?: PeerClient } = {},
): Promise<{ node: BlockpartyNode; storage: NodeStorage; close: () => Promise<void> }> {
  const searcher = createProofSearcher({ workers: 1 });
  const storage = options.storage ?? openConfStorage(dir);
  const client = options.client ?? createPeerClient({ timeoutMs: 1500 });
  const node = await BlockpartyNode.open({
    storage,
    searcher,
    client,
    network: FIXED_NETWORK,
    overrides: { bindAll: false, discovery: false, ...overrides },
    describeStorageError: (error) => storageReason(error, dir),
  });
  return {
    node,
    storage,
    close: async () => {
      await node.close();
      await client.close();
      await searcher.close();
      await storage.close();
    },
  };
}

/** A node listening on loopback with an OS-chosen port. */
export function startTestNode(
  dir: string,
  overrides: Partial<Settings> = {},
  peerTimeoutMs = 1500,
  peerRoutes?: StartOptions['peerRoutes'],
): Promise<RunningNode> {
  return startNode({
    storage: openConfStorage(dir),
    searcher: createProofSearcher({ workers: 1 }),
    overrides: { port: 0, bindAll: false, discovery: false, ...overrides },
    peerTimeoutMs,
    peerRoutes,
  });
}
