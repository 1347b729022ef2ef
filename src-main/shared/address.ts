/**
 * Peer addresses, once for the node and the dashboard's forms: how people type them, how they are
 * stored (`host:port`, one spelling per machine), and what names this machine itself.
 */
import { message, type Message } from './messages.ts';

/** A parsed peer address, or why the text is not one. */
export type ParsedAddress =
  { ok: true; address: string; host: string; port: number } | { ok: false; input: string; reason: Message };

/** The longest address text accepted (a host name is at most 253 characters). */
export const ADDRESS_MAX = 300;

const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/**
 * How a value is named in a reason, in Python's words as the tutorial's JSON has them (a bigint is
 * an integer, a number a float). Never calls the value's `toString`.
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'bigint':
      return 'an integer';
    case 'number':
      return 'a float';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

/** The text shown for an input in a refusal: itself when it is text, else what kind of value it is. */
export function inputText(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, ADDRESS_MAX) : describeValue(value);
}

/**
 * Parses a node address the way people type it: `http://192.168.0.5:5000`, `http://host:5000/` or a
 * bare `localhost:5001`. Stores it as `host:port`: host names lowercased, `localhost` and IPv4 in any
 * spelling the system accepts (`127.1`, `0177.0.0.1`) as a dotted quad, IPv6 in its short form in
 * brackets. Anything else is refused with a reason.
 */
export function parsePeerAddress(input: unknown): ParsedAddress {
  const fail = (reason: Message): ParsedAddress => ({ ok: false, input: inputText(input), reason });
  if (typeof input !== 'string') return fail(message('address-not-text', { got: describeValue(input) }));
  const text = input.trim();
  if (text === '') return fail(message('address-empty'));
  if (text.length > ADDRESS_MAX) return fail(message('address-too-long', { max: ADDRESS_MAX }));
  let rest = text;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (scheme) {
    if (scheme[1]!.toLowerCase() !== 'http') return fail(message('address-scheme', { scheme: scheme[1]! }));
    rest = text.slice(scheme[0].length);
    const slash = rest.search(/[/?#]/);
    if (slash >= 0) {
      if (rest.slice(slash) !== '/') return fail(message('address-path'));
      rest = rest.slice(0, slash);
    }
  } else if (/[/?#\s\\]/.test(text)) {
    return fail(message('address-form'));
  }
  if (rest.includes('@')) return fail(message('address-user'));

  let hostText: string;
  let portText: string | undefined;
  let host: string;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) return fail(message('address-ipv6-bracket'));
    hostText = rest.slice(1, end);
    const after = rest.slice(end + 1);
    if (after !== '' && !after.startsWith(':')) return fail(message('address-after-bracket'));
    portText = after === '' ? undefined : after.slice(1);
    const v6 = parseIpv6(hostText);
    if (v6 === null) return fail(message('address-bad-ipv6', { host: hostText }));
    if (v6.every((group) => group === 0)) return fail(message('address-bad-host', { host: hostText }));
    host = `[${formatIpv6(v6)}]`;
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0 && rest.indexOf(':') !== colon) return fail(message('address-ipv6-unbracketed'));
    hostText = colon >= 0 ? rest.slice(0, colon) : rest;
    portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
    const canonical = canonicalHost(hostText);
    if (!canonical.ok) return fail(canonical.reason);
    host = canonical.host;
  }
  let port: number;
  if (portText === undefined) {
    if (!scheme) return fail(message('address-no-port', { host: hostText }));
    port = 80;
  } else {
    if (!/^\d{1,5}$/.test(portText)) return fail(message('address-bad-port', { port: portText }));
    port = Number(portText);
    if (port < 1 || port > 65535) return fail(message('address-port-range', { port }));
  }
  return { ok: true, address: `${host}:${port}`, host, port };
}

