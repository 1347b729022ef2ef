// The part of multicast-dns 7 (the mDNS transport under bonjour-service) that discovery uses.
declare module 'multicast-dns' {
  import type { EventEmitter } from 'node:events';
  import type { RemoteInfo, Socket } from 'node:dgram';

  /** A resource record as dns-packet encodes and decodes it. */
  export interface MdnsRecord {
    name: string;
    type: string;
    class?: string;
    ttl?: number;
    /** mDNS cache-flush bit (RFC 6762 §10.2). */
    flush?: boolean;
    data?: unknown;
  }

  /** One question of a query. */
  export interface MdnsQuestion {
    name: string;
    type: string;
    class?: string;
  }

  /** A DNS message as dns-packet decodes it. */
  export interface MdnsPacket {
    id?: number;
    type?: 'query' | 'response';
    flags?: number;
    questions?: MdnsQuestion[];
    answers?: MdnsRecord[];
    additionals?: MdnsRecord[];
    authorities?: MdnsRecord[];
  }

  /** Options of the factory. */
  export interface MdnsOptions {
    port?: number;
    type?: 'udp4' | 'udp6';
    ip?: string;
    /** The interface address to join the group on and send from. */
    interface?: string;
    bind?: string | false;
    socket?: Socket;
    reuseAddr?: boolean;
    loopback?: boolean;
    ttl?: number;
    multicast?: boolean;
  }

  /** A running mDNS socket. */
  export interface MulticastDns extends EventEmitter {
    query(packet: MdnsPacket, callback?: (error: Error | null) => void): void;
    respond(packet: MdnsPacket, callback?: (error: Error | null) => void): void;
    destroy(callback?: () => void): void;
    update(): void;
    on(event: 'query' | 'response', listener: (packet: MdnsPacket, rinfo: RemoteInfo) => void): this;
    on(event: 'error' | 'warning', listener: (error: Error) => void): this;
    on(event: 'ready' | 'networkInterface', listener: () => void): this;
  }

  export default function multicastDns(options?: MdnsOptions): MulticastDns;
}
