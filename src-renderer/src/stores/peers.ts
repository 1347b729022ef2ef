import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { PeerInfo, ResolveReportDto } from '@shared/api';
import { parsePeerAddress } from '@shared/address';
import { isMessage, message, type Message } from '@shared/messages';
import { onOpen, useDashboardClient } from '@renderer/api';
import { errorWording, type Wording } from '@renderer/i18n/message';
import { useNotificationsStore } from './notifications';

/** Beyond this many new peers at once, one notification says how many instead of one each. */
const ADDED_ONE_BY_ONE = 3;

/**
 * The addresses in what was typed or pasted: separated by spaces, new lines or commas (a list copied
 * from a chat, a spreadsheet or the projector), the full-width comma and 、 included.
 */
export function splitPeerInput(text: string): string[] {
  return text.split(/[\s,;，、；]+/u).filter((part) => part !== '');
}

/** The peers table, adding/removing peers and consensus with its report. */
export const usePeersStore = defineStore('peers', () => {
  const peers = shallowRef<PeerInfo[]>([]);
  const loading = ref(false);
  const adding = ref(false);
  /** Why inputs of the last add were refused, one line each (empty: none). */
  const addErrors = ref<Wording[]>([]);
  const refreshing = ref(false);
  const resolving = ref(false);
  const removing = ref<string | null>(null);
  const report = shallowRef<ResolveReportDto | null>(null);
  let unsubscribers: (() => void)[] = [];

  const onlineCount = computed(() => peers.value.filter((peer) => peer.status === 'online').length);

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

  /**
   * Adds the addresses typed or pasted (one or a list). Each is checked with the node's own rules
   * first, so a mistyped one is refused here with the reason; the node then refuses what only it can
   * tell (this node itself, a full book) and says which were peers already. Returns true when every
   * address was added or known, so the field can be emptied; refused ones stay listed with why.
   */
  async function add(input: string): Promise<boolean> {
    addErrors.value = [];
    const items = splitPeerInput(input);
    if (items.length === 0) {
      addErrors.value = [{ message: message('address-empty') }];
      return false;
    }
    // One address: its reason alone. Several: each reason after the text it is about.
    const refusal = (text: string, reason: Message): Wording =>
      items.length === 1 ? { message: reason } : { key: 'peers.refusedOne', params: { input: text, reason } };
    const refused: Wording[] = [];
    const valid: string[] = [];
    for (const item of items) {
      const parsed = parsePeerAddress(item);
      if (!parsed.ok) refused.push(refusal(parsed.input, parsed.reason));
      else if (!valid.includes(parsed.address)) valid.push(parsed.address);
    }
    if (valid.length === 0) {
      addErrors.value = refused;
      return false;
    }
    adding.value = true;
    const notifications = useNotificationsStore();
    try {
      const result = await useDashboardClient().addPeers({ addresses: valid });
      if (!result.ok) {
        const detail = result.error.detail;
        if (detail?.code === 'register-none-valid' && isMessage(detail.params['reason'])) {
          refused.push(refusal(String(detail.params['input']), detail.params['reason']));
        } else if (result.error.code === 'invalid-address' || result.error.code === 'too-many-peers') {
          refused.push(errorWording(result.error));
        } else {
          notifications.error(result.error);
        }
        addErrors.value = refused;
        return false;
      }
      const { added, known, rejected, reachable } = result.value;
      peers.value = result.value.peers;
      for (const r of rejected) refused.push(refusal(r.input, r.reason));
      // Main asked the new peers before answering: say which answered.
      const silent = added.filter(
        (address) =>
          !(reachable[address] ?? peers.value.find((peer) => peer.address === address)?.status === 'online'),
      );
      if (added.length > ADDED_ONE_BY_ONE) {
        notifications.success('peers.addedMany', { count: added.length });
        if (silent.length > 0) notifications.warning('peers.addedManyOffline', { count: silent.length });
      } else {
        for (const address of added) {
          if (silent.includes(address)) notifications.warning('peers.addedOffline', { address });
          else notifications.success('peers.added', { address });
        }
      }
      for (const address of known) notifications.info('peers.known', { address });
      addErrors.value = refused;
      return refused.length === 0;
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
      notifications.success('notify.chainReplaced', {
        winner: result.value.winnerName ?? result.value.winner ?? '',
      });
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
    addErrors,
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
