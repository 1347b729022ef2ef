/** Seeded random JSON text for property tests: every corner of Python's json module we must match. */

/** A small seeded PRNG (sfc32) so a failing run can be replayed from its seed. */
export function makeRng(seed: number): () => number {
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed >>> 0;
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

/** Random JSON text generator over a PRNG. */
export class JsonTextGenerator {
  constructor(private readonly rnd: () => number) {}

  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  digits(count: number, leadingNonZero = true): string {
    let s = '';
    for (let i = 0; i < count; i++) s += String(i === 0 && leadingNonZero ? 1 + this.int(9) : this.int(10));
    return s;
  }

  ws(): string {
    return this.rnd() < 0.7 ? '' : this.pick([' ', '  ', '\t', ' \r ', '\t ']);
  }

  integerText(): string {
    const sign = this.rnd() < 0.3 ? '-' : '';
    switch (this.int(6)) {
      case 0:
        return sign + this.pick(['0', '1', '2', '9', '10', '100', '35293', '110650']);
      case 1:
        return sign + String(this.int(1_000_000));
      case 2:
        return (
          sign +
          this.pick([
            '9007199254740991',
            '9007199254740992',
            '9007199254740993',
            '18446744073709551615',
            '18446744073709551616',
            '18446744073709551617',
            '340282366920938463463374607431768211457',
          ])
        );
      case 3:
        return sign + this.digits(17 + this.int(30));
      case 4:
        return sign + this.digits(50 + this.int(300));
      default:
        return sign + this.digits(1 + this.int(16));
    }
  }

  /** A double from random bits: every magnitude, subnormals included. */
  randomDouble(): number {
    const view = new DataView(new ArrayBuffer(8));
    const exponent = this.int(2047); // 2047 would be Infinity/NaN
    const hi = (this.rnd() < 0.5 ? 0x80000000 : 0) | (exponent << 20) | this.int(1 << 20);
    view.setUint32(0, hi >>> 0);
    view.setUint32(4, Math.floor(this.rnd() * 4294967296));
    return view.getFloat64(0);
  }

  /** JSON text of a double that must stay a float (JS may print "1" for 1.0). */
  doubleText(x: number): string {
    if (Object.is(x, -0)) return '-0.0';
    const s = String(x);
    return /[.eE]/.test(s) ? s : s + '.0';
  }

  floatText(): string {
    for (;;) {
      const text = this.floatCandidate();
      if (Number.isFinite(Number(text))) return text;
    }
  }

  floatCandidate(): string {
    const sign = this.rnd() < 0.3 ? '-' : '';
    switch (this.int(8)) {
      case 0:
        return this.doubleText(this.randomDouble());
      case 1:
        return (
          sign +
          this.pick([
            '0.0',
            '1.0',
            '1613493177.0',
            '1506057125.900785',
            '1e16',
            '1E16',
            '1e+16',
            '1.5e16',
            '9999999999999998.0',
            '9999999999999999.0',
            '10000000000000002.0',
            '1000000000000000.0',
            '123456789012345.67',
            '1e-5',
            '1e-05',
            '0.0001',
            '0.00001',
            '0.000099999',
            '9.999999999999999e-05',
            '0.00010000000000000002',
            '5e-324',
            '4.9e-324',
            '2.2250738585072014e-308',
            '2.225073858507201e-308',
            '1.7976931348623157e308',
            '0.1',
            '0.30000000000000004',
            '100.0',
            '1e22',
            '1e21',
            '1e23',
            '0.5e-323',
            '2.5',
          ])
        );
      case 2: {
        // Integer-valued floats of every size.
        return sign + this.digits(1 + this.int(22)) + '.' + '0'.repeat(1 + this.int(3));
      }
      case 3: {
        // Around the 1e16 and 1e-5 layout boundaries.
        const exp = this.pick([-7, -6, -5, -4, -3, 14, 15, 16, 17]);
        return `${sign}${this.digits(1)}.${this.digits(1 + this.int(17), false)}e${exp}`;
      }
      case 4: {
        // Long mantissas that need correct rounding.
        return `${sign}${this.digits(1 + this.int(3))}.${this.digits(18 + this.int(30), false)}`;
      }
      case 5: {
        const e = this.pick(['e', 'E']) + this.pick(['', '+', '-']) + String(this.int(330));
        return `${sign}${this.digits(1 + this.int(4))}${this.rnd() < 0.5 ? '.' + this.digits(1 + this.int(5), false) : ''}${e}`;
      }
      case 6:
        return `${sign}0.${'0'.repeat(this.int(12))}${this.digits(1 + this.int(17))}`;
      default:
        return `${sign}${this.digits(1 + this.int(6))}.${this.digits(1 + this.int(6), false)}`;
    }
  }

  hex4(code: number): string {
    const h = code.toString(16).padStart(4, '0');
    return this.rnd() < 0.5 ? h : h.toUpperCase();
  }

  /** One character of a JSON string literal (raw or escaped). */
  stringChar(): string {
    switch (this.int(12)) {
      case 0: {
        const c = this.int(32);
        const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
        return short[c] !== undefined && this.rnd() < 0.5 ? short[c] : '\\u' + this.hex4(c);
      }
      case 1:
        return this.pick(['\\"', '\\\\', '\\/', '/', '\u007f', '\\u007f', '~', ' ']);
      case 2:
        // Lone surrogates can only be written escaped.
        return '\\u' + this.hex4(0xd800 + this.int(0x800));
      case 3: {
        // Astral characters, raw or as an escaped pair.
        const cp = 0x10000 + this.int(0x100000);
        const raw = String.fromCodePoint(cp);
        return this.rnd() < 0.5
          ? raw
          : '\\u' + this.hex4(raw.charCodeAt(0)) + '\\u' + this.hex4(raw.charCodeAt(1));
      }
      case 4: {
        const c = 0xe000 + this.int(0x2000);
        return this.rnd() < 0.5 ? String.fromCharCode(c) : '\\u' + this.hex4(c);
      }
      case 5:
        return String.fromCharCode(0x80 + this.int(0x800));
      case 6: {
        let c = 0x800 + this.int(0xd800 - 0x800);
        if (c === 0x2028 || c === 0x2029) c = 0x20ac;
        return String.fromCharCode(c);
      }
      case 7:
        return this.pick(['😀', 'é', 'ß', '中', '\u2028', '\u2029', '\ufeff', '\uffff', '\ufffd']);
      default: {
        const c = 0x20 + this.int(0x5f);
        return c === 0x22 || c === 0x5c ? 'a' : String.fromCharCode(c);
      }
    }
  }

  stringText(): string {
    const n = this.rnd() < 0.15 ? 0 : 1 + this.int(this.rnd() < 0.1 ? 60 : 8);
    let s = '"';
    for (let i = 0; i < n; i++) s += this.stringChar();
    return s + '"';
  }

  value(depth: number): string {
    const containers = depth < 6 ? 2 : 0;
    const kind = this.int(7 + containers * 2);
    switch (kind) {
      case 0:
        return this.pick(['null', 'true', 'false']);
      case 1:
      case 2:
        return this.integerText();
      case 3:
      case 4:
        return this.floatText();
      case 5:
      case 6:
        return this.stringText();
      case 7:
      case 8:
        return this.array(depth + 1);
      default:
        return this.object(depth + 1);
    }
  }

  array(depth: number): string {
    const n = this.rnd() < 0.15 ? 0 : this.int(6);
    const items: string[] = [];
    for (let i = 0; i < n; i++) items.push(this.ws() + this.value(depth) + this.ws());
    return '[' + (items.length === 0 ? this.ws() : items.join(',')) + ']';
  }

  object(depth: number): string {
    const n = this.rnd() < 0.15 ? 0 : this.int(7);
    const keys: string[] = [];
    const members: string[] = [];
    for (let i = 0; i < n; i++) {
      // Sometimes repeat a key: Python keeps the last value.
      const key = keys.length > 0 && this.rnd() < 0.1 ? this.pick(keys) : this.stringText();
      keys.push(key);
      members.push(this.ws() + key + this.ws() + ':' + this.ws() + this.value(depth) + this.ws());
    }
    return '{' + (members.length === 0 ? this.ws() : members.join(',')) + '}';
  }

  document(): string {
    return this.ws() + this.value(0) + this.ws();
  }
}
