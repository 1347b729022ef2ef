/**
 * A one-machine "classroom LAN" for LAN tests and benchmarks: one network namespace per laptop,
 * each with a veth cable (`eth0`) into a Linux bridge that lives in a namespace of its own (the
 * "access point"). Every interface is created directly inside its namespace, so the root namespace
 * gets no address, no route and no interface, and nothing can reach a real network.
 *
 * Names are `<prefix>-p<pid>-<seq>-sw|n<k>|x<k>`: parallel test files and other engineers never
 * collide, and a later run can tell (by the pid) which leftovers belong to a run that died.
 * Needs root (CAP_NET_ADMIN + CAP_SYS_ADMIN), iproute2 and, for the filters, nftables
 * (Debian packages `iproute2` and `nftables`).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { readdirSync } from 'node:fs';

/** One laptop of the lab. */
export interface LabNode {
  /** 0-based, the same index every lab method takes. */
  index: number;
  /** Its network namespace (`ip netns exec <ns> …`). */
  ns: string;
  /** Its address on the LAN (`eth0`, a /16). */
  ip: string;
}

/** A second NIC of a node (see {@link Lab.addSecondInterface}). */
export interface SecondInterface {
  /** Interface name inside the node (`eth1`). */
  name: string;
  /** The node's address on it. */
  ip: string;
  /** The empty namespace at its far end. */
  ns: string;
}

/** Options of {@link createLab}. */
export interface LabOptions {
  /** Number of laptops (1..250). */
  nodes: number;
  /** Family name of the namespaces (default `bplab`); the pid and a counter are appended. */
  prefix?: string;
  /** IPv6 in the laptops (default true); false gives IPv4-only laptops. */
  ipv6?: boolean;
}

/** A running lab; every method that changes the network resolves once the change is in place. */
export interface Lab {
  /** The unique name every namespace of this lab starts with. */
  readonly name: string;
  /** The namespace holding the bridge. */
  readonly switchNs: string;
  readonly nodes: readonly LabNode[];
  /** Spawns `command args` inside node k's namespace. */
  exec(k: number, command: string, args?: readonly string[], options?: SpawnOptions): ChildProcess;
  /** Runs `command args` inside node k's namespace to completion and returns its stdout. */
  run(k: number, command: string, args?: readonly string[]): Promise<string>;
  /** Drops every IPv4/IPv6 multicast frame at the bridge (unicast still flows). */
  nomcast(on: boolean): Promise<void>;
  /** AP/client isolation: ports cannot talk to each other, except to uplink ports. */
  isolate(on: boolean): Promise<void>;
  /** Marks node k's port non-isolated (a wired host everyone can reach). */
  uplink(k: number): Promise<void>;
  /** Drops `percent`% of frames at the bridge, at random (0 turns it off). */
  loss(percent: number): Promise<void>;
  /** Drops all frames, unicast and multicast, between the two groups of nodes. */
  partition(groupA: readonly number[], groupB: readonly number[]): Promise<void>;
  /** Removes every partition. */
  heal(): Promise<void>;
  /**
   * Gives node k a second NIC (`eth1`, 10.99.0.1/24) into an empty namespace. With `defaultRoute`
   * (the default) the node's default route and its multicast route go there: a VPN or Docker
   * default route, which makes software that trusts the default interface invisible on the LAN.
   */
  addSecondInterface(k: number, options?: { defaultRoute?: boolean }): Promise<SecondInterface>;
  /** Deletes node k's cable: its `eth0` disappears. */
  unplug(k: number): Promise<void>;
  /** A new cable for node k (after {@link Lab.unplug}): `eth0` comes back with the same address. */
  plug(k: number): Promise<void>;
  /** Kills every process inside the lab and deletes its namespaces; safe to call twice. */
  destroy(): Promise<void>;
}

const DEFAULT_PREFIX = 'bplab';
const BRIDGE = 'br0';
const SECOND_NODE_IP = '10.99.0.1';
const SECOND_FAR_IP = '10.99.0.2';
const DISABLE_IPV6 =
  'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 && echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6';

let sequence = 0;
const liveLabs = new Set<() => void>();