/** A host name or IPv4 address in its one stored spelling. */
function canonicalHost(text: string): { ok: true; host: string } | { ok: false; reason: Message } {
  const lower = text.toLowerCase();
  if (lower === 'localhost' || lower.endsWith('.localhost')) return { ok: true, host: '127.0.0.1' };
  const labels = lower.split('.');
  // As in browsers' URL parsing: a name whose last label is a number is an IPv4 address.
  const last = labels[labels.length - 1] === '' ? labels[labels.length - 2] : labels[labels.length - 1];
  if (last !== undefined && /^(0x[0-9a-f]*|\d+)$/.test(last)) {
    const v4 = parseIpv4(lower);
    if (v4 === null) return { ok: false, reason: message('address-bad-ipv4', { host: text }) };
    if (v4 === 0) return { ok: false, reason: message('address-bad-host', { host: text }) };
    return { ok: true, host: formatIpv4(v4) };
  }
  if (lower.length === 0 || lower.length > 253 || !labels.every((label) => LABEL.test(label))) {
    return { ok: false, reason: message('address-bad-host', { host: text }) };
  }
  return { ok: true, host: lower };
}

/** Parses IPv4 in every form `inet_aton` accepts (`127.1`, `0177.0.0.1`, `0x7f.1`); null if invalid. */
export function parseIpv4(text: string): number | null {
  const parts = text.endsWith('.') ? text.slice(0, -1).split('.') : text.split('.');
  if (parts.length === 0 || parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    let value: number;
    if (/^0x[0-9a-f]*$/.test(part)) value = part.length === 2 ? 0 : parseInt(part.slice(2), 16);
    else if (/^0[0-7]+$/.test(part)) value = parseInt(part.slice(1), 8);
    else if (/^(0|[1-9]\d*)$/.test(part)) value = Number(part);
    else return null;
    if (!Number.isSafeInteger(value)) return null;
    numbers.push(value);
  }
  const lastIndex = numbers.length - 1;
  for (let i = 0; i < lastIndex; i++) if (numbers[i]! > 255) return null;
  if (numbers[lastIndex]! >= 256 ** (4 - lastIndex)) return null;
  let address = numbers[lastIndex]!;
  for (let i = 0; i < lastIndex; i++) address += numbers[i]! * 256 ** (3 - i);
  return address;
}

function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

/** Parses an IPv6 address (with an optional trailing dotted quad) into eight 16-bit groups, or null. */
export function parseIpv6(text: string): number[] | null {
  const lower = text.toLowerCase();
  if (lower === '' || lower.includes('%')) return null;
  const halves = lower.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(piece)) return null;
        const octets = piece.split('.').map(Number);
        if (octets.some((o) => o > 255)) return null;
        out.push(octets[0]! * 256 + octets[1]!, octets[2]! * 256 + octets[3]!);
      } else {
        if (!/^[0-9a-f]{1,4}$/.test(piece)) return null;
        out.push(parseInt(piece, 16));
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return null;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** The RFC 5952 text of eight groups: lowercase, no leading zeros, the longest zero run as `::`. */
export function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Splits a stored `host:port` into the parts `http.request` wants (brackets removed). */
export function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  let host = address.slice(0, colon);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { host, port: Number(address.slice(colon + 1)) };
}

/** True when a stored host (see {@link parsePeerAddress}) is this machine's loopback. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (/^127\.\d+\.\d+\.\d+$/.test(h) || h === 'localhost') return true;
  const v6 = parseIpv6(h);
  if (v6 === null) return false;
  const mapped = v6.slice(0, 5).every((g) => g === 0) && v6[5] === 0xffff;
  return (v6.slice(0, 7).every((g) => g === 0) && v6[7] === 1) || (mapped && v6[6]! >> 8 === 127);
}

/** True when a socket's remote address is this machine's loopback (`::ffff:127.0.0.1` included). */
export function isLoopbackRemote(remote: string | undefined): boolean {
  return remote !== undefined && isLoopbackHost(remote);
}
