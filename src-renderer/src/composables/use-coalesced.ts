import { ref, type Ref } from 'vue';

/** How often a screen follows a stream of node events: four redraws a second are as live as people read. */
export const LIVE_REFRESH_MS = 250;

/** How often a coalesced fetch may follow the node's events. */
export interface CoalescedOptions {
  /**
   * `schedule()` starts a fetch at most this often (ms). An auto-mining node announces dozens of blocks
   * a second; a screen redrawn that often shows nothing more and keeps the page busy. Default 0.
   */
  minIntervalMs?: number;
}

/**
 * Wraps a fetch so that calls made while it runs collapse into one more run after it: a burst of
 * events costs two fetches, not one per event. `again()` asks for that extra run from inside.
 *
 * `run()` is for what a person asked (a page, a refresh): it starts now and shows as `loading`.
 * `schedule()` is for events: the same collapsing, no sooner than `minIntervalMs` after the last start,
 * and never shown as `loading` (a spinner flashing with every block would be noise).
 */
export function useCoalesced(
  fetch: (again: () => void) => Promise<void>,
  options: CoalescedOptions = {},
): {
  run: () => Promise<void>;
  schedule: () => void;
  cancel: () => void;
  loading: Ref<boolean>;
} {
  const minIntervalMs = options.minIntervalMs ?? 0;
  const loading = ref(false);
  let inFlight: Promise<void> | null = null;
  let dirty = false;
  let later = false;
  let lastStart = Number.NEGATIVE_INFINITY;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const again = (): void => {
    dirty = true;
  };

  function cancel(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    later = false;
  }

  function start(asked: boolean): Promise<void> {
    if (asked) loading.value = true;
    if (inFlight) {
      dirty = true;
      return inFlight;
    }
    cancel();
    inFlight = (async () => {
      try {
        do {
          dirty = false;
          later = false;
          lastStart = Date.now();
          await fetch(again);
        } while (dirty);
      } finally {
        inFlight = null;
        loading.value = false;
        if (later) schedule();
      }
    })();
    return inFlight;
  }

  function schedule(): void {
    if (minIntervalMs <= 0) {
      void start(false);
      return;
    }
    if (inFlight) {
      later = true;
      return;
    }
    if (timer !== null) return;
    const wait = lastStart + minIntervalMs - Date.now();
    if (wait <= 0) void start(false);
    else
      timer = setTimeout(() => {
        timer = null;
        void start(false);
      }, wait);
  }

  return { run: () => start(true), schedule, cancel, loading };
}
