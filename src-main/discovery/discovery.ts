/** Discovery over every usable interface: instances follow the interfaces, sightings are deduplicated. */
import { randomBytes } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { checkAdvert } from './advert.ts';
import type { AdvertFields, DiscoveryAdvert } from './advert.ts';
import { usableInterfaces } from './interfaces.ts';
import type { InterfaceMap, UsableInterface } from './interfaces.ts';
import { MdnsInstance } from './mdns-instance.ts';
import type { Sighting } from './records.ts';

/** Another node seen on the LAN: its advert, checked, and where to reach it. */
export interface DiscoveredNode extends AdvertFields {
  /** Its peer API port (from the SRV record). */
  port: number;
  /** The address the answer came from: dial this one first. */
  from: string;
  /** The addresses it advertised, without loopback and IPv6 link-local ones. */
  addresses: string[];
  /** Our interface it was seen on. */
  interface: string;
  /** When (ms since the epoch). */
  seenAt: number;
}

/** A node that said goodbye (a hint only: it may still answer HTTP, and may come back). */
export interface LostNode {
  id: string;
  from: string;
  interface: string;
}

/** Options of {@link createDiscovery}. */
export interface DiscoveryOptions {
  /** What we advertise; change it later with `update()`. */
  advert: DiscoveryAdvert;
  /** A node was seen: the first time, when its advert or address changed, and again now and then. */
  onFound: (found: DiscoveredNode) => void;
  /** A node said goodbye. */
  onLost?: (lost: LostNode) => void;
  /** Mean re-query period (jittered ±20%); default 15 s, at least 500 ms. */
  requeryMs?: number;
  /** How often the interface list is read; default 3 s, at least 50 ms. */
  pollMs?: number;
  /** The interface list (default `os.networkInterfaces`). */
  interfaces?: () => InterfaceMap;
  log?: (line: string) => void;
  /** mDNS UDP port; 5353 unless a test wants a private one. */
  mdnsPort?: number;
}

/** A running discovery. */
export interface Discovery {
  /** Starts answering, announcing and browsing; does nothing when already started. */
  start(): void;
  /** Advertises a new advert; re-announcements are coalesced to at most one per 2 s. */
  update(advert: DiscoveryAdvert): void;
  /** Says goodbye on every interface and closes every socket. */
  stop(): Promise<void>;
}

const DEFAULT_REQUERY_MS = 15_000;
const DEFAULT_POLL_MS = 3_000;
const UPDATE_GAP_MS = 2_000;
const MAX_KNOWN = 1024;
const REFUSED_LOG_MS = 60_000;

interface Known {
  signature: string;
  from: string;
  reportedAt: number;
  seenAt: number;
}

