/**
 * `npm run bench:network [-- --nodes 30 --blocks 40 --txs 0]`: how a mined block spreads over a LAN of
 * headless nodes, one per network namespace (test/helpers/netns.ts, as root), three ways in one run:
 *
 * - relay: the live network (tree relay, heartbeat repair), nodes found by discovery;
 * - tutorial: `--manual` nodes that know every peer and each resolve from every peer after each block
 *   (the tutorial's way: every node downloads every peer's whole chain);
 * - flood: a naive flood, emulated from the outside (the node has no such mode): nodes that know no
 *   peer (so they relay nothing themselves) get the block pushed with `POST /blockparty/blocks` by
 *   the miner to every other node, and each node that takes it pushes it on to every other node but
 *   its sender, each push made from the pushing node's own namespace, over keep-alive connections
 *   with the node's own client limits (16 connections).
 *
 * Every mode starts its nodes on one shared genesis (written in their chain logs) and mines the same
 * number of blocks, one at a time, each on a node drawn at random, the next once every node has the
 * last. Figures:
 * - time from a block's creation (its timestamp) to its arrival on the last node, p50/p99 over the
 *   blocks, read afterwards from each node's activity log (while a block spreads nothing polls the
 *   nodes but one `GET /blockparty/info` per node and round, over the laptop's loopback);
 * - bytes and requests sent per block per node: every frame a laptop sends on its cable is counted
 *   (nft in each laptop) under the route of the request its TCP connection carries at that moment
 *   (the segment that starts a request marks the connection), so a push with its answer and their
 *   acknowledgements is relay traffic, a heartbeat with its answer is liveness traffic, even on one
 *   keep-alive connection. Relay = pushes and syncs (and the tutorial's whole chains); liveness =
 *   heartbeats (`GET /blockparty/info`), peer exchange and hellos, shown apart per second; discovery's
 *   multicast (UDP) and frames of no request yet (connection set-up) are shown apart too.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createGenesis } from '../../src-main/chain/block.ts';
import { createLab, type Lab } from '../../test/helpers/netns.ts';
import {
  HEADLESS_BUNDLE,
  LAN_PORT,
  labDir,
  openGateway,
  startLanNode,
  waitUntil,
  type ActivityLine,
  type Gateway,
  type LanNode,
  type LanNodeOptions,
} from '../../test/helpers/lan-nodes.ts';
import { ensureBuilt, loadNote, percentile } from './nodes.ts';
import { printFigures, type Figure } from './report.ts';

/** Options of {@link networkFigures}. */
export interface NetworkBenchOptions {
  /** Nodes (laptops) in each mode (default 10). */
  nodes?: number;
  /** Blocks mined in each mode (default 40). */
  blocks?: number;
  /** Transactions in each block besides the reward, posted to its miner (default 0). */
  txs?: number;
  /** Modes to run (default all three). */
  modes?: readonly Mode[];
  /** Progress lines. */
  log?: (line: string) => void;
  /** Seed of the choice of miners. */
  seed?: number;
}

/** The three ways of spreading a block. */
export type Mode = 'relay' | 'tutorial' | 'flood';
const MODES: readonly Mode[] = ['relay', 'tutorial', 'flood'];

/** Requests told apart by route: the first bytes of the TCP segment that starts each. */
const ROUTES = {
  push: 'POST /blockparty/blocks ',
  txpush: 'POST /blockparty/transactions ',
  sync: 'POST /blockparty/sync ',
  hello: 'POST /blockparty/hello ',
  info: 'GET /blockparty/info ',
  peers: 'GET /blockparty/peers ',
  chain: 'GET /chain ',
} as const;
type Route = keyof typeof ROUTES;
const ROUTE_NAMES = Object.keys(ROUTES) as Route[];
/** What spreads a block: pushes and syncs (the live network), whole chains (the tutorial's way). */
const RELAY: readonly Route[] = ['push', 'sync', 'chain'];
/** The heartbeat, peer exchange and hellos: liveness, not relay. */
const LIVENESS: readonly Route[] = ['info', 'peers', 'hello'];
const IDLE_MS = 10_000;
type ByteKey = Route | 'unmarked' | 'udp' | 'all';
const BYTE_KEYS: readonly ByteKey[] = [...ROUTE_NAMES, 'unmarked', 'udp', 'all'];

