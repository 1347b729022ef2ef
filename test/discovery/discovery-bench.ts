/**
 * Measures discovery on a namespaced LAN (root needed): how fast N probes started together find
 * all pairs, mDNS traffic on the LAN, and the CPU a probe costs at steady state. Prints figures;
 * asserts nothing. Baselines come from the same run: the probe's own start-up time, an idle Node
 * process in the same lab, and the query count N probes would send without duplicate-question
 * suppression.
 *
 *   node --import tsx test/discovery/discovery-bench.ts [--nodes 8] [--requery 15000] [--window 30]
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { printFigures } from '../../scripts/bench/report.ts';
import type { Figure } from '../../scripts/bench/report.ts';
import { createLab } from '../helpers/netns.ts';
import { startProbe, stopAll, waitAllFound } from './probe.ts';
import type { ProbeEvent } from './probe.ts';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '8' },
    requery: { type: 'string', default: '15000' },
    window: { type: 'string', default: '30' },
  },
});
const N = Number(values.nodes);
const REQUERY_MS = Number(values.requery);
const WINDOW_S = Number(values.window);

// Counts mDNS queries and responses seen on the LAN; prints cumulative counts every 250 ms.
const COUNTER = `
const u = require('node:dgram').createSocket({ type: 'udp4', reuseAddr: true });
let q = 0, r = 0;
u.on('message', (m) => { if (m.length > 3 && (m[2] & 0x80)) r++; else q++; });
u.bind(5353, () => { u.addMembership('224.0.0.251'); console.log(JSON.stringify({ q, r })); });
setInterval(() => console.log(JSON.stringify({ q, r })), 250);
`;
const IDLE = `setInterval(() => {}, 1000); console.log('ready');`;

/** CPU time of a process in ms: the scheduler's exact figure (tick sampling is too coarse here). */
function cpuMs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))]!;

async function main(): Promise<void> {
  const lab = await createLab({ nodes: N + 2 });
  try {
    const counter = lab.exec(N + 1, process.execPath, ['-e', COUNTER], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let counts = { q: 0, r: 0 };
    createInterface({ input: counter.stdout! }).on('line', (l) => (counts = JSON.parse(l) as typeof counts));
    const idle = lab.exec(N, process.execPath, ['--import', 'tsx', '--input-type=module', '-e', IDLE], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise((done) => idle.stdout!.once('data', done));

    const spawnedAt: number[] = [];
    const probes = Array.from({ length: N }, (_, k) => {
      spawnedAt.push(Date.now());
      return startProbe(lab, k, { requeryMs: REQUERY_MS });
    });
    const started = await Promise.all(
      probes.map((p) => p.waitFor('started', (e) => e.event === 'started', Date.now() + 60_000)),
    );
    await waitAllFound(probes, probes, Date.now() + 120_000);
    const lastStart = Math.max(...started.map((e) => e.t));
    const pairTimes: number[] = [];
    let allPairsAt = 0;
    for (const w of probes) {
      for (const t of probes.filter((p) => p !== w)) {
        const found = w.events.find((e) => e.event === 'found' && e.node.id === t.id)!;
        const bothUp = Math.max(started[w.k]!.t, started[t.k]!.t);
        pairTimes.push(found.t - bothUp);
        allPairsAt = Math.max(allPairsAt, found.t);
      }
    }
    const startup = started.map((e, k) => e.t - spawnedAt[k]!);

    // Steady state: let the start-up announcements and queries pass, then measure a window.
    await new Promise((r) => setTimeout(r, Math.max(4000, REQUERY_MS)));
    const pids = [...probes.map((p) => p.child.pid!), idle.pid!];
    const cpu0 = pids.map(cpuMs);
    const count0 = counts;
    const found0 = probes.map((p) => p.events.length);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, WINDOW_S * 1000));
    const seconds = (Date.now() - t0) / 1000;
    const cpu = pids.map((pid, i) => (cpuMs(pid) - cpu0[i]!) / seconds);
    const count1 = counts;
    const sightings = probes.reduce(
      (sum, p, i) => sum + p.events.slice(found0[i]).filter((e: ProbeEvent) => e.event === 'found').length,
      0,
    );
    const probeCpu = cpu.slice(0, N);
    const idleCpu = cpu[N]!;
    const periods = (seconds * 1000) / REQUERY_MS;

    const figures: Figure[] = [
      {
        name: `all ${N * (N - 1)} pairs found, after the last probe started`,
        value: allPairsAt - lastStart,
        unit: 'ms',
        baseline: { name: 'probe start-up (spawn → running), median', value: median(startup) },
        target: { text: '≤ 3,000 ms', met: allPairsAt - lastStart <= 3000 },
      },
      {
        name: 'first sighting of a pair once both run, median',
        value: median(pairTimes),
        unit: 'ms',
        note: `p95 ${p95(pairTimes)} ms, max ${Math.max(...pairTimes)} ms`,
      },
      {
        name: `mDNS queries per re-query period (${REQUERY_MS} ms), steady state`,
        value: (count1.q - count0.q) / periods,
        unit: 'queries',
        baseline: { name: 'one per probe per period, without suppression', value: N },
        note: `${((count1.r - count0.r) / seconds).toFixed(2)} responses/s on the LAN`,
      },
      {
        name: 'sightings reported per probe per period',
        value: sightings / N / periods,
        unit: 'sightings',
        baseline: { name: 'other probes', value: N - 1 },
      },
      {
        name: `CPU of one probe, steady state, ${N} probes (mean of ${N})`,
        value: probeCpu.reduce((a, b) => a + b, 0) / N,
        unit: 'ms/s',
        baseline: { name: 'idle Node process (tsx)', value: idleCpu },
        note: `max ${Math.max(...probeCpu).toFixed(2)} ms/s, window ${seconds.toFixed(0)} s`,
      },
    ];
    printFigures(`Discovery: ${N} probes on one LAN`, figures);
    console.log(
      `\nload average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')} (figures are noisy when it is high)`,
    );
    await stopAll(probes);
  } finally {
    await lab.destroy();
  }
}

void main();
