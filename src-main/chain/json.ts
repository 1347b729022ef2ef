import { hash } from 'node:crypto';
import type { PyObject, PyValue } from './types.ts';
import { describeValue } from '../shared/address.ts';

/** Deepest nesting of arrays/objects `parsePyJson` accepts by default (CPython itself stops near 1000). */
export const DEFAULT_MAX_DEPTH = 512;

/** CPython's default `sys.get_int_max_str_digits()`: longer integers cannot be parsed or printed by it. */
export const MAX_INT_DIGITS = 4300;

/** Deepest nesting `dumpsPy` serializes; deeper values are treated as circular (CPython raises too). */
const MAX_DUMP_DEPTH = 1000;

/** Invalid JSON, JSON that Python would not hash, or a value `dumpsPy` cannot serialize. */
export class PyJsonError extends Error {
  override name = 'PyJsonError';
  /** UTF-16 offset in the parsed text where the problem is; null for serialization errors. */
  readonly position: number | null;

  constructor(message: string, position: number | null = null) {
    super(message);
    this.position = position;
  }
}

/** Options of `parsePyJson`. */
export interface ParseOptions {
  /** Deepest nesting of arrays/objects accepted; deeper input is rejected rather than risking the stack. */
  maxDepth?: number;
}

/** Describes a position as Python does: line and column (1-based) and the character offset. */
function describePosition(text: string, pos: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return `line ${line} column ${pos - lineStart + 1} (char ${pos})`;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function setKey(obj: PyObject, key: string, value: PyValue): void {
  // A plain assignment to "__proto__" would change the prototype instead of adding a key.
  if (key === '__proto__') {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    obj[key] = value;
  }
}

/**
 * Parses JSON like Python's `json.loads`, keeping each number's kind: `1` becomes the bigint `1n`,
 * `1.0` and `1e3` become JS numbers. Rejects what Python would accept but cannot hash back
 * (`NaN`, `Infinity`, floats overflowing to infinity, integers over 4300 digits) and nesting deeper
 * than `maxDepth`, by throwing `PyJsonError`.
 */
export function parsePyJson(text: string, options: ParseOptions = {}): PyValue {
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const n = text.length;
  let pos = 0;

  function fail(what: string, at: number = pos): never {
    throw new PyJsonError(`Invalid JSON: ${what} at ${describePosition(text, at)}`, at);
  }

  const skipWhitespace = (): void => {
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else break;
    }
  };

  const parseString = (): string => {
    // pos is on the opening quote.
    pos++;
    let segmentStart = pos;
    let parts: string[] | null = null;
    for (;;) {
      if (pos >= n) fail('unterminated string', segmentStart - 1);
      const c = text.charCodeAt(pos);
      if (c === 34) {
        const tail = text.slice(segmentStart, pos);
        pos++;
        if (parts === null) return tail;
        parts.push(tail);
        return parts.join('');
      }
      if (c === 92) {
        parts ??= [];
        parts.push(text.slice(segmentStart, pos));
        const e = text.charCodeAt(pos + 1);
        switch (e) {
          case 34:
            parts.push('"');
            break;
          case 92:
            parts.push('\\');
            break;
          case 47:
            parts.push('/');
            break;
          case 98:
            parts.push('\b');
            break;
          case 102:
            parts.push('\f');
            break;
          case 110:
            parts.push('\n');
            break;
          case 114:
            parts.push('\r');
            break;
          case 116:
            parts.push('\t');
            break;
          case 117: {
            let code = 0;
            for (let k = 2; k < 6; k++) {
              const h = hexValue(text.charCodeAt(pos + k));
              if (h < 0) fail('invalid \\uXXXX escape (needs 4 hex digits)', pos);
              code = code * 16 + h;
            }
            // Lone surrogates stay as they are, like Python; a valid pair forms one character.
            parts.push(String.fromCharCode(code));
            pos += 4;
            break;
          }
          default:
            fail('invalid escape in string', pos);
        }
        pos += 2;
        segmentStart = pos;
        continue;
      }
      if (c < 32) {
        fail(`control character U+${c.toString(16).padStart(4, '0').toUpperCase()} not allowed in string`);
      }
      pos++;
    }
  };

  const isDigit = (c: number): boolean => c >= 48 && c <= 57;

  const parseNumber = (): bigint | number => {
    const start = pos;
    if (text.charCodeAt(pos) === 45) pos++;
    const intStart = pos;
    const first = text.charCodeAt(pos);
    if (first === 48) {
      pos++;
    } else if (first >= 49 && first <= 57) {
      pos++;
      while (pos < n && isDigit(text.charCodeAt(pos))) pos++;
    } else {
      fail('expecting a value');
    }
    const intEnd = pos;
    let isFloat = false;
    if (text.charCodeAt(pos) === 46) {
      pos++;
      if (!isDigit(text.charCodeAt(pos))) fail('expecting a digit after the decimal point');
      while (pos < n && isDigit(text.charCodeAt(pos))) pos++;
      isFloat = true;
    }
    const e = text.charCodeAt(pos);
    if (e === 101 || e === 69) {
      pos++;
      const sign = text.charCodeAt(pos);
      if (sign === 43 || sign === 45) pos++;
      if (!isDigit(text.charCodeAt(pos))) fail('expecting a digit in the exponent');
      while (pos < n && isDigit(text.charCodeAt(pos))) pos++;
      isFloat = true;
    }
    const token = text.slice(start, pos);
    if (isFloat) {
      const value = Number(token);
      if (!Number.isFinite(value)) fail(`number ${token} overflows to infinity`, start);
      return value;
    }
    if (intEnd - intStart > MAX_INT_DIGITS) {
      fail(`integer with more than ${MAX_INT_DIGITS} digits (Python refuses to convert it)`, start);
    }
    return BigInt(token);
  };

  const parseLiteral = (word: string, value: PyValue): PyValue => {
    if (!text.startsWith(word, pos)) fail('expecting a value');
    pos += word.length;
    return value;
  };

  const parseValue = (depth: number): PyValue => {
    skipWhitespace();
    const c = text.charCodeAt(pos);
    switch (c) {
      case 34:
        return parseString();
      case 123:
        return parseObject(depth + 1);
      case 91:
        return parseArray(depth + 1);
      case 116:
        return parseLiteral('true', true);
      case 102:
        return parseLiteral('false', false);
      case 110:
        return parseLiteral('null', null);
      case 78:
        if (text.startsWith('NaN', pos)) fail('NaN is not a number JSON allows');
        break;
      case 73:
        if (text.startsWith('Infinity', pos)) fail('Infinity is not a number JSON allows');
        break;
      case 45:
        if (text.startsWith('-Infinity', pos)) fail('-Infinity is not a number JSON allows');
        return parseNumber();
      default:
        if (c >= 48 && c <= 57) return parseNumber();
    }
    if (pos >= n) fail('expecting a value (the text ended)');
    if (c === 0xfeff && pos === 0) fail('unexpected byte order mark (decode as utf-8-sig first)');
    return fail('expecting a value');
  };

  const checkDepth = (depth: number): void => {
    if (depth > maxDepth) fail(`nesting deeper than ${maxDepth} levels`);
  };

  const parseArray = (depth: number): PyValue[] => {
    checkDepth(depth);
    pos++;
    const items: PyValue[] = [];
    skipWhitespace();
    if (text.charCodeAt(pos) === 93) {
      pos++;
      return items;
    }
    for (;;) {
      items.push(parseValue(depth));
      skipWhitespace();
      const c = text.charCodeAt(pos);
      if (c === 44) {
        pos++;
        skipWhitespace();
        if (text.charCodeAt(pos) === 93) fail('trailing comma before ]');
        continue;
      }
      if (c === 93) {
        pos++;
        return items;
      }
      fail("expecting ',' or ']'");
    }
  };

  const parseObject = (depth: number): PyObject => {
    checkDepth(depth);
    pos++;
    const obj: PyObject = {};
    skipWhitespace();
    if (text.charCodeAt(pos) === 125) {
      pos++;
      return obj;
    }
    for (;;) {
      if (text.charCodeAt(pos) !== 34) fail('expecting a property name in double quotes');
      const key = parseString();
      skipWhitespace();
      if (text.charCodeAt(pos) !== 58) fail("expecting ':' after a property name");
      pos++;
      setKey(obj, key, parseValue(depth));
      skipWhitespace();
      const c = text.charCodeAt(pos);
      if (c === 44) {
        pos++;
        skipWhitespace();
        if (text.charCodeAt(pos) === 125) fail('trailing comma before }');
        continue;
      }
      if (c === 125) {
        pos++;
        return obj;
      }
      fail("expecting ',' or '}'");
    }
  };

  const value = parseValue(0);
  skipWhitespace();
  if (pos < n) fail('extra data after the JSON value');
  return value;
}

