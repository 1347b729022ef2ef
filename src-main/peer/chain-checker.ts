import { Worker } from 'node:worker_threads';
import { workerSource } from '../util/worker-source.ts';
import {
  checkChainText,
  joinHalves,
  packResult,
  unpackResult,
  type ChainCheckRequest,
  type ChainCheckResult,
  type HalfCheckRequest,
  type HalfCheckResult,
  type PackedCheckResult,
  type UnpackedHalf,
  splitAtSeam,
  unpackHalf,
} from './check-chain.ts';

/** Below this size a chain is checked inline (a few ms): a worker round trip would cost more. */
export const INLINE_BYTES = 64 * 1024;
/** From this size a canonical chain is checked in two halves at once, one per thread. */
export const SPLIT_BYTES = 1024 * 1024;

/** Checks peers' chains, the large ones on worker threads so the node keeps answering meanwhile. */
export interface ChainChecker {
  check(request: ChainCheckRequest): Promise<ChainCheckResult>;
  /**
   * Starts the threads now (they warm themselves up), so that the first big chain does not wait for
   * them. Resolves once they have warmed up (or failed to start: a check starts them again).
   */
  warm(): Promise<void>;
  close(): Promise<void>;
}

/** One checker thread, started lazily and again if it dies. */
class CheckerThread {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: unknown) => void; reject: (e: Error) => void }>();

  /** Sends one request; the bytes in `transfer` move to the thread without a copy. */
  call<T>(message: object, transfer: ArrayBuffer[]): Promise<T> {
    const w = this.ensure();
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (r: unknown) => void, reject });
      w.postMessage({ ...message, id }, transfer);
    });
  }

  warm(): Promise<void> {
    this.ensure();
    return this.ready ?? Promise.resolve();
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const source = workerSource(
      new URL('./validate-worker.ts', import.meta.url),
      'validate-worker',
      import.meta.url,
    );
    const w = new Worker(source.file, { eval: source.eval ?? false });
    w.unref();
    this.ready = new Promise((resolve) => {
      const done = (): void => resolve();
      w.once('error', done);
      w.once('exit', done);
      w.on('message', (m: { ready?: boolean }) => {
        if (m.ready === true) done();
      });
    });
    w.on('message', ({ id, answer }: { id?: number; answer: unknown }) => {
      if (id === undefined) return;
      this.waiting.get(id)?.resolve(answer);
      this.waiting.delete(id);
    });
    const failAll = (error: Error): void => {
      // An old thread's last events must not fail (or drop) the one that replaced it.
      if (this.worker !== w) return;
      this.worker = null;
      for (const pending of this.waiting.values()) pending.reject(error);
      this.waiting.clear();
    };
    w.on('error', (error) => failAll(new Error(`the chain checker failed: ${error.message}`)));
    w.on('exit', (code) => failAll(new Error(`the chain checker stopped (exit ${code})`)));
    this.worker = w;
    return w;
  }
}

/** A checker with two lazily started threads (this machine class has two cores or more). */
export function createChainChecker(
  options: { inlineBytes?: number; splitBytes?: number } = {},
): ChainChecker {
  const inlineBytes = options.inlineBytes ?? INLINE_BYTES;
  const splitBytes = options.splitBytes ?? SPLIT_BYTES;
  const threads = [new CheckerThread(), new CheckerThread()] as const;

  /** The whole body on one thread: the check that words every failure. */
  const whole = async (request: ChainCheckRequest): Promise<ChainCheckResult> => {
    // Bytes move to the worker without a copy: the main thread never decodes or clones a big chain.
    let body = request.body;
    if (typeof body !== 'string' && (body.byteOffset !== 0 || body.byteLength !== body.buffer.byteLength)) {
      body = new Uint8Array(body);
    }
    const transfer = typeof body === 'string' ? [] : [body.buffer as ArrayBuffer];
    const packed = await threads[0].call<PackedCheckResult>(
      { kind: 'whole', body, rules: request.rules, start: request.start },
      transfer,
    );
    return unpackResult(packed);
  };

  /** A canonical body in two halves at once; null when it is not one (then it is checked whole). */
  const halves = async (request: ChainCheckRequest, body: Uint8Array): Promise<ChainCheckResult | null> => {
    // Each half is a copy: the original stays here for the whole check if the halves do not join.
    const split = splitAtSeam(body);
    if (split === null) return null;
    // Each half is cut into its texts as soon as it is back: two turns of the loop, not one long one.
    const ask = (
      thread: CheckerThread,
      half: 'head' | 'tail',
      part: Uint8Array,
    ): Promise<UnpackedHalf | null> => {
      const message: HalfCheckRequest & { kind: 'half' } = {
        kind: 'half',
        half,
        body: part,
        rules: request.rules,
        start: request.start,
      };
      return thread
        .call<HalfCheckResult>(message, [part.buffer as ArrayBuffer])
        .then((answer) => (answer === null ? null : unpackHalf(answer)));
    };
    const [first, second] = await Promise.all([
      ask(threads[0], 'head', split.head),
      ask(threads[1], 'tail', split.tail),
    ]);
    return first === null || second === null ? null : joinHalves(request.rules, first, second);
  };

  return {
    async check(request) {
      // Small ones inline, shaped as the worker answers (texts of their own, no span of the body).
      if (request.body.length < inlineBytes) return unpackResult(packResult(checkChainText(request)));
      if (typeof request.body !== 'string' && request.body.length >= splitBytes) {
        // A half that fails in any way (a thread that died included) leaves the whole check to say why.
        const split = await halves(request, request.body).catch(() => null);
        if (split !== null) return split;
      }
      return whole(request);
    },
    async warm() {
      await Promise.all(threads.map((thread) => thread.warm()));
    },
    async close() {
      await Promise.all(threads.map((thread) => thread.close()));
    },
  };
}