/** Creates the mDNS discovery of a node (`_blockparty._tcp`); call `start()` to run it. */
export function createDiscovery(options: DiscoveryOptions): Discovery {
  let advert = checkAdvert(options.advert);
  const requeryMs = Math.max(500, options.requeryMs ?? DEFAULT_REQUERY_MS);
  const pollMs = Math.max(50, options.pollMs ?? DEFAULT_POLL_MS);
  // An unchanged node is reported again once per half period: about once per re-query round.
  const repeatMs = requeryMs / 2;
  const forgetMs = requeryMs * 5;
  const mdnsPort = options.mdnsPort ?? 5353;
  const readInterfaces = options.interfaces ?? networkInterfaces;
  const log = options.log ?? (() => undefined);

  const instances = new Map<string, MdnsInstance>();
  const lastError = new Map<string, string>();
  const known = new Map<string, Known>();
  const refusedLogged = new Map<string, number>();
  let boot = '';
  let running = false;
  let pollTimer: NodeJS.Timeout | undefined;
  let updateTimer: NodeJS.Timeout | undefined;
  let lastUpdateAt = 0;
  // Joining a group twice fails (EADDRINUSE on Linux); a platform that accepted it would
  // "rejoin" on every poll, and then the check is turned off.
  let checkMembership = true;
  let rejoined = new Set<string>();
  let interfacesFailed = false;

  const call = (what: string, run: () => void): void => {
    try {
      run();
    } catch (error) {
      log(`discovery: ${what} threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  };

  const logOnce = (key: string, line: string): void => {
    if (lastError.get(key) === line) return;
    lastError.set(key, line);
    log(line);
  };

  const onRefused = (reason: string, from: string): void => {
    const now = Date.now();
    if (now - (refusedLogged.get(from) ?? -Infinity) < REFUSED_LOG_MS) return;
    if (refusedLogged.size > MAX_KNOWN) refusedLogged.clear();
    refusedLogged.set(from, now);
    log(`discovery: ignored an advert from ${from}: ${reason}`);
  };

  const onSighting = (iface: UsableInterface, sighting: Sighting, from: string): void => {
    const { fields } = sighting;
    if (fields.id === advert.id) {
      if (fields.boot !== boot) onRefused(`it uses our own node id (a copied data folder?)`, from);
      return;
    }
    const key = `${iface.name}|${fields.id}`;
    const now = Date.now();
    const signature = JSON.stringify([fields, sighting.port, from, sighting.addresses]);
    const previous = known.get(key);
    if (previous && previous.signature === signature && now - previous.reportedAt < repeatMs) {
      previous.seenAt = now;
      return;
    }
    // Re-inserting keeps the map in report order, so the first key is the stalest.
    known.delete(key);
    known.set(key, { signature, from, reportedAt: now, seenAt: now });
    if (known.size > MAX_KNOWN) known.delete(known.keys().next().value!);
    const found: DiscoveredNode = {
      ...fields,
      port: sighting.port,
      from,
      addresses: sighting.addresses,
      interface: iface.name,
      seenAt: now,
    };
    call('onFound', () => options.onFound(found));
  };

  const onGoodbye = (iface: UsableInterface, id: string, from: string): void => {
    const key = `${iface.name}|${id}`;
    const previous = known.get(key);
    // Only a node we know, and only from where it spoke: anyone on the LAN can send a goodbye.
    if (!previous || previous.from !== from) return;
    known.delete(key);
    if (options.onLost) {
      const onLost = options.onLost;
      call('onLost', () => onLost({ id, from, interface: iface.name }));
    }
  };

  const open = (iface: UsableInterface): void => {
    const instance: MdnsInstance = new MdnsInstance({
      iface,
      port: mdnsPort,
      advert: () => advert,
      boot,
      requeryMs,
      handlers: {
        ready: () => {
          lastError.delete(iface.name);
          log(`discovery: listening on ${iface.name} (${iface.address})`);
        },
        sighting: (sighting, from) => onSighting(iface, sighting, from),
        goodbye: (id, from) => onGoodbye(iface, id, from),
        refused: onRefused,
        failed: (error) => {
          logOnce(
            iface.name,
            `discovery: ${iface.name} (${iface.address}) failed: ${error.message}; retrying`,
          );
          // Dropped now, opened again by the next poll if the interface is still there.
          if (instances.get(iface.name) === instance) instances.delete(iface.name);
          void instance.close(false);
        },
        warning: (error) => logOnce(iface.name, `discovery: ${iface.name}: ${error.message}`),
      },
    });
    instances.set(iface.name, instance);
  };

  const close = (name: string, reason: string): void => {
    const instance = instances.get(name);
    if (!instance) return;
    instances.delete(name);
    // The old address is gone or going: a goodbye could not be sent from it.
    void instance.close(false);
    for (const key of known.keys()) if (key.startsWith(`${name}|`)) known.delete(key);
    log(`discovery: stopped on ${name} (${reason})`);
  };

  const poll = (): void => {
    if (!running) return;
    let map: InterfaceMap;
    try {
      map = readInterfaces();
      interfacesFailed = false;
    } catch (error) {
      if (!interfacesFailed) log(`discovery: cannot list network interfaces: ${(error as Error).message}`);
      interfacesFailed = true;
      return;
    }
    const usable = new Map(usableInterfaces(map).map((iface) => [iface.name, iface]));
    const rejoinedNow = new Set<string>();
    for (const [name, instance] of [...instances]) {
      const now = usable.get(name);
      if (!now) close(name, 'interface gone');
      else if (now.signature !== instance.iface.signature) close(name, 'interface changed');
      else if (checkMembership && instance.lostMembership()) {
        if (rejoined.has(name)) {
          checkMembership = false;
          log('discovery: this system accepts duplicate group joins; membership checks are off');
        } else {
          rejoinedNow.add(name);
          close(name, 'interface was recreated');
        }
      }
    }
    rejoined = rejoinedNow;
    for (const iface of usable.values()) if (!instances.has(iface.name)) open(iface);
    const now = Date.now();
    for (const [key, entry] of known) if (now - entry.seenAt > forgetMs) known.delete(key);
  };

  const schedulePoll = (): void => {
    pollTimer = setTimeout(() => {
      call('poll', poll);
      if (running) schedulePoll();
    }, pollMs);
    pollTimer.unref();
  };

  return {
    start() {
      if (running) return;
      running = true;
      boot = randomBytes(6).toString('hex');
      lastUpdateAt = Date.now();
      call('poll', poll);
      schedulePoll();
    },
    update(next) {
      const checked = checkAdvert(next);
      if (JSON.stringify(checked) === JSON.stringify(advert)) return;
      if (checked.id !== advert.id)
        throw new Error('Discovery advert: the node id cannot change; create a new discovery for a new id');
      advert = checked;
      if (!running || updateTimer) return; // the pending announcement will carry the newest advert
      const wait = Math.max(0, lastUpdateAt + UPDATE_GAP_MS - Date.now());
      updateTimer = setTimeout(() => {
        updateTimer = undefined;
        lastUpdateAt = Date.now();
        for (const instance of instances.values()) instance.announce();
      }, wait);
      updateTimer.unref();
    },
    async stop() {
      if (!running) return;
      running = false;
      clearTimeout(pollTimer);
      clearTimeout(updateTimer);
      updateTimer = undefined;
      const closing = [...instances.values()].map((instance) => instance.close(true));
      instances.clear();
      known.clear();
      await Promise.all(closing);
    },
  };
}
