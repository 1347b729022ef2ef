/** One mDNS responder and browser bound to one network interface. */
import { createSocket } from 'node:dgram';
import type { RemoteInfo } from 'node:dgram';
import multicastDns from 'multicast-dns';
import type { MdnsPacket, MulticastDns } from 'multicast-dns';
import type { DiscoveryAdvert } from './advert.ts';
import { onSubnet } from './interfaces.ts';
import type { UsableInterface } from './interfaces.ts';
import {
  advertPacket,
  goodbyePacket,
  metaPacket,
  queryWants,
  readResponse,
  SERVICE_TYPE,
} from './records.ts';
import type { Sighting } from './records.ts';

const MDNS_GROUP = '224.0.0.251';
// RFC 6762 §6: a record is multicast on an interface at most once per second.
const ANSWER_GAP_MS = 1000;
// RFC 6762 §8.3: at least two announcements one second apart; a third catches Wi-Fi losses.
const ANNOUNCE_DELAYS_MS = [0, 1000, 2000];
// The first queries come fast (time to first sighting), then the periodic re-query takes over.
const STARTUP_QUERY_DELAYS_MS = [0, 1000, 2000];
const GOODBYE_WAIT_MS = 500;

/** What an instance reports to the discovery that owns it. */
export interface InstanceHandlers {
  /** The socket is bound: the instance hears and answers from now on. */
  ready(): void;
  sighting(sighting: Sighting, from: string): void;
  goodbye(id: string, from: string): void;
  refused(reason: string, from: string): void;
  /** The socket cannot work (bind failed): the owner closes the instance and retries later. */
  failed(error: Error): void;
  warning(error: Error): void;
}

/** Options of {@link MdnsInstance}. */
export interface InstanceOptions {
  iface: UsableInterface;
  /** The mDNS port: 5353, or a private one in tests. */
  port: number;
  advert: () => DiscoveryAdvert;
  boot: string;
  requeryMs: number;
  handlers: InstanceHandlers;
}

/** Responder + browser on one interface: answers queries, announces, re-queries on a jittered timer. */
export class MdnsInstance {
  readonly iface: UsableInterface;
  private readonly options: InstanceOptions;
  private readonly mdns: MulticastDns;
  private readonly socket;
  // A random query id (responders ignore it, RFC 6762 §18.1) tells our own looped-back queries apart.
  private readonly queryId = 1 + Math.floor(Math.random() * 0xfffe);
  private readonly timers = new Set<NodeJS.Timeout>();
  private queryTimer: NodeJS.Timeout | undefined;
  private lastAdvertAt = -Infinity;
  private lastMetaAt = -Infinity;
  private ready = false;
  private closed = false;

  constructor(options: InstanceOptions) {
    this.options = options;
    this.iface = options.iface;
    // Our own socket, so that the membership can be checked and errors are always handled.
    this.socket = createSocket({ type: 'udp4', reuseAddr: true });
    this.socket.on('error', () => undefined); // multicast-dns reports socket errors as events below
    this.mdns = multicastDns({
      socket: this.socket,
      port: options.port,
      // Join and send on this interface only; bind to any address, since a socket bound to a
      // unicast address receives no multicast on Linux.
      interface: this.iface.address,
      bind: '0.0.0.0',
      loopback: true,
      ttl: 255,
    });
    this.mdns.on('error', (error) => {
      if (!this.closed) options.handlers.failed(error);
    });
    this.mdns.on('warning', (error) => {
      if (!this.closed) options.handlers.warning(error);
    });
    this.mdns.on('ready', () => {
      this.ready = true;
      if (!this.closed) options.handlers.ready();
    });
    this.mdns.on('query', (packet, rinfo) => this.guard(() => this.onQuery(packet, rinfo)));
    this.mdns.on('response', (packet, rinfo) => this.guard(() => this.onResponse(packet, rinfo)));

    let at = Math.random() * 50;
    for (const delay of ANNOUNCE_DELAYS_MS) {
      at += delay;
      this.later(at, () => this.announce());
    }
    // RFC 6762 §5.2: the first query goes 20-120 ms after start.
    let queryAt = 20 + Math.random() * 100;
    for (const delay of STARTUP_QUERY_DELAYS_MS) {
      queryAt += delay;
      this.later(queryAt, () => this.query());
    }
    this.scheduleQuery(queryAt + jitter(options.requeryMs));
  }

