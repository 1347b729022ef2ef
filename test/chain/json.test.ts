import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_DEPTH,
  PyJsonError,
  compareCodePoints,
  dumpsPy,
  parsePyJson,
  pyFloatRepr,
  sha256Hex,
} from '../../src-main/chain/json.ts';
import type { PyValue } from '../../src-main/chain/types.ts';
import { pythonDumps } from './python-oracle.ts';
import { JsonTextGenerator, makeRng } from './random-json.ts';

const DOCUMENTS = 3000;
const RANDOM_DOUBLES = 20_000;

describe('dumpsPy', () => {
  it('writes the golden genesis exactly as Python does', () => {
    const text =
      '{"index": 1, "previous_hash": "1", "proof": 100, "timestamp": 1506057125.900785, "transactions": []}';
    const value = {
      transactions: [],
      timestamp: 1506057125.900785,
      proof: 100n,
      previous_hash: '1',
      index: 1n,
    };
    expect(dumpsPy(value)).toBe(text);
    expect(sha256Hex(dumpsPy(value))).toBe(
      '9bd58252bbed62b0af795f7c177c9b115bbb161f41df0ac728443cfb2b9e2067',
    );
  });

  it('keeps the kind of numbers: 1 vs 1.0, big integers with every digit', () => {
    expect(dumpsPy([1n, 1, -0, 0, 2n ** 70n, -(2n ** 64n) - 1n])).toBe(
      '[1, 1.0, -0.0, 0.0, 1180591620717411303424, -18446744073709551617]',
    );
  });

  it.each([
    [1, '1.0'],
    [2.5, '2.5'],
    [1613493177, '1613493177.0'],
    [1e16, '1e+16'],
    [1.5e16, '1.5e+16'],
    [9999999999999998, '9999999999999998.0'],
    [1e-5, '1e-05'],
    [0.0001, '0.0001'],
    [1.5e-7, '1.5e-07'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [1e100, '1e+100'],
    [0.1 + 0.2, '0.30000000000000004'],
    [-123.456, '-123.456'],
    [1e22, '1e+22'],
    [123456789012345680000, '1.2345678901234568e+20'],
  ])('writes the float %s as Python repr %s', (value, expected) => {
    expect(pyFloatRepr(value)).toBe(expected);
  });

  it('escapes strings like ensure_ascii', () => {
    expect(dumpsPy('a"b\\c/\n\r\t\b\f\u0001\u001f\u007f~é😀\ud800\ue000')).toBe(
      '"a\\"b\\\\c/\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f~\\u00e9\\ud83d\\ude00\\ud800\\ue000"',
    );
  });

  it('sorts keys by code point, not UTF-16 unit (astral after U+E000–U+FFFF)', () => {
    const value = { '😀': 1n, '\uffff': 2n, '\ue000': 3n, b: 4n, a: 5n, '': 6n };
    expect(dumpsPy(value)).toBe('{"": 6, "a": 5, "b": 4, "\\ue000": 3, "\\uffff": 2, "\\ud83d\\ude00": 1}');
    expect(compareCodePoints('\ud83d\ude00', '\ud83d\ue000')).toBe(1);
    expect(compareCodePoints('\ud800', '\ue000')).toBe(-1);
    expect(compareCodePoints('ab', 'a')).toBe(1);
  });

  it('writes empty containers and nesting with Python separators', () => {
    expect(dumpsPy({ b: [], a: {}, c: [null, true, false, { z: 'y' }] })).toBe(
      '{"a": {}, "b": [], "c": [null, true, false, {"z": "y"}]}',
    );
  });

  it('refuses NaN, Infinity and non-JSON values', () => {
    expect(() => dumpsPy(Number.NaN)).toThrow(PyJsonError);
    expect(() => dumpsPy([Number.POSITIVE_INFINITY])).toThrow(/Infinity/);
    expect(() => dumpsPy({ a: undefined } as unknown as PyValue)).toThrow(PyJsonError);
    expect(() => dumpsPy(10n ** 4300n)).toThrow(/4300 digits/);
    expect(dumpsPy(-(10n ** 4300n - 1n))).toHaveLength(4301);
  });

  it('refuses circular values instead of overflowing the stack', () => {
    const a: PyValue[] = [];
    a.push(a);
    expect(() => dumpsPy(a)).toThrow(PyJsonError);
  });
});

describe('parsePyJson', () => {
  it('keeps each number kind and every digit', () => {
    const v = parsePyJson('[1, 1.0, 1e3, -0, -0.0, 123456789012345678901234567890, 1E-5]') as PyValue[];
    expect(v).toEqual([1n, 1, 1000, 0n, -0, 123456789012345678901234567890n, 1e-5]);
    expect(typeof v[0]).toBe('bigint');
    expect(typeof v[1]).toBe('number');
    expect(Object.is(v[4], -0)).toBe(true);
  });

  it('decodes escapes, keeps lone surrogates and joins escaped pairs', () => {
    expect(parsePyJson('"\\ud83d\\ude00 \\ud800 \\/ \\"\\\\ \\u00E9"')).toBe('😀 \ud800 / "\\ é');
  });

  it('lets the last duplicate key win and treats __proto__ as a plain key', () => {
    const v = parsePyJson('{"a": 1, "a": 2, "__proto__": {"x": 1}}') as Record<string, PyValue>;
    expect(v.a).toBe(2n);
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['a', '__proto__']);
    expect(dumpsPy(v)).toBe('{"__proto__": {"x": 1}, "a": 2}');
  });

  it.each([
    ['NaN', /NaN/],
    ['[Infinity]', /Infinity/],
    ['{"a": -Infinity}', /-Infinity/],
    ['1e400', /overflows/],
    ['[-1E999]', /overflows/],
    ['[1] x', /extra data/],
    ['[1,]', /trailing comma/],
    ['{"a": 1,}', /trailing comma/],
    ['01', /extra data/],
    ['1.', /digit after the decimal point/],
    ['.5', /expecting a value/],
    ['1e', /exponent/],
    ['-', /expecting a value/],
    ['', /text ended/],
    ['   ', /text ended/],
    ['"abc', /unterminated string/],
    ['"a\u0001b"', /control character U\+0001/],
    ['"a\nb"', /control character/],
    ['"\\x41"', /invalid escape/],
    ['"\\u12G4"', /\\uXXXX/],
    ['{a: 1}', /property name/],
    ["{'a': 1}", /property name/],
    ['{"a" 1}', /':'/],
    ['[1 2]', /',' or ']'/],
    ['tru', /expecting a value/],
    ['\ufeff{}', /byte order mark/],
    ['[' + '9'.repeat(4301) + ']', /4300 digits/],
  ])('rejects %j', (text, message) => {
    expect(() => parsePyJson(text)).toThrow(PyJsonError);
    expect(() => parsePyJson(text)).toThrow(message);
  });

  it('states where the problem is', () => {
    try {
      parsePyJson('{\n  "a": NaN}');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PyJsonError);
      expect((error as PyJsonError).position).toBe(9);
      expect((error as PyJsonError).message).toContain('line 2 column 8 (char 9)');
    }
  });

  it('accepts exactly 4300-digit integers', () => {
    expect(parsePyJson('9'.repeat(4300))).toBe(10n ** 4300n - 1n);
  });

  it('rejects deep nesting with an error, not a stack overflow', () => {
    for (const open of ['[', '{"a":']) {
      const text = open.repeat(100_000);
      expect(() => parsePyJson(text)).toThrow(/nesting deeper than 512 levels/);
    }
    const ok = '['.repeat(DEFAULT_MAX_DEPTH) + ']'.repeat(DEFAULT_MAX_DEPTH);
    expect(dumpsPy(parsePyJson(ok))).toBe(ok);
    const tooDeep = '['.repeat(DEFAULT_MAX_DEPTH + 1) + ']'.repeat(DEFAULT_MAX_DEPTH + 1);
    expect(() => parsePyJson(tooDeep)).toThrow(PyJsonError);
    expect(parsePyJson('[[[]]]', { maxDepth: 3 })).toEqual([[[]]]);
    expect(() => parsePyJson('[[[]]]', { maxDepth: 2 })).toThrow(/deeper than 2/);
  });

  it('parses a 30 MB chain-like document quickly', () => {
    const tx =
      '{"amount": 1.5, "recipient": "r\\u00e9cipient-\\ud83d\\ude00", "sender": "0123456789abcdef0123456789abcdef"}';
    const block = (i: number): string =>
      `{"index": ${i}, "previous_hash": "${'ab'.repeat(32)}", "proof": ${i * 7919}, "timestamp": 1506057125.900785, "transactions": [${Array(20).fill(tx).join(', ')}]}`;
    const text = `{"chain": [${Array.from({ length: 14_000 }, (_, i) => block(i + 1)).join(', ')}], "length": 14000}`;
    expect(text.length).toBeGreaterThan(30_000_000);
    const started = performance.now();
    const value = parsePyJson(text);
    const parseMs = performance.now() - started;
    const chain = (value as { chain: PyValue[] }).chain;
    expect(chain).toHaveLength(14_000);
    expect(dumpsPy(chain[13_999]!)).toBe(block(14_000));
    // Generous for loaded CI machines; a quadratic parser would take minutes here.
    expect(parseMs).toBeLessThan(10_000);
  });
});

