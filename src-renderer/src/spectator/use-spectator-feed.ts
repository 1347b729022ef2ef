import { getCurrentScope, onScopeDispose, ref, shallowRef } from 'vue';
import type { Ref, ShallowRef } from 'vue';
import { SPECTATOR_DATA_PATH, type SpectatorDto } from '@shared/api';

/**
 * Where the peer port serves the spectator's data (src-main/control/spectator.ts): no token, the same
 * origin as the page, which sits at SPECTATOR_PATH.
 */
export const SPECTATOR_DATA_URL = SPECTATOR_DATA_PATH;
/** How often the page asks the host: phones in a room, so every 2 s, one small answer each. */
export const SPECTATOR_POLL_MS = 2000;
/** An answer slower than this counts as none (the host may be busy or gone); the next poll tries again. */
const TIMEOUT_MS = 5000;

/** What the spectator page shows, and how fresh it is. */
export interface SpectatorFeed {
  data: ShallowRef<SpectatorDto | null>;
  /** Epoch ms of the last good answer. */
  updatedAt: Ref<number | null>;
  /** The last poll failed (the host is down, or answered something else). */
  failing: Ref<boolean>;
  stop(): void;
}

/** Whether an answer has the shape the page draws (the host may be another version, or not a node). */
function isSpectatorDto(value: unknown): value is SpectatorDto {
  if (typeof value !== 'object' || value === null) return false;
  const { view, forks } = value as Record<string, unknown>;
  return (
    typeof view === 'object' &&
    view !== null &&
    Array.isArray((view as Record<string, unknown>)['nodes']) &&
    typeof forks === 'object' &&
    forks !== null &&
    Array.isArray((forks as Record<string, unknown>)['blocks'])
  );
}

/**
 * Polls the host's spectator data every {@link SPECTATOR_POLL_MS}, one request at a time (the next
 * starts after the last ends), paused while the page is hidden (a phone in a pocket asks nothing).
 */
export function useSpectatorFeed(
  options: { url?: string; everyMs?: number; fetch?: typeof fetch } = {},
): SpectatorFeed {
  const url = options.url ?? SPECTATOR_DATA_URL;
  const everyMs = options.everyMs ?? SPECTATOR_POLL_MS;
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const data = shallowRef<SpectatorDto | null>(null);
  const updatedAt = ref<number | null>(null);
  const failing = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let polling = false;

  async function poll(): Promise<void> {
    if (stopped || polling) return;
    polling = true;
    const controller = new AbortController();
    const abort = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const response = await doFetch(url, { cache: 'no-store', signal: controller.signal });
      const body: unknown = response.ok ? await response.json() : null;
      if (isSpectatorDto(body)) {
        data.value = body;
        updatedAt.value = Date.now();
        failing.value = false;
      } else failing.value = true;
    } catch {
      failing.value = true;
    } finally {
      clearTimeout(abort);
      polling = false;
    }
    schedule();
  }

  function schedule(): void {
    if (stopped || timer !== null) return;
    if (typeof document !== 'undefined' && document.visibilityState === 'hidden') return;
    timer = setTimeout(() => {
      timer = null;
      void poll();
    }, everyMs);
  }

  function onVisibility(): void {
    if (document.visibilityState === 'visible' && timer === null) void poll();
  }

  function stop(): void {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (typeof document !== 'undefined') document.removeEventListener('visibilitychange', onVisibility);
  }

  if (typeof document !== 'undefined') document.addEventListener('visibilitychange', onVisibility);
  void poll();
  if (getCurrentScope()) onScopeDispose(stop);
  return { data, updatedAt, failing, stop };
}
