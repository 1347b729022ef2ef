import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type {
  BlockDetail,
  FlightDto,
  ForkTreeDto,
  LabState,
  NetworkViewDto,
  TamperEdit,
  TamperReportDto,
  TamperSentDto,
} from '@shared/api';
import { onOpen, useDashboardClient } from '@renderer/api';
import type { ClientError } from '@renderer/api';
import { useCoalesced } from '@renderer/composables/use-coalesced';
import { errorWording, type Wording } from '@renderer/i18n/message';
import { useNodeStore } from './node';
import { useNotificationsStore } from './notifications';

/** The lab's live views, as the node's `lab` event names them. */
export type LabFeed = 'network' | 'forks' | 'flights';

/**
 * The fastest a lab view follows the node. The node hints at most four times a second per view; a
 * projector redrawn twice a second is as live as a class can read, and costs the page half as much.
 */
export const LAB_REFRESH_MS = 500;
/** Blocks of our chain the fork tree shows, unless a screen asks for more. */
export const FORK_DEPTH_DEFAULT = 30;
/** The depths the fork tree offers (the node gives at most 200). */
export const FORK_DEPTHS = [30, 60, 100, 200] as const;
/** The latest blocks whose flights are shown. */
export const FLIGHT_COUNT = 5;

/** Which feeds each node event makes stale: a new block moves the tree, the network and the flights. */
const STALE_ON: Record<LabFeed | 'chain' | 'peers', readonly LabFeed[]> = {
  network: ['network'],
  forks: ['forks', 'network', 'flights'],
  flights: ['flights'],
  chain: ['forks', 'network', 'flights'],
  peers: ['network'],
};

/**
 * The classroom lab: the network view, the fork tree and the blocks in flight (each fetched only while
 * a screen shows it, refetched on the node's hints), and the tamper, attack and pace controls.
 */
