/** Which network interfaces discovery runs on, and which of them a packet came in on. */
import type { NetworkInterfaceInfo } from 'node:os';

/** What `os.networkInterfaces()` returns (injectable for tests). */
export type InterfaceMap = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** An interface with IPv4 that discovery answers and browses on. */
export interface UsableInterface {
  name: string;
  /** The first IPv4 address: the one the socket joins the group and sends from. */
  address: string;
  /** Every IPv4 address with its netmask, for telling which packets arrived here. */
  subnets: Array<{ address: string; netmask: string }>;
  /** Its global IPv6 addresses (advertised as AAAA records; link-local ones are not). */
  ipv6: string[];
  /** Changes whenever the interface is reconfigured or recreated. */
  signature: string;
}

/** The interfaces worth one mDNS instance each: up, not loopback, with an IPv4 address. */
export function usableInterfaces(map: InterfaceMap): UsableInterface[] {
  const usable: UsableInterface[] = [];
  for (const [name, entries] of Object.entries(map)) {
    if (!entries) continue;
    const v4 = entries.filter((e) => isV4(e) && !e.internal && parseIpv4(e.address) !== null);
    const first = v4[0];
    if (!first) continue;
    const ipv6 = entries
      .filter((e) => !isV4(e) && !e.internal && !isLinkLocal6(e.address))
      .map((e) => e.address);
    // A recreated interface keeps its name and address but gets a new index: IPv6 entries carry it.
    const indexes = [
      ...new Set(entries.filter((e) => !isV4(e)).map((e) => ('scopeid' in e ? e.scopeid : 0))),
    ];
    const subnets = v4.map((e) => ({ address: e.address, netmask: e.netmask }));
    usable.push({
      name,
      address: first.address,
      subnets,
      ipv6,
      signature: JSON.stringify([subnets, ipv6, indexes]),
    });
  }
  return usable.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Whether `address` is on one of the interface's IPv4 subnets (i.e. the packet came in there). */
export function onSubnet(address: string, iface: UsableInterface): boolean {
  const ip = parseIpv4(address);
  if (ip === null) return false;
  return iface.subnets.some((s) => {
    const mine = parseIpv4(s.address);
    const mask = parseIpv4(s.netmask);
    return mine !== null && mask !== null && (ip & mask) >>> 0 === (mine & mask) >>> 0;
  });
}

/** Addresses worth dialling: not loopback, not unspecified, not IPv6 link-local (needs a zone). */
export function dialable(address: string): boolean {
  const v4 = parseIpv4(address);
  if (v4 !== null) return v4 >>> 24 !== 127 && v4 !== 0;
  const lower = address.toLowerCase();
  return /^[0-9a-f:.]+$/.test(lower) && lower !== '::1' && lower !== '::' && !isLinkLocal6(lower);
}

/** An IPv4 dotted quad as an unsigned 32-bit number, or null. */
export function parseIpv4(address: string): number | null {
  const parts = address.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const byte = Number(part);
    if (byte > 255) return null;
    value = value * 256 + byte;
  }
  return value >>> 0;
}

function isV4(entry: NetworkInterfaceInfo): boolean {
  // Node 18.0-18.3 reported the family as a number.
  return entry.family === 'IPv4' || (entry.family as unknown) === 4;
}

function isLinkLocal6(address: string): boolean {
  return /^fe[89ab][0-9a-f]:/i.test(address);
}
