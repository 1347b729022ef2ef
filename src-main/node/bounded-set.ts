/**
 * Collections that forget their oldest members, in O(1) per operation. Two generations: new members
 * go into the young one; when it holds half the bound it becomes the old one and the previous old one
 * is dropped whole. (Evicting a Map's first key one at a time instead leaves tombstones that every
 * later `keys().next()` walks over: quadratic when many members arrive at once, as in an adoption.)
 * At least the last `max / 2` members are remembered, never more than `max`.
 */
export class BoundedSet {
  private young = new Set<string>();
  private old = new Set<string>();

  constructor(private readonly max: number) {}

  has(item: string): boolean {
    return this.young.has(item) || this.old.has(item);
  }

  add(item: string): void {
    if (this.young.has(item)) return;
    this.old.delete(item);
    this.young.add(item);
    if (this.young.size >= Math.max(1, this.max >> 1)) {
      this.old = this.young;
      this.young = new Set();
    }
  }

  delete(item: string): void {
    this.young.delete(item);
    this.old.delete(item);
  }
}

/** A map with the same bound and generations as {@link BoundedSet}. */
export class BoundedMap<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly max: number) {}

  get(key: string): V | undefined {
    return this.young.get(key) ?? this.old.get(key);
  }

  has(key: string): boolean {
    return this.young.has(key) || this.old.has(key);
  }

  set(key: string, value: V): void {
    this.old.delete(key);
    this.young.set(key, value);
    if (this.young.size >= Math.max(1, this.max >> 1)) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}
