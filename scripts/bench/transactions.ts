/**
 * `POST /transactions/new` with 64 requests in flight over keep-alive, the same client against the
 * tutorial's Flask node, a Blockparty headless node and a bare Node server that only answers 201
 * (the ceiling of this machine for this client). Blockparty's 201 means the transaction is on disk.
 * The Blockparty run goes on until its pool holds 10,000 more transactions, to show the rate stays
 * flat. Each server first takes a warm-up of posts that are not timed (BENCH_TX_WARMUP).
 */
import { Agent, request } from 'node:http';
import { pathToFileURL } from 'node:url';
import type { Figure } from './report.ts';
import { printFigures } from './report.ts';
import {
  ensureBuilt,
  loadNote,
  median,
  startBare,
  startBlockparty,
  startFlask,
  type BenchNode,
} from './nodes.ts';

const IN_FLIGHT = 64;
const BLOCKPARTY_POSTS = Number(process.env['BENCH_TX_POSTS'] ?? 10_000);
const FLASK_POSTS = Number(process.env['BENCH_TX_FLASK_POSTS'] ?? 3_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
/**
 * Posts sent to each server before timing starts: the JavaScript servers are measured once their
 * code is compiled (as on a node that has been up a minute), the same for the bare server.
 */
const WARMUP_POSTS = Number(process.env['BENCH_TX_WARMUP'] ?? 2_000);

/** Sends `total` POSTs with `IN_FLIGHT` in flight; returns when each answered (ms since the start). */
async function hammer(node: BenchNode, total: number): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const url = new URL('/transactions/new', node.url);
  const done: number[] = [];
  let next = 0;
  const started = performance.now();
  const post = (i: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const body = `{"sender": "s${i}", "recipient": "r", "amount": ${1 + (i % 97)}}`;
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 201) reject(new Error(`${node.name} answered ${res.statusCode}`));
            else resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < total) {
        const i = next++;
        await post(i);
        done.push(performance.now() - started);
      }
    }),
  );
  agent.destroy();
  return done.sort((a, b) => a - b);
}

/** Requests per second over answers `from` to `to` (by order of answer). */
function rate(times: readonly number[], from = 0, to = times.length): number {
  const first = from === 0 ? 0 : times[from - 1]!;
  return ((to - from) * 1000) / (times[to - 1]! - first);
}

/** The transaction figures, measured with the three servers interleaved over `ROUNDS` rounds. */
export async function transactionFigures(log: (line: string) => void = () => undefined): Promise<Figure[]> {
  const runs = {
    bare: [] as number[],
    flask: [] as number[],
    blockparty: [] as number[],
    early: [] as number[],
    late: [] as number[],
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const kind of round % 2 === 0
      ? (['bare', 'flask', 'blockparty'] as const)
      : (['blockparty', 'flask', 'bare'] as const)) {
      const node =
        kind === 'bare' ? await startBare() : kind === 'flask' ? await startFlask() : await startBlockparty();
      try {
        await hammer(node, kind === 'flask' ? Math.min(300, WARMUP_POSTS) : WARMUP_POSTS);
        const times = await hammer(node, kind === 'flask' ? FLASK_POSTS : BLOCKPARTY_POSTS);
        runs[kind].push(rate(times));
        if (kind === 'blockparty') {
          // The pool grows by 10,000 after the warm-up: the first and the last 2,000 answers.
          runs.early.push(rate(times, 0, 2000));
          runs.late.push(rate(times, times.length - 2000));
        }
        log(`round ${round + 1}: ${node.name}: ${rate(times).toFixed(0)} tx/s`);
      } finally {
        await node.stop();
      }
    }
  }
  const blockparty = median(runs.blockparty);
  const flask = median(runs.flask);
  const bare = median(runs.bare);
  const early = median(runs.early);
  const late = median(runs.late);
  const note = `${IN_FLIGHT} in flight over keep-alive, median of ${ROUNDS} interleaved rounds, ${loadNote()}`;
  return [
    {
      name: 'POST /transactions/new, Blockparty vs the tutorial',
      value: blockparty,
      unit: 'tx/s',
      baseline: { name: "the tutorial's Flask node", value: flask },
      target: { text: '≥ 5× the tutorial', met: blockparty >= 5 * flask },
      note: `${(blockparty / flask).toFixed(1)}×; ${note}`,
    },
    {
      name: 'POST /transactions/new, Blockparty vs a bare Node server answering 201',
      value: blockparty,
      unit: 'tx/s',
      baseline: { name: 'bare Node HTTP server', value: bare },
      target: { text: '≥ 0.5× the bare server', met: blockparty >= 0.5 * bare },
      note: `${(blockparty / bare).toFixed(2)}×; every 201 is on disk`,
    },
    {
      name: 'POST /transactions/new as the pool grows: last 2,000 of 10,000 vs first 2,000',
      value: late,
      unit: 'tx/s',
      baseline: { name: 'first 2,000 (pool nearly empty)', value: early },
      target: { text: 'flat: ≥ 0.8× the rate with an empty pool', met: late >= 0.8 * early },
    },
  ];
}

async function main(): Promise<void> {
  ensureBuilt();
  const figures = await transactionFigures((line) => process.stderr.write(`${line}\n`));
  printFigures('Transactions', figures);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
