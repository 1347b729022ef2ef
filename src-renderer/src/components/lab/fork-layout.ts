import type { ForkBlockDto } from '@shared/api';

/** A block of the fork tree with its place in the drawing. */
export interface PlacedBlock {
  block: ForkBlockDto;
  /** 0: our chain; 1…: stale branches, nearest first. */
  lane: number;
  /** The top-left corner of its box, in the drawing's units. */
  x: number;
  y: number;
  /** Its parent is not in the tree (it forks off a block older than the tree shows, or an unknown one). */
  orphan: boolean;
}

/** A link from a block to its child (`previous_hash`). */
export interface PlacedEdge {
  from: PlacedBlock;
  to: PlacedBlock;
}

/** The fork tree laid out: boxes, links and the drawing's size. */
export interface ForkLayout {
  blocks: PlacedBlock[];
  edges: PlacedEdge[];
  lanes: number;
  width: number;
  height: number;
}

/** Box and gap sizes of the drawing, in its units (1 unit = 1/16 rem: it scales with presenter zoom). */
export interface ForkGeometry {
  boxW: number;
  boxH: number;
  gapX: number;
  gapY: number;
  pad: number;
  /** Newest at the top, branches to the right (phones) instead of newest at the right (projectors). */
  vertical: boolean;
}

/** The geometry of the sideways tree (projectors, the dashboard). */
export const FORK_GEOMETRY: Omit<ForkGeometry, 'vertical'> = {
  boxW: 150,
  boxH: 66,
  gapX: 34,
  gapY: 20,
  pad: 12,
};
/** The upright tree's (phones): narrower boxes, so our chain and a branch fit a phone's width. */
export const FORK_GEOMETRY_UPRIGHT: Omit<ForkGeometry, 'vertical'> = {
  boxW: 132,
  boxH: 66,
  gapX: 20,
  gapY: 22,
  pad: 8,
};

/**
 * Lays the tree out: our chain on lane 0, in index order; each stale block on its parent's lane when
 * it continues that branch, else on the nearest lane left free since the column before it (that gap
 * keeps it from reading as the continuation of another branch). Blocks are linked by `previousHash`.
 * Linear in the number of blocks times the lanes (at most 200 of ours and the 500 stale ones kept).
 */
export function layoutForkTree(blocks: readonly ForkBlockDto[], geometry: ForkGeometry): ForkLayout {
  if (blocks.length === 0) return { blocks: [], edges: [], lanes: 0, width: 0, height: 0 };
  const { boxW, boxH, gapX, gapY, pad, vertical } = geometry;
  let minIndex = Number.POSITIVE_INFINITY;
  let maxIndex = Number.NEGATIVE_INFINITY;
  for (const b of blocks) {
    minIndex = Math.min(minIndex, b.index);
    maxIndex = Math.max(maxIndex, b.index);
  }
  const sorted = [...blocks].sort((a, b) => a.index - b.index || Number(b.main) - Number(a.main));
  const placed = new Map<string, PlacedBlock>();
  /** Per lane: the index of its last block and that block's hash. */
  const laneEnd: number[] = [Number.NEGATIVE_INFINITY];
  const laneTail: (string | null)[] = [null];
  const edges: PlacedEdge[] = [];
  const out: PlacedBlock[] = [];

  for (const block of sorted) {
    if (placed.has(block.hash)) continue;
    const parent = placed.get(block.previousHash) ?? null;
    let lane: number;
    if (block.main) lane = 0;
    else if (parent !== null && parent.lane > 0 && laneTail[parent.lane] === parent.block.hash)
      lane = parent.lane;
    else {
      lane = laneEnd.findIndex((end, l) => l > 0 && end < block.index - 1);
      if (lane === -1) {
        lane = laneEnd.length;
        laneEnd.push(Number.NEGATIVE_INFINITY);
        laneTail.push(null);
      }
    }
    laneEnd[lane] = block.index;
    laneTail[lane] = block.hash;
    const step = block.index - minIndex;
    const x = vertical ? pad + lane * (boxW + gapX) : pad + step * (boxW + gapX);
    const y = vertical ? pad + (maxIndex - block.index) * (boxH + gapY) : pad + lane * (boxH + gapY);
    const item: PlacedBlock = { block, lane, x, y, orphan: parent === null && block.index > minIndex };
    placed.set(block.hash, item);
    out.push(item);
    if (parent !== null) edges.push({ from: parent, to: item });
  }

  const lanes = laneEnd.length;
  const steps = maxIndex - minIndex + 1;
  const across = vertical ? lanes : steps;
  const down = vertical ? steps : lanes;
  return {
    blocks: out,
    edges,
    lanes,
    width: pad * 2 + across * boxW + (across - 1) * gapX,
    height: pad * 2 + down * boxH + (down - 1) * gapY,
  };
}

/** The SVG path of a link: out of the parent's box towards the child's, curving across lanes. */
export function edgePath(edge: PlacedEdge, geometry: ForkGeometry): string {
  const { boxW, boxH, vertical } = geometry;
  if (vertical) {
    // Parent below, child above.
    const x1 = edge.from.x + boxW / 2;
    const y1 = edge.from.y;
    const x2 = edge.to.x + boxW / 2;
    const y2 = edge.to.y + boxH;
    const mid = (y1 + y2) / 2;
    return `M${x1} ${y1} C${x1} ${mid} ${x2} ${mid} ${x2} ${y2}`;
  }
  const x1 = edge.from.x + boxW;
  const y1 = edge.from.y + boxH / 2;
  const x2 = edge.to.x;
  const y2 = edge.to.y + boxH / 2;
  const mid = (x1 + x2) / 2;
  return `M${x1} ${y1} C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}`;
}
