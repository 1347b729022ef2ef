/**
 * How much it costs to persist ONE new block, at 1,000 and at 20,000 blocks: our append-only log
 * against the naive store (the whole chain as one conf value, rewritten by `set` each time).
 * Prints figures; it is not a test.
 * `npm run bench:store -- [--samples 200] [--naive-samples 50] [--dir /some/disk] [--sizes 1000,20000]`
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Conf from 'conf';
import { createGenesis, encodeBlock, forgeBlock } from '../../src-main/chain/block.ts';
import type { Block, Transaction } from '../../src-main/chain/types.ts';
import { openConfRepository } from '../../src-main/store/conf-store.ts';

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '200' },
    // The naive store takes most of a second per block at 20,000 blocks; fewer samples keep the run short.
    'naive-samples': { type: 'string', default: '50' },
    dir: { type: 'string' },
    sizes: { type: 'string', default: '1000,20000' },
  },
});
const SAMPLES = Number(args.samples);
const NAIVE_SAMPLES = Number(args['naive-samples']);
const SIZES = args.sizes.split(',').map(Number);

interface Sample {
  ms: number;
  bytes: number;
}
interface Row {
  approach: 'append log (ours)' | 'naive conf set';
  length: number;
  samples: Sample[];
  fileBytes: number;
}

// Bytes this process handed to write(2): what the approach really writes, temp files included.
const PROC_IO = '/proc/self/io';
const canCountWrites = existsSync(PROC_IO);
function bytesWrittenSoFar(): number {
  const match = /^wchar: (\d+)$/m.exec(readFileSync(PROC_IO, 'utf8'));
  return match ? Number(match[1]) : 0;
}

const hexId = (): string => randomBytes(16).toString('hex');
const USERS = Array.from({ length: 50 }, hexId);
const pick = (): string => USERS[Math.floor(Math.random() * USERS.length)]!;

/** A block like a busy demo makes: a few transfers, int and float amounts, and the mining reward. */
function nextBlock(chain: readonly Block[], miner: string): Block {
  const txs: Transaction[] = [
    { sender: pick(), recipient: pick(), amount: BigInt(1 + Math.floor(Math.random() * 100)) },
    { sender: pick(), recipient: pick(), amount: Math.round(Math.random() * 10_000) / 100 + 0.5 },
    { sender: pick(), recipient: pick(), amount: 5n },
    { sender: '0', recipient: miner, amount: 1n },
  ];
  const last = chain.at(-1)!;
  const timestamp = (typeof last.timestamp === 'number' ? last.timestamp : Number(last.timestamp)) + 9.87654;
  return forgeBlock(chain, BigInt(Math.floor(Math.random() * 200_000)), txs, timestamp);
}

function buildChain(length: number, miner: string): Block[] {
  const chain = [createGenesis('article', 1_700_000_000.123456)];
  while (chain.length < length) chain.push(nextBlock(chain, miner));
  return chain;
}

async function measure(run: () => unknown, fallbackBytes: () => number | Promise<number>): Promise<Sample> {
  const w0 = canCountWrites ? bytesWrittenSoFar() : 0;
  const t0 = process.hrtime.bigint();
  await run();
  const t1 = process.hrtime.bigint();
  const bytes = canCountWrites ? bytesWrittenSoFar() - w0 : await fallbackBytes();
  return { ms: Number(t1 - t0) / 1e6, bytes };
}

async function benchOurs(dir: string, start: Block[], miner: string): Promise<Row> {
  const repo = openConfRepository(dir);
  await repo.load();
  await repo.replaceChain(start);
  const chain = [...start];
  const samples: Sample[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const block = nextBlock(chain, miner);
    chain.push(block);
    samples.push(
      await measure(
        () => repo.appendBlocks([block]),
        () => Buffer.byteLength(encodeBlock(block)) + 1,
      ),
    );
  }
  await repo.close();
  return {
    approach: 'append log (ours)',
    length: start.length,
    samples,
    fileBytes: (await stat(join(dir, 'chain.log'))).size,
  };
}

async function benchNaive(dir: string, start: Block[], miner: string): Promise<Row> {
  const conf = new Conf<Record<string, unknown>>({ cwd: dir, configName: 'naive' });
  // Charitable to the naive store: blocks are encoded once (kinds kept), only the rewrite is timed.
  const chain = [...start];
  const lines = start.map(encodeBlock);
  conf.set('chain', lines);
  const samples: Sample[] = [];
  for (let i = 0; i < NAIVE_SAMPLES; i++) {
    const block = nextBlock(chain, miner);
    chain.push(block);
    lines.push(encodeBlock(block));
    samples.push(
      await measure(
        () => conf.set('chain', lines),
        async () => (await stat(conf.path)).size,
      ),
    );
  }
  return {
    approach: 'naive conf set',
    length: start.length,
    samples,
    fileBytes: (await stat(conf.path)).size,
  };
}

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const median = (xs: number[]): number => quantile(xs, 0.5);
const fmtBytes = (n: number): string =>
  n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(2)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;

async function main(): Promise<void> {
  const root = await mkdtemp(join(args.dir ?? tmpdir(), 'blockparty-bench-'));
  const miner = hexId();
  const rows: Row[] = [];
  try {
    for (const size of SIZES) {
      const chain = buildChain(size, miner);
      rows.push(await benchOurs(join(root, `ours-${size}`), chain, miner));
      rows.push(await benchNaive(join(root, `naive-${size}`), chain, miner));
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  console.log(
    `Persisting one new block: median and p90 over ${SAMPLES} appends (naive: ${NAIVE_SAMPLES}), files in ${args.dir ?? tmpdir()}`,
  );
  console.log(
    `bytes written: ${canCountWrites ? 'counted by the kernel (/proc/self/io wchar)' : 'computed'}\n`,
  );
  console.table(
    rows.map((r) => ({
      approach: r.approach,
      'chain length': r.length,
      'ms / block (median)': median(r.samples.map((s) => s.ms)).toFixed(3),
      'ms p90': quantile(
        r.samples.map((s) => s.ms),
        0.9,
      ).toFixed(3),
      'bytes written / block': fmtBytes(median(r.samples.map((s) => s.bytes))),
      'file size after': fmtBytes(r.fileBytes),
    })),
  );

  const [small, large] = [Math.min(...SIZES), Math.max(...SIZES)];
  console.log(`\nratio ${large} / ${small} blocks (1.0 = flat):`);
  for (const approach of ['append log (ours)', 'naive conf set'] as const) {
    const at = (n: number): Row => rows.find((r) => r.approach === approach && r.length === n)!;
    const ms = median(at(large).samples.map((s) => s.ms)) / median(at(small).samples.map((s) => s.ms));
    const bytes =
      median(at(large).samples.map((s) => s.bytes)) / median(at(small).samples.map((s) => s.bytes));
    console.log(`  ${approach.padEnd(18)}  time x${ms.toFixed(2)}   bytes written x${bytes.toFixed(2)}`);
  }
}

await main();
