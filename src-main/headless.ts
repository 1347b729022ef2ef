/** The Blockparty node without Electron: `npm run node -- --port 5001 --data-dir ./nodes/b`. */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_RENDERER_DIR } from './control/headless-dashboard.ts';
import { registerSpectator } from './control/spectator.ts';
import { createProofSearcher } from './mining/index.ts';
import { startNode, type RunningNode } from './runtime/start-node.ts';
import { isNodeError } from './shared/errors.ts';
import { TUTORIAL_DIFFICULTY, type Settings } from './shared/settings.ts';
import { openConfStorage } from './store/conf-store.ts';
import { storageReason } from './store/errors.ts';
import { lockDataDir } from './store/lock.ts';
import { renderMessage } from './shared/messages.ts';

const HELP = `Usage: npm run node -- [options]

Runs a Blockparty node without a window: the tutorial's peer API plus a dashboard in your browser.

  -p, --port N            peer API port (default 5000; when it is taken the next free one is used; 0 = any)
  -d, --data-dir DIR      folder for the chain, pending transactions, peers and settings
                          (default ./nodes/port-<port>)
      --profile NAME      article (default: the tutorial article's code) or dvf (the tutorial repository's code)
      --difficulty N      leading hex zeros of a valid proof (default 4; other values cannot sync with tutorial nodes)
      --name TEXT         a name for this node, shown to peers and on the dashboard
      --loopback          listen on 127.0.0.1 only (default: all interfaces, for a LAN)
      --all-interfaces    listen on all interfaces again (after --loopback)
      --workers N         mining threads (default: cores - 1)
      --allow-remote-mine let other machines call GET /mine
      --auto-mine         mine block after block (the node resumes it at the next start)
      --no-auto-mine      stop mining block after block
      --no-discovery      do not find or announce nodes on the LAN
      --discovery         find and announce nodes again
      --manual            the tutorial's manual flow: no relay, register and resolve by hand
      --live              the live network again: relay, sync and join by themselves
      --no-dashboard      do not serve the browser dashboard
      --dashboard-port N  the dashboard's port on 127.0.0.1 (default: the one used last time, else any
                          free one; when taken, the next free one), kept so open tabs reconnect
      --peer-timeout MS   how long to wait for each peer (default 3000)
  -h, --help              show this help

Every option but --data-dir, --no-dashboard, --peer-timeout and --help is a setting, saved with the
node as the dashboard's Settings are: the next start on the same data folder keeps it until it is
changed again (in Settings, or by the option that says the opposite).
`;

interface Args {
  overrides: Partial<Settings>;
  dataDir: string;
  dashboard: boolean;
  peerTimeoutMs: number | undefined;
}

/** Reads the command line into settings overrides and runtime options; exits with a message on bad input. */
function readArgs(argv: string[]): Args {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', short: 'p' },
        'data-dir': { type: 'string', short: 'd' },
        profile: { type: 'string' },
        difficulty: { type: 'string' },
        name: { type: 'string' },
        loopback: { type: 'boolean' },
        'all-interfaces': { type: 'boolean' },
        workers: { type: 'string' },
        'allow-remote-mine': { type: 'boolean' },
        'auto-mine': { type: 'boolean' },
        'no-auto-mine': { type: 'boolean' },
        'no-discovery': { type: 'boolean' },
        discovery: { type: 'boolean' },
        manual: { type: 'boolean' },
        live: { type: 'boolean' },
        'no-dashboard': { type: 'boolean' },
        'dashboard-port': { type: 'string' },
        'peer-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`, 2);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const overrides: Partial<Settings> = {};
  for (const [on, off] of [
    ['all-interfaces', 'loopback'],
    ['auto-mine', 'no-auto-mine'],
    ['discovery', 'no-discovery'],
    ['live', 'manual'],
  ] as const) {
    if (values[on] && values[off]) fail(`--${on} and --${off} say opposite things: give one of them.`, 2);
  }
  const integer = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^\d{1,9}$/.test(text)) fail(`--${flag} needs a whole number, not "${text}".`, 2);
    return Number(text);
  };
  const port = integer('port', values.port);
  if (port !== undefined) overrides.port = port;
  if (values.profile !== undefined) {
    if (values.profile !== 'article' && values.profile !== 'dvf') {
      fail(`--profile must be "article" or "dvf", not "${values.profile}".`, 2);
    }
    overrides.profile = values.profile;
  }
  const difficulty = integer('difficulty', values.difficulty);
  if (difficulty !== undefined) overrides.difficulty = difficulty;
  if (values.name !== undefined) overrides.name = values.name;
  if (values.loopback) overrides.bindAll = false;
  if (values['all-interfaces']) overrides.bindAll = true;
  const workers = integer('workers', values.workers);
  if (workers !== undefined) overrides.workers = workers;
  if (values['allow-remote-mine']) overrides.allowRemoteMine = true;
  if (values['auto-mine']) overrides.autoMine = true;
  if (values['no-auto-mine']) overrides.autoMine = false;
  if (values['no-discovery']) overrides.discovery = false;
  if (values.discovery) overrides.discovery = true;
  if (values.manual) overrides.liveNetwork = false;
  if (values.live) overrides.liveNetwork = true;
  const dashboardPort = integer('dashboard-port', values['dashboard-port']);
  if (dashboardPort !== undefined) overrides.dashboardPort = dashboardPort;
  return {
    overrides,
    dataDir: resolve(values['data-dir'] ?? join('nodes', `port-${port ?? 5000}`)),
    dashboard: !values['no-dashboard'],
    peerTimeoutMs: integer('peer-timeout', values['peer-timeout']),
  };
}

