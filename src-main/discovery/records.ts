/** The DNS-SD records of `_blockparty._tcp` (RFC 6763): the ones we send and how received ones are read. */
import type { MdnsPacket, MdnsRecord } from 'multicast-dns';
import { encodeTxt, parseTxt } from './advert.ts';
import type { AdvertFields, DiscoveryAdvert } from './advert.ts';
import { dialable } from './interfaces.ts';
import type { UsableInterface } from './interfaces.ts';

/** The DNS-SD service type every Blockparty node registers. */
export const SERVICE_TYPE = '_blockparty._tcp.local';
/** DNS-SD's service-type enumeration name (RFC 6763 §9). */
export const SERVICE_META = '_services._dns-sd._udp.local';

const INSTANCE = /^blockparty-([0-9a-f]{32})\._blockparty\._tcp\.local$/;
const MAX_RECORDS = 100;
const MAX_INSTANCES_PER_PACKET = 16;
const MAX_ADDRESSES = 16;
// RFC 6762 §10: 120 s for records naming a host, 75 minutes for the others.
const HOST_TTL = 120;
const OTHER_TTL = 4500;

/** The instance name of a node (`blockparty-<id>._blockparty._tcp.local`): unique per node. */
export function instanceName(id: string): string {
  return `blockparty-${id}.${SERVICE_TYPE}`;
}

/** The host name in our SRV record: our own, so that it never clashes with the OS's responder. */
export function hostName(id: string): string {
  return `blockparty-${id}.local`;
}

/** Everything a querier needs in one packet: PTR, SRV, TXT and this interface's addresses. */
export function advertPacket(advert: DiscoveryAdvert, boot: string, iface: UsableInterface): MdnsPacket {
  const instance = instanceName(advert.id);
  const host = hostName(advert.id);
  return {
    answers: [{ name: SERVICE_TYPE, type: 'PTR', ttl: OTHER_TTL, data: instance }],
    additionals: [
      {
        name: instance,
        type: 'SRV',
        ttl: HOST_TTL,
        flush: true,
        data: { priority: 0, weight: 0, port: advert.port, target: host },
      },
      { name: instance, type: 'TXT', ttl: OTHER_TTL, flush: true, data: encodeTxt(advert, boot) },
      ...iface.subnets.map((s) => ({ name: host, type: 'A', ttl: HOST_TTL, flush: true, data: s.address })),
      ...iface.ipv6.map((a) => ({ name: host, type: 'AAAA', ttl: HOST_TTL, flush: true, data: a })),
    ],
  };
}

/** The goodbye (RFC 6762 §10.1): our records with TTL 0. */
export function goodbyePacket(advert: DiscoveryAdvert, boot: string): MdnsPacket {
  const instance = instanceName(advert.id);
  return {
    answers: [
      { name: SERVICE_TYPE, type: 'PTR', ttl: 0, data: instance },
      {
        name: instance,
        type: 'SRV',
        ttl: 0,
        flush: true,
        data: { priority: 0, weight: 0, port: advert.port, target: hostName(advert.id) },
      },
      { name: instance, type: 'TXT', ttl: 0, flush: true, data: encodeTxt(advert, boot) },
    ],
  };
}

/** The answer to "which service types are here?" (lets `avahi-browse -a` and `dns-sd -B` list us). */
export function metaPacket(): MdnsPacket {
  return { answers: [{ name: SERVICE_META, type: 'PTR', ttl: OTHER_TTL, data: SERVICE_TYPE }] };
}

/** What a query asks of us. */
export interface QueryWants {
  /** It asks for our service (PTR), instance (SRV/TXT) or host (A): answer with the whole set. */
  advert: boolean;
  /** It enumerates service types. */
  meta: boolean;
  /** It is a browse for `_blockparty._tcp`: another querier is doing what our timer would do. */
  browse: boolean;
}

