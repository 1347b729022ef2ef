import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ActivityEntry } from '@shared/api';
import { onOpen, useDashboardClient } from '@renderer/api';
import { useNotificationsStore } from './notifications';

/** The most entries kept in the dashboard, whatever main sends. */
export const ACTIVITY_MAX = 500;

/** Every kind of activity, in the order the filter offers them. */
export { ACTIVITY_KINDS } from '@shared/api';

/** The words an entry is shown with (the view sets the translated ones; the node's English until then). */
export type ActivityDescriber = (entry: ActivityEntry) => string;

/** The node's bounded activity log, newest first, with a kind and text filter. */
export const useActivityStore = defineStore('activity', () => {
  const entries = shallowRef<ActivityEntry[]>([]);
  const loading = ref(false);
  const kind = ref<ActivityEntry['kind'] | 'all'>('all');
  const text = ref('');
  /** The text filter matches what the screen shows, so a Chinese word finds a Chinese line. */
  const describe = shallowRef<ActivityDescriber>((entry) => entry.message);
  let unsubscribers: (() => void)[] = [];

  const filtered = computed(() => {
    const needle = text.value.trim().toLowerCase();
    return entries.value.filter(
      (entry) =>
        (kind.value === 'all' || entry.kind === kind.value) &&
        (!needle ||
          describe.value(entry).toLowerCase().includes(needle) ||
          entry.message.toLowerCase().includes(needle)),
    );
  });

  function add(entry: ActivityEntry): void {
    if (entries.value.some((existing) => existing.id === entry.id)) return;
    entries.value = [entry, ...entries.value].slice(0, ACTIVITY_MAX);
  }

  async function refresh(): Promise<void> {
    loading.value = true;
    const result = await useDashboardClient().activity();
    loading.value = false;
    if (!result.ok) return void useNotificationsStore().error(result.error);
    // Main sends oldest first; merge with events that arrived while the snapshot was on its way.
    const byId = new Map<number, ActivityEntry>();
    for (const entry of [...result.value, ...entries.value]) byId.set(entry.id, entry);
    entries.value = [...byId.values()].sort((a, b) => b.id - a.id).slice(0, ACTIVITY_MAX);
  }

  function start(): void {
    stop();
    const client = useDashboardClient();
    unsubscribers = [client.on('activity', add), onOpen(client, () => void refresh())];
  }

  function stop(): void {
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
  }

  return { entries, loading, kind, text, describe, filtered, add, refresh, start, stop };
});
