import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const HEADLESS = resolve('src-main/headless.ts');
/** The headless node as `npm run node` runs it: the built bundle (benchmarks use it). */
export const HEADLESS_BUNDLE = resolve('out/main/headless.js');

/** A headless node running as its own process. */
export interface NodeProcess {
  child: ChildProcess;
  port: number;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Everything it printed so far. */
  output: () => string;
  /** Sends SIGTERM and waits for the exit code. */
  stop: () => Promise<number | null>;
}

/**
 * Starts `src-main/headless.ts` (or, with `bundle`, the built `out/main/headless.js`) with `args` and
 * waits until it prints its port.
 */
export function startNodeProcess(
  args: string[],
  timeoutMs = 20_000,
  user: { uid?: number; gid?: number } = {},
  options: { bundle?: boolean } = {},
): Promise<NodeProcess> {
  const entry = options.bundle ? [HEADLESS_BUNDLE] : ['--import', 'tsx', HEADLESS];
  const child = spawn(process.execPath, [...entry, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
    ...user,
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`node did not start within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const check = (): void => {
      const match = /Peer API listening on port (\d+)/.exec(out);
      if (match && out.includes('Press Ctrl+C')) {
        clearTimeout(timer);
        child.stdout!.off('data', check);
        const port = Number(match[1]);
        resolvePromise({
          child,
          port,
          url: `http://127.0.0.1:${port}`,
          output: () => out,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node exited with code ${code}:\n${out}`));
    });
  });
}
