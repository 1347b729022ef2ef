/**
 * The proof-search kernel: tries candidates by batches of 10 000 with a SHA-256 written in WebAssembly
 * SIMD (4 candidates per instruction), generated for the exact layout of the guess string.
 *
 * The guess is `prefix + candidate + suffix` (article: prefix = last proof, no suffix; dvf: suffix = the
 * previous block's hash). A batch (a "chunk") is the 10 000 candidates that share their high digits, so
 * within a chunk only 4 bytes of the message change. Everything that does not depend on those 4 bytes is
 * computed once per chunk in plain TypeScript: the blocks before them, the rounds before the word that
 * holds them, and the parts of the message schedule that only involve constant words. The generated
 * code then does only the per-candidate remainder, reading the low digits' bytes from a table.
 *
 * Chunk 0 (the candidates 0 to 9 999) is four layouts, one per digit count, in which all of the
 * candidate's 1 to 4 digits vary. Kernels are kept per thread, by layout, across jobs and searches.
 */
import { createHash } from 'node:crypto';
import type { ProofJob } from './types.ts';
import { IV, K, compress, pad, rounds, smallSigma0, smallSigma1 } from './sha256.ts';
import { FunctionBuilder, I32, V128, assembleModule } from './wasm-writer.ts';

/** Candidates per chunk: the low 4 decimal digits vary within a chunk, the others are fixed. */
export const CHUNK = 10_000;

/** The last chunk searched, so that every candidate stays a safe integer (below 2^53). */
export const MAX_CHUNK = Math.floor(2 ** 53 / CHUNK) - 1;

/**
 * Kernels kept per thread (each is its compiled code, ~100 KB; they share one memory). A session visits
 * a few prefix lengths (the digit counts of its proofs) times a few candidate lengths.
 */
export const MAX_KERNELS = 48;

const LANES = 4;
const ROWS = CHUNK / LANES;
const LOW_DIGITS = 4;

// One linear memory per thread, shared by every kernel: the per-chunk constants ("slots"), the tables
// of low-digit words (a pair per byte alignment and count of varying digits, as the low digits touch
// one or two message words), and, for the digest variant only, the full output of each candidate.
const SLOTS = 0;
const SLOT_HIN = 0;
const SLOT_STATE = 8;
const SLOT_MASK = 16;
const SLOT_K = 17;
const SLOT_WORDS = SLOT_K + 64;
const MAX_SLOTS = 1024;
const TABLE_BYTES = ROWS * 16;
const TABLES = SLOTS + MAX_SLOTS * 4;
const TABLE_KINDS = 4 * LOW_DIGITS;
const OUT = TABLES + TABLE_KINDS * 2 * TABLE_BYTES;
const PAGE = 65_536;
const MEMORY_PAGES = Math.ceil((OUT + ROWS * 128) / PAGE);

/** Where the varying bytes sit in the padded message, for one (prefix, digits, suffix) length triple. */
interface Plan {
  /** Byte offset of the candidate's varying digits: its low 4, or all of a shorter candidate's. */
  low: number;
  /** How many digits vary (1 to 4). */
  lowDigits: number;
  /** Which pair of low-digit tables the plan reads (they depend on `low & 3` and `lowDigits`). */
  tableKind: number;
  /** First block that depends on the low digits; the ones before are hashed once per chunk. */
  firstBlock: number;
  /** Blocks from `firstBlock` to the end of the padded message. */
  blocks: number;
  /** Rounds of `firstBlock` that come before the first varying word and are run once per chunk. */
  startRound: number;
  /** Global indices of the 32-bit message words holding low-digit bytes (one or two). */
  varying: number[];
  /** For each block from `firstBlock`, whether schedule word t (0..63) depends on the low digits. */
  varies: boolean[][];
}

