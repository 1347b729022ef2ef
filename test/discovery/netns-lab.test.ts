// The LAN lab itself (test/helpers/netns.ts): what every LAN test relies on.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLab, labIp } from '../helpers/netns.ts';
import type { Lab } from '../helpers/netns.ts';

const NETNS = resolve('test/helpers/netns.ts');

// Every node runs this: a TCP server saying its name, and a UDP socket in a multicast group that
// answers a ping by unicast.
const ECHO = `
const net = require('node:net'), dgram = require('node:dgram');
net.createServer((s) => s.end('tcp')).listen(7000);
const u = dgram.createSocket({ type: 'udp4', reuseAddr: true });
u.on('message', (m, r) => u.send('pong', r.port, r.address));
u.bind(7001, () => { u.addMembership('239.1.2.3'); console.log('ready'); });
`;

// Asks each target over TCP and the whole group over multicast, then prints who answered what.
// The bounded wait is the only way to see an absence; the reachable targets are its control.
const CHECK = `
const net = require('node:net'), dgram = require('node:dgram');
const targets = JSON.parse(process.argv[1]);
const result = Object.fromEntries(targets.map((t) => [t, { tcp: false, mcast: false }]));
for (const t of targets) {
  const s = net.connect(7000, t);
  s.on('data', () => { result[t].tcp = true; s.destroy(); });
  s.on('error', () => {});
}
const u = dgram.createSocket('udp4');
u.on('message', (m, r) => { if (result[r.address]) result[r.address].mcast = true; });
u.bind(() => u.send('ping', 7001, '239.1.2.3'));
setTimeout(() => { console.log(JSON.stringify(result)); process.exit(0); }, 1000);
`;

type Reach = Record<string, { tcp: boolean; mcast: boolean }>;

