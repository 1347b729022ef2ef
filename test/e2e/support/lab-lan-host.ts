import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Lab } from '../../helpers/netns.ts';
import { LAN_PORT } from '../../helpers/lan-nodes.ts';
import { ROOT } from './build';

const GATEWAY = resolve(ROOT, 'test/fixtures/lan-gateway.py');
const HEADLESS = resolve(ROOT, 'src-main/headless.ts');

/** The teacher's laptop of a namespaced lab: a node with its dashboard, reachable from the test's browser. */
export interface LanHost {
  id: string;
  /** Its address on the lab's LAN (`ip:5000`). */
  address: string;
  /** The dashboard through a local port of the test process (`http://127.0.0.1:P/?token=…`). */
  dashboardUrl: string;
  /** The peer port (the spectator page) through another local port. */
  peerUrl: string;
  output(): string;
  /** Calls an operation of its control API, as the dashboard does. */
  call<T = unknown>(operation: string, input?: unknown): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Forwards a local port of the test process to `host:port` inside namespace `ns`, through the lab's
 * gateway (test/fixtures/lan-gateway.py: a Unix socket, one line `ns host port`, then bytes both
 * ways): the browser in the root namespace, which has no route into the lab, reaches a laptop's
 * loopback as that laptop's own browser would. The Host and Origin the node sees are the local
 * port's, so its loopback checks pass as they do for a local tab.
 */
async function forward(
  socketPath: string,
  ns: string,
  port: number,
): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(socketPath);
    sockets.add(client).add(upstream);
    upstream.write(`${ns} 127.0.0.1 ${port}\n`);
    client.pipe(upstream).pipe(client);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as { port: number }).port,
    // An open event stream would keep the server from closing: its connections go first.
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => done());
      }),
  };
}

/** Starts the teacher's node on laptop k (port 5000, with its dashboard) and the ways in to it. */
export async function startLanHost(
  lab: Lab,
  k: number,
  dir: string,
  options: { name?: string; difficulty?: number } = {},
): Promise<LanHost> {
  const socketPath = join(dir, 'host-gw.sock');
  const gateway: ChildProcess = spawn('python3', [GATEWAY, socketPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error('the host’s gateway did not start')), 10_000);
    gateway.stdout!.once('data', () => {
      clearTimeout(timer);
      done();
    });
    gateway.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the host’s gateway exited with code ${code}`));
    });
  });

  const ns = lab.nodes[k]!.ns;
  const child = lab.exec(
    k,
    process.execPath,
    [
      '--import',
      'tsx',
      HEADLESS,
      '--port',
      String(LAN_PORT),
      '--data-dir',
      join(dir, 'host'),
      '--difficulty',
      String(options.difficulty ?? 3),
      '--workers',
      '1',
      '--name',
      options.name ?? 'teacher',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_NO_WARNINGS: '1' } },
  );
  let out = '';
  createInterface({ input: child.stderr! }).on('line', (line) => (out += `[stderr] ${line}\n`));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const started = await new Promise<{ id: string; dashboard: URL }>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`the host’s node did not print its dashboard within 60 s:\n${out}`));
    }, 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      out += `${line}\n`;
      const dashboard = /^Dashboard: (\S+)/.exec(line)?.[1];
      if (dashboard) {
        clearTimeout(timer);
        const id = /Blockparty node ([0-9a-f]{32})/.exec(out)?.[1] ?? '';
        done({ id, dashboard: new URL(dashboard) });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`the host’s node exited (${code ?? signal}):\n${out}`));
    });
  });
  const dashboard = await forward(socketPath, ns, Number(started.dashboard.port));
  const peer = await forward(socketPath, ns, LAN_PORT);
  const token = started.dashboard.searchParams.get('token') ?? '';
  const base = `http://127.0.0.1:${dashboard.port}`;
  return {
    id: started.id,
    address: `${lab.nodes[k]!.ip}:${LAN_PORT}`,
    dashboardUrl: `${base}/?token=${encodeURIComponent(token)}`,
    peerUrl: `http://127.0.0.1:${peer.port}`,
    output: () => out,
    async call<T>(operation: string, input?: unknown): Promise<T> {
      const response = await fetch(`${base}/api/${operation}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
      });
      const body = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
      if (!body.ok) throw new Error(`${operation}: ${body.error?.message}`);
      return body.value as T;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      await dashboard.close();
      await peer.close();
      if (gateway.exitCode === null) gateway.kill('SIGTERM');
    },
  };
}
