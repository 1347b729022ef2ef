import type { ActivityEntry, ActivityKind } from '../shared/api.ts';
import { renderMessage, type Message } from '../shared/messages.ts';

/** The node's activity log, bounded so that a long workshop cannot grow it without end. */
export class ActivityLog {
  private items: ActivityEntry[] = [];
  private nextId = 1;

  constructor(private readonly capacity: number) {}

  /** Appends an entry, dropping the oldest when full. The English text is rendered once, here. */
  add(kind: ActivityKind, what: Message): ActivityEntry {
    const entry: ActivityEntry = {
      id: this.nextId++,
      time: Date.now(),
      kind,
      message: renderMessage(what),
      code: what.code,
      params: what.params,
    };
    this.items.push(entry);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
    return entry;
  }

  /** All kept entries, oldest first. */
  entries(): ActivityEntry[] {
    return [...this.items];
  }
}