/** What every node sent, summed: bytes by what they belong to, and requests by route. */
interface Counters {
  /** When read (epoch ms); in a difference, the ms between the two reads. */
  at: number;
  /** Ethernet bytes sent on the LAN, by the route of the exchange they belong to. */
  bytes: Record<ByteKey, number>;
  /** Requests sent, by route. */
  requests: Record<Route, number>;
}

/** What one mode measured. */
interface ModeResult {
  mode: Mode;
  nodes: number;
  /** Per block: ms from its creation to its arrival on the last node. */
  spread: number[];
  /** Mean size of the blocks' text. */
  blockBytes: number;
  /** From the first mine to the last block everywhere. */
  blocksPhase: Counters;
  /** The idle window before (same nodes, no block). */
  idle: Counters;
}

function run(command: string, args: readonly string[], input?: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = execFile(
      command,
      args,
      { encoding: 'utf8', timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? fail(new Error(`${command} ${args.join(' ')}: ${stderr || error.message}`)) : done(stdout),
    );
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input ?? '');
  });
}

/**
 * nft rules in laptop k: the segment that starts a request (sent or received) marks its TCP
 * connection with the route, and every frame the laptop sends on its cable is counted under its
 * connection's mark.
 */
async function installCounters(lab: Lab, k: number): Promise<void> {
  const prefix = (route: Route): string[] => {
    const bytes = Buffer.from(ROUTES[route]);
    // TCP headers of 32 bytes (with timestamps, Linux's default) and of 20.
    return [256, 160].map((offset) => {
      const parts: string[] = [];
      for (let i = 0; i < bytes.length; i += 16) {
        const chunk = bytes.subarray(i, i + 16);
        parts.push(`@th,${offset + i * 8},${chunk.length * 8} 0x${chunk.toString('hex')}`);
      }
      return `tcp dport ${LAN_PORT} ${parts.join(' ')}`;
    });
  };
  const mark = (route: Route): number => ROUTE_NAMES.indexOf(route) + 1;
  const input: string[] = [];
  const output: string[] = [];
  for (const route of ROUTE_NAMES) {
    for (const match of prefix(route)) {
      input.push(`iifname "eth0" ${match} ct mark set ${mark(route)}`);
      output.push(`oifname "eth0" ${match} ct mark set ${mark(route)} counter comment "request:${route}"`);
    }
  }
  output.push('oifname "eth0" counter comment "bytes:all"');
  output.push('oifname "eth0" meta l4proto udp counter comment "bytes:udp"');
  for (const route of ROUTE_NAMES)
    output.push(`oifname "eth0" meta l4proto tcp ct mark ${mark(route)} counter comment "bytes:${route}"`);
  output.push('oifname "eth0" meta l4proto tcp ct mark 0 counter comment "bytes:unmarked"');
  const chain = (name: string, rules: string[]): string[] => [
    `  chain ${name} {`,
    `    type filter hook ${name} priority 0; policy accept;`,
    ...rules.map((r) => `    ${r}`),
    '  }',
  ];
  const script = [
    'table inet bench',
    'delete table inet bench',
    'table inet bench {',
    ...chain('input', input),
    ...chain('output', output),
    '}',
    '',
  ].join('\n');
  await run('ip', ['netns', 'exec', lab.nodes[k]!.ns, 'nft', '-f', '-'], script);
}

function emptyCounters(at = Date.now()): Counters {
  return {
    at,
    bytes: Object.fromEntries(BYTE_KEYS.map((k) => [k, 0])) as Counters['bytes'],
    requests: Object.fromEntries(ROUTE_NAMES.map((k) => [k, 0])) as Counters['requests'],
  };
}

