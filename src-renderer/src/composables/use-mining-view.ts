import { storeToRefs } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef, watch } from 'vue';
import type { MiningProgressDto } from '@shared/api';
import { useNodeStore } from '@renderer/stores/node';
import type { RateSample } from '@renderer/stores/node';
import { useSettingsStore } from '@renderer/stores/settings';

/** How long auto-mine may sit between two blocks and still read as "mining". */
export const AUTO_MINE_GAP_MS = 1500;

/**
 * Mining as the dashboard shows it. At difficulty 4 auto-mine forges dozens of blocks a second: the
 * node is idle for a moment between them and most blocks are found before their first progress report.
 * Shown raw, the Mine button, the strip and the hash rate would flicker between "Stop mining" and
 * "Mine a block", "Idle" and a rate, many times a second. So while auto-mine goes on, a gap between
 * blocks still reads as mining and the last progress report stays up; a Stop is shown at once.
 */
export function useMiningView() {
  const node = useNodeStore();
  const { mining, isMining } = storeToRefs(node);
  const { settings } = storeToRefs(useSettingsStore());
  const autoMine = computed(() => settings.value?.autoMine ?? false);

  const holding = ref(false);
  const stoppedByUser = ref(false);
  let timer: ReturnType<typeof setTimeout> | null = null;
  const clearTimer = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  watch(isMining, (now, before) => {
    clearTimer();
    holding.value = false;
    if (now) stoppedByUser.value = false;
    else if (before && autoMine.value && !stoppedByUser.value) {
      holding.value = true;
      timer = setTimeout(() => {
        timer = null;
        holding.value = false;
      }, AUTO_MINE_GAP_MS);
    }
  });
  watch(autoMine, (on) => {
    if (on) stoppedByUser.value = false;
    else {
      clearTimer();
      holding.value = false;
    }
  });
  onScopeDispose(clearTimer);

  /** Mining a block, or auto-mine between two blocks. */
  const running = computed(() => isMining.value || holding.value);

  const lastProgress = shallowRef<MiningProgressDto | null>(null);
  watch(
    () => mining.value?.progress ?? null,
    (progress) => {
      if (progress) lastProgress.value = progress;
    },
    { immediate: true },
  );
  watch(running, (on) => {
    if (!on) lastProgress.value = null;
  });
  /** The latest progress report while running, null when idle. */
  const progress = computed(() => (running.value ? (mining.value?.progress ?? lastProgress.value) : null));

  /** Stops the search and auto-mine; the screen says so at once. */
  function stop(): Promise<void> {
    stoppedByUser.value = true;
    clearTimer();
    holding.value = false;
    return node.stopMining();
  }

  return { running, progress, autoMine, stop };
}

/**
 * The hash-rate series for the sparkline: the highest rate in each `binMs`. Auto-mine's short gaps
 * between blocks (each a zero sample) then do not saw the line down to zero many times a second, and
 * the chart draws a few hundred points at most.
 */
export function binSamples(samples: readonly RateSample[], binMs = 1000): RateSample[] {
  const out: RateSample[] = [];
  for (const sample of samples) {
    const t = Math.floor(sample.t / binMs) * binMs;
    const last = out[out.length - 1];
    if (last && last.t === t) {
      if (sample.rate > last.rate) last.rate = sample.rate;
    } else out.push({ t, rate: sample.rate });
  }
  return out;
}