describe('dumpsPy(parsePyJson(text)) against CPython', () => {
  const seed = Number(process.env.CHAIN_JSON_SEED ?? Math.floor(Math.random() * 2 ** 32));
  const gen = new JsonTextGenerator(makeRng(seed));
  const documents = Array.from({ length: DOCUMENTS }, () => gen.document());
  // Random bit patterns cover every float magnitude, subnormals included, 100 per line.
  const doubles: string[] = [];
  for (let i = 0; i < RANDOM_DOUBLES / 100; i++) {
    doubles.push(
      '[' + Array.from({ length: 100 }, () => gen.doubleText(gen.randomDouble())).join(', ') + ']',
    );
  }
  const lines = [...documents, ...doubles];
  const expected = pythonDumps(lines);

  it(`matches byte for byte on ${DOCUMENTS} random documents and ${RANDOM_DOUBLES} random doubles`, () => {
    const mismatches: string[] = [];
    lines.forEach((line, i) => {
      let actual: string;
      try {
        actual = dumpsPy(parsePyJson(line));
      } catch (error) {
        actual = `ERROR ${String(error)}`;
      }
      if (actual !== expected[i]) {
        mismatches.push(`line ${i}: ${line}\n  python: ${expected[i]}\n  ours:   ${actual}`);
      }
    });
    expect(mismatches.slice(0, 5), `seed ${seed} (rerun with CHAIN_JSON_SEED=${seed})`).toEqual([]);
  });

  it('round-trips: parsing our output gives the same value', () => {
    const failures: string[] = [];
    for (const line of lines) {
      const once = dumpsPy(parsePyJson(line));
      const twice = dumpsPy(parsePyJson(once));
      if (once !== twice) failures.push(line);
      if (!/^[\x20-\x7e]*$/.test(once)) failures.push(`non-ASCII output for ${line}`);
    }
    expect(failures.slice(0, 5), `seed ${seed}`).toEqual([]);
  });

  it('generates documents that exercise the hard cases', () => {
    const all = lines.join('\n');
    for (const needle of [
      /\\ud[89ab]/i,
      /\\ud[c-f]/i,
      /-0\.0/,
      /\d{21}/,
      /e-3\d\d/,
      /[\ue000-\uffff]/,
      /\\u007f/i,
    ]) {
      expect(all, `seed ${seed}`).toMatch(needle);
    }
  });
});
