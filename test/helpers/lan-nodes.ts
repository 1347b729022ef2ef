/**
 * Headless Blockparty nodes on the lab's LAN (test/helpers/netns.ts), one per laptop, started with no
 * address at all, and a way in for the test process: the root namespace has no route into the lab,
 * so every request goes through a small gateway (test/fixtures/lan-gateway.py) that opens its TCP
 * connection from inside the laptop's namespace. Waits poll the nodes' HTTP routes under a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Lab } from './netns.ts';

const GATEWAY = resolve('test/fixtures/lan-gateway.py');
const TUTORIAL = resolve('test/fixtures/lan-tutorial.py');
const HEADLESS = resolve('src-main/headless.ts');
/** The built headless node (`npm run node` runs it; benchmarks build it first). */
export const HEADLESS_BUNDLE = resolve('out/main/headless.js');
/** Every laptop's node listens on this port of its own address. */
export const LAN_PORT = 5000;

/** What an HTTP request through the gateway gave. */
export interface LanResponse {
  status: number;
  body: string;
}

/** The door into the lab's namespaces. */
export interface Gateway {
  /** One HTTP request to `host:port` made from inside namespace `ns` (a fresh connection). */
  request(
    ns: string,
    host: string,
    port: number,
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    timeoutMs?: number,
  ): Promise<LanResponse>;
  /** A raw connection to `host:port` from inside namespace `ns` (for an HTTP agent's createConnection). */
  connect(ns: string, host: string, port: number): Socket;
  close(): Promise<void>;
}