describe('the LAN lab', { timeout: 60_000 }, () => {
  let lab: Lab;
  let rootBefore: string;
  const rootState = (): string =>
    execFileSync('ip', ['-o', 'addr'], { encoding: 'utf8' }) +
    execFileSync('ip', ['route'], { encoding: 'utf8' }) +
    execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' }).replace(/\s+link\/.*$/gm, '');

  const reach = async (from: number, to: number[]): Promise<Reach> => {
    const out = await lab.run(from, process.execPath, ['-e', CHECK, JSON.stringify(to.map(labIp))]);
    return JSON.parse(out) as Reach;
  };
  const summary = (r: Reach): string[] =>
    Object.entries(r).map(([ip, v]) => `${ip} tcp:${v.tcp ? 'y' : 'n'} mcast:${v.mcast ? 'y' : 'n'}`);

  beforeAll(async () => {
    rootBefore = rootState();
    lab = await createLab({ nodes: 4 });
    await Promise.all(
      lab.nodes.map(
        (n) =>
          new Promise<void>((done, fail) => {
            const echo = lab.exec(n.index, process.execPath, ['-e', ECHO], {
              stdio: ['ignore', 'pipe', 'inherit'],
            });
            echo.stdout!.once('data', () => done());
            echo.once('exit', (code) => fail(new Error(`echo on node ${n.index} exited with ${code}`)));
          }),
      ),
    );
  });

  afterAll(async () => {
    await lab?.destroy();
  });

  it('names every namespace after this process, and touches nothing in the root namespace', () => {
    expect(lab.name).toMatch(new RegExp(`^bplab-p${process.pid}-\\d+$`));
    expect(lab.nodes.map((n) => n.ip)).toEqual(['10.250.0.1', '10.250.0.2', '10.250.0.3', '10.250.0.4']);
    expect(rootState()).toBe(rootBefore);
  });

  it('connects every node to every other, unicast and multicast', async () => {
    expect(summary(await reach(0, [1, 2, 3]))).toEqual([
      '10.250.0.2 tcp:y mcast:y',
      '10.250.0.3 tcp:y mcast:y',
      '10.250.0.4 tcp:y mcast:y',
    ]);
  });

  it('drops multicast only, with nomcast', async () => {
    await lab.nomcast(true);
    expect(summary(await reach(0, [1, 2]))).toEqual(['10.250.0.2 tcp:y mcast:n', '10.250.0.3 tcp:y mcast:n']);
    await lab.nomcast(false);
    expect(summary(await reach(0, [1]))).toEqual(['10.250.0.2 tcp:y mcast:y']);
  });

  it('partitions two groups, unicast and multicast, and heals', async () => {
    await lab.partition([0, 1], [2, 3]);
    expect(summary(await reach(0, [1, 2, 3]))).toEqual([
      '10.250.0.2 tcp:y mcast:y',
      '10.250.0.3 tcp:n mcast:n',
      '10.250.0.4 tcp:n mcast:n',
    ]);
    expect(summary(await reach(3, [2, 1]))).toEqual(['10.250.0.3 tcp:y mcast:y', '10.250.0.2 tcp:n mcast:n']);
    await lab.heal();
    expect(summary(await reach(0, [3]))).toEqual(['10.250.0.4 tcp:y mcast:y']);
    await expect(lab.partition([0], [0, 1])).rejects.toThrow(/both groups/);
  });

  it('isolates clients from each other, except an uplink', async () => {
    await lab.isolate(true);
    await lab.uplink(3);
    expect(summary(await reach(0, [1, 3]))).toEqual(['10.250.0.2 tcp:n mcast:n', '10.250.0.4 tcp:y mcast:y']);
    await lab.isolate(false);
    expect(summary(await reach(0, [1]))).toEqual(['10.250.0.2 tcp:y mcast:y']);
  });

  it('drops everything at 100% loss, nothing at 0%', async () => {
    await lab.loss(100);
    expect(summary(await reach(0, [1]))).toEqual(['10.250.0.2 tcp:n mcast:n']);
    await lab.loss(0);
    expect(summary(await reach(0, [1]))).toEqual(['10.250.0.2 tcp:y mcast:y']);
    await expect(lab.loss(101)).rejects.toThrow(/0 to 100/);
  });

  it('gives a node a second NIC that takes its default and multicast routes', async () => {
    const second = await lab.addSecondInterface(2);
    expect(second).toMatchObject({ name: 'eth1', ip: '10.99.0.1' });
    expect(await lab.run(2, 'ip', ['route', 'get', '224.0.0.251'])).toContain('dev eth1');
    expect(await lab.run(2, 'ip', ['route', 'get', '192.0.2.1'])).toContain('via 10.99.0.2 dev eth1');
    // Unicast on the LAN still goes out of eth0.
    expect(summary(await reach(2, [0]))).toEqual(['10.250.0.1 tcp:y mcast:n']);
  });

  it('unplugs and replugs a cable', async () => {
    await lab.unplug(1);
    expect(await lab.run(1, 'ip', ['-o', 'link'])).not.toContain('eth0');
    expect(summary(await reach(0, [1]))).toEqual(['10.250.0.2 tcp:n mcast:n']);
    await lab.plug(1);
    expect(await lab.run(1, 'ip', ['-o', 'addr', 'show', 'eth0'])).toContain('10.250.0.2/16');
    // Same address and MAC, so unicast flows at once; but the echo's group membership went with
    // the old interface, as on a real laptop: software must join again (discovery does).
    expect(summary(await reach(0, [1]))).toEqual(['10.250.0.2 tcp:y mcast:n']);
  });

  it('kills the processes inside and deletes every namespace on destroy', async () => {
    const other = await createLab({ nodes: 2 });
    const sleeper = other.exec(1, 'sleep', ['600']);
    const exited = new Promise((done) => sleeper.once('exit', (_c, signal) => done(signal)));
    await other.destroy();
    expect(await exited).toBe('SIGKILL');
    expect(namespacesOf(other.name)).toEqual([]);
  });

  it('cleans up when the process exits, is killed by SIGTERM, or died earlier (swept by the next lab)', async () => {
    for (const how of ['exit', 'SIGTERM', 'SIGKILL'] as const) {
      const script = `
        import { createLab } from ${JSON.stringify(NETNS)};
        const lab = await createLab({ nodes: 2 });
        console.log(lab.name);
        if (${JSON.stringify(how)} === 'exit') process.exit(3);
        setInterval(() => {}, 1000);
      `;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const name = await new Promise<string>((done) =>
        child.stdout!.once('data', (d: Buffer) => done(d.toString().trim())),
      );
      expect(namespacesOf(name).length).toBe(3);
      if (how !== 'exit') child.kill(how);
      await new Promise((done) => child.once('exit', done));
      if (how === 'SIGKILL') {
        // Nothing ran in the dead process: the next lab sweeps its leftovers.
        expect(namespacesOf(name).length).toBe(3);
        await (await createLab({ nodes: 1 })).destroy();
      }
      expect(namespacesOf(name), how).toEqual([]);
    }
  });

  it('fails with a clear message where namespaces cannot be made', async () => {
    const script = `
      import { createLab } from ${JSON.stringify(NETNS)};
      createLab({ nodes: 1 }).then(() => console.log('created?!'), (e) => console.log(e.message));
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      env: { ...process.env, HOME: '/tmp' },
    });
    expect(out).toMatch(/cannot create network namespaces here\. LAN tests need root/);
  });
});

function namespacesOf(name: string): string[] {
  if (!existsSync('/run/netns')) return [];
  return execFileSync('ls', ['/run/netns'], { encoding: 'utf8' })
    .split('\n')
    .filter((ns) => ns.startsWith(`${name}-`));
}
