import { Worker, type WorkerOptions } from 'node:worker_threads';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Starts a worker thread from sources (tsx, Vitest) or from the build, where electron-vite puts each
 * worker entry beside the main bundle as `<builtName>.js`. `sourceUrl` is the worker's `.ts` file.
 */
export function startWorker(sourceUrl: URL, builtName: string, options: WorkerOptions = {}): Worker {
  if (import.meta.url.endsWith('.ts')) {
    // Node 20 does not apply `--import` loaders to a worker's entry, so register tsx first.
    const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(sourceUrl.href)}); })`;
    return new Worker(code, { ...options, eval: true });
  }
  return new Worker(join(fileURLToPath(new URL('.', import.meta.url)), `${builtName}.js`), options);
}
