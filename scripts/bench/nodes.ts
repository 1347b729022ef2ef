/**
 * The nodes the benchmarks compare, started as a user would: the tutorial's Flask app under the
 * system Python, a Blockparty headless node, and a bare Node HTTP server that only answers (the
 * ceiling of this machine for a given client). Plus small statistics helpers.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startNodeProcess } from '../../test/helpers/headless-process.ts';

/** A node a benchmark talks to over HTTP. */
export interface BenchNode {
  name: string;
  url: string;
  /** From spawning the process to its first line saying it serves. */
  startMs: number;
  /** The process, when it is one (for its memory). */
  pid: number | null;
  stop(): Promise<void>;
}

/** The tutorial's Flask app (test/fixtures/tutorial_flask.py) under the system Python, which has Flask. */
export async function startFlask(args: string[] = []): Promise<BenchNode> {
  const started = performance.now();
  const child = spawn(
    '/usr/bin/python3',
    [resolve('test/fixtures/tutorial_flask.py'), '--port', '0', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  const port = await new Promise<number>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`Flask did not start in 20 s:\n${out}`)), 20_000);
    const onData = (data: Buffer): void => {
      out += data.toString();
      const match = /listening on (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        done(Number(match[1]));
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => fail(new Error(`Flask exited with code ${code}:\n${out}`)));
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    name: "the tutorial's Flask node",
    url: `http://127.0.0.1:${port}`,
    startMs: performance.now() - started,
    pid: child.pid ?? null,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Builds the bundle `npm run node` runs when it is older than its sources (as `npm run node` does). */
export function ensureBuilt(): void {
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/ensure-dashboard.ts'], { stdio: 'inherit' });
}

/**
 * A Blockparty headless node on `dataDir` (a fresh folder, removed at stop, when none is given),
 * listening on loopback with no dashboard and no discovery, run from the built bundle as
 * `npm run node` runs it (call {@link ensureBuilt} first).
 */
export async function startBlockparty(
  options: { dataDir?: string; args?: string[] } = {},
): Promise<BenchNode> {
  const own = options.dataDir === undefined;
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'bench-node-'));
  const started = performance.now();
  const node = await startNodeProcess(
    [
      '--port',
      '0',
      '--data-dir',
      dir,
      '--loopback',
      '--no-dashboard',
      '--no-discovery',
      ...(options.args ?? []),
    ],
    120_000,
  );
  return {
    name: 'Blockparty (headless)',
    url: node.url,
    startMs: performance.now() - started,
    pid: node.child.pid ?? null,
    stop: async () => {
      await node.stop();
      if (own) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A bare Node HTTP server that reads each request's body and answers 201: nothing is cheaper. */
export async function startBare(): Promise<BenchNode> {
  const server = createServer((request, response) => {
    request.on('data', () => undefined);
    request.on('end', () => {
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end('{"message": "Transaction will be added to Block 2"}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    name: 'a bare Node HTTP server',
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    startMs: 0,
    pid: null,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Resident memory of a process in bytes (Linux). */
export async function rssOf(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

/** The median of some numbers. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0–100) of some numbers. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The machine's load, to print beside figures (they mean little on a busy machine). */
export function loadNote(): string {
  return `load ${loadavg()
    .map((l) => l.toFixed(1))
    .join('/')}`;
}
