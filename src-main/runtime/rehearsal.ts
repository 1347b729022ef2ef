import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProofSearcher } from '../mining/types.ts';
import { BlockpartyNode } from '../node/node.ts';
import { createPeerClient, getFromPeer } from '../peer/client.ts';
import { buildPeerServer } from '../peer/server.ts';
import { message } from '../shared/messages.ts';
import { openConfStorage } from '../store/conf-store.ts';

const PREFIX = 'blockparty-rehearsal-';
/** A rehearsal folder older than this was left by a process killed while it started. */
const STALE_MS = 10 * 60_000;

/** Removes the folders of rehearsals whose process died before it could. */
async function removeStale(): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const path = join(tmpdir(), name);
    const info = await stat(path).catch(() => null);
    if (info !== null && now - info.mtimeMs > STALE_MS) await rm(path, { recursive: true, force: true });
  }
}

/**
 * A rehearsal before a node serves: a scratch node in a temporary folder takes one transaction and
 * mines one block at difficulty 1 through the peer API, then is closed and deleted. The code of that
 * path (routes, miner, ledger, chain log, events) is compiled by then, so the real node's first Mine
 * is as quick as the ones after it (cold, it took about twice as long). It shares the node's proof
 * searcher (its threads are warm for the real node too) but never resizes or closes it; nothing of
 * it stays, not a file, not a socket (it listens on loopback, on a port the system picks, for the
 * two requests). Never throws: a rehearsal that fails only leaves code cold.
 */
export async function rehearse(searcher: ProofSearcher): Promise<void> {
  let dir: string | null = null;
  try {
    await removeStale();
    dir = await mkdtemp(join(tmpdir(), PREFIX));
    const storage = openConfStorage(dir);
    const client = createPeerClient({});
    const shared: ProofSearcher = {
      find: (job, options) => searcher.find(job, options),
      warm: (hint) => searcher.warm(hint),
      setWorkers: () => undefined,
      close: async () => undefined,
    };
    try {
      const node = await BlockpartyNode.open({
        storage,
        searcher: shared,
        client,
        network: { port: () => 0, portAsked: () => null, addresses: () => [], isSelf: () => false },
        overrides: {
          difficulty: 1,
          liveNetwork: false,
          discovery: false,
          bindAll: false,
          autoMine: false,
          port: 0,
        },
        describeStorageError: () => message('internal', { error: 'rehearsal' }),
      });
      const app = buildPeerServer({ node });
      try {
        // Over a real loopback socket: the HTTP server's own code is compiled lazily too.
        await app.listen({ port: 0, host: '127.0.0.1' });
        const address = app.server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        const transaction = JSON.stringify({ sender: 'rehearsal', recipient: 'rehearsal', amount: 1 });
        const at = `127.0.0.1:${port}`;
        await getFromPeer(at, '/transactions/new', { method: 'POST', body: transaction, timeoutMs: 1000 });
        await getFromPeer(at, '/mine', { timeoutMs: 1000 });
      } finally {
        await app.close();
        await node.close();
      }
    } finally {
      await client.close();
      await storage.close();
    }
  } catch {
    // Cold code is slower, not wrong.
  } finally {
    if (dir !== null) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
