/**
 * A minimal WebAssembly binary writer: just enough of the format (one memory, functions over i32 and
 * v128, structured control flow, the SIMD operations SHA-256 needs) to generate the proof kernels at
 * run time from TypeScript. Generating instead of shipping a compiled blob means no build step and no
 * native tool, and lets each kernel be specialised for the layout of the message it hashes.
 */

/** Value types used by the kernels. */
export const I32 = 0x7f;
/** The 128-bit SIMD value type. */
export const V128 = 0x7b;

/** Unsigned LEB128, the encoding of every index and size in a module (appended to `out`). */
export function uleb(value: number, out: number[] = []): number[] {
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128, the encoding of `i32.const` immediates (appended to `out`). */
export function sleb(value: number, out: number[] = []): number[] {
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

/** Concatenates byte runs (a module's code is tens of kilobytes: no array spreads of it). */
function join(parts: ArrayLike<number>[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function bytesOfName(name: string): Uint8Array {
  const bytes = new TextEncoder().encode(name);
  return join([uleb(bytes.length), bytes]);
}

function section(id: number, payload: Uint8Array): Uint8Array {
  return join([[id], uleb(payload.length), payload]);
}

function vector(items: ArrayLike<number>[]): Uint8Array {
  return join([uleb(items.length), ...items]);
}

// SIMD opcodes (after the 0xfd prefix), from the WebAssembly SIMD proposal as standardised.
const SIMD = {
  load: 0x00,
  load32Splat: 0x09,
  store: 0x0b,
  const: 0x0c,
  i32x4Splat: 0x11,
  i32x4ExtractLane: 0x1b,
  i32x4Eq: 0x37,
  and: 0x4e,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  anyTrue: 0x53,
  i32x4Shl: 0xab,
  i32x4ShrU: 0xad,
  i32x4Add: 0xae,
} as const;

/** Builds the body of one function as a stack-machine instruction stream. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: number[] = [];

  constructor(
    readonly params: number[],
    readonly results: number[],
  ) {}

  /** Declares a local and returns its index. */
  local(type: number): number {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  private simd(op: number, ...imm: number[]): this {
    this.code.push(0xfd);
    uleb(op, this.code);
    for (const byte of imm) this.code.push(byte);
    return this;
  }

  get(index: number): this {
    this.code.push(0x20);
    uleb(index, this.code);
    return this;
  }
  set(index: number): this {
    this.code.push(0x21);
    uleb(index, this.code);
    return this;
  }
  tee(index: number): this {
    this.code.push(0x22);
    uleb(index, this.code);
    return this;
  }
  i32Const(value: number): this {
    this.code.push(0x41);
    sleb(value, this.code);
    return this;
  }
  i32Add(): this {
    this.code.push(0x6a);
    return this;
  }
  i32Sub(): this {
    this.code.push(0x6b);
    return this;
  }
  i32Shl(): this {
    this.code.push(0x74);
    return this;
  }
  i32GeU(): this {
    this.code.push(0x4f);
    return this;
  }
  i32LtU(): this {
    this.code.push(0x49);
    return this;
  }
  /** `block` with no result; `br 0` inside jumps past its end. */
  block(): this {
    this.code.push(0x02, 0x40);
    return this;
  }
  /** `loop` with no result; `br 0` inside jumps back to its start. */
  loop(): this {
    this.code.push(0x03, 0x40);
    return this;
  }
  /** `if` with no result, consuming an i32 condition. */
  if(): this {
    this.code.push(0x04, 0x40);
    return this;
  }
  end(): this {
    this.code.push(0x0b);
    return this;
  }
  br(depth: number): this {
    this.code.push(0x0c);
    uleb(depth, this.code);
    return this;
  }
  brIf(depth: number): this {
    this.code.push(0x0d);
    uleb(depth, this.code);
    return this;
  }
  return(): this {
    this.code.push(0x0f);
    return this;
  }
  /** Loads a v128 from `address + offset` (the address is on the stack). */
  v128Load(offset: number): this {
    this.simd(SIMD.load, 4);
    uleb(offset, this.code);
    return this;
  }
  /** Loads the i32 at `address + offset` into all four lanes. */
  load32Splat(offset: number): this {
    this.simd(SIMD.load32Splat, 2);
    uleb(offset, this.code);
    return this;
  }
  v128Store(offset: number): this {
    this.simd(SIMD.store, 4);
    uleb(offset, this.code);
    return this;
  }
  /** A v128 constant with the same i32 in each lane. */
  splatConst(value: number): this {
    const lane = [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
    return this.simd(SIMD.const, ...lane, ...lane, ...lane, ...lane);
  }
  i32x4Splat(): this {
    return this.simd(SIMD.i32x4Splat);
  }
  extractLane(lane: number): this {
    return this.simd(SIMD.i32x4ExtractLane, lane);
  }
  i32x4Eq(): this {
    return this.simd(SIMD.i32x4Eq);
  }
  and(): this {
    return this.simd(SIMD.and);
  }
  or(): this {
    return this.simd(SIMD.or);
  }
  xor(): this {
    return this.simd(SIMD.xor);
  }
  /** `(v1 & c) | (v2 & ~c)` with the stack holding v1, v2, c. */
  bitselect(): this {
    return this.simd(SIMD.bitselect);
  }
  anyTrue(): this {
    return this.simd(SIMD.anyTrue);
  }
  shl(bits: number): this {
    this.i32Const(bits);
    return this.simd(SIMD.i32x4Shl);
  }
  shrU(bits: number): this {
    this.i32Const(bits);
    return this.simd(SIMD.i32x4ShrU);
  }
  add(): this {
    return this.simd(SIMD.i32x4Add);
  }

  /** The encoded body (locals and instructions), as the code section wants it. */
  encode(): Uint8Array {
    const groups: number[][] = [];
    for (let i = 0; i < this.localTypes.length;) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j += 1;
      groups.push([...uleb(j - i), this.localTypes[i]]);
      i = j;
    }
    const body = join([vector(groups), this.code, [0x0b]]);
    return join([uleb(body.length), body]);
  }
}

/**
 * Assembles a module with the given exported functions and one memory of `memoryPages` pages: its own,
 * exported as `memory`, or (with `importMemory`) imported as `env.memory`, so that many modules can
 * share one linear memory.
 */
export function assembleModule(
  memoryPages: number,
  functions: { name: string; fn: FunctionBuilder }[],
  options: { importMemory?: boolean } = {},
): Uint8Array {
  const types = functions.map(({ fn }) =>
    join([[0x60], vector(fn.params.map((t) => [t])), vector(fn.results.map((t) => [t]))]),
  );
  const limits = [0x00, ...uleb(memoryPages)];
  const exports = functions.map(({ name }, i) => join([bytesOfName(name), [0x00], uleb(i)]));
  const sections = [[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], section(1, vector(types))];
  if (options.importMemory) {
    sections.push(section(2, vector([join([bytesOfName('env'), bytesOfName('memory'), [0x02], limits])])));
  }
  sections.push(section(3, vector(functions.map((_, i) => uleb(i)))));
  if (!options.importMemory) {
    sections.push(section(5, vector([limits])));
    exports.unshift(join([bytesOfName('memory'), [0x02, 0x00]]));
  }
  sections.push(section(7, vector(exports)), section(10, vector(functions.map(({ fn }) => fn.encode()))));
  return join(sections);
}
