import { describe, expect, it } from 'vitest';
import {
  isLoopbackHost,
  isLoopbackRemote,
  parsePeerAddress,
  splitAddress,
} from '../../src-main/peer/address.ts';

describe('parsePeerAddress', () => {
  it.each([
    ['http://192.168.0.5:5000', '192.168.0.5:5000'],
    ['http://192.168.0.5:5000/', '192.168.0.5:5000'],
    ['localhost:5001', 'localhost:5001'],
    ['  Node-B.local:5002 ', 'node-b.local:5002'],
    ['http://example', 'example:80'],
    ['[::1]:5000', '[::1]:5000'],
    ['http://[FE80::1]:6000', '[fe80::1]:6000'],
  ])('accepts %s as %s', (input, expected) => {
    expect(parsePeerAddress(input)).toEqual({ ok: true, address: expected });
  });

  it.each([
    ['', 'empty'],
    ['localhost', 'add the port'],
    ['https://192.168.0.5:5000', 'only http://'],
    ['ftp://x:1', 'only http://'],
    ['http://192.168.0.5:5000/chain', 'without a path'],
    ['192.168.0.5:99999', 'outside'],
    ['192.168.0.5:port', 'not a port'],
    ['bad host:5000', 'host:port'],
    ['::1:5000', 'brackets'],
    ['user@host:5000', 'host:port'],
    ['-bad-.com:5000', 'not a valid host'],
  ])('refuses %j with a reason mentioning "%s"', (input, words) => {
    const parsed = parsePeerAddress(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toContain(words);
  });

  it('refuses non-strings instead of registering characters', () => {
    expect(parsePeerAddress(5001).ok).toBe(false);
    expect(parsePeerAddress(null).ok).toBe(false);
  });
});

describe('address helpers', () => {
  it('splits host and port, unbracketing IPv6', () => {
    expect(splitAddress('127.0.0.1:5000')).toEqual({ host: '127.0.0.1', port: 5000 });
    expect(splitAddress('[::1]:5001')).toEqual({ host: '::1', port: 5001 });
  });

  it('knows loopback hosts and remotes', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '0.0.0.0'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['192.168.0.5', 'example.com', '10.0.0.1']) expect(isLoopbackHost(h)).toBe(false);
    expect(isLoopbackRemote('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackRemote('192.168.1.4')).toBe(false);
    expect(isLoopbackRemote(undefined)).toBe(false);
  });
});