export const useLabStore = defineStore('lab', () => {
  const view = shallowRef<NetworkViewDto | null>(null);
  const forks = shallowRef<ForkTreeDto | null>(null);
  const flights = shallowRef<FlightDto[] | null>(null);
  /** Why a feed could not be fetched (shown in its screen, not as a toast on every hint). */
  const feedErrors = shallowRef<Record<LabFeed, ClientError | null>>({
    network: null,
    forks: null,
    flights: null,
  });
  const forkDepth = ref<number>(FORK_DEPTH_DEFAULT);
  const followers: Record<LabFeed, number> = { network: 0, forks: 0, flights: 0 };
  let unsubscribers: (() => void)[] = [];

  function setFeedError(feed: LabFeed, error: ClientError | null): void {
    if (feedErrors.value[feed] === error) return;
    feedErrors.value = { ...feedErrors.value, [feed]: error };
  }

  const fetchers: Record<LabFeed, ReturnType<typeof useCoalesced>> = {
    network: useCoalesced(
      async () => {
        const result = await useDashboardClient().networkView();
        if (result.ok) view.value = result.value;
        setFeedError('network', result.ok ? null : result.error);
      },
      { minIntervalMs: LAB_REFRESH_MS },
    ),
    forks: useCoalesced(
      async () => {
        const result = await useDashboardClient().forkTree({ depth: forkDepth.value });
        if (result.ok) forks.value = result.value;
        setFeedError('forks', result.ok ? null : result.error);
      },
      { minIntervalMs: LAB_REFRESH_MS },
    ),
    flights: useCoalesced(
      async () => {
        const result = await useDashboardClient().flights({ count: FLIGHT_COUNT });
        if (result.ok) flights.value = result.value;
        setFeedError('flights', result.ok ? null : result.error);
      },
      { minIntervalMs: LAB_REFRESH_MS },
    ),
  };

  function stale(cause: keyof typeof STALE_ON): void {
    for (const feed of STALE_ON[cause]) if (followers[feed] > 0) fetchers[feed].schedule();
  }

  function connect(): void {
    const client = useDashboardClient();
    unsubscribers = [
      client.on('lab', (hint) => stale(hint.what)),
      client.on('chain', () => stale('chain')),
      client.on('peers', () => stale('peers')),
      // After a reconnect (a restarted node) every shown view is fetched afresh.
      onOpen(client, () => {
        for (const feed of Object.keys(followers) as LabFeed[])
          if (followers[feed] > 0) void fetchers[feed].run();
      }),
    ];
  }

  function disconnect(): void {
    for (const unsubscribe of unsubscribers) unsubscribe();
    unsubscribers = [];
    for (const fetcher of Object.values(fetchers)) fetcher.cancel();
  }

  /**
   * Keeps a feed live while a screen shows it: fetches it now, then on each hint from the node.
   * Returns the release, for the screen's unmount. Nothing is fetched for screens nobody looks at.
   */
  function follow(feed: LabFeed): () => void {
    const first = Object.values(followers).every((count) => count === 0);
    followers[feed]++;
    // The first follower subscribes, and the stream's opening (at once when it is open) fetches.
    if (first) connect();
    else void fetchers[feed].run();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      followers[feed]--;
      if (Object.values(followers).every((count) => count === 0)) disconnect();
    };
  }

  /** Shows more or fewer blocks of the fork tree. */
  function setForkDepth(depth: number): void {
    forkDepth.value = depth;
    if (followers.forks > 0) void fetchers.forks.run();
  }

  // ───────────────────────────── attack lab and pace ─────────────────────────────

  const node = useNodeStore();
  /** The lab's switches as the node last told them. */
  const state = computed<LabState | null>(() => node.status?.lab ?? null);
  const switching = ref(false);
  const pacing = ref(false);
  /** Why the pace typed was refused, beside the field. */
  const paceError = ref<Wording | null>(null);

  /** The node answered with its new switches: show them now rather than at the next status. */
  function applyState(next: LabState): void {
    if (node.status) node.status = { ...node.status, lab: next };
  }

  /** Private mining on (withhold blocks) or off (release them). */
  async function setPrivateMining(on: boolean): Promise<boolean> {
    switching.value = true;
    const before = state.value?.withheld ?? 0;
    const result = await useDashboardClient().setPrivateMining({ on });
    switching.value = false;
    const notifications = useNotificationsStore();
    if (!result.ok) {
      notifications.error(result.error);
      return false;
    }
    applyState(result.value);
    if (on) notifications.info('lab.attack.privateOnDone');
    else notifications.success('lab.attack.releasedDone', { blocks: before });
    if (followers.network > 0) fetchers.network.schedule();
    return true;
  }

  /** Sets the network's pace (0 lifts it); a refusal is shown beside the field. */
  async function setPace(seconds: number): Promise<boolean> {
    paceError.value = null;
    pacing.value = true;
    const result = await useDashboardClient().setPace({ seconds });
    pacing.value = false;
    if (!result.ok) {
      if (result.error.code === 'invalid-request') paceError.value = errorWording(result.error);
      else useNotificationsStore().error(result.error);
      return false;
    }
    applyState(result.value);
    if (seconds === 0) useNotificationsStore().success('lab.pace.liftedDone');
    else useNotificationsStore().success('lab.pace.setDone', { seconds });
    if (followers.network > 0) fetchers.network.schedule();
    return true;
  }

  // ───────────────────────────────── tamper lab ─────────────────────────────────

  /** The block being edited, as the node has it. */
  const tamperBlock = shallowRef<BlockDetail | null>(null);
  const loadingBlock = ref(false);
  const report = shallowRef<TamperReportDto | null>(null);
  const sent = shallowRef<TamperSentDto | null>(null);
  const previewing = ref(false);
  const sending = ref(false);
  /** Why the edit was refused (which field, what to type), beside the form. */
  const editError = ref<{ field: string | null; wording: Wording } | null>(null);

  let blockAsked = 0;
  /**
   * Loads the block to edit (its transactions and proof); null when there is none at that index,
   * undefined when another block was asked for meanwhile (the later question wins, whatever answers first).
   */
  async function loadBlock(index: number): Promise<BlockDetail | null | undefined> {
    const asked = ++blockAsked;
    loadingBlock.value = true;
    const result = await useDashboardClient().block({ index });
    if (asked !== blockAsked) return undefined;
    loadingBlock.value = false;
    if (!result.ok) {
      tamperBlock.value = null;
      if (result.error.code !== 'not-found') useNotificationsStore().error(result.error);
      return null;
    }
    tamperBlock.value = result.value;
    return result.value;
  }

  function refused(error: ClientError): void {
    if (error.code === 'invalid-request')
      editError.value = { field: error.field ?? null, wording: errorWording(error) };
    else useNotificationsStore().error(error);
  }

  /** Applies the edit to a copy of the chain and shows what breaks. */
  async function preview(edit: TamperEdit): Promise<TamperReportDto | null> {
    editError.value = null;
    previewing.value = true;
    const result = await useDashboardClient().tamperPreview(edit);
    previewing.value = false;
    if (!result.ok) {
      refused(result.error);
      return null;
    }
    report.value = result.value;
    sent.value = null;
    return result.value;
  }

  /** Sends the edited copy to every peer and keeps each one's verdict. */
  async function send(edit: TamperEdit): Promise<TamperSentDto | null> {
    editError.value = null;
    sending.value = true;
    const result = await useDashboardClient().tamperSend(edit);
    sending.value = false;
    if (!result.ok) {
      refused(result.error);
      return null;
    }
    report.value = result.value.report;
    sent.value = result.value;
    return result.value;
  }

  /** Forgets the last report (the edit changed). */
  function clearReport(): void {
    report.value = null;
    sent.value = null;
    editError.value = null;
  }

  return {
    view,
    forks,
    flights,
    feedErrors,
    forkDepth,
    follow,
    setForkDepth,
    state,
    switching,
    pacing,
    paceError,
    setPrivateMining,
    setPace,
    tamperBlock,
    loadingBlock,
    report,
    sent,
    previewing,
    sending,
    editError,
    loadBlock,
    preview,
    send,
    clearReport,
  };
});
