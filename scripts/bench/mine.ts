/**
 * `npm run bench:mine`: how fast Blockparty mines compared with the tutorial, and what mining at full
 * speed does to the peer server's latency. Prints figures; asserts nothing.
 *
 * (a) the tutorial's Python loop (python3), (b) a naive Node createHash loop, (c) our kernel on one
 * thread, (d) our worker pool on all cores, for both profiles; then p50/p99 of GET /chain with the pool
 * idle, mining with the default worker count, and mining on every core; then end to end: 40 × GET /mine
 * at difficulty 4 against the tutorial's Flask node and a Blockparty headless node, interleaved.
 * `mineFigures()` returns the same as figures for `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Agent, get, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHUNK, ProofKernel } from '../../src-main/mining/kernel.ts';
import { createProofSearcher, defaultWorkerCount } from '../../src-main/mining/searcher.ts';
import type { ProfileName } from '../../src-main/chain/types.ts';
import type { ProofJob } from '../../src-main/mining/types.ts';
import { ensureBuilt, median, startBlockparty, startFlask, type BenchNode } from './nodes.ts';
import { printFigures } from './report.ts';
import type { Figure } from './report.ts';

const LAST_PROOF = 35293n;
const LAST_HASH = 'fb29bf1df4503219343485cb4c14b6213a4ef2c5ddda3be2aa08d7d80a5cedd1';
/** Candidates start where a tutorial node looks for a proof: six-digit numbers. */
const FIRST_CHUNK = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** GET /mine requests per node in the end-to-end figure. */
const MINES = Number(process.env.BENCH_MINES ?? 40);

const jobFor = (profile: ProfileName, difficulty: number): ProofJob => ({
  profile,
  difficulty,
  lastProof: LAST_PROOF,
  lastHash: LAST_HASH,
});

const fmt = (rate: number): string => `${(rate / 1e6).toFixed(2)} M/s`;
const ratio = (x: number, y: number): string => `${(x / y).toFixed(1)}×`;

/**
 * (a) The tutorial's `proof_of_work` loop and `valid_proof`, as the article prints them, with a time
 * limit checked every 100 000 candidates and a rule that never matches (so it runs to the limit).
 */
function pythonRate(profile: ProfileName): number {
  const args = profile === 'dvf' ? 'last_proof, proof, last_hash' : 'last_proof, proof';
  const guess = profile === 'dvf' ? "f'{last_proof}{proof}{last_hash}'" : "f'{last_proof}{proof}'";
  const script = `
import hashlib, time

class Blockchain:
    def proof_of_work(self, last_proof, last_hash, start, seconds):
        proof = start
        until = time.perf_counter() + seconds
        while self.valid_proof(${args}) is False:
            proof += 1
            if proof % 100000 == 0 and time.perf_counter() > until:
                break
        return proof

    @staticmethod
    def valid_proof(${args}):
        guess = ${guess}.encode()
        guess_hash = hashlib.sha256(guess).hexdigest()
        return guess_hash[:4] == "never"

start = time.perf_counter()
proof = Blockchain().proof_of_work(${LAST_PROOF}, "${LAST_HASH}", ${FIRST_CHUNK * CHUNK}, ${SECONDS})
print((proof - ${FIRST_CHUNK * CHUNK}) / (time.perf_counter() - start))
`;
  const run = spawnSync('python3', ['-c', script], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return Number(run.stdout.trim());
}

/** (b) The obvious Node port of the tutorial's loop. */
function naiveNodeRate(profile: ProfileName): number {
  const suffix = profile === 'dvf' ? LAST_HASH : '';
  let proof = FIRST_CHUNK * CHUNK;
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) {
    for (let i = 0; i < 10_000; i += 1, proof += 1) {
      const hash = createHash('sha256').update(`${LAST_PROOF}${proof}${suffix}`).digest('hex');
      if (hash.startsWith('never')) break; // the tutorial's test, with a rule that never matches
    }
  }
  return ((proof - FIRST_CHUNK * CHUNK) * 1000) / (performance.now() - start);
}

/**
 * (c) The kernel on this thread; difficulty 8 so that chunks are rarely cut short by a hit. The best of
 * several half-second windows, so that other processes on a busy machine distort it less.
 */
