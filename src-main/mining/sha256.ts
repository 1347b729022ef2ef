/**
 * Scalar SHA-256 pieces (FIPS 180-4) on 32-bit words. The SIMD kernels do the per-candidate work; these
 * compute, once per batch of candidates, everything that does not depend on the candidate's low digits.
 */

/** The round constants. */
export const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
]);

/** The initial hash value. */
export const IV = Int32Array.from([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

const rotr = (x: number, n: number): number => (x >>> n) | (x << (32 - n));

/** σ0 of the message schedule. */
export const smallSigma0 = (x: number): number => rotr(x, 7) ^ rotr(x, 18) ^ (x >>> 3);
/** σ1 of the message schedule. */
export const smallSigma1 = (x: number): number => rotr(x, 17) ^ rotr(x, 19) ^ (x >>> 10);

/**
 * Runs rounds `from` to `to - 1` on `state` (a..h, updated in place) with the expanded message `w`.
 */
export function rounds(state: Int32Array, w: Int32Array, from: number, to: number): void {
  let [a, b, c, d, e, f, g, h] = state as unknown as number[];
  for (let t = from; t < to; t += 1) {
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[t] + w[t]) | 0;
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  state.set([a, b, c, d, e, f, g, h]);
}

/** Expands 16 message words (the first 16 entries of `w`) to the 64-word schedule, in place. */
export function expand(w: Int32Array): void {
  for (let t = 16; t < 64; t += 1) {
    w[t] = (smallSigma1(w[t - 2]) + w[t - 7] + smallSigma0(w[t - 15]) + w[t - 16]) | 0;
  }
}

/** Compresses the 64-byte block of `bytes` at `offset` into `chain` (8 words, updated in place). */
export function compress(chain: Int32Array, bytes: Uint8Array, offset: number): void {
  const w = new Int32Array(64);
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, 64);
  for (let t = 0; t < 16; t += 1) w[t] = view.getInt32(t * 4);
  expand(w);
  const state = Int32Array.from(chain);
  rounds(state, w, 0, 64);
  for (let i = 0; i < 8; i += 1) chain[i] = (chain[i] + state[i]) | 0;
}

/** The message with SHA-256 padding: a 0x80 byte, zeros, and the bit length, to a multiple of 64 bytes. */
export function pad(message: Uint8Array): Uint8Array {
  const blocks = Math.ceil((message.length + 9) / 64);
  const out = new Uint8Array(blocks * 64);
  out.set(message);
  out[message.length] = 0x80;
  const view = new DataView(out.buffer);
  const bits = message.length * 8;
  view.setUint32(out.length - 8, Math.floor(bits / 2 ** 32));
  view.setUint32(out.length - 4, bits >>> 0);
  return out;
}
