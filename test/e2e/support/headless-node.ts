import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { ROOT } from './build';

/** A headless Blockparty node run as a child process, as a user would run it. */
export interface HeadlessNode {
  /** `http://127.0.0.1:PORT/?token=…` as printed after `Dashboard:`. */
  dashboardUrl: string;
  /** The peer addresses it printed (`http://host:port`). */
  addresses: string[];
  /** Everything it printed so far. */
  output(): string;
  /** Calls an operation of its control API, as the dashboard does. */
  call<T = unknown>(operation: string, input?: unknown): Promise<T>;
  /** SIGTERM, then waits for it to exit (it saves everything first). */
  stop(): Promise<void>;
}

/** Starts `src-main/headless.ts` and waits for its `Dashboard:` line. */
export async function startHeadlessNode(options: {
  dataDir: string;
  name?: string;
  difficulty?: number;
  extraArgs?: string[];
}): Promise<HeadlessNode> {
  // E2E_NODE_OPTIONS: extra Node flags for the node process (e.g. a loader while debugging).
  const nodeOptions = (process.env.E2E_NODE_OPTIONS ?? '').split(' ').filter(Boolean);
  const args = [
    ...nodeOptions,
    '--import',
    'tsx',
    resolve(ROOT, 'src-main/headless.ts'),
    '--port',
    '0',
    '--data-dir',
    options.dataDir,
  ];
  if (options.difficulty !== undefined) args.push('--difficulty', String(options.difficulty));
  if (options.name !== undefined) args.push('--name', options.name);
  args.push('--loopback', '--workers', '1', ...(options.extraArgs ?? []));
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  const dashboardUrl = await new Promise<string>((done, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`headless node did not print its dashboard:\n${out}`)),
      60_000,
    );
    const check = (): void => {
      const match = /^Dashboard: (\S+)/m.exec(out);
      if (match) {
        clearTimeout(timer);
        done(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`headless node exited with ${code}:\n${out}`));
    });
    check();
  });
  const addresses = [...out.matchAll(/^\s+(https?:\/\/\S+)\s*$/gm)].map((match) => match[1]!);
  const url = new URL(dashboardUrl);
  const token = url.searchParams.get('token') ?? '';

  return {
    dashboardUrl,
    addresses,
    output: () => out,
    async call<T>(operation: string, input?: unknown): Promise<T> {
      const response = await fetch(`${url.origin}/api/${operation}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(input ?? {}),
      });
      const body = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
      if (!body.ok) throw new Error(`${operation}: ${body.error?.message}`);
      return body.value as T;
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