/** Node k's LAN address: 10.250.0.1, 10.250.0.2, … (k is 0-based). */
export function labIp(k: number): string {
  const host = k + 1;
  return `10.250.${host >> 8}.${host & 255}`;
}

/** Creates a lab of `nodes` laptops; throws a clear error when namespaces cannot be made here. */
export async function createLab(options: LabOptions): Promise<Lab> {
  const count = options.nodes;
  if (!Number.isInteger(count) || count < 1 || count > 250) {
    throw new Error(`createLab: nodes must be an integer from 1 to 250, got ${count}`);
  }
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  if (!/^[a-z][a-z0-9]{0,15}$/.test(prefix)) {
    throw new Error(`createLab: prefix must be 1-16 lowercase letters or digits, got "${prefix}"`);
  }
  sweepDeadLabs(prefix);

  const name = `${prefix}-p${process.pid}-${++sequence}`;
  const switchNs = `${name}-sw`;
  const nodes: LabNode[] = Array.from({ length: count }, (_, k) => ({
    index: k,
    ns: `${name}-n${k}`,
    ip: labIp(k),
  }));
  const extraNs = new Map<number, string>();
  const allNs = (): string[] => [switchNs, ...nodes.map((n) => n.ns), ...extraNs.values()];
  // Rules live here so that nomcast, loss and partitions combine.
  const state = {
    mcast: false,
    loss: 0,
    partitions: [] as Array<[number[], number[]]>,
    isolated: false,
    uplinks: new Set<number>(),
    multicastVia: new Map<number, string>(),
    destroyed: false,
  };

  const destroySync = (): void => {
    if (state.destroyed) return;
    state.destroyed = true;
    liveLabs.delete(destroySync);
    removeNamespacesSync(allNs());
  };
  liveLabs.add(destroySync);
  installExitHandlers();

  try {
    await ipRoot(['netns add ' + switchNs]).catch((error: Error) => {
      throw new Error(
        'createLab: cannot create network namespaces here. LAN tests need root (CAP_NET_ADMIN and ' +
          'CAP_SYS_ADMIN) and iproute2 (Debian packages iproute2 and nftables); run them as root, ' +
          `as CI does. The system said: ${error.message}`,
      );
    });
    await ipRoot([...nodes.map((n) => `netns add ${n.ns}`), ...nodes.map((n) => cableCommand(n, switchNs))]);
    await ipIn(switchNs, [
      'link set lo up',
      `link add ${BRIDGE} type bridge`,
      // Flood all multicast (no IGMP snooping), as a small AP does for link-local groups.
      `link set ${BRIDGE} type bridge mcast_snooping 0`,
      `link set ${BRIDGE} up`,
      ...nodes.flatMap((n) => portCommands(n.index)),
    ]);
    await Promise.all(
      nodes.map(async (n) => {
        if (options.ipv6 === false) {
          await run('ip', ['netns', 'exec', n.ns, 'sh', '-c', DISABLE_IPV6]);
        }
        await ipIn(n.ns, ['link set lo up', ...nodeLinkCommands(n)]);
      }),
    );
  } catch (error) {
    destroySync();
    throw error;
  }

  const node = (k: number): LabNode => {
    const found = nodes[k];
    if (!found) throw new Error(`lab: no node ${k} (nodes are 0..${nodes.length - 1})`);
    return found;
  };
  const nodeList = (group: readonly number[]): number[] => group.map((k) => node(k).index);

  const applyRules = async (): Promise<void> => {
    const rules: string[] = [];
    if (state.mcast) {
      rules.push('ether daddr & ff:ff:ff:80:00:00 == 01:00:5e:00:00:00 drop');
      rules.push('ether daddr & ff:ff:00:00:00:00 == 33:33:00:00:00:00 drop');
    }
    for (const [a, b] of state.partitions) {
      const ports = (group: number[]): string => `{ ${group.map((k) => `"p${k}"`).join(', ')} }`;
      rules.push(`iifname ${ports(a)} oifname ${ports(b)} drop`);
      rules.push(`iifname ${ports(b)} oifname ${ports(a)} drop`);
    }
    if (state.loss >= 100) rules.push('drop');
    else if (state.loss > 0) rules.push(`numgen random mod 100 < ${state.loss} drop`);
    // Declare, delete and redefine in one transaction: the rules change atomically.
    const script = [
      'table bridge lab',
      'delete table bridge lab',
      'table bridge lab {',
      '  chain forward {',
      '    type filter hook forward priority 0; policy accept;',
      ...rules.map((r) => `    ${r}`),
      '  }',
      '}',
      '',
    ].join('\n');
    await run('ip', ['netns', 'exec', switchNs, 'nft', '-f', '-'], script).catch((error: Error) => {
      if (/ENOENT|No such file|not found/.test(error.message)) {
        throw new Error(
          `lab: nft is missing; install nftables (Debian: apt-get install nftables). ${error.message}`,
        );
      }
      throw error;
    });
  };

  const setIsolation = async (): Promise<void> => {
    await run(
      'bridge',
      ['-n', switchNs, '-batch', '-'],
      nodes
        .map((n) => `link set dev p${n.index} isolated ${portIsolated(n.index) ? 'on' : 'off'}`)
        .join('\n') + '\n',
    );
  };
  const portIsolated = (k: number): boolean => state.isolated && !state.uplinks.has(k);

  return {
    name,
    switchNs,
    nodes,
    exec(k, command, args = [], spawnOptions = {}) {
      return spawn('ip', ['netns', 'exec', node(k).ns, command, ...args], spawnOptions);
    },
    run(k, command, args = []) {
      return run('ip', ['netns', 'exec', node(k).ns, command, ...args]);
    },
    async nomcast(on) {
      state.mcast = on;
      await applyRules();
    },
    async isolate(on) {
      state.isolated = on;
      if (!on) state.uplinks.clear();
      await setIsolation();
    },
    async uplink(k) {
      state.uplinks.add(node(k).index);
      await setIsolation();
    },
    async loss(percent) {
      if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
        throw new Error(`lab.loss: percent must be an integer from 0 to 100, got ${percent}`);
      }
      state.loss = percent;
      await applyRules();
    },
    async partition(groupA, groupB) {
      const a = nodeList(groupA);
      const b = nodeList(groupB);
      if (a.length === 0 || b.length === 0)
        throw new Error('lab.partition: both groups need at least one node');
      if (a.some((k) => b.includes(k))) throw new Error('lab.partition: a node cannot be in both groups');
      state.partitions.push([a, b]);
      await applyRules();
    },
    async heal() {
      state.partitions = [];
      await applyRules();
    },
    async addSecondInterface(k, { defaultRoute = true } = {}) {
      const n = node(k);
      if (extraNs.has(k)) throw new Error(`lab.addSecondInterface: node ${k} already has one`);
      const far = `${name}-x${k}`;
      extraNs.set(k, far);
      await ipRoot([
        `netns add ${far}`,
        `link add name eth1 netns ${n.ns} type veth peer name eth0 netns ${far}`,
      ]);
      await ipIn(far, ['link set lo up', `addr add ${SECOND_FAR_IP}/24 dev eth0`, 'link set eth0 up']);
      const commands = [`addr add ${SECOND_NODE_IP}/24 dev eth1`, 'link set eth1 up'];
      if (defaultRoute) {
        commands.push(
          `route add default via ${SECOND_FAR_IP} dev eth1`,
          'route replace 224.0.0.0/4 dev eth1',
        );
        state.multicastVia.set(k, 'eth1');
      }
      await ipIn(n.ns, commands);
      return { name: 'eth1', ip: SECOND_NODE_IP, ns: far };
    },
    async unplug(k) {
      // Deleting one end of a veth deletes both.
      await ipIn(switchNs, [`link del p${node(k).index}`]);
    },
    async plug(k) {
      const n = node(k);
      await ipRoot([cableCommand(n, switchNs)]);
      await ipIn(switchNs, portCommands(k));
      if (portIsolated(k))
        await run('bridge', ['-n', switchNs, 'link', 'set', 'dev', `p${k}`, 'isolated', 'on']);
      await ipIn(n.ns, nodeLinkCommands(n, state.multicastVia.has(k)));
    },
    async destroy() {
      if (state.destroyed) return;
      state.destroyed = true;
      liveLabs.delete(destroySync);
      await removeNamespaces(allNs());
    },
  };
}

