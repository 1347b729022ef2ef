/** Runs discovery probes (test/fixtures/discovery-probe.ts) inside lab nodes and waits on their output. */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { ChildProcess } from 'node:child_process';
import type { DiscoveredNode, LostNode } from '../../src-main/discovery/index.ts';
import type { Lab } from '../helpers/netns.ts';

const PROBE = resolve('test/fixtures/discovery-probe.ts');

/** One JSON line a probe printed. */
export type ProbeEvent =
  | { event: 'started'; t: number; id: string; pid: number }
  | { event: 'found'; t: number; node: DiscoveredNode }
  | { event: 'lost'; t: number; node: LostNode }
  | { event: 'log'; t: number; line: string }
  | { event: 'updated'; t: number; height: number }
  | { event: 'stopped'; t: number };

/** A running probe. */
export interface Probe {
  /** Lab node it runs in. */
  k: number;
  id: string;
  child: ChildProcess;
  /** Everything it printed so far, parsed. */
  events: ProbeEvent[];
  /** Resolves with the first event (already printed or to come) matching `test`, or rejects at `deadline`. */
  waitFor(what: string, test: (e: ProbeEvent) => boolean, deadline: number): Promise<ProbeEvent>;
  send(command: object): void;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<number | string | null>;
  /** Ids it has reported as found, with `t` after `since`. */
  foundIds(since?: number): Set<string>;
}

/** Options of {@link startProbe}. */
export interface ProbeOptions {
  id?: string;
  requeryMs?: number;
  pollMs?: number;
}

/** A new random node id. */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

/** Starts a probe in lab node k. */
export function startProbe(lab: Lab, k: number, options: ProbeOptions = {}): Probe {
  const id = options.id ?? newId();
  const args = ['--import', 'tsx', PROBE, '--id', id, '--name', `probe ${k}`, '--port', String(5000 + k)];
  if (options.requeryMs) args.push('--requery', String(options.requeryMs));
  if (options.pollMs) args.push('--poll', String(options.pollMs));
  const child = lab.exec(k, process.execPath, args, {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  const events: ProbeEvent[] = [];
  const waiters = new Set<{ test: (e: ProbeEvent) => boolean; done: (e: ProbeEvent) => void }>();
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let event: ProbeEvent;
    try {
      event = JSON.parse(line) as ProbeEvent;
    } catch {
      stderr += `(not JSON) ${line}\n`;
      return;
    }
    events.push(event);
    for (const waiter of [...waiters]) {
      if (waiter.test(event)) {
        waiters.delete(waiter);
        waiter.done(event);
      }
    }
  });
  const exited = new Promise<number | string | null>((done) =>
    child.once('exit', (code, signal) => done(code ?? signal)),
  );
  const describe = (): string => {
    const tail = events.slice(-15).map((e) => JSON.stringify(e));
    return `probe ${k} (${id.slice(0, 8)}), last lines:\n  ${tail.join('\n  ')}\nstderr: ${stderr.slice(-2000)}`;
  };
  return {
    k,
    id,
    child,
    events,
    exited,
    waitFor(what, test, deadline) {
      const seen = events.find(test);
      if (seen) return Promise.resolve(seen);
      return new Promise((done, fail) => {
        const waiter = {
          test,
          done: (e: ProbeEvent) => {
            clearTimeout(timer);
            done(e);
          },
        };
        const timer = setTimeout(
          () => {
            waiters.delete(waiter);
            fail(new Error(`timed out waiting for ${what} on ${describe()}`));
          },
          Math.max(0, deadline - Date.now()),
        );
        waiters.add(waiter);
      });
    },
    send(command) {
      child.stdin!.write(JSON.stringify(command) + '\n');
    },
    foundIds(since = 0) {
      return new Set(
        events
          .filter((e) => e.event === 'found' && e.t >= since)
          .map((e) => (e as { node: DiscoveredNode }).node.id),
      );
    },
  };
}

/** Matches a `found` event for `id` (optionally only after `since`). */
export function foundOf(id: string, since = 0): (e: ProbeEvent) => boolean {
  return (e) => e.event === 'found' && e.node.id === id && e.t >= since;
}

/** Waits until every probe in `watchers` has found every other probe in `targets`. */
export async function waitAllFound(
  watchers: readonly Probe[],
  targets: readonly Probe[],
  deadline: number,
  since = 0,
): Promise<void> {
  await Promise.all(
    watchers.flatMap((w) =>
      targets
        .filter((t) => t !== w)
        .map((t) => w.waitFor(`found ${t.id.slice(0, 8)} (probe ${t.k})`, foundOf(t.id, since), deadline)),
    ),
  );
}

/** Stops probes: closes stdin (a probe then says goodbye and exits) and kills those still there. */
export async function stopAll(probes: readonly Probe[]): Promise<void> {
  await Promise.all(
    probes.map(async (p) => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return;
      p.child.stdin!.end();
      const timer = setTimeout(() => p.child.kill('SIGKILL'), 5_000);
      await p.exited;
      clearTimeout(timer);
    }),
  );
}
