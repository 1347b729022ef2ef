// LAN test: 8 namespaced laptops find each other with no configuration; goodbye, SIGKILL, restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab } from '../helpers/netns.ts';
import type { Lab } from '../helpers/netns.ts';
import { foundOf, startProbe, stopAll, waitAllFound } from './probe.ts';
import type { Probe, ProbeEvent } from './probe.ts';

const NODES = 8;
const REQUERY_MS = 2000;
const POLL_MS = 500;

// Deadlines inside each test come first, so a failure names what was awaited.
describe('discovery between 8 laptops on one LAN', { timeout: 90_000 }, () => {
  let lab: Lab;
  const probes: Probe[] = [];
  const started: Probe[] = [];
  const start = (k: number, id?: string): Probe => {
    const probe = startProbe(lab, k, { id, requeryMs: REQUERY_MS, pollMs: POLL_MS });
    started.push(probe);
    return probe;
  };

  beforeAll(async () => {
    lab = await createLab({ nodes: NODES });
  });

  afterAll(async () => {
    await stopAll(started);
    await lab?.destroy();
  });

  it('every probe sees every other one, with the address its answer came from', async () => {
    for (let k = 0; k < NODES; k++) probes.push(start(k));
    // Eight tsx processes starting on a shared 2-core machine: a generous shared deadline.
    await waitAllFound(probes, probes, Date.now() + 40_000);

    for (const watcher of probes) {
      for (const target of probes.filter((p) => p !== watcher)) {
        const event = watcher.events.find(foundOf(target.id)) as Extract<ProbeEvent, { event: 'found' }>;
        expect(event.node).toMatchObject({
          id: target.id,
          name: `probe ${target.k}`,
          port: 5000 + target.k,
          from: lab.nodes[target.k]!.ip,
          interface: 'eth0',
          network: '00112233aabbccdd',
          profile: 'article',
          difficulty: 4,
        });
        expect(event.node.addresses).toContain(lab.nodes[target.k]!.ip);
      }
      expect(watcher.foundIds().has(watcher.id)).toBe(false);
    }
  });

  it('a changed height reaches the others', async () => {
    const probe = probes[0]!;
    const since = Date.now();
    probe.send({ cmd: 'update', height: 42 });
    const deadline = Date.now() + 15_000;
    await Promise.all(
      probes
        .slice(1)
        .map((w) =>
          w.waitFor(
            'height 42',
            (e) => e.event === 'found' && e.node.id === probe.id && e.node.height === 42 && e.t >= since,
            deadline,
          ),
        ),
    );
  });

  it('a probe that stops says goodbye, and the others report it lost', async () => {
    const leaving = probes[7]!;
    const stayed = probes.slice(0, 7);
    leaving.send({ cmd: 'stop' });
    expect(await leaving.exited).toBe(0);
    const deadline = Date.now() + 10_000;
    await Promise.all(
      stayed.map((w) =>
        w.waitFor('lost of probe 7', (e) => e.event === 'lost' && e.node.id === leaving.id, deadline),
      ),
    );
    for (const w of stayed) {
      const lost = w.events.find((e) => e.event === 'lost' && e.node.id === leaving.id) as Extract<
        ProbeEvent,
        { event: 'lost' }
      >;
      expect(lost.node.from).toBe(lab.nodes[7]!.ip);
    }
  });

  it('a probe killed with SIGKILL is not reported lost, just no longer seen; restarted, it is seen again', async () => {
    const killed = probes[6]!;
    const survivors = probes.slice(0, 6);
    const bootBefore = (
      survivors[0]!.events.find(foundOf(killed.id)) as Extract<ProbeEvent, { event: 'found' }>
    ).node.boot;
    killed.child.kill('SIGKILL');
    expect(await killed.exited).toBe('SIGKILL');
    const killedAt = Date.now();

    // Packets already on their way when it died may still arrive: look past them. Then wait until
    // every survivor has seen every other survivor again: re-query rounds happened after the kill.
    const after = killedAt + 500;
    await waitAllFound(survivors, survivors, Date.now() + 20_000, after);
    for (const w of survivors) {
      expect(w.foundIds(after).has(killed.id)).toBe(false);
      expect(w.events.some((e) => e.event === 'lost' && e.node.id === killed.id)).toBe(false);
    }

    const restartedAt = Date.now();
    const again = start(6, killed.id);
    const deadline = Date.now() + 20_000;
    await Promise.all(
      survivors.map((w) => w.waitFor('the restarted probe 6', foundOf(killed.id, restartedAt), deadline)),
    );
    await waitAllFound([again], survivors, deadline);
    const seen = survivors[0]!.events.filter(foundOf(killed.id, restartedAt)) as Array<
      Extract<ProbeEvent, { event: 'found' }>
    >;
    // A restart is visible as a new boot value even though the node id stayed.
    expect(seen[0]!.node.boot).not.toBe(bootBefore);
  });

  it('no probe logged a failure or a throw, and every remaining probe is still running', () => {
    for (const p of started) {
      const bad = p.events.filter((e) => e.event === 'log' && /threw|failed/.test(e.line));
      expect(bad).toEqual([]);
    }
    for (const p of [...probes.slice(0, 6), started[started.length - 1]!])
      expect(p.child.exitCode).toBe(null);
  });
});
