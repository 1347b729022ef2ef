import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { controlBytes } from '../../src-main/mining/protocol.ts';
import type { WorkerReport, WorkerRequest } from '../../src-main/mining/protocol.ts';
import type { ProofJob } from '../../src-main/mining/types.ts';
import { miningWorkerFile } from '../../src-main/mining/worker-file.ts';

const GENESIS_HASH = '9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067';

const workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.splice(0).map((worker) => worker.terminate()));
});

/** The real mining worker, spoken to through its protocol: `ask` resolves with the report of a request. */
function startWorker(): (request: WorkerRequest) => Promise<WorkerReport> {
  const { file, eval: isEval } = miningWorkerFile();
  const worker = new Worker(file, { eval: isEval ?? false });
  workers.push(worker);
  const waiting = new Map<number, (report: WorkerReport) => void>();
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  failed.catch(() => undefined);
  worker.on('message', (report: WorkerReport) => waiting.get(report.id)?.(report));
  return (request) => {
    const report = new Promise<WorkerReport>((resolve) => waiting.set(request.id, resolve));
    worker.postMessage(request);
    return Promise.race([report, failed]);
  };
}

const search = (id: number, job: ProofJob): WorkerRequest => ({
  type: 'search',
  id,
  job,
  worker: 0,
  control: new SharedArrayBuffer(controlBytes(1)),
});

describe('the mining worker', () => {
  it('keeps its kernels across searches, and a warm-up builds the ones the next searches need', async () => {
    const ask = startWorker();
    const hint: ProofJob = { profile: 'article', difficulty: 4, lastProof: 35293n, lastHash: '' };
    expect(await ask({ type: 'warm', id: 1, job: hint })).toEqual({ type: 'warmed', id: 1 });
    const warmed = await ask({ type: 'cache', id: 2 });
    // The hint's own search (a 5-digit last proof; candidates of 1 to 8 digits), then the searches
    // after proofs of 4 to 6 digits (candidates of 1 to 6 digits), as warmUpSteps lists them.
    const layouts = [
      ...Array.from({ length: 8 }, (_, i) => `5:${i + 1}:0:search`),
      ...[4, 6].flatMap((prefix) => Array.from({ length: 6 }, (_, i) => `${prefix}:${i + 1}:0:search`)),
    ];
    // (The warm-up's closing search at difficulty 1 uses the shortest candidates again: order aside.)
    expect(warmed).toMatchObject({ type: 'cache', id: 2, built: layouts.length });
    expect([...(warmed as { layouts: string[] }).layouts].sort()).toEqual([...layouts].sort());

    // The tutorial's chain from its second block: 35293 → 35089 → 119678 → 146502, all prepared.
    let id = 3;
    let lastProof = hint.lastProof;
    for (const proof of [35089n, 119678n, 146502n]) {
      expect(await ask(search(id, { ...hint, lastProof }))).toEqual({ type: 'found', id, proof });
      id += 1;
      lastProof = proof;
    }
    expect(await ask({ type: 'cache', id: 10 })).toMatchObject({ built: layouts.length });

    // Another profile has other layouts (the hash follows the candidate): built on first use, kept.
    const dvf: ProofJob = { profile: 'dvf', difficulty: 4, lastProof: 100n, lastHash: GENESIS_HASH };
    expect(await ask(search(11, dvf))).toEqual({ type: 'found', id: 11, proof: 110650n });
    const { built } = (await ask({ type: 'cache', id: 12 })) as { built: number };
    expect(built).toBeGreaterThan(layouts.length);
    expect(await ask(search(13, dvf))).toEqual({ type: 'found', id: 13, proof: 110650n });
    expect(await ask({ type: 'cache', id: 14 })).toMatchObject({ built });
  });

  it('warms and searches jobs with a 1 000-digit last proof, and answers a warm-up without a hint', async () => {
    const ask = startWorker();
    const huge: ProofJob = {
      profile: 'dvf',
      difficulty: 3,
      lastProof: 7n * 10n ** 999n,
      lastHash: GENESIS_HASH,
    };
    expect(await ask({ type: 'warm', id: 1, job: huge })).toEqual({ type: 'warmed', id: 1 });
    const report = await ask(search(2, huge));
    expect(report).toMatchObject({ type: 'found', id: 2 });
    const proof = (report as { proof: bigint }).proof;
    const hash = createHash('sha256').update(`${huge.lastProof}${proof}${GENESIS_HASH}`).digest('hex');
    expect(hash.startsWith('000')).toBe(true);
    // Nothing was built for the warm-up without a hint.
    const before = (await ask({ type: 'cache', id: 4 })) as { built: number };
    expect(await ask({ type: 'warm', id: 5, job: null })).toEqual({ type: 'warmed', id: 5 });
    expect(await ask({ type: 'cache', id: 6 })).toMatchObject({ built: before.built });
  });
});