function makePlan(prefixLength: number, digits: number, suffixLength: number): Plan {
  const length = prefixLength + digits + suffixLength;
  const lowDigits = Math.min(digits, LOW_DIGITS);
  const low = prefixLength + digits - lowDigits;
  const firstWord = low >> 2;
  const lastWord = (low + lowDigits - 1) >> 2;
  const varying = firstWord === lastWord ? [firstWord] : [firstWord, lastWord];
  const firstBlock = firstWord >> 4;
  const blocks = Math.ceil((length + 9) / 64) - firstBlock;
  const varies: boolean[][] = [];
  for (let k = 0; k < blocks; k += 1) {
    const v: boolean[] = [];
    for (let t = 0; t < 16; t += 1) v.push(varying.includes((firstBlock + k) * 16 + t));
    for (let t = 16; t < 64; t += 1) v.push(v[t - 2] || v[t - 7] || v[t - 15] || v[t - 16]);
    varies.push(v);
  }
  if (SLOT_WORDS + blocks * 64 > MAX_SLOTS) throw new Error('proof kernel: message layout too large');
  const tableKind = (low & 3) * LOW_DIGITS + lowDigits - 1;
  return { low, lowDigits, tableKind, firstBlock, blocks, startRound: firstWord & 15, varying, varies };
}

/** Byte offset of table `table` (0 or 1) of a plan in the shared memory. */
const tableOffset = (plan: Plan, table: number): number =>
  TABLES + (plan.tableKind * 2 + table) * TABLE_BYTES;

const slotOfWord = (k: number, t: number): number => SLOT_WORDS + k * 64 + t;

/**
 * Emits `search(start, end) -> row | -1` (the first row of the table with a lane whose hash passes the
 * word-0 filter) or `digest(start, end)` (writes every lane's 8 hash words) for a plan.
 *
 * Measured choices (see docs/benchmarks.md): one stream of 4 lanes (two interleaved streams spill
 * registers), the schedule window in locals, and xor chains rather than shallow xor trees for the
 * rotations: TurboFan hoists the leaves of a tree and runs out of the 16 xmm registers. Only the
 * rounds of a constant block, where no schedule is live, use trees (see `round`).
 */