  /** Multicasts our records now (an announcement). */
  announce(): void {
    if (this.closed) return;
    this.lastAdvertAt = Date.now();
    const packet = advertPacket(this.options.advert(), this.options.boot, this.iface);
    this.mdns.respond(packet, (error) => error && this.warn(error));
  }

  /**
   * Whether the kernel had dropped our group membership (the interface was deleted and recreated
   * under the same name and address): joining again succeeds only then.
   */
  lostMembership(): boolean {
    if (!this.ready || this.closed) return false;
    try {
      this.socket.addMembership(MDNS_GROUP, this.iface.address);
      return true;
    } catch {
      return false;
    }
  }

  /** Stops everything; with `goodbye`, first tells the LAN we are leaving. */
  async close(goodbye: boolean): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.queryTimer) clearTimeout(this.queryTimer);
    if (goodbye && this.ready) {
      const packet = goodbyePacket(this.options.advert(), this.options.boot);
      await new Promise<void>((done) => {
        const timer = setTimeout(done, GOODBYE_WAIT_MS);
        this.mdns.respond(packet, () => {
          clearTimeout(timer);
          done();
        });
      });
    }
    await new Promise<void>((done) => {
      try {
        this.mdns.destroy(() => done());
      } catch {
        done(); // the socket was never bound or is already closed
      }
    });
  }

  private onQuery(packet: MdnsPacket, rinfo: RemoteInfo): void {
    // With several sockets on port 5353 each one hears every interface: keep this interface's.
    if (!onSubnet(rinfo.address, this.iface)) return;
    if (packet.id === this.queryId && rinfo.address === this.iface.address) return;
    const wants = queryWants(packet, this.options.advert().id);
    if (wants.browse) {
      // Someone else just asked what our timer would ask, and the answers are multicast to us
      // too: push our next query back (RFC 6762 §7.3), so a LAN sends about one query per period.
      this.scheduleQuery(jitter(this.options.requeryMs));
    }
    const now = Date.now();
    if (wants.meta && now - this.lastMetaAt >= ANSWER_GAP_MS) {
      this.lastMetaAt = now;
      this.mdns.respond(metaPacket(), (error) => error && this.warn(error));
    }
    if (wants.advert && now - this.lastAdvertAt >= ANSWER_GAP_MS) this.announce();
  }

  private onResponse(packet: MdnsPacket, rinfo: RemoteInfo): void {
    // RFC 6762 §11: responses not from port 5353 are not mDNS.
    if (rinfo.port !== this.options.port || !onSubnet(rinfo.address, this.iface)) return;
    const content = readResponse(packet);
    const { handlers } = this.options;
    for (const sighting of content.sightings) handlers.sighting(sighting, rinfo.address);
    for (const id of content.goodbyes) handlers.goodbye(id, rinfo.address);
    for (const reason of content.refused) handlers.refused(reason, rinfo.address);
  }

  private query(): void {
    if (this.closed) return;
    this.mdns.query({ id: this.queryId, questions: [{ name: SERVICE_TYPE, type: 'PTR' }] }, (error) => {
      if (error) this.warn(error);
    });
  }

  private scheduleQuery(delay: number): void {
    if (this.closed) return;
    if (this.queryTimer) clearTimeout(this.queryTimer);
    this.queryTimer = setTimeout(() => {
      this.query();
      this.scheduleQuery(jitter(this.options.requeryMs));
    }, delay);
    this.queryTimer.unref();
  }

  private later(delay: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private warn(error: Error): void {
    if (!this.closed) this.options.handlers.warning(error);
  }

  // Packet handlers run inside the socket's event: a throw there would end the process.
  private guard(run: () => void): void {
    try {
      run();
    } catch (error) {
      this.warn(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** A delay drawn uniformly from 80-120% of `ms`, so that nodes started together drift apart. */
export function jitter(ms: number): number {
  return ms * (0.8 + Math.random() * 0.4);
}