/** Reads the questions of a query against our names. */
export function queryWants(packet: MdnsPacket, id: string): QueryWants {
  const wants: QueryWants = { advert: false, meta: false, browse: false };
  const instance = instanceName(id);
  const host = hostName(id);
  for (const q of (packet.questions ?? []).slice(0, 32)) {
    if (typeof q?.name !== 'string') continue;
    const name = q.name.toLowerCase();
    const any = q.type === 'ANY';
    if (name === SERVICE_TYPE && (any || q.type === 'PTR')) {
      wants.advert = true;
      wants.browse = true;
    } else if (name === instance && (any || q.type === 'SRV' || q.type === 'TXT')) {
      wants.advert = true;
    } else if (name === host && (any || q.type === 'A' || q.type === 'AAAA')) {
      wants.advert = true;
    } else if (name === SERVICE_META && (any || q.type === 'PTR')) {
      wants.meta = true;
    }
  }
  return wants;
}

/** A node seen in a response, checked. */
export interface Sighting {
  fields: AdvertFields;
  port: number;
  /** Advertised addresses worth dialling (no loopback, no IPv6 link-local), deduplicated. */
  addresses: string[];
}

/** What one response packet says about Blockparty nodes. */
export interface ResponseContent {
  sightings: Sighting[];
  /** Ids of nodes that said goodbye. */
  goodbyes: string[];
  /** Why instances in it were refused (bad TXT, missing SRV, …). */
  refused: string[];
}

/**
 * Reads a response: every `_blockparty._tcp` instance with its SRV, TXT and addresses from the same
 * packet (we always send them together). Bounded: a hostile packet cannot make this do much work.
 */
export function readResponse(packet: MdnsPacket): ResponseContent {
  const content: ResponseContent = { sightings: [], goodbyes: [], refused: [] };
  const records = [...(packet.answers ?? []), ...(packet.additionals ?? [])].slice(0, MAX_RECORDS);
  const named = (rr: MdnsRecord, name: string): boolean =>
    typeof rr?.name === 'string' && rr.name.toLowerCase() === name;
  const pointers = records.filter(
    (rr) => rr.type === 'PTR' && named(rr, SERVICE_TYPE) && typeof rr.data === 'string',
  );
  for (const ptr of pointers.slice(0, MAX_INSTANCES_PER_PACKET)) {
    const instance = (ptr.data as string).toLowerCase();
    const match = INSTANCE.exec(instance);
    if (!match) continue;
    const id = match[1]!;
    if (ptr.ttl === 0) {
      content.goodbyes.push(id);
      continue;
    }
    const srv = records.find((rr) => rr.type === 'SRV' && named(rr, instance) && (rr.ttl ?? 1) > 0);
    const txt = records.find((rr) => rr.type === 'TXT' && named(rr, instance) && (rr.ttl ?? 1) > 0);
    if (!srv || !txt) {
      content.refused.push(`${id}: no SRV or TXT record with the PTR`);
      continue;
    }
    const srvData = srv.data as { port?: unknown; target?: unknown } | undefined;
    const port = srvData?.port;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      content.refused.push(`${id}: SRV port is not 1-65535`);
      continue;
    }
    const fields = parseTxt(txt.data);
    if (typeof fields === 'string') {
      content.refused.push(`${id}: ${fields}`);
      continue;
    }
    if (fields.id !== id) {
      content.refused.push(`${id}: TXT id ${fields.id} differs from the instance name`);
      continue;
    }
    const target = typeof srvData?.target === 'string' ? srvData.target.toLowerCase() : '';
    const addresses = new Set<string>();
    for (const rr of records) {
      if ((rr.type !== 'A' && rr.type !== 'AAAA') || !named(rr, target) || typeof rr.data !== 'string')
        continue;
      if (dialable(rr.data)) addresses.add(rr.data.toLowerCase());
      if (addresses.size >= MAX_ADDRESSES) break;
    }
    content.sightings.push({ fields, port, addresses: [...addresses] });
  }
  return content;
}
