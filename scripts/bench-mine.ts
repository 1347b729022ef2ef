/**
 * `npm run bench:mine`: how fast Blockparty mines compared with the tutorial, and what mining at full
 * speed does to the peer server's latency. Prints figures; asserts nothing.
 *
 * (a) the tutorial's Python loop (python3), (b) a naive Node createHash loop, (c) our kernel on one
 * thread, (d) our worker pool on all cores, for both profiles; then p50/p99 of GET /chain with the pool
 * idle, mining with the default worker count, and mining on every core.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { CHUNK, ProofKernel } from '../src-main/mining/kernel.ts';
import { createProofSearcher, defaultWorkerCount } from '../src-main/mining/searcher.ts';
import type { ProfileName } from '../src-main/chain/types.ts';
import type { ProofJob } from '../src-main/mining/types.ts';

const LAST_PROOF = 35293n;
const LAST_HASH = 'fb29bf1df4503219343485cb4c14b6213a4ef2c5ddda3be2aa08d7d80a5cedd1';
/** Candidates start where a tutorial node looks for a proof: six-digit numbers. */
const FIRST_CHUNK = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

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

/** (d) The worker pool; the rate is taken from its progress reports after a second of warm-up. */
async function poolRate(profile: ProfileName, workers: number): Promise<number> {
  const searcher = createProofSearcher({ workers });
  const controller = new AbortController();
  const reports: { elapsedMs: number; tried: number }[] = [];
  const search = searcher.find(jobFor(profile, 14), {
    signal: controller.signal,
    onProgress: ({ elapsedMs, tried }) => reports.push({ elapsedMs, tried }),
  });
  await sleep(1000 + SECONDS * 1000);
  controller.abort();
  await search.catch(() => undefined);
  await searcher.close();
  const from = reports.find((r) => r.elapsedMs >= 1000) ?? reports[0];
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
    const { buildPeerServer } = (await import('../src-main/peer/server.ts')) as {
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

async function main(): Promise<void> {
  const cores = availableParallelism();
  console.log(`# bench:mine — ${cores} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}`);
  console.log(
    `load average at start: ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')} (figures are noisy when it is high)\n`,
  );

  const rows: string[][] = [];
  for (const profile of ['article', 'dvf'] as const) {
    const a = pythonRate(profile);
    const b = naiveNodeRate(profile);
    const c = kernelRate(profile);
    const d = await poolRate(profile, cores);
    console.log(
      `${profile}: (a) Python ${fmt(a)}  (b) naive Node ${fmt(b)}  (c) kernel 1 thread ${fmt(c)}  (d) pool ${cores} workers ${fmt(d)}`,
    );
    console.log(
      `${profile}: (c)/(a) ${ratio(c, a)}  (c)/(b) ${ratio(c, b)}  (d)/(c) ${(d / c).toFixed(2)}\n`,
    );
    rows.push([profile, fmt(a), fmt(b), fmt(c), fmt(d), ratio(c, a), ratio(c, b), (d / c).toFixed(2)]);
  }

  const body = chainJson(100);
  const server = await startServer(body);
  console.log(`GET /chain served by ${server.kind}; ${body.length} bytes`);
  const latencyRows: string[][] = [];
  for (const workers of [0, defaultWorkerCount(), cores]) {
    const { p50, p99 } = await latencyWhileMining(server.url, workers);
    const label = workers === 0 ? 'pool idle' : `pool mining, ${workers} worker${workers > 1 ? 's' : ''}`;
    console.log(`GET /chain, ${label}: p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`);
    latencyRows.push([label, `${p50.toFixed(2)} ms`, `${p99.toFixed(2)} ms`]);
  }
  await server.close();

  console.log('\nMarkdown:\n');
  console.log(
    '| profile | (a) Python loop | (b) naive Node | (c) kernel, 1 thread | (d) pool, all cores | (c)/(a) | (c)/(b) | (d)/(c) |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
  console.log('\n| GET /chain (100 blocks) | p50 | p99 |\n|---|---|---|');
  for (const row of latencyRows) console.log(`| ${row.join(' | ')} |`);
}

await main();