function kernelRate(profile: ProfileName): number {
  const kernel = new ProofKernel(jobFor(profile, 8));
  let chunk = FIRST_CHUNK;
  // Warm-up: lets V8 tier the generated code up to its optimising compiler.
  for (const until = performance.now() + 500; performance.now() < until;) kernel.searchChunk(chunk++);
  let best = 0;
  for (let window = 0; window < SECONDS * 2; window += 1) {
    const first = chunk;
    const start = performance.now();
    while (performance.now() - start < 500) kernel.searchChunk(chunk++);
    best = Math.max(best, ((chunk - first) * CHUNK * 1000) / (performance.now() - start));
  }
  return best;
}

/**
 * (d) The worker pool, from its progress reports. The workers are started and warmed first, and the
 * rate is taken from the first report after half a second of hashing: worker start-up is not counted.
 */
async function poolRate(profile: ProfileName, workers: number): Promise<number> {
  const searcher = createProofSearcher({ workers });
  const job = jobFor(profile, 14);
  await searcher.warm(job);
  const controller = new AbortController();
  const reports: { elapsedMs: number; tried: number }[] = [];
  let hashingSince = Infinity;
  const search = searcher.find(job, {
    signal: controller.signal,
    onProgress: ({ elapsedMs, tried }) => {
      if (tried > 0) hashingSince = Math.min(hashingSince, elapsedMs);
      if (elapsedMs >= hashingSince + 500) reports.push({ elapsedMs, tried });
      if (elapsedMs >= hashingSince + 500 + SECONDS * 1000) controller.abort();
    },
  });
  await search.catch(() => undefined);
  await searcher.close();
  const from = reports[0];
  const to = reports[reports.length - 1];
  return ((to.tried - from.tried) * 1000) / (to.elapsedMs - from.elapsedMs);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A chain of 100 blocks shaped like the tutorial's (Python's JSON spacing, a few transactions each). */
function chainJson(blocks: number): string {
  const out: string[] = [];
  let previous = '1';
  for (let index = 1; index <= blocks; index += 1) {
    const transactions = Array.from(
      { length: index === 1 ? 0 : 1 + (index % 4) },
      (_, i) =>
        `{"amount": ${i + 1}, "recipient": "${createHash('md5').update(`r${index}.${i}`).digest('hex')}", ` +
        `"sender": "${i === 0 ? '0' : createHash('md5').update(`s${index}.${i}`).digest('hex')}"}`,
    );
    const block =
      `{"index": ${index}, "previous_hash": "${previous}", "proof": ${35293 + index * 7919}, ` +
      `"timestamp": ${1506057125.900785 + index * 61.25}, "transactions": [${transactions.join(', ')}]}`;
    previous = createHash('sha256').update(block).digest('hex');
    out.push(block);
  }
  return `{"chain": [${out.join(', ')}], "length": ${blocks}}`;
}

interface Server {
  url: URL;
  kind: string;
  close(): Promise<void>;
}

/** The real peer server (src-main/peer) over a stub node when it loads; else a minimal stand-in. */
async function startServer(body: string): Promise<Server> {
  const { default: Fastify } = await import('fastify');
  let app;
  let kind: string;
  try {
    const { buildPeerServer } = (await import('../../src-main/peer/server.ts')) as {
      buildPeerServer: (deps: { node: unknown; logger?: boolean }) => ReturnType<typeof Fastify>;
    };
    const node = new Proxy(
      { chainJson: () => body },
      {
        get: (target, key) =>
          key in target
            ? target[key as 'chainJson']
            : () => {
                throw new Error(`stub node: ${String(key)}`);
              },
      },
    );
    app = buildPeerServer({ node, logger: false });
    kind = "src-main/peer/server.ts's buildPeerServer, over a stub node serving the chain";
  } catch (error) {
    app = Fastify({ logger: false });
    app.get('/chain', async (_request, reply) => reply.type('application/json').send(body));
    kind = `a minimal Fastify stand-in (the peer server did not load: ${(error as Error).message})`;
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: new URL(`http://127.0.0.1:${port}/chain`), kind, close: () => app.close() };
}

