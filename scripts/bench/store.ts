/**
 * What it costs to make ONE change durable, at 1,000 and at 20,000 blocks: a mined block and a
 * transaction committed to the chain log (`store/journal.ts` through the node's `Ledger`, each
 * fdatasync'd before it counts), against the naive store (the whole chain as one conf value,
 * rewritten by `set` on every change, as an electron-store app would). Prints figures; not a test.
 * `npm run bench:store -- [--samples 200] [--naive-samples 30] [--dir /some/disk] [--sizes 1000,20000]`
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import Conf from 'conf';
import { createGenesis, forgeBlock, type SealedBlock } from '../../src-main/chain/block.ts';
import { dumpsPy } from '../../src-main/chain/json.ts';
import type { PendingTransaction } from '../../src-main/chain/types.ts';
import { Ledger } from '../../src-main/node/ledger.ts';
import { storageReason } from '../../src-main/store/errors.ts';
import { createJournal } from '../../src-main/store/journal.ts';
import { CHAIN_FILE } from '../../src-main/store/storage.ts';
import { printFigures, type Figure } from './report.ts';

/** How to run the store benchmark. */
export interface StoreBenchOptions {
  /** Commits timed per size for the chain log. */
  samples?: number;
  /** Rewrites timed per size for the naive store (most of a second each at 20,000 blocks). */
  naiveSamples?: number;
  /** Chain lengths to measure at; the smallest and the largest are compared. */
  sizes?: number[];
  /** Where the files go (the disk matters: fdatasync is most of the cost). */
  dir?: string;
}

interface Sample {
  ms: number;
  bytes: number;
}

// Bytes this process handed to write(2): what an approach really writes, temp files included.
const PROC_IO = '/proc/self/io';
const canCountWrites = existsSync(PROC_IO);
function bytesWrittenSoFar(): number {
  const match = /^wchar: (\d+)$/m.exec(readFileSync(PROC_IO, 'utf8'));
  return match ? Number(match[1]) : 0;
}

const hexId = (): string => randomBytes(16).toString('hex');
const USERS = Array.from({ length: 50 }, hexId);
const pick = (): string => USERS[Math.floor(Math.random() * USERS.length)]!;

/** A transaction like a busy demo makes: int and float amounts between a few dozen people. */
function transaction(): PendingTransaction {
  const amount =
    Math.random() < 0.5
      ? BigInt(1 + Math.floor(Math.random() * 100))
      : Math.round(Math.random() * 1e4) / 100 + 0.5;
  return { id: hexId(), text: dumpsPy({ amount, recipient: pick(), sender: pick() }) };
}

/** The block that follows `tip`: a few transfers and the mining reward. */
function nextBlock(tip: SealedBlock, miner: string, pending: readonly string[] = []): SealedBlock {
  const texts = [transaction().text, transaction().text, ...pending];
  texts.push(dumpsPy({ amount: 1n, recipient: miner, sender: '0' }));
  return forgeBlock(
    tip,
    BigInt(Math.floor(Math.random() * 200_000)),
    texts,
    1_700_000_000.123456 + tip.index * 9.87654,
  );
}

function buildChain(length: number, miner: string): SealedBlock[] {
  const chain = [createGenesis('article', 1_700_000_000.123456)];
  while (chain.length < length) chain.push(nextBlock(chain[chain.length - 1]!, miner));
  return chain;
}

async function measure(
  run: () => Promise<unknown>,
  fallbackBytes: () => number | Promise<number>,
): Promise<Sample> {
  const w0 = canCountWrites ? bytesWrittenSoFar() : 0;
  const t0 = process.hrtime.bigint();
  await run();
  const t1 = process.hrtime.bigint();
  const bytes = canCountWrites ? bytesWrittenSoFar() - w0 : await fallbackBytes();
  return { ms: Number(t1 - t0) / 1e6, bytes };
}

/** The chain log over a chain of `start` blocks: commits of one block, then of one transaction. */
async function benchLog(
  dir: string,
  start: readonly SealedBlock[],
  miner: string,
  samples: number,
): Promise<{ block: Sample[]; tx: Sample[]; fileBytes: number }> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, CHAIN_FILE);
  // A saved chain, as the node finds it at start: one block per line.
  await writeFile(path, start.map((b) => b.text + '\n').join(''));
  const log = createJournal(path);
  const { ledger } = await Ledger.open(
    log,
    () => start[0]!,
    (error) => storageReason(error, dir),
  );
  if (ledger.chain.length !== start.length) throw new Error(`the log replayed ${ledger.chain.length} blocks`);
  const block: Sample[] = [];
  for (let i = 0; i < samples; i++) {
    let appended: SealedBlock | null = null;
    block.push(
      await measure(
        async () => {
          appended = await ledger.appendBlock((tip, pending) =>
            nextBlock(
              tip,
              miner,
              pending.map((tx) => tx.text),
            ),
          );
        },
        () => (appended === null ? 0 : appended.text.length + 1),
      ),
    );
  }
  const tx: Sample[] = [];
  for (let i = 0; i < samples; i++) {
    const pending = transaction();
    tx.push(
      await measure(
        () => ledger.addTransaction(pending),
        () => pending.text.length + 38,
      ),
    );
  }
  await ledger.settle();
  await log.close();
  return { block, tx, fileBytes: (await stat(path)).size };
}

