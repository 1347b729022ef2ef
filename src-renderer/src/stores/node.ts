import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { MineResultDto, MiningState, NodeStatus } from '@shared/api';
import { onOpen, useDashboardClient } from '@renderer/api';
import type { ConnectionState } from '@renderer/api';
import { useNotificationsStore } from './notifications';

/** One hash-rate sample for the sparkline. */
export interface RateSample {
  /** Epoch milliseconds. */
  t: number;
  rate: number;
}

/** How long the sparkline looks back. */
export const RATE_WINDOW_MS = 5 * 60_000;
const MAX_SAMPLES = 1200;

/** Mirrors the node's status and mining state; starts and stops mining. */
export const useNodeStore = defineStore('node', () => {
  const status = shallowRef<NodeStatus | null>(null);
  const connection = ref<ConnectionState>('connecting');
  const loading = ref(false);
  const samples = shallowRef<RateSample[]>([]);
  const lastMined = shallowRef<MineResultDto | null>(null);
  const mineRequested = ref(false);
  const stopping = ref(false);
  let unsubscribers: (() => void)[] = [];

  const mining = computed<MiningState | null>(() => status.value?.mining ?? null);
  /** A search runs or auto-mine is on (true from one block to the next): the button reads Stop. */
  const isMining = computed(() => Boolean(mining.value?.active) || mineRequested.value);
  /** The rate to show: the node keeps it between blocks, so auto-mine does not dip to 0 each block. */
  const hashRate = computed(() => {
    const state = mining.value;
    if (!state?.active) return 0;
    return state.hashRate || state.progress?.hashRate || 0;
  });

  function addSample(state: MiningState, now = Date.now()): void {
    const rate = state.active ? state.hashRate || state.progress?.hashRate || 0 : 0;
    const kept = samples.value.filter((sample) => now - sample.t <= RATE_WINDOW_MS);
    // Idle periods need only one zero at each edge, not four a second.
    const last = kept[kept.length - 1];
    if (!state.active && last && last.rate === 0) return;
    kept.push({ t: now, rate });
    samples.value = kept.slice(-MAX_SAMPLES);
  }

  function applyMining(state: MiningState): void {
    if (status.value) status.value = { ...status.value, mining: state };
    if (!state.active) stopping.value = false;
    addSample(state);
  }

  async function refresh(): Promise<void> {
    loading.value = true;
    const result = await useDashboardClient().status();
    loading.value = false;
    if (result.ok) {
      status.value = result.value;
      addSample(result.value.mining);
    } else useNotificationsStore().error(result.error);
  }

  /** Subscribes to the node's events, then fetches the snapshot (and again after a reconnect). */
  function start(): void {
    stop();
    const client = useDashboardClient();
    unsubscribers = [
      client.on('status', (next) => {
        status.value = next;
        if (!next.mining.active) stopping.value = false;
        addSample(next.mining);
      }),
      client.on('mining', applyMining),
      client.on('chain', (event) => {
        if (status.value) status.value = { ...status.value, height: event.height };
      }),
      client.on('pending', (event) => {
        if (status.value) status.value = { ...status.value, pendingCount: event.count };
      }),
      client.onConnection((state) => (connection.value = state)),
      onOpen(client, () => void refresh()),
    ];
  }

  function stop(): void {
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
  }

  /** Mines one block; resolves when it is forged or mining was stopped. */
  async function mine(): Promise<MineResultDto | null> {
    if (mineRequested.value) return null;
    mineRequested.value = true;
    const result = await useDashboardClient().mine();
    mineRequested.value = false;
    const notifications = useNotificationsStore();
    if (result.ok) {
      lastMined.value = result.value;
      notifications.success('notify.mined', { index: result.value.block.index });
      return result.value;
    }
    if (result.error.code === 'mining-cancelled') notifications.info('notify.miningStopped');
    else notifications.error(result.error);
    return null;
  }

  /** Stops the running proof search; nothing half-mined is appended. */
  async function stopMining(): Promise<void> {
    stopping.value = true;
    const result = await useDashboardClient().stopMining();
    if (!result.ok) {
      stopping.value = false;
      useNotificationsStore().error(result.error);
    }
    if (!mining.value?.active) stopping.value = false;
  }

  return {
    status,
    connection,
    loading,
    samples,
    lastMined,
    mining,
    isMining,
    hashRate,
    stopping,
    start,
    stop,
    refresh,
    mine,
    stopMining,
    addSample,
  };
});