/** p50 and p99 of sequential GET /chain over one keep-alive connection. */
async function latency(url: URL, count: number): Promise<{ p50: number; p99: number; bytes: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < count + 20; i += 1) {
    const start = performance.now();
    bytes = await new Promise<number>((resolve, reject) => {
      request(url, { agent }, (response) => {
        let size = 0;
        response.on('data', (chunk: Buffer) => (size += chunk.length));
        response.on('end', () =>
          response.statusCode === 200 ? resolve(size) : reject(new Error(`HTTP ${response.statusCode}`)),
        );
      })
        .on('error', reject)
        .end();
    });
    if (i >= 20) times.push(performance.now() - start);
  }
  agent.destroy();
  times.sort((x, y) => x - y);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { p50: at(0.5), p99: at(0.99), bytes };
}

async function latencyWhileMining(url: URL, workers: number): Promise<{ p50: number; p99: number }> {
  if (workers === 0) return latency(url, 500);
  const searcher = createProofSearcher({ workers });
  const controller = new AbortController();
  const search = searcher.find(jobFor('dvf', 14), { signal: controller.signal }).catch(() => undefined);
  await sleep(1000);
  const result = await latency(url, 500);
  controller.abort();
  await search;
  await searcher.close();
  return result;
}

/** One node answering GET /mine: the tutorial's Flask app or a Blockparty headless node. */
type MineNode = BenchNode;

/** One GET /mine on a new connection: its wall time and the proof of the block it forged. */
function mineOnce(node: MineNode): Promise<{ ms: number; proof: number }> {
  const started = performance.now();
  return new Promise((done, fail) => {
    get(`${node.url}/mine`, { agent: false }, (response) => {
      let body = '';
      response.on('data', (data: Buffer) => (body += data.toString()));
      response.on('end', () => {
        if (response.statusCode !== 200) {
          fail(new Error(`${node.name}: GET /mine answered ${response.statusCode}: ${body}`));
          return;
        }
        done({ ms: performance.now() - started, proof: (JSON.parse(body) as { proof: number }).proof });
      });
    }).on('error', fail);
  });
}

const sum = (values: readonly number[]): number => values.reduce((x, y) => x + y, 0);

/** What one node did over the run. */
interface MineRun {
  node: MineNode;
  ms: number[];
  proofs: number[];
}

/**
 * `MINES` × GET /mine on each node, interleaved (the order in a pair alternates), each node's first
 * request sent as soon as it says it serves. Both chains start at the genesis proof 100 and, with the
 * article's rule, a proof depends only on the last proof: both do the very same work when each finds the
 * smallest proof (the tutorial's loop does; so does Blockparty with one worker, its default on 2 cores).
 */
async function mineBoth(log: (line: string) => void): Promise<MineRun[]> {
  const runs: MineRun[] = [];
  // One after the other, so that neither start-up competes with the other's first mine.
  for (const start of [startFlask, startBlockparty]) {
    const node = await start();
    const first = await mineOnce(node);
    runs.push({ node, ms: [first.ms], proofs: [first.proof] });
    log(`${node.name}: up in ${node.startMs.toFixed(0)} ms; first GET /mine ${first.ms.toFixed(1)} ms`);
  }
  try {
    for (let i = 1; i < MINES; i += 1) {
      for (const run of i % 2 ? runs : [...runs].reverse()) {
        const { ms, proof } = await mineOnce(run.node);
        run.ms.push(ms);
        run.proofs.push(proof);
      }
    }
  } finally {
    await Promise.all(runs.map((run) => run.node.stop()));
  }
  return runs;
}

/** The miner alone: `MINES` × find() from the genesis proof with one worker, after `warm()`. */
async function minerAlone(): Promise<{ warmMs: number; ms: number[]; proofs: number[] }> {
  const searcher = createProofSearcher({ workers: 1 });
  const job: ProofJob = { profile: 'article', difficulty: 4, lastProof: 100n, lastHash: '' };
  const started = performance.now();
  await searcher.warm(job);
  const warmMs = performance.now() - started;
  const ms: number[] = [];
  const proofs: number[] = [];
  for (let i = 0; i < MINES; i += 1) {
    const at = performance.now();
    job.lastProof = await searcher.find(job);
    ms.push(performance.now() - at);
    proofs.push(Number(job.lastProof));
  }
  await searcher.close();
  return { warmMs, ms, proofs };
}