/** Starts the gateway (it needs root, as the lab does). */
export async function openGateway(dir: string): Promise<Gateway> {
  const socketPath = join(dir, 'gw.sock');
  const child = spawn('python3', [GATEWAY, socketPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the lab gateway did not start:\n${errors}`)), 10_000);
    child.stdout!.once('data', () => {
      clearTimeout(timer);
      done();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the lab gateway exited with code ${code}:\n${errors}`));
    });
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const connectIn = (ns: string, host: string, port: number): Socket => {
    const socket = connect(socketPath);
    socket.write(`${ns} ${host} ${port}\n`);
    return socket;
  };
  return {
    request(ns, host, port, method, path, body, timeoutMs = 5000) {
      return new Promise((done, fail) => {
        const data = body === undefined ? undefined : Buffer.from(body);
        const req = request({
          method,
          path,
          host,
          port,
          headers: {
            accept: 'application/json',
            ...(data ? { 'content-type': 'application/json', 'content-length': data.length } : {}),
          },
          createConnection: () => connectIn(ns, host, port),
        });
        const timer = setTimeout(() => {
          req.destroy();
          fail(new Error(`${method} ${path} on ${host} (${ns}): no answer in ${timeoutMs} ms`));
        }, timeoutMs);
        req.on('error', (error) => {
          clearTimeout(timer);
          fail(new Error(`${method} ${path} on ${host} (${ns}): ${error.message}`));
        });
        req.on('response', (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error) => {
            clearTimeout(timer);
            fail(error);
          });
          res.on('end', () => {
            clearTimeout(timer);
            done({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
          });
        });
        req.end(data);
      });
    },
    connect: connectIn,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A peer as `GET /blockparty/peers` lists it. */
export interface ListedPeer {
  address: string;
  kind: string;
  status: 'online' | 'offline';
  id: string | null;
  name: string | null;
  length: number | null;
}

/** `GET /blockparty/info`. */
export interface NodeInfo {
  id: string;
  name: string;
  length: number;
  last_hash: string;
  genesis_hash: string;
  [key: string]: unknown;
}

/** A headless node on one laptop. */
export interface LanNode {
  k: number;
  ns: string;
  ip: string;
  /** `ip:5000`, the address other laptops reach it at. */
  address: string;
  dataDir: string;
  /** Its node id (read from its first output line). */
  id: string;
  child: ChildProcess;
  /** Everything it printed (stdout and stderr), across restarts. */
  output(): string;
  /** Whether its process is running. */
  alive(): boolean;
  get(path: string): Promise<LanResponse>;
  post(path: string, body: unknown): Promise<LanResponse>;
  info(): Promise<NodeInfo>;
  chain(): Promise<{ chain: Record<string, unknown>[]; length: number }>;
  peers(): Promise<ListedPeer[]>;
  pending(): Promise<{ id: string; transaction: Record<string, unknown> }[]>;
  /** `GET /mine` from the laptop itself; the new block's index. */
  mine(): Promise<number>;
  /** `POST /transactions/new`. */
  submit(tx: { sender: string; recipient: string; amount: number }): Promise<void>;
  /** SIGKILL, then waits for the process to be gone. */
  kill(): Promise<void>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  /** Starts the node again on the same data folder and address. */
  restart(): Promise<void>;
  /** Its activity log, through its dashboard's API (start it with `dashboard: true`). */
  activity(): Promise<ActivityLine[]>;
}

/** One line of a node's activity log (the dashboard API's shape). */
export interface ActivityLine {
  time: number;
  kind: string;
  code: string;
  params: Record<string, unknown>;
}

/** Options of {@link startLanNodes}. */
export interface LanNodeOptions {
  difficulty?: number;
  /** More command-line flags (`--no-discovery`, `--manual`…). */
  args?: string[];
  /** Run the built bundle instead of the sources under tsx (build it first). */
  bundle?: boolean;
  /** How long one node may take to start. */
  startTimeoutMs?: number;
  /** Serve the dashboard (on the laptop's loopback): its API gives the activity log. */
  dashboard?: boolean;
  /**
   * A genesis block's text to start the chain with (written as the chain log of a fresh data
   * folder): nodes started on the same one are one network from the start.
   */
  genesis?: string;
}

/** Starts a node on laptop k; resolves once it serves. */
export async function startLanNode(
  lab: Lab,
  gateway: Gateway,
  k: number,
  dataDir: string,
  options: LanNodeOptions = {},
): Promise<LanNode> {
  const labNode = lab.nodes[k]!;
  let out = '';
  let child!: ChildProcess;
  let exited!: Promise<void>;
  let dashboard: { port: number; token: string } | null = null;
  const chainLog = join(dataDir, 'chain.log');
  if (options.genesis !== undefined && !existsSync(chainLog)) writeFileSync(chainLog, `${options.genesis}\n`);
  const spawnNode = async (): Promise<string> => {
    const entry = options.bundle ? [HEADLESS_BUNDLE] : ['--import', 'tsx', HEADLESS];
    const args = [
      ...entry,
      '--port',
      String(LAN_PORT),
      '--data-dir',
      dataDir,
      '--difficulty',
      String(options.difficulty ?? 2),
      '--workers',
      '1',
      '--name',
      `laptop ${k}`,
      ...(options.dashboard ? [] : ['--no-dashboard']),
      ...(options.args ?? []),
    ];
    child = lab.exec(k, process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    });
    const current = child;
    exited = new Promise((done) => current.once('exit', () => done()));
    createInterface({ input: child.stderr! }).on('line', (line) => (out += `[stderr] ${line}\n`));
    const lines = createInterface({ input: child.stdout! });
    const since = out.length;
    return new Promise<string>((done, fail) => {
      const timeoutMs = options.startTimeoutMs ?? 60_000;
      const timer = setTimeout(() => {
        current.kill('SIGKILL');
        fail(new Error(`laptop ${k}: the node did not start within ${timeoutMs} ms:\n${out.slice(since)}`));
      }, timeoutMs);
      lines.on('line', (line) => {
        out += `${line}\n`;
        if (line.startsWith('Press Ctrl+C')) {
          clearTimeout(timer);
          const id = /Blockparty node ([0-9a-f]{32})/.exec(out.slice(since))?.[1];
          const board = /Dashboard: http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+)/.exec(
            out.slice(since),
          );
          dashboard = board ? { port: Number(board[1]), token: board[2]! } : null;
          if (id) done(id);
          else fail(new Error(`laptop ${k}: no node id in its output:\n${out.slice(since)}`));
        }
      });
      current.once('exit', (code, signal) => {
        clearTimeout(timer);
        fail(new Error(`laptop ${k}: the node exited (${code ?? signal}):\n${out.slice(since)}`));
      });
    });
  };
  const id = await spawnNode();
  const http = (method: 'GET' | 'POST', path: string, body?: string): Promise<LanResponse> =>
    gateway.request(labNode.ns, '127.0.0.1', LAN_PORT, method, path, body);
  const json = async <T>(path: string): Promise<T> => {
    const res = await http('GET', path);
    if (res.status !== 200) throw new Error(`laptop ${k}: GET ${path} answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as T;
  };
  const node: LanNode = {
    k,
    ns: labNode.ns,
    ip: labNode.ip,
    address: `${labNode.ip}:${LAN_PORT}`,
    dataDir,
    id,
    get child() {
      return child;
    },
    output: () => out,
    alive: () => child.exitCode === null && child.signalCode === null,
    get: (path) => http('GET', path),
    post: (path, body) => http('POST', path, JSON.stringify(body)),
    info: () => json<NodeInfo>('/blockparty/info'),
    chain: () => json('/chain'),
    peers: async () => (await json<{ peers: ListedPeer[] }>('/blockparty/peers')).peers,
    pending: async () =>
      (await json<{ pending: { id: string; transaction: Record<string, unknown> }[] }>('/blockparty/pending'))
        .pending,
    async mine() {
      const res = await http('GET', '/mine');
      if (res.status !== 200) throw new Error(`laptop ${k}: GET /mine answered ${res.status}: ${res.body}`);
      return (JSON.parse(res.body) as { index: number }).index;
    },
    async submit(tx) {
      const res = await http('POST', '/transactions/new', JSON.stringify(tx));
      if (res.status !== 201)
        throw new Error(`laptop ${k}: POST /transactions/new answered ${res.status}: ${res.body}`);
    },
    async kill() {
      if (node.alive()) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (node.alive()) child.kill('SIGTERM');
      await exited;
    },
    async restart() {
      if (node.alive()) throw new Error(`laptop ${k}: restart() of a running node`);
      const again = await spawnNode();
      if (again !== id) throw new Error(`laptop ${k}: restarted with another id (${again}, was ${id})`);
    },
    async activity() {
      if (dashboard === null) throw new Error(`laptop ${k}: no dashboard (start it with dashboard: true)`);
      const res = await new Promise<LanResponse>((done, fail) => {
        const req = request({
          method: 'POST',
          path: '/api/activity',
          host: '127.0.0.1',
          port: dashboard!.port,
          headers: {
            authorization: `Bearer ${dashboard!.token}`,
            'content-type': 'application/json',
            'content-length': 2,
          },
          createConnection: () => gateway.connect(labNode.ns, '127.0.0.1', dashboard!.port),
        });
        req.on('error', fail);
        req.on('response', (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        });
        req.end('{}');
      });
      const parsed = JSON.parse(res.body) as { ok: boolean; value?: ActivityLine[] };
      if (!parsed.ok || !parsed.value)
        throw new Error(`laptop ${k}: activity answered ${res.status}: ${res.body}`);
      return parsed.value;
    },
  };
  return node;
}

/** Nodes on laptops 0..count-1 of the lab, started in parallel, each in a fresh data folder under `dir`. */
export async function startLanNodes(
  lab: Lab,
  gateway: Gateway,
  dir: string,
  count: number,
  options: LanNodeOptions | ((k: number) => LanNodeOptions) = {},
): Promise<LanNode[]> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, k) => {
      const dataDir = join(dir, `node-${k}`);
      mkdirSync(dataDir, { recursive: true });
      return startLanNode(lab, gateway, k, dataDir, typeof options === 'function' ? options(k) : options);
    }),
  );
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.kill() : undefined)));
    throw failed.reason;
  }
  return started.map((s) => (s as PromiseFulfilledResult<LanNode>).value);
}

/** The tutorial's node (test/fixtures/tutorial_node.py) on a laptop of the lab, listening on port 5000. */
export interface LanTutorial {
  k: number;
  ns: string;
  address: string;
  /** Requests it served, in order, as `METHOD PATH BODY` (body: sorted JSON, or `-`). */
  requests: string[];
  get(path: string): Promise<LanResponse>;
  post(path: string, body: unknown): Promise<LanResponse>;
  stop(): Promise<void>;
}

/** Starts the tutorial's node on laptop k. */
export async function startLanTutorial(lab: Lab, gateway: Gateway, k: number): Promise<LanTutorial> {
  const labNode = lab.nodes[k]!;
  const child = lab.exec(k, '/usr/bin/python3', [TUTORIAL, '--port', String(LAN_PORT)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const requests: string[] = [];
  let errors = '';
  child.stderr!.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`the tutorial node did not start:\n${errors}`)), 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('listening on')) {
        clearTimeout(timer);
        done();
      } else if (line.startsWith('request ')) {
        requests.push(line.slice('request '.length));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the tutorial node exited with code ${code}:\n${errors}`));
    });
  });
  const http = (method: 'GET' | 'POST', path: string, body?: string): Promise<LanResponse> =>
    gateway.request(labNode.ns, '127.0.0.1', LAN_PORT, method, path, body, 30_000);
  return {
    k,
    ns: labNode.ns,
    address: `${labNode.ip}:${LAN_PORT}`,
    requests,
    get: (path) => http('GET', path),
    post: (path, body) => http('POST', path, JSON.stringify(body)),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Polls `check` until it returns something other than undefined, or throws at `deadline` saying what
 * was awaited and what was seen last (`note` records it). Requests that fail are retried (a node may
 * be starting or killed).
 */
export async function waitUntil<T>(
  what: string,
  check: (note: (seen: string) => void) => Promise<T | undefined>,
  deadline: number,
  everyMs = 250,
): Promise<T> {
  let last = 'nothing yet';
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

/** A fresh folder for a run's data folders and the gateway's socket. */
export function labDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'bp-lan-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