/** The veth from node n's `eth0` to its switch port `p<k>`, created inside both namespaces. */
function cableCommand(n: LabNode, switchNs: string): string {
  // A fixed MAC per node (from its address), so that a replugged laptop is the same laptop to its
  // neighbours' ARP caches, as a real one is after a Wi-Fi reconnect.
  const mac = ['02', '00', ...n.ip.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':');
  return `link add name eth0 address ${mac} netns ${n.ns} type veth peer name p${n.index} netns ${switchNs}`;
}

function portCommands(k: number): string[] {
  return [`link set p${k} master ${BRIDGE}`, `link set p${k} up`];
}

function nodeLinkCommands(n: LabNode, multicastElsewhere = false): string[] {
  const commands = [`addr add ${n.ip}/16 dev eth0`, 'link set eth0 up'];
  // No default route in a node: multicast needs a route of its own.
  if (!multicastElsewhere) commands.push('route add 224.0.0.0/4 dev eth0');
  return commands;
}

/** Deletes the namespaces of runs of this prefix whose process is gone. */
export function sweepDeadLabs(prefix = DEFAULT_PREFIX): void {
  const pattern = new RegExp(`^${prefix}-p(\\d+)-\\d+-(?:sw|n\\d+|x\\d+)$`);
  const dead = listNamespaces().filter((ns) => {
    const match = pattern.exec(ns);
    return match !== null && !processAlive(Number(match[1]));
  });
  if (dead.length > 0) removeNamespacesSync(dead);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function listNamespaces(): string[] {
  try {
    return readdirSync('/run/netns');
  } catch {
    return [];
  }
}

function pidsIn(output: string): number[] {
  return output
    .split(/\s+/)
    .filter((s) => /^\d+$/.test(s))
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

// A namespace lives on while a process is inside, so its processes are killed before its name.
function removeNamespacesSync(names: string[]): void {
  for (const ns of names) {
    let out: string;
    try {
      out = execFileSync('ip', ['netns', 'pids', ns], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } catch {
      continue;
    }
    for (const pid of pidsIn(out)) killQuietly(pid);
  }
  try {
    execFileSync('ip', ['-force', '-batch', '-'], {
      input: names.map((ns) => `netns del ${ns}`).join('\n') + '\n',
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  } catch {
    // -force reports the names that were already gone; the rest are deleted.
  }
}

async function removeNamespaces(names: string[]): Promise<void> {
  await Promise.all(
    names.map(async (ns) => {
      const out = await run('ip', ['netns', 'pids', ns]).catch(() => '');
      for (const pid of pidsIn(out)) killQuietly(pid);
    }),
  );
  await run('ip', ['-force', '-batch', '-'], names.map((ns) => `netns del ${ns}`).join('\n') + '\n').catch(
    () => undefined,
  );
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

let exitHandlersInstalled = false;

function installExitHandlers(): void {
  if (exitHandlersInstalled) return;
  exitHandlersInstalled = true;
  const cleanAll = (): void => {
    for (const destroy of [...liveLabs]) destroy();
  };
  process.on('exit', cleanAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      cleanAll();
      process.off(signal, onSignal);
      // Nobody else handles it: die of the signal as we would have without this handler.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

function ipRoot(commands: string[]): Promise<string> {
  return run('ip', ['-batch', '-'], commands.join('\n') + '\n');
}

function ipIn(ns: string, commands: string[]): Promise<string> {
  return run('ip', ['-n', ns, '-batch', '-'], commands.join('\n') + '\n');
}

/** Runs a command to completion; rejects with its stderr when it fails. */
function run(command: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        reject(
          new Error(
            `${command} ${args.join(' ')} failed (${code ?? 'error'}): ${stderr.trim() || error.message}`,
          ),
        );
      } else {
        resolve(stdout);
      }
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}
