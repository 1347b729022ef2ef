/** Proof-search worker thread entry: runs searches on request until stopped through shared memory. */
import { parentPort } from 'node:worker_threads';
import { CHUNK, MAX_CHUNK, ProofKernel } from './kernel.ts';
import { CONTROL_NEXT, CONTROL_STOP, CONTROL_TRIED } from './protocol.ts';
import type { SearchRequest, WorkerReport } from './protocol.ts';

function search(request: SearchRequest): WorkerReport {
  const { id, job, worker, control } = request;
  const stop = new Int32Array(control, 0, 1);
  const counters = new BigInt64Array(control);
  const stopped = (): boolean => Atomics.load(stop, CONTROL_STOP) !== 0;
  const kernel = new ProofKernel(job);
  // Chunks are handed out from one shared counter, so ranges are disjoint and no worker idles while
  // another still has work; a chunk takes about a millisecond, which bounds the time to stop.
  while (!stopped()) {
    const chunk = Number(Atomics.add(counters, CONTROL_NEXT, 1n));
    if (chunk > MAX_CHUNK) return { type: 'exhausted', id };
    const proof = kernel.searchChunk(chunk, stopped);
    Atomics.add(counters, CONTROL_TRIED + worker, BigInt(CHUNK));
    if (proof !== null) {
      Atomics.store(stop, CONTROL_STOP, 1);
      return { type: 'found', id, proof };
    }
  }
  return { type: 'stopped', id };
}

parentPort?.on('message', (request: SearchRequest) => {
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
