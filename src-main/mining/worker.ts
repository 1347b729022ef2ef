/** Proof-search worker thread entry: runs searches on request until stopped through shared memory. */
import { parentPort } from 'node:worker_threads';
import { CHUNK, MAX_CHUNK, ProofKernel, kernelCache, warmUpSteps } from './kernel.ts';
import { CONTROL_NEXT, CONTROL_STOP, CONTROL_TRIED, controlBytes } from './protocol.ts';
import type { SearchRequest, WarmRequest, WorkerReport, WorkerRequest } from './protocol.ts';

function search(request: SearchRequest): WorkerReport {
  const { id, job, worker, control } = request;
  const stop = new Int32Array(control, 0, 1);
  const counters = new BigInt64Array(control);
  // Cheap: the compiled kernels, their instances and tables are kept by kernel.ts across searches.
  const kernel = new ProofKernel(job);
  // Chunks are handed out from one shared counter, so ranges are disjoint and no worker idles while
  // another still has work; a chunk takes about a millisecond, which bounds the time to stop.
  while (Atomics.load(stop, CONTROL_STOP) === 0) {
    const chunk = Number(Atomics.add(counters, CONTROL_NEXT, 1n));
    if (chunk > MAX_CHUNK) return { type: 'exhausted', id };
    const proof = kernel.searchChunk(chunk);
    Atomics.add(counters, CONTROL_TRIED + worker, BigInt(CHUNK));
    if (proof !== null) {
      Atomics.store(stop, CONTROL_STOP, 1);
      return { type: 'found', id, proof };
    }
  }
  return { type: 'stopped', id };
}

// Warm-up runs one small step (one kernel, a few milliseconds) per turn of the event loop, so that a
// search request that arrives meanwhile waits for one step at most, not for the whole warm-up.
const steps: (() => void)[] = [];

function nextStep(): void {
  const step = steps.shift();
  try {
    step?.();
  } catch {
    // A layout the kernel cannot build fails the search that needs it, with the same message.
  }
  if (steps.length > 0) setImmediate(nextStep);
}

function warm(request: WarmRequest): void {
  const idle = steps.length === 0;
  const { job } = request;
  for (const step of job ? warmUpSteps(job) : []) {
    steps.push(() => new ProofKernel(step.job).warm(step.digits));
  }
  // One real search of the job at difficulty 1 (a proof within a few candidates), on a control block
  // of its own: the search loop itself meets the first Mine compiled.
  if (job) {
    const control = new SharedArrayBuffer(controlBytes(1));
    steps.push(() => search({ type: 'search', id: -1, job: { ...job, difficulty: 1 }, worker: 0, control }));
  }
  steps.push(() => parentPort?.postMessage({ type: 'warmed', id: request.id } satisfies WorkerReport));
  if (idle) setImmediate(nextStep);
}

parentPort?.on('message', (request: WorkerRequest) => {
  if (request.type === 'warm') {
    warm(request);
    return;
  }
  if (request.type === 'cache') {
    parentPort?.postMessage({ type: 'cache', id: request.id, ...kernelCache() } satisfies WorkerReport);
    return;
  }
  let report: WorkerReport;
  try {
    report = search(request);
  } catch (error) {
    report = {
      type: 'failed',
      id: request.id,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  parentPort?.postMessage(report);
});
