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
  it('keeps its kernels across searches, and a warm-up builds the ones the next search needs', async () => {
    const ask = startWorker();
    const hint: ProofJob = { profile: 'article', difficulty: 4, lastProof: 35293n, lastHash: '' };
    expect(await ask({ type: 'warm', id: 1, job: hint })).toEqual({ type: 'warmed', id: 1 });
    const warmed = await ask({ type: 'cache', id: 2 });
    const layouts = Array.from({ length: 8 }, (_, i) => `5:${i + 1}:0:search`);
    expect(warmed).toEqual({ type: 'cache', id: 2, layouts, built: 8 });

    // The search after the hint (proof 35089 is 5 digits too) and the one after it build nothing new.
    expect(await ask(search(3, hint))).toEqual({ type: 'found', id: 3, proof: 35089n });
    expect(await ask(search(4, { ...hint, lastProof: 35089n }))).toEqual({
      type: 'found',
      id: 4,
      proof: 119678n,
    });
    expect(await ask({ type: 'cache', id: 5 })).toMatchObject({ built: 8 });

    // A new prefix length (6 digits) or profile needs its own kernels.
    expect(await ask(search(6, { ...hint, lastProof: 119678n }))).toEqual({
      type: 'found',
      id: 6,
      proof: 146502n,
    });
    expect(await ask({ type: 'cache', id: 7 })).toMatchObject({ built: 8 + 6 });
    const dvf: ProofJob = { profile: 'dvf', difficulty: 4, lastProof: 100n, lastHash: GENESIS_HASH };
    expect(await ask(search(8, dvf))).toEqual({ type: 'found', id: 8, proof: 110650n });
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
    expect(await ask({ type: 'warm', id: 3, job: null })).toEqual({ type: 'warmed', id: 3 });
    expect(await ask({ type: 'cache', id: 4 })).toMatchObject({ built: 8 });
  });
});
