import type { ActivityCode, ActivityEntry, ActivityParams } from './types.ts';

/** The node's activity log, bounded so that a long workshop cannot grow it without end. */
export class ActivityLog {
  private items: ActivityEntry[] = [];
  private nextId = 1;

  constructor(private readonly capacity: number) {}

  /**
   * Appends an entry, dropping the oldest when full. `message` is the English text; `code` and
   * `params` let a dashboard word it in its own language.
   */
  add(
    kind: ActivityEntry['kind'],
    message: string,
    code: ActivityCode,
    params: ActivityParams = {},
  ): ActivityEntry {
    const entry: ActivityEntry = { id: this.nextId++, time: Date.now(), kind, message, code, params };
    this.items.push(entry);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
    return entry;
  }

  /** All kept entries, oldest first. */
  entries(): ActivityEntry[] {
    return [...this.items];
  }
}
