import { defineStore } from 'pinia';
import { onBeforeUnmount, onMounted, ref, shallowRef, watch } from 'vue';
import type { DiagnosticsDto, JoinCodeDto, NearbyNetwork } from '@shared/api';
import type { Message } from '@shared/messages';
import { onOpen, useDashboardClient } from '@renderer/api';
import type { ClientError, ClientResult } from '@renderer/api';
import { errorWording, type Wording } from '@renderer/i18n/message';
import { useNodeStore } from './node';
import { useNotificationsStore } from './notifications';

/** What a join is about: a network seen nearby, or the node a typed join code names. */
export type JoinTarget = { kind: 'network'; network: string } | { kind: 'code'; code: string };

/** A join the node wants confirmed first: this node has blocks of its own that would give way. */
export interface PendingJoin {
  target: JoinTarget;
  /** The node's words for what gives way (`join-needs-confirm`), and its English as a fallback. */
  detail: Message;
  fallback: string;
}

/** Whether a failed join is the node asking to confirm (it has blocks of its own). */
export function needsConfirm(error: ClientError): boolean {
  return error.code === 'invalid-request' && error.field === 'confirm' && error.detail !== undefined;
}

/**
 * The live network around this node: the networks seen nearby, this node's join code, joining
 * another network (by the Nearby panel or a code, with the node's confirm step) and the peering
 * diagnostics. Only screens that show these need them, so components hold the feed open with
 * {@link useNearbyFeed} rather than every dashboard polling for them.
 */
export const useNearbyStore = defineStore('nearby', () => {
  const networks = shallowRef<NearbyNetwork[]>([]);
  /** The first snapshot arrived (before it, "nobody nearby" is not known yet). */
  const loaded = ref(false);
  const joinCode = shallowRef<JoinCodeDto | null>(null);
  /** The network being joined, or `code` for a join by code; null when none runs. */
  const joining = ref<string | null>(null);
  const pending = shallowRef<PendingJoin | null>(null);
  /** Why the typed join code was refused, beside its field. */
  const codeError = shallowRef<Wording | null>(null);
  const diagnostics = shallowRef<DiagnosticsDto | null>(null);
  const diagnosing = ref(false);
  let users = 0;
  let unsubscribers: (() => void)[] = [];

  async function refresh(): Promise<void> {
    const result = await useDashboardClient().nearby();
    if (result.ok) {
      networks.value = result.value;
      loaded.value = true;
    } else useNotificationsStore().error(result.error);
  }

  async function refreshJoinCode(): Promise<void> {
    const result = await useDashboardClient().joinCode();
    if (result.ok) joinCode.value = result.value;
    else useNotificationsStore().error(result.error);
  }

  /**
   * Asks the node to join; when it answers that blocks of its own would give way, keeps the
   * question for the confirm dialog instead of failing. Returns true when joined.
   */
  async function attempt(target: JoinTarget, confirm: boolean): Promise<boolean> {
    joining.value = target.kind === 'network' ? target.network : 'code';
    if (target.kind === 'code') codeError.value = null;
    const client = useDashboardClient();
    let result: ClientResult<{ blocks: number; address?: string }>;
    try {
      result =
        target.kind === 'network'
          ? await client.joinNetwork({ network: target.network, confirm })
          : await client.joinByCode({ code: target.code, confirm });
    } finally {
      joining.value = null;
    }
    const notifications = useNotificationsStore();
    if (result.ok) {
      pending.value = null;
      const height = result.value.blocks;
      if (result.value.address !== undefined)
        notifications.success('joinCode.joined', { address: result.value.address, height });
      else notifications.success('nearby.joined', { height });
      // Without a network event, the code (it names the network) is read again now.
      void refreshJoinCode();
      return true;
    }
    const error = result.error;
    if (!confirm && needsConfirm(error)) {
      pending.value = { target, detail: error.detail!, fallback: error.message };
      return false;
    }
    pending.value = null;
    if (target.kind === 'code' && error.field === 'code') codeError.value = errorWording(error);
    else notifications.error(error);
    return false;
  }

  /** Joins a network seen nearby (asks first, through {@link pending}, when blocks would give way). */
  function join(network: string): Promise<boolean> {
    return attempt({ kind: 'network', network }, false);
  }

  /** Joins the network of the node a typed code names (same confirm step as {@link join}). */
  function joinByCode(code: string): Promise<boolean> {
    return attempt({ kind: 'code', code }, false);
  }

  /** The person confirmed: join again, this time letting this node's blocks give way. */
  async function confirmJoin(): Promise<boolean> {
    const asked = pending.value;
    if (!asked) return false;
    return attempt(asked.target, true);
  }

  function cancelJoin(): void {
    pending.value = null;
  }

  /** Runs the peering checks, about one node (a name or an address) when `target` is given. */
  async function diagnose(target: string): Promise<void> {
    diagnosing.value = true;
    const trimmed = target.trim();
    const result = await useDashboardClient().diagnose(trimmed ? { target: trimmed } : {});
    diagnosing.value = false;
    if (result.ok) diagnostics.value = result.value;
    else useNotificationsStore().error(result.error);
  }

  function subscribe(): void {
    const client = useDashboardClient();
    const node = useNodeStore();
    // The code names this node's address, port and network: read it again when one of them changes.
    const codeKey = () => {
      const status = node.status;
      return status ? `${status.addresses.join(' ')}|${status.port}|${status.genesisHash}` : '';
    };
    const stopWatch = watch(codeKey, (key, before) => {
      if (key && key !== before) void refreshJoinCode();
    });
    unsubscribers = [
      client.on('nearby', (next) => {
        networks.value = next;
        loaded.value = true;
      }),
      onOpen(client, () => {
        void refresh();
        void refreshJoinCode();
      }),
      stopWatch,
    ];
  }

  /** Holds the feed open (events, snapshots) until the returned function is called. */
  function retain(): () => void {
    if (users++ === 0) subscribe();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--users > 0) return;
      for (const unsubscribe of unsubscribers) unsubscribe();
      unsubscribers = [];
    };
  }

  return {
    networks,
    loaded,
    joinCode,
    joining,
    pending,
    codeError,
    diagnostics,
    diagnosing,
    refresh,
    refreshJoinCode,
    join,
    joinByCode,
    confirmJoin,
    cancelJoin,
    diagnose,
    retain,
  };
});

/** The nearby store, its feed held open while the calling component is mounted (call in `setup`). */
export function useNearbyFeed(): ReturnType<typeof useNearbyStore> {
  const store = useNearbyStore();
  let release: (() => void) | null = null;
  onMounted(() => (release = store.retain()));
  onBeforeUnmount(() => release?.());
  return store;
}
