import { describe, expect, it } from 'vitest';
import { decodeJoinCode, encodeJoinCode, networkBitsOf } from '../../src-main/shared/join-code.ts';

const NETWORK = 'a3f9c0ffee112233';

function roundTrip(host: string, port: number) {
  const code = encodeJoinCode(host, port, NETWORK);
  expect(code).not.toBeNull();
  const decoded = decodeJoinCode(code);
  expect(decoded).toEqual({ ok: true, target: { host, port, networkBits: networkBitsOf(NETWORK) } });
  return code!;
}

describe('join codes', () => {
  it('packs the classroom ranges short and the rest in full', () => {
    expect(roundTrip('192.168.1.20', 5000).replace(/-/g, '')).toHaveLength(6);
    expect(roundTrip('10.0.4.7', 5000).replace(/-/g, '')).toHaveLength(8);
    expect(roundTrip('172.20.0.9', 5312).replace(/-/g, '')).toHaveLength(10);
    expect(roundTrip('8.8.4.4', 65535).replace(/-/g, '')).toHaveLength(13);
    // Edges of each range.
    for (const host of [
      '192.168.0.0',
      '192.168.255.255',
      '10.255.255.255',
      '172.16.0.0',
      '172.31.255.255',
      '172.32.0.1',
      '0.0.0.1',
      '255.255.255.255',
    ])
      roundTrip(host, 5000);
  });

  it('round-trips every port of a sample, and differs by network', () => {
    for (const port of [1, 80, 4999, 5001, 40000, 65535]) roundTrip('192.168.7.9', port);
    expect(encodeJoinCode('192.168.1.20', 5000, 'ffff00')).not.toBe(
      encodeJoinCode('192.168.1.20', 5000, '000000'),
    );
  });

  it('reads codes as people type them: lower case, no dashes, I/L for 1 and O for 0', () => {
    const code = encodeJoinCode('192.168.1.20', 5000, NETWORK)!;
    const sloppy = code.toLowerCase().replace(/-/g, ' ').replace(/1/g, 'l').replace(/0/g, 'o');
    expect(decodeJoinCode(sloppy)).toEqual(decodeJoinCode(code));
  });

  it('refuses what is not a code, saying why', () => {
    expect(decodeJoinCode('')).toMatchObject({ ok: false, reason: { code: 'join-code-empty' } });
    expect(decodeJoinCode(42)).toMatchObject({ ok: false, reason: { code: 'join-code-empty' } });
    expect(decodeJoinCode('40H-98U')).toMatchObject({
      ok: false,
      reason: { code: 'join-code-character', params: { character: 'U' } },
    });
    const code = encodeJoinCode('192.168.1.20', 5000, NETWORK)!;
    expect(decodeJoinCode(code.slice(0, -1))).toMatchObject({
      ok: false,
      reason: { code: 'join-code-length' },
    });
    expect(decodeJoinCode(code + 'ZZ')).toMatchObject({ ok: false, reason: { code: 'join-code-length' } });
  });

  it('has no code for what is not IPv4 or not a port', () => {
    expect(encodeJoinCode('fe80::1', 5000, NETWORK)).toBeNull();
    expect(encodeJoinCode('192.168.1.300', 5000, NETWORK)).toBeNull();
    expect(encodeJoinCode('192.168.1.3', 0, NETWORK)).toBeNull();
    expect(encodeJoinCode('192.168.1.3', 70000, NETWORK)).toBeNull();
  });
});
