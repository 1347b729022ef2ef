// LAN tests of a hostile network: filtered multicast, a second NIC holding the default route,
// an interface that disappears and comes back.
import { afterEach, describe, expect, it } from 'vitest';
import { createLab } from '../helpers/netns.ts';
import type { Lab } from '../helpers/netns.ts';
import { foundOf, startProbe, stopAll, waitAllFound } from './probe.ts';
import type { Probe, ProbeEvent } from './probe.ts';

const REQUERY_MS = 2000;
const POLL_MS = 300;

let lab: Lab | undefined;
const started: Probe[] = [];
const start = (k: number): Probe => {
  const probe = startProbe(lab!, k, { requeryMs: REQUERY_MS, pollMs: POLL_MS });
  started.push(probe);
  return probe;
};
const logged = (pattern: RegExp) => (e: ProbeEvent) => e.event === 'log' && pattern.test(e.line);
const found = (e: ProbeEvent | undefined) => e as Extract<ProbeEvent, { event: 'found' }>;

afterEach(async () => {
  await stopAll(started.splice(0));
  await lab?.destroy();
  lab = undefined;
});

function expectHealthy(probes: readonly Probe[]): void {
  for (const p of probes) {
    expect(p.child.exitCode, `probe ${p.k} exited`).toBe(null);
    expect(p.events.filter(logged(/threw/))).toEqual([]);
  }
}

// Deadlines inside each test come first, so a failure names what was awaited.
describe('discovery on a hostile LAN', { timeout: 90_000 }, () => {
  it('finds nobody while the switch drops multicast, without crashing, and everybody once it passes again', async () => {
    lab = await createLab({ nodes: 3 });
    await lab.nomcast(true);
    // Two probes share laptop 0: they hear each other over the host's own multicast loopback,
    // which the switch cannot filter. Their repeated sightings show that rounds went by.
    const witnessA = start(0);
    const witnessB = start(0);
    const others = [start(1), start(2)];
    const deadline = Date.now() + 40_000;
    await Promise.all(others.map((p) => p.waitFor('started', (e) => e.event === 'started', deadline)));
    const othersUp = Date.now();
    // Sightings after the others are up, a full re-query period apart: announcements and
    // re-queries of everybody went out meanwhile.
    const firstRound = await witnessA.waitFor(
      'witness B after the others started',
      foundOf(witnessB.id, othersUp),
      deadline,
    );
    await witnessA.waitFor(
      'witness B a period later',
      foundOf(witnessB.id, firstRound.t + REQUERY_MS),
      deadline,
    );
    await witnessB.waitFor(
      'witness A a period later',
      foundOf(witnessA.id, firstRound.t + REQUERY_MS),
      deadline,
    );

    const all = [witnessA, witnessB, ...others];
    for (const p of all) {
      const seen = [...p.foundIds()].filter((id) => id !== witnessA.id && id !== witnessB.id);
      expect(seen, `probe ${p.k} found someone across the switch`).toEqual([]);
    }
    expectHealthy(all);

    // Nothing else changes: the periodic re-query finds everybody once multicast passes.
    await lab.nomcast(false);
    await waitAllFound(all, all, Date.now() + 20_000);
    expectHealthy(all);
  });

  it('finds a laptop whose default route and multicast route go to another interface (VPN, Docker)', async () => {
    lab = await createLab({ nodes: 3 });
    const second = await lab.addSecondInterface(0);
    const routes = await lab.run(0, 'ip', ['route', 'get', '224.0.0.251']);
    expect(routes, 'the lab sends multicast out of the second interface by default').toContain('dev eth1');

    const vpn = start(0);
    const lan = [start(1), start(2)];
    const all = [vpn, ...lan];
    const deadline = Date.now() + 30_000;
    await waitAllFound(all, all, deadline);
    await vpn.waitFor('an instance on eth1 too', logged(/listening on eth1/), deadline);

    for (const w of lan) {
      const event = found(w.events.find(foundOf(vpn.id)));
      expect(event.node.from).toBe(lab.nodes[0]!.ip);
      // Each interface advertises its own addresses: the VPN's address is not offered on the LAN.
      expect(event.node.addresses).toEqual([lab.nodes[0]!.ip]);
      expect(event.node.addresses).not.toContain(second.ip);
    }
    for (const target of lan) {
      expect(found(vpn.events.find(foundOf(target.id))).node.interface).toBe('eth0');
    }
    expectHealthy(all);
  });

  it('survives its interface disappearing and finds everybody again when it comes back', async () => {
    // IPv4 only: no IPv6 interface index in the interface list betrays that eth0 was recreated.
    lab = await createLab({ nodes: 3, ipv6: false });
    const roaming = start(0);
    const stay = [start(1), start(2)];
    const all = [roaming, ...stay];
    let deadline = Date.now() + 30_000;
    await waitAllFound(all, all, deadline);

    // Unplugged long enough for the interface poll to notice.
    await lab.unplug(0);
    deadline = Date.now() + 15_000;
    await roaming.waitFor('eth0 gone', logged(/stopped on eth0 \(interface gone\)/), deadline);
    expectHealthy(all);
    const pluggedAt = Date.now();
    await lab.plug(0);
    await roaming.waitFor('eth0 back', logged(/listening on eth0/), deadline);
    await waitAllFound([roaming], stay, deadline, pluggedAt);
    await Promise.all(stay.map((w) => w.waitFor('probe 0 again', foundOf(roaming.id, pluggedAt), deadline)));

    // Unplugged and plugged back at once, as a Wi-Fi reconnect can be, under the same name and
    // address: the kernel dropped the socket's group membership with the old interface, and
    // discovery must notice by itself (it checks the membership on every poll).
    const replugAt = Date.now();
    await lab.unplug(0);
    await lab.plug(0);
    deadline = Date.now() + 20_000;
    await roaming.waitFor(
      'a rebuilt eth0 instance',
      (e) => e.event === 'log' && e.t >= replugAt && /listening on eth0/.test(e.line),
      deadline,
    );
    const rebuiltAt = Date.now();
    await waitAllFound([roaming], stay, deadline, rebuiltAt);
    await Promise.all(stay.map((w) => w.waitFor('probe 0 again', foundOf(roaming.id, rebuiltAt), deadline)));
    expectHealthy(all);
  });
});