/** The counters of laptops 0..count-1, summed. */
async function readCounters(lab: Lab, count: number): Promise<Counters> {
  const outs = await Promise.all(
    Array.from({ length: count }, (_, k) =>
      run('ip', ['netns', 'exec', lab.nodes[k]!.ns, 'nft', '-j', 'list', 'table', 'inet', 'bench']),
    ),
  );
  const total = emptyCounters();
  for (const out of outs) {
    const parsed = JSON.parse(out) as {
      nftables: { rule?: { comment?: string; expr: { counter?: { packets: number; bytes: number } }[] } }[];
    };
    for (const item of parsed.nftables) {
      const comment = item.rule?.comment;
      const counter = item.rule?.expr.find((e) => e.counter)?.counter;
      if (!comment || !counter) continue;
      const [what, name] = comment.split(':') as ['bytes' | 'request', string];
      // The hooks see IP packets; on the cable each is a frame with a 14-byte Ethernet header.
      if (what === 'bytes') total.bytes[name as ByteKey] += counter.bytes + 14 * counter.packets;
      else total.requests[name as Route] += counter.packets;
    }
  }
  return total;
}

function diff(a: Counters, b: Counters): Counters {
  const out = emptyCounters(b.at - a.at);
  for (const k of BYTE_KEYS) out.bytes[k] = b.bytes[k] - a.bytes[k];
  for (const k of ROUTE_NAMES) out.requests[k] = b.requests[k] - a.requests[k];
  return out;
}

/** A small seeded generator (the same miners run after run). */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** The last block's text in a node's `GET /chain` answer (its own canonical text). */
function lastBlockText(chainJson: string): string {
  return chainJson.slice(chainJson.lastIndexOf('{"index": '), chainJson.lastIndexOf('], "length": '));
}

/** When each node other than the miner first held block `index` (epoch ms), from its activity log. */
function arrival(lines: readonly ActivityLine[], index: number, after: number): number | null {
  for (const line of lines) {
    const p = line.params;
    if (line.code === 'block-received' || line.code === 'block-received-late') {
      if (p['index'] === index) return line.time;
    } else if (
      ['chain-synced', 'chain-reorg', 'chain-replaced', 'chain-replaced-restored'].includes(line.code) &&
      typeof p['blocks'] === 'number' &&
      p['blocks'] >= index &&
      line.time >= after
    ) {
      return line.time;
    }
  }
  return null;
}

/** A keep-alive HTTP agent whose connections leave from laptop `ns` (for the emulated flood). */
function agentFrom(gateway: Gateway, ns: string): Agent {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, maxTotalSockets: 16 });
  agent.createConnection = (options) => gateway.connect(ns, String(options.host), Number(options.port));
  return agent;
}

function pushBlock(agent: Agent, host: string, body: string): Promise<string> {
  return new Promise((done, fail) => {
    const req = request({
      host,
      port: LAN_PORT,
      method: 'POST',
      path: '/blockparty/blocks',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`push to ${host}: no answer in 10 s`)));
    req.on('error', fail);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          done(String((JSON.parse(Buffer.concat(chunks).toString()) as { status?: unknown }).status));
        } catch {
          done(`HTTP ${res.statusCode}`);
        }
      });
    });
    req.end(body);
  });
}

/** The naive flood of one block: every node that takes it pushes it to every other node but its sender. */
async function flood(
  nodes: readonly LanNode[],
  origin: LanNode,
  text: string,
  agents: Map<number, Agent>,
): Promise<void> {
  const received = new Set<number>([origin.k]);
  const pushes: Promise<void>[] = [];
  const forward = (from: LanNode, except: LanNode | null): void => {
    const body = `{"from": "${from.id}", "origin": "${origin.id}", "blocks": [${text}]}`;
    for (const to of nodes) {
      if (to === from || to === except) continue;
      pushes.push(
        pushBlock(agents.get(from.k)!, to.ip, body).then((status) => {
          if (status === 'added' && !received.has(to.k)) {
            received.add(to.k);
            forward(to, from);
          }
        }),
      );
    }
  };
  forward(origin, null);
  // Pushes add pushes: wait until none is left.
  for (let done = 0; done < pushes.length; done++) await pushes[done];
}