function generate(plan: Plan, digest: boolean): FunctionBuilder {
  const fn = new FunctionBuilder([I32, I32], [I32]);
  const row = 0;
  const end = 1;
  const addr = fn.local(I32);
  const offset = fn.local(I32);
  let st = Array.from({ length: 8 }, () => fn.local(V128));
  const hin = Array.from({ length: 8 }, () => fn.local(V128));
  const w = Array.from({ length: 16 }, () => fn.local(V128));
  const t1 = fn.local(V128);
  let bc = fn.local(V128);
  let ab = fn.local(V128);

  const splatSlot = (slot: number): void => {
    fn.i32Const(0).load32Splat(SLOTS + slot * 4);
  };
  // Σ and σ: each rotation is two shifts, all xored into one chain.
  const sigma = (x: number, right: number[], shr?: number): void => {
    right.forEach((n, i) => {
      fn.get(x).shrU(n);
      if (i > 0) fn.xor();
      fn.get(x)
        .shl(32 - n)
        .xor();
    });
    if (shr !== undefined) fn.get(x).shrU(shr).xor();
  };

  // Σ as a tree, (rot1 ^ rot2) ^ rot3: 4 operations deep instead of the chain's 6. Vector operations
  // take 2 cycles on Zen 5, and the rounds of a block are one dependency chain, so this shortens each
  // round; but TurboFan then computes the 12 shifts of Σ0 and Σ1 together, which only fits in
  // registers when no message schedule is live (the constant block).
  const sigmaTree = (x: number, right: number[]): void => {
    right.forEach((n, i) => {
      fn.get(x)
        .shrU(n)
        .get(x)
        .shl(32 - n)
        .xor();
      if (i === 1) fn.xor();
    });
    fn.xor();
  };

  /**
   * One round; `wk` pushes K[t] + W[t] (or adds to the value on the stack and pushes the rest). `short`
   * selects the shallow form: Σ as trees, and a = (T1 + Maj) + Σ0, so that Σ0(a) is needed a step
   * after Σ1(e) and the two do not compete for the shift units.
   */
  const round = (wk: () => void, short = false): void => {
    const [a, b, , d, e, f, g, h] = st;
    // T1 = h + K[t] + W[t] + Ch(e, f, g) + Σ1(e), the terms known early first
    fn.get(h);
    wk();
    fn.add();
    // Ch = g ^ (e & (f ^ g))
    fn.get(g).get(e).get(f).get(g).xor().and().xor().add();
    if (short) sigmaTree(e, [6, 11, 25]);
    else sigma(e, [6, 11, 25]);
    fn.add().tee(t1);
    fn.get(d).add().set(d);
    // T2 = Σ0(a) + Maj(a, b, c), with Maj = b ^ ((a ^ b) & (b ^ c)) and b ^ c carried from the last round
    if (short) {
      fn.get(t1).get(b).get(a).get(b).xor().tee(ab).get(bc).and().xor().add();
      sigmaTree(a, [2, 13, 22]);
      fn.add().set(h);
    } else {
      sigma(a, [2, 13, 22]);
      fn.get(b).get(a).get(b).xor().tee(ab).get(bc).and().xor().add();
      fn.get(t1).add().set(h);
    }
    st = [h, a, b, st[2], d, e, f, g];
    [bc, ab] = [ab, bc];
  };

  fn.block().loop();
  fn.get(row).get(end).i32GeU().brIf(1);
  fn.get(row).i32Const(4).i32Shl().set(addr);

  for (let k = 0; k < plan.blocks; k += 1) {
    const varies = plan.varies[k];
    const first = k === 0 ? plan.startRound : 0;
    const hinOf = (j: number): void => {
      if (k === 0) splatSlot(SLOT_HIN + j);
      else fn.get(hin[j]);
    };
    for (let j = 0; j < 8; j += 1) {
      if (k === 0) splatSlot(SLOT_STATE + j);
      else fn.get(st[j]).tee(hin[j]);
      fn.set(st[j]);
    }
    fn.get(st[1]).get(st[2]).xor().set(bc);

    if (k > 0 && !varies.some(Boolean)) {
      // A block of constant words (dvf's last block: the end of the hash and the padding): its K + W
      // are all slots, so the 64 rounds are a loop of 8, which keeps the code small enough for the
      // CPU's instruction caches (fully unrolled, dvf runs a third slower).
      fn.i32Const(0).set(offset).loop();
      for (let j = 0; j < 8; j += 1) {
        round(() => {
          fn.get(offset).load32Splat(SLOTS + slotOfWord(k, j) * 4);
        }, true);
      }
      fn.get(offset).i32Const(32).i32Add().tee(offset).i32Const(256).i32LtU().brIf(0).end();
    } else
      for (let t = first; t < 64; t += 1) {
        if (varies[t]) {
          if (t < 16) {
            // The low digits' bytes from the table, plus the word's other (constant) bytes
            const table = plan.varying.indexOf((plan.firstBlock + k) * 16 + t);
            fn.get(addr).v128Load(tableOffset(plan, table));
            splatSlot(slotOfWord(k, t));
            fn.add();
          } else {
            // W[t] = σ1(W[t-2]) + W[t-7] + σ0(W[t-15]) + W[t-16]; the constant terms are one slot
            const terms: (() => void)[] = [];
            if (varies[t - 2]) terms.push(() => sigma(w[(t - 2) & 15], [17, 19], 10));
            if (varies[t - 7]) terms.push(() => fn.get(w[(t - 7) & 15]));
            if (varies[t - 15]) terms.push(() => sigma(w[(t - 15) & 15], [7, 18], 3));
            if (varies[t - 16]) terms.push(() => fn.get(w[t & 15]));
            if (terms.length < 4) terms.push(() => splatSlot(slotOfWord(k, t)));
            terms.forEach((term, i) => {
              term();
              if (i > 0) fn.add();
            });
          }
          fn.set(w[t & 15]);
        }
        round(() => {
          if (varies[t]) {
            fn.get(w[t & 15]).add();
            splatSlot(SLOT_K + t);
          } else splatSlot(slotOfWord(k, t));
        });
      }

    if (k < plan.blocks - 1) {
      for (let j = 0; j < 8; j += 1) {
        fn.get(st[j]);
        hinOf(j);
        fn.add().set(st[j]);
      }
    } else if (digest) {
      for (let j = 0; j < 8; j += 1) {
        fn.get(row).i32Const(7).i32Shl().get(st[j]);
        hinOf(j);
        fn.add().v128Store(OUT + j * 16);
      }
    } else {
      fn.get(st[0]);
      hinOf(0);
      fn.add();
      splatSlot(SLOT_MASK);
      fn.and().splatConst(0).i32x4Eq().anyTrue().if().get(row).return().end();
    }
  }

  fn.get(row).i32Const(1).i32Add().set(row).br(0).end().end();
  fn.i32Const(-1);
  return fn;
}

