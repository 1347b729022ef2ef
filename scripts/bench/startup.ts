/**
 * Start-up and memory at chain length: a headless node started on a folder holding 1 block and on
 * one holding 100,000 (the same node, the same run, interleaved), timed from spawning the process to
 * its "ready" line; and the memory the long chain costs per block against its size on disk.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createGenesis, forgeBlock } from '../../src-main/chain/block.ts';
import { dumpsPy } from '../../src-main/chain/json.ts';
import type { Figure } from './report.ts';
import { printFigures } from './report.ts';
import { ensureBuilt, loadNote, median, rssOf, startBlockparty } from './nodes.ts';

const LONG = Number(process.env['BENCH_STARTUP_BLOCKS'] ?? 100_000);
const RUNS = Number(process.env['BENCH_ROUNDS'] ?? 3) + 2;

/** A data folder whose chain log holds `blocks` blocks like the tutorial's (a reward and a transfer each). */
function chainFolder(blocks: number): { dir: string; bytes: number } {
  const dir = mkdtempSync(join(tmpdir(), `bench-start-${blocks}-`));
  let tip = createGenesis('article', 1_700_000_000.25);
  const lines = [tip.text];
  for (let i = 1; i < blocks; i++) {
    const txs = [
      dumpsPy({ amount: 1n, recipient: 'e3b0c44298fc1c149afbf4c8996fb924', sender: '0' }),
      dumpsPy({ amount: BigInt(1 + (i % 50)), recipient: `bob${i % 30}`, sender: `alice${i % 30}` }),
    ];
    tip = forgeBlock(tip, BigInt(35_293 + i), txs, 1_700_000_000.25 + i * 7.5);
    lines.push(tip.text);
  }
  const text = lines.join('\n') + '\n';
  writeFileSync(join(dir, 'chain.log'), text);
  return { dir, bytes: Buffer.byteLength(text) };
}

/** Start-up and memory figures. */
export async function startupFigures(log: (line: string) => void = () => undefined): Promise<Figure[]> {
  const short = chainFolder(1);
  const long = chainFolder(LONG);
  // The folders are read again below, before they are removed.
  const times = { short: [] as number[], long: [] as number[], crashed: [] as number[] };
  const rss = { short: [] as number[], long: [] as number[], crashed: [] as number[] };
  try {
    for (let run = 0; run < RUNS; run++) {
      const order = ['short', 'long', 'crashed'] as const;
      for (const kind of run % 2 === 0 ? order : [...order].reverse()) {
        // After a crash there is no seal of a clean close: every link of the log is checked again.
        if (kind === 'crashed') rmSync(join(long.dir, 'chain.log.seal'), { force: true });
        const node = await startBlockparty({ dataDir: kind === 'short' ? short.dir : long.dir });
        // The first runs warm the file cache and the transpiler's cache: they are not counted.
        if (run >= 2) {
          times[kind].push(node.startMs);
          rss[kind].push(await rssOf(node.pid!));
        }
        log(`${kind} (${kind === 'short' ? 1 : LONG} blocks): ready in ${node.startMs.toFixed(0)} ms`);
        await node.stop();
      }
    }
  } catch (error) {
    rmSync(short.dir, { recursive: true, force: true });
    rmSync(long.dir, { recursive: true, force: true });
    throw error;
  }
  const ratio = median(times.long) / median(times.short);
  const retained = (dir: string): number =>
    (
      JSON.parse(
        execFileSync(
          process.execPath,
          ['--expose-gc', '--import', 'tsx', 'scripts/bench/ledger-memory.ts', dir],
          { encoding: 'utf8' },
        ),
      ) as { bytes: number }
    ).bytes;
  const perBlock = (retained(long.dir) - retained(short.dir)) / (LONG - 1);
  const rssPerBlock = (median(rss.long) - median(rss.short)) / (LONG - 1);
  const onDisk = long.bytes / LONG;
  rmSync(short.dir, { recursive: true, force: true });
  rmSync(long.dir, { recursive: true, force: true });
  const note = `median of ${RUNS - 2} interleaved runs after 2 warm-ups, ${loadNote()}`;
  const crashedRatio = median(times.crashed) / median(times.short);
  return [
    {
      name: `start-up with ${LONG.toLocaleString('en-US')} blocks vs 1 block (after a clean stop)`,
      value: median(times.long),
      unit: 'ms',
      baseline: { name: 'the same node with 1 block', value: median(times.short) },
      target: { text: '≤ 1.5× the start with 1 block', met: ratio <= 1.5 },
      note: `${ratio.toFixed(2)}×; ${note}`,
    },
    {
      name: `start-up with ${LONG.toLocaleString('en-US')} blocks after a crash (every link checked again)`,
      value: median(times.crashed),
      unit: 'ms',
      baseline: { name: 'the same node with 1 block', value: median(times.short) },
      note: `${crashedRatio.toFixed(2)}×`,
    },
    {
      name: `memory per block in RAM at ${LONG.toLocaleString('en-US')} blocks`,
      value: perBlock,
      unit: 'bytes',
      baseline: { name: 'the block on disk', value: onDisk },
      target: { text: '≤ 2× its size on disk', met: perBlock <= 2 * onDisk },
      note: `${(perBlock / onDisk).toFixed(2)}×; what the opened chain keeps (heap and buffers after a full GC)`,
    },
    {
      name: `resident memory of the node process per block, right after start (${LONG.toLocaleString('en-US')} minus 1 block)`,
      value: rssPerBlock,
      unit: 'bytes',
      baseline: { name: 'the block on disk', value: onDisk },
      note: `${(rssPerBlock / onDisk).toFixed(2)}×; includes what start-up allocated and the collector has not given back yet`,
    },
  ];
}

async function main(): Promise<void> {
  ensureBuilt();
  printFigures('Start-up and memory', await startupFigures((line) => process.stderr.write(`${line}\n`)));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