function escapeCode(c: number): string {
  switch (c) {
    case 34:
      return '\\"';
    case 92:
      return '\\\\';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    default:
      return '\\u' + c.toString(16).padStart(4, '0');
  }
}

/**
 * A string as Python's `json.dumps` (ensure_ascii) writes it: controls, '"', '\\' and everything
 * above '~' escaped, so astral characters become surrogate pairs. A plain loop beats a regex here.
 */
function dumpString(s: string): string {
  let out = '"';
  let last = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e && c !== 34 && c !== 92) continue;
    out += s.slice(last, i) + escapeCode(c);
    last = i + 1;
  }
  return (last === 0 ? out + s : out + s.slice(last)) + '"';
}

/** Python's `repr(float)`: shortest round-trip digits, exponent when the exponent is < -4 or >= 16. */
export function pyFloatRepr(x: number): string {
  if (!Number.isFinite(x)) {
    throw new PyJsonError(
      `cannot serialize ${x}: Python's JSON would write it but no JSON parser accepts it`,
    );
  }
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // JS also prints the shortest round-trip digits; only the layout differs from Python.
  const s = String(Math.abs(x));
  let digits: string;
  let exp: number;
  const e = s.indexOf('e');
  if (e !== -1) {
    digits = s.slice(0, e).replace('.', '');
    exp = Number(s.slice(e + 1));
  } else {
    const dot = s.indexOf('.');
    const intPart = dot === -1 ? s : s.slice(0, dot);
    const fracPart = dot === -1 ? '' : s.slice(dot + 1);
    if (intPart !== '0') {
      digits = intPart + fracPart;
      exp = intPart.length - 1;
    } else {
      let zeros = 0;
      while (fracPart.charCodeAt(zeros) === 48) zeros++;
      digits = fracPart.slice(zeros);
      exp = -(zeros + 1);
    }
  }
  digits = digits.replace(/0+$/, '') || '0';
  if (exp < -4 || exp >= 16) {
    const mantissa = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const absExp = String(Math.abs(exp)).padStart(2, '0');
    return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${absExp}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** Orders strings by Unicode code point, as Python does (JS's default sort compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    // Equal code points have equal widths, so one index serves both strings.
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - i === b.length - i ? 0 : a.length - i < b.length - i ? -1 : 1;
}

const HAS_SURROGATE = /[\ud800-\udfff]/;

function sortedKeys(obj: PyObject): string[] {
  const keys = Object.keys(obj);
  if (keys.some((k) => HAS_SURROGATE.test(k))) return keys.sort(compareCodePoints);
  // Without surrogates UTF-16 order is code point order, and the default sort is faster.
  return keys.sort();
}

function dumpInt(v: bigint): string {
  const s = v.toString();
  if (s.length > MAX_INT_DIGITS && s.length - (v < 0n ? 1 : 0) > MAX_INT_DIGITS) {
    throw new PyJsonError(
      `cannot serialize an integer with more than ${MAX_INT_DIGITS} digits (Python refuses)`,
    );
  }
  return s;
}

function dumpValue(value: PyValue, depth: number): string {
  switch (typeof value) {
    case 'string':
      return dumpString(value);
    case 'bigint':
      return dumpInt(value);
    case 'number':
      return pyFloatRepr(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (depth >= MAX_DUMP_DEPTH) {
        throw new PyJsonError(
          `cannot serialize a value nested deeper than ${MAX_DUMP_DEPTH} levels (circular?)`,
        );
      }
      if (Array.isArray(value)) {
        if (value.length === 0) return '[]';
        const parts = new Array<string>(value.length);
        for (let i = 0; i < value.length; i++) parts[i] = dumpValue(value[i]!, depth + 1);
        return '[' + parts.join(', ') + ']';
      }
      const keys = sortedKeys(value);
      if (keys.length === 0) return '{}';
      const parts = new Array<string>(keys.length);
      for (let i = 0; i < keys.length; i++) {
        const k = keys[i]!;
        parts[i] = dumpString(k) + ': ' + dumpValue(value[k]!, depth + 1);
      }
      return '{' + parts.join(', ') + '}';
    }
    default:
      throw new PyJsonError(`cannot serialize a JS ${typeof value} as JSON`);
  }
}

/**
 * Python's `json.dumps(value, sort_keys=True)`, byte for byte: `", "` and `": "` separators, keys in
 * code point order, ASCII-only output, bigints as integers and numbers as Python float reprs.
 */
export function dumpsPy(value: PyValue): string {
  return dumpValue(value, 0);
}

/** Lowercase hex SHA-256 of a string's UTF-8 bytes. */
export function sha256Hex(text: string): string {
  // The one-shot hash costs half of createHash() per call: a chain is hashed block by block.
  return hash('sha256', text, 'hex');
}

/** Names a value's Python kind for error messages ("an integer", "a float", "a list"…). */
export function pyKindName(value: PyValue | undefined): string {
  return value === undefined ? 'nothing' : describeValue(value);
}

/** Whether a value is a JSON object (not null, not a list). */
export function isPyObject(value: PyValue | undefined): value is PyObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
