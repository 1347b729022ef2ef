import { Worker } from 'node:worker_threads';
import { workerSource } from '../util/worker-source.ts';
import {
  checkChainText,
  unpackResult,
  type ChainCheckRequest,
  type ChainCheckResult,
  type PackedCheckResult,
} from './check-chain.ts';

/** Below this size a chain is checked inline (a few ms): a worker round trip would cost more. */
export const INLINE_BYTES = 64 * 1024;

/** Checks peers' chains, the large ones on a worker thread so the node keeps answering meanwhile. */
export interface ChainChecker {
  check(request: ChainCheckRequest): Promise<ChainCheckResult>;
  /**
   * Starts the thread now (it warms itself up), so that the first big chain does not wait for it.
   * Resolves once the thread has warmed up (or failed to start: a check starts it again).
   */
  warm(): Promise<void>;
  close(): Promise<void>;
}

/** A checker with one lazily started worker, restarted if it dies. */
export function createChainChecker(options: { inlineBytes?: number } = {}): ChainChecker {
  const inlineBytes = options.inlineBytes ?? INLINE_BYTES;
  let worker: Worker | null = null;
  let nextId = 1;
  let ready: Promise<void> | null = null;
  const waiting = new Map<number, { resolve: (r: ChainCheckResult) => void; reject: (e: Error) => void }>();

  const ensure = (): Worker => {
    if (worker) return worker;
    const source = workerSource(
      new URL('./validate-worker.ts', import.meta.url),
      'validate-worker',
      import.meta.url,
    );
    const w = new Worker(source.file, { eval: source.eval ?? false });
    w.unref();
    ready = new Promise((resolve) => {
      const done = (): void => resolve();
      w.once('error', done);
      w.once('exit', done);
      w.on('message', (m: { ready?: boolean }) => {
        if (m.ready === true) done();
      });
    });
    w.on('message', ({ id, result }: { id: number; result: PackedCheckResult }) => {
      if (id === undefined) return;
      waiting.get(id)?.resolve(unpackResult(result));
      waiting.delete(id);
    });
    const failAll = (error: Error): void => {
      worker = null;
      for (const pending of waiting.values()) pending.reject(error);
      waiting.clear();
    };
    w.on('error', (error) => failAll(new Error(`the chain checker failed: ${error.message}`)));
    w.on('exit', (code) => failAll(new Error(`the chain checker stopped (exit ${code})`)));
    worker = w;
    return w;
  };

  return {
    async check(request) {
      if (request.body.length < inlineBytes) return checkChainText(request);
      const id = nextId++;
      const w = ensure();
      // Bytes move to the worker without a copy: the main thread never decodes or clones a big chain.
      let body = request.body;
      if (typeof body !== 'string' && (body.byteOffset !== 0 || body.byteLength !== body.buffer.byteLength)) {
        body = new Uint8Array(body);
      }
      const transfer = typeof body === 'string' ? [] : [body.buffer as ArrayBuffer];
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, body, rules: request.rules, start: request.start }, transfer);
      });
    },
    warm() {
      ensure();
      return ready ?? Promise.resolve();
    },
    async close() {
      const w = worker;
      worker = null;
      await w?.terminate();
    },
  };
}