/** The end-to-end figures: MINES × GET /mine, and the first mine after start against the others. */
function mineRunFigures(runs: MineRun[], load: string): Figure[] {
  const [flask, ours] = runs;
  const same = flask.proofs.filter((proof, i) => ours.proofs[i] === proof).length;
  const speedup = sum(flask.ms) / sum(ours.ms);
  const candidates = (run: MineRun): number[] => run.proofs.map((proof) => proof + 1);
  const firstNote = (run: MineRun): string =>
    `first block: proof ${run.proofs[0]}, ${run.proofs[0] + 1} candidates; the others: median ` +
    `${median(candidates(run).slice(1)).toFixed(0)} candidates; ${load}`;
  return [
    {
      name: `${MINES} × GET /mine, difficulty 4, article profile, from genesis`,
      value: sum(ours.ms),
      unit: 'ms',
      baseline: { name: flask.node.name, value: sum(flask.ms) },
      target: { text: `${MINES} × GET /mine ≥ 5× faster than the tutorial (same run)`, met: speedup >= 5 },
      note: `${speedup.toFixed(2)}× faster; same proofs in ${same} of ${MINES} blocks; interleaved; ${load}`,
    },
    {
      name: 'first GET /mine after start, Blockparty',
      value: ours.ms[0],
      unit: 'ms',
      baseline: { name: 'median of the other mines', value: median(ours.ms.slice(1)) },
      target: {
        text: 'first mine after start no slower than the others',
        met: ours.ms[0] <= median(ours.ms.slice(1)),
      },
      note: firstNote(ours),
    },
    {
      name: "first GET /mine after start, the tutorial's Flask node",
      value: flask.ms[0],
      unit: 'ms',
      baseline: { name: 'median of the other mines', value: median(flask.ms.slice(1)) },
      note: firstNote(flask),
    },
  ];
}

const loadNote = (): string => `load average ${loadavg()[0].toFixed(2)} on ${availableParallelism()} cores`;

/** What (a)–(d) and the latency measure, per profile and per worker count. */
interface KernelResults {
  rates: { profile: ProfileName; python: number; naive: number; kernel: number; pool: number }[];
  latency: { label: string; workers: number; p50: number; p99: number }[];
  server: string;
}

