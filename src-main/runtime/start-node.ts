/**
 * The composition of a running node, shared by the desktop app and the headless node: storage, peer
 * client and miner plugged into the node, and the peer server listening on the asked port (or the
 * next free one), moved when the port or the interface setting changes.
 */
import { hostname, networkInterfaces } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { createProofSearcher } from '../mining/index.ts';
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
import { rehearse } from './rehearsal.ts';
import { createDiscovery, type Discovery, type DiscoveryAdvert } from '../discovery/index.ts';

/** The longest the peer server waits for the miner to warm up before listening anyway. */
const MINER_WARM_WAIT_MS = 3_000;

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
  /** Adds routes to each peer server built (the shells add the spectator page). */
  peerRoutes?: (app: FastifyInstance, node: BlockpartyNode) => void;
}

/** A node with its peer server listening. */
export interface RunningNode {
  node: BlockpartyNode;
  /** Resolves once the chain checker's thread has started and warmed up (benchmarks wait for it). */
  warmed: Promise<void>;
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

  // Before the node opens (an auto-mine it resumes would meet the rehearsal's search), with the pool
  // at the size asked on the command line, so that the node does not start its threads again.
  if (options.overrides?.workers !== undefined) options.searcher.setWorkers(options.overrides.workers);
  await rehearse(options.searcher);
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
      version: options.version,
      // The tamper lab re-mines on a thread of its own, so that the node's own mining goes on.
      createSearcher: () => createProofSearcher({ workers: 1 }),
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
      // Warnings and failures only: one log line per request would bury them.
      const logger = logFile.logger.child({ component: 'peer-api' }, { level: 'warn' });
      const app = buildPeerServer({ node, version: options.version, logger });
      options.peerRoutes?.(app, node);
      try {
        // Two read-only requests before the first real one: its code is compiled by then.
        await app.inject({ method: 'GET', url: '/blockparty/info' });
        await app.inject({ method: 'GET', url: '/chain' });
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

  // The node serves once its miner is warm, so that the first GET /mine is as quick as the others
  // (bounded: a slow machine still starts within a few seconds).
  // The chain checker's thread warms up meanwhile (the first resolve should not wait for it either).
  const warmed = client.warm();
  let warmTimer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.all([node.minerWarmed(), warmed]),
    new Promise((resolve) => (warmTimer = setTimeout(resolve, MINER_WARM_WAIT_MS))),
  ]);
  clearTimeout(warmTimer);
  try {
    await listen(node.settings());
  } catch (error) {
    await node.close();
    await client.close();
    await options.storage.close();
    throw error;
  }
  logFile.log('info', `node ${node.id} started on port ${listeningPort}`);
  node.startNetwork();

  // LAN discovery, when it is on and the node listens beyond this computer (loopback never advertises).
  let discovery: Discovery | null = null;
  const advert = (): DiscoveryAdvert => {
    const card = node.card();
    return {
      id: card.id,
      name: card.name,
      version: /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,31}$/.test(card.version) ? card.version : '0.1.0',
      network: card.genesisHash.slice(0, 16),
      profile: card.profile,
      difficulty: card.difficulty,
      height: card.length,
      tip: card.lastHash.slice(0, 16),
      port: listeningPort,
    };
  };
  const startDiscovery = (): void => {
    const settings = node.settings();
    if (!settings.discovery || !settings.bindAll || discovery !== null) return;
    discovery = createDiscovery({
      advert: advert(),
      onFound: (found) =>
        node.sighted({
          id: found.id,
          name: found.name,
          network: found.network,
          profile: found.profile,
          difficulty: found.difficulty,
          height: found.height,
          port: found.port,
          from: found.from,
        }),
      log: (line) => logFile.log('info', `discovery: ${line}`),
    });
    discovery.start();
  };
  const stopDiscovery = async (): Promise<void> => {
    const old = discovery;
    discovery = null;
    await old?.stop().catch(() => undefined);
  };
  startDiscovery();
  const unsubscribeAdvert = node.on('chain-changed', () => discovery?.update(advert()));

  let rebinding: Promise<void> = Promise.resolve();
  const unsubscribe = node.on('settings-changed', (settings) => {
    // Discovery follows its switch, the interface choice and the name.
    rebinding = rebinding.then(async () => {
      if (!settings.discovery || !settings.bindAll) await stopDiscovery();
      else if (discovery === null) startDiscovery();
      else discovery.update(advert());
    });
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
        // The advertised port follows the server.
        await stopDiscovery();
        startDiscovery();
      })
      .catch((error: unknown) => {
        logFile.log('error', 'rebind failed', error);
        node.report('error', message('rebind-failed', { error: (error as Error).message }));
      });
  });

  return {
    node,
    warmed,
    port: () => listeningPort,
    logFile,
    storage: options.storage,
    close: async () => {
      unsubscribe();
      unsubscribeAdvert();
      // The miner stops first (close() begins with it): the server waits for in-flight requests, and
      // a `GET /mine` waits for the miner. Auto-mine stays on in the settings, to resume at start.
      const closing = node.close();
      await rebinding.catch(() => undefined);
      await stopDiscovery();
      await server?.close();
      await closing;
      await client.close();
      await options.searcher.close();
      await options.storage.close();
      logFile.log('info', 'node stopped; everything is saved');
    },
  };
}
