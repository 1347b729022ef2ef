import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConfRepository } from '../../src-main/store/conf-store.ts';
import { createProofSearcher } from '../../src-main/mining/index.ts';
import { BlockpartyNode, type NodeNetwork } from '../../src-main/node/node.ts';
import { startNode, type RunningNode } from '../../src-main/node/runtime.ts';
import type { Settings } from '../../src-main/shared/settings.ts';

/** A fresh temporary folder, removed by the returned cleanup. */
export function tempDir(prefix = 'blockparty-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A node over real files and the real miner, not listening (for `inject()` tests). */
export async function openTestNode(
  dir: string,
  overrides: Partial<Settings> = {},
): Promise<{ node: BlockpartyNode; close: () => Promise<void> }> {
  const searcher = createProofSearcher({ workers: 1 });
  const network: NodeNetwork = {
    port: () => 5000,
    addresses: () => ['http://127.0.0.1:5000'],
    isSelf: (address) => address === '127.0.0.1:5000' || address === 'localhost:5000',
  };
  const node = await BlockpartyNode.open({
    repo: openConfRepository(dir),
    searcher,
    network,
    overrides: { bindAll: false, ...overrides },
  });
  return {
    node,
    close: async () => {
      await node.close();
      await searcher.close();
    },
  };
}

/** A node listening on loopback with an OS-chosen port. */
export function startTestNode(
  dir: string,
  overrides: Partial<Settings> = {},
  peerTimeoutMs = 1500,
): Promise<RunningNode> {
  return startNode({
    repo: openConfRepository(dir),
    searcher: createProofSearcher({ workers: 1 }),
    overrides: { port: 0, bindAll: false, ...overrides },
    peerTimeoutMs,
  });
}
