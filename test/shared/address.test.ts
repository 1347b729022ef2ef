import { describe, expect, it } from 'vitest';
import {
  formatIpv6,
  isLoopbackHost,
  isLoopbackRemote,
  parseIpv4,
  parseIpv6,
  parsePeerAddress,
  splitAddress,
} from '../../src-main/shared/address.ts';
import { renderMessage } from '../../src-main/shared/messages.ts';

describe('parsePeerAddress', () => {
  it.each([
    ['http://192.168.0.5:5000', '192.168.0.5:5000'],
    ['http://192.168.0.5:5000/', '192.168.0.5:5000'],
    ['  Node-B.local:5002 ', 'node-b.local:5002'],
    ['http://example', 'example:80'],
    ['[::1]:5000', '[::1]:5000'],
    ['http://[FE80::1]:6000', '[fe80::1]:6000'],
    ['[0:0:0:0:0:0:0:1]:5000', '[::1]:5000'],
    // One spelling per machine: localhost and every IPv4 form the system accepts become a dotted quad.
    ['localhost:5001', '127.0.0.1:5001'],
    ['LOCALHOST:5001', '127.0.0.1:5001'],
    ['127.1:5001', '127.0.0.1:5001'],
    ['0177.0.0.1:5001', '127.0.0.1:5001'],
    ['0x7f.1:5001', '127.0.0.1:5001'],
    ['2130706433:5001', '127.0.0.1:5001'],
  ])('accepts %s as %s', (input, expected) => {
    const parsed = parsePeerAddress(input);
    expect(parsed.ok && parsed.address).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['localhost', 'add the port'],
    ['https://192.168.0.5:5000', 'only http:// addresses are supported, not https://'],
    ['ftp://x:1', 'only http://'],
    ['http://192.168.0.5:5000/chain', 'without a path'],
    ['192.168.0.5:99999', 'outside'],
    ['192.168.0.5:port', 'not a port'],
    ['bad host:5000', 'host:port'],
    ['::1:5000', 'brackets'],
    ['user@host:5000', 'user name'],
    ['-bad-.com:5000', 'not a valid host'],
    ['999.1.1.1:5000', '“999.1.1.1” is not an IPv4 address'],
    ['1.2.3.4.5:5000', 'not an IPv4 address'],
    ['0.0.0.0:5000', 'not a valid host'],
    ['[::]:5000', 'not a valid host'],
    ['[fe80::1%eth0]:5000', 'not an IPv6 address'],
    ['x'.repeat(400), 'longer than 300'],
  ])('refuses %j with a reason mentioning "%s"', (input, words) => {
    const parsed = parsePeerAddress(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(renderMessage(parsed.reason)).toContain(words);
  });

  it('refuses non-strings, never calling their toString', () => {
    expect(parsePeerAddress(5001).ok).toBe(false);
    expect(parsePeerAddress(null).ok).toBe(false);
    const trap = {
      toString() {
        throw new Error('called');
      },
    };
    const parsed = parsePeerAddress(trap);
    expect(parsed.ok === false && parsed.input).toBe('an object');
    expect(parsed.ok === false && renderMessage(parsed.reason)).toBe(
      'an address must be text like "192.168.0.5:5000", got an object',
    );
  });
});

describe('address helpers', () => {
  it('splits host and port, unbracketing IPv6', () => {
    expect(splitAddress('127.0.0.1:5000')).toEqual({ host: '127.0.0.1', port: 5000 });
    expect(splitAddress('[::1]:5001')).toEqual({ host: '::1', port: 5001 });
  });

  it('knows loopback hosts and remotes', () => {
    for (const h of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['192.168.0.5', 'example.com', '10.0.0.1', '::2']) expect(isLoopbackHost(h)).toBe(false);
    expect(isLoopbackRemote('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackRemote('192.168.1.4')).toBe(false);
    expect(isLoopbackRemote(undefined)).toBe(false);
  });

  it('parses IPv4 and IPv6 as the system does', () => {
    expect(parseIpv4('10.1')).toBe(10 * 256 ** 3 + 1);
    expect(parseIpv4('256.1.1.1')).toBeNull();
    expect(parseIpv4('1.2.3.256')).toBeNull();
    expect(parseIpv4('09.1.1.1')).toBeNull();
    expect(formatIpv6(parseIpv6('2001:db8:0:0:1:0:0:1')!)).toBe('2001:db8::1:0:0:1');
    expect(formatIpv6(parseIpv6('::ffff:192.168.0.1')!)).toBe('::ffff:c0a8:1');
    expect(parseIpv6('1::2::3')).toBeNull();
    expect(parseIpv6('12345::')).toBeNull();
  });
});
