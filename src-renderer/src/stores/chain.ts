import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { BlockDetail, BlockSummary } from '@shared/api';
import { onOpen, useDashboardClient } from '@renderer/api';
import { useNotificationsStore } from './notifications';
import { LIVE_REFRESH_MS, useCoalesced } from '@renderer/composables/use-coalesced';

/** Blocks per page: enough to fill a projector, few enough to stay light at any chain length. */
export const CHAIN_PAGE_SIZE = 12;

/** A page of the chain (newest first), the selected block and search, fetched from main on demand. */
export const useChainStore = defineStore('chain', () => {
  const total = ref(0);
  const page = ref(0);
  const blocks = shallowRef<BlockSummary[]>([]);
  const selected = shallowRef<BlockDetail | null>(null);
  const selectedLoading = ref(false);
  const searchResults = shallowRef<BlockSummary[] | null>(null);
  const searching = ref(false);
  const visible = ref(false);
  let unsubscribers: (() => void)[] = [];

  const pages = computed(() => Math.max(1, Math.ceil(total.value / CHAIN_PAGE_SIZE)));

  // Coalesced: while one fetch runs, later requests collapse into one more fetch; chain events refetch
  // at most every LIVE_REFRESH_MS (auto-mine announces dozens of blocks a second).
  const {
    run: fetchPage,
    schedule: schedulePage,
    cancel: cancelScheduled,
    loading,
  } = useCoalesced(
    async (again) => {
      const result = await useDashboardClient().chainPage({
        offset: page.value * CHAIN_PAGE_SIZE,
        limit: CHAIN_PAGE_SIZE,
        newestFirst: true,
      });
      if (result.ok) {
        total.value = result.value.total;
        blocks.value = result.value.blocks;
        if (page.value > 0 && page.value >= pages.value) {
          page.value = pages.value - 1;
          again();
        }
      } else {
        useNotificationsStore().error(result.error);
      }
    },
    { minIntervalMs: LIVE_REFRESH_MS },
  );

  async function goToPage(next: number): Promise<void> {
    page.value = Math.min(Math.max(0, next), pages.value - 1);
    await fetchPage();
  }

  async function select(index: number): Promise<void> {
    selectedLoading.value = true;
    const result = await useDashboardClient().block({ index });
    selectedLoading.value = false;
    if (result.ok) selected.value = result.value;
    else useNotificationsStore().error(result.error);
  }

  /** Shows the page that holds a block and opens it. */
  async function reveal(index: number): Promise<void> {
    page.value = Math.floor(Math.max(0, total.value - index) / CHAIN_PAGE_SIZE);
    await Promise.all([fetchPage(), select(index)]);
  }

  /** Finds blocks by index or hash prefix; opens the block when exactly one matches; null when the search failed. */
  async function search(text: string): Promise<BlockSummary[] | null> {
    const query = text.trim().replace(/^#/, '');
    if (!query) {
      searchResults.value = null;
      return [];
    }
    searching.value = true;
    const result = await useDashboardClient().search({ text: query });
    searching.value = false;
    if (!result.ok) {
      // null, not []: a failed search is not "nothing matches".
      useNotificationsStore().error(result.error);
      return null;
    }
    searchResults.value = result.value;
    if (result.value.length === 1) await reveal(result.value[0]!.index);
    return result.value;
  }

  function clearSearch(): void {
    searchResults.value = null;
  }

  /** Called by the Chain screen: fetch now and on every chain change while it is shown. */
  function open(): void {
    visible.value = true;
    void fetchPage();
  }

  function close(): void {
    visible.value = false;
    cancelScheduled();
  }

  function start(): void {
    stop();
    const client = useDashboardClient();
    unsubscribers = [
      client.on('chain', (event) => {
        total.value = event.height;
        if (event.reason !== 'mined') selected.value = null;
        if (visible.value) schedulePage();
      }),
      onOpen(client, () => {
        if (visible.value) void fetchPage();
      }),
    ];
  }

  function stop(): void {
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
  }

  return {
    total,
    page,
    pages,
    blocks,
    loading,
    selected,
    selectedLoading,
    searchResults,
    searching,
    fetchPage,
    goToPage,
    select,
    reveal,
    search,
    clearSearch,
    open,
    close,
    start,
    stop,
  };
});
