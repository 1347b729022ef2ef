import type { FlightDto } from '@shared/api';

/** One node a block reached, as a row of the flight drawing. */
export interface FlightRow {
  id: string;
  name: string | null;
  /** Hops from the origin (0: the origin). */
  depth: number;
  /** Milliseconds since the origin had the block; null past a sync (not timed). */
  atMs: number | null;
  /** When the node it came from had it (the start of its bar). */
  fromMs: number | null;
  fromName: string | null;
  via: 'origin' | 'push' | 'sync';
}

/**
 * The flight as a tree in reading order: the origin, then each node under the one it got the block
 * from, earliest first. Hops whose sender the reports do not reach from the origin (a report lost on
 * the way) come last, one level down, still named by who sent them.
 */
export function flightRows(flight: FlightDto): FlightRow[] {
  const children = new Map<string, FlightDto['hops']>();
  for (const hop of flight.hops) {
    const list = children.get(hop.from);
    if (list) list.push(hop);
    else children.set(hop.from, [hop]);
  }
  const order = (a: { atMs: number | null }, b: { atMs: number | null }): number =>
    (a.atMs ?? Number.POSITIVE_INFINITY) - (b.atMs ?? Number.POSITIVE_INFINITY);
  for (const list of children.values()) list.sort(order);

  const rows: FlightRow[] = [
    {
      id: flight.origin,
      name: flight.originName,
      depth: 0,
      atMs: 0,
      fromMs: null,
      fromName: null,
      via: 'origin',
    },
  ];
  const seen = new Set<string>([flight.origin]);
  const visit = (id: string, depth: number, at: number | null): void => {
    for (const hop of children.get(id) ?? []) {
      if (seen.has(hop.to)) continue;
      seen.add(hop.to);
      rows.push({
        id: hop.to,
        name: hop.toName,
        depth,
        atMs: hop.atMs,
        fromMs: at,
        fromName: hop.fromName,
        via: hop.via,
      });
      visit(hop.to, depth + 1, hop.atMs);
    }
  };
  visit(flight.origin, 1, 0);
  const lost = flight.hops.filter((hop) => !seen.has(hop.to)).sort(order);
  for (const hop of lost) {
    if (seen.has(hop.to)) continue;
    seen.add(hop.to);
    rows.push({
      id: hop.to,
      name: hop.toName,
      depth: 1,
      atMs: hop.atMs,
      fromMs: null,
      fromName: hop.fromName,
      via: hop.via,
    });
  }
  return rows;
}
