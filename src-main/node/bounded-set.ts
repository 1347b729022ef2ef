/** A set of strings that forgets its oldest members beyond `max` (an add makes a member newest again). */
export class BoundedSet {
  private readonly items = new Set<string>();

  constructor(private readonly max: number) {}

  has(item: string): boolean {
    return this.items.has(item);
  }

  add(item: string): void {
    this.items.delete(item);
    this.items.add(item);
    if (this.items.size > this.max) this.items.delete(this.items.values().next().value!);
  }

  delete(item: string): void {
    this.items.delete(item);
  }
}
