import { isIP } from 'node:net';

/** A parsed peer address, or why the text is not one. */
export type ParsedAddress = { ok: true; address: string } | { ok: false; input: string; reason: string };

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/**
 * Parses a node address the way people type it: `http://192.168.0.5:5000`, `http://host:5000/` or a
 * bare `localhost:5001`. Stores it as `host:port` (IPv6 as `[::1]:5001`). Unlike the tutorial, a bare
 * `host:port` keeps its host, and anything else is refused with a reason.
 */
export function parsePeerAddress(input: unknown): ParsedAddress {
  if (typeof input !== 'string') {
    return { ok: false, input: String(input), reason: 'an address must be a string like "192.168.0.5:5000"' };
  }
  const text = input.trim();
  if (text === '') return { ok: false, input, reason: 'the address is empty' };
  let rest = text;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (scheme) {
    if (scheme[1]!.toLowerCase() !== 'http') {
      return { ok: false, input, reason: `only http:// addresses are supported, not ${scheme[1]}://` };
    }
    rest = text.slice(scheme[0].length);
    const slash = rest.search(/[/?#]/);
    if (slash >= 0) {
      const tail = rest.slice(slash);
      if (tail !== '/' && tail !== '') {
        return {
          ok: false,
          input,
          reason: 'give the node address without a path, like http://192.168.0.5:5000',
        };
      }
      rest = rest.slice(0, slash);
    }
  } else if (/[/?#@\s]/.test(text)) {
    return { ok: false, input, reason: 'write the address as host:port, like 192.168.0.5:5000' };
  }
  if (rest.includes('@')) return { ok: false, input, reason: 'addresses with a user name are not supported' };

  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0) return { ok: false, input, reason: 'an IPv6 address needs a closing "]"' };
    host = rest.slice(1, end);
    const after = rest.slice(end + 1);
    if (after !== '' && !after.startsWith(':'))
      return { ok: false, input, reason: 'expected ":port" after "]"' };
    portText = after === '' ? undefined : after.slice(1);
    if (isIP(host) !== 6) return { ok: false, input, reason: `"${host}" is not an IPv6 address` };
  } else {
    const colon = rest.lastIndexOf(':');
    if (colon >= 0 && rest.indexOf(':') !== colon) {
      return { ok: false, input, reason: 'put an IPv6 address in brackets, like [::1]:5000' };
    }
    host = colon >= 0 ? rest.slice(0, colon) : rest;
    portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
    if (isIP(host) !== 4 && !HOSTNAME.test(host)) {
      return { ok: false, input, reason: `"${host}" is not a valid host name or IPv4 address` };
    }
  }
  let port: number;
  if (portText === undefined) {
    if (!scheme) return { ok: false, input, reason: `add the port, like ${host}:5000` };
    port = 80;
  } else {
    if (!/^\d{1,5}$/.test(portText))
      return { ok: false, input, reason: `"${portText}" is not a port number` };
    port = Number(portText);
    if (port < 1 || port > 65535) return { ok: false, input, reason: `port ${port} is outside 1–65535` };
  }
  const hostOut = isIP(host) === 6 ? `[${host.toLowerCase()}]` : host.toLowerCase();
  return { ok: true, address: `${hostOut}:${port}` };
}

/** Splits a stored `host:port` into the parts `http.request` wants. */
export function splitAddress(address: string): { host: string; port: number } {
  const colon = address.lastIndexOf(':');
  let host = address.slice(0, colon);
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { host, port: Number(address.slice(colon + 1)) };
}

/** True when `host` names this machine by a loopback or wildcard address or by `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    h === 'localhost' ||
    h === '::1' ||
    h === '0.0.0.0' ||
    h === '::' ||
    /^127\.\d+\.\d+\.\d+$/.test(h) ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(h)
  );
}

/** True when a socket's remote address is this machine's loopback. */
export function isLoopbackRemote(remote: string | undefined): boolean {
  if (!remote) return false;
  return remote === '::1' || /^127\./.test(remote) || /^::ffff:127\./.test(remote);
}