/** The naive store: the whole chain as one conf value, set again for every change. */
async function benchNaive(
  dir: string,
  start: readonly SealedBlock[],
  miner: string,
  samples: number,
): Promise<{ block: Sample[]; fileBytes: number }> {
  const conf = new Conf<Record<string, unknown>>({ cwd: dir, configName: 'naive' });
  // Charitable to the naive store: blocks keep their canonical text (no re-serializing), only the
  // rewrite is timed, and conf does not fdatasync.
  const lines = start.map((b) => b.text);
  conf.set('chain', lines);
  let tip = start[start.length - 1]!;
  const block: Sample[] = [];
  for (let i = 0; i < samples; i++) {
    tip = nextBlock(tip, miner);
    lines.push(tip.text);
    block.push(
      await measure(
        async () => conf.set('chain', lines),
        async () => (await stat(conf.path)).size,
      ),
    );
  }
  return { block, fileBytes: (await stat(conf.path)).size };
}

const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const median = (xs: readonly number[]): number => quantile(xs, 0.5);
const msOf = (samples: readonly Sample[]): number[] => samples.map((s) => s.ms);
const bytesOf = (samples: readonly Sample[]): number => median(samples.map((s) => s.bytes));
const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
const n = (value: number): string => value.toLocaleString('en-US');

/** Measures the chain log against the naive store and returns the figures (also for `npm run bench`). */
export async function storeFigures(options: StoreBenchOptions = {}): Promise<Figure[]> {
  const samples = options.samples ?? 200;
  const naiveSamples = options.naiveSamples ?? 30;
  const sizes = [...(options.sizes ?? [1000, 20_000])].sort((a, b) => a - b);
  const root = await mkdtemp(join(options.dir ?? tmpdir(), 'blockparty-bench-'));
  const miner = hexId();
  const figures: Figure[] = [];
  const blockMedians = new Map<number, number>();
  const written = canCountWrites ? 'bytes counted by the kernel' : 'bytes computed';
  try {
    for (const size of sizes) {
      const chain = buildChain(size, miner);
      const ours = await benchLog(join(root, `log-${size}`), chain, miner, samples);
      const naive = await benchNaive(join(root, `naive-${size}`), chain, miner, naiveSamples);
      const naiveMs = median(msOf(naive.block));
      const blockMs = median(msOf(ours.block));
      const txMs = median(msOf(ours.tx));
      blockMedians.set(size, blockMs);
      figures.push({
        name: `commit one mined block at ${n(size)} blocks (chain log, fdatasync)`,
        value: blockMs,
        unit: 'ms',
        baseline: { name: 'rewrite the whole chain (conf set)', value: naiveMs },
        target: { text: '≤ 1/10 of the rewrite', met: blockMs * 10 <= naiveMs },
        note: `median of ${samples}, p90 ${quantile(msOf(ours.block), 0.9).toFixed(2)} ms; writes ${kib(bytesOf(ours.block))} against ${kib(bytesOf(naive.block))}, ${written}; log ${kib(ours.fileBytes)}`,
      });
      figures.push({
        name: `commit one transaction at ${n(size)} blocks (chain log, fdatasync)`,
        value: txMs,
        unit: 'ms',
        baseline: { name: 'rewrite the whole chain (conf set)', value: naiveMs },
        target: { text: '≤ 1/10 of the rewrite', met: txMs * 10 <= naiveMs },
        note: `median of ${samples}, p90 ${quantile(msOf(ours.tx), 0.9).toFixed(2)} ms; writes ${bytesOf(ours.tx)} B`,
      });
    }
    if (sizes.length > 1) {
      const small = sizes[0]!;
      const large = sizes[sizes.length - 1]!;
      const ratio = blockMedians.get(large)! / blockMedians.get(small)!;
      figures.push({
        name: `cost of a block commit at ${n(large)} against ${n(small)} blocks`,
        value: ratio,
        unit: '×',
        baseline: { name: `the same log at ${n(small)} blocks`, value: 1 },
        target: { text: '≤ 2× (flat: it does not grow with the chain)', met: ratio <= 2 },
      });
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return figures;
}

/** `npm run bench:store`: measures and prints the figures. */
export async function main(argv = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      samples: { type: 'string', default: '200' },
      'naive-samples': { type: 'string', default: '30' },
      dir: { type: 'string' },
      sizes: { type: 'string', default: '1000,20000' },
    },
  });
  const figures = await storeFigures({
    samples: Number(values.samples),
    naiveSamples: Number(values['naive-samples']),
    sizes: values.sizes.split(',').map(Number),
    dir: values.dir,
  });
  printFigures(`Saving changes (files in ${values.dir ?? tmpdir()})`, figures);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