/** The slice of the WebAssembly JS API used here (every Node and Electron has it, the TS libs here lack it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (
    module: WasmModule,
    imports: Record<string, Record<string, unknown>>,
  ) => { exports: Record<string, unknown> };
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}
type WasmModule = object;
declare const WebAssembly: WasmApi;

/** A compiled, instantiated kernel for one layout. */
interface Kernel {
  plan: Plan;
  run: (start: number, end: number) => number;
}

/** This thread's kernel memory, created on first use (one per thread, whatever the number of kernels). */
interface Memory {
  memory: { buffer: ArrayBuffer };
  slots: Int32Array;
  out: Int32Array;
  /** Table kinds already filled. */
  tables: Set<number>;
}

let shared: Memory | null = null;

function memory(): Memory {
  if (!shared) {
    const mem = new WebAssembly.Memory({ initial: MEMORY_PAGES, maximum: MEMORY_PAGES });
    const slots = new Int32Array(mem.buffer, SLOTS, MAX_SLOTS);
    slots.set(K, SLOT_K);
    shared = {
      memory: mem,
      slots,
      out: new Int32Array(mem.buffer, OUT, ROWS * 32),
      tables: new Set(),
    };
  }
  return shared;
}

/**
 * Fills a plan's pair of low-digit tables, once per thread: the varying digits of each candidate placed
 * in the one or two words they occupy. Lane l of row i is candidate 4i + l of the chunk: the first row
 * with a hit holds the chunk's smallest proof, so a single worker finds the very proof a tutorial node
 * would. Rows past the last candidate of a short layout stay zero (they are never searched).
 */
function fillTables(mem: Memory, plan: Plan): void {
  if (mem.tables.has(plan.tableKind)) return;
  const words = [0, 1].map((t) => new Int32Array(mem.memory.buffer, tableOffset(plan, t), ROWS * LANES));
  const align = plan.low & 3;
  for (let v = 0; v < 10 ** plan.lowDigits; v += 1) {
    let rest = v;
    for (let q = plan.lowDigits - 1; q >= 0; q -= 1) {
      const digit = rest % 10;
      rest = (rest - digit) / 10;
      const pos = align + q;
      words[pos >> 2][v] |= (0x30 + digit) << (8 * (3 - (pos & 3)));
    }
  }
  mem.tables.add(plan.tableKind);
}

const kernels = new Map<string, Kernel>();
let kernelsBuilt = 0;

/** The kernel for a layout: from this thread's cache (most recently used kept), or generated now. */
function kernelFor(prefixLength: number, digits: number, suffixLength: number, digest: boolean): Kernel {
  const key = `${prefixLength}:${digits}:${suffixLength}:${digest ? 'digest' : 'search'}`;
  let kernel = kernels.get(key);
  if (kernel) {
    kernels.delete(key);
    kernels.set(key, kernel);
    return kernel;
  }
  const mem = memory();
  const plan = makePlan(prefixLength, digits, suffixLength);
  const name = digest ? 'digest' : 'search';
  const module = new WebAssembly.Module(
    assembleModule(MEMORY_PAGES, [{ name, fn: generate(plan, digest) }], { importMemory: true }),
  );
  const { exports } = new WebAssembly.Instance(module, { env: { memory: mem.memory } });
  fillTables(mem, plan);
  kernel = { plan, run: exports[name] as Kernel['run'] };
  kernelsBuilt += 1;
  while (kernels.size >= MAX_KERNELS) kernels.delete(kernels.keys().next().value as string);
  kernels.set(key, kernel);
  return kernel;
}

/** This thread's kernel cache: the layouts it holds (least recently used first) and how many were built. */
export function kernelCache(): { layouts: string[]; built: number } {
  return { layouts: [...kernels.keys()], built: kernelsBuilt };
}

/** The bits of hash word 0 that must be zero: the kernel's filter (hits are then checked exactly). */
export function wordMask(difficulty: number): number {
  const nibbles = Math.max(0, Math.min(8, Math.floor(difficulty)));
  return nibbles === 0 ? 0 : (-1 << (32 - 4 * nibbles)) | 0;
}

