/**
 * LAN discovery of Blockparty nodes: DNS-SD `_blockparty._tcp` over mDNS (multicast-dns, the
 * transport under bonjour-service). Design notes are filled in below.
 */
export { createDiscovery } from './discovery.ts';
export type { DiscoveredNode, Discovery, DiscoveryOptions, LostNode } from './discovery.ts';
export type { AdvertFields, DiscoveryAdvert } from './advert.ts';
export type { InterfaceMap } from './interfaces.ts';