async function startNodes(
  lab: Lab,
  gateway: Gateway,
  dir: string,
  count: number,
  options: LanNodeOptions,
): Promise<LanNode[]> {
  const nodes: LanNode[] = [];
  // In batches: thirty node processes starting at once on two cores would each time out.
  for (let k = 0; k < count; k += 6) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(6, count - k) }, (_, i) => {
        const dataDir = join(dir, `node-${k + i}`);
        mkdirSync(dataDir, { recursive: true });
        return startLanNode(lab, gateway, k + i, dataDir, { startTimeoutMs: 120_000, ...options });
      }),
    );
    nodes.push(...batch);
  }
  return nodes;
}

async function runMode(
  mode: Mode,
  lab: Lab,
  gateway: Gateway,
  dir: string,
  options: Required<Omit<NetworkBenchOptions, 'modes'>>,
): Promise<ModeResult> {
  const { log } = options;
  const count = options.nodes;
  const genesis = createGenesis('article', Date.now() / 1000).text;
  const args =
    mode === 'relay' ? [] : mode === 'tutorial' ? ['--manual', '--no-discovery'] : ['--no-discovery'];
  const started = Date.now();
  const nodes = await startNodes(lab, gateway, join(dir, mode), count, {
    bundle: true,
    difficulty: 4,
    dashboard: true,
    genesis,
    args,
  });
  const agents = new Map<number, Agent>();
  try {
    log(`${mode}: ${count} nodes started in ${Date.now() - started} ms`);
    if (mode === 'relay') {
      await waitUntil(
        `every node listing the ${count - 1} others`,
        async (note) => {
          const online = await Promise.all(
            nodes.map(async (n) => (await n.peers()).filter((p) => p.status === 'online').length),
          );
          note(online.join(','));
          return online.every((c) => c >= count - 1) ? true : undefined;
        },
        Date.now() + 120_000,
        500,
      );
      log(`${mode}: every node lists the others (${Date.now() - started} ms after the first start)`);
    } else if (mode === 'tutorial') {
      for (const n of nodes) {
        const res = await n.post('/nodes/register', {
          nodes: nodes.filter((o) => o !== n).map((o) => `http://${o.address}`),
        });
        if (res.status !== 201) throw new Error(`register on laptop ${n.k}: ${res.status} ${res.body}`);
      }
    } else {
      for (const n of nodes) agents.set(n.k, agentFrom(gateway, n.ns));
    }

    // Liveness alone, over an idle window of the same nodes.
    const idleStart = await readCounters(lab, count);
    await new Promise((done) => setTimeout(done, mode === 'relay' ? IDLE_MS : 2_000));
    const phaseStart = await readCounters(lab, count);
    const idle = diff(idleStart, phaseStart);

    const pick = random(options.seed + MODES.indexOf(mode));
    const mined: { index: number; origin: LanNode; forged: number; text: string }[] = [];
    let txSeq = 0;
    for (let b = 0; b < options.blocks; b++) {
      const origin = nodes[Math.floor(pick() * nodes.length)]!;
      for (let t = 0; t < options.txs; t++) {
        await origin.submit({ sender: `bench-${mode}-${++txSeq}`, recipient: 'class', amount: 1 + (t % 9) });
      }
      const index = await origin.mine();
      const text = lastBlockText((await origin.get('/chain')).body);
      const forged = Math.round(Number(/"timestamp": ([0-9.e+-]+)/.exec(text)![1]) * 1000);
      if (mode === 'tutorial') {
        await Promise.all(
          nodes.map(async (n) => {
            if (n === origin) return;
            const res = await gateway.request(
              n.ns,
              '127.0.0.1',
              LAN_PORT,
              'GET',
              '/nodes/resolve',
              undefined,
              120_000,
            );
            if (res.status !== 200) throw new Error(`resolve on laptop ${n.k}: ${res.status}`);
          }),
        );
      } else if (mode === 'flood') {
        await flood(nodes, origin, text, agents);
      }
      let waitMs = 20;
      const missing = new Set(nodes.filter((n) => n !== origin));
      const deadline = Date.now() + 60_000;
      while (missing.size > 0) {
        await new Promise((done) => setTimeout(done, waitMs));
        waitMs = Math.min(500, waitMs * 2);
        await Promise.all(
          [...missing].map(async (n) => {
            if ((await n.info()).length >= index) missing.delete(n);
          }),
        );
        if (Date.now() > deadline)
          throw new Error(`${mode}: block ${index} missing on laptops ${[...missing].map((n) => n.k)}`);
      }
      mined.push({ index, origin, forged, text });
      if ((b + 1) % 10 === 0) log(`${mode}: ${b + 1} blocks`);
    }
    // The last answers and acknowledgements are on their way: a moment for them to be counted.
    await new Promise((done) => setTimeout(done, 300));
    const blocksPhase = diff(phaseStart, await readCounters(lab, count));

    const activity = new Map<number, ActivityLine[]>();
    await Promise.all(nodes.map(async (n) => activity.set(n.k, await n.activity())));
    const spread = mined.map(({ index, origin, forged }) => {
      let last = forged;
      for (const n of nodes) {
        if (n === origin) continue;
        const at = arrival(activity.get(n.k)!, index, forged - 1000);
        if (at === null) throw new Error(`${mode}: no arrival of block ${index} in laptop ${n.k}'s activity`);
        last = Math.max(last, at);
      }
      return last - forged;
    });
    const raw = (c: Counters): string =>
      `${c.at} ms, bytes ${JSON.stringify(c.bytes)}, requests ${JSON.stringify(c.requests)}`;
    log(`${mode}: idle: ${raw(idle)}`);
    log(`${mode}: blocks: ${raw(blocksPhase)}`);
    return {
      mode,
      nodes: count,
      spread,
      blockBytes: mined.reduce((s, m) => s + m.text.length, 0) / mined.length,
      blocksPhase,
      idle,
    };
  } finally {
    for (const agent of agents.values()) agent.destroy();
    await Promise.all(nodes.map((n) => n.stop()));
  }
}