/** One layout's share of a chunk: candidates `base + from` to `base + to - 1`, all with `digits` digits. */
interface Part {
  high: string;
  digits: number;
  base: bigint;
  from: number;
  to: number;
}

/** The parts of a chunk: one for chunk 1 and above, one per digit count (1 to 4) for chunk 0. */
function partsOf(chunk: number): Part[] {
  if (!Number.isSafeInteger(chunk) || chunk < 0) {
    throw new RangeError(`chunk must be a safe whole number, got ${chunk}`);
  }
  if (chunk > 0) {
    const high = String(chunk);
    return [
      { high, digits: high.length + LOW_DIGITS, base: BigInt(chunk) * BigInt(CHUNK), from: 0, to: CHUNK },
    ];
  }
  return [1, 2, 3, 4].map((digits) => ({
    high: '',
    digits,
    base: 0n,
    from: digits === 1 ? 0 : 10 ** (digits - 1),
    to: 10 ** digits,
  }));
}

/** Digit counts of the candidates tried first for the hint itself: 1 to 4 (chunk 0), then 5 to 8. */
const HINT_DIGITS = 8;

/**
 * The digit counts a proof at this difficulty usually has: those of 16^d / 10 to 16^d × 5, where ~99% of
 * the proofs are (a proof is about the 16^d-th candidate, with a geometric spread).
 */
