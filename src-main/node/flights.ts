/**
 * Blocks in flight: the path each recent block took through the network, hop by hop.
 *
 * Every hop is timed on one clock, the sender's: from the moment the sender had the block (mined
 * it, or accepted it) to the moment the receiver's answer to the push said "added". Each node
 * reports the hops it made, and those reported to it, to the peer it got the block from, so the
 * reports flow up the relay tree to the block's origin, which holds the whole path. Clocks of
 * different laptops are never compared: a hop's time since the origin is the sum along the path.
 */

/** One hop, as reported: `to` got the block from `from` after `ms` (null: fetched by a sync). */
export interface Hop {
  from: string;
  to: string;
  ms: number | null;
  via: 'push' | 'sync';
}

/** A block's flight as the dashboard gets it (node ids; the service names them). */
export interface Flight {
  hash: string;
  index: number;
  origin: string;
  hops: Hop[];
}

/** Reports waiting to go up the tree: to `address`, the hops of block `hash`. */
export interface HopReport {
  address: string;
  hash: string;
  hops: Hop[];
}

/** What this node knows of one block's flight. */
interface FlightRecord {
  hash: string;
  index: number;
  origin: string;
  /** The peer we got it from (null: mined here). */
  parent: string | null;
  /** performance.now() when we had it. */
  since: number;
  hops: Map<string, Hop>;
  /** Hops not yet reported to the parent. */
  unsent: Hop[];
}

/** How many recent blocks' flights are kept. */
export const FLIGHTS_MAX = 50;
/** The most hops kept per block (a class is at most a few hundred nodes). */
const HOPS_MAX = 1000;

export class FlightBook {
  private readonly flights = new Map<string, FlightRecord>();

  constructor(
    private readonly self: string,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** We have block `hash`: mined here (`parent` null) or accepted from `parent` (an address). */
  had(hash: string, index: number, origin: string, parent: string | null): void {
    if (this.flights.has(hash)) return;
    this.flights.set(hash, { hash, index, origin, parent, since: this.now(), hops: new Map(), unsent: [] });
    while (this.flights.size > FLIGHTS_MAX) this.flights.delete(this.flights.keys().next().value!);
  }

  /** A push of `hash` to node `to` was answered "added" just now. */
  pushed(hash: string, to: string): void {
    const flight = this.flights.get(hash);
    if (flight === undefined) return;
    this.add(flight, {
      from: this.self,
      to,
      ms: Math.max(0, Math.round(this.now() - flight.since)),
      via: 'push',
    });
  }

  /** We fetched `hash` from node `from` by a sync (no time: it was not pushed). */
  synced(hash: string, from: string): void {
    const flight = this.flights.get(hash);
    if (flight === undefined) return;
    this.add(flight, { from, to: this.self, ms: null, via: 'sync' });
  }

  /** A peer reported hops of `hash` (its own and those reported to it). Unknown blocks are ignored. */
  reported(hash: string, hops: readonly Hop[]): void {
    const flight = this.flights.get(hash);
    if (flight === undefined) return;
    for (const hop of hops) this.add(flight, hop);
  }

  /** Takes the reports to send up the tree (one per block with news). */
  takeReports(): HopReport[] {
    const out: HopReport[] = [];
    for (const flight of this.flights.values()) {
      if (flight.unsent.length === 0 || flight.parent === null) {
        flight.unsent = [];
        continue;
      }
      out.push({ address: flight.parent, hash: flight.hash, hops: flight.unsent });
      flight.unsent = [];
    }
    return out;
  }

  /** The flights of the given blocks (ours or reported), newest first. */
  get(hash: string): Flight | null {
    const flight = this.flights.get(hash);
    if (flight === undefined) return null;
    return { hash, index: flight.index, origin: flight.origin, hops: [...flight.hops.values()] };
  }

  private add(flight: FlightRecord, hop: Hop): void {
    const key = `${hop.from}>${hop.to}`;
    // The first report of a hop wins; a node is reached once (later pushes answer "known").
    if (flight.hops.has(key) || flight.hops.size >= HOPS_MAX) return;
    flight.hops.set(key, hop);
    flight.unsent.push(hop);
  }
}

/** Hops with their time since the origin had the block, added up along the path (null past a sync). */
export function timedPath(origin: string, hops: readonly Hop[]): (Hop & { atMs: number | null })[] {
  const at = new Map<string, number | null>([[origin, 0]]);
  const byReceiver = new Map<string, Hop>();
  for (const hop of hops) if (!byReceiver.has(hop.to)) byReceiver.set(hop.to, hop);
  const timeOf = (node: string, depth: number): number | null => {
    if (at.has(node)) return at.get(node)!;
    const hop = byReceiver.get(node);
    if (hop === undefined || depth > hops.length) return null;
    const before = timeOf(hop.from, depth + 1);
    const value = before === null || hop.ms === null ? null : before + hop.ms;
    at.set(node, value);
    return value;
  };
  return [...byReceiver.values()]
    .map((hop) => ({ ...hop, atMs: timeOf(hop.to, 0) }))
    .sort((a, b) => (a.atMs ?? Infinity) - (b.atMs ?? Infinity));
}

/** Hops another node reported (node ids, times), well-formed ones only, at most 1000. */
export function parseHops(items: readonly unknown[]): Hop[] {
  const out: Hop[] = [];
  for (const item of items.slice(0, 1000)) {
    if (typeof item !== 'object' || item === null) continue;
    const { from, to, ms, via } = item as Record<string, unknown>;
    const id = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{32}$/.test(v);
    const time = typeof ms === 'bigint' ? Number(ms) : ms;
    if (!id(from) || !id(to) || (via !== 'push' && via !== 'sync')) continue;
    const valid = typeof time === 'number' && Number.isFinite(time) && time >= 0 && time < 3_600_000;
    out.push({ from, to, ms: valid ? Math.round(time) : null, via });
  }
  return out;
}
