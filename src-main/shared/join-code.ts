/**
 * Join codes: a few characters a student types to join the host's network, instead of an address.
 *
 * A code packs the host's IPv4 address, its peer port and 10 bits of its network (genesis hash) into
 * Crockford base32 (digits and capitals without I, L, O, U, read case-insensitively). The address
 * ranges classrooms use are packed short, and port 5000 takes one bit:
 *
 *   192.168.1.20:5000 → 6 characters ("40H-98Y" on network a3f…); 10.0.4.7:5000 → 8; 172.20.0.9:5312 → 10; any
 *   other IPv4 address and port → 13.
 *
 * Bits, most significant first: range (2: 192.168/16, 10/8, 172.16/12, any), default port (1),
 * [port (16)], host bits of the range (16, 24, 20 or 32), network (10), zero padding to a multiple
 * of 5. The network bits catch most typos: a code that names a node of another network is refused.
 */
import { message, type Message } from './messages.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The port a code names with a single bit. */
export const JOIN_CODE_DEFAULT_PORT = 5000;
const NETWORK_BITS = 10;

/** Address ranges by their 2-bit tag: the prefix and how many host bits follow it. */
const RANGES = [
  { prefix: [192, 168], hostBits: 16 },
  { prefix: [10], hostBits: 24 },
  { prefix: [172, 16], hostBits: 20 },
  { prefix: [], hostBits: 32 },
] as const;

/** What a code stands for. */
export interface JoinTarget {
  /** Dotted IPv4. */
  host: string;
  port: number;
  /** The top 10 bits of the network's genesis hash. */
  networkBits: number;
}

function ipv4Value(host: string): number | null {
  const parts = host.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/** The tag of the shortest range holding `ip`. */
function rangeOf(ip: number): number {
  const a = Math.floor(ip / 2 ** 24);
  const b = Math.floor(ip / 2 ** 16) % 256;
  if (a === 192 && b === 168) return 0;
  if (a === 10) return 1;
  if (a === 172 && b >= 16 && b < 32) return 2;
  return 3;
}

/** The top 10 bits of a network id (hex of the genesis hash). */
export function networkBitsOf(network: string): number {
  return Number.parseInt(network.slice(0, 3).padEnd(3, '0'), 16) >> 2;
}

/** The code for a node at `host:port` on `network`; null when `host` is not an IPv4 address. */
export function encodeJoinCode(host: string, port: number, network: string): string | null {
  const ip = ipv4Value(host);
  if (ip === null || !Number.isInteger(port) || port < 1 || port > 65535) return null;
  const tag = rangeOf(ip);
  const hostBits = RANGES[tag]!.hostBits;
  let bits = tag.toString(2).padStart(2, '0');
  bits += port === JOIN_CODE_DEFAULT_PORT ? '1' : '0' + port.toString(2).padStart(16, '0');
  bits += (ip % 2 ** hostBits).toString(2).padStart(hostBits, '0');
  bits += networkBitsOf(network).toString(2).padStart(NETWORK_BITS, '0');
  bits = bits.padEnd(Math.ceil(bits.length / 5) * 5, '0');
  let code = '';
  for (let i = 0; i < bits.length; i += 5) code += ALPHABET[Number.parseInt(bits.slice(i, i + 5), 2)];
  return groupCode(code);
}

/** `ABCDEF` → `ABC-DEF`, in groups of three (four for the last when one would be left alone). */
function groupCode(code: string): string {
  const groups: string[] = [];
  for (let i = 0; i < code.length; i += 3) groups.push(code.slice(i, i + 3));
  const last = groups.at(-1);
  if (groups.length > 1 && last !== undefined && last.length === 1) {
    groups.pop();
    groups[groups.length - 1] += last;
  }
  return groups.join('-');
}

/** The code's characters, upper case, with the look-alikes people type read as Crockford says. */
function normalize(text: string): string {
  return text
    .toUpperCase()
    .replace(/[\s\-_.]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
}

/** Reads a typed code, or says what is wrong with it. */
export function decodeJoinCode(
  text: unknown,
): { ok: true; target: JoinTarget } | { ok: false; reason: Message } {
  if (typeof text !== 'string' || text.trim() === '')
    return { ok: false, reason: message('join-code-empty') };
  const code = normalize(text);
  const wrong = [...code].find((c) => !ALPHABET.includes(c));
  if (wrong !== undefined) return { ok: false, reason: message('join-code-character', { character: wrong }) };
  let bits = '';
  for (const c of code) bits += ALPHABET.indexOf(c).toString(2).padStart(5, '0');
  let at = 0;
  const take = (n: number): number | null => {
    if (at + n > bits.length) return null;
    const value = Number.parseInt(bits.slice(at, at + n), 2);
    at += n;
    return value;
  };
  const tag = take(2);
  const portFlag = take(1);
  const port = portFlag === 1 ? JOIN_CODE_DEFAULT_PORT : take(16);
  const range = tag === null ? undefined : RANGES[tag];
  const hostValue = range === undefined ? null : take(range.hostBits);
  const networkBits = take(NETWORK_BITS);
  const rest = bits.slice(at);
  if (
    range === undefined ||
    port === null ||
    port === 0 ||
    hostValue === null ||
    networkBits === null ||
    rest.length >= 5 ||
    /1/.test(rest)
  ) {
    return { ok: false, reason: message('join-code-length') };
  }
  const prefix = range.prefix.reduce<number>((value, part, i) => value + part * 256 ** (3 - i), 0);
  const ip = prefix + hostValue;
  const host = [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join('.');
  return { ok: true, target: { host, port, networkBits } };
}