/** Per block per node: relay bytes and requests, and what else the nodes sent meanwhile. */
function perBlock(r: ModeResult): {
  bytes: number;
  requests: number;
  byRoute: Partial<Record<Route, number>>;
  udp: number;
  unmarked: number;
} {
  const per = r.spread.length * r.nodes;
  const c = r.blocksPhase;
  const byRoute: Partial<Record<Route, number>> = {};
  for (const route of RELAY) if (c.requests[route] > 0) byRoute[route] = c.requests[route] / per;
  return {
    bytes: RELAY.reduce((s, k) => s + c.bytes[k], 0) / per,
    requests: RELAY.reduce((s, k) => s + c.requests[k], 0) / per,
    byRoute,
    udp: c.bytes.udp / per,
    unmarked: c.bytes.unmarked / per,
  };
}

/** The network figures: the live relay against the tutorial's way and a naive flood, in one run. */
export async function networkFigures(options: NetworkBenchOptions = {}): Promise<Figure[]> {
  const settings = {
    nodes: options.nodes ?? 10,
    blocks: options.blocks ?? 40,
    txs: options.txs ?? 0,
    seed: options.seed ?? 9,
    log: options.log ?? (() => undefined),
  };
  const modes = options.modes ?? MODES;
  if (!existsSync(HEADLESS_BUNDLE)) {
    throw new Error(`${HEADLESS_BUNDLE} is missing: build it first (npm run bench:network does).`);
  }
  const lab = await createLab({ nodes: settings.nodes, prefix: 'bpbench' });
  const made = labDir();
  const gateway = await openGateway(made.dir);
  const results = new Map<Mode, ModeResult>();
  try {
    await Promise.all(lab.nodes.map((n) => installCounters(lab, n.index)));
    for (const mode of modes) results.set(mode, await runMode(mode, lab, gateway, made.dir, settings));
  } finally {
    await gateway.close();
    await lab.destroy();
    made.cleanup();
  }
  return figuresOf(results, settings);
}

const LABELS: Record<Mode, string> = {
  relay: 'live relay',
  tutorial: "the tutorial's way (every node resolves from every peer)",
  flood: 'naive flood (emulated)',
};