async function measureKernels(log: (line: string) => void): Promise<KernelResults> {
  const cores = availableParallelism();
  const rates: KernelResults['rates'] = [];
  for (const profile of ['article', 'dvf'] as const) {
    const python = pythonRate(profile);
    const naive = naiveNodeRate(profile);
    const kernel = kernelRate(profile);
    const pool = await poolRate(profile, cores);
    log(
      `${profile}: (a) Python ${fmt(python)}  (b) naive Node ${fmt(naive)}  (c) kernel 1 thread ${fmt(kernel)}  (d) pool ${cores} workers ${fmt(pool)}`,
    );
    log(
      `${profile}: (c)/(a) ${ratio(kernel, python)}  (c)/(b) ${ratio(kernel, naive)}  (d)/(c) ${(pool / kernel).toFixed(2)}\n`,
    );
    rates.push({ profile, python, naive, kernel, pool });
  }
  const body = chainJson(100);
  const server = await startServer(body);
  log(`GET /chain served by ${server.kind}; ${body.length} bytes`);
  const latency: KernelResults['latency'] = [];
  for (const workers of [0, defaultWorkerCount(), cores]) {
    const { p50, p99 } = await latencyWhileMining(server.url, workers);
    const label = workers === 0 ? 'pool idle' : `pool mining, ${workers} worker${workers > 1 ? 's' : ''}`;
    log(`GET /chain, ${label}: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
    latency.push({ label, workers, p50, p99 });
  }
  await server.close();
  return { rates, latency, server: server.kind };
}

/** The kernel and pool figures, with the targets of docs/benchmarks.md. */
function kernelFigures(results: KernelResults, load: string): Figure[] {
  const cores = availableParallelism();
  const figures: Figure[] = [];
  for (const { profile, python, kernel, pool } of results.rates) {
    const target = profile === 'article' ? 12e6 : 6e6;
    figures.push({
      name: `(c) kernel, 1 thread, ${profile}`,
      value: kernel / 1e6,
      unit: 'M/s',
      baseline: { name: "(a) the tutorial's Python loop", value: python / 1e6 },
      target: { text: `≥ ${target / 1e6} M/s`, met: kernel >= target },
      note: `${ratio(kernel, python)} the Python loop; ${load}`,
    });
    figures.push({
      name: `(d) pool, ${cores} workers, ${profile}`,
      value: pool / 1e6,
      unit: 'M/s',
      baseline: { name: '(c) kernel, 1 thread', value: kernel / 1e6 },
      target: {
        text: `(d)/(c) ≥ ${(0.85 * cores).toFixed(2)} (0.85 per core)`,
        met: pool / kernel >= 0.85 * cores,
      },
      note: `(d)/(c) ${(pool / kernel).toFixed(2)}; worker start-up not counted`,
    });
  }
  const idle = results.latency[0];
  const full = results.latency[results.latency.length - 1];
  figures.push({
    name: `p99 of GET /chain (100 blocks) while the pool mines on ${cores} workers`,
    value: full.p99,
    unit: 'ms',
    baseline: { name: 'pool idle', value: idle.p99 },
    target: { text: '< 25 ms', met: full.p99 < 25 },
    note: `p50 ${full.p50.toFixed(2)} ms`,
  });
  return figures;
}

/** Every figure of this benchmark, for `npm run bench`; progress lines go to `log` (stderr by default). */
export async function mineFigures(
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<Figure[]> {
  const kernels = await measureKernels(log);
  const load = loadNote();
  const runs = await mineBoth(log);
  const runLoad = loadNote();
  const alone = await minerAlone();
  return [...kernelFigures(kernels, load), ...mineRunFigures(runs, runLoad), minerFigure(alone, runs[0])];
}

/** What the miner alone takes of the end-to-end time (no target: the rest is the node's). */
function minerFigure(alone: Awaited<ReturnType<typeof minerAlone>>, flask: MineRun): Figure {
  const same = alone.proofs.filter((proof, i) => flask.proofs[i] === proof).length;
  return {
    name: `${MINES} × find() of the miner alone (1 worker, after warm()), same chain`,
    value: sum(alone.ms),
    unit: 'ms',
    baseline: { name: `${flask.node.name}, ${MINES} × GET /mine`, value: sum(flask.ms) },
    note:
      `${(sum(flask.ms) / sum(alone.ms)).toFixed(1)}× faster; first find ${alone.ms[0].toFixed(1)} ms, ` +
      `median ${median(alone.ms).toFixed(1)} ms; warm() took ${alone.warmMs.toFixed(0)} ms; ` +
      `same proofs in ${same} of ${MINES}; ${loadNote()}`,
  };
}

/** `npm run bench:mine`: the detailed lines and Markdown tables, then the figures. */
export async function main(): Promise<void> {
  ensureBuilt();
  const cores = availableParallelism();
  const log = (line: string): void => console.log(line);
  log(`# bench:mine — ${cores} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
  log(`${loadNote()} at start (figures are noisy when it is high)\n`);

  const kernels = await measureKernels(log);
  const kernelLoad = loadNote();
  log('');
  const runs = await mineBoth(log);
  const runLoad = loadNote();
  const alone = await minerAlone();
  for (const run of runs) {
    log(
      `${run.node.name}: ${MINES} × GET /mine ${sum(run.ms).toFixed(0)} ms; first ${run.ms[0].toFixed(1)} ms, ` +
        `median of the rest ${median(run.ms.slice(1)).toFixed(1)} ms; proofs ${run.proofs.slice(0, 4).join(', ')}…`,
    );
  }

  log('\nMarkdown:\n');
  log(
    '| profile | (a) Python loop | (b) naive Node | (c) kernel, 1 thread | (d) pool, all cores | (c)/(a) | (c)/(b) | (d)/(c) |',
  );
  log('|---|---|---|---|---|---|---|---|');
  for (const { profile, python, naive, kernel, pool } of kernels.rates) {
    const row = [
      profile,
      fmt(python),
      fmt(naive),
      fmt(kernel),
      fmt(pool),
      ratio(kernel, python),
      ratio(kernel, naive),
    ];
    log(`| ${[...row, (pool / kernel).toFixed(2)].join(' | ')} |`);
  }
  log('\n| GET /chain (100 blocks) | p50 | p99 |\n|---|---|---|');
  for (const { label, p50, p99 } of kernels.latency)
    log(`| ${label} | ${p50.toFixed(2)} ms | ${p99.toFixed(2)} ms |`);
  printFigures('Mining', [
    ...kernelFigures(kernels, kernelLoad),
    ...mineRunFigures(runs, runLoad),
    minerFigure(alone, runs[0]),
  ]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
