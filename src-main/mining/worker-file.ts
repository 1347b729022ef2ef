/** Where the mining worker's code is, in the built app and when running from sources. */
import { workerSource, type WorkerSource } from '../util/worker-source.ts';

/** How to start the mining worker. */
export type WorkerFile = WorkerSource;

/** The mining worker: `mining-worker.js` beside the bundle, or `worker.ts` from sources. */
export function miningWorkerFile(moduleUrl: string = import.meta.url): WorkerFile {
  return workerSource(new URL('./worker.ts', moduleUrl), 'mining-worker', moduleUrl);
}
