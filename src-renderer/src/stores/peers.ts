import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { PeerDto, ResolveReportDto } from '@shared/api';
import { onOpen, useDashboardClient } from '@renderer/api';
import { useNotificationsStore } from './notifications';

/** Accepts `host:port` or `http(s)://host:port`; returns the `host:port` form, or null. */
export function normalizePeerAddress(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname || !url.port) return null;
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash || url.username) return null;
  return `${url.hostname}:${url.port}`;
}

/** The peers table, adding/removing peers and conflict resolution with its report. */
export const usePeersStore = defineStore('peers', () => {
  const peers = shallowRef<PeerDto[]>([]);
  const loading = ref(false);
  const adding = ref(false);
  const addError = ref<{ key: string; params?: Record<string, unknown> } | null>(null);
  const refreshing = ref(false);
  const resolving = ref(false);
  const removing = ref<string | null>(null);
  const report = shallowRef<ResolveReportDto | null>(null);
  let unsubscribers: (() => void)[] = [];

  const onlineCount = computed(() => peers.value.filter((peer) => peer.online).length);

  async function refreshList(): Promise<void> {
    loading.value = true;
    const result = await useDashboardClient().peers();
    loading.value = false;
    if (result.ok) peers.value = result.value;
    else useNotificationsStore().error(result.error);
  }

  /** Pings every peer for height and latency. */
  async function refresh(): Promise<void> {
    refreshing.value = true;
    const result = await useDashboardClient().refreshPeers();
    refreshing.value = false;
    if (result.ok) peers.value = result.value;
    else useNotificationsStore().error(result.error);
  }

  /** Validates and adds; warns when main found the new peer silent. Returns true when added. */
  async function add(input: string): Promise<boolean> {
    addError.value = null;
    const address = normalizePeerAddress(input);
    if (!address) {
      addError.value = { key: 'peers.invalidAddress' };
      return false;
    }
    adding.value = true;
    const client = useDashboardClient();
    const notifications = useNotificationsStore();
    try {
      const added = await client.addPeers({ addresses: [address] });
      if (!added.ok) {
        if (added.error.code === 'invalid-address') addError.value = { key: 'peers.invalidAddress' };
        else notifications.error(added.error);
        return false;
      }
      peers.value = added.value.peers;
      const rejected = added.value.rejected[0];
      if (
        rejected &&
        added.value.added.length === 0 &&
        !peers.value.some((peer) => peer.address === address)
      ) {
        addError.value = { key: 'errors.unknown', params: { message: rejected.reason } };
        return false;
      }
      // Main asked the new peer before answering. The node may spell the address its own way, and an
      // address it already knew is not in `added`: then its row says whether it answered last time.
      const key = added.value.added[0] ?? address;
      const answered =
        added.value.reachable[key] ?? peers.value.find((peer) => peer.address === key)?.online !== false;
      if (answered) notifications.success('peers.added', { address });
      else notifications.warning('peers.addedOffline', { address });
      return true;
    } finally {
      adding.value = false;
    }
  }

  async function remove(address: string): Promise<void> {
    removing.value = address;
    const result = await useDashboardClient().removePeer({ address });
    removing.value = null;
    if (result.ok) {
      peers.value = result.value;
      useNotificationsStore().success('peers.removed', { address });
    } else useNotificationsStore().error(result.error);
  }

  /** Consensus: asks every peer and keeps the report for the "what happened" panel. */
  async function resolve(): Promise<ResolveReportDto | null> {
    resolving.value = true;
    const result = await useDashboardClient().resolve();
    resolving.value = false;
    const notifications = useNotificationsStore();
    if (!result.ok) {
      notifications.error(result.error);
      return null;
    }
    report.value = result.value;
    if (result.value.replaced)
      notifications.success('notify.chainReplaced', { winner: result.value.winner ?? '' });
    else notifications.info('notify.chainKept');
    void refreshList();
    return result.value;
  }

  function start(): void {
    stop();
    const client = useDashboardClient();
    unsubscribers = [
      client.on('peers', (next) => (peers.value = next)),
      onOpen(client, () => void refreshList()),
    ];
  }

  function stop(): void {
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
  }

  return {
    peers,
    loading,
    adding,
    addError,
    refreshing,
    resolving,
    removing,
    report,
    onlineCount,
    refreshList,
    refresh,
    add,
    remove,
    resolve,
    start,
    stop,
  };
});