function figuresOf(
  results: Map<Mode, ModeResult>,
  settings: { nodes: number; blocks: number; txs: number },
): Figure[] {
  const figures: Figure[] = [];
  const context = `${settings.nodes} nodes, ${settings.blocks} blocks of ${settings.txs} transactions + reward, ${loadNote()}`;
  const at30 = settings.nodes >= 30;
  for (const [mode, r] of results) {
    const per = perBlock(r);
    const relay = mode === 'relay';
    // The relay's rows carry the other ways of the same run as baselines.
    const baselines = relay ? [...results.values()].filter((o) => o.mode !== 'relay') : [];
    const rows = (
      name: string,
      unit: string,
      value: (x: ModeResult) => number,
      extra: Partial<Figure> = {},
    ): void => {
      if (baselines.length === 0) {
        figures.push({ name: `${LABELS[mode]}: ${name}`, value: value(r), unit, ...extra });
        return;
      }
      for (const [i, b] of baselines.entries())
        figures.push({
          name: `${LABELS[mode]}: ${name}`,
          value: value(r),
          unit,
          baseline: { name: LABELS[b.mode], value: value(b) },
          ...(i === 0 ? extra : {}),
        });
    };
    const p99 = percentile(r.spread, 99);
    rows('block creation to the last node, p50', 'ms', (x) => percentile(x.spread, 50), {
      note: context,
    });
    rows('block creation to the last node, p99', 'ms', (x) => percentile(x.spread, 99), {
      ...(relay && at30 ? { target: { text: '< 1 s (30 nodes)', met: p99 < 1000 } } : {}),
      note: `max ${Math.max(...r.spread)} ms over ${r.spread.length} blocks`,
    });
    const ratio = per.bytes / r.blockBytes;
    rows('relay bytes sent per block per node', 'B', (x) => perBlock(x).bytes, {
      ...(relay && at30 ? { target: { text: '≤ 4× the block (30 nodes)', met: ratio <= 4 } } : {}),
      note:
        `${ratio.toFixed(2)}× the block's ${Math.round(r.blockBytes)} B; Ethernet frames of the ` +
        `exchanges (request, answer, acknowledgements); besides: ${Math.round(per.udp)} B of mDNS, ` +
        `${Math.round(per.unmarked)} B of connection set-up`,
    });
    rows('relay requests sent per block per node', 'requests', (x) => perBlock(x).requests, {
      note: Object.entries(per.byRoute)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', '),
    });
    if (relay) {
      const idle = r.idle;
      const live = LIVENESS.reduce((s, k) => s + idle.bytes[k], 0);
      const beats = LIVENESS.reduce((s, k) => s + idle.requests[k], 0);
      figures.push({
        name: 'live relay: liveness bytes sent per node per second while idle (heartbeats, peer exchange)',
        value: (live / idle.at) * (1000 / r.nodes),
        unit: 'B/s',
        note:
          `${((beats / idle.at) * (1000 / r.nodes)).toFixed(2)} requests/s per node, plus ` +
          `${Math.round((idle.bytes.udp / idle.at) * (1000 / r.nodes))} B/s of mDNS, over ${idle.at} ms`,
      });
    }
  }
  return figures;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      nodes: { type: 'string' },
      blocks: { type: 'string' },
      txs: { type: 'string' },
      modes: { type: 'string' },
    },
  });
  const int = (name: string, text: string | undefined): number | undefined => {
    if (text === undefined) return undefined;
    if (!/^\d+$/.test(text) || Number(text) < 1)
      throw new Error(`--${name} needs a whole number ≥ 1, not "${text}"`);
    return Number(text);
  };
  const modes = values.modes?.split(',').map((m) => m.trim()) as Mode[] | undefined;
  for (const m of modes ?? [])
    if (!MODES.includes(m)) throw new Error(`--modes: unknown mode "${m}" (relay, tutorial, flood)`);
  const nodes = int('nodes', values.nodes);
  if (nodes !== undefined && (nodes < 2 || nodes > 250)) throw new Error('--nodes must be from 2 to 250');
  ensureBuilt();
  const figures = await networkFigures({
    nodes,
    blocks: int('blocks', values.blocks),
    txs: values.txs === '0' ? 0 : int('txs', values.txs),
    modes,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  printFigures('Network', figures);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    process.stderr.write(`bench:network: ${(error as Error).message}\n`);
    process.exit(1);
  });
}
