import { networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { ProofSearcher } from '../mining/types.ts';
import type { NodeRepository } from '../store/types.ts';
import type { Settings } from '../shared/settings.ts';
import { buildPeerServer } from '../peer/server.ts';
import { isLoopbackHost, splitAddress } from '../peer/address.ts';
import { BlockpartyNode, type NodeNetwork } from './node.ts';

/** How to start a node. */
export interface StartOptions {
  repo: NodeRepository;
  searcher: ProofSearcher;
  /** Settings from the command line, applied over the saved ones and saved. */
  overrides?: Partial<Settings>;
  /** How many ports after the asked one to try before letting the system choose. */
  portAttempts?: number;
  peerTimeoutMs?: number;
  peerMaxBytes?: number;
  version?: string;
}

/** A node with its peer server listening. */
export interface RunningNode {
  node: BlockpartyNode;
  /** The port listened on now. */
  port(): number;
  /** The port asked for, when another had to be taken. */
  portNote(): string | null;
  /** Stops mining, closes the server, saves everything. */
  close(): Promise<void>;
}

/** Every non-internal IPv4 address of this machine, re-read each time (the laptop may change networks). */
export function lanAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) out.push(info.address);
  }
  return out;
}

/**
 * Opens the node over its repository, starts the peer server on the asked port (or the next free
 * one), and rebinds when the port or the interface setting changes.
 */
export async function startNode(options: StartOptions): Promise<RunningNode> {
  let server: FastifyInstance | null = null;
  let listeningPort = 0;
  let note: string | null = null;
  let bindAll = true;
  let askedPort = -1;

  const network: NodeNetwork = {
    port: () => listeningPort,
    addresses: () => {
      const hosts = bindAll ? [...lanAddresses(), '127.0.0.1'] : ['127.0.0.1'];
      return hosts.map((host) => `http://${host}:${listeningPort}`);
    },
    isSelf: (address) => {
      const { host, port } = splitAddress(address);
      return port === listeningPort && (isLoopbackHost(host) || lanAddresses().includes(host));
    },
  };

  let node: BlockpartyNode;
  try {
    node = await BlockpartyNode.open({
      repo: options.repo,
      searcher: options.searcher,
      network,
      overrides: options.overrides,
      peerTimeoutMs: options.peerTimeoutMs,
      peerMaxBytes: options.peerMaxBytes,
    });
  } catch (error) {
    await options.repo.close().catch(() => undefined);
    throw error;
  }

  const listen = async (settings: Settings): Promise<void> => {
    const host = settings.bindAll ? '0.0.0.0' : '127.0.0.1';
    const attempts = options.portAttempts ?? 20;
    const candidates =
      settings.port === 0
        ? [0]
        : [...Array.from({ length: attempts }, (_, i) => settings.port + i).filter((p) => p <= 65535), 0];
    let lastError: unknown = null;
    for (const port of candidates) {
      const app = buildPeerServer({ node, version: options.version });
      try {
        await app.listen({ port, host });
        const address = app.server.address();
        listeningPort = typeof address === 'object' && address ? address.port : port;
        server = app;
        bindAll = settings.bindAll;
        askedPort = settings.port;
        note =
          settings.port !== 0 && listeningPort !== settings.port
            ? `Port ${settings.port} is taken, so this node listens on port ${listeningPort}.`
            : null;
        return;
      } catch (error) {
        lastError = error;
        await app.close().catch(() => undefined);
        if (
          (error as NodeJS.ErrnoException).code !== 'EADDRINUSE' &&
          (error as NodeJS.ErrnoException).code !== 'EACCES'
        )
          break;
      }
    }
    throw new Error(
      `Could not start the peer server: ${(lastError as Error)?.message ?? 'no port was free'}`,
    );
  };

  try {
    await listen(node.settings());
  } catch (error) {
    await node.close();
    throw error;
  }

  let rebinding: Promise<void> = Promise.resolve();
  const unsubscribe = node.on('settings-changed', (settings) => {
    if (settings.bindAll === bindAll && settings.port === askedPort) return;
    // A failed rebind must neither crash the node nor block the next one: keep the chain alive and say so.
    rebinding = rebinding
      .catch(() => undefined)
      .then(async () => {
        const old = server;
        server = null;
        old?.server.closeAllConnections();
        await old?.close();
        await listen(settings);
      })
      .catch((error: unknown) => {
        node.reportError(
          `The peer server could not move to the new port or interface: ${(error as Error).message}`,
        );
      });
  });

  return {
    node,
    port: () => listeningPort,
    portNote: () => note,
    close: async () => {
      unsubscribe();
      // Stop mining first: the server waits for in-flight requests, and a `GET /mine` waits for the miner.
      node.stopMining();
      await rebinding.catch(() => undefined);
      await server?.close();
      await node.close();
      await options.searcher.close();
    },
  };
}
