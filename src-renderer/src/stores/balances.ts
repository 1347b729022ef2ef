import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import type { BalancesDto } from '@shared/api';
import { onOpen, useDashboardClient } from '@renderer/api';
import { useNotificationsStore } from './notifications';
import { LIVE_REFRESH_MS, useCoalesced } from '@renderer/composables/use-coalesced';

/** Balances as main adds them up (not enforced by the tutorial), fetched while the screen shows them. */
export const useBalancesStore = defineStore('balances', () => {
  const balances = shallowRef<BalancesDto | null>(null);
  const visible = ref(false);
  let unsubscribers: (() => void)[] = [];

  /** Fetches the balances; while a fetch runs, further requests collapse into one more. */
  const {
    run: refresh,
    schedule,
    cancel,
    loading,
  } = useCoalesced(
    async () => {
      const result = await useDashboardClient().balances();
      if (result.ok) balances.value = result.value;
      else useNotificationsStore().error(result.error);
    },
    { minIntervalMs: LIVE_REFRESH_MS },
  );

  /** Called by the Transactions screen: fetch now and on every chain change while it is shown. */
  function open(): void {
    visible.value = true;
    void refresh();
  }

  function close(): void {
    visible.value = false;
    cancel();
  }

  function start(): void {
    stop();
    const client = useDashboardClient();
    unsubscribers = [
      client.on('chain', () => {
        if (visible.value) schedule();
      }),
      onOpen(client, () => {
        if (visible.value) void refresh();
      }),
    ];
  }

  function stop(): void {
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
  }

  return { balances, loading, refresh, open, close, start, stop };
});