function fail(text: string, code = 1): never {
  process.stderr.write(`blockparty: ${text}\n`);
  process.exit(code);
}

/** One line a person can act on, whatever went wrong at start. */
function startFailure(error: unknown, dir: string): string {
  if (isNodeError(error)) return error.message;
  if ((error as NodeJS.ErrnoException | null)?.code) return renderMessage(storageReason(error, dir));
  return `could not start: ${(error as Error).message}`;
}

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  let unlock: () => Promise<void>;
  let running: RunningNode;
  const searcher = createProofSearcher();
  try {
    unlock = await lockDataDir(args.dataDir, (error) =>
      process.stderr.write(`blockparty: ${error.message}\n`),
    );
  } catch (error) {
    await searcher.close();
    fail(startFailure(error, args.dataDir));
  }
  try {
    running = await startNode({
      storage: openConfStorage(args.dataDir),
      searcher,
      overrides: args.overrides,
      peerTimeoutMs: args.peerTimeoutMs,
      // Phones in the room open the spectator page on the peer port (the join QR code).
      peerRoutes: (server, node) => registerSpectator(server, node, DEFAULT_RENDERER_DIR),
    });
  } catch (error) {
    await searcher.close();
    await unlock();
    fail(startFailure(error, args.dataDir));
  }
  const { node } = running;
  const status = node.status();
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  out(`Blockparty node ${status.nodeId} "${status.name}"`);
  out(
    `  profile ${status.profile}, difficulty ${status.difficulty}` +
      (status.tutorialCompatible
        ? ' (compatible with tutorial nodes)'
        : ` — NOT compatible with tutorial nodes, which require difficulty ${TUTORIAL_DIFFICULTY}`),
  );
  out(`  data: ${args.dataDir} (log: ${running.logFile.path})`);
  out(
    `  chain: ${status.height} blocks, ${status.pendingCount} pending transactions, ${node.peers().length} peers`,
  );
  for (const notice of status.storageNotices) out(`  note: ${renderMessage(notice)}`);
  if (status.portAsked !== null)
    out(`Port ${status.portAsked} is taken, so this node listens on port ${status.port}.`);
  out(`Peer API listening on port ${running.port()}. Others can reach this node at:`);
  for (const address of status.addresses) out(`  ${address}`);
  if (status.addresses.length === 0) out('  (nobody else: it listens on this computer only)');
  out(`On this computer: http://127.0.0.1:${running.port()}`);

  let closeDashboard: (() => Promise<void>) | null = null;
  if (args.dashboard) {
    try {
      const { startDashboard } = await import('./control/headless-dashboard.ts');
      const state = running.storage.state;
      const saved = state.read().dashboardToken ?? undefined;
      const dashboard = await startDashboard(node, {
        port: node.settings().dashboardPort || undefined,
        token: saved,
      });
      closeDashboard = dashboard.close;
      // The same address and token next time, so that an open tab finds the node again after a restart.
      if (dashboard.token !== saved) state.saveDashboardToken(dashboard.token);
      if (node.settings().dashboardPort !== dashboard.port)
        await node.updateSettings({ dashboardPort: dashboard.port });
      if (dashboard.portNote) out(dashboard.portNote);
      out(`Dashboard: ${dashboard.url}`);
    } catch (error) {
      out(`Dashboard unavailable: ${(error as Error).message}`);
    }
  }
  out('Press Ctrl+C to stop.');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    out(`${signal}: stopping…`);
    void (async () => {
      try {
        await closeDashboard?.();
        await running.close();
        out('Stopped; everything is saved.');
      } catch (error) {
        process.stderr.write(`blockparty: error while stopping: ${(error as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        await unlock();
      }
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
