/**
 * The composition of a running node, shared by the desktop app and the headless node: storage, peer
 * client and miner plugged into the node, and the peer server listening on the asked port (or the
 * next free one), moved when the port or the interface setting changes.
 */
import { hostname, networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { ProofSearcher } from '../mining/types.ts';
import { BlockpartyNode } from '../node/node.ts';
import type { NodeNetwork, NodeStorage } from '../node/ports.ts';
import { buildPeerServer } from '../peer/server.ts';
import { createPeerClient } from '../peer/client.ts';
import { isLoopbackHost, splitAddress } from '../shared/address.ts';
import { message } from '../shared/messages.ts';
import type { Settings } from '../shared/settings.ts';
import { storageReason } from '../store/errors.ts';
import { openLogFile, type LogFile } from './log-file.ts';

/** How to start a node. */
export interface StartOptions {
  storage: NodeStorage;
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
  /** The log file of this node. */
  logFile: LogFile;
  /** Its files (the dashboard keeps its token in the state file). */
  storage: NodeStorage;
  /** Stops mining, closes the server, saves everything, releases the files. */
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

/** Starts a node over its storage. Throws NodeError when the node cannot start (its message says why). */
export async function startNode(options: StartOptions): Promise<RunningNode> {
  let server: FastifyInstance | null = null;
  let listeningPort = 0;
  let askedPort: number | null = null;
  let bindAll = true;
  let listenedFor = { port: -1, bindAll: true };
  const logFile = openLogFile(options.storage.dir);
  const client = createPeerClient({ timeoutMs: options.peerTimeoutMs, maxBytes: options.peerMaxBytes });

  const network: NodeNetwork = {
    port: () => listeningPort,
    portAsked: () => askedPort,
    addresses: () => (bindAll ? lanAddresses().map((host) => `http://${host}:${listeningPort}`) : []),
    isSelf: (address) => {
      const { host, port } = splitAddress(address);
      if (port !== listeningPort) return false;
      const name = hostname().toLowerCase();
      return (
        isLoopbackHost(host) ||
        host === '::' ||
        lanAddresses().includes(host) ||
        host === name ||
        host === `${name}.local`
      );
    },
  };

  let node: BlockpartyNode;
  try {
    node = await BlockpartyNode.open({
      storage: options.storage,
      searcher: options.searcher,
      client,
      network,
      overrides: options.overrides,
      describeStorageError: (error) => storageReason(error, options.storage.dir),
      log: logFile.log,
    });
  } catch (error) {
    await client.close();
    await options.storage.close().catch(() => undefined);
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
      const app = buildPeerServer({ node, version: options.version, logger: logFile.logger });
      try {
        await app.listen({ port, host });
        const address = app.server.address();
        listeningPort = typeof address === 'object' && address ? address.port : port;
        server = app;
        bindAll = settings.bindAll;
        listenedFor = { port: settings.port, bindAll: settings.bindAll };
        askedPort = settings.port !== 0 && listeningPort !== settings.port ? settings.port : null;
        return;
      } catch (error) {
        lastError = error;
        await app.close().catch(() => undefined);
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES') break;
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
    await client.close();
    await options.storage.close();
    throw error;
  }
  logFile.log('info', `node ${node.id} started on port ${listeningPort}`);

  let rebinding: Promise<void> = Promise.resolve();
  const unsubscribe = node.on('settings-changed', (settings) => {
    if (settings.bindAll === listenedFor.bindAll && settings.port === listenedFor.port) return;
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
        logFile.log('error', 'rebind failed', error);
        node.report('error', message('rebind-failed', { error: (error as Error).message }));
      });
  });

  return {
    node,
    port: () => listeningPort,
    logFile,
    storage: options.storage,
    close: async () => {
      unsubscribe();
      // The miner stops first (close() begins with it): the server waits for in-flight requests, and
      // a `GET /mine` waits for the miner. Auto-mine stays on in the settings, to resume at start.
      const closing = node.close();
      await rebinding.catch(() => undefined);
      await server?.close();
      await closing;
      await client.close();
      await options.searcher.close();
      await options.storage.close();
      logFile.log('info', 'node stopped; everything is saved');
    },
  };
}