export function likelyProofDigits(difficulty: number): number[] {
  const expected = 16 ** Math.min(difficulty, 13);
  const from = String(Math.max(0, Math.floor(expected / 10))).length;
  // Candidates stay below 2^53: at most 16 digits.
  const to = Math.min(16, String(Math.floor(expected * 5)).length);
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/**
 * The kernels a warm-up prepares, in order, as (last proof, candidate digits) pairs (a kernel depends
 * only on lengths): first those of the search of `job` itself, then those of the searches after it,
 * whose last proof is a proof of this difficulty, so usually of one of {@link likelyProofDigits}.
 */
export function warmUpSteps(job: ProofJob): { job: ProofJob; digits: number }[] {
  const likely = likelyProofDigits(job.difficulty);
  const steps: { job: ProofJob; digits: number }[] = [];
  for (let digits = 1; digits <= Math.max(HINT_DIGITS, likely.at(-1) ?? 0); digits += 1) {
    steps.push({ job, digits });
  }
  const hintLength = job.lastProof.toString().length;
  for (const length of likely) {
    if (length === hintLength) continue;
    const next = { ...job, lastProof: 10n ** BigInt(length - 1) };
    for (let digits = 1; digits <= (likely.at(-1) ?? 1); digits += 1) steps.push({ job: next, digits });
  }
  return steps.slice(0, MAX_KERNELS);
}

/** How many times {@link ProofKernel.warm} runs a new kernel: enough for V8 to start optimising it. */
const WARM_RUNS = 2;

/** Searches proofs for one job, chunk by chunk, on the calling thread. */
export class ProofKernel {
  private readonly prefix: Buffer;
  private readonly suffix: Buffer;
  private readonly difficulty: number;
  /** Chaining value after the blocks made only of prefix bytes, the same for every chunk. */
  private readonly prefixChain: Int32Array;
  private readonly prefixBlocks: number;

  constructor(job: ProofJob) {
    this.prefix = Buffer.from(job.lastProof.toString());
    this.suffix = Buffer.from(job.profile === 'dvf' ? job.lastHash : '');
    this.difficulty = job.difficulty;
    this.prefixBlocks = Math.floor(this.prefix.length / 64);
    this.prefixChain = Int32Array.from(IV);
    for (let b = 0; b < this.prefixBlocks; b += 1) compress(this.prefixChain, this.prefix, b * 64);
  }

  /** Whether `candidate` is a valid proof, checked with node:crypto (the oracle the kernel answers to). */
  isValid(candidate: bigint): boolean {
    const hash = createHash('sha256')
      .update(this.prefix)
      .update(candidate.toString())
      .update(this.suffix)
      .digest();
    const nibbles = Math.min(64, this.difficulty);
    for (let n = 0; n < nibbles; n += 1) {
      if ((n & 1 ? hash[n >> 1] & 0x0f : hash[n >> 1] >> 4) !== 0) return false;
    }
    return true;
  }

  /** Tries the candidates `chunk * 10 000 + 0..9999` in order; returns the smallest valid one, or null. */
  searchChunk(chunk: number): bigint | null {
    for (const part of partsOf(chunk)) {
      const { run } = this.prepare(part, false);
      const end = Math.ceil(part.to / LANES);
      for (let row = Math.floor(part.from / LANES); row < end;) {
        const hit = run(row, end);
        if (hit < 0) break;
        for (let lane = 0; lane < LANES; lane += 1) {
          const v = hit * LANES + lane;
          if (v < part.from || v >= part.to) continue;
          const candidate = part.base + BigInt(v);
          if (this.isValid(candidate)) return candidate;
        }
        row = hit + 1;
      }
    }
    return null;
  }

  /** The SHA-256 digests of the guesses of the chunk's 10 000 candidates, 32 bytes each (for tests). */
  digestChunk(chunk: number): Uint8Array {
    const out = new Uint8Array(CHUNK * 32);
    const view = new DataView(out.buffer);
    const words = memory().out;
    for (const part of partsOf(chunk)) {
      const { run } = this.prepare(part, true);
      run(Math.floor(part.from / LANES), Math.ceil(part.to / LANES));
      for (let v = part.from; v < part.to; v += 1) {
        const [row, lane] = [Math.floor(v / LANES), v % LANES];
        for (let j = 0; j < 8; j += 1) view.setInt32(v * 32 + j * 4, words[(row * 8 + j) * 4 + lane]);
      }
    }
    return out;
  }

  /**
   * Gets the kernel for candidates of `digits` digits ready ahead of a search: generated, compiled and
   * run a few times, so that V8's optimising tier has it before the search needs it.
   */
  warm(digits: number): void {
    if (!Number.isInteger(digits) || digits < 1 || digits > 16) {
      throw new RangeError(`digits must be a whole number from 1 to 16, got ${digits}`);
    }
    const part = digits <= LOW_DIGITS ? partsOf(0)[digits - 1] : partsOf(10 ** (digits - LOW_DIGITS - 1))[0];
    for (let i = 0; i < WARM_RUNS; i += 1) {
      const { run } = this.prepare(part, false);
      // A filter nothing passes (word 0 all zero, one chance in 2^32): every row is hashed.
      memory().slots[SLOT_MASK] = -1;
      run(Math.floor(part.from / LANES), Math.ceil(part.to / LANES));
    }
  }

  /** Gets the kernel for a part's layout and fills its per-chunk slots. */
  private prepare(part: Part, digest: boolean): Kernel {
    const kernel = kernelFor(this.prefix.length, part.digits, this.suffix.length, digest);
    const { plan } = kernel;
    const { slots } = memory();
    const message = pad(
      Buffer.concat([this.prefix, Buffer.from(part.high), Buffer.alloc(plan.lowDigits), this.suffix]),
    );
    const view = new DataView(message.buffer);
    const chain = Int32Array.from(this.prefixChain);
    for (let b = this.prefixBlocks; b < plan.firstBlock; b += 1) compress(chain, message, b * 64);
    slots.set(chain, SLOT_HIN);
    slots[SLOT_MASK] = wordMask(this.difficulty);

    const w = new Int32Array(64);
    for (let k = 0; k < plan.blocks; k += 1) {
      const varies = plan.varies[k];
      for (let t = 0; t < 16; t += 1) w[t] = view.getInt32((plan.firstBlock + k) * 64 + t * 4);
      for (let t = 0; t < 64; t += 1) {
        if (t >= 16) {
          // Sum of the terms that do not vary; when none varies this is the schedule word itself.
          let sum = 0;
          if (!varies[t - 2]) sum += smallSigma1(w[t - 2]);
          if (!varies[t - 7]) sum += w[t - 7];
          if (!varies[t - 15]) sum += smallSigma0(w[t - 15]);
          if (!varies[t - 16]) sum += w[t - 16];
          w[t] = sum | 0;
        }
        // A varying word's slot holds its constant part (its other bytes, or its constant terms).
        slots[slotOfWord(k, t)] = varies[t] ? w[t] : (w[t] + K[t]) | 0;
      }
      if (k === 0) {
        const state = Int32Array.from(chain);
        rounds(state, w, 0, plan.startRound);
        slots.set(state, SLOT_STATE);
      }
    }
    return kernel;
  }
}
