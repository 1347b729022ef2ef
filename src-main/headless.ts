/** The Blockparty node without Electron: `npm run node -- --port 5001 --data-dir ./nodes/b`. */
import { parseArgs } from 'node:util';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openConfRepository } from './store/conf-store.ts';
import { createProofSearcher } from './mining/index.ts';
import { startNode } from './node/runtime.ts';
import { TUTORIAL_DIFFICULTY, type Settings } from './shared/settings.ts';
import { NodeError } from './node/types.ts';

const HELP = `Usage: npm run node -- [options]

Runs a Blockparty node without a window: the tutorial's peer API plus a dashboard in your browser.

  -p, --port N            peer API port (default 5000; when it is taken the next free one is used; 0 = any)
  -d, --data-dir DIR      folder for the chain, pending transactions, peers and settings
                          (default ./nodes/port-<port>)
      --profile NAME      article (default: the tutorial article's code) or dvf (the tutorial repository's code)
      --difficulty N      leading hex zeros of a valid proof (default 4; other values cannot sync with tutorial nodes)
      --name TEXT         a name for this node, shown to peers and on the dashboard
      --loopback          listen on 127.0.0.1 only (default: all interfaces, for a LAN)
      --workers N         mining threads (default: cores - 1)
      --allow-remote-mine let other machines call GET /mine
      --no-dashboard      do not serve the browser dashboard
      --dashboard-port N  the dashboard's port on 127.0.0.1 (default: any free one; when taken, the next
                          free one); keep it to have open tabs reconnect after a restart
      --peer-timeout MS   how long to wait for each peer during resolve (default 3000)
  -h, --help              show this help
`;

/** Reads the command line into settings overrides and runtime options; exits with a message on bad input. */
function readArgs(argv: string[]): {
  overrides: Partial<Settings>;
  dataDir: string;
  dashboard: boolean;
  dashboardPort: number | undefined;
  peerTimeoutMs: number | undefined;
} {
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
        workers: { type: 'string' },
        'allow-remote-mine': { type: 'boolean' },
        'no-dashboard': { type: 'boolean' },
        'dashboard-port': { type: 'string' },
        'peer-timeout': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    });
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const overrides: Partial<Settings> = {};
  const integer = (flag: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text)) fail(`--${flag} needs a whole number, not "${text}".`);
    return Number(text);
  };
  const port = integer('port', values.port);
  if (port !== undefined) overrides.port = port;
  if (values.profile !== undefined) {
    if (values.profile !== 'article' && values.profile !== 'dvf') {
      fail(`--profile must be "article" or "dvf", not "${values.profile}".`);
    }
    overrides.profile = values.profile;
  }
  const difficulty = integer('difficulty', values.difficulty);
  if (difficulty !== undefined) overrides.difficulty = difficulty;
  if (values.name !== undefined) overrides.name = values.name;
  if (values.loopback) overrides.bindAll = false;
  const workers = integer('workers', values.workers);
  if (workers !== undefined) overrides.workers = workers;
  if (values['allow-remote-mine']) overrides.allowRemoteMine = true;
  const dataDir = resolve(values['data-dir'] ?? join('nodes', `port-${port ?? 5000}`));
  return {
    overrides,
    dataDir,
    dashboard: !values['no-dashboard'],
    dashboardPort: integer('dashboard-port', values['dashboard-port']),
    peerTimeoutMs: integer('peer-timeout', values['peer-timeout']),
  };
}

function fail(message: string): never {
  process.stderr.write(`blockparty: ${message}\n`);
  process.exit(2);
}

/** Refuses to run two nodes on one data folder: both would append to the same chain log. */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'node.pid');
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (pid && pid !== process.pid) {
      try {
        process.kill(pid, 0);
        fail(`another node (process ${pid}) is using ${dir}; stop it or choose another --data-dir.`);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EPERM') {
          fail(`another node (process ${pid}) is using ${dir}; stop it or choose another --data-dir.`);
        }
      }
    }
  } catch {
    // No lock file: nobody else is here.
  }
  writeFileSync(lock, String(process.pid));
  return () => rmSync(lock, { force: true });
}

async function main(): Promise<void> {
  const args = readArgs(process.argv.slice(2));
  const unlock = lockDataDir(args.dataDir);
  const repo = openConfRepository(args.dataDir);
  const searcher = createProofSearcher();
  let running;
  try {
    running = await startNode({
      repo,
      searcher,
      overrides: args.overrides,
      peerTimeoutMs: args.peerTimeoutMs,
    });
  } catch (error) {
    unlock();
    await searcher.close();
    fail(error instanceof NodeError ? error.message : `could not start: ${(error as Error).message}`);
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
  out(`  data: ${args.dataDir}`);
  out(
    `  chain: ${status.height} blocks, ${status.pendingCount} pending transactions, ${node.peers().length} peers`,
  );
  const note = running.portNote();
  if (note) out(note);
  out(`Peer API listening on port ${running.port()}. Others can reach this node at:`);
  for (const address of status.addresses) out(`  ${address}`);

  let closeDashboard: (() => Promise<void>) | null = null;
  if (args.dashboard) {
    try {
      const { startDashboard } = await import('./control/headless-dashboard.ts');
      // BLOCKPARTY_DASHBOARD_TOKEN: a token to keep across starts, passed outside argv (which `ps` shows).
      const token = process.env['BLOCKPARTY_DASHBOARD_TOKEN'] || undefined;
      const dashboard = await startDashboard(node, { port: args.dashboardPort, token });
      closeDashboard = dashboard.close;
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
        // The miner first: a Mine clicked on the dashboard keeps its request open until a block is found.
        running.node.stopMining();
        await closeDashboard?.();
        await running.close();
        out('Stopped; everything is saved.');
      } catch (error) {
        process.stderr.write(`blockparty: error while stopping: ${(error as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        unlock();
      }
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
