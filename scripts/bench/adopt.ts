/**
 * Adopting a long chain: a fresh node resolves against one peer serving a valid 20,000-block chain
 * (difficulty 4, the tutorial's rules), Blockparty against the tutorial's Flask node in the same run,
 * interleaved. For Blockparty the event loop's delay is measured while it happens (the node runs in
 * this process, as it does in the app, so its loop is this one).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createGenesis, forgeBlock, type SealedBlock } from '../../src-main/chain/block.ts';
import { dumpsPy } from '../../src-main/chain/json.ts';
import { proofJobFor } from '../../src-main/chain/proof.ts';
import { createProofSearcher } from '../../src-main/mining/index.ts';
import { startNode } from '../../src-main/runtime/start-node.ts';
import { openConfStorage } from '../../src-main/store/conf-store.ts';
import type { Figure } from './report.ts';
import { printFigures } from './report.ts';
import { loadNote, median, startFlask } from './nodes.ts';

const BLOCKS = Number(process.env['BENCH_ADOPT_BLOCKS'] ?? 20_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const CACHE = resolve('.bench-cache');
const RULES = { profile: 'article' as const, difficulty: 4 };

/** A valid chain of BLOCKS blocks at difficulty 4, mined once and kept in .bench-cache/ (git ignores it). */
async function longChain(log: (line: string) => void): Promise<string> {
  const file = join(CACHE, `chain-article-4-${BLOCKS}.json`);
  if (existsSync(file)) return readFileSync(file, 'utf8');
  log(`mining a ${BLOCKS}-block chain at difficulty 4 once (kept in ${file})…`);
  const searcher = createProofSearcher({ workers: 0 });
  let tip: SealedBlock = createGenesis('article', 1_700_000_000.25);
  const texts = [tip.text];
  const reward = dumpsPy({ amount: 1n, recipient: 'e3b0c44298fc1c149afbf4c8996fb924', sender: '0' });
  for (let i = 1; i < BLOCKS; i++) {
    const proof = await searcher.find(proofJobFor(RULES, tip));
    const transfer = dumpsPy({
      amount: BigInt(1 + (i % 9)),
      recipient: `bob${i % 7}`,
      sender: `alice${i % 5}`,
    });
    tip = forgeBlock(tip, proof, [transfer, reward], 1_700_000_000.25 + i * 9.5);
    texts.push(tip.text);
    if (i % 2000 === 0) log(`  ${i} blocks`);
  }
  await searcher.close();
  const body = `{"chain": [${texts.join(', ')}], "length": ${BLOCKS}}`;
  mkdirSync(CACHE, { recursive: true });
  writeFileSync(file, body);
  return body;
}

/** A peer that serves `body` at /chain (and 404 elsewhere), in its own process so it costs this one nothing. */
async function startChainPeer(file: string): Promise<{ address: string; stop(): void }> {
  const script = `
    const body = require('node:fs').readFileSync(${JSON.stringify(file)});
    const server = require('node:http').createServer((req, res) => {
      if (req.url === '/chain') { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); }
      else { res.writeHead(404); res.end(); }
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((done) =>
    child.stdout.once('data', (d: Buffer) => done(Number(String(d).trim()))),
  );
  return { address: `127.0.0.1:${port}`, stop: () => child.kill() };
}

/** One Blockparty adoption: a fresh node in this process resolves against the peer. */
async function blockpartyAdopt(peer: string): Promise<{ ms: number; maxDelayMs: number; height: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-adopt-'));
  const running = await startNode({
    storage: openConfStorage(dir),
    searcher: createProofSearcher({ workers: 1 }),
    // The tutorial's flow, as Flask runs it: register, then resolve by hand. In the live network the node
    // would also fetch the peer's chain by itself as soon as it is registered (it follows tutorial nodes).
    overrides: { port: 0, bindAll: false, discovery: false, liveNetwork: false },
    peerTimeoutMs: 60_000,
  });
  try {
    // Measured once the node is up: its chain checker's thread started and warmed at start.
    await running.warmed;
    running.node.registerPeers([peer]);
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    const report = await running.node.resolve();
    const ms = performance.now() - started;
    delay.disable();
    if (!report.replaced) throw new Error(`Blockparty did not adopt: ${JSON.stringify(report.peers)}`);
    return { ms, maxDelayMs: delay.max / 1e6, height: running.node.chain().length };
  } finally {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One Flask adoption: a fresh tutorial node registers the peer and resolves. */
async function flaskAdopt(peer: string): Promise<number> {
  const flask = await startFlask();
  try {
    await fetch(`${flask.url}/nodes/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ nodes: [`http://${peer}`] }),
    });
    const started = performance.now();
    const res = await fetch(`${flask.url}/nodes/resolve`);
    const body = (await res.json()) as { message: string };
    const ms = performance.now() - started;
    if (body.message !== 'Our chain was replaced') throw new Error(`Flask did not adopt: ${body.message}`);
    return ms;
  } finally {
    await flask.stop();
  }
}

/** The adoption figures. */
export async function adoptFigures(log: (line: string) => void = () => undefined): Promise<Figure[]> {
  await longChain(log);
  const peer = await startChainPeer(join(CACHE, `chain-article-4-${BLOCKS}.json`));
  const ours: { ms: number; maxDelayMs: number }[] = [];
  const theirs: number[] = [];
  try {
    // One warm-up each (the OS file cache, the checker thread's first start are not what is measured).
    await blockpartyAdopt(peer.address);
    await flaskAdopt(peer.address);
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of round % 2 === 0 ? (['ours', 'theirs'] as const) : (['theirs', 'ours'] as const)) {
        if (kind === 'ours') {
          const run = await blockpartyAdopt(peer.address);
          ours.push(run);
          log(
            `round ${round + 1}: Blockparty adopted ${run.height} blocks in ${run.ms.toFixed(0)} ms, loop delay ≤ ${run.maxDelayMs.toFixed(1)} ms`,
          );
        } else {
          theirs.push(await flaskAdopt(peer.address));
          log(`round ${round + 1}: Flask adopted in ${theirs.at(-1)!.toFixed(0)} ms`);
        }
      }
    }
  } finally {
    peer.stop();
  }
  const ms = median(ours.map((r) => r.ms));
  const flask = median(theirs);
  const worstDelay = Math.max(...ours.map((r) => r.maxDelayMs));
  const note = `median of ${ROUNDS} interleaved rounds after a warm-up, ${loadNote()}`;
  return [
    {
      name: `adopting a ${BLOCKS.toLocaleString('en-US')}-block chain (GET /nodes/resolve from a fresh node)`,
      value: ms,
      unit: 'ms',
      baseline: { name: "the tutorial's Flask node", value: flask },
      target: { text: '≥ 3× faster than the tutorial', met: flask >= 3 * ms },
      note: `${(flask / ms).toFixed(1)}×; ${note}`,
    },
    {
      name: `longest event-loop delay while adopting ${BLOCKS.toLocaleString('en-US')} blocks`,
      value: worstDelay,
      unit: 'ms',
      target: { text: 'no stall over 50 ms', met: worstDelay <= 50 },
      note: `worst of ${ROUNDS} runs, perf_hooks.monitorEventLoopDelay at 5 ms resolution`,
    },
  ];
}

async function main(): Promise<void> {
  printFigures('Adopting a long chain', await adoptFigures((line) => process.stderr.write(`${line}\n`)));
  process.exit(0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main();
